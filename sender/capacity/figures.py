"""The figures the planner computes with, each with its source.

- ``aws-figures.json``: AWS prices per region, default quotas and documented performance figures,
  dated, each with the URL of the page it was read from (edit it to update a price);
- ``measured.json``: the kit's own measurements, written by ``make bench`` with the machine it
  ran on (bench/figures.py): conversion times (bench row 1) and the memory of the worst batch
  (bench row 4).
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AWS_FIGURES = HERE / "aws-figures.json"
MEASURED = HERE / "measured.json"

PRICES = (
    "lambda_gb_second_x86_64",
    "lambda_gb_second_arm64",
    "lambda_requests",
    "sqs_standard_requests",
    "sqs_fifo_requests",
    "s3_put_requests",
    "s3_get_requests",
    "s3_storage",
    "logs_ingestion",
    "custom_metrics",
    "alarms",
    "dashboards",
)
QUOTAS = (
    "lambda_concurrent_executions",
    "lambda_max_memory_mb",
    "esm_initial_batches",
    "esm_scale_up_per_minute",
    "esm_max_batches",
    "s3_put_per_prefix",
    "s3_get_per_prefix",
    "sqs_fifo_calls_per_action",
    "sqs_in_flight",
    "sqs_batch_messages",
    "sqs_billing_chunk_bytes",
    "sqs_long_poll_seconds",
)
PERFORMANCE = ("lambda_memory_per_vcpu_mb", "s3_request_latency_seconds")


class FiguresError(ValueError):
    """A data file is missing, unreadable, or a figure lacks its value, unit or source."""


@dataclass(frozen=True)
class Figure:
    """One number, the unit it is written in, and the page it comes from."""

    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class AwsFigures:
    """Prices by region, quotas and performance figures, as of ``date``."""

    date: str
    prices: dict[str, dict[str, Figure]]
    quotas: dict[str, Figure]
    performance: dict[str, Figure]

    def quota(self, name: str) -> float:
        """The value of a quota."""
        return self.quotas[name].value


@dataclass(frozen=True)
class ConversionPoint:
    """Bench row 1: one image size converted alone, on one core."""

    megapixels: float
    seconds: float
    png_bytes: int
    jpeg_bytes: int


@dataclass(frozen=True)
class Measured:
    """What ``make bench`` measured, and where."""

    date: str
    machine: dict[str, str]
    quick: bool
    conversions: list[ConversionPoint]
    max_pixels: int
    max_workers: int
    worst_batch: str
    worst_batch_bytes: int
    runtime_bytes: int

    @property
    def seconds_per_megapixel(self) -> float:
        """The median over the measured sizes of conversion seconds per megapixel (one core)."""
        return statistics.median(p.seconds / p.megapixels for p in self.conversions)

    @property
    def png_bytes_per_megapixel(self) -> float:
        """Median PNG size per megapixel of the bench's photo-like inputs."""
        return statistics.median(p.png_bytes / p.megapixels for p in self.conversions)

    @property
    def jpeg_bytes_per_megapixel(self) -> float:
        """Median JPEG size per megapixel of their conversions."""
        return statistics.median(p.jpeg_bytes / p.megapixels for p in self.conversions)

    def describe(self) -> str:
        """Where and when: ``make bench 2026-12-06 on Intel(R) Xeon(R) Processor, 2 cores``."""
        quick = " QUICK (tiny images)" if self.quick else ""
        cpu, cores = self.machine.get("CPU", "unknown CPU"), self.machine.get("cores", "?")
        return f"make bench{quick} {self.date} on {cpu}, {cores} cores"


def _read(path: Path) -> dict[str, Any]:
    try:
        content = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise FiguresError(f"cannot read {path}: {error}") from error
    if not isinstance(content, dict):
        raise FiguresError(f"{path}: not a JSON object")
    return content


def _date(text: object, where: str) -> str:
    try:
        return date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise FiguresError(f"{where}: date {text!r} is not YYYY-MM-DD") from None


def _figures(section: object, names: tuple[str, ...], where: str) -> dict[str, Figure]:
    if not isinstance(section, dict):
        raise FiguresError(f"{where}: not an object")
    missing = [name for name in names if name not in section]
    if missing:
        raise FiguresError(f"{where}: missing {', '.join(missing)}")
    figures = {}
    for name, entry in section.items():
        if not isinstance(entry, dict):
            raise FiguresError(f"{where}.{name}: not an object")
        value, unit, source = entry.get("value"), entry.get("unit"), entry.get("source")
        if not (isinstance(value, int | float) and value > 0):
            raise FiguresError(f"{where}.{name}: value must be a positive number")
        if not (isinstance(unit, str) and unit and isinstance(source, str)):
            raise FiguresError(f"{where}.{name}: needs a unit and a source")
        if not source.startswith("https://"):
            raise FiguresError(f"{where}.{name}: source must be an https:// URL, got {source!r}")
        figures[name] = Figure(float(value), unit, source)
    return figures


def load_aws(path: Path = AWS_FIGURES) -> AwsFigures:
    """Read and check ``aws-figures.json``."""
    content = _read(path)
    regions = content.get("regions")
    if not isinstance(regions, dict) or not regions:
        raise FiguresError(f"{path}: no regions")
    return AwsFigures(
        date=_date(content.get("date"), str(path)),
        prices={
            region: _figures(prices, PRICES, f"{path}: regions.{region}")
            for region, prices in regions.items()
        },
        quotas=_figures(content.get("quotas"), QUOTAS, f"{path}: quotas"),
        performance=_figures(content.get("performance"), PERFORMANCE, f"{path}: performance"),
    )


def load_measured(path: Path = MEASURED) -> Measured:
    """Read and check ``measured.json`` (run ``make bench`` to write it)."""
    content = _read(path)
    try:
        memory = content["memory"]
        conversions = [
            ConversionPoint(
                float(point["megapixels"]),
                float(point["seconds"]),
                int(point["png_bytes"]),
                int(point["jpeg_bytes"]),
            )
            for point in content["conversion"]["images"]
        ]
        measured = Measured(
            date=_date(content["date"], str(path)),
            machine={str(k): str(v) for k, v in content["machine"].items()},
            quick=bool(content["quick"]),
            conversions=conversions,
            max_pixels=int(memory["max_pixels"]),
            max_workers=int(memory["max_workers"]),
            worst_batch=str(memory["worst_batch"]),
            worst_batch_bytes=int(memory["worst_batch_bytes"]),
            runtime_bytes=int(memory["runtime_bytes"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise FiguresError(f"{path}: not what make bench writes ({error!r})") from error
    if not conversions or any(p.megapixels <= 0 or p.seconds <= 0 for p in conversions):
        raise FiguresError(f"{path}: conversion.images needs positive megapixels and seconds")
    if measured.worst_batch_bytes <= 0 or measured.max_pixels <= 0:
        raise FiguresError(f"{path}: memory figures must be positive")
    return measured
