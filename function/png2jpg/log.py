"""One JSON object per line on stdout.

Lambda ships each line to CloudWatch Logs as it is, Logs Insights discovers the fields of JSON
lines by itself, and with the JSON log format Lambda's application log-level filter reads the
``level`` field (INFO, WARN, ERROR), so no LOG_LEVEL handling is needed in the code.
"""

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
