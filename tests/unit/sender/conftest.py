"""Fixtures for the sender tests: a moto account with a bucket and queues, and PNG files."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sender import cli, enqueue, pipeline, redrive
from sender.files import PNG_SIGNATURE

BUCKET = "images"


@dataclass
class Aws:
    """Clients on the moto account, the ones the code under test also uses."""

    s3: Any
    sqs: Any
    queue_url: str
    fifo_url: str

    def objects(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        """``{key: head_object response}`` of everything under ``prefix``."""
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
        return {o["Key"]: self.s3.head_object(Bucket=BUCKET, Key=o["Key"]) for o in listed}

    def messages(self, url: str | None = None) -> list[dict[str, Any]]:
        """Receive (and delete) every message of the queue, in the order SQS hands them out."""
        url = url or self.queue_url
        received: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=0,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not batch:
                return received
            received.extend(batch)
            for message in batch:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """A moto account with bucket ``images``, a standard and a FIFO queue.

    The sender and the redrive get these same clients, so tests can hook into their calls.
    """
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        s3 = boto3.client("s3", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        queue_url = sqs.create_queue(QueueName="png2jpg")["QueueUrl"]
        fifo_url = sqs.create_queue(QueueName="png2jpg.fifo", Attributes={"FifoQueue": "true"})[
            "QueueUrl"
        ]
        clients = {"s3": s3, "sqs": sqs}
        monkeypatch.setattr(cli, "make_client", lambda service, concurrency=8: clients[service])
        monkeypatch.setattr(redrive, "make_client", lambda service, concurrency=8: clients[service])
        monkeypatch.setattr(enqueue, "RETRY_BASE_DELAY", 0.0)
        monkeypatch.setattr(redrive, "POLL_INTERVAL", 0.0)
        yield Aws(s3, sqs, queue_url, fifo_url)


@pytest.fixture
def no_partial_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send partly filled batches only at the end, so the number of calls is deterministic."""
    monkeypatch.setattr(pipeline, "PARTIAL_BATCH_DELAY", 60.0)


@pytest.fixture
def make_pngs(corpus: Path) -> Callable[..., list[Path]]:
    """``make_pngs(dir, names)`` copies distinct real PNGs from the corpus to ``dir/name``."""
    sources = sorted(
        p
        for p in (corpus / "pngsuite").glob("*.png")
        if p.read_bytes()[:8] == PNG_SIGNATURE and not p.name.startswith("x")
    )

    def make(directory: Path, names: list[str]) -> list[Path]:
        assert len(names) <= len(sources)
        made = []
        for name, source in zip(names, sources, strict=False):
            target = directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            made.append(target)
        return made

    return make


@pytest.fixture
def fake_terraform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """``fake_terraform(outputs, exit_status=0, stderr="")`` puts a ``terraform`` on PATH.

    It prints ``outputs`` the way ``terraform output -json`` does and writes its arguments,
    one per line, to the returned file.
    """
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    log = tmp_path / "terraform-args.txt"

    def install(outputs: dict[str, Any], exit_status: int = 0, stderr: str = "") -> Path:
        document = {
            name: {"sensitive": False, "type": "string", "value": value}
            for name, value in outputs.items()
        }
        (tmp_path / "outputs.json").write_text(json.dumps(document))
        (tmp_path / "stderr.txt").write_text(stderr)
        script = bin_dir / "terraform"
        script.write_text(
            "#!/bin/sh\n"
            f'printf "%s\\n" "$@" > "{log}"\n'
            f'cat "{tmp_path / "stderr.txt"}" >&2\n'
            f'[ {exit_status} -eq 0 ] && cat "{tmp_path / "outputs.json"}"\n'
            f"exit {exit_status}\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        return log

    return install
