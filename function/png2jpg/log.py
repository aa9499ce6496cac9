"""One JSON object per line on stdout: Lambda ships each line to CloudWatch Logs as it is, and
Logs Insights discovers the fields of JSON lines without a parser."""

from __future__ import annotations

import json
import sys
import threading

_lock = threading.Lock()  # records are logged from worker threads: keep lines whole


def log_json(level: str, **fields: object) -> None:
    """Write ``{"level": level, **fields}`` as one line and flush it."""
    line = json.dumps({"level": level, **fields}, default=str)
    with _lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
