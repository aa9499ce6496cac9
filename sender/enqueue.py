"""Sending messages with SendMessageBatch, retrying the entries SQS reports as failed."""

import hashlib
import json
import random
import time
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

MAX_BATCH = 10  # SendMessageBatch takes at most 10 entries
MAX_ATTEMPTS = 4
RETRY_BASE_DELAY = 0.1  # seconds; doubles after each attempt, with jitter


@dataclass(frozen=True)
class Entry:
    """One message to send; ``group`` and ``dedup`` are set for FIFO queues only."""

    id: str
    body: str
    group: str | None = None
    dedup: str | None = None
    attributes: dict[str, Any] | None = None


def message_body(bucket: str, key: str) -> str:
    """The message contract: ``{"bucket": ..., "key": ...}``."""
    return json.dumps({"bucket": bucket, "key": key})


def dedup_id(bucket: str, key: str, content_sha256: str) -> str:
    """A FIFO MessageDeduplicationId: the same file content at the same location, the same id."""
    return hashlib.sha256(f"{bucket}\n{key}\n{content_sha256}".encode()).hexdigest()


def send_batch(
    sqs: Any, queue_url: str, entries: list[Entry]
) -> tuple[dict[str, str], dict[str, str]]:
    """Send up to 10 entries; return ``({id: MessageId}, {id: reason})``.

    Entries in ``Failed`` with ``SenderFault`` false are retried with backoff up to
    ``MAX_ATTEMPTS`` times; sender faults are not retryable and are reported at once. A call
    that fails as a whole (after botocore's own retries) fails all its entries.
    """
    if len(entries) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} entries per batch, got {len(entries)}")
    pending = {entry.id: entry for entry in entries}
    sent: dict[str, str] = {}
    failed: dict[str, str] = {}
    last_reason: dict[str, str] = {}
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            delay = RETRY_BASE_DELAY * 2 ** (attempt - 1)
            time.sleep(random.uniform(delay / 2, delay))  # noqa: S311 (jitter, not cryptography)
        try:
            response = sqs.send_message_batch(
                QueueUrl=queue_url, Entries=[_request(entry) for entry in pending.values()]
            )
        except (ClientError, BotoCoreError) as error:
            failed.update(dict.fromkeys(pending, f"SendMessageBatch failed: {error}"))
            return sent, failed
        for success in response.get("Successful", []):
            sent[success["Id"]] = success["MessageId"]
            pending.pop(success["Id"], None)
        for failure in response.get("Failed", []):
            reason = f"{failure.get('Code', 'error')}: {failure.get('Message', 'no message')}"
            if failure.get("SenderFault"):
                failed[failure["Id"]] = reason
                pending.pop(failure["Id"], None)
            else:
                last_reason[failure["Id"]] = reason
        if not pending:
            break
    for entry_id in pending:
        reason = last_reason.get(entry_id, "not acknowledged by SQS")
        failed[entry_id] = f"{reason} (after {MAX_ATTEMPTS} attempts)"
    return sent, failed


def _request(entry: Entry) -> dict[str, Any]:
    request: dict[str, Any] = {"Id": entry.id, "MessageBody": entry.body}
    if entry.group is not None:
        request["MessageGroupId"] = entry.group
    if entry.dedup is not None:
        request["MessageDeduplicationId"] = entry.dedup
    if entry.attributes:
        request["MessageAttributes"] = entry.attributes
    return request
