"""A memory budget shared by the handler's threads.

A conversion holds its input bytes plus, while it decodes, up to
:data:`~png2jpg.convert.PEAK_BYTES_PER_PIXEL` bytes per pixel. Without a bound, four threads
converting four images at the MAX_PIXELS limit would need four times the memory of one, and the
function would run out of memory on a batch it can handle one image at a time. Each conversion
reserves its cost (computed from the checked PNG header) before decoding and waits while the
budget is spent, so a batch decodes at most what one worst-case image needs; small images still
run side by side.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class MemoryBudget:
    """At most ``limit`` bytes reserved at once across threads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.waiting = 0  # threads blocked in reserve(), for diagnostics and tests
        self._free = limit
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, size: int) -> Iterator[None]:
        """Hold ``size`` bytes of the budget (at most all of it) for the duration of the block."""
        size = max(0, min(size, self.limit))
        with self._changed:
            self.waiting += 1
            self._changed.wait_for(lambda: self._free >= size)
            self.waiting -= 1
            self._free -= size
        try:
            yield
        finally:
            with self._changed:
                self._free += size
                self._changed.notify_all()
