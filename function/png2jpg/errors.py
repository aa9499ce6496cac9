"""Why a record failed, in two classes an operator can act on.

Both classes are reported to SQS as batch item failures, so the message comes back and, after
``maxReceiveCount`` receives, lands in the DLQ. The class tells the reader of the log line whether
a retry can help (``transient``: throttling, 5xx, timeouts) or not (``permanent``: bad message,
not a PNG, too big, missing object) and the message needs a fix or a redrive.
"""

from __future__ import annotations

from typing import ClassVar


class Png2JpgError(Exception):
    """A record could not be converted; ``str(error)`` is the sentence for the log line."""

    error_class: ClassVar[str] = "permanent"


class PermanentError(Png2JpgError):
    """Retrying the same message cannot succeed."""


class TransientError(Png2JpgError):
    """Retrying later may succeed (throttling, server errors, timeouts, connection errors)."""

    error_class: ClassVar[str] = "transient"


class BadMessageError(PermanentError, ValueError):
    """A message body, bucket or key the function refuses to act on."""


class InvalidImageError(PermanentError):
    """The bytes are not a PNG the function converts: not a PNG, corrupt, truncated or too big."""
