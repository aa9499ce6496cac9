"""``python -m sender.redrive``: DLQ messages back to the queue.

moto does not implement StartMessageMoveTask: botocore's Stubber plays SQS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from sender import redrive

QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg"
DLQ_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq"
DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:png2jpg"


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """An SQS client whose responses the test scripts; the redrive uses it."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    monkeypatch.setattr(redrive, "client", lambda service, queue_url: sqs)
    monkeypatch.setattr(redrive, "POLL_INTERVAL", 0.0)
    with Stubber(sqs) as stubber:
        _arn(stubber, DLQ_URL, DLQ_ARN)
        yield stubber
        stubber.assert_no_pending_responses()


def _arn(stubber: Stubber, url: str, arn: str) -> None:
    expected = {"QueueUrl": url, "AttributeNames": ["QueueArn"]}
    stubber.add_response("get_queue_attributes", {"Attributes": {"QueueArn": arn}}, expected)


def _start(stubber: Stubber) -> None:
    expected = {"SourceArn": DLQ_ARN, "DestinationArn": QUEUE_ARN}
    stubber.add_response("start_message_move_task", {"TaskHandle": "handle-1"}, expected)


def _task(status: str, **fields: Any) -> dict[str, Any]:
    return {"Results": [{"SourceArn": DLQ_ARN, "Status": status, **fields}]}


def test_move_task_is_followed_until_it_completes(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    _start(stubbed)
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
    _start(stubbed)
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
    _start(stubbed)
    failed = _task("FAILED", StartedTimestamp=2_000_000_000_000, FailureReason="AccessDenied")
    stubbed.add_response("list_message_move_tasks", failed)

    assert redrive.main(["--dlq-url", DLQ_URL, "--queue-arn", QUEUE_ARN]) == 1

    assert "message move task FAILED: AccessDenied" in capsys.readouterr().err


def test_queues_come_from_the_terraform_outputs(
    stubbed: Stubber, fake_terraform: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_terraform({"dlq_url": DLQ_URL, "queue_url": QUEUE_URL})
    _arn(stubbed, QUEUE_URL, QUEUE_ARN)
    _start(stubbed)
    done = _task(
        "COMPLETED", StartedTimestamp=2_000_000_000_000, ApproximateNumberOfMessagesMoved=1
    )
    stubbed.add_response("list_message_move_tasks", done)

    assert redrive.main(["--terraform-dir", str(tmp_path)]) == 0

    assert capsys.readouterr().out == f"moved 1 messages from {DLQ_ARN} to {QUEUE_ARN}\n"


def test_an_endpoint_without_the_move_api_is_one_line(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    stubbed.add_client_error(
        "start_message_move_task", "InvalidAction", "not yet emulated", http_status_code=501
    )

    assert redrive.main(["--dlq-url", DLQ_URL, "--queue-arn", QUEUE_ARN]) == 1

    err = capsys.readouterr().err
    assert err.startswith("redrive: error: An error occurred (InvalidAction)")
    assert err.count("\n") == 1


def test_redrive_without_a_dlq_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PNG2JPG_QUEUE_URL", raising=False)

    assert redrive.main(["--queue-arn", QUEUE_ARN]) == 2

    assert (
        "no dead-letter queue: pass --dlq-url URL or --terraform-dir DIR" in capsys.readouterr().err
    )
