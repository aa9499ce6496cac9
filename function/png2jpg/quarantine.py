"""Failures go to the DLQ by the function, body unchanged, with the reason as attributes.

The DLQ entry carries message attributes ``ErrorClass`` (``permanent``, or ``transient`` for a
record whose receives are exhausted) and ``ErrorMessage`` (the log sentence, at most 1,000
characters), so an operator sees why without opening the logs. To a FIFO DLQ it goes with the
record's message group and a deduplication id derived from its messageId and SequenceNumber: a
retried invocation cannot quarantine the same delivery twice, while the same message redriven and
failing again (a new sequence number) is quarantined again, not dropped as a duplicate.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from png2jpg.batch import SqsRecord
from png2jpg.errors import TransientError

MAX_ERROR_MESSAGE = 1000
# Characters SQS accepts in message attributes (those of XML 1.0); others become U+FFFD.
_NOT_SQS_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def quarantine(
    sqs: Any, dlq_url: str, record: SqsRecord, reason: str, error_class: str = "permanent"
) -> None:
    """Send ``record`` to the DLQ with ``reason``; raise :class:`TransientError` if that fails."""
    message = _NOT_SQS_TEXT.sub("\ufffd", reason)
    if len(message) > MAX_ERROR_MESSAGE:
        message = message[: MAX_ERROR_MESSAGE - 1] + "…"
    request: dict[str, Any] = {
        "QueueUrl": dlq_url,
        "MessageBody": record.body if isinstance(record.body, str) else "",
        "MessageAttributes": {
            "ErrorClass": {"DataType": "String", "StringValue": error_class},
            "ErrorMessage": {"DataType": "String", "StringValue": message},
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
