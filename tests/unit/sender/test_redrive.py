"""``python -m sender.redrive``: DLQ messages back to the queue.

moto does not implement message move tasks: botocore's Stubber plays SQS as AWS documents it
(ListMessageMoveTasks names a task by its handle only while it runs; StartedTimestamp is SQS's
clock). tests/e2e/test_redrive.py runs the same against LocalStack.
"""

from __future__ import annotations

import os
import signal
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


def _start(stubber: Stubber, *earlier: dict[str, Any]) -> None:
    """The list before the start (``earlier`` tasks), then StartMessageMoveTask: handle-1."""
    stubber.add_response("list_message_move_tasks", {"Results": list(earlier)}, LISTED)
    expected = {"SourceArn": DLQ_ARN, "DestinationArn": QUEUE_ARN}
    stubber.add_response("start_message_move_task", {"TaskHandle": "handle-1"}, expected)


def _listed(stubber: Stubber, *tasks: dict[str, Any]) -> None:
    stubber.add_response("list_message_move_tasks", {"Results": list(tasks)}, LISTED)


def _task(status: str, started: int, **fields: Any) -> dict[str, Any]:
    """A ListMessageMoveTasks entry; SQS adds the handle only to a running task."""
    handle = {"TaskHandle": fields.pop("handle", "handle-1")} if status == "RUNNING" else {}
    return {"SourceArn": DLQ_ARN, "Status": status, "StartedTimestamp": started, **handle, **fields}


LISTED = {"SourceArn": DLQ_ARN, "MaxResults": 10}
ARGS = ["--dlq-url", DLQ_URL, "--queue-arn", QUEUE_ARN]
SQS_NOW = 2_000_000_000_000  # SQS's clock, in ms
OLDER = _task("COMPLETED", SQS_NOW - 8_000, ApproximateNumberOfMessagesMoved=99)


def test_move_task_is_followed_by_its_handle_until_it_completes(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    _start(stubbed, OLDER)
    _listed(stubbed, _task("RUNNING", SQS_NOW, ApproximateNumberOfMessagesMoved=1), OLDER)
    done = _task("COMPLETED", SQS_NOW, ApproximateNumberOfMessagesMoved=3)
    _listed(stubbed, done, OLDER)

    assert redrive.main(ARGS) == 0

    assert capsys.readouterr().out == f"moved 3 messages from {DLQ_ARN} to {QUEUE_ARN}\n"


class MoveTasks:
    """SQS's message move tasks as AWS documents them, on SQS's clock (``now_ms``): a task shows
    in ListMessageMoveTasks from the second call after its start (the list is eventually
    consistent), runs, and completes at the third, losing its handle."""

    def __init__(self, now_ms: int, *earlier: dict[str, Any]) -> None:
        self.now_ms = now_ms
        self.tasks = list(earlier)  # newest first
        self.calls = -1  # lists since the start; -1: none started

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:  # noqa: N803
        return {"Attributes": {"QueueArn": DLQ_ARN}}

    def start_message_move_task(self, SourceArn: str, DestinationArn: str) -> dict[str, Any]:  # noqa: N803
        self.calls = 0
        self.tasks.insert(0, _task("RUNNING", self.now_ms, ApproximateNumberOfMessagesMoved=0))
        return {"TaskHandle": "handle-1"}

    def list_message_move_tasks(self, SourceArn: str, MaxResults: int) -> dict[str, Any]:  # noqa: N803
        if self.calls >= 0:
            self.calls += 1
        if self.calls == 3:
            self.tasks[0] = _task("COMPLETED", self.now_ms, ApproximateNumberOfMessagesMoved=3)
        listed = self.tasks[1:] if self.calls == 1 else self.tasks
        return {"Results": [dict(task) for task in listed[:MaxResults]]}


@pytest.mark.parametrize("offset", [10, -10, 3600], ids=["ahead-10s", "behind-10s", "ahead-1h"])
def test_the_local_clock_plays_no_part(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, offset: int
) -> None:
    """The local clock off by ``offset`` seconds from SQS's. Ahead, a task that started "in
    the past" was never found; behind, an older finished task was taken for it."""
    sqs = MoveTasks(SQS_NOW, OLDER)
    monkeypatch.setattr(redrive, "client", lambda *_: sqs)
    monkeypatch.setattr(redrive, "POLL_INTERVAL", 0.0)
    monkeypatch.setattr(redrive.time, "time", lambda: SQS_NOW / 1000 + offset)

    assert redrive.main([*ARGS, "--timeout", "5"]) == 0

    assert capsys.readouterr().out == f"moved 3 messages from {DLQ_ARN} to {QUEUE_ARN}\n"


def test_a_task_not_listed_yet_is_waited_for_and_an_older_one_is_not_taken_for_it(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    _start(stubbed, OLDER)
    _listed(stubbed, OLDER)
    _listed(stubbed, _task("RUNNING", SQS_NOW), OLDER)
    _listed(stubbed, _task("COMPLETED", SQS_NOW, ApproximateNumberOfMessagesMoved=2), OLDER)

    assert redrive.main(ARGS) == 0

    assert "moved 2 messages" in capsys.readouterr().out


def test_a_later_task_of_someone_else_is_not_taken_for_this_one(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seen running, this task is known by its start; a newer one cannot pass for it."""
    _start(stubbed)
    _listed(stubbed, _task("RUNNING", SQS_NOW, ApproximateNumberOfMessagesMoved=1))
    this = _task("COMPLETED", SQS_NOW, ApproximateNumberOfMessagesMoved=4)
    other = _task("RUNNING", SQS_NOW + 5_000, handle="handle-2")
    _listed(stubbed, other, this)

    assert redrive.main(ARGS) == 0

    assert "moved 4 messages" in capsys.readouterr().out


def test_a_failed_move_task_exits_1_with_its_reason(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    _start(stubbed)
    _listed(stubbed, _task("FAILED", SQS_NOW, FailureReason="AccessDenied"))

    assert redrive.main(ARGS) == 1

    assert "message move task FAILED: AccessDenied" in capsys.readouterr().err


def test_queues_come_from_the_terraform_outputs(
    stubbed: Stubber, fake_terraform: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_terraform({"dlq_url": DLQ_URL, "queue_url": QUEUE_URL})
    _arn(stubbed, QUEUE_URL, QUEUE_ARN)
    _start(stubbed)
    _listed(stubbed, _task("COMPLETED", SQS_NOW, ApproximateNumberOfMessagesMoved=1))

    assert redrive.main(["--terraform-dir", str(tmp_path)]) == 0

    assert capsys.readouterr().out == f"moved 1 messages from {DLQ_ARN} to {QUEUE_ARN}\n"


def test_an_endpoint_without_the_move_api_is_one_line(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    stubbed.add_client_error(
        "list_message_move_tasks", "InvalidAction", "not yet emulated", http_status_code=501
    )

    assert redrive.main(ARGS) == 1

    err = capsys.readouterr().err
    assert err.startswith("redrive: error: An error occurred (InvalidAction)")
    assert err.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# Ctrl-C and SIGTERM


@pytest.fixture
def sigterm_guard() -> Iterator[None]:
    """A SIGTERM the redrive does not handle fails the test instead of ending pytest."""

    def unhandled(*_: object) -> None:
        raise AssertionError("SIGTERM was not handled")

    previous = signal.signal(signal.SIGTERM, unhandled)
    yield
    signal.signal(signal.SIGTERM, previous)


def interrupt_on_sleep(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """The first wait between two polls is interrupted: Ctrl-C, or `kill` (SIGTERM)."""

    def sleep(_: float) -> None:
        if how == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)  # the redrive's handler raises KeyboardInterrupt
        raise KeyboardInterrupt

    monkeypatch.setattr(redrive.time, "sleep", sleep)


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_redrive_cancels_its_task_and_says_how_to_resume(
    sigterm_guard: None,
    stubbed: Stubber,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    _start(stubbed)
    _listed(stubbed, _task("RUNNING", SQS_NOW, ApproximateNumberOfMessagesMoved=5))
    stubbed.add_response(
        "cancel_message_move_task",
        {"ApproximateNumberOfMessagesMoved": 7},
        {"TaskHandle": "handle-1"},
    )
    interrupt_on_sleep(monkeypatch, how)

    assert redrive.main(ARGS) == 130

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "redrive: interrupted: 7 messages moved to the queue so far; the move is cancelled; the "
        "others stay in the DLQ: to move them, run `python -m sender.redrive --dlq-url "
        f"{DLQ_URL} --queue-arn {QUEUE_ARN}`\n"
    )
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_task_that_ended_before_the_cancel_is_reported_with_what_it_moved(
    stubbed: Stubber, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _start(stubbed)
    _listed(stubbed, _task("RUNNING", SQS_NOW, ApproximateNumberOfMessagesMoved=5))
    stubbed.add_client_error(
        "cancel_message_move_task", "ResourceNotFoundException", "no running task"
    )
    interrupt_on_sleep(monkeypatch, "ctrl-c")

    assert redrive.main(ARGS) == 130

    err = capsys.readouterr().err
    assert err.startswith("redrive: interrupted: 5 messages moved to the queue so far; the move")
    assert "could not be cancelled" in err
    assert err.count("\n") == 1


def test_an_interrupt_before_the_move_says_nothing_was_moved(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(redrive, "client", interrupted)

    assert redrive.main(ARGS) == 130

    assert capsys.readouterr().err == (
        "redrive: interrupted before the move started: nothing was moved; to move them, run "
        f"`python -m sender.redrive --dlq-url {DLQ_URL} --queue-arn {QUEUE_ARN}`\n"
    )


def test_redrive_without_a_dlq_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PNG2JPG_QUEUE_URL", raising=False)

    assert redrive.main(["--queue-arn", QUEUE_ARN]) == 2

    assert (
        "no dead-letter queue: pass --dlq-url URL or --terraform-dir DIR" in capsys.readouterr().err
    )
