"""What Lambda's platform does around a function's output, as its documentation describes it.

- The runtime learns the function's logging configuration from ``AWS_LAMBDA_LOG_FORMAT`` and, with
  the JSON format, ``AWS_LAMBDA_LOG_LEVEL`` (the application log level).
- With the JSON format, Lambda filters application output by level before CloudWatch Logs: a line
  that is a JSON object with a valid ``level`` and an RFC 3339 ``timestamp`` has that level; any
  other line (plain text, a JSON line without a valid timestamp) counts as INFO. Text format is not
  filtered.
- System lines (START/END/REPORT) are text in the Text format; in the JSON format they are
  ``platform.start`` / ``platform.report`` records, sent only when the system log level is INFO or
  DEBUG. A report carries the duration, the billed duration (rounded up to the millisecond, the
  initialization of a new execution environment included, as Lambda bills it since August 2025),
  the memory size, the maximum memory used and, after a cold start, the init duration.

Standard library only: LocalStack's interpreter imports it, and so do the tests.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

APPLICATION_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SYSTEM_LEVELS = ("DEBUG", "INFO", "WARN")
# Python's level names, as the runtime's JsonFormatter writes them, in Lambda's terms.
_PYTHON_NAMES = {"WARNING": "WARN", "CRITICAL": "FATAL"}


def is_json_format(logging_config: Mapping[str, str]) -> bool:
    """Whether the function uses Lambda's JSON log format."""
    return logging_config.get("LogFormat") == "JSON"


def runtime_variables(logging_config: Mapping[str, str]) -> dict[str, str]:
    """The logging variables Lambda sets for the runtime from the function's LoggingConfig."""
    if not is_json_format(logging_config):
        return {"AWS_LAMBDA_LOG_FORMAT": "Text"}
    return {
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "AWS_LAMBDA_LOG_LEVEL": logging_config.get("ApplicationLogLevel") or "INFO",
    }


def _is_rfc3339(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value.upper():
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def line_level(line: str) -> str:
    """The level Lambda assigns to one line of application output in the JSON format."""
    try:
        record = json.loads(line)
    except ValueError:
        return "INFO"
    if not isinstance(record, dict) or not _is_rfc3339(record.get("timestamp")):
        return "INFO"
    level = str(record.get("level", "")).upper()
    level = _PYTHON_NAMES.get(level, level)
    return level if level in APPLICATION_LEVELS else "INFO"


def application_lines(lines: Iterable[str], logging_config: Mapping[str, str]) -> list[str]:
    """The lines of application output that Lambda sends to CloudWatch Logs."""
    if not is_json_format(logging_config):
        return list(lines)
    threshold = APPLICATION_LEVELS.index(logging_config.get("ApplicationLogLevel") or "INFO")
    return [line for line in lines if APPLICATION_LEVELS.index(line_level(line)) >= threshold]


@dataclass(frozen=True)
class Invocation:
    """What the platform reports about one invocation."""

    request_id: str
    version: str
    memory_mb: int
    duration_ms: float
    status: str = "success"  # success, error, timeout
    error_type: str | None = None
    error_message: str | None = None
    max_memory_mb: int | None = None  # peak resident memory of the execution environment
    init_duration_ms: float | None = None  # set on the first invocation of an environment

    @property
    def billed_ms(self) -> int:
        """Duration plus any initialization, rounded up to the millisecond."""
        return math.ceil(round(self.duration_ms + (self.init_duration_ms or 0), 6))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text_frame(invocation: Invocation, application: list[str]) -> list[str]:
    request_id = invocation.request_id
    timeout = [f"{_now()} {request_id} {invocation.error_message}\n"]
    return [
        f"START RequestId: {request_id} Version: {invocation.version}\n",
        *application,
        *(timeout if invocation.status == "timeout" else []),
        f"END RequestId: {request_id}\n",
        _text_report(invocation),
    ]


def _text_report(invocation: Invocation) -> str:
    fields = [
        f"REPORT RequestId: {invocation.request_id}",
        f"Duration: {invocation.duration_ms:.2f} ms",
        f"Billed Duration: {invocation.billed_ms} ms",
        f"Memory Size: {invocation.memory_mb} MB",
    ]
    if invocation.max_memory_mb is not None:
        fields.append(f"Max Memory Used: {invocation.max_memory_mb} MB")
    if invocation.init_duration_ms is not None:
        fields.append(f"Init Duration: {invocation.init_duration_ms:.2f} ms")
    return "\t".join(fields) + "\t\n"


def _json_frame(invocation: Invocation, application: list[str], system_level: str) -> list[str]:
    if SYSTEM_LEVELS.index(system_level) > SYSTEM_LEVELS.index("INFO"):
        return application
    request_id = invocation.request_id
    start = {"requestId": request_id, "version": invocation.version}
    metrics: dict[str, float] = {
        "durationMs": round(invocation.duration_ms, 3),
        "billedDurationMs": invocation.billed_ms,
        "memorySizeMB": invocation.memory_mb,
    }
    if invocation.max_memory_mb is not None:
        metrics["maxMemoryUsedMB"] = invocation.max_memory_mb
    if invocation.init_duration_ms is not None:
        metrics["initDurationMs"] = round(invocation.init_duration_ms, 3)
    report: dict[str, object] = {
        "requestId": request_id,
        "metrics": metrics,
        "status": invocation.status,
    }
    if invocation.error_type:
        report["errorType"] = invocation.error_type
    return [
        json.dumps({"time": _now(), "type": "platform.start", "record": start}) + "\n",
        *application,
        json.dumps({"time": _now(), "type": "platform.report", "record": report}) + "\n",
    ]


def invocation_logs(
    invocation: Invocation, output: Iterable[str], logging_config: Mapping[str, str]
) -> str:
    """The log text of one invocation as CloudWatch Logs receives it."""
    application = application_lines(output, logging_config)
    if not is_json_format(logging_config):
        return "".join(_text_frame(invocation, application))
    system_level = logging_config.get("SystemLogLevel") or "INFO"
    return "".join(_json_frame(invocation, application, system_level))
