"""Fixtures for the function's unit tests: moto S3 and SQS, the handler's environment, its logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import boto3
import pytest
from moto import mock_aws
from PIL import Image

from png2jpg.handler import get_container, lambda_handler

BUCKET = "images"
FUNCTION_NAME = "png2jpg-test"
FUNCTION_ENV = (
    "ALLOWED_BUCKETS",
    "DLQ_URL",
    "INPUT_PREFIX",
    "OUTPUT_PREFIX",
    "JPEG_QUALITY",
    "MAX_PIXELS",
    "MAX_INPUT_BYTES",
    "MATTE_COLOR",
    "MAX_WORKERS",
    "METRICS_NAMESPACE",
    "MAX_RECEIVE_COUNT",
)
# The fields every per-object log record carries (the logging contract in png2jpg.handler).
LOG_FIELDS = ("messageId", "bucket", "key", "output_key", "outcome", "duration_ms")


class FakeContext:
    """A Lambda context whose remaining time follows ``remaining_ms`` (the last value repeats)."""

    def __init__(self, *remaining_ms: int) -> None:
        self._remaining = list(remaining_ms)

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining.pop(0) if len(self._remaining) > 1 else self._remaining[0]


@dataclass
class Harness:
    """The handler wired to moto S3 and SQS, with helpers for events, logs, DLQ and metrics."""

    s3: Any
    sqs: Any
    dlq_url: str
    caplog: pytest.LogCaptureFixture
    capsys: pytest.CaptureFixture[str]
    _next_id: int = field(default=0)

    def put(self, key: str, data: bytes, bucket: str = BUCKET) -> None:
        self.s3.put_object(Bucket=bucket, Key=key, Body=data)

    def record(self, body: object, message_id: str | None = None, group: str | None = None) -> dict:
        """An SQS record; a non-string body is JSON-encoded, ``group`` makes it a FIFO record."""
        self._next_id += 1
        attributes = {"ApproximateReceiveCount": "1"}
        if group is not None:
            attributes |= {"MessageGroupId": group, "SequenceNumber": str(self._next_id)}
        queue = "png2jpg.fifo" if group is not None else "png2jpg"
        return {
            "messageId": message_id or f"msg-{self._next_id}",
            "body": body if isinstance(body, str) else json.dumps(body),
            "attributes": attributes,
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue}",
        }

    def invoke(self, *records: dict, context: object = None) -> list[str]:
        """Run the handler on the records; return the reported (failed) message ids."""
        result = lambda_handler({"Records": list(records)}, context)
        return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]

    def logs(self) -> list[logging.LogRecord]:
        """The function's log records about messages, in the order they were logged."""
        return [
            record
            for record in self.caplog.records
            if record.name == "png2jpg" and hasattr(record, "messageId")
        ]

    def log_for(self, message_id: str) -> logging.LogRecord:
        (record,) = [record for record in self.logs() if record.messageId == message_id]
        return record

    def outcomes(self) -> dict[str, str]:
        """messageId -> outcome of every record logged (one per message in these tests)."""
        return {record.messageId: record.outcome for record in self.logs()}

    def dlq(self) -> list[dict[str, Any]]:
        """The DLQ's messages (body and attributes), received without waiting."""
        response = self.sqs.receive_message(
            QueueUrl=self.dlq_url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
            WaitTimeSeconds=0,
        )
        return response.get("Messages", [])

    def emf(self) -> list[dict[str, Any]]:
        """The EMF documents printed on stdout since the last call."""
        lines = self.capsys.readouterr().out.splitlines()
        return [json.loads(line) for line in lines if line.startswith('{"_aws"')]

    def exists(self, key: str, bucket: str = BUCKET) -> bool:
        response = self.s3.list_objects_v2(Bucket=bucket, Prefix=key)
        return any(item["Key"] == key for item in response.get("Contents", []))

    def get_image(self, key: str) -> Image.Image:
        data = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        return Image.open(BytesIO(data))

    def source_queue(self, max_receive_count: int) -> str:
        """A queue of the DLQ's kind whose redrive policy moves messages to the DLQ after
        ``max_receive_count`` receives (set MAX_RECEIVE_COUNT to tell the function)."""
        fifo = self.dlq_url.endswith(".fifo")
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=self.dlq_url, AttributeNames=["QueueArn"])
        redrive = {
            "deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
            "maxReceiveCount": str(max_receive_count),
        }
        attributes = {"RedrivePolicy": json.dumps(redrive)}
        if fifo:
            attributes |= {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
        name = "png2jpg.fifo" if fifo else "png2jpg"
        return self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]

    def poll(self, queue_url: str) -> tuple[list[dict[str, Any]], list[str]]:
        """One receive of an event source mapping: a batch of up to 10 messages to the handler,
        the ones it did not report deleted, the reported ones visible again at once (as after
        their visibility timeout). Returns the messages received and the reported ids."""
        messages = self.sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        reported = self.invoke(*(lambda_record(message) for message in messages))
        for message in messages:
            handle = message["ReceiptHandle"]
            if message["MessageId"] in reported:
                self.sqs.change_message_visibility(
                    QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0
                )
            else:
                self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        return messages, reported

    def wrap(self, client: str, operation: str, wrapper: Callable[..., Any]) -> None:
        """Replace ``operation`` of the handler's ``client`` ("s3", "sqs") by a wrapper.

        The wrapper is called as ``wrapper(real_operation, **kwargs)``.
        """
        target = getattr(get_container(), client)
        real = getattr(target, operation)
        setattr(target, operation, lambda **kwargs: wrapper(real, **kwargs))


def lambda_record(message: dict[str, Any]) -> dict[str, Any]:
    """An SQS message as the event source mapping hands it to Lambda."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "eventSource": "aws:sqs",
    }


@pytest.fixture
def function_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The handler's environment as Terraform sets it (defaults elsewhere), a fresh container."""
    for name in FUNCTION_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALLOWED_BUCKETS", BUCKET)
    monkeypatch.setenv("DLQ_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME)
    # get_container sets Pillow's process-wide bomb limit from MAX_PIXELS: restore it afterwards.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)
    get_container.cache_clear()
    yield
    get_container.cache_clear()


def make_harness(
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fifo: bool,
) -> Harness:
    """Create the bucket and the DLQ (FIFO or standard) inside an active moto mock."""
    caplog.set_level(logging.INFO, logger="png2jpg")
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    sqs = boto3.client("sqs", region_name="us-east-1")
    name, attributes = ("png2jpg-dlq.fifo", {"FifoQueue": "true"}) if fifo else ("png2jpg-dlq", {})
    dlq_url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    monkeypatch.setenv("DLQ_URL", dlq_url)
    return Harness(s3, sqs, dlq_url, caplog, capsys)


@pytest.fixture
def moto(
    function_env: None,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[bool], Harness]]:
    """Start moto; yield a function that makes the harness with a standard or a FIFO DLQ."""
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield lambda fifo: make_harness(caplog, capsys, monkeypatch, fifo)


@pytest.fixture
def aws(moto: Callable[[bool], Harness]) -> Harness:
    """moto S3 with the image bucket and a standard DLQ; the handler's clients made inside."""
    return moto(False)


@pytest.fixture
def fifo_aws(moto: Callable[[bool], Harness]) -> Harness:
    """As ``aws``, with a FIFO DLQ (the DLQ of a FIFO queue)."""
    return moto(True)
