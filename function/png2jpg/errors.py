"""Why a record failed, in the two classes that decide where its message goes.

- ``permanent``: retrying the same message cannot help (bad message, key rule, bucket not allowed,
  not a PNG, corrupt, too big, missing object, access denied). The handler quarantines the message
  in the DLQ at once, with the reason as a message attribute, and SQS deletes it from the queue.
- ``transient``: a later attempt may succeed (throttling, 5xx, timeouts, a refused write). The
  record is reported as a batch item failure; SQS redelivers it and, after ``maxReceiveCount``
  receives, the redrive policy moves it to the DLQ.
"""

from __future__ import annotations

from typing import ClassVar


class Png2JpgError(Exception):
    """A record could not be converted; ``str(error)`` is the sentence for the log and the DLQ."""

    error_class: ClassVar[str] = "permanent"


class PermanentError(Png2JpgError):
    """Retrying the same message cannot succeed."""


class TransientError(Png2JpgError):
    """Retrying later may succeed."""

    error_class: ClassVar[str] = "transient"


class BadMessageError(PermanentError, ValueError):
    """A message body, bucket or key the function refuses to act on."""


class InvalidImageError(PermanentError):
    """The bytes are not a PNG the function converts: not a PNG, corrupt, truncated or too big."""
