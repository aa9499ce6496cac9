"""Fixtures for the function's unit tests: moto S3, the handler's environment, PNG builders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import boto3
import pytest
from moto import mock_aws
from PIL import Image

from png2jpg.handler import get_runtime, lambda_handler

BUCKET = "images"
FUNCTION_ENV = (
    "ALLOWED_BUCKETS",
    "INPUT_PREFIX",
    "OUTPUT_PREFIX",
    "JPEG_QUALITY",
    "MAX_PIXELS",
    "MAX_INPUT_BYTES",
    "MATTE_COLOR",
    "MAX_WORKERS",
    "MAX_RECEIVE_COUNT",
)


@dataclass
class Harness:
    """The handler wired to moto S3, with helpers to build SQS events and read the log lines."""

    s3: Any
    capsys: pytest.CaptureFixture[str]
    _next_id: int = field(default=0)

    def put(self, key: str, data: bytes, bucket: str = BUCKET) -> None:
        self.s3.put_object(Bucket=bucket, Key=key, Body=data)

    def record(
        self,
        body: object,
        message_id: str | None = None,
        group: str | None = None,
        receive_count: int = 1,
    ) -> dict:
        """An SQS record; a non-string body is JSON-encoded, ``group`` makes it a FIFO record."""
        self._next_id += 1
        attributes = {"ApproximateReceiveCount": str(receive_count)}
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

    def invoke(self, *records: dict) -> list[str]:
        """Run the handler on the records; return the failed message ids."""
        result = lambda_handler({"Records": list(records)}, None)
        return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]

    def logs(self) -> list[dict]:
        """The per-record JSON log lines written since the last call."""
        lines = [json.loads(line) for line in self.capsys.readouterr().out.splitlines()]
        return [line for line in lines if "messageId" in line]

    def log_for(self, message_id: str) -> dict:
        (line,) = [line for line in self.logs() if line["messageId"] == message_id]
        return line

    def exists(self, key: str, bucket: str = BUCKET) -> bool:
        response = self.s3.list_objects_v2(Bucket=bucket, Prefix=key)
        return any(item["Key"] == key for item in response.get("Contents", []))

    def get_image(self, key: str) -> Image.Image:
        data = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        return Image.open(BytesIO(data))


@pytest.fixture
def function_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The handler's environment as Terraform sets it (defaults elsewhere), a fresh runtime."""
    for name in FUNCTION_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALLOWED_BUCKETS", BUCKET)
    # get_runtime sets Pillow's process-wide bomb limit from MAX_PIXELS: restore it afterwards.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)
    get_runtime.cache_clear()
    yield
    get_runtime.cache_clear()


@pytest.fixture
def aws(function_env: None, capsys: pytest.CaptureFixture[str]) -> Iterator[Harness]:
    """moto S3 with the image bucket; the handler's client is created inside the mock."""
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        yield Harness(s3, capsys)
