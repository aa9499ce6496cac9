"""Lambda worker: the managed Python runtime's own interface client, fed over pipes.

Run as ``python worker.py HANDLER MARKER`` in the function's code directory, with the environment
Lambda gives a runtime (``AWS_LAMBDA_LOG_FORMAT``, ``AWS_LAMBDA_LOG_LEVEL``, ...) and with
awslambdaric installed, as it is in the managed runtime. ``awslambdaric.bootstrap.run`` then
does what it does on AWS: puts its JsonFormatter (or its text format) on the root logger with the
level from ``AWS_LAMBDA_LOG_LEVEL`` and the request id in every record, imports the handler,
builds the context, unmarshals the event, marshals the result and logs unhandled errors.

Only the transport differs. Instead of the Runtime API over HTTP, :class:`PipeRuntimeClient`
reads one invocation per line from stdin and answers on the original stdout:

- in: ``{"request_id", "payload", "deadline_ms", "function_arn"}``;
- out: ``{"ready": true}`` once the handler is imported, then ``{"ok": bool, "body": "<JSON>"}``
  per invocation, or ``{"ok": false, "init": true, "body": ...}`` if the import failed.

Everything the function writes (stdout, stderr, log records) goes to stderr, in order; a line
``MARKER + request id`` closes each invocation's output. It runs under the Lambda runtime's
Python, not LocalStack's.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from awslambdaric import bootstrap
from awslambdaric.lambda_runtime_client import InvocationRequest
from awslambdaric.lambda_runtime_marshaller import LambdaMarshaller


class PipeRuntimeClient:
    """The part of awslambdaric's LambdaRuntimeClient that ``bootstrap.run`` calls."""

    marshaller = LambdaMarshaller()

    def __init__(self, requests: TextIO, responses: TextIO, log_marker: str) -> None:
        self._requests = requests
        self._responses = responses
        self._log_marker = log_marker
        self._ready = False

    def _answer(self, message: dict[str, Any]) -> None:
        self._responses.write(json.dumps(message) + "\n")
        self._responses.flush()

    def _close_logs(self, request_id: str) -> None:
        # sys.stdout is where the runtime's log sink writes, so the marker follows every record.
        sys.stdout.write(f"{self._log_marker}{request_id}\n")
        sys.stdout.flush()

    def wait_next_invocation(self) -> InvocationRequest:
        """Block until the executor sends an invocation; exit when it closes the pipe."""
        if not self._ready:
            self._ready = True
            self._answer({"ready": True})
        line = self._requests.readline()
        if not line:
            sys.exit(0)
        request = json.loads(line)
        return InvocationRequest(
            invoke_id=request["request_id"],
            x_amzn_trace_id=None,
            invoked_function_arn=request["function_arn"],
            deadline_time_in_ms=request["deadline_ms"],
            client_context=None,
            cognito_identity=None,
            tenant_id=None,
            content_type="application/json",
            event_body=request["payload"].encode(),
            invocation_id=None,
        )

    def post_invocation_result(
        self,
        invoke_id: str,
        result_data: str | bytes,
        content_type: str = "application/json",
        invocation_id: str | None = None,
    ) -> None:
        """The handler returned: its marshalled result."""
        self._close_logs(invoke_id)
        body = result_data.decode() if isinstance(result_data, bytes) else result_data
        self._answer({"ok": True, "body": body})

    def post_invocation_error(
        self,
        invoke_id: str,
        error_response_data: str,
        xray_fault: str,
        invocation_id: str | None = None,
    ) -> None:
        """The handler raised: Lambda's error document (already logged by the runtime)."""
        self._close_logs(invoke_id)
        self._answer({"ok": False, "body": error_response_data})

    def post_init_error(
        self, error_response_data: dict[str, Any], error_type_override: str | None = None
    ) -> None:
        """The handler could not be imported; ``bootstrap.run`` exits next."""
        self._answer({"ok": False, "init": True, "body": json.dumps(error_response_data)})


def main() -> None:
    """Serve invocations until stdin closes."""
    responses = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # the function's stdout and stderr: one ordered log stream
    sys.path[0] = str(Path.cwd())  # the code directory, as for ``python -m awslambdaric``
    handler, log_marker = sys.argv[1:3]
    bootstrap.run(handler, PipeRuntimeClient(sys.stdin, responses, log_marker))


if __name__ == "__main__":
    main()
