"""Waiting for the function's JPEGs to appear at their output keys."""

import os
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

POLL_INTERVAL = 0.5  # seconds between two listings


def listing(s3: Any, bucket: str, keys: Iterable[str]) -> dict[str, datetime]:
    """``{key: LastModified}`` of the objects under the longest common prefix of ``keys``."""
    prefix = os.path.commonprefix(list(keys))  # noqa: RUF071 (S3 prefixes are string prefixes)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {obj["Key"]: obj["LastModified"] for page in pages for obj in page.get("Contents", [])}


def wait_for(
    s3: Any,
    bucket: str,
    sent_at: dict[str, float],
    *,
    baseline: dict[str, datetime],
    timeout: float,
    on_arrival: Callable[[str, float], None],
) -> dict[str, float | None]:
    """Poll until every output key in ``sent_at`` exists, or ``timeout`` seconds pass.

    ``sent_at`` maps each expected output key to the ``time.monotonic()`` its message was sent.
    An object counts only if it is new since ``baseline`` (a :func:`listing` taken before
    sending), so a JPEG left over from an earlier run is not mistaken for this run's.
    Returns ``{output_key: latency in seconds, or None if it did not appear}``.
    """
    latencies: dict[str, float | None] = dict.fromkeys(sent_at)
    missing = set(sent_at)
    deadline = time.monotonic() + timeout
    while missing:
        seen = listing(s3, bucket, missing)
        now = time.monotonic()
        for key in sorted(missing & seen.keys()):
            if baseline.get(key) != seen[key]:
                latencies[key] = latency = max(0.0, now - sent_at[key])
                missing.discard(key)
                on_arrival(key, latency)
        if not missing or now >= deadline:
            break
        time.sleep(min(POLL_INTERVAL, deadline - now))
    return latencies
