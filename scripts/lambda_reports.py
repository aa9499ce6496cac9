"""Lambda's per-invocation reports, read from a function's CloudWatch Logs (``make tune``).

Lambda ends each invocation's logs with a report: with the Text log format a line

    REPORT RequestId: <id>\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 512 MB\t
    Max Memory Used: 81 MB\tInit Duration: 391.42 ms

and with the JSON log format (the kit's) a ``platform.report`` record whose ``metrics`` hold
``durationMs``, ``billedDurationMs``, ``memorySizeMB``, ``maxMemoryUsedMB`` and, after a cold
start, ``initDurationMs`` (the Telemetry API's ReportMetrics). Either is sent only while the
function's system log level is INFO or DEBUG. Fields this module does not know (restore
durations, X-Ray ids) are ignored; a report without a duration, a billed duration or a memory
size is not one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_TEXT = re.compile(r"^REPORT RequestId: (?P<id>\S+)(?P<fields>.*)$", re.DOTALL)
_FIELD = re.compile(r"([A-Z][A-Za-z ]*?): ([0-9]+(?:\.[0-9]+)?) (?:ms|MB)")
_TEXT_NAMES = {
    "Duration": "durationMs",
    "Billed Duration": "billedDurationMs",
    "Memory Size": "memorySizeMB",
    "Max Memory Used": "maxMemoryUsedMB",
    "Init Duration": "initDurationMs",
}


@dataclass(frozen=True)
class Report:
    """What Lambda reports about one invocation."""

    request_id: str
    duration_ms: float
    billed_ms: float
    memory_mb: int
    max_memory_mb: int | None = None
    init_ms: float | None = None
    status: str = "success"

    @property
    def cold(self) -> bool:
        """Whether the invocation started a new execution environment."""
        return self.init_ms is not None


def parse_report(message: str) -> Report | None:
    """The report in one log event's message, or None if it holds none."""
    text = message.strip()
    if text.startswith("REPORT RequestId:"):
        match = _TEXT.match(text)
        if not match:
            return None
        found = {_TEXT_NAMES.get(name.strip()): value for name, value in _FIELD.findall(text)}
        return _report(match["id"], {k: float(v) for k, v in found.items() if k}, "success")
    if not text.startswith("{"):
        return None
    try:
        event = json.loads(text)
    except ValueError:
        return None
    record = event.get("record") if isinstance(event, dict) else None
    if event.get("type") != "platform.report" or not isinstance(record, dict):
        return None
    metrics = record.get("metrics")
    if not isinstance(metrics, dict) or not isinstance(record.get("requestId"), str):
        return None
    return _report(record["requestId"], metrics, str(record.get("status", "success")))


def _report(request_id: str, metrics: dict[str, object], status: str) -> Report | None:
    numbers = {k: v for k, v in metrics.items() if isinstance(v, int | float)}
    if not {"durationMs", "billedDurationMs", "memorySizeMB"} <= numbers.keys():
        return None
    used, init = numbers.get("maxMemoryUsedMB"), numbers.get("initDurationMs")
    return Report(
        request_id=request_id,
        duration_ms=float(numbers["durationMs"]),
        billed_ms=float(numbers["billedDurationMs"]),
        memory_mb=int(numbers["memorySizeMB"]),
        max_memory_mb=None if used is None else int(used),
        init_ms=None if init is None else float(init),
        status=status,
    )
