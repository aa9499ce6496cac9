"""Looking into SQS queues without consuming them (the demo and the e2e tests)."""

from __future__ import annotations

import time
from typing import Any


def queue_depth(sqs: Any, url: str) -> int:
    """Messages visible plus in flight."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(value) for value in attributes.values())


def peek(sqs: Any, url: str, expected: int, timeout: float = 30) -> dict[str, dict[str, Any]]:
    """Read the messages of a queue without consuming them: ``{MessageId: message}``.

    Each message is received with a zero visibility timeout, so it stays available; polling
    goes on until ``expected`` distinct messages were seen or ``timeout`` passes. Messages come
    with their attributes and message attributes.
    """
    seen: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len(seen) < expected and time.monotonic() < deadline:
        for message in sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            VisibilityTimeout=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", []):
            seen[message["MessageId"]] = message
    return seen


def message_attributes(message: dict[str, Any]) -> dict[str, str]:
    """A message's string message attributes (a DLQ entry's ErrorClass and ErrorMessage)."""
    return {
        name: value["StringValue"] for name, value in message.get("MessageAttributes", {}).items()
    }
