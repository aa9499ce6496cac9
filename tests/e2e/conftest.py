"""End-to-end fixtures: a deployment of the terraform/ root, on LocalStack or in an AWS account.

``make e2e`` runs these tests through scripts/localstack_session.py, which starts LocalStack,
applies the root and sets ``PNG2JPG_TERRAFORM_DIR``; ``make e2e-aws`` applies it to the caller's
account under a unique name and runs the tests not marked ``localstack_only``. Every name comes
from Terraform's outputs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from scripts import localstack_session
from scripts.queues import peek
from sender.terraform import terraform_outputs

ROOT = Path(__file__).resolve().parents[2]
RETRIES = Config(retries={"mode": "standard"})
# The function quarantines on the first receive: no visibility timeout to wait for.
QUARANTINE_TIMEOUT = 60


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "localstack_only: relies on LocalStack's settings or this machine; make e2e-aws skips it",
    )


@pytest.fixture(autouse=True)
def _fake_aws_credentials() -> None:
    """Replaces the unit tests' fake credentials: the session script sets LocalStack's test
    credentials, and ``make e2e-aws`` must keep the caller's."""


def on_localstack() -> bool:
    """Whether the deployment lives in LocalStack (also when it stands in for an account)."""
    return bool(os.environ.get("LOCALSTACK_ENDPOINT"))


def client(service: str) -> Any:
    """A client for the deployment's endpoint: localstack-client's on LocalStack, else boto3's."""
    if on_localstack():
        return localstack_session.client(service, config=RETRIES)
    return boto3.client(service, config=RETRIES)


@dataclass(frozen=True)
class Deployment:
    """One applied instance of the root."""

    outputs: dict[str, Any]
    terraform_dir: Path
    name: str
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

    def terraform(self, action: str, **overrides: object) -> None:
        """``terraform apply|destroy`` of this instance with the session's variables."""
        command = ["terraform", f"-chdir={self.terraform_dir}", action, "-input=false"]
        command += ["-auto-approve", "-no-color"]
        if self.state:
            command.append(f"-state={self.state}")
        variables = localstack_session.terraform_variables(self.name, **overrides)
        result = subprocess.run([*command, *variables], check=False, capture_output=True, text=True)
        assert result.returncode == 0, f"{action} failed:\n{result.stdout[-3000:]}{result.stderr}"

    def with_outputs(self) -> Deployment:
        """The same deployment with its outputs read again."""
        outputs = terraform_outputs(self.terraform_dir, self.state)
        return Deployment(outputs, self.terraform_dir, self.name, self.state)


@pytest.fixture(scope="session")
def deployment() -> Deployment:
    """The deployment that scripts/localstack_session.py applied."""
    directory = os.environ.get("PNG2JPG_TERRAFORM_DIR")
    if not directory:
        pytest.exit("the e2e tests need a deployment: run them with `make e2e`", returncode=2)
    name = os.environ.get("PNG2JPG_E2E_NAME", "png2jpg-e2e")
    return Deployment(terraform_outputs(Path(directory)), Path(directory), name)


@contextmanager
def second_instance(
    deployment: Deployment, suffix: str, **overrides: object
) -> Iterator[Deployment]:
    """Another instance of the same root, with its own state and name; destroyed afterwards."""
    state = deployment.terraform_dir.parent / f"{suffix}.tfstate"
    instance = Deployment({}, deployment.terraform_dir, f"{deployment.name}-{suffix}", state)
    try:
        instance.terraform("apply", **overrides)
        yield instance.with_outputs()
    finally:
        instance.terraform("destroy", **overrides)


@pytest.fixture(scope="session")
def fifo_deployment(deployment: Deployment) -> Iterator[Deployment]:
    """A second instance of the root in FIFO mode."""
    with second_instance(deployment, "fifo", fifo_queue=True) as fifo:
        yield fifo


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


def log_records(deployment: Deployment, since_ms: int = 0) -> list[dict[str, Any]]:
    """The JSON lines of the function's log group (log records, EMF documents), oldest first."""
    paginator = client("logs").get_paginator("filter_log_events")
    records = []
    for page in paginator.paginate(logGroupName=deployment["log_group_name"], startTime=since_ms):
        for event in page["events"]:
            text = event["message"].strip()
            if text.startswith("{"):
                records.append(json.loads(text))
    return records


def failure_records(records: list[dict[str, Any]], message_id: str) -> list[dict[str, Any]]:
    """The function's ``failed`` records of one message."""
    return [r for r in records if r.get("messageId") == message_id and r.get("outcome") == "failed"]


def remove_from_dlq(sqs: Any, deployment: Deployment, key: str) -> None:
    """Delete the DLQ entries naming ``key``, so later tests find the DLQ as they expect."""
    for message in peek(sqs, deployment["dlq_url"], expected=10, timeout=2).values():
        if key in message["Body"]:
            sqs.delete_message(
                QueueUrl=deployment["dlq_url"], ReceiptHandle=message["ReceiptHandle"]
            )


def sender_json(result: Any) -> dict[str, Any]:
    """The sender's ``--json`` summary, with its stderr shown if it is not JSON."""
    assert result.stdout, f"sender printed nothing; stderr:\n{result.stderr}"
    return json.loads(result.stdout)
