"""Uploading the files concurrently and enqueueing one message per file, 10 per SendMessageBatch."""

import hashlib
import itertools
import json
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sender.destination import Destination
from sender.files import (
    FAILED,
    INTERRUPTED,
    SENT,
    SKIPPED,
    Item,
    Outcome,
    SkipError,
    open_png,
)

CHUNK = 10  # files per SendMessageBatch, the most it takes
MAX_ATTEMPTS = 4
RETRY_BASE_DELAY = 0.1  # seconds; doubles after each attempt, with jitter


@dataclass
class Sender:
    """Sends files to ``destination``; ``record`` gets each file's outcome, in file order."""

    s3: Any
    sqs: Any
    destination: Destination
    record: Callable[[Outcome], None]
    stopping: bool = False  # set by the first Ctrl-C: start no more uploads
    # Keys whose upload has started and whose outcome is not recorded yet: after a second
    # Ctrl-C, the objects that may be in the bucket without a message.
    unfinished: set[str] = field(default_factory=set)

    def run(self, items: list[Item], concurrency: int, message_group: str | None = None) -> None:
        """Upload ``items`` and enqueue them; once :attr:`stopping`, start no more uploads.

        An ordered map: ``concurrency`` uploads run at a time, but their results are taken in file
        order, 10 at a time, each 10 enqueued by one SendMessageBatch before the next 10. So the
        messages follow the file order and a FIFO group keeps its order by construction (except
        an entry SQS fails and a retry sends: it lands after the rest of its batch).
        """
        with ThreadPoolExecutor(concurrency, thread_name_prefix="upload") as pool:
            uploads = zip(items, pool.map(self._upload, items), strict=True)
            while chunk := list(itertools.islice(uploads, CHUNK)):
                for outcome in self._enqueue(chunk, message_group):
                    self.record(outcome)
                    self.unfinished.discard(outcome.key or "")

    def _enqueue(
        self, chunk: list[tuple[Item, Outcome | str]], message_group: str | None
    ) -> list[Outcome]:
        """One SendMessageBatch for the uploaded files of ``chunk``; each file's outcome."""
        entries = [
            self._entry(str(index), item, message_group or item.group, result)
            for index, (item, result) in enumerate(chunk)
            if isinstance(result, str)
        ]
        sent: dict[str, str] = {}
        failed: dict[str, str] = {}
        if entries and not self.destination.upload_only:
            sent, failed = send_batch(self.sqs, self.destination.queue_url, entries)
        now = time.monotonic()
        outcomes = []
        for index, (item, result) in enumerate(chunk):
            if isinstance(result, Outcome):
                outcomes.append(result)
            elif str(index) in failed:
                outcomes.append(item.outcome(FAILED, failed[str(index)]))
            else:
                outcomes.append(item.outcome(SENT, message_id=sent.get(str(index)), sent_at=now))
        return outcomes

    def _upload(self, item: Item) -> Outcome | str:
        """Upload one file: its sha256 (FIFO, else "") once uploaded, else the outcome ending it."""
        if self.stopping:
            return item.outcome(INTERRUPTED)
        bucket = self.destination.bucket
        try:
            with open_png(item.path) as stream:
                fifo = self.destination.fifo
                digest = hashlib.file_digest(stream, "sha256").hexdigest() if fifo else ""
                stream.seek(0)
                self.unfinished.add(item.key)
                self.s3.put_object(
                    Bucket=bucket, Key=item.key, Body=stream, ContentType="image/png"
                )
        except SkipError as reason:
            return item.outcome(SKIPPED, str(reason))
        except Exception as error:  # whatever goes wrong fails this file only
            self.unfinished.discard(item.key)
            return item.outcome(FAILED, f"upload to s3://{bucket}/{item.key} failed: {error}")
        return digest

    def _entry(self, entry_id: str, item: Item, group: str, digest: str) -> dict[str, str]:
        bucket = self.destination.bucket
        entry = {"Id": entry_id, "MessageBody": json.dumps({"bucket": bucket, "key": item.key})}
        if self.destination.fifo:
            # The same content at the same location, the same id: SQS drops a resend within 5 min.
            dedup = hashlib.sha256(f"{bucket}\n{item.key}\n{digest}".encode()).hexdigest()
            entry |= {"MessageGroupId": group, "MessageDeduplicationId": dedup}
        return entry


def send_batch(
    sqs: Any, queue_url: str | None, entries: list[dict[str, str]]
) -> tuple[dict[str, str], dict[str, str]]:
    """Send up to 10 entries; return ``({Id: MessageId}, {Id: reason})``, covering every entry.

    Entries SQS reports in ``Failed`` are retried with backoff, up to ``MAX_ATTEMPTS`` calls,
    unless ``SenderFault`` says a retry cannot help. A call that fails as a whole (after
    botocore's own retries) fails its entries.
    """
    pending = {entry["Id"]: entry for entry in entries}
    sent: dict[str, str] = {}
    failed: dict[str, str] = {}
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            delay = RETRY_BASE_DELAY * 2 ** (attempt - 1)
            time.sleep(random.uniform(delay / 2, delay))  # noqa: S311 (jitter, not cryptography)
        try:
            response = sqs.send_message_batch(QueueUrl=queue_url, Entries=list(pending.values()))
        except Exception as error:  # fails this batch's files only
            return sent, failed | dict.fromkeys(pending, f"SendMessageBatch failed: {error}")
        for success in response.get("Successful", []):
            sent[success["Id"]] = success["MessageId"]
            failed.pop(success["Id"], None)
            pending.pop(success["Id"], None)
        for failure in response.get("Failed", []):
            failed[failure["Id"]] = f"{failure.get('Code')}: {failure.get('Message', 'no message')}"
            if failure.get("SenderFault"):
                pending.pop(failure["Id"], None)
        if not pending:
            return sent, failed
    return sent, failed | {
        i: f"{failed.get(i, 'no answer')} (after {MAX_ATTEMPTS} attempts)" for i in pending
    }
