"""CloudWatch metrics as Embedded Metric Format (EMF) documents on stdout, no dependency.

Per invocation, one document with dimension ``FunctionName`` holds ``ImagesConverted``,
``ImagesUnchanged`` (the JPEG already held the PNG's version: nothing downloaded),
``ImagesSuperseded`` (the JPEG held a newer version: nothing written), ``ImagesFailed``,
``ImagesDeferred`` (counts), ``InputBytes``, ``OutputBytes`` (bytes), ``Megapixels`` (sums over the
images converted) and ``ConversionTime`` (milliseconds, one value per image converted). EMF
allows one value per dimension per document, so ``ImagesFailed`` by ``ErrorClass`` goes in one
more small document per class that occurred, and an invocation that converted more than 100
images (EMF's limit per array) adds documents holding the rest of ``ConversionTime``.

How the documents reach CloudWatch with Lambda's JSON log format: they are written to stdout as
single-line JSON objects, not through ``logging``, whose JSON formatter would nest them under
``message`` (CloudWatch extracts metrics only from a top-level ``_aws`` member). Lambda passes a
line that is already JSON through without wrapping it and applies the application log-level
filter to it: each document carries ``"level": "INFO"`` and an RFC 3339 ``timestamp``, so it is
kept while the log level is INFO or more verbose, and dropped (with its metrics) at WARN or ERROR.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_VALUES = 100  # EMF: at most 100 values in one metric's array


@dataclass(frozen=True)
class ImageResult:
    """What the metrics need about one image: its outcome, or its error class if it failed."""

    error_class: str | None = None
    bytes_in: int = 0
    bytes_out: int = 0
    pixels: int = 0
    duration_ms: int = 0
    outcome: str = "converted"  # or "unchanged", "superseded"; ignored when error_class is set


def emf_documents(
    namespace: str,
    function_name: str,
    images: Iterable[ImageResult],
    deferred: int,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The EMF documents of one invocation."""
    images = list(images)
    done = Counter(image.outcome for image in images if image.error_class is None)
    converted = [i for i in images if i.error_class is None and i.outcome == "converted"]
    failed = Counter(image.error_class for image in images if image.error_class is not None)
    times = [image.duration_ms for image in converted]
    values: dict[str, tuple[str, object]] = {
        "ImagesConverted": ("Count", len(converted)),
        "ImagesUnchanged": ("Count", done["unchanged"]),
        "ImagesSuperseded": ("Count", done["superseded"]),
        "ImagesFailed": ("Count", sum(failed.values())),
        "ImagesDeferred": ("Count", deferred),
        "InputBytes": ("Bytes", sum(image.bytes_in for image in converted)),
        "OutputBytes": ("Bytes", sum(image.bytes_out for image in converted)),
        "Megapixels": ("None", round(sum(image.pixels for image in converted) / 1e6, 6)),
    }
    if times:
        values["ConversionTime"] = ("Milliseconds", times[:MAX_VALUES])
    documents = [_document(namespace, now, {"FunctionName": function_name}, values)]
    for error_class, count in sorted(failed.items()):
        dimensions = {"FunctionName": function_name, "ErrorClass": error_class}
        documents.append(_document(namespace, now, dimensions, {"ImagesFailed": ("Count", count)}))
    for start in range(MAX_VALUES, len(times), MAX_VALUES):
        rest = {"ConversionTime": ("Milliseconds", times[start : start + MAX_VALUES])}
        documents.append(_document(namespace, now, {"FunctionName": function_name}, rest))
    return documents


def write(documents: Iterable[dict[str, Any]]) -> None:
    """Print each document as one line on stdout."""
    for document in documents:
        sys.stdout.write(json.dumps(document, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def _document(
    namespace: str,
    now: dt.datetime,
    dimensions: dict[str, str],
    values: dict[str, tuple[str, object]],
) -> dict[str, Any]:
    return {
        "_aws": {
            "Timestamp": int(now.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [list(dimensions)],
                    "Metrics": [{"Name": name, "Unit": unit} for name, (unit, _) in values.items()],
                }
            ],
        },
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "level": "INFO",
        **dimensions,
        **{name: value for name, (_, value) in values.items()},
    }
