"""EMF documents checked against CloudWatch's Embedded Metric Format specification."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from png2jpg.metrics import MAX_VALUES, ImageResult, emf_documents, write

NOW = dt.datetime(2026, 11, 29, 9, 30, 15, 250_000, tzinfo=dt.UTC)
# The units the specification allows.
UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
    "Terabits/Second", "Count/Second", "None",
}  # fmt: skip


def check_emf(document: dict[str, Any]) -> None:
    """Fail unless ``document`` meets the specification's required fields and limits."""
    metadata = document["_aws"]
    assert isinstance(metadata["Timestamp"], int)
    directives = metadata["CloudWatchMetrics"]
    assert isinstance(directives, list)
    assert directives
    for directive in directives:
        assert 1 <= len(directive["Namespace"]) <= 255
        for dimension_set in directive["Dimensions"]:
            assert 1 <= len(dimension_set) <= 30
            for name in dimension_set:
                assert isinstance(document[name], str)  # each dimension is a root string
        assert 1 <= len(directive["Metrics"]) <= 100
        for metric in directive["Metrics"]:
            assert 1 <= len(metric["Name"]) <= 255
            assert metric.get("Unit", "None") in UNITS
            value = document[metric["Name"]]  # each metric is a root number or number array
            values = value if isinstance(value, list) else [value]
            assert 1 <= len(values) <= MAX_VALUES
            assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    # What Lambda's JSON log format needs to keep the line: a level and an RFC 3339 timestamp.
    assert document["level"] == "INFO"
    assert dt.datetime.fromisoformat(document["timestamp"]) == NOW


def converted(pixels: int, duration_ms: int) -> ImageResult:
    return ImageResult(None, bytes_in=1000, bytes_out=300, pixels=pixels, duration_ms=duration_ms)


def test_one_document_counts_converted_failed_and_deferred_images() -> None:
    images = [
        converted(2_000_000, 40),
        converted(500_000, 12),
        ImageResult("permanent"),
        ImageResult("permanent"),
        ImageResult("transient"),
    ]
    main, permanent, transient = emf_documents("png2jpg", "fn", images, deferred=3, now=NOW)
    for document in (main, permanent, transient):
        check_emf(document)
    assert main["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["FunctionName"]]
    assert main["FunctionName"] == "fn"
    assert main["_aws"]["Timestamp"] == int(NOW.timestamp() * 1000)
    assert {k: main[k] for k in ("ImagesConverted", "ImagesFailed", "ImagesDeferred")} == {
        "ImagesConverted": 2,
        "ImagesFailed": 3,
        "ImagesDeferred": 3,
    }
    assert (main["InputBytes"], main["OutputBytes"], main["Megapixels"]) == (2000, 600, 2.5)
    assert main["ConversionTime"] == [40, 12]
    units = {m["Name"]: m["Unit"] for m in main["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert units["ConversionTime"] == "Milliseconds"
    assert units["InputBytes"] == "Bytes"
    for document, error_class, count in ((permanent, "permanent", 2), (transient, "transient", 1)):
        directive = document["_aws"]["CloudWatchMetrics"][0]
        assert directive["Dimensions"] == [["FunctionName", "ErrorClass"]]
        assert [m["Name"] for m in directive["Metrics"]] == ["ImagesFailed"]
        assert (document["ErrorClass"], document["ImagesFailed"]) == (error_class, count)


def test_an_invocation_without_conversions_declares_no_conversion_time() -> None:
    (document,) = emf_documents("png2jpg", "fn", [], deferred=10, now=NOW)
    check_emf(document)
    assert "ConversionTime" not in document
    assert document["ImagesDeferred"] == 10


def test_more_than_100_conversion_times_are_split_across_documents() -> None:
    images = [converted(1_000_000, index) for index in range(250)]
    main, *rest = emf_documents("png2jpg", "fn", images, deferred=0, now=NOW)
    for document in (main, *rest):
        check_emf(document)
    assert main["ImagesConverted"] == 250
    times = main["ConversionTime"] + [t for document in rest for t in document["ConversionTime"]]
    assert times == list(range(250))
    assert [len(document["ConversionTime"]) for document in rest] == [100, 50]


def test_documents_are_single_json_lines_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    documents = emf_documents("png2jpg", "fn", [converted(1, 1)], deferred=0, now=NOW)
    write(documents)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == documents


def test_unchanged_and_superseded_images_are_counted_apart_from_conversions() -> None:
    images = [
        converted(1_000_000, 30),
        ImageResult(duration_ms=4, outcome="unchanged"),
        ImageResult(duration_ms=5, outcome="unchanged"),
        ImageResult(bytes_in=9, duration_ms=50, outcome="superseded"),
    ]
    (main,) = emf_documents("png2jpg", "fn", images, deferred=0, now=NOW)
    check_emf(main)
    counts = ("ImagesConverted", "ImagesUnchanged", "ImagesSuperseded", "ImagesFailed")
    assert [main[name] for name in counts] == [1, 2, 1, 0]
    # Bytes, pixels and times are those of the images written.
    assert (main["InputBytes"], main["ConversionTime"], main["Megapixels"]) == (1000, [30], 1.0)
