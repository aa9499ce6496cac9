"""The SQS batch contract: records, FIFO groups, the deadline, and the partial batch response.

The event source mapping must use ``function_response_types = ["ReportBatchItemFailures"]``: the
handler returns ``{"batchItemFailures": [{"itemIdentifier": messageId}, ...]}`` listing exactly the
records SQS must deliver again, so it deletes the others. A record is reported when it

- failed transiently (or its quarantine in the DLQ failed): ``retry``;
- was not started, or not converted after waiting for memory, because the invocation was close to
  its deadline: ``deferred``;
- belongs to a FIFO message group whose earlier record in this batch must be retried or was
  deferred: ``skipped`` (unprocessed, so that the group stays in order), with the record it waits
  for.

Records of a standard queue run concurrently on up to MAX_WORKERS threads. Records of a FIFO
queue (they carry a ``MessageGroupId``) run one after another within their group, in batch order;
groups run concurrently. A record's failure never affects a record outside its group. An event
that is not an SQS batch raises, so that Lambda retries the whole batch.

Deadline: a record is started only while more than a reserve of the invocation's time is left:
a quarter of the time the invocation started with (the function's timeout), at least one second.
So a batch never times out because of records it had no time for; those come back and are
delivered again, the slow record that used the time included only if it failed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

MIN_RESERVE_MS = 1000
RESERVE_FRACTION = 0.25


class Status(enum.Enum):
    """What became of a record; every status but ``DONE`` is reported for redelivery."""

    DONE = "done"  # converted, acknowledged, or quarantined in the DLQ
    RETRY = "retry"
    DEFERRED = "deferred"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class SqsRecord:
    """The parts of an SQS record the function uses.

    ``earlier_error`` is the ``ErrorClass`` message attribute of a message the function once
    quarantined and a redrive brought back; ``receive_count`` is None if SQS did not say.
    """

    message_id: str
    body: object
    group_id: str | None = None
    receive_count: int | None = None
    sequence_number: str | None = None
    earlier_error: str | None = None

    def on_last_receive(self, max_receive_count: int | None) -> bool:
        """Whether SQS moves the message to the DLQ rather than deliver it again."""
        if max_receive_count is None or self.receive_count is None:
            return False
        return self.receive_count >= max_receive_count


@dataclass(frozen=True)
class RecordStatus:
    """A record's status, with the time left when it was deferred."""

    record: SqsRecord
    status: Status
    time_left_ms: int | None = None
    waits_for: SqsRecord | None = None  # skipped: the earlier record of its FIFO group


class DeadlineError(Exception):
    """Raised by a record's processing that finds too little time left to go on."""

    def __init__(self, time_left_ms: int) -> None:
        super().__init__(f"{time_left_ms} ms left")
        self.time_left_ms = time_left_ms


class Deadline:
    """Tells when there is too little time left to start a record."""

    def __init__(self, context: object) -> None:
        self._remaining: Callable[[], int] | None = getattr(
            context, "get_remaining_time_in_millis", None
        )
        start = self._remaining() if self._remaining else None
        self.reserve_ms = 0 if start is None else max(MIN_RESERVE_MS, int(start * RESERVE_FRACTION))

    def time_left_ms(self) -> int | None:
        """Milliseconds left before the invocation times out, None without a context."""
        return self._remaining() if self._remaining else None

    def too_close(self) -> int | None:
        """The time left if it is below the reserve (a record must not start), else None."""
        left = self.time_left_ms()
        return left if left is not None and left < self.reserve_ms else None


def sqs_records(event: object) -> list[SqsRecord]:
    """The records of an SQS event; ValueError if the event is not one."""
    records = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(records, list):
        raise ValueError("not an SQS event: no Records list")
    result = []
    for index, record in enumerate(records):
        if not isinstance(record, Mapping) or not isinstance(record.get("messageId"), str):
            raise ValueError(f"not an SQS event: record {index} has no messageId")
        attributes = _mapping(record.get("attributes"))
        earlier = _mapping(_mapping(record.get("messageAttributes")).get("ErrorClass"))
        count = attributes.get("ApproximateReceiveCount")
        result.append(
            SqsRecord(
                record["messageId"],
                record.get("body"),
                _text(attributes.get("MessageGroupId")),
                int(count) if isinstance(count, str) and count.isdecimal() else None,
                _text(attributes.get("SequenceNumber")),
                _text(earlier.get("stringValue")),
            )
        )
    return result


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def run_batch(
    records: list[SqsRecord],
    process: Callable[[SqsRecord], Status],
    deadline: Deadline,
    workers: int,
) -> list[RecordStatus]:
    """Run ``process`` (DONE, RETRY or DEFERRED) on the records; statuses in batch order."""
    by_group: dict[object, list[SqsRecord]] = {}
    for index, record in enumerate(records):
        by_group.setdefault(record.group_id or index, []).append(record)
    groups = list(by_group.values())
    if not groups:
        return []

    def run_group(group: list[SqsRecord]) -> list[RecordStatus]:
        statuses: list[RecordStatus] = []
        for position, record in enumerate(group):
            rest = group[position + 1 :]
            if (left := deadline.too_close()) is not None:
                statuses += [RecordStatus(each, Status.DEFERRED, left) for each in [record, *rest]]
                break
            status = process(record)
            if status is Status.DONE:
                statuses.append(RecordStatus(record, status))
                continue
            if status is Status.DEFERRED:
                left = deadline.time_left_ms()
                statuses += [RecordStatus(each, status, left) for each in [record, *rest]]
                break
            statuses.append(RecordStatus(record, status))
            statuses += [RecordStatus(later, Status.SKIPPED, waits_for=record) for later in rest]
            break
        return statuses

    workers = min(workers, len(groups))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="png2jpg") as pool:
        parts = list(pool.map(run_group, groups))
    done = {status.record.message_id: status for part in parts for status in part}
    return [done[record.message_id] for record in records]


def batch_response(statuses: list[RecordStatus]) -> dict[str, list[dict[str, str]]]:
    """The partial batch response: every record whose status is not ``DONE``."""
    return {
        "batchItemFailures": [
            {"itemIdentifier": status.record.message_id}
            for status in statuses
            if status.status is not Status.DONE
        ]
    }
