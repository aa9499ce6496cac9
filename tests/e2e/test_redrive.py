"""``python -m sender.redrive`` against real message move tasks (moto has none), with the local
clock off: the task is followed by the handle SQS returns and SQS's own timestamps.

Runs last (file order): it moves every message the DLQ holds back to the queue.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from png2jpg.message import output_key
from scripts.queues import peek
from sender import redrive
from tests.e2e.conftest import Deployment
from tests.e2e.test_pipeline import converted
from tests.imagegen import photo_like, png_bytes


@pytest.mark.parametrize("offset", [10, -10], ids=["clock-10s-ahead", "clock-10s-behind"])
def test_redrive_follows_its_task_whatever_the_local_clock_says(
    deployment: Deployment,
    s3: Any,
    sqs: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    offset: int,
) -> None:
    bucket, prefix = deployment["bucket_name"], deployment["input_prefix"]
    key = f"{prefix}redrive/clock{offset}.png"
    s3.put_object(Bucket=bucket, Key=key, Body=png_bytes(photo_like(70, 50)))
    body = json.dumps({"bucket": bucket, "key": key})
    sqs.send_message(QueueUrl=deployment["dlq_url"], MessageBody=body)
    assert any(m["Body"] == body for m in peek(sqs, deployment["dlq_url"], 100, 2).values())
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + offset)

    queues = ["--dlq-url", deployment["dlq_url"], "--queue-url", deployment["queue_url"]]
    status = redrive.main([*queues, "--timeout", "60"])

    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.out.startswith("moved ")
    assert int(captured.out.split()[1]) >= 1
    target = output_key(key, prefix, deployment["output_prefix"])
    assert converted(s3, bucket, target).size == (70, 50)
