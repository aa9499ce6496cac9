"""The capacity planner counts what the function does per image: its S3 calls, its log bytes
(as Lambda's JSON log format writes them) and the metrics its EMF documents create."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from awslambdaric.lambda_runtime_log_utils import JsonFormatter

from png2jpg import metrics
from png2jpg.handler import get_container
from sender.capacity import model
from tests.unit.function.images import small_png

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness

# A bucket and keys as long as a deployment's: png2jpg-images-<account>-<region>, dated folders.
KEY = "pngfiles/2026/12/06/camera-01/IMG_{:04}.png"
REQUEST_ID = "8f5e2c4a-1d2b-4c3e-9f8a-7b6c5d4e3f2a"
BUCKET_NAME_LENGTH = len("png2jpg-images-123456789012-us-east-1")


@pytest.fixture
def log_bytes(aws: Harness) -> Iterator[io.StringIO]:
    """What the runtime's formatter writes for the function's records, request id included."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())

    def with_request_id(record: logging.LogRecord) -> bool:
        record.aws_request_id = REQUEST_ID  # the runtime sets it on every record
        return True

    handler.addFilter(with_request_id)
    logger = logging.getLogger("png2jpg")
    logger.addHandler(handler)
    yield sink
    logger.removeHandler(handler)


def _invoke(aws: Harness, first: int, count: int) -> None:
    records = []
    for index in range(first, first + count):
        aws.put(KEY.format(index), small_png())
        records.append(aws.record({"bucket": "images", "key": KEY.format(index)}))
    assert aws.invoke(*records) == []


def test_the_function_makes_one_head_one_get_and_one_put_per_image_and_no_sqs_call(
    aws: Harness,
) -> None:
    aws.invoke()  # builds the container and its clients
    calls: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    container = get_container()
    container.s3.meta.events.register("before-call.s3", count)
    container.sqs.meta.events.register("before-call.sqs", count)

    _invoke(aws, 0, 10)

    assert calls == {"HeadObject": 10, "GetObject": 10, "PutObject": 10}
    # The model's counts: a HEAD is billed as a GET; the sender's upload is the other PUT.
    assert (calls["HeadObject"] + calls["GetObject"]) / 10 == model.S3_GETS_PER_IMAGE
    assert calls["PutObject"] / 10 == model.S3_PUTS_PER_IMAGE - 1
    assert sum(calls.values()) / 10 == model.FUNCTION_S3_CALLS_PER_IMAGE


def test_log_bytes_per_image_and_per_invocation_cover_what_the_function_writes(
    aws: Harness, log_bytes: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.invoke()
    capsys.readouterr()
    written = []
    for first, count in ((0, 1), (1, 10)):
        start = log_bytes.tell()
        _invoke(aws, first, count)
        records = log_bytes.getvalue()[start:]
        documents = capsys.readouterr().out  # the EMF document, one line
        written.append(len((records + documents).encode()))
    per_image = (written[1] - written[0]) / 9 + BUCKET_NAME_LENGTH - len("images")
    per_invocation = written[0] - per_image

    assert per_image <= model.LOG_BYTES_PER_IMAGE <= per_image * 1.25
    assert per_invocation <= model.LOG_BYTES_PER_INVOCATION <= per_invocation * 1.25


def test_emf_metrics_are_the_ones_the_model_pays_for() -> None:
    images = [
        metrics.ImageResult(bytes_in=1, bytes_out=1, pixels=1, duration_ms=1),
        metrics.ImageResult(error_class="permanent"),
        metrics.ImageResult(error_class="transient"),
    ]
    documents = metrics.emf_documents("png2jpg", "fn", images, 1, dt.datetime.now(dt.UTC))
    # A CloudWatch metric is a name with its dimension values: ImagesFailed by each ErrorClass.
    distinct = {
        (tuple((name, document[name]) for name in directive["Dimensions"][0]), metric["Name"])
        for document in documents
        for directive in document["_aws"]["CloudWatchMetrics"]
        for metric in directive["Metrics"]
    }
    assert len(distinct) == model.EMF_METRICS
