"""Terraform for tests: offline (the provider mirror where it exists), no AWS settings, working
data under build/ so that tests never touch the .terraform of a root a user deployed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

DEFAULT_PLUGIN_DIR = Path("/opt/tf-plugins")


def init(directory: Path, data_dir: Path) -> None:
    """``terraform init`` of ``directory`` (with the plugin mirror when there is one)."""
    plugin_dir = os.environ.get("TF_PLUGIN_DIR") or (
        str(DEFAULT_PLUGIN_DIR) if DEFAULT_PLUGIN_DIR.is_dir() else ""
    )
    run(
        directory,
        data_dir,
        "init",
        "-backend=false",
        *([f"-plugin-dir={plugin_dir}"] if plugin_dir else []),
    )


def run(
    directory: Path, data_dir: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``terraform -chdir=directory ARGS -no-color``; with ``check``, raise with its output."""
    if shutil.which("terraform") is None:
        raise RuntimeError("terraform is not on PATH: install Terraform >= 1.9")
    command = ["terraform", f"-chdir={directory}", *args, "-no-color"]
    result = subprocess.run(
        command, env=_environment(data_dir), capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result


def _environment(data_dir: Path) -> dict[str, str]:
    """The caller's environment without AWS settings, Terraform's working data in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_VAR_"))}
    if not Path(env.get("TF_CLI_CONFIG_FILE") or "/").is_file():
        env.pop("TF_CLI_CONFIG_FILE", None)  # a path to nothing only adds a warning
    env.update(TF_DATA_DIR=str(data_dir), TF_IN_AUTOMATION="1", TF_INPUT="0")
    return env
