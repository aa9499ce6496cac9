"""``python -m sender.redrive``: move the dead-letter queue's messages back to the queue with an
SQS message move task, followed with ListMessageMoveTasks until it ends."""

import argparse
import os
import shlex
import signal
import sys
import time
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from sender.destination import (
    QUEUE_URL_ENV,
    Parser,
    UsageError,
    check_queue_urls,
    number,
    terraform_settings,
)
from sender.preflight import client, failure

POLL_INTERVAL = 1.0  # seconds between two ListMessageMoveTasks calls

EPILOG = """\
The DLQ is --dlq-url, else output dlq_url of the Terraform root; the queue is --queue-arn or
--queue-url, else output queue_url. The root is read only for what the flags do not give.

Ctrl-C (or SIGTERM) cancels the move task, prints how many messages it moved and exits 130;
the others stay in the DLQ, and the same command moves them.

exit status: 0 the messages were moved; 1 the move failed, did not finish in time, or could
not start (AWS setup); 2 usage error; 130 interrupted.

examples:
  python -m sender.redrive --terraform-dir terraform/examples/complete   # what `make redrive` runs
  python -m sender.redrive --dlq-url https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq \\
      --queue-arn arn:aws:sqs:us-east-1:123456789012:png2jpg
"""


@dataclass
class Move:
    """The move task this run started, as far as it is known."""

    source: str | None = None  # the DLQ's ARN, set as the task is being started
    handle: str | None = None  # from StartMessageMoveTask
    started: int | None = None  # its StartedTimestamp (SQS's clock), once seen running
    moved: int = 0  # ApproximateNumberOfMessagesMoved, as last listed


def main(argv: list[str] | None = None) -> int:
    """Run the redrive with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    move, sqs = Move(), None
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill`: as Ctrl-C
    try:
        args = _parser().parse_args(argv)
        dlq_url, queue_arn, queue_url = _queues(args)
        sqs = client("sqs", dlq_url)
        dlq_arn = _arn(sqs, dlq_url)
        queue_arn = queue_arn or _arn(sqs, queue_url or "")
        _move(sqs, dlq_arn, queue_arn, args.timeout, move)
    except KeyboardInterrupt:
        print(f"redrive: {_interrupted(sqs, move, argv)}", file=sys.stderr)
        return 130
    except Exception as error:  # one line, never a traceback
        message, status = failure(error, "python -m sender.redrive")
        print(f"redrive: error: {message}", file=sys.stderr)
        return status
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(f"moved {move.moved} messages from {dlq_arn} to {queue_arn}")
    return 0


def _parser() -> Parser:
    description = "Move the messages of the png2jpg dead-letter queue back to the queue."
    parser = Parser("python -m sender.redrive", description, EPILOG)
    add = parser.add_argument
    add("--dlq-url", metavar="URL", help="URL of the dead-letter queue")
    add("--queue-arn", metavar="ARN", help="ARN of the queue to move back to")
    add("--queue-url", metavar="URL", help=f"URL of the queue to move back to (${QUEUE_URL_ENV})")
    wait = "wait at most this long (%(default)g)"
    add("--timeout", type=number(float, 0, 86400), default=600.0, metavar="SECONDS", help=wait)
    return parser


def _queues(args: argparse.Namespace) -> tuple[str, str | None, str | None]:
    """``(dlq_url, queue_arn, queue_url)``: from the flags, else the Terraform outputs."""
    queue_url = args.queue_url or os.environ.get(QUEUE_URL_ENV)
    outputs = {} if args.dlq_url and (args.queue_arn or queue_url) else terraform_settings(args)
    dlq_url = args.dlq_url or outputs.get("dlq_url")
    queue_url = queue_url or outputs.get("queue_url")
    if not dlq_url:
        raise UsageError("no dead-letter queue: pass --dlq-url URL or --terraform-dir DIR")
    if not (args.queue_arn or queue_url):
        raise UsageError("no queue: pass --queue-arn ARN, --queue-url URL or --terraform-dir DIR")
    check_queue_urls(dlq_url, queue_url)
    return dlq_url, args.queue_arn, queue_url


def _arn(sqs: Any, url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return attributes["Attributes"]["QueueArn"]


def _move(sqs: Any, dlq_arn: str, queue_arn: str, timeout: float, move: Move) -> None:
    """Start the move task and follow it until it completes, its progress kept in ``move``.

    The task is known by the handle StartMessageMoveTask returns, which ListMessageMoveTasks
    shows only while the task runs; one that has ended is known by its StartedTimestamp, as seen
    while it ran, else as the first task started after the newest one listed before the start.
    Both are SQS's own clock: the local one plays no part.
    """
    earlier = [task.get("StartedTimestamp", 0) for task in _tasks(sqs, dlq_arn)]
    move.source = dlq_arn
    response = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=queue_arn)
    move.handle = response["TaskHandle"]
    deadline = time.monotonic() + timeout
    while True:
        task = _this_task(_tasks(sqs, dlq_arn), move, max(earlier, default=-1))
        move.moved = task.get("ApproximateNumberOfMessagesMoved", move.moved)
        status = task.get("Status")
        if status == "COMPLETED":
            return
        if status not in (None, "RUNNING"):
            reason = task.get("FailureReason", "no reason given")
            raise RuntimeError(f"message move task {status}: {reason}")
        if time.monotonic() >= deadline:
            raise RuntimeError(
                f"the move did not finish within {timeout:g}s ({move.moved} messages moved so "
                f"far; it goes on in SQS): see `aws sqs list-message-move-tasks --source-arn "
                f"{dlq_arn}`"
            )
        time.sleep(POLL_INTERVAL)


def _tasks(sqs: Any, dlq_arn: str) -> list[dict[str, Any]]:
    """The DLQ's latest move tasks, newest first."""
    return sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]


def _this_task(tasks: list[dict[str, Any]], move: Move, newest_earlier: int) -> dict[str, Any]:
    """The entry of ``move``'s task in ``tasks``; empty while it is not listed yet."""
    for task in tasks:
        if task.get("TaskHandle") == move.handle:
            move.started = task.get("StartedTimestamp")
            return task
    if move.started is not None:
        return next((t for t in tasks if t.get("StartedTimestamp") == move.started), {})
    ended = [
        task
        for task in tasks
        if "TaskHandle" not in task and task.get("StartedTimestamp", 0) > newest_earlier
    ]
    return min(ended, key=lambda task: task.get("StartedTimestamp", 0), default={})


def _interrupted(sqs: Any, move: Move, argv: list[str]) -> str:
    """Cancel the move task, if one was started; return the line that says what was moved."""
    again = f"to move them, run `{shlex.join(['python', '-m', 'sender.redrive', *argv])}`"
    if move.handle is None:
        if move.source is None:
            return f"interrupted before the move started: nothing was moved; {again}"
        listed = f"aws sqs list-message-move-tasks --source-arn {move.source}"
        return f"interrupted while the move was starting: `{listed}` shows whether it did"
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: let it cancel
    try:
        cancelled = sqs.cancel_message_move_task(TaskHandle=move.handle)
        moved, state = cancelled["ApproximateNumberOfMessagesMoved"], "the move is cancelled"
    except (BotoCoreError, ClientError) as error:  # it had ended, or SQS refused
        moved, state = move.moved, f"the move could not be cancelled ({error}), it may have ended"
    finally:
        signal.signal(signal.SIGINT, previous)
    return (
        f"interrupted: {moved} messages moved to the queue so far; {state}; the others stay in "
        f"the DLQ: {again}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
