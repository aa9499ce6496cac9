"""Command line of the sender: ``python -m sender [options] PATH...``."""

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from png2jpg.config import DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX
from png2jpg.message import output_key
from sender.destination import (
    BUCKET_ENV,
    QUEUE_URL_ENV,
    TERRAFORM_DIR_ENV,
    TERRAFORM_STATE_ENV,
    Destination,
    UsageError,
    number,
    resolve,
)
from sender.files import SENT, discover, valid_group_id
from sender.preflight import client, explain
from sender.report import Report
from sender.send import Sender
from sender.wait import listing, wait_for

DEFAULT_WAIT = 300.0

DESCRIPTION = """\
Upload PNG files to the png2jpg bucket and enqueue one message {"bucket", "key"} per
file, so the png2jpg function converts each one to a JPEG.

Each PATH is a PNG file or a directory, searched recursively for *.png (any case), in
sorted order. A file's key is the input prefix plus its path relative to the directory
argument, or the name of a file argument:
  python -m sender photos          photos/a/x.png -> pngfiles/a/x.png
  python -m sender photos/a/x.png  photos/a/x.png -> pngfiles/x.png
Two files that would get the same key stop the run (exit status 2): pass their common
parent directory, or run twice with different --input-prefix values.

Every file found ends sent, skipped (not a regular file, not a PNG, a name that is
not UTF-8), failed or interrupted: one line on stderr per problem, then a summary line.
"""

EPILOG = f"""\
destination (first found wins, per setting):
  bucket     --bucket, ${BUCKET_ENV}, else output bucket_name of the Terraform root
  queue      --queue-url, ${QUEUE_URL_ENV}, else output queue_url of the Terraform root
  prefixes   --input-prefix/--output-prefix, else the root's outputs input_prefix and
             output_prefix, else {DEFAULT_INPUT_PREFIX} and {DEFAULT_OUTPUT_PREFIX}
  The Terraform root (--terraform-dir, ${TERRAFORM_DIR_ENV}) is read only for a bucket or
  queue not given otherwise; when its output s3_notifications_enabled is true, S3 enqueues
  and the sender only uploads (as with --upload-only). Endpoint, region and credentials
  come from AWS_ENDPOINT_URL, AWS_PROFILE, AWS_REGION, ...; else the queue URL's region.

FIFO queues (URL ending in .fifo): one MessageGroupId per PATH argument (or NAME for all,
with --message-group NAME), messages in file order within a group; the deduplication id
is the sha256 of bucket, key and content (SQS drops a resend within 5 minutes).

Ctrl-C: the first starts no more uploads, enqueues the uploaded files, prints the summary
and exits 130; a second exits at once, listing the keys that may be in the bucket
without a message ("not enqueued"): send those files again.

exit status:
  0    every file was sent (and, with --wait, every JPEG appeared)
  1    a file was skipped or failed, a JPEG did not appear in time, or the run could
       not start (AWS setup, bucket or queue unusable)
  2    usage error (bad option or value, no destination, key collision, terraform)
  130  interrupted (Ctrl-C)

examples:
  python -m sender --terraform-dir terraform --wait 120 tests/data/png-corpus/pngsuite
  AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \\
  AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 python -m sender --bucket my-bucket \\
    --queue-url http://localhost:4566/000000000000/my-queue --json photos/ logo.png
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (its ``--help`` is the user documentation)."""
    parser = _Parser(
        prog="python -m sender",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("paths", nargs="+", metavar="PATH", help="PNG file or directory")
    add("--bucket", help=f"bucket name (default: ${BUCKET_ENV})")
    add("--queue-url", help=f"SQS queue URL (default: ${QUEUE_URL_ENV})")
    add("--terraform-dir", metavar="DIR", help=f"deployed Terraform root (${TERRAFORM_DIR_ENV})")
    add("--terraform-state", metavar="FILE", help=f"its state file (${TERRAFORM_STATE_ENV})")
    add("--input-prefix", metavar="PREFIX", help=f"key prefix of the PNGs ({DEFAULT_INPUT_PREFIX})")
    add("--output-prefix", metavar="PREFIX", help=f"of the JPEGs ({DEFAULT_OUTPUT_PREFIX})")
    uploads = number(int, 1, 64)
    add("--concurrency", type=uploads, default=10, metavar="N", help="uploads at once, 1-64 (10)")
    add("--message-group", metavar="NAME", help="FIFO queues: MessageGroupId of every message")
    add("--upload-only", action="store_true", help="send no messages (S3 notifications enqueue)")
    add(
        "--wait",
        nargs="?",
        const=DEFAULT_WAIT,
        type=number(float, 0, 86400),
        metavar="SECONDS",
        help="then wait up to SECONDS (%(const)g) for the JPEGs; print KEY -> OUTPUT_KEY LATENCY",
    )
    add("--json", action="store_true", help="print one JSON document on stdout, whatever happens")
    add("-q", "--quiet", action="store_true", help="no progress bar, no --wait lines")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the sender with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    report = Report(as_json="--json" in argv)
    try:
        status = _send(build_parser().parse_args(_wait_before_path(argv)), report)
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
    except UsageError as error:
        report.error, status = f"{error} (see python -m sender --help)", 2
    except KeyboardInterrupt:
        status = 130
    except Exception as error:  # one line, never a traceback
        report.error, status = explain(error) or str(error), 1
    report.finish()
    return status


def _send(args: argparse.Namespace, report: Report) -> int:
    destination = report.destination = resolve(args)
    if destination.upload_only and not args.upload_only:
        report.line("S3 event notifications are on for this deployment: uploading only")
    if args.message_group is not None and not destination.fifo:
        raise UsageError("--message-group applies to FIFO queues only (URL ending in .fifo)")
    if args.message_group is not None and not valid_group_id(args.message_group):
        raise UsageError("--message-group: use 1 to 128 ASCII letters, digits, punctuation")
    report.items, skipped = discover(args.paths, destination.input_prefix)
    for outcome in skipped:
        report.record(outcome)
    if not report.items:
        return 1
    s3 = client("s3", destination.queue_url, args.concurrency + 2)
    sqs = client("sqs", destination.queue_url)
    _check_usable(s3, sqs, destination)
    prefixes = destination.input_prefix, destination.output_prefix
    expected = {item.key: output_key(item.key, *prefixes) for item in report.items}
    baseline = {} if args.wait is None else listing(s3, destination.bucket, expected.values())
    show = sys.stderr.isatty() and not args.quiet
    report.progress(len(report.items), show)
    sender = Sender(s3, sqs, destination, report.record)
    with _interrupts(sender, report):
        sender.run(report.items, args.concurrency, args.message_group)
    if sender.stopping:
        return 130
    if args.wait is not None:
        report.progress(sum(o.status == SENT for o in report.outcomes), show, "waiting")
        lines = not args.json and not args.quiet
        report.wait = wait_for(s3, report, expected, baseline, args.wait, lines)
    missing = report.wait and report.wait["missing"]
    return 1 if missing or any(o.status != SENT for o in report.outcomes) else 0


def _check_usable(s3: Any, sqs: Any, destination: Destination) -> None:
    """Check the queue and the bucket once, rather than failing every file the same way."""
    what = f"queue {destination.queue_url}"
    try:
        if not destination.upload_only:
            sqs.get_queue_attributes(QueueUrl=destination.queue_url, AttributeNames=["QueueArn"])
        what = f"bucket {destination.bucket}"
        s3.head_bucket(Bucket=destination.bucket)
    except ClientError as error:
        # A sender allowed to put objects but not to list the bucket gets 403: carry on.
        if what.startswith("queue") or error.response["Error"]["Code"] not in (
            "403",
            "AccessDenied",
        ):
            raise RuntimeError(explain(error) or f"{what}: {error}") from error
    except BotoCoreError as error:
        raise RuntimeError(explain(error) or f"{what}: {error}") from error


@contextmanager
def _interrupts(sender: Sender, report: Report) -> Iterator[None]:
    """The first Ctrl-C stops starting uploads; a second one reports at once and exits 130."""

    def interrupt(_signal: int, _frame: Any) -> None:
        if not sender.stopping:
            sender.stopping = True
            with suppress(RuntimeError):  # stderr was being written when the signal came
                report.line("interrupted: finishing the uploads under way (Ctrl-C again: quit)")
            return
        report.not_enqueued = sorted(sender.unfinished)
        try:
            report.finish()
        finally:
            os._exit(130)

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _wait_before_path(argv: list[str]) -> list[str]:
    """Let ``--wait`` be followed by a PATH: argparse would read the PATH as its SECONDS."""
    return [
        f"--wait={DEFAULT_WAIT:g}"
        if arg == "--wait" and not _is_number(argv[i + 1 : i + 2])
        else arg
        for i, arg in enumerate(argv)
    ]


def _is_number(tokens: list[str]) -> bool:
    try:
        float(tokens[0])
    except (IndexError, ValueError):
        return False
    return True
