"""The pixel budget keeps a batch's memory at that of one MAX_PIXELS image."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

import png2jpg.handler
from png2jpg.budget import PixelBudget
from png2jpg.convert import png_pixels
from tests.unit.function.conftest import Harness
from tests.unit.function.images import png_bytes


class Concurrency:
    """Wraps a function and records the most calls, and pixels, in flight at once."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.lock = threading.Lock()
        self.calls = self.most_calls = self.pixels = self.most_pixels = 0

    def __call__(self, data: bytes, **options: Any) -> Any:
        pixels = png_pixels(data)
        with self.lock:
            self.calls += 1
            self.pixels += pixels
            self.most_calls = max(self.most_calls, self.calls)
            self.most_pixels = max(self.most_pixels, self.pixels)
        try:
            time.sleep(0.1)  # long enough for the other threads to arrive
            return self.function(data, **options)
        finally:
            with self.lock:
                self.calls -= 1
                self.pixels -= pixels


def test_png_pixels_reads_the_header_only() -> None:
    data = png_bytes(Image.new("RGB", (300, 200)))
    assert png_pixels(data) == 60_000
    assert png_pixels(data[:24]) == 60_000  # no pixel data needed
    assert png_pixels(b"\xff\xd8\xff\xe0 a JPEG") == 0
    assert png_pixels(b"") == 0


def test_reservations_never_exceed_the_limit() -> None:
    budget = PixelBudget(100)
    in_use = most = 0
    lock = threading.Lock()

    def work(pixels: int) -> None:
        nonlocal in_use, most
        held = min(pixels, budget.limit)  # an oversized image holds the whole budget
        with budget.reserve(pixels):
            with lock:
                in_use += held
                most = max(most, in_use)
            time.sleep(0.02)
            with lock:
                in_use -= held

    threads = [threading.Thread(target=work, args=(p,)) for p in (60, 60, 30, 30, 10, 500)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert not any(thread.is_alive() for thread in threads), "a reservation never got its pixels"
    assert most <= 100
    everything = threading.Thread(target=work, args=(100,))
    everything.start()
    everything.join(timeout=5)
    assert not everything.is_alive(), "the budget was not given back"


def convert_four(
    aws: Harness, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], name: str
) -> Concurrency:
    """One batch of four ``size`` RGBA PNGs with MAX_PIXELS = 10000 and four workers; all must
    convert. Returns the spy that watched the conversions."""
    monkeypatch.setenv("MAX_PIXELS", "10000")
    monkeypatch.setenv("MAX_WORKERS", "4")
    spy = Concurrency(png2jpg.handler.png_to_jpeg)
    monkeypatch.setattr(png2jpg.handler, "png_to_jpeg", spy)
    records = []
    for index in range(4):
        aws.put(f"pngfiles/{name}-{index}.png", png_bytes(Image.new("RGBA", size)))
        records.append(aws.record({"bucket": "images", "key": f"pngfiles/{name}-{index}.png"}))

    assert aws.invoke(*records) == []
    assert all(aws.exists(f"jpgfiles/{name}-{index}.jpg") for index in range(4))
    return spy


def test_large_images_of_a_batch_are_decoded_one_at_a_time(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four images of 60 % of MAX_PIXELS each: never two decodes at once, all converted."""
    spy = convert_four(aws, monkeypatch, (100, 60), "big")
    assert spy.most_calls == 1


def test_small_images_of_a_batch_still_run_side_by_side(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four images of 20 % of MAX_PIXELS each fit the budget together."""
    spy = convert_four(aws, monkeypatch, (50, 40), "small")
    assert spy.most_calls >= 2
    assert spy.most_pixels <= 10_000
