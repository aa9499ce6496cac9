"""End-to-end fixtures: a deployment of the terraform/ root on LocalStack.

``make e2e`` runs these tests through scripts/localstack_session.py, which starts LocalStack,
applies the root and sets ``PNG2JPG_TERRAFORM_DIR``. Every name comes from Terraform's outputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from sender.terraform import terraform_outputs

ROOT = Path(__file__).resolve().parents[2]
TFVARS = ROOT / "tests" / "e2e" / "e2e.tfvars"


def _require_session() -> Path:
    directory = os.environ.get("PNG2JPG_TERRAFORM_DIR")
    if not directory or not os.environ.get("LOCALSTACK_ENDPOINT"):
        pytest.exit(
            "the e2e tests need a LocalStack deployment: run them with `make e2e`", returncode=2
        )
    return Path(directory)


@dataclass(frozen=True)
class Deployment:
    """One applied instance of the root and clients for its endpoint."""

    outputs: dict[str, Any]
    terraform_dir: Path
    state: Path | None = None

    def __getitem__(self, name: str) -> Any:
        return self.outputs[name]

    def sender(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run ``python -m sender`` against this deployment, as a user would."""
        command = [sys.executable, "-m", "sender", "--terraform-dir", str(self.terraform_dir)]
        if self.state:
            command += ["--terraform-state", str(self.state)]
        return subprocess.run(
            [*command, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )


def client(service: str) -> Any:
    """A boto3 client for LocalStack (endpoint and credentials come from the environment)."""
    return boto3.client(service, config=Config(retries={"mode": "standard"}))


@pytest.fixture(scope="session")
def deployment() -> Deployment:
    """The deployment that scripts/localstack_session.py applied."""
    directory = _require_session()
    return Deployment(terraform_outputs(directory), directory)


@pytest.fixture(scope="session")
def fifo_deployment(deployment: Deployment) -> Iterator[Deployment]:
    """A second instance of the same root in FIFO mode, with its own state file."""
    state = deployment.terraform_dir.parent / "fifo.tfstate"
    variables = [
        f"-var-file={TFVARS}",
        f"-var=function_zip_path={ROOT / 'build' / 'function.zip'}",
        "-var=name=png2jpg-fifo",
        "-var=fifo_queue=true",
    ]
    base = ["terraform", f"-chdir={deployment.terraform_dir}"]
    apply = [*base, "apply", "-input=false", "-auto-approve", f"-state={state}", *variables]
    result = subprocess.run(apply, check=False, capture_output=True, text=True)
    assert result.returncode == 0, f"FIFO apply failed:\n{result.stdout[-3000:]}{result.stderr}"
    try:
        yield Deployment(
            terraform_outputs(deployment.terraform_dir, state), deployment.terraform_dir, state
        )
    finally:
        destroy = [*base, "destroy", "-input=false", "-auto-approve", f"-state={state}", *variables]
        subprocess.run(destroy, check=False, capture_output=True, text=True)


@pytest.fixture(scope="session")
def s3() -> Any:
    return client("s3")


@pytest.fixture(scope="session")
def sqs() -> Any:
    return client("sqs")


def wait_until(condition: Callable[[], Any], timeout: float, interval: float = 1.0) -> Any:
    """Poll ``condition`` until it is truthy or ``timeout`` passes; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def queue_depth(sqs: Any, url: str) -> int:
    """Messages visible plus in flight."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(value) for value in attributes.values())


def peek(sqs: Any, url: str, expected: int, timeout: float = 30) -> dict[str, dict[str, Any]]:
    """Read the messages of a queue without consuming them: ``{MessageId: message}``.

    Each message is received with a zero visibility timeout, so it stays available; polling
    goes on until ``expected`` distinct messages were seen or ``timeout`` passes.
    """
    seen: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len(seen) < expected and time.monotonic() < deadline:
        for message in sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=0
        ).get("Messages", []):
            seen[message["MessageId"]] = message
    return seen
