"""``make tune``'s arithmetic: Lambda's reports as recorded in CloudWatch Logs, joined with the
images each invocation converted, turned into cost and speed per image and the planner's figure.

The recorded reports: the Telemetry API reference's ``platform.report`` example (AWS Lambda
Developer Guide), JSON reports as log groups hold them before and after Lambda began to bill the
initialization of managed runtimes (August 2025: the billed duration of a cold start includes its
init duration), and Text-format ``REPORT`` lines, one with the X-Ray line Lambda appends.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pytest

from scripts import tune
from scripts.lambda_reports import Report, parse_report
from scripts.terraform_docs import ROOT
from sender.capacity.model import batch_seconds
from tests.e2e.executor.png2jpg_local_executor.platform_logs import Invocation, invocation_logs

TELEMETRY_EXAMPLE = (
    '{"time": "2022-10-12T00:01:15.000Z", "type": "platform.report", "record": {"metrics": '
    '{"billedDurationMs": 694, "durationMs": 693.92, "initDurationMs": 397.68, '
    '"maxMemoryUsedMB": 84, "memorySizeMB": 128}, '
    '"requestId": "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa"}}'
)
INIT_NOT_BILLED = (
    '{"time":"2025-01-07T19:49:07.924Z","type":"platform.report","record":{"requestId":'
    '"06e8554f-3109-426f-8992-0c834de2ac20","metrics":{"durationMs":329.177,'
    '"billedDurationMs":330,"memorySizeMB":1792,"maxMemoryUsedMB":125,"initDurationMs":503.083},'
    '"status":"success"}}'
)
INIT_BILLED = (
    '{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":'
    '"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96,'
    '"billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},'
    '"status":"success"}}'
)
TIMED_OUT = (
    '{"time":"2026-10-08T07:31:02.001Z","type":"platform.report","record":{"requestId":'
    '"0d2f7f5e-6c8e-4a53-9f0e-2b1d5c7e9a10","metrics":{"durationMs":3000.0,'
    '"billedDurationMs":3000,"memorySizeMB":512,"maxMemoryUsedMB":301},"status":"timeout",'
    '"errorType":"Sandbox.Timedout"}}'
)
TEXT_OLD = (
    "REPORT RequestId: f420d819-d07e-11e8-9ef2-4d8f649fd167\tDuration: 158.15 ms\t"
    "Billed Duration: 200 ms \tMemory Size: 128 MB\tMax Memory Used: 38 MB\t\n"
)
TEXT_COLD_XRAY = (
    "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 12.34 ms\t"
    "Billed Duration: 159 ms\tMemory Size: 1024 MB\tMax Memory Used: 79 MB\t"
    "Init Duration: 146.21 ms\t\nXRAY TraceId: 1-5e1b4151-43a9f26ff4e5b2b3b6d1c8e1\t"
    "SegmentId: 6a1f2c3d4e5f6a7b\tSampled: true\t\n"
)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (TELEMETRY_EXAMPLE, Report("6d68ca91-49c9-448d-89b8-7ca3e6dc66aa", 693.92, 694, 128, 84,
                                   397.68)),
        (INIT_NOT_BILLED, Report("06e8554f-3109-426f-8992-0c834de2ac20", 329.177, 330, 1792, 125,
                                 503.083)),
        (INIT_BILLED, Report("79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36", 1233.96, 1698, 256, 123,
                             463.512)),
        (TIMED_OUT, Report("0d2f7f5e-6c8e-4a53-9f0e-2b1d5c7e9a10", 3000.0, 3000, 512, 301, None,
                           "timeout")),
        (TEXT_OLD, Report("f420d819-d07e-11e8-9ef2-4d8f649fd167", 158.15, 200, 128, 38)),
        (TEXT_COLD_XRAY, Report("3604209a-e9a3-11e6-939a-754dd98c7be3", 12.34, 159, 1024, 79,
                                146.21)),
    ],
)  # fmt: skip
def test_recorded_reports_are_read(message: str, expected: Report) -> None:
    assert parse_report(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        '{"time":"2026-10-08T07:30:28.236Z","type":"platform.start","record":{"requestId":"r1"}}',
        '{"timestamp":"2026-10-08T07:30:29.1Z","level":"INFO","message":"converted","requestId":"r"}',
        '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"ImagesConverted":1}',
        '{"type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":1.0}}}',
        '{"type":"platform.report","record":{"metrics":{"durationMs":1,"billedDurationMs":1,'
        '"memorySizeMB":128}}}',
        "REPORT RequestId: r1\tDuration: 1.00 ms\t\n",
        "START RequestId: r1 Version: $LATEST",
        "a plain line",
        "{not json",
        "[]",
    ],
)
def test_lines_that_are_not_complete_reports_are_none(message: str) -> None:
    assert parse_report(message) is None


@pytest.mark.parametrize(("log_format", "system_level"), [("JSON", "INFO"), ("Text", None)])
def test_the_local_executor_writes_reports_as_lambda_does(
    log_format: str, system_level: str | None
) -> None:
    invocation = Invocation("r1", "$LATEST", 512, 1234.5, max_memory_mb=97, init_duration_ms=300.2)
    config = {"LogFormat": log_format, "ApplicationLogLevel": "INFO"}
    if system_level:
        config["SystemLogLevel"] = system_level
    lines = invocation_logs(invocation, [], config).splitlines()

    (report,) = [r for line in lines if (r := parse_report(line))]
    assert report == Report("r1", 1234.5, math.ceil(1234.5 + 300.2), 512, 97, 300.2)
    warm = Invocation("r2", "$LATEST", 512, 10.25)
    (line,) = [x for x in invocation_logs(warm, [], config).splitlines() if parse_report(x)]
    assert parse_report(line) == Report("r2", 10.25, 11, 512)


def _converted(request_id: str, key: str) -> str:
    return json.dumps({"level": "INFO", "message": "converted", "outcome": "converted",
                       "key": key, "requestId": request_id})  # fmt: skip


def _report(request_id: str, duration: float, memory: int, init: float | None = None) -> str:
    metrics = {"durationMs": duration, "billedDurationMs": math.ceil(duration + (init or 0)),
               "memorySizeMB": memory, "maxMemoryUsedMB": 200}  # fmt: skip
    if init is not None:
        metrics["initDurationMs"] = init
    return json.dumps({"type": "platform.report",
                       "record": {"requestId": request_id, "metrics": metrics}})  # fmt: skip


FIGURES = tune.Figures(gb_second=0.0000166667, request=0.20, workers=4, vcpu_mb=1769, wait_s=0.1)


def test_invocations_are_joined_with_the_images_of_this_size() -> None:
    messages = [
        _report("a", 900.0, 1024, init=400.0),
        _converted("a", "pngfiles/tune-1024mb/1/000-x.png"),
        _converted("a", "pngfiles/tune-1024mb/1/001-y.png"),
        _converted("b", "pngfiles/tune-1024mb/2/000-x.png"),
        _report("b", 300.0, 1024),
        _converted("c", "pngfiles/tune-512mb/1/000-x.png"),  # another size's
        '{"level": "INFO", "message": "configuration loaded", "requestId": "a"}',
    ]
    reports, converted = tune.invocation_images(messages, "pngfiles/tune-1024mb/")

    assert set(reports) == {"a", "b"}
    assert converted == {
        "a": ["pngfiles/tune-1024mb/1/000-x.png", "pngfiles/tune-1024mb/1/001-y.png"],
        "b": ["pngfiles/tune-1024mb/2/000-x.png"],
    }


def test_per_image_figures_come_from_the_warm_invocations() -> None:
    keys = {f"k{i}": 2.0 for i in range(5)}
    reports = {
        "cold": parse_report(_report("cold", 2000.0, 1024, init=500.0)),
        "warm1": parse_report(_report("warm1", 600.0, 1024)),
        "warm2": parse_report(_report("warm2", 400.0, 1024)),
    }
    converted = {"cold": ["k0", "k1"], "warm1": ["k2", "k3"], "warm2": ["k4"]}

    result = tune.size_result(1024, reports, converted, keys, FIGURES)  # type: ignore[arg-type]

    assert (result.images, result.invocations, result.warm_invocations) == (5, 3, 2)
    assert (result.cold_starts, result.init_ms_median) == (1, 500.0)
    assert result.billed_ms_per_image == pytest.approx(1000 / 3)  # (600 + 400) / 3 warm images
    assert result.max_memory_used_mb == 200
    expected = 1e6 * (1.0 * 1024 / 1024 * 0.0000166667 + 2 * 0.20 / 1e6) / 3
    assert result.lambda_usd_per_million == pytest.approx(expected)


def test_the_planner_figure_makes_the_model_match_each_warm_invocation() -> None:
    spm, megapixels = 0.05, 2.0
    keys = {f"k{i}": megapixels for i in range(10)}
    durations = {
        memory: batch_seconds(spm * megapixels, 10, memory, 4, 1769, 0.1)
        for memory in (512, 1769, 3008)
    }
    for memory, duration in durations.items():
        reports = {"r": parse_report(_report("r", duration * 1000, memory))}
        result = tune.size_result(memory, reports, {"r": list(keys)}, keys, FIGURES)  # type: ignore[arg-type]
        assert result.seconds_per_megapixel == pytest.approx(spm, rel=1e-3)
    # Faster than the model's S3 waits alone: nothing left for the conversion.
    assert tune.solve_seconds_per_megapixel(0.05, 10, 2.0, 1769, 4, 1769, 0.1) == pytest.approx(0)


def test_the_cheapest_and_the_fastest_sizes_are_marked() -> None:
    def result(memory: int, cost: float, duration: float) -> tune.SizeResult:
        return tune.SizeResult(memory, 10, 2, 2, 0, 0, duration, duration, 100, None, cost, 0.05)

    results = [result(512, 2.0, 900), result(1024, 1.5, 450), result(3008, 4.0, 200)]
    tune.mark(results)
    assert [(r.cheapest, r.fastest) for r in results] == [
        (False, False), (True, False), (False, True),
    ]  # fmt: skip
    table = tune.render(results, {"samples": 10, "megapixels": 2.0, "rounds": 3,
                                  "where": "AWS (png2jpg-e2e-abc123)", "prices_date": "2026-12-06",
                                  "region": "us-east-1", "workers": 4}, 0.05)  # fmt: skip
    assert "--seconds-per-megapixel 0.0500" in table
    (cheapest,) = [line for line in table.splitlines() if line.rstrip().endswith("cheapest")]
    assert cheapest.lstrip().startswith("1024 MB")


@pytest.mark.parametrize("text", ["", "512,512", "64", "512,abc", "20000"])
def test_memory_sizes_are_checked(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="MB"):
        tune.memory_sizes(text)


def test_without_a_deployment_it_says_how_to_run_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PNG2JPG_TERRAFORM_DIR", raising=False)
    with pytest.raises(SystemExit) as exit_:
        tune.main([])
    assert exit_.value.code == 2
    assert "make tune" in capsys.readouterr().err


def test_a_root_without_the_variables_a_step_sets_is_refused(tmp_path: Path) -> None:
    tune.check_root(ROOT / "terraform")  # the kit's root declares them all
    (tmp_path / "variables.tf").write_text('variable "memory_size" {\n  type = number\n}\n')
    with pytest.raises(tune.TuneError, match="maximum_concurrency, system_log_level, timeout"):
        tune.check_root(tmp_path)
