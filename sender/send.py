"""Uploading the files concurrently and enqueueing them in file order, 10 per SendMessageBatch."""

import hashlib
import itertools
import json
import random
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sender.destination import Destination
from sender.files import FAILED, INTERRUPTED, SENT, SKIPPED, File, SkipError, open_png
from sender.unchanged import CHECKSUM

CHUNK = 10  # files per SendMessageBatch, the most it takes
MAX_ATTEMPTS = 4
RETRY_BASE_DELAY = 0.1  # seconds; doubles after each attempt, with jitter


@dataclass
class Sender:
    """Sends files to ``destination``; ``record`` gets each file once it has ended, in order."""

    s3: Any
    sqs: Any
    destination: Destination
    record: Callable[[File], None]
    message_group: str | None = None  # FIFO: the group of every message, else one per argument
    stopping: bool = False  # set by the first Ctrl-C: start no more uploads
    # FIFO: names this run in each deduplication id, so that only a resend of one of its
    # messages shares an id (a later run of the same file is a new upload, a new message).
    run_id: str = field(default_factory=lambda: secrets.token_hex(16))

    def run(self, files: list[File], concurrency: int) -> None:
        """Upload ``files`` and enqueue them; once :attr:`stopping`, start no more uploads.

        An ordered map: ``concurrency`` uploads at a time, their results taken in file order, 10
        at a time, each 10 enqueued before the next. So a FIFO group keeps its order by
        construction (but for an entry that SQS fails and a retry sends after its batch).
        """
        with ThreadPoolExecutor(concurrency, thread_name_prefix="upload") as pool:
            uploads = zip(files, pool.map(self._upload, files), strict=True)
            while chunk := list(itertools.islice(uploads, CHUNK)):
                self._enqueue([(file, entry) for file, entry in chunk if entry])
                for file, _ in chunk:
                    self.record(file)

    def _upload(self, file: File) -> dict[str, str] | None:
        """Upload one file: its SendMessageBatch entry, or None if it ended here."""
        if self.stopping:
            file.status = INTERRUPTED
            return None
        bucket = self.destination.bucket
        entry = {"MessageBody": json.dumps({"bucket": bucket, "key": file.key})}
        try:
            with open_png(file.path) as stream:
                file.uploading = True
                put = {"Bucket": bucket, "Key": file.key, "ContentType": "image/png"}
                # S3 verifies the checksum and keeps it: a later run compares with it where the
                # ETag is not the MD5 (sender/unchanged.py).
                uploaded = self.s3.put_object(Body=stream, ChecksumAlgorithm=CHECKSUM, **put)
            if self.destination.fifo:
                upload = f"{bucket}\n{file.key}\n{uploaded['ETag']}\n{self.run_id}"
                group = self.message_group or file.group
                entry |= {
                    "MessageGroupId": group,
                    "MessageDeduplicationId": hashlib.sha256(upload.encode()).hexdigest(),
                }
        except SkipError as reason:
            file.status, file.reason = SKIPPED, str(reason)
        except Exception as error:  # whatever goes wrong fails this file only
            file.status, file.reason = FAILED, f"upload to s3://{bucket}/{file.key} failed: {error}"
        return None if file.status else entry

    def _enqueue(self, uploaded: list[tuple[File, dict[str, str]]]) -> None:
        """Enqueue the uploaded files with one SendMessageBatch (none if upload only)."""
        entries = [entry | {"Id": str(i)} for i, (_, entry) in enumerate(uploaded)]
        sent: dict[str, str] = {}
        failed: dict[str, str] = {}
        if entries and not self.destination.upload_only:
            sent, failed = send_batch(self.sqs, self.destination.queue_url, entries)
        now = time.monotonic()
        for entry, (file, _) in zip(entries, uploaded, strict=True):
            if entry["Id"] in failed:
                file.status, file.reason = FAILED, failed[entry["Id"]]
            else:
                file.status, file.message_id, file.sent_at = SENT, sent.get(entry["Id"]), now


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
        sent |= {success["Id"]: success["MessageId"] for success in response.get("Successful", [])}
        for failure in response.get("Failed", []):
            failed[failure["Id"]] = f"{failure.get('Code')}: {failure.get('Message', 'no message')}"
            if failure.get("SenderFault"):
                pending.pop(failure["Id"], None)
        if not (pending := {i: entry for i, entry in pending.items() if i not in sent}):
            break
    failed |= {i: f"{failed.get(i, 'no answer')} (after {MAX_ATTEMPTS} attempts)" for i in pending}
    return sent, {i: reason for i, reason in failed.items() if i not in sent}
