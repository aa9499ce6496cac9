"""FIFO mode: a second instance of the same root with ``fifo_queue = true``.

The ordering test sends one group of ten images with a corrupt one in the middle; the metrics
test then adds up the EMF documents of that instance's log group (nothing else ran there).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from scripts.queues import message_attributes, peek, queue_depth
from tests.conftest import CORPUS
from tests.e2e.conftest import (
    QUARANTINE_TIMEOUT,
    Deployment,
    log_records,
    sender_json,
    wait_until,
)
from tests.e2e.test_pipeline import CONVERSION_TIMEOUT, HAPPY_PATH_IMAGES

POISON_POSITION = 4
GROUP_SIZE = 10


@pytest.fixture(scope="module")
def album(fifo_deployment: Deployment, s3: Any, sqs: Any, tmp_path_factory: Any) -> list[str]:
    """Send ten images in one message group, the fifth one corrupt; return their keys in order."""
    deployment = fifo_deployment
    source: Path = tmp_path_factory.mktemp("album")
    names = []
    for position, corpus_name in enumerate(HAPPY_PATH_IMAGES[:GROUP_SIZE]):
        name = f"{position:02d}.png"
        names.append(name)
        data = (CORPUS / corpus_name).read_bytes()
        if position == POISON_POSITION:
            (source / name).write_bytes(data[: len(data) // 2])  # PNG signature, truncated body
        else:
            shutil.copy(CORPUS / corpus_name, source / name)

    result = deployment.sender("--json", "--message-group", "album", str(source))

    assert result.returncode == 0, result.stderr
    assert len(sender_json(result)["sent"]) == GROUP_SIZE
    keys = [f"{deployment['input_prefix']}{name}" for name in names]
    bucket, out_prefix = deployment["bucket_name"], deployment["output_prefix"]

    def done() -> bool:
        if queue_depth(sqs, deployment["queue_url"]) or not queue_depth(sqs, deployment["dlq_url"]):
            return False
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=out_prefix).get("KeyCount", 0)
        return listed == GROUP_SIZE - 1

    assert wait_until(done, CONVERSION_TIMEOUT), "the group was not processed"
    return keys


def test_fifo_poison_in_the_middle(fifo_deployment: Deployment, sqs: Any, album: list[str]) -> None:
    """Only the poison is in the DLQ, at once and with its reason; the rest converted in order."""
    deployment = fifo_deployment
    assert deployment["queue_url"].endswith(".fifo")
    poison_key = album[POISON_POSITION]

    [message] = peek(sqs, deployment["dlq_url"], expected=1).values()
    assert json.loads(message["Body"])["key"] == poison_key
    assert message["Attributes"]["MessageGroupId"] == "album"
    assert message_attributes(message)["ErrorClass"] == "permanent"

    def converted_in_log_order() -> list[str]:
        return [
            record["key"]
            for record in log_records(deployment)
            if record.get("outcome") == "converted"
        ]

    expected = [key for key in album if key != poison_key]
    assert wait_until(lambda: len(converted_in_log_order()) == len(expected), QUARANTINE_TIMEOUT)
    assert converted_in_log_order() == expected


def metric_values(document: dict[str, Any], name: str) -> list[float]:
    """The values of one metric in an EMF document (a number or a list of numbers)."""
    value = document.get(name, [])
    return value if isinstance(value, list) else [value]


def test_emf_documents_add_up_to_the_images_sent(
    fifo_deployment: Deployment, album: list[str]
) -> None:
    """The EMF documents of the run: 9 converted, 1 failed (permanent), 9 conversion times."""

    def documents() -> list[dict[str, Any]]:
        return [record for record in log_records(fifo_deployment) if "_aws" in record]

    def converted() -> float:
        return sum(sum(metric_values(doc, "ImagesConverted")) for doc in documents())

    assert wait_until(lambda: converted() >= len(album) - 1, QUARANTINE_TIMEOUT)
    docs = documents()
    for doc in docs:
        [directive] = doc["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "png2jpg"
        assert doc["FunctionName"] == fifo_deployment["function_name"]
        assert isinstance(doc["_aws"]["Timestamp"], int)
        declared = {metric["Name"] for metric in directive["Metrics"]}
        assert declared <= {k for k in doc if not k.startswith("_")}, declared
    assert converted() == len(album) - 1
    # ImagesFailed: the total per invocation, and again per ErrorClass in documents of their own
    by_class = [doc for doc in docs if "ErrorClass" in doc]
    totals = [doc for doc in docs if "ErrorClass" not in doc]
    assert sum(sum(metric_values(doc, "ImagesFailed")) for doc in totals) == 1
    assert [(doc["ErrorClass"], doc["ImagesFailed"]) for doc in by_class] == [("permanent", 1)]
    times = [value for doc in docs for value in metric_values(doc, "ConversionTime")]
    assert len(times) == len(album) - 1
    megapixels = sum(sum(metric_values(doc, "Megapixels")) for doc in docs)
    assert megapixels > 0
