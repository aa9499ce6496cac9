"""A record's last receive: FIFO heads quarantined, not their followers; no stale DLQ reasons.

``Harness.poll`` plays the event source mapping over moto's queues, whose redrive policy moves a
message to the DLQ on the receive after maxReceiveCount, as SQS does.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

import pytest

from tests.unit.function.conftest import FakeContext
from tests.unit.function.images import small_png
from tests.unit.function.test_handler import attributes, body, client_error, throttle

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness

MAX_RECEIVE_COUNT = 2


@pytest.fixture
def receives(monkeypatch: pytest.MonkeyPatch) -> int:
    """MAX_RECEIVE_COUNT for the function, as Terraform sets it from max_receive_count."""
    monkeypatch.setenv("MAX_RECEIVE_COUNT", str(MAX_RECEIVE_COUNT))
    return MAX_RECEIVE_COUNT


def keys_of(messages: list[dict[str, Any]]) -> list[str]:
    return [json.loads(message["Body"])["key"] for message in messages]


def send_group(aws: Harness, queue_url: str, names: str) -> None:
    for name in names:
        aws.put(f"pngfiles/{name}.png", small_png())
        aws.sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps(body(f"pngfiles/{name}.png")),
            MessageGroupId="G",
        )


def test_fifo_exhausted_head_goes_to_the_dlq_with_its_reason_and_its_group_goes_on(
    fifo_aws: Harness, receives: int
) -> None:
    """A, B, C in one group, A's GET always throttled, max_receive_count 2."""
    queue = fifo_aws.source_queue(receives)
    send_group(fifo_aws, queue, "abc")
    throttle(fifo_aws, "pngfiles/a.png")

    first, reported = fifo_aws.poll(queue)
    assert keys_of(first) == ["pngfiles/a.png", "pngfiles/b.png", "pngfiles/c.png"]
    assert len(reported) == 3  # A failed, B and C wait for it
    a_id = first[0]["MessageId"]
    for message in first[1:]:
        skipped = fifo_aws.log_for(message["MessageId"])
        assert (skipped.levelno, skipped.outcome) == (logging.WARNING, "skipped")
        assert skipped.key == json.loads(message["Body"])["key"]
        assert skipped.waits_for == a_id
        assert f"waits for message {a_id} (pngfiles/a.png)" in skipped.getMessage()
    fifo_aws.caplog.clear()

    second, reported = fifo_aws.poll(queue)

    assert keys_of(second) == keys_of(first)
    assert reported == []
    converted = [r.key for r in fifo_aws.logs() if r.outcome == "converted"]
    assert converted == ["pngfiles/b.png", "pngfiles/c.png"]  # in order, in this invocation
    (entry,) = fifo_aws.dlq()  # A, and nothing else
    assert json.loads(entry["Body"])["key"] == "pngfiles/a.png"
    assert entry["Attributes"]["MessageGroupId"] == "G"
    reason = attributes(entry)
    assert reason["ErrorClass"] == "transient"
    assert reason["ErrorMessage"].startswith(
        "retries exhausted (receive 2 of max_receive_count 2): s3://images/pngfiles/a.png: "
        "SlowDown (HTTP 503)"
    )
    exhausted = [r for r in fifo_aws.logs() if r.outcome == "exhausted"]
    assert [(r.levelno, r.key, r.getMessage()) for r in exhausted] == [
        (logging.ERROR, "pngfiles/a.png", reason["ErrorMessage"])
    ]
    assert fifo_aws.poll(queue) == ([], [])  # nothing left behind


def test_fifo_without_max_receive_count_keeps_returning_the_head(fifo_aws: Harness) -> None:
    """Unset MAX_RECEIVE_COUNT (the function cannot know): the redrive policy decides."""
    queue = fifo_aws.source_queue(MAX_RECEIVE_COUNT)
    send_group(fifo_aws, queue, "ab")
    throttle(fifo_aws, "pngfiles/a.png")
    fifo_aws.poll(queue)
    _, reported = fifo_aws.poll(queue)
    assert len(reported) == 2
    assert fifo_aws.dlq() == []


def test_fifo_head_whose_quarantine_fails_is_returned_and_its_group_waits(
    fifo_aws: Harness, receives: int
) -> None:
    """Nothing is lost: a DLQ that refuses the send leaves both records to the redrive policy."""
    queue = fifo_aws.source_queue(receives)
    send_group(fifo_aws, queue, "ab")
    throttle(fifo_aws, "pngfiles/a.png")
    fifo_aws.poll(queue)

    def refuse(real: Any, **kwargs: Any) -> Any:
        raise client_error("SendMessage", "AccessDenied", 403)

    fifo_aws.wrap("sqs", "send_message", refuse)
    _, reported = fifo_aws.poll(queue)

    assert len(reported) == 2
    refused = [r for r in fifo_aws.logs() if "could not quarantine" in r.getMessage()]
    assert len(refused) == 2
    assert not fifo_aws.exists("jpgfiles/b.jpg")  # B still waits for A, in order


def test_standard_queue_keeps_the_redrive_policy_for_a_message_never_quarantined(
    aws: Harness, receives: int
) -> None:
    queue = aws.source_queue(receives)
    aws.put("pngfiles/a.png", small_png())
    aws.sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body("pngfiles/a.png")))
    throttle(aws, "pngfiles/a.png")
    for _ in range(receives):
        _, reported = aws.poll(queue)
        assert len(reported) == 1
    assert aws.poll(queue) == ([], [])  # moved by the redrive policy on the next receive
    (entry,) = aws.dlq()
    assert "MessageAttributes" not in entry  # as before: its receive count says why


def redrive(aws: Harness, queue_url: str, messages: list[dict[str, Any]]) -> None:
    """What SQS's message move task does: DLQ messages back to the queue, attributes kept."""
    for message in messages:
        aws.sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=message["Body"],
            MessageAttributes={
                name: {"DataType": value["DataType"], "StringValue": value["StringValue"]}
                for name, value in message.get("MessageAttributes", {}).items()
            },
        )
        aws.sqs.delete_message(QueueUrl=aws.dlq_url, ReceiptHandle=message["ReceiptHandle"])


def test_a_redriven_message_that_then_keeps_failing_carries_its_latest_reason(
    aws: Harness, receives: int
) -> None:
    """Missing object: quarantined (permanent). Uploaded, redriven; then S3 throttles until
    max_receive_count: the DLQ entry must say so, not "does not exist"."""
    queue = aws.source_queue(receives)
    aws.sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body("pngfiles/late.png")))
    aws.poll(queue)
    (first,) = aws.dlq()
    assert attributes(first)["ErrorClass"] == "permanent"
    assert "does not exist (NoSuchKey)" in attributes(first)["ErrorMessage"]
    aws.put("pngfiles/late.png", small_png())
    redrive(aws, queue, [first])
    throttle(aws, "pngfiles/late.png")

    for _ in range(receives):
        aws.poll(queue)

    (entry,) = aws.dlq()
    reason = attributes(entry)
    assert reason["ErrorClass"] == "transient"
    assert "retries exhausted (receive 2 of max_receive_count 2)" in reason["ErrorMessage"]
    assert "SlowDown (HTTP 503)" in reason["ErrorMessage"]
    assert "does not exist" not in reason["ErrorMessage"]
    assert aws.poll(queue) == ([], [])


@pytest.mark.parametrize("fifo", [False, True], ids=["redriven-standard", "fifo"])
def test_a_record_deferred_on_its_last_receive_goes_to_the_dlq_saying_so(
    moto: Any, receives: int, fifo: bool
) -> None:
    aws: Harness = moto(fifo)
    aws.put("pngfiles/a.png", small_png())
    group = "G" if fifo else None
    record = aws.record(body("pngfiles/a.png"), "m1", group=group)
    record["attributes"]["ApproximateReceiveCount"] = str(receives)
    if not fifo:
        record["messageAttributes"] = {
            "ErrorClass": {"stringValue": "permanent", "dataType": "String"},
            "ErrorMessage": {"stringValue": "s3://images/pngfiles/a.png does not exist"},
        }

    assert aws.invoke(record, context=FakeContext(500)) == []

    (entry,) = aws.dlq()
    reason = attributes(entry)
    assert reason == {
        "ErrorClass": "transient",
        "ErrorMessage": "retries exhausted (receive 2 of max_receive_count 2): deferred: too "
        "little time left before the deadline",
    }
    assert [r.outcome for r in aws.logs()] == ["deferred", "exhausted"]


def test_a_record_deferred_before_its_last_receive_is_returned(aws: Harness, receives: int) -> None:
    record = aws.record(body("pngfiles/a.png"), "m1")
    record["messageAttributes"] = {"ErrorClass": {"stringValue": "permanent", "dataType": "String"}}
    assert aws.invoke(record, context=FakeContext(500)) == ["m1"]
    assert aws.dlq() == []


def test_fifo_quarantine_after_a_redrive_is_not_dropped_as_a_duplicate(
    fifo_aws: Harness,
) -> None:
    """A FIFO DLQ drops a message whose deduplication id it saw in the last 5 minutes (moto
    forgets once it is deleted, so the rule is enforced here): the same message, quarantined,
    redriven and quarantined again, must reach the DLQ twice."""
    seen: set[str] = set()

    def deduplicate(real: Any, **kwargs: Any) -> Any:
        if kwargs["MessageDeduplicationId"] in seen:
            return {"MessageId": "dropped-as-a-duplicate"}  # what SQS answers: success
        seen.add(kwargs["MessageDeduplicationId"])
        return real(**kwargs)

    fifo_aws.wrap("sqs", "send_message", deduplicate)
    first = fifo_aws.record(body("pngfiles/none.png"), "m1", group="G")
    redriven = fifo_aws.record(body("pngfiles/none.png"), "m1", group="G")  # a new sequence number
    retried = dict(first)  # the same delivery again (an invocation retried)

    assert fifo_aws.invoke(first) == []
    assert fifo_aws.invoke(retried) == []
    (quarantined,) = fifo_aws.dlq()  # a retried invocation quarantines the delivery once
    fifo_aws.sqs.delete_message(  # moved back to the queue by a redrive
        QueueUrl=fifo_aws.dlq_url, ReceiptHandle=quarantined["ReceiptHandle"]
    )

    assert fifo_aws.invoke(redriven) == []

    (entry,) = fifo_aws.dlq()
    dedup = hashlib.sha256(f"m1\n{redriven['attributes']['SequenceNumber']}".encode()).hexdigest()
    assert entry["Attributes"]["MessageDeduplicationId"] == dedup
