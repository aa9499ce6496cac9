"""The outputs of a deployed Terraform root: one reader for the sender, e2e tests, demo, bench."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any


class TerraformError(Exception):
    """The outputs could not be read: no directory, no terraform, a failure, nothing applied."""


def terraform_outputs(
    directory: str | os.PathLike[str], state: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """``{name: value}`` from ``terraform -chdir=DIRECTORY output -json [-state=STATE]``.

    Raises :class:`TerraformError` with a message that says what to do.
    """
    if not Path(directory).is_dir():
        raise TerraformError(f"Terraform directory {directory}: no such directory")
    terraform = shutil.which("terraform")
    if terraform is None:
        raise TerraformError("reading Terraform outputs needs the terraform command on PATH")
    command = [terraform, f"-chdir={directory}", "output", "-json"]
    if state:
        # -chdir moves terraform into DIRECTORY: a relative state path must be made absolute here.
        command.append(f"-state={Path(state).resolve()}")
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = result.stderr.strip() or f"exit status {result.returncode}"
        raise TerraformError(f"terraform output failed in {directory}:\n{detail}")
    try:
        outputs = json.loads(result.stdout or "{}")
    except json.JSONDecodeError as error:
        raise TerraformError(f"terraform output in {directory} is not JSON: {error}") from error
    if not outputs:
        raise TerraformError(f"terraform in {directory} has no outputs: has the root been applied?")
    return {name: output.get("value") for name, output in outputs.items()}
