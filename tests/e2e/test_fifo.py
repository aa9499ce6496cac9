"""FIFO mode on LocalStack: a second instance of the same root with ``fifo_queue = true``."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from png2jpg.message import output_key
from tests.conftest import CORPUS
from tests.e2e.conftest import Deployment, client, peek, queue_depth, wait_until
from tests.e2e.test_pipeline import DLQ_TIMEOUT, HAPPY_PATH_IMAGES, sender_json

POISON_POSITION = 4


def test_fifo_poison_blocks_only_until_it_is_given_up(
    fifo_deployment: Deployment, s3: Any, sqs: Any, tmp_path: Path
) -> None:
    """Ten images in one group, a corrupt one in the middle: it ends in the DLQ, the others are
    converted, and none after it is converted before its last receive."""
    deployment = fifo_deployment
    assert deployment["queue_url"].endswith(".fifo")
    assert deployment["dlq_url"].endswith(".fifo")
    source = tmp_path / "ordered"
    source.mkdir()
    names = []
    for position, corpus_name in enumerate(HAPPY_PATH_IMAGES[:10]):
        name = f"{position:02d}.png"
        names.append(name)
        if position == POISON_POSITION:
            data = (CORPUS / corpus_name).read_bytes()
            (source / name).write_bytes(data[: len(data) // 2])  # PNG signature, truncated body
        else:
            shutil.copy(CORPUS / corpus_name, source / name)

    result = deployment.sender("--json", "--message-group", "album", str(source))

    assert result.returncode == 0, result.stderr
    sent = {item["key"]: item["message_id"] for item in sender_json(result)["sent"]}
    prefix, out_prefix = deployment["input_prefix"], deployment["output_prefix"]
    poison_key = f"{prefix}{names[POISON_POSITION]}"
    dlq = deployment["dlq_url"]
    wait_until(lambda: queue_depth(sqs, dlq) >= 1, DLQ_TIMEOUT)
    wait_until(lambda: queue_depth(sqs, deployment["queue_url"]) == 0, DLQ_TIMEOUT)

    dlq_messages = peek(sqs, dlq, expected=1)
    assert [json.loads(m["Body"])["key"] for m in dlq_messages.values()] == [poison_key]
    bucket = deployment["bucket_name"]
    converted_at: dict[str, datetime] = {}
    for name in names:
        key = f"{prefix}{name}"
        if key == poison_key:
            continue
        head = s3.head_object(Bucket=bucket, Key=output_key(key, prefix, out_prefix))
        converted_at[key] = head["LastModified"]

    events = client("logs").filter_log_events(logGroupName=deployment["log_group_name"])["events"]
    poison_failures = [
        event["timestamp"]
        for event in events
        if event["message"].startswith("{")
        and json.loads(event["message"]).get("messageId") == sent[poison_key]
        and json.loads(event["message"]).get("outcome") == "failed"
    ]
    assert poison_failures, "the poison message left no failure log line"
    last_receive = max(poison_failures) / 1000
    for name in names[POISON_POSITION + 1 :]:
        key = f"{prefix}{name}"
        # LastModified has one-second resolution
        assert converted_at[key].timestamp() >= int(last_receive) - 1, key
