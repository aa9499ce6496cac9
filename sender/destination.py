"""Where to send: bucket, queue and key prefixes from flags, environment or Terraform outputs,
checked before any AWS call."""

import argparse
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

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


class UsageError(Exception):
    """A wrong command line or configuration (exit status 2)."""


@dataclass(frozen=True)
class Destination:
    """The deployed pipeline the files go to; with ``upload_only``, S3 enqueues, not the sender."""

    bucket: str
    queue_url: str | None
    input_prefix: str
    output_prefix: str
    upload_only: bool = False

    @property
    def fifo(self) -> bool:
        """Whether the queue is a FIFO queue (its URL ends in ``.fifo``)."""
        return bool(self.queue_url and self.queue_url.endswith(".fifo"))


def resolve(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> Destination:
    """Each setting from its flag in ``args``, else the environment, else the Terraform outputs.

    The Terraform root is read only for a bucket or queue not given otherwise; its output
    ``s3_notifications_enabled = true`` means upload only. Raises :class:`UsageError`.
    """
    bucket = args.bucket or environ.get(BUCKET_ENV)
    queue_url = args.queue_url or environ.get(QUEUE_URL_ENV)
    given = bucket and (queue_url or args.upload_only)
    outputs = {} if given else read_terraform(args, environ)
    bucket = bucket or outputs.get("bucket_name")
    queue_url = queue_url or outputs.get("queue_url")
    upload_only = args.upload_only or outputs.get("s3_notifications_enabled") is True
    hint = f"or pass --terraform-dir DIR of the deployed Terraform root (${TERRAFORM_DIR_ENV})"
    if not bucket:
        raise UsageError(f"no bucket: pass --bucket NAME, set {BUCKET_ENV}, {hint}")
    if not _BUCKET.fullmatch(bucket):
        raise UsageError(
            f"bucket name {bucket!r} is not valid: 3 to 63 lowercase letters, digits, dots and "
            "hyphens, starting and ending with a letter or digit"
        )
    if not (queue_url or upload_only):
        raise UsageError(f"no queue: pass --queue-url URL, set {QUEUE_URL_ENV}, {hint}")
    if queue_url:
        check_queue_url(queue_url)
        fifo = queue_url.endswith(".fifo")
        if outputs.get("fifo_queue", fifo) != fifo:
            raise UsageError(
                f"{queue_url} is {'' if fifo else 'not '}a FIFO queue, unlike the "
                "Terraform root's fifo_queue output"
            )
    destination = Destination(
        bucket,
        queue_url,
        _prefix(args.input_prefix, outputs.get("input_prefix"), DEFAULT_INPUT_PREFIX),
        _prefix(args.output_prefix, outputs.get("output_prefix"), DEFAULT_OUTPUT_PREFIX),
        upload_only,
    )
    try:
        check_prefixes(destination.input_prefix, destination.output_prefix)
    except ValueError as error:
        raise UsageError(str(error)) from error
    return destination


def read_terraform(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """The outputs of ``args.terraform_dir`` (else ``$PNG2JPG_TERRAFORM_DIR``), or ``{}``."""
    directory = args.terraform_dir or environ.get(TERRAFORM_DIR_ENV)
    if args.terraform_state and not directory:
        raise UsageError("--terraform-state needs --terraform-dir")
    try:
        state = args.terraform_state or environ.get(TERRAFORM_STATE_ENV)
        return terraform_outputs(directory, state) if directory else {}
    except TerraformError as error:
        raise UsageError(str(error)) from error


def check_queue_url(url: str) -> None:
    """Raise :class:`UsageError` unless ``url`` looks like an SQS queue URL."""
    if not _QUEUE_URL.fullmatch(url):
        raise UsageError(
            f"{url!r} is not an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"
        )


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


def _prefix(flag: str | None, output: str | None, default: str) -> str:
    value = flag if flag is not None else output if output is not None else default
    return value if value == "" or value.endswith("/") else value + "/"
