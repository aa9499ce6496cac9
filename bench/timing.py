"""Repeated wall-clock measurements of ours against a baseline."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    """Wall times in seconds of ``ours`` and ``baseline``, one entry per repetition."""

    ours: list[float]
    baseline: list[float]

    @property
    def ours_median(self) -> float:
        """Median of our times."""
        return statistics.median(self.ours)

    @property
    def baseline_median(self) -> float:
        """Median of the baseline's times."""
        return statistics.median(self.baseline)


def wall_time(action: Callable[[], object]) -> float:
    """Seconds ``action()`` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def compare(
    ours: Callable[[], object],
    baseline: Callable[[], object],
    repetitions: int,
    *,
    warm_up: bool = True,
) -> Pair:
    """Time both ``repetitions`` times, interleaved, after one untimed warm-up run of each.

    The order alternates between repetitions so that neither side always runs on a machine
    warmed (or slowed) by the other.
    """
    if warm_up:
        ours()
        baseline()
    pair = Pair([], [])
    for repetition in range(repetitions):
        runs = [(ours, pair.ours), (baseline, pair.baseline)]
        for action, times in runs if repetition % 2 == 0 else reversed(runs):
            times.append(wall_time(action))
    return pair


def seconds(value: float) -> str:
    """A duration for the table: ``12.3 ms`` or ``1.23 s``."""
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
