"""The capacity planner: its arithmetic, its warnings, its data files and its command line."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bench import figures as bench_figures
from bench.table import Row
from sender.capacity import cli, model
from sender.capacity.figures import (
    AWS_FIGURES,
    MEASURED,
    ConversionPoint,
    FiguresError,
    Measured,
    load_aws,
    load_measured,
)
from sender.capacity.model import MIB, Figures, Workload, batch_seconds, chunks, drain_seconds
from sender.capacity.plan import PlanError, plan

AWS = load_aws()


def measured(spm: float = 0.1, worst_mib: float = 400, runtime_mib: float = 100) -> Measured:
    """Made-up bench figures: ``spm`` seconds per megapixel, a worst batch of ``worst_mib``."""
    return Measured(
        date="2026-01-01",
        machine={"CPU": "test CPU", "cores": "2"},
        quick=False,
        conversions=[ConversionPoint(1.0, spm, 2_000_000, 200_000)],
        max_pixels=40_000_000,
        max_workers=4,
        worst_batch="mixed",
        worst_batch_bytes=int(worst_mib * MIB),
        runtime_bytes=int(runtime_mib * MIB),
    )


def planned(spm: float = 0.1, **workload: Any) -> model.Plan:
    """The plan of a 1 MP workload (unless told otherwise) under made-up bench figures."""
    settings: dict[str, Any] = {"images_per_day": 1_000_000, "megapixels": 1.0, **workload}
    return plan(Workload(**settings), Figures(AWS, measured(spm), "us-east-1"))


def topics(warnings: list[model.Finding]) -> list[str]:
    return [warning.topic for warning in warnings]


# ------------------------------------------------------------------------------------------------
# Arithmetic


def test_cost_is_linear_in_volume() -> None:
    one, two = planned(images_per_day=1_000_000), planned(images_per_day=2_000_000)
    fixed = sum(one.monthly_fixed_usd.values())

    assert one.cost_per_million_usd == two.cost_per_million_usd
    assert two.monthly_cost_usd - fixed == pytest.approx(2 * (one.monthly_cost_usd - fixed))
    assert one.monthly_cost_usd - fixed == pytest.approx(
        one.cost_per_million_usd["total"] * one.monthly_images / 1e6
    )
    assert one.monthly_images == pytest.approx(1_000_000 * 730 / 24)


def test_cost_per_million_adds_up_its_parts_from_the_prices() -> None:
    p = planned(memory_mb=1769)
    prices = AWS.prices["us-east-1"]
    costs = p.cost_per_million_usd

    gb_seconds = 1769 / 1024 * p.seconds_per_image
    assert costs["lambda"] == pytest.approx(
        1e6 * gb_seconds * prices["lambda_gb_second_x86_64"].value
        + prices["lambda_requests"].value / 10
    )
    # 2 PUTs (sender, function) and 2 GET-class requests (the JPEG's HEAD, the PNG's GET) per image
    assert costs["s3_requests"] == pytest.approx(
        1000 * (2 * prices["s3_put_requests"].value + 2 * prices["s3_get_requests"].value)
    )
    # send (10 per SendMessageBatch), receive and delete by 10: 0.3 requests per image
    assert costs["sqs"] == pytest.approx(0.3 * prices["sqs_standard_requests"].value)
    assert costs["total"] == pytest.approx(sum(v for k, v in costs.items() if k != "total"))
    arm = planned(memory_mb=1769, architecture="arm64").cost_per_million_usd["lambda"]
    assert arm < costs["lambda"]
    fifo = planned(memory_mb=1769, fifo=True).cost_per_million_usd["sqs"]
    assert fifo == pytest.approx(0.3 * prices["sqs_fifo_requests"].value)


def test_a_batch_takes_the_longer_of_its_cpu_work_and_its_threads_waits() -> None:
    # CPU-bound: 10 images of 0.1 s on one vCPU; on half a vCPU twice as long.
    assert batch_seconds(0.1, 10, 1769, 4, 1769, 0.1) == pytest.approx(1.0)
    assert batch_seconds(0.1, 10, 884.5, 4, 1769, 0.1) == pytest.approx(2.0)
    # Two vCPUs and four threads: the work spreads, unless the threads wait on S3 longer.
    assert batch_seconds(0.1, 10, 3538, 4, 1769, 0.0) == pytest.approx(0.5)
    assert batch_seconds(0.1, 10, 3538, 4, 1769, 0.1) == pytest.approx(3 * 0.2)
    # Tiny images wait on S3: 3 rounds of 4 threads, each 0.001 s + 0.1 s of requests.
    assert batch_seconds(0.001, 10, 1769, 4, 1769, 0.1) == pytest.approx(3 * 0.101)
    # One thread: one image after the other.
    assert batch_seconds(0.1, 10, 3538, 1, 1769, 0.1) == pytest.approx(10 * 0.2)


def test_concurrency_is_the_arrival_rate_times_the_time_per_batch() -> None:
    p = planned(memory_mb=1769, peak_per_second=200)
    assert p.batch_seconds == pytest.approx(1.0)  # 10 images x 0.1 s on one vCPU

    assert p.peak_concurrency == 20  # 200 images/s = 20 batches/s, each 1 s long
    assert planned(memory_mb=1769, peak_per_second=400).peak_concurrency == 40
    assert planned(memory_mb=1769, peak_per_second=201).peak_concurrency == 21  # rounded up
    # without a peak: the daily average (11.6 images/s), at least one
    assert planned(memory_mb=1769).peak_concurrency == 2
    assert planned(memory_mb=1769, images_per_day=1000).peak_concurrency == 1


def test_the_backlog_drains_within_the_concurrency_limit_and_the_scaling_rate() -> None:
    p = planned(memory_mb=1769, backlog=1_000_000)
    per_batch = 10 / p.batch_seconds  # images per second of one concurrent batch
    # Never faster than all 1,000 batches from the first second...
    assert p.backlog_drain_seconds > 1_000_000 / (1000 * per_batch)
    # ...and exactly what 5 batches growing by 5 a second (300 a minute) up to 1,000 convert.
    processed, second, batches = 0.0, 0.0, 5.0
    arrivals = 1_000_000 / 86_400
    while processed < 1_000_000:
        processed += (batches * per_batch - arrivals) * 0.01
        batches = min(1000.0, batches + 5 * 0.01)
        second += 0.01
    assert p.backlog_drain_seconds == pytest.approx(second, rel=0.01)


def test_a_capped_backlog_drains_at_the_cap_and_a_hopeless_one_never() -> None:
    capped = planned(memory_mb=1769, backlog=100_000, maximum_concurrency=2)
    net = 2 * 10 / capped.batch_seconds - 1_000_000 / 86_400
    assert capped.backlog_drain_seconds == pytest.approx(100_000 / net)
    assert planned(backlog=0).backlog_drain_seconds == 0

    # 20 images/s cannot keep up with 50 million a day (579/s)
    hopeless = planned(
        images_per_day=50_000_000, memory_mb=1769, backlog=1000, maximum_concurrency=2
    )
    assert hopeless.backlog_drain_seconds is None
    assert drain_seconds(1000, 10, 5, 5, 5, 50) is None


def test_sqs_bills_each_64_kb_chunk_of_a_payload() -> None:
    assert chunks(1, 65536) == 1
    assert chunks(65536, 65536) == 1
    assert chunks(65537, 65536) == 2
    sender = model.sqs_requests_per_image("sender", 10, 10, 65536)
    assert sender == {"sqs_send": 0.1, "sqs_receive": 0.1, "sqs_delete": 0.1}
    # S3 or EventBridge: one message per object; receives by 10 even for batches of 100
    event = model.sqs_requests_per_image("s3", 100, 10, 65536)
    assert event == {"sqs_send": 1.0, "sqs_receive": 0.1, "sqs_delete": 0.1}
    # messages of 20 KB: a receive of 10 is 200 KB, billed as 4 requests
    big = model.sqs_requests_per_image("s3", 10, 10, 65536 / model.EVENT_MESSAGE_BYTES * 20_000)
    assert big["sqs_receive"] == pytest.approx(0.1)
    assert chunks(10 * 20_000, 65536) == 4


# ------------------------------------------------------------------------------------------------
# Memory


def test_the_memory_floor_holds_the_measured_worst_batch_with_headroom() -> None:
    p = planned()
    # (100 MiB runtime + 400 MiB worst batch) x 1.25 = 625 MiB, rounded up to 64 MB steps
    assert p.memory_floor_mb == 640
    assert "400 MiB" in p.memory_reason
    assert "bench row 4" in p.memory_reason
    # twice the pixels: the batch's images are twice as large
    assert planned(max_pixels=80_000_000).memory_floor_mb == 1152  # (100 + 800) x 1.25 = 1125


def test_the_recommendation_stops_where_more_memory_starts_to_cost_more() -> None:
    cpu_bound = planned(spm=0.5, megapixels=4)  # 2 s per image: CPU all the way to one vCPU
    assert cpu_bound.recommended_memory_mb == 1769
    assert "CPU-bound" in cpu_bound.memory_reason

    waiting = planned(spm=0.0001)  # tiny work: the threads wait on S3 from the floor up
    assert waiting.recommended_memory_mb == waiting.memory_floor_mb

    middle = planned(spm=0.03)
    recommended = middle.recommended_memory_mb
    assert middle.memory_floor_mb < recommended < 1769

    def cost(memory: int) -> float:
        return planned(spm=0.03, memory_mb=memory).cost_per_million_usd["lambda"]

    cheapest = min(cost(m) for m in range(640, 1770, 64))
    assert cost(recommended) <= cheapest * 1.06
    assert cost(recommended + 192) > cheapest * 1.05
    assert (
        planned(spm=0.03, memory_mb=recommended).seconds_per_image
        < planned(spm=0.03, memory_mb=640).seconds_per_image
    )


def test_memory_below_the_floor_and_a_long_batch_are_flagged() -> None:
    p = planned(memory_mb=512, timeout=3, spm=0.2)
    assert "memory" in topics(p.configuration_warnings)
    assert "timeout" in topics(p.configuration_warnings)  # 10 x 0.2 s x 3.5 > 1.5 s
    assert topics(planned(memory_mb=1769).configuration_warnings) == ["peak"]  # a note only
    assert planned(memory_mb=1769, peak_per_second=20).configuration_warnings == []


# ------------------------------------------------------------------------------------------------
# Quota warnings


def test_a_small_workload_exceeds_no_quota() -> None:
    p = planned(peak_per_second=50, backlog=10_000)
    assert p.quota_warnings == []
    assert 5 < p.backlog_concurrency < 200  # the drain ends long before 1,000 batches


def test_concurrency_beyond_the_account_quota_is_a_warning_with_its_source() -> None:
    p = planned(spm=1.0, memory_mb=1769, peak_per_second=2_000)  # 1 s per image
    (account, mapping) = [w for w in p.quota_warnings if w.topic == "concurrency"]

    assert p.peak_concurrency == 2000
    assert (account.limit, account.needed) == (1000, 2000)
    assert account.source == AWS.quotas["lambda_concurrent_executions"].source
    assert "Service Quotas" in account.message
    assert mapping.source == AWS.quotas["esm_max_batches"].source
    assert "1,000 images/s get converted" in account.message  # 1,000 batches of 10 in 10 s
    lower = planned(spm=1.0, memory_mb=1769, peak_per_second=50, concurrency_quota=10)
    assert [w.limit for w in lower.quota_warnings if w.topic == "concurrency"] == [10]


def test_a_fast_burst_outruns_the_mappings_scaling_rate() -> None:
    p = planned(spm=0.1, memory_mb=1769, peak_per_second=4_000)  # 400 batches
    assert p.scale_up_seconds == pytest.approx((400 - 5) / 300 * 60)
    (warning,) = [w for w in p.quota_warnings if w.topic == "event source mapping scaling rate"]
    assert warning.source == AWS.quotas["esm_scale_up_per_minute"].source
    assert "provisioned" in warning.message
    assert planned(spm=0.1, memory_mb=1769, peak_per_second=500).scale_up_seconds < 60


def test_s3_request_rates_per_prefix_at_peak_and_while_a_backlog_drains() -> None:
    puts = planned(spm=0.01, peak_per_second=4_000)
    assert [(w.topic, w.limit) for w in puts.quota_warnings if w.topic.startswith("S3")] == [
        ("S3 request rate per prefix", 3500)
    ]
    both = planned(spm=0.01, peak_per_second=6_000)
    assert [w.limit for w in both.quota_warnings if w.topic.startswith("S3")] == [3500, 5500]
    # a quiet day, but draining a backlog at 1,000 batches reads the input prefix fast
    draining = planned(spm=0.01, images_per_day=100_000, peak_per_second=10, backlog=10_000_000)
    (put, get) = [w for w in draining.quota_warnings if w.topic.startswith("S3")]
    assert "while the backlog drains" in put.message
    assert "maximum_concurrency" in get.message
    assert draining.backlog_concurrency == 1000
    assert get.needed == pytest.approx(1000 * 10 / draining.batch_seconds)
    assert "backlog" in topics(draining.configuration_warnings)  # all of the account's


def test_fifo_limits_its_throughput_and_its_concurrency_to_its_message_groups() -> None:
    p = planned(spm=0.01, fifo=True, message_groups=2, peak_per_second=5_000)
    assert "FIFO throughput" in topics(p.quota_warnings)
    (groups,) = [w for w in p.quota_warnings if w.topic == "concurrency"]
    assert groups.limit == 2
    assert "message groups" in groups.message
    assert p.scale_up_seconds == 0  # no ramp modelled: at most one batch per group
    assert planned(fifo=True, message_groups=4, peak_per_second=20).quota_warnings == []


def test_too_many_messages_in_flight() -> None:
    p = planned(spm=0.001, batch_size=10_000, backlog=10_000_000)
    (warning,) = [w for w in p.quota_warnings if w.topic == "SQS in-flight messages"]
    assert warning.needed == 1000 * 10_000
    assert warning.limit == 120_000


@pytest.mark.parametrize(
    ("workload", "message"),
    [
        ({"megapixels": 50}, "above max_pixels"),
        ({"region": "eu-west-1"}, "no prices for region eu-west-1"),
        ({"fifo": True, "batch_size": 20}, "at most 10"),
        ({"fifo": True, "event_source": "s3"}, "cannot target a FIFO queue"),
        ({"peak_per_second": 1}, "below the daily average"),
    ],
)
def test_a_workload_the_planner_cannot_answer_for_is_refused(
    workload: dict[str, Any], message: str
) -> None:
    with pytest.raises(PlanError, match=message):
        planned(**workload)


# ------------------------------------------------------------------------------------------------
# Data files


def test_every_price_and_quota_is_dated_and_carries_its_source() -> None:
    raw = json.loads(AWS_FIGURES.read_text())
    entries = [
        entry
        for section in (*raw["regions"].values(), raw["quotas"], raw["performance"])
        for entry in section.values()
    ]
    assert len(entries) == sum(
        len(section) for section in (*AWS.prices.values(), AWS.quotas, AWS.performance)
    )
    for entry in entries:
        assert entry["source"].startswith(
            ("https://aws.amazon.com/", "https://docs.aws.amazon.com/")
        )
        assert entry["unit"]
    assert AWS.date == raw["date"]


def test_the_measured_figures_come_from_a_full_bench_run() -> None:
    m = load_measured()
    assert not m.quick
    assert {"CPU", "cores", "Python", "Pillow"} <= set(m.machine)
    assert [p.megapixels for p in m.conversions] == [1.0, 12.0, 24.0]  # bench row 1's sizes
    assert 0 < m.seconds_per_megapixel < 1
    assert m.max_pixels == 40_000_000
    assert m.worst_batch_bytes > 0


def test_bench_writes_what_the_planner_reads(tmp_path: Path) -> None:
    rows = [
        Row("1", "convert", "1 s", figures={"megapixels": 2.0, "seconds": 0.08,
                                             "png_bytes": 4_000_000, "jpeg_bytes": 400_000}),
        Row("4", "peak", "1 MiB", figures={"max_pixels": 40_000_000, "max_input_bytes": 1,
                                            "max_workers": 4, "worst_batch": "rgba",
                                            "worst_batch_bytes": 300 * MIB,
                                            "runtime_bytes": 100 * MIB}),
        Row("4", "allocator", "2 MiB"),
    ]  # fmt: skip
    path = tmp_path / "measured.json"
    bench_figures.write(path, bench_figures.document(rows, [("CPU", "x"), ("cores", "2")],
                                                     "2026-12-06", quick=True))  # fmt: skip

    read = load_measured(path)
    assert read.seconds_per_megapixel == pytest.approx(0.04)
    assert (read.quick, read.worst_batch, read.machine["CPU"]) == (True, "rgba", "x")
    with pytest.raises(ValueError, match="rows 1 and 4"):
        bench_figures.document(rows[:1], [], "2026-12-06", quick=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["quotas"]["esm_max_batches"].pop("source"), "needs a unit and a source"),
        (lambda d: d["quotas"]["esm_max_batches"].update(source="see docs"), "https:// URL"),
        (lambda d: d["regions"]["us-east-1"].pop("s3_put_requests"), "missing s3_put_requests"),
        (lambda d: d["regions"]["us-east-1"]["alarms"].update(value="0.1"), "positive number"),
        (lambda d: d.update(date="December"), "YYYY-MM-DD"),
    ],
)
def test_a_malformed_figure_is_refused_by_name(tmp_path: Path, change: Any, message: str) -> None:
    content = json.loads(AWS_FIGURES.read_text())
    change(content)
    path = tmp_path / "aws-figures.json"
    path.write_text(json.dumps(content))
    with pytest.raises(FiguresError, match=message):
        load_aws(path)


# ------------------------------------------------------------------------------------------------
# Command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "--images-per-day", "2e6", "--peak-per-second", "100", "--megapixels", "12",
        "--backlog", "500000", "--json",
    )  # fmt: skip
    document = json.loads(out)

    assert status == 0
    for key in (
        "seconds_per_image", "recommended_memory_mb", "peak_concurrency",
        "backlog_drain_seconds", "cost_per_million_usd", "monthly_cost_usd", "quota_warnings",
    ):  # fmt: skip
        assert key in document
    assert set(document["cost_per_million_usd"]) == {
        "lambda", "sqs", "s3_requests", "cloudwatch_logs", "total",
    }  # fmt: skip
    assert document["prices_and_quotas_date"] == AWS.date
    assert document["inputs"]["backlog"] == 500_000
    assert document["seconds_per_megapixel"] == pytest.approx(load_measured().seconds_per_megapixel)
    assert "bench row 1" in document["seconds_per_megapixel_source"]


def test_the_report_names_its_figures_dates(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--images-per-day", "1000000", "--megapixels", "1")
    assert status == 0
    assert f"AWS prices and quotas of {AWS.date}" in out
    assert f"make bench {load_measured().date}" in out
    assert "cost per million images" in out
    tuned = run(capsys, "--images-per-day", "1e6", "--megapixels", "1",
                "--seconds-per-megapixel", "0.05", "--json")[1]  # fmt: skip
    assert json.loads(tuned)["seconds_per_megapixel_source"] == "--seconds-per-megapixel"


@pytest.mark.parametrize(
    "args",
    [
        ["--megapixels", "1"],
        ["--images-per-day", "0", "--megapixels", "1"],
        ["--images-per-day", "1e6", "--megapixels", "x"],
        ["--images-per-day", "1e6", "--megapixels", "1", "--memory", "64"],
        ["--images-per-day", "1e6", "--megapixels", "1", "--architecture", "sparc"],
        ["--images-per-day", "1e6", "--megapixels", "1", "--region", "mars-1"],
        ["--images-per-day", "1e6", "--megapixels", "45"],
    ],
)
def test_bad_input_is_a_usage_error(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    status, out, err = run(capsys, *args)
    assert status == 2
    assert out == ""
    assert err.startswith("capacity: error: ")
    assert err.rstrip().endswith("(see python -m sender.capacity --help)")


def test_a_broken_data_file_fails_with_its_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "measured.json"
    broken.write_text('{"date": "2026-12-06"}')
    monkeypatch.setattr(cli, "load_measured", lambda: load_measured(broken))

    status, _, err = run(capsys, "--images-per-day", "1e6", "--megapixels", "1")
    assert status == 1
    assert str(broken) in err
    assert MEASURED.name == broken.name


def test_quick_figures_are_called_out() -> None:
    quick = replace(measured(), quick=True)
    p = plan(Workload(1e6, 1.0), Figures(AWS, quick, "us-east-1"))
    assert any("QUICK" in w.message for w in p.configuration_warnings)
    assert math.isclose(p.seconds_per_megapixel, 0.1)
