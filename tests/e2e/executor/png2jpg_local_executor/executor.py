"""The runtime executor: one worker subprocess per LocalStack execution environment.

The worker runs the deployed, unzipped package with the Python named by ``LOCAL_EXECUTOR_PYTHON``
(which must match the function's runtime, e.g. python3.13, and have boto3 and awslambdaric as the
managed runtime has them). The executor gives it the environment Lambda gives a runtime, the
function's LoggingConfig included, and hands LocalStack the invocation's logs as Lambda would send
them to CloudWatch Logs (:mod:`png2jpg_local_executor.platform_logs`). Timeouts, crashes and
unhandled exceptions come back as function errors, like AWS; a timed-out or crashed worker is
replaced before the next invocation.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
import time
from collections import deque
from typing import Any

from localstack import config
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)

from png2jpg_local_executor.platform_logs import Invocation, invocation_logs, runtime_variables
from png2jpg_local_executor.worker_process import EOF, Worker

LOG = logging.getLogger(__name__)
PYTHON_VARIABLE = "LOCAL_EXECUTOR_PYTHON"
STARTUP_TIMEOUT_SECONDS = 60
LOG_DRAIN_SECONDS = 5
KEPT_LOG_LINES = 10_000
# Passed through from LocalStack's own environment; everything else comes from the function.
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "SSL_CERT_FILE")


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


class LocalSubprocessRuntimeExecutor(RuntimeExecutor):
    """Runs a Python Lambda function's deployed package in a local worker subprocess."""

    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id, function_version)
        self._env: dict[str, str] = {}
        self._worker: Worker | None = None
        self._logs: deque[str] = deque(maxlen=KEPT_LOG_LINES)
        self._lock = threading.Lock()
        self._init_ms: float | None = None  # the new worker's start-up, reported once

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

    @property
    def _logging_config(self) -> dict[str, str]:
        return dict(self.function_version.config.logging_config or {})

    def _runtime_environment(self, code_dir: str) -> dict[str, str]:
        """What Lambda's managed runtime process gets: the function's environment, the logging
        variables from its LoggingConfig, and the execution environment's name."""
        inherited = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
        return {
            **inherited,
            **self._env,
            **runtime_variables(self._logging_config),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.function_version.config.runtime}",
            "LAMBDA_TASK_ROOT": code_dir,
            "PYTHONUNBUFFERED": "1",
        }

    def _spawn(self) -> Worker:
        code_dir = str(self.function_version.config.code.get_unzipped_code_location())
        env = self._runtime_environment(code_dir)
        started = time.monotonic()
        worker = Worker(worker_python(), self.function_version.config.handler, code_dir, env)
        ready = worker.receive(STARTUP_TIMEOUT_SECONDS)
        if isinstance(ready, dict) and ready.get("ready"):
            self._init_ms = (time.monotonic() - started) * 1000
            return worker
        self._logs.extend(worker.logs(None, LOG_DRAIN_SECONDS))
        worker.kill()
        reason = "no answer"
        if isinstance(ready, dict):
            reason = json.loads(ready["body"])["errorMessage"]
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
            sent = worker.invoke(
                request_id,
                payload.get("payload") or "",
                timeout,
                payload.get("invoked-function-arn", ""),
            )
            response = worker.receive(timeout) if sent else EOF
            duration_ms = (time.monotonic() - started) * 1000
            init_ms, self._init_ms = self._init_ms, None
            max_memory_mb = worker.peak_memory_mb()
            if isinstance(response, dict):
                body = response["body"]
                lines = worker.logs(request_id, LOG_DRAIN_SECONDS)
                status = "success" if response["ok"] else "error"
                error: dict[str, Any] = {} if response["ok"] else json.loads(body)
            else:
                lines = worker.logs(None, 0.2)
                worker.kill()
                self._worker = None
                error = self._failure(request_id, timeout, timed_out=response is None)
                body = json.dumps(error)
                status = "timeout" if response is None else "error"
        invocation = Invocation(
            request_id=request_id,
            version=self.function_version.id.qualifier,
            memory_mb=int(self.function_version.config.memory_size),
            duration_ms=duration_ms,
            status=status,
            error_type=error.get("errorType"),
            error_message=error.get("errorMessage"),
            max_memory_mb=max_memory_mb,
            init_duration_ms=init_ms,
        )
        logs = invocation_logs(invocation, lines, self._logging_config)
        self._logs.extend(logs.splitlines(keepends=True))
        return InvocationResult(
            request_id=request_id, payload=body.encode(), is_error=status != "success", logs=logs
        )

    @staticmethod
    def _failure(request_id: str, timeout: int, timed_out: bool) -> dict[str, str]:
        if timed_out:
            message = f"Task timed out after {timeout:.2f} seconds"
            return {"errorType": "Sandbox.Timedout", "errorMessage": message}
        return {
            "errorType": "Runtime.ExitError",
            "errorMessage": "RequestId: "
            f"{request_id} Error: Runtime exited without providing a reason",
        }

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
