"""Command line of the sender: ``python -m sender [options] PATH...``."""

import argparse
import sys
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from sender.clients import make_client
from sender.destination import (
    BUCKET_ENV,
    DEFAULT_INPUT_PREFIX,
    DEFAULT_OUTPUT_PREFIX,
    QUEUE_URL_ENV,
    TERRAFORM_STATE_ENV,
    Destination,
    resolve,
)
from sender.errors import UsageError
from sender.files import discover, valid_group_id
from sender.keys import check_prefixes, output_key
from sender.pipeline import Outcome, run
from sender.report import Reporter, print_json, summary
from sender.wait import listing, wait_for

DEFAULT_WAIT = 300.0

DESCRIPTION = """\
Upload PNG files to the png2jpg bucket and enqueue one message per file, so the
png2jpg function converts each one to a JPEG.

Each PATH is a PNG file or a directory, searched recursively for *.png (any case),
in sorted order. A file's key is the input prefix plus, for a directory argument,
its path relative to that directory, or, for a file argument, its name:
  python -m sender photos          photos/a/x.png -> pngfiles/a/x.png
  python -m sender photos/a/x.png  photos/a/x.png -> pngfiles/x.png
If two different files would get the same key (e.g. `sender a b` with a/x.png and
b/x.png), nothing is sent and the exit status is 2: pass their common parent
directory instead, or run twice with different --input-prefix values.

Each file's first 8 bytes must be the PNG signature; a missing, unreadable or
non-PNG file is reported on stderr and skipped, the others are sent. Each message
body is {"bucket": BUCKET, "key": KEY}.
"""

EPILOG = f"""\
destination (first found wins, per setting):
  bucket     --bucket, ${BUCKET_ENV}, else output bucket_name of --terraform-dir
  queue      --queue-url, ${QUEUE_URL_ENV}, else output queue_url of --terraform-dir
  prefixes   --input-prefix/--output-prefix, else outputs input_prefix/output_prefix,
             else {DEFAULT_INPUT_PREFIX} and {DEFAULT_OUTPUT_PREFIX}
  AWS endpoint, region and credentials come from the usual AWS settings:
  AWS_ENDPOINT_URL, AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION, ...

FIFO queues (queue URL ending in .fifo):
  MessageGroupId is one group per PATH argument (the argument as given), or NAME
  for all files with --message-group NAME. Within a group, messages are sent in the
  sorted file order above. MessageDeduplicationId is the sha256 of bucket, key and
  file content, so SQS drops a resend of an unchanged file within its 5-minute
  deduplication window.

exit status:
  0  every file was uploaded and enqueued (and, with --wait, every JPEG appeared)
  1  some files were skipped or failed, the bucket or queue could not be used,
     or with --wait some JPEGs did not appear in time
  2  usage error (bad option, no destination, key collision, terraform error)

examples:
  # against AWS, destination from the deployed Terraform root
  python -m sender --terraform-dir terraform photos/
  # the same, waiting up to 2 minutes for the JPEGs and printing a JSON summary
  python -m sender --terraform-dir terraform --wait 120 --json photos/ > result.json
  # against LocalStack
  AWS_ENDPOINT_URL=http://localhost:4566 AWS_ACCESS_KEY_ID=test \\
  AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \\
    python -m sender --bucket my-bucket \\
      --queue-url http://localhost:4566/000000000000/my-queue photos/ logo.png
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (its ``--help`` is the user documentation)."""
    parser = argparse.ArgumentParser(
        prog="python -m sender",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="PNG file or directory")
    where = parser.add_argument_group("destination")
    where.add_argument("--bucket", help=f"bucket name (default: ${BUCKET_ENV})")
    where.add_argument("--queue-url", help=f"SQS queue URL (default: ${QUEUE_URL_ENV})")
    where.add_argument(
        "--terraform-dir",
        metavar="DIR",
        help="deployed Terraform root to read outputs from (`terraform -chdir=DIR output -json`)",
    )
    where.add_argument(
        "--terraform-state",
        metavar="FILE",
        help=f"state file for --terraform-dir, passed as -state (default: ${TERRAFORM_STATE_ENV})",
    )
    where.add_argument(
        "--input-prefix",
        metavar="PREFIX",
        help=f"key prefix of the uploads (default: {DEFAULT_INPUT_PREFIX}); a missing / is added",
    )
    where.add_argument(
        "--output-prefix",
        metavar="PREFIX",
        help=f"key prefix of the JPEGs, for --wait (default: {DEFAULT_OUTPUT_PREFIX})",
    )
    how = parser.add_argument_group("sending")
    how.add_argument(
        "--concurrency",
        type=_positive(int),
        default=8,
        metavar="N",
        help="parallel uploads (default: 8)",
    )
    how.add_argument(
        "--message-group",
        metavar="NAME",
        help="FIFO queues only: put every message in this MessageGroupId",
    )
    how.add_argument(
        "--wait",
        nargs="?",
        const=DEFAULT_WAIT,
        type=_positive(float),
        metavar="SECONDS",
        help=(
            "after sending, wait up to SECONDS (default: %(const)g) for each JPEG at its output"
            " key; print one line per file on stdout (KEY -> OUTPUT_KEY LATENCY, or missing)"
            " and name the missing ones on stderr"
        ),
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--json",
        action="store_true",
        help="print a JSON summary on stdout: sent, skipped, failed, bucket, queue_url, wait",
    )
    out.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print errors only (also the case when stderr is not a terminal: no progress bar)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the sender with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(_wait_before_path(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return _send(args)
    except UsageError as error:
        print(f"sender: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sender: interrupted", file=sys.stderr)
        return 130


def _send(args: argparse.Namespace) -> int:
    destination = resolve(
        bucket=args.bucket,
        queue_url=args.queue_url,
        input_prefix=args.input_prefix,
        output_prefix=args.output_prefix,
        terraform_dir=args.terraform_dir,
        terraform_state=args.terraform_state,
    )
    try:
        check_prefixes(destination.input_prefix, destination.output_prefix)
    except ValueError as error:
        raise UsageError(str(error)) from error
    if args.message_group is not None:
        if not destination.fifo:
            raise UsageError("--message-group applies to FIFO queues only (URL ending in .fifo)")
        if not valid_group_id(args.message_group):
            raise UsageError("--message-group: use 1 to 128 ASCII letters, digits, punctuation")
    items, skipped = discover(args.paths, destination.input_prefix)
    interactive = sys.stderr.isatty() and not args.quiet
    for problem in skipped:
        print(f"sender: skipped {problem.path}: {problem.reason}", file=sys.stderr)

    s3 = make_client("s3", args.concurrency)
    sqs = make_client("sqs", args.concurrency)
    if items and not _usable(s3, sqs, destination):
        return 1
    expected = {
        item.key: output_key(item.key, destination.input_prefix, destination.output_prefix)
        for item in items
    }
    baseline = (
        listing(s3, destination.bucket, expected.values())
        if args.wait is not None and items
        else {}
    )

    reporter = Reporter(len(items), show=interactive)
    try:
        outcome = run(
            items,
            s3=s3,
            sqs=sqs,
            destination=destination,
            concurrency=args.concurrency,
            progress=reporter,
            message_group=args.message_group,
        )
    finally:
        reporter.close()

    waited = None
    if args.wait is not None:
        waited = _wait(args, s3, destination, outcome, expected, baseline, interactive)
    if args.json:
        print_json(summary(destination, outcome, skipped, waited))
    elif interactive:
        print(
            f"sender: sent {len(outcome.sent)} files to s3://{destination.bucket}/"
            f"{destination.input_prefix} and {destination.queue_url}; "
            f"{len(skipped) + len(outcome.skipped)} skipped, {len(outcome.failed)} failed",
            file=sys.stderr,
        )
    trouble = skipped or outcome.skipped or outcome.failed or (waited and waited["missing"])
    return 1 if trouble else 0


def _usable(s3: Any, sqs: Any, destination: Destination) -> bool:
    """Check the bucket and the queue once, rather than failing every file the same way."""
    try:
        sqs.get_queue_attributes(QueueUrl=destination.queue_url, AttributeNames=["QueueArn"])
    except (ClientError, BotoCoreError) as error:
        print(f"sender: error: queue {destination.queue_url}: {error}", file=sys.stderr)
        return False
    try:
        s3.head_bucket(Bucket=destination.bucket)
    except ClientError as error:
        # A sender allowed to put objects but not to list the bucket gets 403: carry on.
        if error.response.get("Error", {}).get("Code") not in ("403", "AccessDenied"):
            print(f"sender: error: bucket {destination.bucket}: {error}", file=sys.stderr)
            return False
    except BotoCoreError as error:
        print(f"sender: error: bucket {destination.bucket}: {error}", file=sys.stderr)
        return False
    return True


def _wait(
    args: argparse.Namespace,
    s3: Any,
    destination: Destination,
    outcome: Outcome,
    expected: dict[str, str],
    baseline: dict[str, Any],
    interactive: bool,
) -> dict[str, Any]:
    """Wait for the JPEGs of the sent files; print per-file lines; return the JSON part."""
    sent_at = {expected[sent.item.key]: sent.sent_at for sent in outcome.sent}
    bar = Reporter(len(sent_at), show=interactive, description="waiting")
    try:
        latencies = wait_for(
            s3,
            destination.bucket,
            sent_at,
            baseline=baseline,
            timeout=args.wait,
            on_arrival=lambda _key, _latency: bar.advance(),
        )
    finally:
        bar.close()
    arrived: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for sent in outcome.sent:
        record = {"path": sent.item.display, "key": sent.item.key}
        record["output_key"] = target = expected[sent.item.key]
        latency = latencies[target]
        if latency is None:
            missing.append(record)
            print(f"sender: {target} did not appear within {args.wait:g}s", file=sys.stderr)
            line = f"{sent.item.key} -> {target} missing"
        else:
            arrived.append({**record, "latency_seconds": round(latency, 3)})
            line = f"{sent.item.key} -> {target} {latency:.2f}s"
        if not args.json and not args.quiet:
            print(line)
    return {"timeout_seconds": args.wait, "arrived": arrived, "missing": missing}


def _wait_before_path(argv: list[str]) -> list[str]:
    """Let ``--wait`` be followed by a PATH: argparse would read the PATH as its SECONDS."""
    result = list(argv)
    for index, arg in enumerate(result):
        if arg == "--":
            break
        if arg == "--wait" and not _is_number(result[index + 1 : index + 2]):
            result[index] = f"--wait={DEFAULT_WAIT:g}"
    return result


def _is_number(tokens: list[str]) -> bool:
    try:
        float(tokens[0])
    except (IndexError, ValueError):
        return False
    return True


def _positive(kind: type[int] | type[float]) -> Any:
    def convert(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
        return value

    return convert
