"""Failures go to the DLQ by the function, body unchanged, with the reason as attributes.

The DLQ entry carries message attributes ``ErrorClass`` (``permanent``, or ``transient`` for a
record whose receives are exhausted) and ``ErrorMessage`` (the log sentence, at most 1,000
characters), so an operator sees why without opening the logs. To a FIFO DLQ it goes with the
record's message group and a deduplication id derived from its messageId and SequenceNumber: a
retried invocation cannot quarantine the same delivery twice, while the same message redriven and
failing again (a new sequence number) is quarantined again, not dropped as a duplicate.

SQS counts a message's body plus its attributes' names, types and values against the queue's
maximum message size. Terraform gives the DLQ :data:`DLQ_MAX_MESSAGE_BYTES` and the source queue
:data:`ATTRIBUTE_ROOM` bytes less, so every body the source queue accepts fits in the DLQ with its
reason; should a body leave less room (a queue configured otherwise), ``ErrorMessage`` is cut to
the room left, with a marker, rather than the message being refused.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from png2jpg.batch import SqsRecord
from png2jpg.errors import TransientError

MAX_ERROR_MESSAGE = 1000
# The DLQ's maximum message size (the most AWS provider 5 lets Terraform set), and what the
# source queue's is smaller by: ErrorClass and 1,000 characters of ErrorMessage at 4 UTF-8 bytes.
DLQ_MAX_MESSAGE_BYTES = 262_144
ATTRIBUTE_ROOM = 4_096
_CUT = "…"
# Characters SQS accepts in message attributes (those of XML 1.0); others become U+FFFD.
_NOT_SQS_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def quarantine(
    sqs: Any, dlq_url: str, record: SqsRecord, reason: str, error_class: str = "permanent"
) -> None:
    """Send ``record`` to the DLQ with ``reason``; raise :class:`TransientError` if that fails."""
    body = record.body if isinstance(record.body, str) else ""
    attributes = {"ErrorClass": error_class, "ErrorMessage": ""}
    room = DLQ_MAX_MESSAGE_BYTES - _size(body) - _attributes_size(attributes)
    attributes["ErrorMessage"] = _cut(_NOT_SQS_TEXT.sub("\ufffd", reason), room)
    request: dict[str, Any] = {
        "QueueUrl": dlq_url,
        "MessageBody": body,
        "MessageAttributes": {
            name: {"DataType": "String", "StringValue": value}
            for name, value in attributes.items()
            if value  # SQS refuses an empty value
        },
    }
    if dlq_url.endswith(".fifo"):
        delivery = f"{record.message_id}\n{record.sequence_number or ''}"
        request["MessageGroupId"] = record.group_id or record.message_id
        request["MessageDeduplicationId"] = hashlib.sha256(delivery.encode("utf-8")).hexdigest()
    try:
        sqs.send_message(**request)
    except (ClientError, BotoCoreError) as exc:
        raise TransientError(f"could not quarantine the message in the DLQ ({exc})") from exc


def _cut(text: str, max_bytes: int) -> str:
    """``text`` in at most 1,000 characters and ``max_bytes`` UTF-8 bytes, cut ones ending in …;
    empty when not even the marker fits."""
    if len(text) <= MAX_ERROR_MESSAGE and _size(text) <= max_bytes:
        return text
    if max_bytes <= _size(_CUT):
        return ""
    head = text[: MAX_ERROR_MESSAGE - len(_CUT)].encode("utf-8")[: max_bytes - _size(_CUT)]
    return head.decode("utf-8", "ignore") + _CUT


def _attributes_size(attributes: dict[str, str]) -> int:
    """What SQS counts of String attributes: each name, its type and its value."""
    return sum(_size(name) + _size("String") + _size(value) for name, value in attributes.items())


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))
