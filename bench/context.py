"""What every row gets: the run's size settings and the shared image store."""

from __future__ import annotations

from dataclasses import dataclass

from bench.images import ImageStore


@dataclass(frozen=True)
class Context:
    """``quick`` selects tiny inputs and fewer repetitions (the smoke run of ``make test``)."""

    quick: bool
    images: ImageStore

    @property
    def repetitions(self) -> int:
        """Timed repetitions per side for most rows."""
        return 2 if self.quick else 5

    @property
    def min_seconds(self) -> float:
        """Total time per side that short measurements repeat up to (see timing.compare)."""
        return 0.0 if self.quick else 3.0
