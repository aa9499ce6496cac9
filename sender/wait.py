"""``--wait``: poll for the function's JPEGs at their output keys and report each one."""

import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from png2jpg.message import output_key
from sender.destination import Destination
from sender.files import File
from sender.listing import list_range
from sender.report import Report

POLL_INTERVAL = 0.5  # seconds between two listings


class Waiter:
    """Made before sending, so that a JPEG left from an earlier run is not taken for this run's."""

    def __init__(self, s3: Any, destination: Destination, files: list[File]) -> None:
        self.s3, self.bucket = s3, destination.bucket
        prefixes = destination.input_prefix, destination.output_prefix
        self.targets = {file.key: output_key(file.key, *prefixes) for file in files}
        self.before = self._listing(self.targets.values())

    def wait(self, report: Report, timeout: float, print_lines: bool) -> dict[str, Any]:
        """Poll until the JPEG of every file sent exists, or ``timeout`` passes.

        Prints ``KEY -> OUTPUT_KEY LATENCY`` (or ``missing``) per file on stdout if
        ``print_lines``; returns the ``wait`` part of the JSON document.
        """
        sent = [file for file in report.files if file.sent_at is not None]
        waiting = {self.targets[file.key]: file.sent_at or 0.0 for file in sent}
        latencies: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while waiting:
            seen = self._listing(waiting)
            now = time.monotonic()
            for key in sorted(waiting.keys() & seen.keys()):
                if self.before.get(key) != seen[key]:
                    latencies[key] = max(0.0, now - waiting.pop(key))
                    report.bar.update()
            if not waiting or now >= deadline:
                break
            time.sleep(min(POLL_INTERVAL, deadline - now))
        result: dict[str, Any] = {"timeout_seconds": timeout, "arrived": [], "missing": []}
        for file in sent:
            target = self.targets[file.key]
            record = {"path": str(file.path), "key": file.key, "output_key": target}
            latency = latencies.get(target)
            if latency is None:
                result["missing"].append(record)
                report.line(f"{target} did not appear within {timeout:g}s")
            else:
                result["arrived"].append(record | {"latency_seconds": round(latency, 3)})
            if print_lines:
                shown = "missing" if latency is None else f"{latency:.2f}s"
                print(f"{file.key} -> {target} {shown}")
        return result

    def _listing(self, keys: Iterable[str]) -> dict[str, datetime]:
        """``{key: LastModified}`` of the objects from the first of ``keys`` to the last."""
        listed = list_range(self.s3, self.bucket, keys)
        return {key: obj["LastModified"] for key, obj in listed.items()}
