"""``--wait``: latencies of the JPEGs that appear, and the ones that do not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from png2jpg.message import output_key
from sender.cli import main

from .conftest import BUCKET, convert_on_send


def test_wait_reports_each_jpeg_that_appears(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png", "sub/b.png"])
    convert_on_send(aws)

    # --wait right before a PATH waits the default time; the PATH is not taken as SECONDS
    status = main(["--bucket", BUCKET, "--queue-url", aws.queue_url, "--wait", str(tmp_path)])

    assert status == 0
    out, err = capsys.readouterr()
    assert err.endswith("; JPEGs: 2 arrived, 0 missing\n")
    lines = out.splitlines()
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        "pngfiles/a.png -> jpgfiles/a.jpg",
        "pngfiles/sub/b.png -> jpgfiles/sub/b.jpg",
    ]
    assert all(line.endswith("s") and float(line.rsplit(" ", 1)[1][:-1]) < 5 for line in lines)


def test_wait_names_the_jpegs_that_do_not_appear_and_exits_1(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png", "b.png"])
    convert_on_send(aws, skip="b.png")

    args = ["--bucket", BUCKET, "--queue-url", aws.queue_url, "--wait", "0", "--json"]
    status = main([*args, str(tmp_path)])

    assert status == 1
    out, err = capsys.readouterr()
    assert err.splitlines()[0] == "sender: jpgfiles/b.jpg did not appear within 0s"
    assert err.endswith("; JPEGs: 1 arrived, 1 missing\n")
    wait = json.loads(out)["wait"]
    assert wait["timeout_seconds"] == 0
    assert [(a["key"], a["output_key"]) for a in wait["arrived"]] == [
        ("pngfiles/a.png", "jpgfiles/a.jpg")
    ]
    assert wait["arrived"][0]["latency_seconds"] >= 0
    assert wait["missing"] == [
        {"path": str(tmp_path / "b.png"), "key": "pngfiles/b.png", "output_key": "jpgfiles/b.jpg"}
    ]


def test_a_jpeg_left_from_an_earlier_run_does_not_count(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png"])
    aws.s3.put_object(Bucket=BUCKET, Key="jpgfiles/a.jpg", Body=b"old jpeg")

    status = main(["--bucket", BUCKET, "--queue-url", aws.queue_url, "--wait=0", str(tmp_path)])

    assert status == 1
    out, err = capsys.readouterr()
    assert out == "pngfiles/a.png -> jpgfiles/a.jpg missing\n"
    assert "jpgfiles/a.jpg did not appear" in err


def test_wait_uses_the_functions_output_key_rule(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["UP.PNG"])

    args = ["--bucket", BUCKET, "--queue-url", aws.queue_url, "--output-prefix", "out/"]
    assert main([*args, "--wait", "0", "--quiet", str(tmp_path)]) == 1

    expected = output_key("pngfiles/UP.PNG", "pngfiles/", "out/")
    out, err = capsys.readouterr()
    assert (out, err.splitlines()[0]) == ("", f"sender: {expected} did not appear within 0s")


def test_waiting_lists_only_the_runs_key_range_of_a_full_bucket(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # JPEGs of earlier runs on both sides of this run's keys, several listing pages of them.
    for key in [*(f"jpgfiles/0-old-{i:04}.jpg" for i in range(1500)), "jpgfiles/z.jpg"]:
        aws.s3.put_object(Bucket=BUCKET, Key=key, Body=b"old jpeg")
    make_pngs(tmp_path, ["a.png", "b.png"])
    convert_on_send(aws)
    listed: list[int] = []

    def count(parsed: dict[str, Any], **_: Any) -> None:
        listed.append(len(parsed.get("Contents", [])))

    aws.s3.meta.events.register("after-call.s3.ListObjectsV2", count)

    status = main(["--bucket", BUCKET, "--queue-url", aws.queue_url, "--wait", "5", str(tmp_path)])

    assert status == 0
    assert capsys.readouterr().err.endswith("; JPEGs: 2 arrived, 0 missing\n")
    # The input and output ranges, listed at once to find unchanged files; one call before
    # sending; one poll that finds both. None reads the 1,500 older JPEGs.
    assert (sorted(listed[:2]), listed[2:]) == ([0, 1], [1, 3])
