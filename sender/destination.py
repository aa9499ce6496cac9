"""Where to send: bucket, queue and key prefixes from flags, environment or Terraform outputs."""

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sender.errors import UsageError

DEFAULT_INPUT_PREFIX = "pngfiles/"
DEFAULT_OUTPUT_PREFIX = "jpgfiles/"
BUCKET_ENV = "PNG2JPG_BUCKET"
QUEUE_URL_ENV = "PNG2JPG_QUEUE_URL"
TERRAFORM_STATE_ENV = "PNG2JPG_TERRAFORM_STATE"


@dataclass(frozen=True)
class Destination:
    """The deployed pipeline the files go to."""

    bucket: str
    queue_url: str
    input_prefix: str
    output_prefix: str

    @property
    def fifo(self) -> bool:
        """Whether the queue is a FIFO queue (its URL ends in ``.fifo``)."""
        return self.queue_url.endswith(".fifo")


def resolve(
    *,
    bucket: str | None,
    queue_url: str | None,
    input_prefix: str | None,
    output_prefix: str | None,
    terraform_dir: str | None,
    terraform_state: str | None,
    environ: Mapping[str, str] = os.environ,
) -> Destination:
    """Resolve each setting from its flag, else the environment, else the Terraform outputs.

    Terraform outputs are read only when ``terraform_dir`` is given; prefixes fall back to
    ``pngfiles/`` and ``jpgfiles/``. Raises :class:`UsageError` when something is missing.
    """
    outputs: dict[str, Any] = {}
    if terraform_dir is not None:
        state = terraform_state or environ.get(TERRAFORM_STATE_ENV) or None
        outputs = terraform_outputs(terraform_dir, state)
    elif terraform_state is not None:
        raise UsageError("--terraform-state needs --terraform-dir")

    bucket = bucket or environ.get(BUCKET_ENV) or outputs.get("bucket_name")
    queue_url = queue_url or environ.get(QUEUE_URL_ENV) or outputs.get("queue_url")
    hint = "or pass --terraform-dir DIR of the deployed Terraform root"
    if not bucket:
        raise UsageError(f"no bucket: pass --bucket NAME, set {BUCKET_ENV}, {hint}")
    if not queue_url:
        raise UsageError(f"no queue: pass --queue-url URL, set {QUEUE_URL_ENV}, {hint}")
    return Destination(
        bucket=bucket,
        queue_url=queue_url,
        input_prefix=_prefix(input_prefix, outputs.get("input_prefix"), DEFAULT_INPUT_PREFIX),
        output_prefix=_prefix(output_prefix, outputs.get("output_prefix"), DEFAULT_OUTPUT_PREFIX),
    )


def _prefix(flag: str | None, output: str | None, default: str) -> str:
    value = flag if flag is not None else output if output is not None else default
    return value if value == "" or value.endswith("/") else value + "/"


def terraform_outputs(directory: str, state: str | None = None) -> dict[str, Any]:
    """Return ``{name: value}`` from ``terraform -chdir=DIR output -json [-state=FILE]``.

    Raises :class:`UsageError` when the directory, the terraform binary or the outputs are missing.
    """
    if not Path(directory).is_dir():
        raise UsageError(f"--terraform-dir {directory}: no such directory")
    terraform = shutil.which("terraform")
    if terraform is None:
        raise UsageError("--terraform-dir needs the terraform command, which is not on PATH")
    command = [terraform, f"-chdir={directory}", "output", "-json"]
    if state:
        # -chdir changes terraform's working directory, so a relative state path must be made
        # absolute here or terraform would look for it inside DIR.
        command.append(f"-state={Path(state).resolve()}")
    # An argument list (no shell) with the terraform found on PATH: nothing to inject into.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = result.stderr.strip() or f"exit status {result.returncode}"
        raise UsageError(f"terraform output failed in {directory}:\n{detail}")
    try:
        outputs = json.loads(result.stdout or "{}")
    except json.JSONDecodeError as error:
        raise UsageError(f"terraform output in {directory} is not JSON: {error}") from error
    if not outputs:
        raise UsageError(f"terraform in {directory} has no outputs: has the root been applied?")
    return {name: output.get("value") for name, output in outputs.items()}
