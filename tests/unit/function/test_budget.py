"""The memory budget keeps a batch's decoding to that of one worst-case image."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

import png2jpg.handler
from png2jpg.budget import MemoryBudget
from png2jpg.convert import PEAK_BYTES_PER_PIXEL
from png2jpg.handler import get_container
from tests.imagegen import png_bytes
from tests.unit.function.images import lying_png

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait (at most 10 s) for ``condition``, which the code under test must make true."""
    event = threading.Event()
    for _ in range(10_000):
        if condition():
            return
        event.wait(0.001)
    raise AssertionError(f"never happened: {what}")


def test_a_reservation_waits_while_the_budget_is_spent_and_gets_it_when_freed() -> None:
    budget = MemoryBudget(100)
    order: list[str] = []

    def second() -> None:
        with budget.reserve(60):
            order.append("second in")

    with budget.reserve(60):
        thread = threading.Thread(target=second)
        thread.start()
        wait_until(lambda: budget.waiting == 1, "the second reservation waits")
        order.append("first out")
    thread.join(timeout=10)
    assert order == ["first out", "second in"]
    assert budget.waiting == 0


def test_an_oversized_reservation_takes_the_whole_budget_instead_of_waiting_forever() -> None:
    budget = MemoryBudget(100)
    with budget.reserve(500):
        pass
    with budget.reserve(100):  # all of it was given back
        pass


def batch(
    aws: Harness, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], name: str
) -> list[dict]:
    """Four ``size`` RGBA PNGs, MAX_PIXELS = 10000, MAX_INPUT_BYTES = 2000, four workers."""
    monkeypatch.setenv("MAX_PIXELS", "10000")
    monkeypatch.setenv("MAX_INPUT_BYTES", "2000")
    monkeypatch.setenv("MAX_WORKERS", "4")
    records = []
    for index in range(4):
        aws.put(f"pngfiles/{name}-{index}.png", png_bytes(Image.new("RGBA", size)))
        records.append(aws.record({"bucket": "images", "key": f"pngfiles/{name}-{index}.png"}))
    return records


def spy_conversions(monkeypatch: pytest.MonkeyPatch, before: Callable[[int], None]) -> list[int]:
    """Make every conversion call ``before(calls in flight)`` first; return the in-flight counts."""
    real = png2jpg.handler.png_to_jpeg
    lock = threading.Lock()
    in_flight: list[int] = []
    current = 0

    def convert(data: bytes, **options: Any) -> bytes:
        nonlocal current
        with lock:
            current += 1
            in_flight.append(current)
        try:
            before(current)
            return real(data, **options)
        finally:
            with lock:
                current -= 1

    monkeypatch.setattr(png2jpg.handler, "png_to_jpeg", convert)
    return in_flight


def test_large_images_of_a_batch_are_decoded_one_at_a_time(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four images of 60 % of MAX_PIXELS: the first decodes while the other three wait."""
    records = batch(aws, monkeypatch, (100, 60), "big")
    first = threading.Event()

    def hold_the_first(_: int) -> None:
        if not first.is_set():
            first.set()
            wait_until(lambda: get_container().budget.waiting == 3, "three conversions wait")

    in_flight = spy_conversions(monkeypatch, hold_the_first)
    assert aws.invoke(*records) == []
    assert in_flight == [1, 1, 1, 1]
    assert all(aws.exists(f"jpgfiles/big-{index}.jpg") for index in range(4))


def test_small_images_of_a_batch_run_side_by_side(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four images of 20 % of MAX_PIXELS fit the budget together: all four decode at once."""
    records = batch(aws, monkeypatch, (50, 40), "small")
    together = threading.Barrier(4, timeout=10)  # breaks (and fails the test) unless all four meet
    spy_conversions(monkeypatch, lambda _: together.wait())
    assert aws.invoke(*records) == []
    assert all(aws.exists(f"jpgfiles/small-{index}.jpg") for index in range(4))


def test_the_reservation_is_the_input_plus_the_decoding_the_header_announces(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = batch(aws, monkeypatch, (50, 40), "sized")
    sizes: list[int] = []
    budget = get_container().budget
    real_reserve = budget.reserve
    monkeypatch.setattr(budget, "reserve", lambda size: sizes.append(size) or real_reserve(size))
    assert aws.invoke(*records) == []
    data = png_bytes(Image.new("RGBA", (50, 40)))
    assert sizes == [len(data) + 50 * 40 * PEAK_BYTES_PER_PIXEL] * 4


def test_lying_headers_are_refused_before_they_reserve_or_decode_anything(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four 10 MP RGBA PNGs behind a 1x1 IHDR: quarantined as corrupt, nothing decoded."""
    records = []
    for index in range(4):
        aws.put(f"pngfiles/lying-{index}.png", lying_png(4000, 2500, color_type=6))
        records.append(aws.record({"bucket": "images", "key": f"pngfiles/lying-{index}.png"}))
    in_flight = spy_conversions(monkeypatch, lambda _: None)
    assert aws.invoke(*records) == []
    assert in_flight == []
    assert {record.error_class for record in aws.logs()} == {"permanent"}
    assert len(aws.dlq()) == 4
