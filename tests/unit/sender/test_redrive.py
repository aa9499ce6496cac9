"""``python -m sender.redrive``: DLQ messages back to the queue.

moto does not implement StartMessageMoveTask, so that path is tested with a Stubber; the
receive/send/delete fallback (for endpoints without the API) runs against moto.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from sender import redrive

DLQ_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq"
DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:png2jpg"


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """An SQS client whose responses the test scripts; the redrive uses it."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    monkeypatch.setattr(redrive, "make_client", lambda service, concurrency=8: sqs)
    monkeypatch.setattr(redrive, "POLL_INTERVAL", 0.0)
    with Stubber(sqs) as stubber:
        stubber.add_response(
            "get_queue_attributes",
            {"Attributes": {"QueueArn": DLQ_ARN}},
            {"QueueUrl": DLQ_URL, "AttributeNames": ["QueueArn"]},
        )
        stubber.add_response(
            "start_message_move_task",
            {"TaskHandle": "handle-1"},
            {"SourceArn": DLQ_ARN, "DestinationArn": QUEUE_ARN},
        )
        yield stubber
        stubber.assert_no_pending_responses()


def _task(status: str, **fields: Any) -> dict[str, Any]:
    return {"Results": [{"SourceArn": DLQ_ARN, "Status": status, **fields}]}


def test_move_task_is_followed_until_it_completes(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    now_ms = 2_000_000_000_000
    running = _task("RUNNING", TaskHandle="handle-1", StartedTimestamp=now_ms)
    older = {"SourceArn": DLQ_ARN, "Status": "COMPLETED", "StartedTimestamp": 5}
    running["Results"].append(older)
    stubbed.add_response("list_message_move_tasks", running)
    done = _task("COMPLETED", StartedTimestamp=now_ms, ApproximateNumberOfMessagesMoved=3)
    done["Results"].append(older)
    stubbed.add_response("list_message_move_tasks", done)

    assert redrive.main(["--dlq-url", DLQ_URL, "--queue-arn", QUEUE_ARN]) == 0

    assert capsys.readouterr().out == f"moved 3 messages from {DLQ_ARN} to {QUEUE_ARN}\n"


def test_an_older_finished_task_is_not_mistaken_for_this_one(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redrive.time, "time", lambda: 2_000_000_000.0)
    old = _task("COMPLETED", StartedTimestamp=1_000, ApproximateNumberOfMessagesMoved=99)
    stubbed.add_response("list_message_move_tasks", old)
    new = _task("COMPLETED", StartedTimestamp=2_000_000_000_100, ApproximateNumberOfMessagesMoved=2)
    new["Results"].append(old["Results"][0])
    stubbed.add_response("list_message_move_tasks", new)

    assert redrive.main(["--dlq-url", DLQ_URL, "--queue-arn", QUEUE_ARN]) == 0

    assert "moved 2 messages" in capsys.readouterr().out


def test_a_failed_move_task_exits_1_with_its_reason(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redrive.time, "time", lambda: 2_000_000_000.0)
    failed = _task("FAILED", StartedTimestamp=2_000_000_000_000, FailureReason="AccessDenied")
    stubbed.add_response("list_message_move_tasks", failed)

    assert redrive.main(["--dlq-url", DLQ_URL, "--queue-arn", QUEUE_ARN]) == 1

    assert "message move task FAILED: AccessDenied" in capsys.readouterr().err


def _not_implemented(**_: Any) -> tuple[Any, dict[str, Any]]:
    """What LocalStack answers for an API it does not emulate."""
    error = {"Code": "InternalFailure", "Message": "not yet emulated by LocalStack"}
    return SimpleNamespace(status_code=501), {
        "Error": error,
        "ResponseMetadata": {"HTTPStatusCode": 501},
    }


def test_without_the_move_api_the_messages_are_moved_by_hand(
    aws: Any, fake_terraform: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = aws.sqs
    dlq_url = sqs.create_queue(QueueName="png2jpg-dlq")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=aws.queue_url, AttributeNames=["QueueArn"])
    bodies = [json.dumps({"bucket": "images", "key": f"pngfiles/{i}.png"}) for i in range(13)]
    for body in bodies:
        sqs.send_message(
            QueueUrl=dlq_url,
            MessageBody=body,
            MessageAttributes={"origin": {"DataType": "String", "StringValue": "test"}},
        )
    fake_terraform(
        {
            "dlq_url": dlq_url,
            "queue_url": aws.queue_url,
            "queue_arn": queue_arn["Attributes"]["QueueArn"],
        }
    )
    sqs.meta.events.register("before-call.sqs.StartMessageMoveTask", _not_implemented)

    assert redrive.main(["--terraform-dir", str(tmp_path)]) == 0

    out, err = capsys.readouterr()
    assert "does not implement StartMessageMoveTask" in err
    assert out.startswith("moved 13 messages")
    moved = aws.messages()
    assert sorted(m["Body"] for m in moved) == sorted(bodies)
    assert {m["MessageAttributes"]["origin"]["StringValue"] for m in moved} == {"test"}
    left = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    # deleted, not merely received (received messages would only be invisible for a while)
    assert (left["ApproximateNumberOfMessages"], left["ApproximateNumberOfMessagesNotVisible"]) == (
        "0",
        "0",
    )


def test_redrive_without_a_dlq_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PNG2JPG_QUEUE_URL", raising=False)

    assert redrive.main(["--queue-arn", QUEUE_ARN]) == 2

    assert (
        "no dead-letter queue: pass --dlq-url URL or --terraform-dir DIR" in capsys.readouterr().err
    )
