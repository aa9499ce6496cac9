"""``--wait``: poll for the function's JPEGs at their output keys and report each one."""

import os
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sender.report import Report

POLL_INTERVAL = 0.5  # seconds between two listings


def listing(s3: Any, bucket: str, keys: Iterable[str]) -> dict[str, datetime]:
    """``{key: LastModified}`` of the objects under the longest common prefix of ``keys``."""
    prefix = os.path.commonprefix(list(keys))  # noqa: RUF071 (S3 prefixes are string prefixes)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {obj["Key"]: obj["LastModified"] for page in pages for obj in page.get("Contents", [])}


def wait_for(
    s3: Any,
    report: Report,
    expected: dict[str, str],
    baseline: dict[str, datetime],
    timeout: float,
    print_lines: bool,
) -> dict[str, Any]:
    """Poll until the JPEG (``expected[key]``) of every sent file exists, or ``timeout`` passes.

    An object counts only if it is new since ``baseline`` (a :func:`listing` taken before
    sending), so a JPEG left over from an earlier run is not mistaken for this run's. Prints
    ``KEY -> OUTPUT_KEY LATENCY`` (or ``missing``) per file on stdout when ``print_lines``, and
    returns the ``wait`` part of the JSON document.
    """
    sent = [outcome for outcome in report.outcomes if outcome.sent_at is not None]
    bucket = report.destination.bucket if report.destination else ""
    waiting = {expected[str(outcome.key)]: outcome.sent_at or 0.0 for outcome in sent}
    latencies: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while waiting:
        seen = listing(s3, bucket, waiting)
        now = time.monotonic()
        for key in sorted(waiting.keys() & seen.keys()):
            if baseline.get(key) != seen[key]:
                latencies[key] = max(0.0, now - waiting.pop(key))
                report.bar.update()
        if not waiting or now >= deadline:
            break
        time.sleep(min(POLL_INTERVAL, deadline - now))
    result: dict[str, Any] = {"timeout_seconds": timeout, "arrived": [], "missing": []}
    for outcome in sent:
        target = expected[str(outcome.key)]
        record = {"path": outcome.path, "key": outcome.key, "output_key": target}
        latency = latencies.get(target)
        if latency is None:
            result["missing"].append(record)
            report.line(f"{target} did not appear within {timeout:g}s")
        else:
            result["arrived"].append(record | {"latency_seconds": round(latency, 3)})
        if print_lines:
            print(
                f"{outcome.key} -> {target} {'missing' if latency is None else f'{latency:.2f}s'}"
            )
    return result
