"""One worker process (worker.py under the runtime's Python) and the two streams read from it.

Standard library only, so the tests drive a worker without LocalStack.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
# Closes an invocation's output on the log stream; no function writes a record separator.
LOG_MARKER = "\x1e png2jpg-local-executor end "
EOF = object()


def _pump(stream: Any, sink: queue.Queue) -> None:
    for line in stream:
        sink.put(line)
    sink.put(EOF)


class Worker:
    """A worker serving one execution environment's invocations, one at a time."""

    def __init__(self, python: str, handler: str, code_dir: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [python, "-u", str(WORKER_SCRIPT), handler, LOG_MARKER],
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
        for stream, sink in (
            (self.process.stdout, self.responses),
            (self.process.stderr, self.log_lines),
        ):
            threading.Thread(target=_pump, args=(stream, sink), daemon=True).start()

    def receive(self, timeout: float) -> dict[str, Any] | object | None:
        """The next message, ``EOF`` if the worker died, ``None`` on timeout."""
        try:
            line = self.responses.get(timeout=timeout)
        except queue.Empty:
            return None
        return line if line is EOF else json.loads(line)

    def invoke(self, request_id: str, payload: str, timeout: float, function_arn: str) -> bool:
        """Send one invocation with its deadline; False if the worker is gone."""
        deadline_ms = int((time.time() + timeout) * 1000)
        request = {
            "request_id": request_id,
            "payload": payload,
            "deadline_ms": deadline_ms,
            "function_arn": function_arn,
        }
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def logs(self, request_id: str | None, timeout: float) -> list[str]:
        """Output up to the marker closing ``request_id`` (all pending lines on timeout/EOF)."""
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self.log_lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is EOF or (request_id and line == f"{LOG_MARKER}{request_id}\n"):
                break
            lines.append(line)
        return lines

    def peak_memory_mb(self) -> int | None:
        """The worker's peak resident memory so far (VmHWM), in MB; None once it is gone."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return -(-int(line.split()[1]) // 1024)
        return None

    def kill(self) -> None:
        """Stop the worker and everything it started."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()
