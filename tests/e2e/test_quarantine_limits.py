"""Quarantine at the limits, end to end: the queues Terraform sizes leave room for the reason
(SQS counts a message's attributes with its body; LocalStack enforces that as AWS does), and
chunk floods in a batch are refused at once beside a good PNG that converts.

Runs after tests/e2e/test_quarantine.py (file order) and removes what it quarantines.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from png2jpg.message import output_key
from png2jpg.quarantine import ATTRIBUTE_ROOM, DLQ_MAX_MESSAGE_BYTES
from scripts.queues import message_attributes, peek
from tests.e2e.conftest import (
    QUARANTINE_TIMEOUT,
    Deployment,
    failure_records,
    log_records,
    remove_from_dlq,
    wait_until,
)
from tests.e2e.test_pipeline import converted
from tests.imagegen import photo_like, png_bytes
from tests.unit.function.images import chunk_flood, grey_1x1


def max_message_size(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MaximumMessageSize"])
    return int(attributes["Attributes"]["MaximumMessageSize"])


def in_dlq(sqs: Any, deployment: Deployment, bodies: set[str]) -> dict[str, dict[str, Any]]:
    """The DLQ's messages whose body is one of ``bodies``, by body, once all of them are there."""
    found = {
        message["Body"]: message
        for message in peek(sqs, deployment["dlq_url"], expected=100, timeout=2).values()
        if message["Body"] in bodies
    }
    return found if len(found) == len(bodies) else {}


def test_the_queues_leave_room_for_the_reason(deployment: Deployment, sqs: Any) -> None:
    assert max_message_size(sqs, deployment["dlq_url"]) == DLQ_MAX_MESSAGE_BYTES
    queue = max_message_size(sqs, deployment["queue_url"])
    assert queue == DLQ_MAX_MESSAGE_BYTES - ATTRIBUTE_ROOM


def test_the_largest_body_the_queue_accepts_is_quarantined_with_its_reason(
    deployment: Deployment, sqs: Any
) -> None:
    """A body that is not JSON, of 4-byte characters, as large as the queue takes."""
    size = max_message_size(sqs, deployment["queue_url"])
    body = "\U0001f600" * (size // 4)
    with pytest.raises(ClientError, match="shorter than"):
        sqs.send_message(QueueUrl=deployment["queue_url"], MessageBody=body + "x")
    message_id = sqs.send_message(QueueUrl=deployment["queue_url"], MessageBody=body)["MessageId"]
    try:
        found = wait_until(lambda: in_dlq(sqs, deployment, {body}), QUARANTINE_TIMEOUT)
        assert found, "the message did not reach the DLQ"
        reason = message_attributes(found[body])
        assert reason["ErrorClass"] == "permanent"
        assert reason["ErrorMessage"].startswith("message body is not JSON")
        records = wait_until(lambda: failure_records(log_records(deployment), message_id), 30)
        assert len(records) == 1  # quarantined at its first receive, never retried
        assert records[0]["message"].startswith(reason["ErrorMessage"].removesuffix("…"))
    finally:
        remove_from_dlq(sqs, deployment, body[:10])


def test_chunk_floods_are_refused_at_once_beside_a_good_png(
    deployment: Deployment, s3: Any, sqs: Any
) -> None:
    bucket, prefix = deployment["bucket_name"], deployment["input_prefix"]
    floods = [f"{prefix}limits/flood-{index}.png" for index in range(3)]
    good = f"{prefix}limits/good.png"
    for key in floods:
        s3.put_object(Bucket=bucket, Key=key, Body=grey_1x1(after=chunk_flood(5_000)))
    s3.put_object(Bucket=bucket, Key=good, Body=png_bytes(photo_like(90, 60)))
    bodies = {key: json.dumps({"bucket": bucket, "key": key}) for key in [*floods, good]}
    entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies.values())]
    response = sqs.send_message_batch(QueueUrl=deployment["queue_url"], Entries=entries)
    assert not response.get("Failed")
    try:
        target = output_key(good, prefix, deployment["output_prefix"])
        assert converted(s3, bucket, target).size == (90, 60)
        refused = {bodies[key] for key in floods}
        found = wait_until(lambda: in_dlq(sqs, deployment, refused), QUARANTINE_TIMEOUT)
        assert found, "the floods did not reach the DLQ"
        for key in floods:
            reason = message_attributes(found[bodies[key]])
            assert reason["ErrorClass"] == "permanent"
            assert reason["ErrorMessage"] == (
                f"s3://{bucket}/{key}: too many chunks: more than 1,000 besides the image data "
                "(metadata chunks are bounded)"
            )
    finally:
        for key in floods:
            remove_from_dlq(sqs, deployment, key)
