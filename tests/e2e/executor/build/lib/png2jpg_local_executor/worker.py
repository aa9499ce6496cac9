"""Lambda worker: imports a Python handler once, then serves invocations over pipes.

Run as ``python worker.py HANDLER``; the function's code directory is the working directory.
Protocol: one JSON object per line. The executor writes ``{"request_id", "payload", "timeout_ms",
"function_arn"}`` to stdin; the worker answers on its original stdout with ``{"ok": true,
"result": ...}`` or ``{"ok": false, "error": {...}}``. Everything the handler prints or logs goes
to stderr, followed by a marker line that closes the invocation's logs.
Stdlib only: it runs under the Lambda runtime's Python, not LocalStack's.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any

LOG_MARKER = "\x1e png2jpg-local-executor end "


class LambdaContext:
    """The subset of the Lambda context object that handlers use."""

    def __init__(self, request_id: str, function_arn: str, timeout_ms: int) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation times out."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def error_body(error: BaseException) -> dict[str, Any]:
    """Lambda's error shape for an unhandled exception."""
    return {
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "stackTrace": traceback.format_tb(error.__traceback__),
    }


def load_handler(handler: str) -> Any:
    """Import ``package.module.function`` from the code directory."""
    module_name, _, function_name = handler.rpartition(".")
    sys.path.insert(0, os.getcwd())
    return getattr(importlib.import_module(module_name), function_name)


def main() -> None:
    """Serve invocations until stdin closes."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    # The handler's prints and log records are Lambda logs: send them to stderr.
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        handler = load_handler(sys.argv[1])
    except Exception as error:  # an init error: report it and exit, as Lambda does
        traceback.print_exc()
        protocol.write(json.dumps({"ok": False, "init": True, "error": error_body(error)}) + "\n")
        return
    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        context = LambdaContext(request["request_id"], request["function_arn"], request["timeout_ms"])
        try:
            event = json.loads(request["payload"]) if request["payload"] else {}
            response: dict[str, Any] = {"ok": True, "result": handler(event, context)}
        except Exception as error:
            print(f"[ERROR] {type(error).__name__}: {error}", file=sys.stderr)
            traceback.print_exc()
            response = {"ok": False, "error": error_body(error)}
        sys.stderr.write(f"{LOG_MARKER}{request['request_id']}\n")
        sys.stderr.flush()
        protocol.write(json.dumps(response, default=str) + "\n")


if __name__ == "__main__":
    main()
