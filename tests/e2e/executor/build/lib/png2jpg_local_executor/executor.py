"""The runtime executor: one worker subprocess per LocalStack execution environment.

The worker runs the deployed, unzipped package with the Python named by ``LOCAL_EXECUTOR_PYTHON``
(which must match the function's runtime, e.g. python3.13), with boto3 as the Lambda runtime
provides it. Timeouts, crashes and unhandled exceptions come back as function errors, like AWS;
a timed-out or crashed worker is replaced before the next invocation.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import threading
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from localstack import config
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)

from png2jpg_local_executor.worker import LOG_MARKER

LOG = logging.getLogger(__name__)
WORKER_SCRIPT = Path(__file__).with_name("worker.py")
PYTHON_VARIABLE = "LOCAL_EXECUTOR_PYTHON"
STARTUP_TIMEOUT_SECONDS = 60
LOG_DRAIN_SECONDS = 5
KEPT_LOG_LINES = 10_000
# Passed through from LocalStack's own environment; everything else comes from the function.
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "SSL_CERT_FILE")
_EOF = object()


def worker_python() -> str:
    """The interpreter for workers, from ``LOCAL_EXECUTOR_PYTHON``."""
    python = os.environ.get(PYTHON_VARIABLE, "")
    if not python or not os.access(python, os.X_OK):
        raise LambdaRuntimeException(
            f"{PYTHON_VARIABLE} must name the Python interpreter of the function's runtime"
            f" (got {python!r})"
        )
    return python


def check_runtime(runtime: str | None, python: str) -> None:
    """Refuse to run a function whose runtime differs from the worker's Python version."""
    version = subprocess.run(
        [python, "-c", "import sys; print(f'python{sys.version_info[0]}.{sys.version_info[1]}')"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if runtime != version:
        raise LambdaRuntimeException(
            f"function runtime is {runtime} but {PYTHON_VARIABLE} runs {version}"
        )


def _pump(stream: Any, sink: queue.Queue) -> None:
    for line in stream:
        sink.put(line)
    sink.put(_EOF)


class Worker:
    """A worker process and the two streams read from it."""

    def __init__(self, python: str, handler: str, code_dir: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [python, "-u", str(WORKER_SCRIPT), handler],
            cwd=code_dir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self.responses: queue.Queue = queue.Queue()
        self.log_lines: queue.Queue = queue.Queue()
        for stream, sink in ((self.process.stdout, self.responses), (self.process.stderr, self.log_lines)):
            threading.Thread(target=_pump, args=(stream, sink), daemon=True).start()

    def receive(self, timeout: float) -> dict[str, Any] | object | None:
        """The next response, ``_EOF`` if the worker died, ``None`` on timeout."""
        try:
            line = self.responses.get(timeout=timeout)
        except queue.Empty:
            return None
        return line if line is _EOF else json.loads(line)

    def send(self, request: dict[str, Any]) -> bool:
        """Write one request; False if the worker is gone."""
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def logs(self, request_id: str | None, timeout: float) -> list[str]:
        """Log lines up to the marker closing ``request_id`` (or all pending ones, on timeout/EOF)."""
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self.log_lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is _EOF or (request_id and line == f"{LOG_MARKER}{request_id}\n"):
                break
            lines.append(line)
        return lines

    def kill(self) -> None:
        """Stop the worker and everything it started."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


class LocalSubprocessRuntimeExecutor(RuntimeExecutor):
    """Runs a Python Lambda function's deployed package in a local worker subprocess."""

    def __init__(self, id: str, function_version: FunctionVersion) -> None:  # noqa: A002
        super().__init__(id, function_version)
        self._env: dict[str, str] = {}
        self._worker: Worker | None = None
        self._logs: deque[str] = deque(maxlen=KEPT_LOG_LINES)
        self._lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, env_vars: dict[str, str]) -> None:
        """Start the worker and wait until the handler module has been imported."""
        self._env = {key: str(value) for key, value in env_vars.items()}
        with self._lock:
            self._worker = self._spawn()

    def stop(self) -> None:
        """Stop the worker."""
        with self._lock:
            if self._worker:
                self._worker.kill()
                self._worker = None

    def _spawn(self) -> Worker:
        code_dir = str(self.function_version.config.code.get_unzipped_code_location())
        inherited = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
        env = {**inherited, **self._env, "LAMBDA_TASK_ROOT": code_dir, "PYTHONUNBUFFERED": "1"}
        worker = Worker(worker_python(), self.function_version.config.handler, code_dir, env)
        ready = worker.receive(STARTUP_TIMEOUT_SECONDS)
        if isinstance(ready, dict) and ready.get("ready"):
            return worker
        self._logs.extend(worker.logs(None, LOG_DRAIN_SECONDS))
        worker.kill()
        reason = ready["error"]["errorMessage"] if isinstance(ready, dict) else "no answer"
        raise LambdaRuntimeException(f"function init failed: {reason}")

    # -- invocation --------------------------------------------------------------------------
    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        """Run one invocation, replacing the worker after a timeout or a crash."""
        request_id = payload["invoke-id"]
        timeout = int(self.function_version.config.timeout)
        with self._lock:
            if self._worker is None:
                self._worker = self._spawn()
            worker = self._worker
            started = time.monotonic()
            request = {
                "request_id": request_id,
                "payload": payload.get("payload") or "",
                "timeout_ms": timeout * 1000,
                "function_arn": payload.get("invoked-function-arn", ""),
            }
            response = worker.receive(timeout) if worker.send(request) else _EOF
            duration_ms = (time.monotonic() - started) * 1000
            if isinstance(response, dict):
                body = response["result"] if response["ok"] else response["error"]
                lines = worker.logs(request_id, LOG_DRAIN_SECONDS)
                is_error = not response["ok"]
            else:
                lines = worker.logs(None, 0.2)
                worker.kill()
                self._worker = None
                body = self._failure(request_id, timeout, timed_out=response is None)
                lines.append(f"{body['errorMessage']}\n")
                is_error = True
        logs = self._frame_logs(request_id, lines, duration_ms)
        self._logs.extend(logs.splitlines(keepends=True))
        return InvocationResult(
            request_id=request_id,
            payload=json.dumps(body, default=str).encode(),
            is_error=is_error,
            logs=logs,
        )

    @staticmethod
    def _failure(request_id: str, timeout: int, timed_out: bool) -> dict[str, str]:
        if timed_out:
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            message = f"{stamp} {request_id} Task timed out after {timeout:.2f} seconds"
            return {"errorType": "Sandbox.Timedout", "errorMessage": message}
        return {"errorType": "Runtime.ExitError", "errorMessage": "RequestId: "
                f"{request_id} Error: Runtime exited without providing a reason"}

    def _frame_logs(self, request_id: str, lines: list[str], duration_ms: float) -> str:
        version = self.function_version.id.qualifier
        memory = self.function_version.config.memory_size
        return (
            f"START RequestId: {request_id} Version: {version}\n"
            + "".join(lines)
            + f"END RequestId: {request_id}\n"
            + f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            + f"Memory Size: {memory} MB\n"
        )

    def get_logs(self) -> str:
        """Everything this environment has logged so far."""
        return "".join(self._logs)

    # -- addressing (the worker shares LocalStack's network namespace) -----------------------
    def get_address(self) -> str:
        """The worker runs on this host."""
        return "127.0.0.1"

    def get_endpoint_from_executor(self) -> str:
        """The worker reaches LocalStack on loopback."""
        return "127.0.0.1"

    def get_runtime_endpoint(self) -> str:
        """Unused by this executor (no runtime API); kept for LocalStack's bookkeeping."""
        return f"http://127.0.0.1:{config.GATEWAY_LISTEN[0].port}/_localstack_lambda/{self.id}"

    # -- versions ----------------------------------------------------------------------------
    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        """Unzip the deployed package and check that the worker Python matches the runtime."""
        check_runtime(function_version.config.runtime, worker_python())
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        """Nothing to clean: LocalStack owns the unzipped code."""

    @classmethod
    def validate_environment(cls) -> bool:
        """Warn when the worker Python is not configured."""
        try:
            worker_python()
        except LambdaRuntimeException as error:
            LOG.warning("%s", error)
            return False
        return True
