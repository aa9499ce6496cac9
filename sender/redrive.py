"""``python -m sender.redrive``: move the dead-letter queue's messages back to the queue with an
SQS message move task, followed with ListMessageMoveTasks until it ends."""

import argparse
import os
import sys
import time
from typing import Any

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

exit status: 0 the messages were moved; 1 the move failed, did not finish in time, or could
not start (AWS setup); 2 usage error.

examples:
  python -m sender.redrive --terraform-dir terraform/examples/complete   # what `make redrive` runs
  python -m sender.redrive --dlq-url https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq \\
      --queue-arn arn:aws:sqs:us-east-1:123456789012:png2jpg
"""


def main(argv: list[str] | None = None) -> int:
    """Run the redrive with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    description = "Move the messages of the png2jpg dead-letter queue back to the queue."
    parser = Parser("python -m sender.redrive", description, EPILOG)
    add = parser.add_argument
    add("--dlq-url", metavar="URL", help="URL of the dead-letter queue")
    add("--queue-arn", metavar="ARN", help="ARN of the queue to move back to")
    add("--queue-url", metavar="URL", help=f"URL of the queue to move back to (${QUEUE_URL_ENV})")
    wait = "wait at most this long (%(default)g)"
    add("--timeout", type=number(float, 0, 86400), default=600.0, metavar="SECONDS", help=wait)
    try:
        args = parser.parse_args(argv)
        dlq_url, queue_arn, queue_url = _queues(args)
        sqs = client("sqs", dlq_url)
        dlq_arn = _arn(sqs, dlq_url)
        queue_arn = queue_arn or _arn(sqs, queue_url or "")
        moved = _move(sqs, dlq_arn, queue_arn, args.timeout)
    except Exception as error:  # one line, never a traceback
        message, status = failure(error, "python -m sender.redrive")
        print(f"redrive: error: {message}", file=sys.stderr)
        return status
    print(f"moved {moved} messages from {dlq_arn} to {queue_arn}")
    return 0


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


def _move(sqs: Any, dlq_arn: str, queue_arn: str, timeout: float) -> int:
    """Start the move task and poll until it completes; return how many messages it moved.

    A queue has at most one running move task, and the list is newest first: the first task
    started since this call (5 s of clock skew allowed) is this one; older ones are not.
    """
    not_before = int(time.time() * 1000) - 5000
    sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=queue_arn)
    deadline = time.monotonic() + timeout
    while True:
        tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
        task = next((t for t in tasks if t.get("StartedTimestamp", 0) >= not_before), {})
        status = task.get("Status")
        if status == "COMPLETED":
            return task.get("ApproximateNumberOfMessagesMoved", 0)
        if status not in (None, "RUNNING"):
            reason = task.get("FailureReason", "no reason given")
            raise RuntimeError(f"message move task {status}: {reason}")
        if time.monotonic() >= deadline:
            seen = "see `aws sqs list-message-move-tasks`"
            raise RuntimeError(f"the move did not finish within {timeout:g}s; {seen}")
        time.sleep(POLL_INTERVAL)


if __name__ == "__main__":
    raise SystemExit(main())
