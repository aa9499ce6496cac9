"""A pixel budget shared by the handler's threads.

Each record's conversion holds the decoded image plus about one RGB copy: ~8 bytes per pixel.
Without a bound, four threads converting four images at the MAX_PIXELS limit would need four
times the memory that one such image needs, and the function would run out of memory on a batch
it can handle one image at a time. Conversions reserve their pixel count (read from the PNG
header) before decoding and wait while the budget is spent, so the memory of a batch stays that
of one MAX_PIXELS image, whatever the batch holds; small images still run side by side.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class PixelBudget:
    """At most ``limit`` pixels decoded at once across threads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = limit
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, pixels: int) -> Iterator[None]:
        """Hold ``pixels`` of the budget (at most all of it) for the duration of the block."""
        pixels = max(0, min(pixels, self.limit))  # larger images are refused unread anyway
        with self._changed:
            self._changed.wait_for(lambda: self._free >= pixels)
            self._free -= pixels
        try:
            yield
        finally:
            with self._changed:
                self._free += pixels
                self._changed.notify_all()
