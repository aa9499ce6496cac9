"""The capacity planner counts what the sender does per image: one PUT, a tenth of a
SendMessageBatch, a message body within the size the model bills."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from sender.capacity import model
from sender.cli import main

from .conftest import BUCKET


def test_the_sender_puts_each_png_once_and_enqueues_ten_per_request(
    aws: Any, make_pngs: Any, tmp_path: Path
) -> None:
    calls: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    aws.s3.meta.events.register("before-call.s3.PutObject", count)
    aws.sqs.meta.events.register("before-call.sqs", count)
    make_pngs(tmp_path / "photos", [f"img{i:02}.png" for i in range(25)])

    status = main(["--bucket", BUCKET, "--queue-url", aws.queue_url, str(tmp_path / "photos")])

    assert status == 0
    assert calls["PutObject"] == 25 * (model.S3_PUTS_PER_IMAGE - 1)  # the function's is the other
    assert calls["SendMessageBatch"] == math.ceil(25 / model.SENDER_BATCH)


def test_a_message_of_a_deployment_fits_the_size_the_model_bills() -> None:
    body = {
        "bucket": "png2jpg-images-123456789012-us-east-1",
        "key": "pngfiles/2026/12/06/camera-01/IMG_0001.png",
    }
    assert len(json.dumps(body)) <= model.SENDER_MESSAGE_BYTES
