"""The pipeline on LocalStack: sender → S3 + SQS → event source mapping → function → S3 / DLQ.

Tests run in file order: the load test needs the DLQ still empty, the alarm and redrive tests
use the poison messages of the poison test (a module fixture sends them once).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageOps

from png2jpg.message import output_key
from tests.conftest import CORPUS
from tests.e2e.conftest import ROOT, Deployment, client, peek, queue_depth, wait_until
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


def sender_json(result: Any) -> dict[str, Any]:
    """The sender's ``--json`` summary, with its stderr shown if it is not JSON."""
    assert result.stdout, f"sender printed nothing; stderr:\n{result.stderr}"
    return json.loads(result.stdout)


def jpeg_at(s3: Any, bucket: str, key: str) -> Image.Image:
    """Fetch and decode the JPEG at ``key``."""
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "JPEG"
    return image


def log_lines(deployment: Deployment) -> list[dict[str, Any]]:
    """The function's JSON log lines, from CloudWatch Logs."""
    logs = client("logs")
    lines = []
    paginator = logs.get_paginator("filter_log_events")
    for page in paginator.paginate(logGroupName=deployment["log_group_name"]):
        for event in page["events"]:
            text = event["message"].strip()
            if text.startswith("{"):
                lines.append(json.loads(text))
    return lines


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


@pytest.fixture(scope="module")
def poison(deployment: Deployment, s3: Any, sqs: Any) -> dict[str, Any]:
    """Send five poison messages among good ones, in the same batches; wait for the DLQ."""
    bucket, prefix = deployment["bucket_name"], deployment["input_prefix"]
    good_png = png_bytes(photo_like(120, 80))
    uploads = {
        f"{prefix}poison/corrupt.png": good_png[: len(good_png) // 2],
        f"{prefix}poison/not-a-png.png": b"\xff\xd8\xff\xe0 this is a JPEG header, not a PNG",
        "outside/poison.png": good_png,
    }
    for index in range(5):
        uploads[f"{prefix}poison/good-{index}.png"] = good_png
    for key, body in uploads.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="image/png")
    poison_bodies = {
        "corrupt": json.dumps({"bucket": bucket, "key": f"{prefix}poison/corrupt.png"}),
        "not a PNG": json.dumps({"bucket": bucket, "key": f"{prefix}poison/not-a-png.png"}),
        "not JSON": "this is not JSON {",
        "outside the prefix": json.dumps({"bucket": bucket, "key": "outside/poison.png"}),
        "missing": json.dumps({"bucket": bucket, "key": f"{prefix}poison/missing.png"}),
    }
    good_bodies = [
        json.dumps({"bucket": bucket, "key": f"{prefix}poison/good-{index}.png"})
        for index in range(5)
    ]
    entries = [
        {"Id": str(i), "MessageBody": b}
        for i, b in enumerate([*poison_bodies.values(), *good_bodies])
    ]
    response = sqs.send_message_batch(QueueUrl=deployment["queue_url"], Entries=entries)
    assert not response.get("Failed")
    ids = {entry["Id"]: entry["MessageId"] for entry in response["Successful"]}
    poison_ids = {cause: ids[str(i)] for i, cause in enumerate(poison_bodies)}
    dlq = deployment["dlq_url"]
    wait_until(lambda: queue_depth(sqs, dlq) >= len(poison_bodies), DLQ_TIMEOUT)
    return {
        "ids": poison_ids,
        "bodies": poison_bodies,
        "good_keys": [json.loads(body)["key"] for body in good_bodies],
        "dlq_messages": peek(sqs, dlq, expected=len(poison_bodies)),
    }


def test_poison_messages_end_in_the_dlq(
    deployment: Deployment, s3: Any, poison: dict[str, Any]
) -> None:
    """Each poison message lands in the DLQ with a log line naming its cause; good ones convert."""
    dlq_bodies = sorted(message["Body"] for message in poison["dlq_messages"].values())
    assert dlq_bodies == sorted(poison["bodies"].values())
    for key in poison["good_keys"]:
        jpeg = jpeg_at(
            s3,
            deployment["bucket_name"],
            output_key(key, deployment["input_prefix"], deployment["output_prefix"]),
        )
        assert jpeg.size == (120, 80)

    lines = log_lines(deployment)
    expected_words = {
        "corrupt": "truncated",
        "not a PNG": "not a PNG",
        "not JSON": "JSON",
        "outside the prefix": "prefix",
        "missing": "does not exist",
    }
    for cause, message_id in poison["ids"].items():
        failures = [
            line
            for line in lines
            if line.get("messageId") == message_id and line.get("outcome") == "failed"
        ]
        # one failure line per receive: the message was tried max_receive_count times
        assert len(failures) >= 2, f"{cause}: {failures}"
        assert all(line["error_class"] == "permanent" for line in failures), cause
        assert expected_words[cause].lower() in failures[0]["message"].lower(), failures[0]


def test_dlq_alarm_sees_the_messages(deployment: Deployment, poison: dict[str, Any]) -> None:
    """The DLQ alarm's metric (AWS/SQS ApproximateNumberOfMessagesVisible) shows the messages."""
    cloudwatch = client("cloudwatch")
    alarm = cloudwatch.describe_alarms(AlarmNames=[deployment["dlq_alarm_name"]])["MetricAlarms"][0]
    assert alarm["Namespace"] == "AWS/SQS"
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": deployment["dlq_name"]}]

    def datapoint_max() -> float:
        now = dt.datetime.now(dt.UTC)
        points = cloudwatch.get_metric_statistics(
            Namespace=alarm["Namespace"],
            MetricName=alarm["MetricName"],
            Dimensions=alarm["Dimensions"],
            StartTime=now - dt.timedelta(minutes=10),
            EndTime=now + dt.timedelta(minutes=1),
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
        return max((point["Maximum"] for point in points), default=0.0)

    assert wait_until(lambda: datapoint_max() >= len(poison["ids"]), 60), "no datapoint for the DLQ"

    # LocalStack evaluates an alarm once per period x evaluation periods (60 s here).
    def state() -> str:
        return cloudwatch.describe_alarms(AlarmNames=[alarm["AlarmName"]])["MetricAlarms"][0][
            "StateValue"
        ]

    assert wait_until(lambda: state() == "ALARM", 150, interval=5), f"alarm is {state()}"


def test_redrive_after_fixing_the_cause(
    deployment: Deployment, s3: Any, sqs: Any, poison: dict[str, Any]
) -> None:
    """Upload the missing object, `make redrive`: its JPEG appears; the rest returns to the DLQ."""
    bucket, prefix = deployment["bucket_name"], deployment["input_prefix"]
    missing_key = json.loads(poison["bodies"]["missing"])["key"]
    s3.put_object(Bucket=bucket, Key=missing_key, Body=png_bytes(photo_like(64, 48)))
    target = output_key(missing_key, prefix, deployment["output_prefix"])

    result = subprocess.run(
        ["make", "--no-print-directory", "redrive"],  # PNG2JPG_TERRAFORM_DIR names the root
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    def converted() -> bool:
        return bool(s3.list_objects_v2(Bucket=bucket, Prefix=target).get("KeyCount"))

    assert wait_until(converted, CONVERSION_TIMEOUT), f"{target} never appeared after the redrive"
    assert jpeg_at(s3, bucket, target).size == (64, 48)
    # nothing is lost: the four unfixable messages go back to the DLQ
    dlq = deployment["dlq_url"]
    wait_until(lambda: queue_depth(sqs, dlq) == len(poison["ids"]) - 1, DLQ_TIMEOUT)
    assert queue_depth(sqs, dlq) == len(poison["ids"]) - 1
