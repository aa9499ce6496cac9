"""``python -m sender.redrive``: move the dead-letter queue's messages back to the queue.

Uses SQS StartMessageMoveTask (source: the DLQ, destination: the queue) and follows the task
with ListMessageMoveTasks until it finishes. Where the endpoint does not implement that API
(some emulators), it says so and moves the messages itself: receive from the DLQ, send to the
queue, delete from the DLQ, 10 at a time.
"""

import argparse
import os
import sys
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from sender.clients import make_client
from sender.destination import QUEUE_URL_ENV, TERRAFORM_STATE_ENV, terraform_outputs
from sender.enqueue import Entry, send_batch
from sender.errors import UsageError

POLL_INTERVAL = 1.0  # seconds between two ListMessageMoveTasks calls
_UNSUPPORTED_CODES = {"InvalidAction", "UnknownOperationException", "NotImplemented"}

EPILOG = f"""\
The DLQ is --dlq-url, else output dlq_url of --terraform-dir; the queue is --queue-arn or
--queue-url (else ${QUEUE_URL_ENV}), else output queue_arn or queue_url of --terraform-dir.

exit status: 0 the messages were moved; 1 the move failed or did not finish in time;
2 usage error.

examples:
  python -m sender.redrive --terraform-dir terraform        # what `make redrive` runs
  python -m sender.redrive --dlq-url https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq \\
      --queue-arn arn:aws:sqs:us-east-1:123456789012:png2jpg
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m sender.redrive``."""
    parser = argparse.ArgumentParser(
        prog="python -m sender.redrive",
        description="Move the messages of the png2jpg dead-letter queue back to the queue.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--terraform-dir", metavar="DIR", help="deployed Terraform root")
    parser.add_argument(
        "--terraform-state",
        metavar="FILE",
        help=f"state file for --terraform-dir (default: ${TERRAFORM_STATE_ENV})",
    )
    parser.add_argument("--dlq-url", metavar="URL", help="URL of the dead-letter queue")
    parser.add_argument("--queue-arn", metavar="ARN", help="ARN of the queue to move back to")
    parser.add_argument("--queue-url", metavar="URL", help="URL of the queue to move back to")
    parser.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="give up waiting for the move after SECONDS (default: %(default)g)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the redrive with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    sqs = make_client("sqs")
    try:
        dlq_url, queue_arn, queue_url = _queues(args)
        dlq_arn = _arn(sqs, dlq_url)
        queue_arn = queue_arn or _arn(sqs, queue_url or "")
    except UsageError as error:
        print(f"redrive: error: {error}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as error:
        print(f"redrive: error: {error}", file=sys.stderr)
        return 1
    try:
        return _redrive(sqs, dlq_url, dlq_arn, queue_arn, queue_url, args.timeout)
    except (ClientError, BotoCoreError) as error:
        print(f"redrive: error: {error}", file=sys.stderr)
        return 1


def _queues(args: argparse.Namespace) -> tuple[str, str | None, str | None]:
    """``(dlq_url, queue_arn, queue_url)`` from flags, the environment and Terraform outputs."""
    outputs: dict[str, Any] = {}
    if args.terraform_dir:
        state = args.terraform_state or os.environ.get(TERRAFORM_STATE_ENV) or None
        outputs = terraform_outputs(args.terraform_dir, state)
    dlq_url = args.dlq_url or outputs.get("dlq_url")
    queue_url = args.queue_url or os.environ.get(QUEUE_URL_ENV) or outputs.get("queue_url")
    queue_arn = args.queue_arn or (None if args.queue_url else outputs.get("queue_arn"))
    if not dlq_url:
        raise UsageError("no dead-letter queue: pass --dlq-url URL or --terraform-dir DIR")
    if not (queue_arn or queue_url):
        raise UsageError("no queue: pass --queue-arn ARN, --queue-url URL or --terraform-dir DIR")
    return dlq_url, queue_arn, queue_url


def _arn(sqs: Any, url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return attributes["Attributes"]["QueueArn"]


def _redrive(
    sqs: Any, dlq_url: str, dlq_arn: str, queue_arn: str, queue_url: str | None, timeout: float
) -> int:
    started_ms = int(time.time() * 1000)
    try:
        handle = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=queue_arn)
    except ClientError as error:
        if not _unsupported(error):
            raise
        print(
            "redrive: this endpoint does not implement StartMessageMoveTask; "
            "moving the messages by receive, send and delete instead",
            file=sys.stderr,
        )
        moved = move_by_hand(sqs, dlq_url, queue_url or _url(sqs, queue_arn))
        print(f"moved {moved} messages from {dlq_arn} to {queue_arn}")
        return 0
    return _follow(sqs, dlq_arn, queue_arn, handle["TaskHandle"], started_ms, timeout)


def _follow(
    sqs: Any, dlq_arn: str, queue_arn: str, handle: str, started_ms: int, timeout: float
) -> int:
    """Poll ListMessageMoveTasks until the task started with ``handle`` is no longer running.

    A finished task no longer shows its handle, so it is recognised by the StartedTimestamp
    seen while it ran, or else as the newest task started after ``started_ms`` (5 s of clock
    skew allowed); an older task in the list is someone else's.
    """
    deadline = time.monotonic() + timeout
    seen_started: int | None = None
    while True:
        tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
        task = _ours(tasks, handle, seen_started, started_ms - 5000)
        status = task.get("Status") if task else None
        if task and status == "RUNNING":
            seen_started = task.get("StartedTimestamp", seen_started)
        elif status == "COMPLETED":
            moved = task.get("ApproximateNumberOfMessagesMoved", 0)
            print(f"moved {moved} messages from {dlq_arn} to {queue_arn}")
            return 0
        elif task:
            reason = task.get("FailureReason", "no reason given")
            print(f"redrive: error: message move task {status}: {reason}", file=sys.stderr)
            return 1
        if time.monotonic() >= deadline:
            print(
                f"redrive: error: the move did not finish within {timeout:g}s "
                f"(task handle {handle}); see `aws sqs list-message-move-tasks`",
                file=sys.stderr,
            )
            return 1
        time.sleep(POLL_INTERVAL)


def _ours(
    tasks: list[dict[str, Any]], handle: str, seen_started: int | None, not_before: int
) -> dict[str, Any] | None:
    for task in tasks:
        if task.get("TaskHandle") == handle:
            return task
    for task in tasks:  # newest first
        started = task.get("StartedTimestamp", 0)
        if started == seen_started or (seen_started is None and started >= not_before):
            return task
    return None


def _unsupported(error: ClientError) -> bool:
    response = error.response
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 501 or response.get("Error", {}).get("Code") in _UNSUPPORTED_CODES


def _url(sqs: Any, arn: str) -> str:
    *_, account, name = arn.split(":")
    return sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]


def move_by_hand(sqs: Any, dlq_url: str, queue_url: str) -> int:
    """Move the DLQ's messages to the queue 10 at a time; return how many moved.

    Stops when the DLQ looks empty or when as many messages as it held at the start have
    moved (so messages failing again meanwhile cannot keep it going forever). A message is
    deleted from the DLQ only once the queue has accepted it.
    """
    budget = int(
        sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])[
            "Attributes"
        ]["ApproximateNumberOfMessages"]
    )
    fifo = queue_url.endswith(".fifo")
    moved = 0
    while moved < budget:
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=min(10, budget - moved),
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["MessageGroupId"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            break
        entries = [_entry(str(index), message, fifo) for index, message in enumerate(messages)]
        sent, failed = send_batch(sqs, queue_url, entries)
        if sent:
            sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[
                    {"Id": entry_id, "ReceiptHandle": messages[int(entry_id)]["ReceiptHandle"]}
                    for entry_id in sent
                ],
            )
            moved += len(sent)
        if failed:
            reasons = "; ".join(sorted(set(failed.values())))
            raise ClientError(
                {"Error": {"Code": "SendFailed", "Message": f"after {moved} moved: {reasons}"}},
                "SendMessageBatch",
            )
    return moved


def _entry(entry_id: str, message: dict[str, Any], fifo: bool) -> Entry:
    attributes = {
        name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
        for name, value in message.get("MessageAttributes", {}).items()
    }
    group = message.get("Attributes", {}).get("MessageGroupId") if fifo else None
    return Entry(
        entry_id,
        message["Body"],
        group=group,
        # The DLQ message id is new to the queue's deduplication window, unlike the original
        # (content-derived) deduplication id, which may still be in it.
        dedup=message["MessageId"] if fifo else None,
        attributes=attributes or None,
    )


if __name__ == "__main__":
    raise SystemExit(main())
