"""Fixtures for the sender tests.

Two ways to run the sender against a moto account with bucket ``images`` and the queues
``png2jpg`` and ``png2jpg.fifo``:

- ``server`` + ``run_sender``: ``python -m sender`` in a subprocess, as a user runs it, against
  moto's server (the app of ``moto.server.ThreadedMotoServer``, served on a free port with a
  gate that can hold object uploads, so a test can interrupt a run at a known point);
- ``aws``: ``sender.cli.main`` in this process under ``mock_aws``, with the very clients the code
  uses, so a test can inject faults with botocore event hooks.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws
from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from png2jpg.convert import PNG_SIGNATURE
from sender import cli, redrive, send

ROOT = Path(__file__).resolve().parents[3]
BUCKET = "images"


@dataclass
class Aws:
    """Clients on a moto account, and what the bucket and queues hold."""

    s3: Any
    sqs: Any
    queue_url: str
    fifo_url: str

    def objects(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        """``{key: head_object response}`` of everything under ``prefix``."""
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
        return {key: self.s3.head_object(Bucket=BUCKET, Key=key) for key in keys}

    def messages(self, url: str | None = None) -> list[dict[str, Any]]:
        """Receive (and delete) every message of the queue, in the order SQS hands them out."""
        url = url or self.queue_url
        received: list[dict[str, Any]] = []
        while batch := self.sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", []):
            received.extend(batch)
            for message in batch:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return received

    def keys(self, url: str | None = None) -> list[str]:
        """The keys of the messages on the queue, in the order SQS hands them out."""
        return [json.loads(m["Body"])["key"] for m in self.messages(url)]


def convert_on_send(aws: Any, skip: str = "") -> None:
    """Act as the function: once a batch is sent, put a JPEG at each message's output key."""
    keys: list[str] = []

    def remember(params: dict[str, Any], **_: Any) -> None:
        keys[:] = [json.loads(entry["MessageBody"])["key"] for entry in params["Entries"]]

    def convert(**_: Any) -> None:
        for key in keys:
            if not (skip and key.endswith(skip)):
                output = "jpgfiles/" + key.removeprefix("pngfiles/").removesuffix(".png") + ".jpg"
                aws.s3.put_object(Bucket=BUCKET, Key=output, Body=b"jpeg")

    aws.sqs.meta.events.register("before-parameter-build.sqs.SendMessageBatch", remember)
    aws.sqs.meta.events.register("after-call.sqs.SendMessageBatch", convert)


def _account(s3: Any, sqs: Any) -> Aws:
    s3.create_bucket(Bucket=BUCKET)
    queue_url = sqs.create_queue(QueueName="png2jpg")["QueueUrl"]
    fifo = sqs.create_queue(QueueName="png2jpg.fifo", Attributes={"FifoQueue": "true"})
    return Aws(s3, sqs, queue_url, fifo["QueueUrl"])


class UploadGate:
    """WSGI middleware: once closed, lets ``after`` more object uploads through, holds the rest."""

    def __init__(self) -> None:
        self.held = threading.Event()  # set when an upload is held
        self.opened = threading.Event()
        self.opened.set()
        self._after = 0
        self._lock = threading.Lock()

    def close(self, after: int) -> None:
        """Hold every object upload after the next ``after`` ones, until :meth:`open`."""
        self._after = after
        self.held.clear()
        self.opened.clear()

    def open(self) -> None:
        """Let the held uploads and every later one through."""
        self.opened.set()

    def wrap(self, app: Any) -> Callable[..., Any]:
        """``app`` behind the gate."""

        def gated(environ: dict[str, Any], start_response: Any) -> Any:
            # An object upload is a PUT to /bucket/key (path-style addressing on 127.0.0.1).
            if environ["REQUEST_METHOD"] == "PUT" and environ["PATH_INFO"].count("/") >= 2:
                with self._lock:
                    self._after -= 1
                    hold = self._after < 0 and not self.opened.is_set()
                if hold:
                    self.held.set()
                    self.opened.wait()
            return app(environ, start_response)

        return gated


@dataclass
class Server:
    """moto's server on a free port; ``gate`` controls object uploads."""

    endpoint: str
    gate: UploadGate


@pytest.fixture(scope="session")
def _moto_server() -> Iterator[Server]:
    gate = UploadGate()
    app = gate.wrap(DomainDispatcherApplication(create_backend_app))
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{httpd.server_port}", gate)
    httpd.shutdown()
    thread.join()


@pytest.fixture
def server(_moto_server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The moto server, emptied, its gate open; boto3 clients made here talk to it."""
    requests.post(f"{_moto_server.endpoint}/moto-api/reset", timeout=10).raise_for_status()
    monkeypatch.setenv("AWS_ENDPOINT_URL", _moto_server.endpoint)
    yield _moto_server
    _moto_server.gate.open()


@pytest.fixture
def remote(server: Server) -> Aws:
    """Clients on the moto server's account (bucket and queues created)."""
    return _account(boto3.client("s3"), boto3.client("sqs"))


@pytest.fixture
def user_env(server: Server, tmp_path: Path) -> dict[str, str]:
    """The environment of a user pointed at the moto server with test credentials.

    No AWS setting of this machine leaks in: no profile, config or credentials file, no IMDS.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PNG2JPG_"))}
    return env | {
        "AWS_ENDPOINT_URL": server.endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def python_m(module: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``python -m module args`` from the repository root, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """A ``mock_aws`` account whose clients the sender and the redrive use in this process."""
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        account = _account(boto3.client("s3"), boto3.client("sqs"))
        clients = {"s3": account.s3, "sqs": account.sqs}
        fake = lambda service, *_args, **_kwargs: clients[service]  # noqa: E731
        monkeypatch.setattr(cli, "client", fake)
        monkeypatch.setattr(redrive, "client", fake)
        monkeypatch.setattr(send, "RETRY_BASE_DELAY", 0.0)
        yield account


@pytest.fixture
def make_pngs(corpus: Path) -> Callable[[Path, list[str]], list[Path]]:
    """``make_pngs(dir, names)`` copies distinct real PNGs from the corpus to ``dir/name``."""
    sources = sorted(
        p
        for p in (corpus / "pngsuite").glob("*.png")
        if p.read_bytes()[:8] == PNG_SIGNATURE and not p.name.startswith("x")
    )

    def make(directory: Path, names: list[str]) -> list[Path]:
        made = []
        for index, name in enumerate(names):
            target = directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sources[index % len(sources)], target)
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
        document = {name: {"sensitive": False, "value": value} for name, value in outputs.items()}
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
