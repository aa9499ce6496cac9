"""The executor runs a handler as the managed runtime does and filters its logs as Lambda does.

No LocalStack: a worker process under the runtime's Python (``.venv-runtime``, which ``make e2e``
builds) serves a small handler; the platform's log handling is applied to what it wrote.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from scripts.localstack_session import RUNTIME_PYTHON
from tests.e2e.executor.png2jpg_local_executor.platform_logs import (
    Invocation,
    application_lines,
    invocation_logs,
    line_level,
    runtime_variables,
)
from tests.e2e.executor.png2jpg_local_executor.worker_process import Worker

pytestmark = pytest.mark.localstack_only

HANDLER = """\
import logging

log = logging.getLogger("png2jpg")


def handler(event, context):
    log.info("converted", extra={"messageId": "m1", "outcome": "converted"})
    log.error("failed", extra={"messageId": "m2", "outcome": "failed", "error_class": "permanent"})
    print("a plain line")
    if event.get("raise"):
        raise ValueError("boom")
    return {"remaining_ms": context.get_remaining_time_in_millis()}
"""
TIMEOUT_SECONDS = 30
JSON_ERROR = {"LogFormat": "JSON", "ApplicationLogLevel": "ERROR", "SystemLogLevel": "WARN"}


def start(code_dir: Path, logging_config: dict[str, str]) -> Worker:
    """A worker for ``app.handler`` in ``code_dir``, ready to serve."""
    env = {
        "PATH": os.environ["PATH"],
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        **runtime_variables(logging_config),
    }
    worker = Worker(str(RUNTIME_PYTHON), "app.handler", str(code_dir), env)
    ready = worker.receive(TIMEOUT_SECONDS)
    assert ready == {"ready": True}, (ready, worker.logs(None, 1))
    return worker


def call(worker: Worker, event: dict[str, Any]) -> tuple[dict[str, Any], str, list[str]]:
    """Invoke once: the worker's answer, the request id and the invocation's output lines."""
    request_id = str(uuid.uuid4())
    assert worker.invoke(request_id, json.dumps(event), TIMEOUT_SECONDS, "arn:aws:lambda:fn")
    response = worker.receive(TIMEOUT_SECONDS)
    assert isinstance(response, dict), response
    return response, request_id, worker.logs(request_id, TIMEOUT_SECONDS)


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    (tmp_path / "app.py").write_text(HANDLER)
    worker = start(tmp_path, JSON_ERROR)
    yield worker
    worker.kill()


def records(lines: list[str]) -> list[dict[str, Any]]:
    """The JSON objects among ``lines``."""
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_log_records_carry_level_timestamp_and_request_id(worker: Worker) -> None:
    """AWS_LAMBDA_LOG_LEVEL=ERROR: the runtime's logger drops the INFO record; the ERROR record is
    the runtime's JSON with the fields passed in ``extra``."""
    response, request_id, lines = call(worker, {})

    assert response["ok"]
    assert 0 < json.loads(response["body"])["remaining_ms"] <= TIMEOUT_SECONDS * 1000
    [record] = records(lines)
    assert record["level"] == "ERROR"
    assert record["requestId"] == request_id
    assert record["logger"] == "png2jpg"
    assert (record["message"], record["messageId"], record["error_class"]) == (
        "failed",
        "m2",
        "permanent",
    )
    assert datetime.fromisoformat(record["timestamp"]).tzinfo is not None
    # print() bypasses logging; Lambda assigns INFO to it and filters it out
    assert "a plain line\n" in lines
    assert application_lines(lines, JSON_ERROR) == [json.dumps(record) + "\n"]


def test_unhandled_error_is_logged_by_the_runtime(worker: Worker) -> None:
    """An exception becomes Lambda's error document and an ERROR record of the runtime."""
    response, request_id, lines = call(worker, {"raise": True})

    assert not response["ok"]
    error = json.loads(response["body"])
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "boom")
    logged = [r for r in records(lines) if r.get("errorType") == "ValueError"]
    assert [(r["level"], r["requestId"]) for r in logged] == [("ERROR", request_id)]


def test_peak_memory_is_the_workers_own_while_it_lives(worker: Worker) -> None:
    """What the executor reports as Max Memory Used: the worker's resident peak (VmHWM)."""
    call(worker, {})
    peak = worker.peak_memory_mb()
    assert peak is not None
    assert 10 < peak < 1000  # an interpreter with awslambdaric, well below any memory size
    worker.kill()
    assert worker.peak_memory_mb() is None


def test_import_error_is_an_init_failure(tmp_path: Path) -> None:
    """A handler module that cannot be imported fails the init, as on AWS."""
    env = {"PATH": os.environ["PATH"], **runtime_variables(JSON_ERROR)}
    worker = Worker(str(RUNTIME_PYTHON), "missing.handler", str(tmp_path), env)
    try:
        answer = worker.receive(TIMEOUT_SECONDS)
    finally:
        worker.kill()
    assert isinstance(answer, dict)
    assert (answer["ok"], answer["init"]) == (False, True)
    assert json.loads(answer["body"])["errorType"] == "Runtime.ImportModuleError"


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ('{"timestamp": "2026-01-02T03:04:05Z", "level": "WARNING"}', "WARN"),
        ('{"timestamp": "2026-01-02T03:04:05.123+00:00", "level": "CRITICAL"}', "FATAL"),
        ('{"timestamp": "2026-01-02T03:04:05Z", "level": "ERROR"}', "ERROR"),
        ('{"level": "ERROR"}', "INFO"),  # no timestamp
        ('{"timestamp": "yesterday", "level": "ERROR"}', "INFO"),
        ('{"timestamp": "2026-01-02T03:04:05", "level": "ERROR"}', "INFO"),  # no offset
        ('{"_aws": {}, "ImagesConverted": 3}', "INFO"),  # an EMF document
        ("Traceback (most recent call last):", "INFO"),
    ],
)
def test_level_lambda_assigns_to_a_line(line: str, level: str) -> None:
    assert line_level(line) == level


def test_runtime_variables_follow_the_logging_config() -> None:
    assert runtime_variables(JSON_ERROR) == {
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "AWS_LAMBDA_LOG_LEVEL": "ERROR",
    }
    assert runtime_variables({"LogFormat": "Text"}) == {"AWS_LAMBDA_LOG_FORMAT": "Text"}


def test_system_lines_follow_format_and_system_level() -> None:
    invocation = Invocation("r1", "$LATEST", 512, 12.5)
    text = invocation_logs(invocation, ["hello\n"], {"LogFormat": "Text"})
    assert text.splitlines()[0] == "START RequestId: r1 Version: $LATEST"
    assert "hello" in text
    assert text.splitlines()[-1].startswith("REPORT RequestId: r1")

    quiet = invocation_logs(invocation, ["{}\n"], {**JSON_ERROR, "ApplicationLogLevel": "INFO"})
    assert quiet == "{}\n"  # system level WARN: no platform records

    info = {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO"}
    lines = invocation_logs(invocation, [], info).splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["platform.start", "platform.report"]
