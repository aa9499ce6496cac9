"""Lambda's log-level filtering on a deployment with ``log_level = "ERROR"``.

The main deployment is applied again with the variable changed, and restored afterwards. What the
log group holds is what Lambda would send to CloudWatch Logs: the executor applies the runtime's
logging setup and the platform's level filter (tests/e2e/executor).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from png2jpg.message import output_key
from scripts.queues import peek, queue_depth
from tests.e2e.conftest import (
    QUARANTINE_TIMEOUT,
    Deployment,
    log_records,
    remove_from_dlq,
    wait_until,
)
from tests.e2e.test_pipeline import CONVERSION_TIMEOUT, DLQ_TIMEOUT
from tests.imagegen import photo_like, png_bytes

POISON = "levels/not-a-png.png"


@pytest.fixture(scope="module")
def errors_only(deployment: Deployment, sqs: Any) -> Iterator[Deployment]:
    """The main deployment with ``log_level = "ERROR"``; afterwards INFO again and the poison
    message out of the DLQ, as the other tests expect it."""
    deployment.terraform("apply", log_level="ERROR")
    try:
        yield deployment
    finally:
        wait_until(lambda: POISON in str(peek(sqs, deployment["dlq_url"], 1, 1)), DLQ_TIMEOUT)
        remove_from_dlq(sqs, deployment, POISON)
        deployment.terraform("apply")


def test_error_level_keeps_failures_and_drops_info(
    errors_only: Deployment, s3: Any, sqs: Any
) -> None:
    """A poison message's failure is in the log group, with level, timestamp and request id; the
    good image's INFO record is not, nor any other INFO record of the function."""
    deployment = errors_only
    since_ms = int(time.time() * 1000)
    bucket, prefix = deployment["bucket_name"], deployment["input_prefix"]
    good_key, poison_key = f"{prefix}levels/good.png", f"{prefix}{POISON}"
    s3.put_object(Bucket=bucket, Key=good_key, Body=png_bytes(photo_like(64, 48)))
    s3.put_object(Bucket=bucket, Key=poison_key, Body=b"GIF89a, not a PNG")
    response = sqs.send_message_batch(
        QueueUrl=deployment["queue_url"],
        Entries=[
            {"Id": name, "MessageBody": json.dumps({"bucket": bucket, "key": key})}
            for name, key in (("good", good_key), ("poison", poison_key))
        ],
    )
    ids = {entry["Id"]: entry["MessageId"] for entry in response["Successful"]}
    target = output_key(good_key, prefix, deployment["output_prefix"])
    assert wait_until(
        lambda: s3.list_objects_v2(Bucket=bucket, Prefix=target).get("KeyCount"),
        CONVERSION_TIMEOUT,
    )
    wait_until(lambda: queue_depth(sqs, deployment["queue_url"]) == 0, QUARANTINE_TIMEOUT)

    def ours() -> list[dict[str, Any]]:
        return [
            record
            for record in log_records(deployment, since_ms)
            if record.get("messageId") in ids.values()
        ]

    assert wait_until(ours, QUARANTINE_TIMEOUT), "no log record of the poison message"
    [failure] = ours()
    assert failure["messageId"] == ids["poison"]
    assert (failure["level"], failure["outcome"]) == ("ERROR", "failed")
    assert failure["requestId"]
    assert datetime.fromisoformat(failure["timestamp"]).tzinfo is not None
    levels = {record.get("level") for record in log_records(deployment, since_ms)}
    assert "INFO" not in levels, levels
