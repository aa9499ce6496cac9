"""Command line of the sender: ``python -m sender [options] PATH...``."""

import argparse
import os
import signal
import sys
from contextlib import suppress
from functools import partial
from itertools import zip_longest
from typing import Any

from png2jpg.config import DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX
from sender.destination import BUCKET_ENV, QUEUE_URL_ENV, Parser, UsageError, number, resolve
from sender.files import GROUP_ID, SENT, UNCHANGED, discover
from sender.preflight import check_usable, client, failure, session
from sender.report import Report
from sender.send import Sender
from sender.unchanged import find_unchanged
from sender.wait import Waiter

DEFAULT_WAIT = 300.0
# What enqueues an upload when the sender only uploads (the root's s3_event_source output).
ROUTES = {
    "s3": "An S3 event notification",
    "eventbridge": "An EventBridge rule on the bucket's Object Created events",
}

DESCRIPTION = """\
Upload PNG files to the png2jpg bucket and enqueue one message {"bucket", "key"} per file.

Each PATH is a PNG file or a directory searched recursively for *.png (any case), in sorted
order. A file's key is the input prefix plus its path below the directory argument, or its name:
  python -m sender photos          photos/a/x.png -> pngfiles/a/x.png
  python -m sender photos/a/x.png  photos/a/x.png -> pngfiles/x.png
A file is neither uploaded nor enqueued when S3 already holds its bytes under its key and a
JPEG made from them (unchanged: found with two listings, --force sends it anyway).
Every file found ends sent, unchanged, skipped (not a regular file, not a PNG, a name that is
not UTF-8), failed or interrupted: one line on stderr per problem, then a summary line.
"""

EPILOG = """\
Each setting comes from its flag, else its environment variable, else the outputs of the
Terraform root (bucket_name, queue_url, input_prefix, output_prefix), else the default; the
root is read only for a bucket or queue not given otherwise, and then a prefix flag must
agree with it (the function works only there). When its output s3_notification_suffixes is
not empty, S3 or EventBridge enqueues (s3_event_source): the sender only uploads, and skips
the files no suffix matches.
Endpoint, region and credentials: AWS_ENDPOINT_URL, AWS_PROFILE, AWS_REGION, ...; else the
queue URL's region.

FIFO queues (URL ending in .fifo): one MessageGroupId per PATH argument (or --message-group),
messages in file order within a group. The deduplication id names one upload (sha256 of bucket,
key, the upload's ETag and a random id of the run): SQS drops only a resend of the same message
within 5 minutes (a retried SendMessageBatch); a later run, even of the same file, is a new one.

Ctrl-C (or SIGTERM): the first starts no more uploads, enqueues the uploaded files, prints the
summary and exits 130; a second exits at once, listing the keys that may be in the bucket
without a message ("not enqueued"): send those files again.

exit status:
  0    every file was sent or unchanged (and, with --wait, every JPEG appeared)
  1    a file was skipped or failed, a JPEG did not appear in time, or the run could
       not start (AWS setup, bucket or queue unusable)
  2    usage error (bad option or value, no destination, key collision, terraform)
  130  interrupted (Ctrl-C, SIGTERM)

examples:
  python -m sender --terraform-dir terraform/examples/complete --wait 120 \\
    tests/data/png-corpus/pngsuite
  AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \\
    AWS_REGION=us-east-1 python -m sender --bucket my-bucket \\
    --queue-url http://localhost:4566/000000000000/my-queue --json photos/ logo.png
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (its ``--help`` is the user documentation)."""
    parser = Parser("python -m sender", DESCRIPTION, EPILOG)
    add = parser.add_argument
    add("paths", nargs="+", metavar="PATH", help="PNG file or directory")
    add("--bucket", help=f"bucket name (${BUCKET_ENV})")
    add("--queue-url", help=f"SQS queue URL (${QUEUE_URL_ENV})")
    add("--input-prefix", metavar="PREFIX", help=f"key prefix of the PNGs ({DEFAULT_INPUT_PREFIX})")
    add("--output-prefix", metavar="PREFIX", help=f"of the JPEGs ({DEFAULT_OUTPUT_PREFIX})")
    uploads = number(int, 1, 64)
    add("--concurrency", type=uploads, default=10, metavar="N", help="uploads at once, 1-64 (10)")
    add("--message-group", type=_group, metavar="NAME", help="FIFO: the group of every message")
    add("--upload-only", action="store_true", help="send no messages (S3 or EventBridge enqueues)")
    add("--force", action="store_true", help="send unchanged files too")
    seconds = number(float, 0, 86400)
    wait = "then wait up to SECONDS (%(const)g) for the JPEGs; print KEY -> OUTPUT_KEY LATENCY"
    add("--wait", nargs="?", const=DEFAULT_WAIT, type=seconds, metavar="SECONDS", help=wait)
    add("--json", action="store_true", help="print one JSON document on stdout, whatever happens")
    add("-q", "--quiet", action="store_true", help="no progress bar, no --wait lines")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the sender with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    report = Report(as_json="--json" in argv)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill`: as Ctrl-C
    try:
        status = _send(build_parser().parse_args(_wait_before_path(argv)), report)
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
    except KeyboardInterrupt:
        status = 130
    except Exception as error:  # one line, never a traceback
        report.error, status = failure(error, "python -m sender")
    finally:
        signal.signal(signal.SIGTERM, previous)
    report.finish()
    return status


def _send(args: argparse.Namespace, report: Report) -> int:
    destination = report.destination = resolve(args)
    if destination.upload_only and not args.upload_only:
        route = ROUTES.get(destination.event_source, destination.event_source)
        report.line(f"{route} enqueues each upload for this deployment: uploading only")
    if args.message_group is not None and not destination.fifo:
        raise UsageError("--message-group applies to FIFO queues only (URL ending in .fifo)")
    report.files = discover(args.paths, destination)
    for file in report.files:
        if file.status:
            report.record(file)
    files = [file for file in report.files if not file.status]
    if not files:
        return 1
    aws = session()
    s3 = client("s3", destination.queue_url, args.concurrency + 2, aws)
    sqs = client("sqs", destination.queue_url, shared=aws)
    queue_url = None if destination.upload_only else destination.queue_url
    check_usable(s3, destination.bucket, sqs, queue_url)
    if not args.force:
        for file in find_unchanged(s3, destination, files, args.concurrency, report.line):
            file.status = UNCHANGED
            report.record(file)
        files = [file for file in files if not file.status]
    waiter = None if args.wait is None or not files else Waiter(s3, destination, files)
    show = sys.stderr.isatty() and not args.quiet
    report.progress(len(files), show)
    sender = Sender(s3, sqs, destination, report.record, args.message_group)
    stop = partial(_interrupt, sender, report)
    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        sender.run(files, args.concurrency)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if sender.stopping:
        return 130
    if waiter:
        report.progress(sum(file.status == SENT for file in files), show, "waiting")
        report.wait = waiter.wait(report, args.wait, not args.json and not args.quiet)
    missing = report.wait and report.wait["missing"]
    return 1 if missing or any(file.status not in (SENT, UNCHANGED) for file in report.files) else 0


def _interrupt(sender: Sender, report: Report, *_: Any) -> None:
    """The first Ctrl-C (or SIGTERM) stops starting uploads; a second one reports and exits 130."""
    if not sender.stopping:
        sender.stopping = True
        with suppress(RuntimeError):  # stderr was being written when the signal came
            report.line("interrupted: finishing the uploads under way (Ctrl-C again: quit)")
        return
    try:
        report.finish()
    finally:
        os._exit(130)


def _group(name: str) -> str:
    if not GROUP_ID.fullmatch(name):
        raise argparse.ArgumentTypeError("use 1 to 128 ASCII letters, digits, punctuation")
    return name


def _wait_before_path(argv: list[str]) -> list[str]:
    """Let ``--wait`` be followed by a PATH: argparse would read the PATH as its SECONDS."""
    return [
        f"--wait={DEFAULT_WAIT:g}" if arg == "--wait" and not _is_number(following) else arg
        for arg, following in zip_longest(argv, argv[1:], fillvalue="")
    ]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
