"""The planner's short text report."""

from __future__ import annotations

import textwrap

from sender.capacity.model import Plan
from sender.capacity.plan import duration

WIDTH = 100
COSTS = (
    ("lambda", "Lambda"),
    ("sqs", "SQS"),
    ("s3_requests", "S3 requests"),
    ("cloudwatch_logs", "CloudWatch Logs"),
    ("total", "total"),
)


def _money(value: float) -> str:
    return f"{value:,.2f}" if value >= 0.005 or value == 0 else f"{value:.4f}"


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.3g}"


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest)


def render(p: Plan, prices_date: str) -> str:
    """The plan as a few aligned lines, a cost table and the warnings."""
    w = p.workload
    queue = "FIFO" if w.fifo else "standard"
    peak = f"peak {_rate(p.peak_per_second)}/s" if w.peak_per_second else "no peak given"
    lines = [
        *_wrapped(
            f"{w.images_per_day:,.0f} images/day ({peak}) of {w.megapixels:g} MP "
            f"(~{p.png_bytes / 1e6:.1f} MB PNG), {w.region} {w.architecture}, {queue} queue, "
            f"batch_size {w.batch_size}, max_workers {w.max_workers}",
            "",
            "",
        ),
        *_wrapped(
            f"AWS prices and quotas of {prices_date} (sender/capacity/aws-figures.json); "
            f"{p.seconds_per_megapixel:.3g} s per megapixel on one vCPU "
            f"({p.seconds_per_megapixel_source})",
            "",
            "",
        ),
        "",
    ]
    chosen = "given" if w.memory_mb else "recommended"
    memory = f"{p.memory_mb} MB ({chosen})"
    if w.memory_mb and w.memory_mb != p.recommended_memory_mb:
        memory += f"; recommended {p.recommended_memory_mb} MB"
    drain = "-"
    if w.backlog:
        drain = (
            f"{w.backlog:,} images in {duration(p.backlog_drain_seconds)}"
            if p.backlog_drain_seconds is not None
            else f"{w.backlog:,} images: never, arrivals outpace the concurrency limit"
        )
    rows = [
        ("memory", memory),
        ("why", p.memory_reason),
        ("time per image", f"{p.seconds_per_image:.3f} s billed ({p.batch_seconds:.2f} s a batch)"),
        (
            "peak concurrency",
            f"{p.peak_concurrency:,} (limit {p.concurrency_limit:,}; "
            f"{duration(p.scale_up_seconds)} to scale up)",
        ),
        ("backlog", drain),
    ]
    width = max(len(label) for label, _ in rows) + 2
    for label, value in rows:
        lines += _wrapped(value, f"{label:<{width}}", " " * width)
    lines += ["", f"{'cost per million images':<24}{'USD':>10}"]
    lines += [f"  {label:<22}{_money(p.cost_per_million_usd[key]):>10}" for key, label in COSTS]
    fixed = sum(p.monthly_fixed_usd.values())
    per_month = p.monthly_cost_usd - fixed
    lines += _wrapped(
        f"per month: {p.monthly_images / 1e6:,.1f} M images ${_money(per_month)} + "
        f"${_money(fixed)} fixed (alarms, dashboard, metrics, idle polling) = "
        f"${_money(p.monthly_cost_usd)}; storage of each month of PNGs and JPEGs kept: "
        f"${_money(p.storage_usd_per_month_kept)} a month",
        "",
        "",
    )
    for title, warnings in (
        ("quota warnings", p.quota_warnings),
        ("configuration warnings", p.configuration_warnings),
    ):
        if warnings:
            lines += ["", f"{title}:"]
            for warning in warnings:
                lines += _wrapped(warning.message, "- ", "  ")
    return "\n".join(lines)
