"""The dead-letter queue: permanent failures quarantined at once, reported failures by redrive.

Tests run in file order on one set of messages: module fixtures send the permanent poison
messages (with good ones in the same batches) and one message that fails while the function is
misconfigured; the alarm and redrive tests use both. The last test empties the DLQ and follows one
message through a quarantine, a redrive into failures of another kind, and a redrive after the fix.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from png2jpg.message import output_key
from scripts.queues import message_attributes, peek, queue_depth
from tests.e2e.conftest import (
    QUARANTINE_TIMEOUT,
    ROOT,
    Deployment,
    client,
    failure_records,
    log_records,
    wait_until,
)
from tests.e2e.test_pipeline import CONVERSION_TIMEOUT, DLQ_TIMEOUT, converted, jpeg_at
from tests.imagegen import photo_like, png_bytes

EXPECTED_WORDS = {
    "corrupt": "truncated",
    "not a PNG": "not a PNG",
    "not JSON": "JSON",
    "outside the prefix": "prefix",
    "missing": "does not exist",
}


@pytest.fixture(scope="module")
def poison(deployment: Deployment, s3: Any, sqs: Any) -> dict[str, Any]:
    """Send five permanent poison messages among good ones, in the same batches."""
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
    dlq = deployment["dlq_url"]
    wait_until(lambda: queue_depth(sqs, dlq) >= len(poison_bodies), QUARANTINE_TIMEOUT)
    wait_until(lambda: queue_depth(sqs, deployment["queue_url"]) == 0, QUARANTINE_TIMEOUT)
    return {
        "ids": {cause: ids[str(i)] for i, cause in enumerate(poison_bodies)},
        "bodies": poison_bodies,
        "good_keys": [json.loads(body)["key"] for body in good_bodies],
        "dlq_messages": peek(sqs, dlq, expected=len(poison_bodies)),
    }


def test_permanent_failures_are_quarantined_at_first_receive(
    deployment: Deployment, s3: Any, poison: dict[str, Any]
) -> None:
    """Each poison message is in the DLQ with its reason after one attempt; good ones convert."""
    by_body = {message["Body"]: message for message in poison["dlq_messages"].values()}
    assert sorted(by_body) == sorted(poison["bodies"].values())
    for cause, body in poison["bodies"].items():
        reason = message_attributes(by_body[body])
        assert reason["ErrorClass"] == "permanent", cause
        assert EXPECTED_WORDS[cause].lower() in reason["ErrorMessage"].lower(), reason
        assert len(reason["ErrorMessage"]) <= 1000
    for key in poison["good_keys"]:
        target = output_key(key, deployment["input_prefix"], deployment["output_prefix"])
        assert jpeg_at(s3, deployment["bucket_name"], target).size == (120, 80)

    def failures() -> dict[str, list[dict[str, Any]]]:
        records = log_records(deployment)
        return {cause: failure_records(records, mid) for cause, mid in poison["ids"].items()}

    logged = wait_until(lambda: all(failures().values()) and failures(), 30)
    for cause, lines in logged.items():
        # one attempt, one log record, which names the same reason as the DLQ entry
        assert len(lines) == 1, f"{cause}: {lines}"
        assert lines[0]["error_class"] == "permanent"
        assert lines[0]["level"] == "ERROR"


@contextmanager
def function_environment(deployment: Deployment, **changes: str) -> Iterator[None]:
    """The function with ``changes`` in its environment; as it was afterwards."""
    functions = client("lambda")
    name = deployment["function_name"]
    variables = functions.get_function_configuration(FunctionName=name)["Environment"]["Variables"]

    def configure(environment: dict[str, str]) -> None:
        functions.update_function_configuration(
            FunctionName=name, Environment={"Variables": environment}
        )
        functions.get_waiter("function_updated_v2").wait(FunctionName=name)

    configure({**variables, **changes})
    try:
        yield
    finally:
        configure(variables)


def make_redrive(deployment: Deployment) -> None:
    """``make redrive`` of the deployment, as an operator runs it."""
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "redrive",
            f"PNG2JPG_TERRAFORM_DIR={deployment.terraform_dir}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def reported(deployment: Deployment, s3: Any, sqs: Any, poison: dict[str, Any]) -> str:
    """A message that fails on every receive while the function's configuration is broken, so
    the function reports it instead of quarantining it; the configuration is restored after.

    Returns the message body once the redrive policy has moved it to the DLQ.
    """
    bucket, key = deployment["bucket_name"], f"{deployment['input_prefix']}reported/photo.png"
    s3.put_object(Bucket=bucket, Key=key, Body=png_bytes(photo_like(80, 60)))
    body = json.dumps({"bucket": bucket, "key": key})
    dlq = deployment["dlq_url"]
    before = queue_depth(sqs, dlq)
    with function_environment(deployment, JPEG_QUALITY="not-a-number"):
        sqs.send_message(QueueUrl=deployment["queue_url"], MessageBody=body)
        assert wait_until(lambda: queue_depth(sqs, dlq) > before, DLQ_TIMEOUT), "not in the DLQ"
    return body


def test_reported_failure_reaches_the_dlq_by_the_redrive_policy(
    deployment: Deployment, sqs: Any, poison: dict[str, Any], reported: str
) -> None:
    """SQS moved it after max_receive_count receives, unchanged and without a function's reason."""
    expected = len(poison["bodies"]) + 1
    by_body = {m["Body"]: m for m in peek(sqs, deployment["dlq_url"], expected).values()}
    message = by_body[reported]
    assert "ErrorClass" not in message_attributes(message)
    assert int(message["Attributes"]["ApproximateReceiveCount"]) >= 1


@pytest.mark.localstack_only  # SQS metrics every 5 s (SQS_CLOUDWATCH_METRICS_REPORT_INTERVAL)
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


def test_redrive_brings_both_kinds_back(
    deployment: Deployment, s3: Any, sqs: Any, poison: dict[str, Any], reported: str
) -> None:
    """Fix the causes (upload the missing object; the configuration is already restored), then
    `make redrive`: both convert, the four unfixable messages are quarantined again."""
    bucket, prefix = deployment["bucket_name"], deployment["input_prefix"]
    missing_key = json.loads(poison["bodies"]["missing"])["key"]
    s3.put_object(Bucket=bucket, Key=missing_key, Body=png_bytes(photo_like(64, 48)))
    targets = {
        output_key(json.loads(body)["key"], prefix, deployment["output_prefix"]): size
        for body, size in ((poison["bodies"]["missing"], (64, 48)), (reported, (80, 60)))
    }

    make_redrive(deployment)

    def converted(target: str) -> bool:
        return bool(s3.list_objects_v2(Bucket=bucket, Prefix=target).get("KeyCount"))

    for target, size in targets.items():
        assert wait_until(lambda t=target: converted(t), CONVERSION_TIMEOUT), f"no {target}"
        assert jpeg_at(s3, bucket, target).size == size
    dlq = deployment["dlq_url"]
    unfixable = len(poison["ids"]) - 1
    assert wait_until(lambda: queue_depth(sqs, dlq) == unfixable, QUARANTINE_TIMEOUT)
    back = {m["Body"]: m for m in peek(sqs, dlq, unfixable).values()}
    assert {message_attributes(m)["ErrorClass"] for m in back.values()} == {"permanent"}


def test_a_redrive_after_a_fix_leaves_no_stale_reason(
    deployment: Deployment, s3: Any, sqs: Any, poison: dict[str, Any]
) -> None:
    """A missing object is quarantined ("does not exist"). It is uploaded and the message
    redriven, attributes and all, but S3 now fails for the function on every receive: the DLQ
    entry must say that, not "does not exist". Redriven once S3 is back, it converts."""
    dlq, bucket = deployment["dlq_url"], deployment["bucket_name"]
    for message in peek(sqs, dlq, expected=len(poison["ids"]), timeout=5).values():
        sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
    key = f"{deployment['input_prefix']}stale/photo.png"
    body = json.dumps({"bucket": bucket, "key": key})
    sqs.send_message(QueueUrl=deployment["queue_url"], MessageBody=body)
    assert wait_until(lambda: queue_depth(sqs, dlq) == 1, QUARANTINE_TIMEOUT)
    [first] = peek(sqs, dlq, expected=1).values()
    assert message_attributes(first)["ErrorClass"] == "permanent"
    assert "does not exist" in message_attributes(first)["ErrorMessage"]
    s3.put_object(Bucket=bucket, Key=key, Body=png_bytes(photo_like(40, 30)))

    # S3 out of reach for the function (nothing listens on port 9), one attempt per call.
    with function_environment(
        deployment, AWS_ENDPOINT_URL_S3="http://127.0.0.1:9", AWS_MAX_ATTEMPTS="1"
    ):
        make_redrive(deployment)
        assert wait_until(lambda: queue_depth(sqs, deployment["queue_url"]) == 0, DLQ_TIMEOUT)
        assert wait_until(lambda: queue_depth(sqs, dlq) == 1, QUARANTINE_TIMEOUT)

    [entry] = peek(sqs, dlq, expected=1).values()
    assert entry["Body"] == body
    reason = message_attributes(entry)
    assert reason["ErrorClass"] == "transient", reason
    # AWS counts the receives of a redriven message afresh (a new message); LocalStack 4.9.2 goes
    # on counting, peeks included: either way its last receive, as the function saw it.
    assert re.match(
        r"retries exhausted \(receive \d+ of max_receive_count 2\)", reason["ErrorMessage"]
    )
    assert "127.0.0.1:9" in reason["ErrorMessage"]
    assert "does not exist" not in reason["ErrorMessage"]
    exhausted = [r for r in log_records(deployment) if r.get("outcome") == "exhausted"]
    assert [(r["key"], r["message"]) for r in exhausted] == [(key, reason["ErrorMessage"])]

    make_redrive(deployment)
    target = output_key(key, deployment["input_prefix"], deployment["output_prefix"])
    assert converted(s3, bucket, target).size == (40, 30)
    assert wait_until(lambda: queue_depth(sqs, dlq) == 0, QUARANTINE_TIMEOUT)
