"""The pipeline: sender → S3 + SQS → event source mapping → function → S3, and what operators see.

The load test needs the DLQ empty: it runs before tests/e2e/test_quarantine.py (file order).
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from png2jpg.message import output_key
from scripts.queues import queue_depth
from tests.conftest import CORPUS
from tests.e2e.conftest import Deployment, client, log_records, sender_json, wait_until
from tests.imagegen import photo_like, png_bytes

# Corpus images covering the PNG features that break naive converters.
HAPPY_PATH_IMAGES = [
    "pngsuite/basn0g01.png",  # 1-bit grey
    "pngsuite/basn0g02.png",  # 2-bit grey
    "pngsuite/basn0g04.png",  # 4-bit grey
    "pngsuite/basn0g16.png",  # 16-bit grey
    "pngsuite/basn2c16.png",  # 16-bit colour
    "pngsuite/basn3p01.png",  # 1-bit palette
    "pngsuite/basn3p08.png",  # 8-bit palette
    "pngsuite/basn4a08.png",  # grey + alpha
    "pngsuite/basn4a16.png",  # 16-bit grey + alpha
    "pngsuite/basn6a08.png",  # RGBA
    "pngsuite/basn6a16.png",  # 16-bit RGBA
    "pngsuite/ibasn0g16.png",  # interlaced 16-bit grey
    "pngsuite/ibasn3p08.png",  # interlaced palette
    "pngsuite/ibasn6a08.png",  # interlaced RGBA
    "pngsuite/ftbbn3p08.png",  # palette with tRNS
    "pngsuite/ftp1n3p08.png",  # palette with transparent entries
    "testpngs/gray-16-tRNS.png",
    "testpngs/palette-8-sRGB-tRNS.png",
    "testpngs/rgb-alpha-16-linear.png",
    "testpngs/gray-alpha-8.png",
]
CONVERSION_TIMEOUT = 180
# Two receives, each followed by an 18 s visibility timeout, then the move to the DLQ.
DLQ_TIMEOUT = 150


def converted(s3: Any, bucket: str, key: str) -> Image.Image:
    """The JPEG at ``key`` once it appears (the test fails if it does not in time)."""
    found = wait_until(
        lambda: s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount"), CONVERSION_TIMEOUT
    )
    assert found, f"no {key}"
    return jpeg_at(s3, bucket, key)


def jpeg_at(s3: Any, bucket: str, key: str) -> Image.Image:
    """Fetch and decode the JPEG at ``key``."""
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "JPEG"
    return image


def test_happy_path(deployment: Deployment, s3: Any, tmp_path: Path) -> None:
    """Twenty corpus PNGs and a large photo: every JPEG appears, decodes, keeps its size."""
    source = tmp_path / "happy"
    for name in HAPPY_PATH_IMAGES:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, target)
    (source / "large.png").write_bytes(png_bytes(photo_like(2400, 1600)))

    result = deployment.sender("--wait", str(CONVERSION_TIMEOUT), "--json", str(source))

    assert result.returncode == 0, result.stderr
    summary = sender_json(result)
    assert len(summary["sent"]) == len(HAPPY_PATH_IMAGES) + 1
    assert summary["wait"]["missing"] == []
    assert len(summary["wait"]["arrived"]) == len(summary["sent"])
    for arrived in summary["wait"]["arrived"]:
        expected_key = output_key(
            arrived["key"], deployment["input_prefix"], deployment["output_prefix"]
        )
        assert arrived["output_key"] == expected_key
        with Image.open(
            source / Path(arrived["key"]).relative_to(deployment["input_prefix"])
        ) as png:
            expected_size = ImageOps.exif_transpose(png).size
        jpeg = jpeg_at(s3, deployment["bucket_name"], expected_key)
        assert jpeg.size == expected_size, arrived["key"]
        assert jpeg.mode == "RGB"

    # The same folder again: nothing uploaded, nothing enqueued, every JPEG as it was.
    before = jpeg_etags(deployment, s3, summary["wait"]["arrived"])
    again = deployment.sender("--json", str(source))
    assert again.returncode == 0, again.stderr
    rerun = sender_json(again)
    assert (len(rerun["sent"]), len(rerun["unchanged"])) == (0, len(summary["sent"]))
    assert jpeg_etags(deployment, s3, summary["wait"]["arrived"]) == before


def jpeg_etags(deployment: Deployment, s3: Any, arrived: list[dict[str, Any]]) -> dict[str, str]:
    """``{output_key: ETag}`` of the JPEGs a sender run waited for."""
    bucket = deployment["bucket_name"]
    return {
        each["output_key"]: s3.head_object(Bucket=bucket, Key=each["output_key"])["ETag"]
        for each in arrived
    }


def test_a_duplicate_message_downloads_and_converts_nothing(
    deployment: Deployment, s3: Any, sqs: Any
) -> None:
    """A message for a PNG whose JPEG is up to date: one line `unchanged`, the JPEG untouched
    (LocalStack answers the conditional GET with 304, as S3 does)."""
    bucket, key = deployment["bucket_name"], f"{deployment['input_prefix']}duplicate/photo.png"
    target = output_key(key, deployment["input_prefix"], deployment["output_prefix"])
    s3.put_object(Bucket=bucket, Key=key, Body=png_bytes(photo_like(64, 48)))
    body = json.dumps({"bucket": bucket, "key": key})
    sqs.send_message(QueueUrl=deployment["queue_url"], MessageBody=body)
    converted(s3, bucket, target)
    written = s3.head_object(Bucket=bucket, Key=target)

    duplicate = sqs.send_message(QueueUrl=deployment["queue_url"], MessageBody=body)["MessageId"]

    def outcome() -> str | None:
        records = [r for r in log_records(deployment) if r.get("messageId") == duplicate]
        return records[0]["outcome"] if records else None

    assert wait_until(outcome, 60) == "unchanged"
    after = s3.head_object(Bucket=bucket, Key=target)
    assert (after["ETag"], after["LastModified"]) == (written["ETag"], written["LastModified"])
    assert after["Metadata"]["source-etag"] == s3.head_object(Bucket=bucket, Key=key)["ETag"].strip(
        '"'
    )


def test_load(deployment: Deployment, s3: Any, sqs: Any, tmp_path: Path) -> None:
    """E2E_LOAD images: as many JPEGs, an empty DLQ, every message accounted for exactly once."""
    count = int(os.environ.get("E2E_LOAD", "200"))
    source = tmp_path / "load"
    source.mkdir()
    for index in range(count):
        mode = "RGBA" if index % 2 else "RGB"
        image = photo_like(96 + index % 7 * 16, 64 + index % 5 * 16, mode, seed=index)
        (source / f"img-{index:05d}.png").write_bytes(png_bytes(image))

    result = deployment.sender("--wait", "600", "--json", "--concurrency", "16", str(source))

    assert result.returncode == 0, result.stderr
    summary = sender_json(result)
    assert len(summary["sent"]) == count
    assert summary["wait"]["missing"] == []
    wait_until(lambda: queue_depth(sqs, deployment["queue_url"]) == 0, CONVERSION_TIMEOUT)
    bucket, out_prefix = deployment["bucket_name"], deployment["output_prefix"]
    listed = {
        obj["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"{out_prefix}img-"
        )
        for obj in page.get("Contents", [])
    }
    expected = {
        output_key(sent["key"], deployment["input_prefix"], out_prefix) for sent in summary["sent"]
    }
    # messages in = outputs + DLQ entries, and no message produced a second, different key
    assert listed == expected
    assert queue_depth(sqs, deployment["dlq_url"]) == 0


def test_dashboard_shows_the_deployment(deployment: Deployment) -> None:
    """The dashboard exists after apply and its widgets name the deployed function and queues."""
    dashboard = client("cloudwatch").get_dashboard(DashboardName=deployment["dashboard_name"])
    body = dashboard["DashboardBody"]
    widgets = json.loads(body)["widgets"]
    assert widgets
    queue_name = deployment["queue_url"].rsplit("/", 1)[1]
    for name in (deployment["function_name"], queue_name, deployment["dlq_name"]):
        assert f'"{name}"' in body, name
    assert deployment["dashboard_name"] in deployment["dashboard_url"]
