"""The send pipeline: concurrent uploads feeding SendMessageBatch calls as they complete."""

import queue
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sender.destination import Destination
from sender.enqueue import MAX_BATCH, Entry, dedup_id, message_body, send_batch
from sender.files import Item
from sender.upload import Uploaded, upload

# How long a partly filled batch may wait for more uploads to complete before it is sent.
PARTIAL_BATCH_DELAY = 0.2


class Progress(Protocol):
    """Where the pipeline reports progress and per-file errors."""

    def advance(self) -> None:
        """One more file is finished (sent, skipped or failed)."""

    def error(self, line: str) -> None:
        """Print one error line about a file."""


@dataclass(frozen=True)
class Sent:
    """A file whose message SQS accepted; ``sent_at`` is a ``time.monotonic()`` reading."""

    item: Item
    message_id: str
    sent_at: float


@dataclass(frozen=True)
class Problem:
    """A file that was skipped or failed, and why."""

    item: Item
    reason: str


@dataclass
class Outcome:
    """Everything that happened, each list in the order the files were discovered."""

    sent: list[Sent] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)


def run(
    items: list[Item],
    *,
    s3: Any,
    sqs: Any,
    destination: Destination,
    concurrency: int,
    progress: Progress,
    message_group: str | None = None,
) -> Outcome:
    """Upload ``items`` with ``concurrency`` threads and send one message per uploaded file.

    Standard queues get messages in upload-completion order, 10 per call. FIFO queues get
    a MessageGroupId (``message_group``, else the item's group, one per PATH argument) and a
    content-derived MessageDeduplicationId, and each group's messages are released strictly in
    discovery order (a file waits for the files before it in its group to finish uploading).
    One exception: an entry SQS reports as failed and that succeeds on retry lands after the
    entries that followed it in its batch; SendMessageBatch offers no way to keep the order then.
    """
    fifo = destination.fifo
    if fifo and message_group:
        items = [replace(item, group=message_group) for item in items]
    outcome = Outcome()
    order = _InOrder(items) if fifo else None
    buffer: list[Entry] = []
    by_id = {str(index): item for index, item in enumerate(items)}
    index_of = {item: str(index) for index, item in enumerate(items)}

    def flush(limit: int) -> None:
        while len(buffer) >= limit and buffer:
            batch, buffer[:] = buffer[:MAX_BATCH], buffer[MAX_BATCH:]
            sent, failed = send_batch(sqs, destination.queue_url, batch)
            now = time.monotonic()
            for entry in batch:
                item = by_id[entry.id]
                if entry.id in sent:
                    outcome.sent.append(Sent(item, sent[entry.id], now))
                else:
                    reason = failed.get(entry.id, "not sent")
                    outcome.failed.append(Problem(item, reason))
                    progress.error(f"failed {item.display}: {reason}")
                progress.advance()

    def accept(result: Uploaded) -> None:
        item = result.item
        if result.skipped or result.failed:
            problem = Problem(item, result.skipped or result.failed or "")
            (outcome.skipped if result.skipped else outcome.failed).append(problem)
            verb = "skipped" if result.skipped else "failed"
            progress.error(f"{verb} {item.display}: {problem.reason}")
            progress.advance()
        for ready in order.release(result) if order else [result]:
            if ready.skipped or ready.failed:
                continue
            buffer.append(_entry(index_of[ready.item], ready, destination))
        flush(MAX_BATCH)

    # Finished uploads arrive on a queue: O(1) per file, unlike waiting on the set of futures.
    finished: queue.SimpleQueue[Future[Uploaded]] = queue.SimpleQueue()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="upload") as pool:
        try:
            for item in items:
                future = pool.submit(upload, s3, destination.bucket, item, want_hash=fifo)
                future.add_done_callback(finished.put)
            for _ in items:
                while True:
                    try:
                        future = finished.get(timeout=PARTIAL_BATCH_DELAY)
                    except queue.Empty:
                        flush(1)  # nothing finished for a while: send what is buffered
                    else:
                        break
                accept(future.result())
            flush(1)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    for records in (outcome.sent, outcome.skipped, outcome.failed):
        records.sort(key=lambda record: int(index_of[record.item]))
    return outcome


def _entry(entry_id: str, result: Uploaded, destination: Destination) -> Entry:
    item = result.item
    body = message_body(destination.bucket, item.key)
    if not destination.fifo:
        return Entry(entry_id, body)
    return Entry(
        entry_id,
        body,
        group=item.group,
        dedup=dedup_id(destination.bucket, item.key, result.sha256 or ""),
    )


class _InOrder:
    """Releases finished uploads per group in discovery order (for FIFO queues)."""

    def __init__(self, items: list[Item]) -> None:
        self._queues: dict[str, list[Item]] = {}
        for item in items:
            self._queues.setdefault(item.group, []).append(item)
        self._next = dict.fromkeys(self._queues, 0)
        self._done: dict[Item, Uploaded] = {}

    def release(self, result: Uploaded) -> Iterator[Uploaded]:
        """Record ``result``; yield every result of its group that is now next in line."""
        group = result.item.group
        self._done[result.item] = result
        queue = self._queues[group]
        while self._next[group] < len(queue) and queue[self._next[group]] in self._done:
            yield self._done.pop(queue[self._next[group]])
            self._next[group] += 1
