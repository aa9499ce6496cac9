"""Where to send, from flags, the environment or Terraform outputs, checked before any AWS call."""

import argparse
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from png2jpg.config import DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX
from png2jpg.message import check_prefixes
from sender.terraform import TerraformError, terraform_outputs

BUCKET_ENV = "PNG2JPG_BUCKET"
QUEUE_URL_ENV = "PNG2JPG_QUEUE_URL"
TERRAFORM_DIR_ENV = "PNG2JPG_TERRAFORM_DIR"
TERRAFORM_STATE_ENV = "PNG2JPG_TERRAFORM_STATE"
# https://sqs.<region>.amazonaws.com/<account>/<name>; emulators may put a path before the account.
_QUEUE_URL = re.compile(r"https?://[^/\s]+(/[^/\s]+)*/\d{12}/[\w-]{1,80}(\.fifo)?")
# S3's naming rules for general purpose buckets.
_BUCKET = re.compile(r"(?!xn--)(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_HINT = f"--terraform-dir DIR of the deployed Terraform root (${TERRAFORM_DIR_ENV})"


class UsageError(Exception):
    """A wrong command line or configuration (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """A parser with the Terraform options, raising :class:`UsageError` instead of exiting."""

    def __init__(self, prog: str, description: str, epilog: str) -> None:
        formatter = argparse.RawDescriptionHelpFormatter
        super().__init__(prog, description=description, epilog=epilog, formatter_class=formatter)
        add = self.add_argument
        add(
            "--terraform-dir", metavar="DIR", help=f"deployed Terraform root (${TERRAFORM_DIR_ENV})"
        )
        add("--terraform-state", metavar="FILE", help=f"its state file (${TERRAFORM_STATE_ENV})")

    def error(self, message: str) -> NoReturn:
        """Raise ``message`` as a :class:`UsageError`."""
        raise UsageError(message)


def number(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a finite ``kind`` from ``low`` to ``high``."""

    def convert(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"must be from {low:g} to {high:g}, got {text}")
        return value

    return convert


@dataclass(frozen=True)
class Destination:
    """The deployed pipeline the files go to; with ``upload_only``, S3 enqueues, not the sender."""

    bucket: str
    queue_url: str | None
    input_prefix: str
    output_prefix: str
    upload_only: bool = False
    notified_suffixes: tuple[str, ...] = ()  # S3 enqueues only these keys; () if not known
    event_source: str = "sender"  # what enqueues an upload: sender, s3 or eventbridge

    @property
    def fifo(self) -> bool:
        """Whether the queue is a FIFO queue (its URL ends in ``.fifo``)."""
        return bool(self.queue_url and self.queue_url.endswith(".fifo"))


def resolve(args: argparse.Namespace) -> Destination:
    """The sender's destination: each setting from its flag, else the environment, else the
    Terraform outputs, read only for a bucket or queue not given otherwise."""
    bucket = args.bucket or os.environ.get(BUCKET_ENV)
    queue_url = args.queue_url or os.environ.get(QUEUE_URL_ENV)
    outputs = {} if bucket and (queue_url or args.upload_only) else terraform_settings(args)
    bucket = bucket or outputs.get("bucket_name")
    queue_url = queue_url or outputs.get("queue_url")
    notified = tuple(outputs.get("s3_notification_suffixes") or ())
    upload_only = args.upload_only or bool(notified)
    # A root from before s3_event_source had only S3 notifications.
    event_source = (outputs.get("s3_event_source") or "s3") if notified else "sender"
    if not bucket:
        raise UsageError(f"no bucket: pass --bucket NAME, set {BUCKET_ENV}, or pass {_HINT}")
    if not _BUCKET.fullmatch(bucket):
        raise UsageError(
            f"bucket name {bucket!r} is not valid: 3 to 63 lowercase letters, digits, dots and "
            "hyphens, starting and ending with a letter or digit"
        )
    if not (queue_url or upload_only):
        raise UsageError(f"no queue: pass --queue-url URL, set {QUEUE_URL_ENV}, or pass {_HINT}")
    check_queue_urls(queue_url)
    where = Destination(
        bucket,
        queue_url,
        _prefix(args.input_prefix, outputs.get("input_prefix"), DEFAULT_INPUT_PREFIX),
        _prefix(args.output_prefix, outputs.get("output_prefix"), DEFAULT_OUTPUT_PREFIX),
        upload_only,
        notified,
        event_source,
    )
    for name, value in (
        ("input_prefix", where.input_prefix),
        ("output_prefix", where.output_prefix),
    ):
        if outputs.get(name, value) != value:
            raise UsageError(
                f"--{name.replace('_', '-')} {value!r} is not the Terraform root's {name} "
                f"{outputs[name]!r}, the one the deployed function uses"
            )
    if queue_url and outputs.get("fifo_queue", where.fifo) != where.fifo:
        raise UsageError(
            f"{queue_url} is {'' if where.fifo else 'not '}a FIFO queue, unlike the Terraform "
            "root's fifo_queue output"
        )
    try:
        check_prefixes(where.input_prefix, where.output_prefix)
    except ValueError as error:
        raise UsageError(str(error)) from error
    return where


def terraform_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The outputs of ``args.terraform_dir`` (else ``$PNG2JPG_TERRAFORM_DIR``), or ``{}``."""
    directory = args.terraform_dir or os.environ.get(TERRAFORM_DIR_ENV)
    if args.terraform_state and not directory:
        raise UsageError("--terraform-state needs --terraform-dir")
    try:
        state = args.terraform_state or os.environ.get(TERRAFORM_STATE_ENV)
        return terraform_outputs(directory, state) if directory else {}
    except TerraformError as error:
        raise UsageError(str(error)) from error


def check_queue_urls(*urls: str | None) -> None:
    """Raise :class:`UsageError` for a URL that is not an SQS queue URL."""
    for url in urls:
        if url and not _QUEUE_URL.fullmatch(url):
            raise UsageError(
                f"{url!r} is not an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"
            )


def _prefix(flag: str | None, output: str | None, default: str) -> str:
    value = flag if flag is not None else output if output is not None else default
    return value if value == "" or value.endswith("/") else value + "/"
