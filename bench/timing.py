"""Repeated wall-clock measurements of ours against a baseline, and CPU time of one action."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_REPETITIONS = 40


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


def cpu_time(action: Callable[[], object]) -> float:
    """CPU seconds this process (all its threads) spends in ``action()``."""
    started = time.process_time()
    action()
    return time.process_time() - started


def compare(
    ours: Callable[[], object],
    baseline: Callable[[], object],
    repetitions: int,
    *,
    min_seconds: float = 0.0,
    warm_up: bool = True,
    reset: Callable[[], object] | None = None,
) -> Pair:
    """Time both at least ``repetitions`` times, interleaved, after an untimed warm-up of each.

    Short actions are repeated further, up to :data:`MAX_REPETITIONS`, until each side has been
    timed for ``min_seconds`` in total: on a shared machine a few millisecond-long samples say
    more about the neighbours than about the code. The order alternates between repetitions so
    that neither side always runs on a machine warmed (or slowed) by the other. ``reset``, if
    given, runs untimed before each run of ``ours`` (to undo what the previous run left).
    """
    prepare = reset or (lambda: None)
    if warm_up:
        prepare()
        ours()
        baseline()
    pair = Pair([], [])
    repetition = 0
    while repetition < repetitions or (
        repetition < MAX_REPETITIONS and min(sum(pair.ours), sum(pair.baseline)) < min_seconds
    ):
        runs = [(ours, pair.ours), (baseline, pair.baseline)]
        for action, times in runs if repetition % 2 == 0 else reversed(runs):
            if action is ours:
                prepare()
            times.append(wall_time(action))
        repetition += 1
    return pair


def seconds(value: float) -> str:
    """A duration for the table: ``12.3 ms`` or ``1.23 s``."""
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
