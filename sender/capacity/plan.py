"""A :class:`~sender.capacity.model.Plan` for a workload: the figures, the arithmetic, warnings."""

from __future__ import annotations

import math
from typing import NamedTuple

from png2jpg.config import DEFAULT_MAX_INPUT_BYTES
from sender.capacity.model import (
    ALARMS,
    DASHBOARDS,
    EMF_METRICS,
    ESM_METRICS,
    FUNCTION_S3_CALLS_PER_IMAGE,
    GB,
    HOURS_PER_MONTH,
    LOG_BYTES_PER_IMAGE,
    LOG_BYTES_PER_INVOCATION,
    MB_PER_GB,
    MIB,
    S3_GETS_PER_IMAGE,
    S3_PUTS_PER_IMAGE,
    SECONDS_PER_DAY,
    Figures,
    Finding,
    Plan,
    Workload,
    batch_seconds,
    billed_seconds,
    drain_seconds,
    memory_floor_mb,
    ramp_up_seconds,
    recommend_memory,
    sqs_requests_per_image,
)

MILLION = 1_000_000


class PlanError(ValueError):
    """The workload contradicts itself or the figures (a usage error)."""


def check(workload: Workload, figures: Figures) -> None:
    """Refuse a workload the pipeline or the data files cannot answer for."""
    w = workload
    if w.region not in figures.aws.prices:
        known = ", ".join(sorted(figures.aws.prices))
        raise PlanError(
            f"no prices for region {w.region} in sender/capacity/aws-figures.json (it has: "
            f"{known}); add them from the price pages its other regions cite"
        )
    if w.megapixels * 1e6 > w.max_pixels:
        raise PlanError(
            f"{w.megapixels:g} MP is above max_pixels ({w.max_pixels / 1e6:g} MP): the function "
            "refuses such images; pass --max-pixels with the deployment's max_pixels"
        )
    if w.peak_per_second is not None and w.peak_per_second < w.images_per_day / SECONDS_PER_DAY:
        average = w.images_per_day / SECONDS_PER_DAY
        raise PlanError(
            f"--peak-per-second {w.peak_per_second:g} is below the daily average ({average:.3g}"
            " images per second)"
        )
    if w.fifo and w.batch_size > figures.quota("sqs_batch_messages"):
        raise PlanError("a FIFO queue's event source mapping takes batches of at most 10")
    if w.fifo and w.event_source == "s3":
        raise PlanError("S3 event notifications cannot target a FIFO queue")
    if w.memory_mb is not None and w.memory_mb > figures.quota("lambda_max_memory_mb"):
        raise PlanError(f"--memory {w.memory_mb} is above Lambda's largest memory size")


def plan(workload: Workload, figures: Figures) -> Plan:
    """Time, memory, concurrency, backlog drain and cost of ``workload``, with its warnings."""
    check(workload, figures)
    w, measured = workload, figures.measured
    spm = w.seconds_per_megapixel or measured.seconds_per_megapixel
    spm_source = (
        "--seconds-per-megapixel"
        if w.seconds_per_megapixel
        else f"median of bench row 1, {measured.describe()}; one core taken as one Lambda vCPU"
    )
    png_bytes = w.png_mb * 1e6 if w.png_mb else w.megapixels * measured.png_bytes_per_megapixel
    jpeg_bytes = w.megapixels * measured.jpeg_bytes_per_megapixel
    vcpu_mb = round(figures.performance("lambda_memory_per_vcpu_mb"))
    wait = FUNCTION_S3_CALLS_PER_IMAGE * figures.performance("s3_request_latency_seconds")
    size = w.batch_size

    def seconds_at(memory: float) -> float:
        return batch_seconds(spm * w.megapixels, size, memory, w.max_workers, vcpu_mb, wait)

    def gb_seconds_per_image(memory: float) -> float:
        return memory / MB_PER_GB * billed_seconds(seconds_at(memory)) / size

    floor = memory_floor_mb(measured, w.max_pixels)
    recommended, why = recommend_memory(floor, gb_seconds_per_image, vcpu_mb)
    worst = measured.worst_batch_bytes * w.max_pixels / measured.max_pixels / MIB
    reason = (
        f"at least {floor} MB: the worst batch of {measured.max_workers} images at max_pixels "
        f"({w.max_pixels / 1e6:g} MP) adds {worst:.0f} MiB to a {measured.runtime_bytes / MIB:.0f}"
        f" MiB runtime (bench row 4), plus 25 % headroom; {why}"
    )
    memory = w.memory_mb or recommended
    batch = seconds_at(memory)

    average = w.images_per_day / SECONDS_PER_DAY
    peak = w.peak_per_second or average
    peak_concurrency = max(1, math.ceil(round(peak * batch / size, 9)))
    limits = concurrency_limits(w, figures)
    limit = min(limit.value for limit in limits)
    start = limit if w.fifo else min(figures.quota("esm_initial_batches"), limit)
    per_minute = figures.quota("esm_scale_up_per_minute")
    scale_up = ramp_up_seconds(peak_concurrency, start, limit, per_minute, ramps=not w.fifo)
    per_batch = size / batch
    drain = drain_seconds(w.backlog, per_batch, start, limit, per_minute / 60, average)
    # The concurrency the drain reaches: it ramps up only as long as the backlog lasts.
    reached = limit if drain is None else min(limit, start + per_minute / 60 * drain)
    backlog_concurrency = math.ceil(reached) if w.backlog else 0

    sqs = sqs_requests_per_image(
        w.event_source,
        size,
        int(figures.quota("sqs_batch_messages")),
        figures.quota("sqs_billing_chunk_bytes"),
    )
    log_bytes = LOG_BYTES_PER_IMAGE + LOG_BYTES_PER_INVOCATION / size
    requests = {
        "lambda_invocations": 1 / size,
        "s3_put": float(S3_PUTS_PER_IMAGE),
        "s3_get": float(S3_GETS_PER_IMAGE),
        **sqs,
        "log_bytes": log_bytes,
    }
    price = figures.price
    sqs_price = price("sqs_fifo_requests" if w.fifo else "sqs_standard_requests").value
    costs = {
        "lambda": MILLION
        * gb_seconds_per_image(memory)
        * price(f"lambda_gb_second_{w.architecture}").value
        + price("lambda_requests").value / size,
        "sqs": sum(sqs.values()) * sqs_price,
        "s3_requests": MILLION
        / 1000
        * (
            S3_PUTS_PER_IMAGE * price("s3_put_requests").value
            + S3_GETS_PER_IMAGE * price("s3_get_requests").value
        ),
        "cloudwatch_logs": MILLION * log_bytes / GB * price("logs_ingestion").value,
    }
    costs["total"] = sum(costs.values())

    monthly_images = w.images_per_day * HOURS_PER_MONTH / 24
    idle_receives = (
        figures.quota("esm_initial_batches")
        * 3600
        / figures.quota("sqs_long_poll_seconds")
        * HOURS_PER_MONTH
    )
    fixed = {
        "alarms": ALARMS * price("alarms").value,
        "dashboard": DASHBOARDS * price("dashboards").value,
        "custom_metrics": (EMF_METRICS + ESM_METRICS) * price("custom_metrics").value,
        "idle_polling": idle_receives / MILLION * sqs_price,
    }
    result = Plan(
        workload=w,
        seconds_per_megapixel=spm,
        seconds_per_megapixel_source=spm_source,
        png_bytes=png_bytes,
        jpeg_bytes=jpeg_bytes,
        memory_mb=memory,
        memory_floor_mb=floor,
        recommended_memory_mb=recommended,
        memory_reason=reason,
        batch_seconds=batch,
        seconds_per_image=billed_seconds(batch) / size,
        peak_per_second=peak,
        peak_concurrency=peak_concurrency,
        concurrency_limit=int(limit),
        scale_up_seconds=scale_up,
        backlog_drain_seconds=drain,
        backlog_concurrency=backlog_concurrency,
        cost_per_million_usd=costs,
        requests_per_image=requests,
        monthly_images=monthly_images,
        monthly_fixed_usd=fixed,
        monthly_cost_usd=costs["total"] / MILLION * monthly_images + sum(fixed.values()),
        storage_usd_per_month_kept=monthly_images
        * (png_bytes + jpeg_bytes)
        / GB
        * price("s3_storage").value,
    )
    result.quota_warnings = quota_warnings(result, figures, limits)
    result.configuration_warnings = configuration_warnings(result, figures)
    return result


class Limit(NamedTuple):
    """A cap on concurrent batches: its value, what it is, what raises it, its source."""

    value: float
    what: str
    advice: str
    source: str | None = None


def concurrency_limits(w: Workload, figures: Figures) -> list[Limit]:
    """Each cap on concurrent batches that applies to ``w``."""
    quota = figures.aws.quotas["lambda_concurrent_executions"]
    limits = [
        Limit(
            w.concurrency_quota,
            "the account's concurrent executions (--concurrency-quota)",
            "request a higher quota in Service Quotas",
        )
        if w.concurrency_quota
        else Limit(
            quota.value,
            "the account's default concurrent executions quota",
            "request a higher quota in Service Quotas",
            quota.source,
        )
    ]
    if w.fifo:
        limits.append(
            Limit(
                w.message_groups,
                "the FIFO queue's message groups (one batch each)",
                "spread the images over more message groups",
            )
        )
    else:
        esm = figures.aws.quotas["esm_max_batches"]
        limits.append(
            Limit(
                esm.value,
                "the batches one event source mapping runs at once",
                "raise batch_size or memory",
                esm.source,
            )
        )
    if w.maximum_concurrency:
        limits.append(
            Limit(w.maximum_concurrency, "maximum_concurrency", "raise maximum_concurrency")
        )
    return limits


def quota_warnings(p: Plan, figures: Figures, limits: list[Limit]) -> list[Finding]:
    """The figures of ``p`` that exceed a quota or limit, each with what to do."""
    w, quotas = p.workload, figures.aws.quotas
    warnings = []
    per_batch = w.batch_size / p.batch_seconds
    throughput = p.concurrency_limit * per_batch
    for limit in limits:
        if p.peak_concurrency > limit.value:
            warnings.append(
                Finding(
                    "concurrency",
                    f"the peak of {p.peak_per_second:,.0f} images/s needs {p.peak_concurrency:,} "
                    f"concurrent batches, more than {limit.what} ({limit.value:,.0f}): at most "
                    f"{throughput:,.0f} images/s get converted and the queue grows meanwhile; "
                    f"{limit.advice}",
                    limit.value,
                    p.peak_concurrency,
                    limit.source,
                )
            )
    if p.scale_up_seconds > 60:
        scaling = quotas["esm_scale_up_per_minute"]
        warnings.append(
            Finding(
                "event source mapping scaling rate",
                f"reaching {min(p.peak_concurrency, p.concurrency_limit):,} concurrent batches "
                f"takes {duration(p.scale_up_seconds)} ({quotas['esm_initial_batches'].value:.0f}"
                f" at first, +{scaling.value:.0f} per minute): a sudden burst waits in the queue "
                "meanwhile; provisioned_poller_config (provisioned mode) scales 3 times faster",
                scaling.value,
                p.peak_concurrency,
                scaling.source,
            )
        )
    draining_rate = p.backlog_concurrency * per_batch
    rate = max(p.peak_per_second, draining_rate)
    draining = draining_rate > p.peak_per_second
    when = "while the backlog drains" if draining else "at peak"
    cap = ", or cap maximum_concurrency" if draining else ""
    for name, verb in (("s3_put_per_prefix", "PUT"), ("s3_get_per_prefix", "GET")):
        quota = quotas[name]
        if rate > quota.value:
            prefixes = "the input and the output prefix" if verb == "PUT" else "the input prefix"
            warnings.append(
                Finding(
                    "S3 request rate per prefix",
                    f"{rate:,.0f} {verb} requests per second on {prefixes} {when}, above the "
                    f"{quota.value:,.0f} per second of one partitioned prefix: until S3 "
                    "partitions the prefix, expect 503 Slow Down (retried); spread keys over "
                    f"sub-prefixes{cap}",
                    quota.value,
                    rate,
                    quota.source,
                )
            )
    if w.fifo:
        calls = quotas["sqs_fifo_calls_per_action"]
        batch_limit = quotas["sqs_batch_messages"].value
        per_call = min(batch_limit, w.batch_size)
        needed = p.peak_per_second / per_call
        if needed > calls.value:
            warnings.append(
                Finding(
                    "FIFO throughput",
                    f"{needed:,.0f} ReceiveMessage and DeleteMessageBatch calls per second at "
                    f"peak, above the FIFO queue's {calls.value:.0f} per action (without high "
                    f"throughput mode): at most {calls.value * per_call:,.0f} images/s",
                    calls.value,
                    needed,
                    calls.source,
                )
            )
    in_flight = quotas["sqs_in_flight"]
    held = max(p.peak_concurrency, p.backlog_concurrency) * w.batch_size
    if held > in_flight.value:
        warnings.append(
            Finding(
                "SQS in-flight messages",
                f"{held:,} messages in flight at once (concurrent batches x batch_size), above "
                f"the queue's {in_flight.value:,.0f}: SQS stops handing out more; lower "
                "batch_size or maximum_concurrency",
                in_flight.value,
                held,
                in_flight.source,
            )
        )
    return warnings


def configuration_warnings(p: Plan, figures: Figures) -> list[Finding]:
    """What the plan says about the settings themselves: memory, timeout, figures used."""
    w = p.workload
    warnings = []
    if p.memory_mb < p.memory_floor_mb:
        warnings.append(
            Finding(
                "memory",
                f"{p.memory_mb} MB is below the floor of {p.memory_floor_mb} MB: a worst-case "
                "batch can run out of memory (Lambda ends the invocation and the batch returns)",
                p.memory_floor_mb,
                p.memory_mb,
            )
        )
    if p.batch_seconds > w.timeout / 2:
        warnings.append(
            Finding(
                "timeout",
                f"a batch takes about {p.batch_seconds:.1f} s, over half the function timeout "
                f"({w.timeout} s): records without time left are deferred to a later receive; "
                "raise timeout or memory, or lower batch_size",
                w.timeout,
                p.batch_seconds,
            )
        )
    if p.png_bytes > DEFAULT_MAX_INPUT_BYTES:
        warnings.append(
            Finding(
                "max_input_bytes",
                f"PNGs of {p.png_bytes / 1e6:.0f} MB are above the default max_input_bytes "
                f"({DEFAULT_MAX_INPUT_BYTES / MIB:.0f} MiB): raise it, or the function refuses "
                "them",
                DEFAULT_MAX_INPUT_BYTES,
                p.png_bytes,
            )
        )
    if w.peak_per_second is None:
        warnings.append(
            Finding(
                "peak",
                "no --peak-per-second: sized for the daily average; bursts need more concurrency",
            )
        )
    if not w.maximum_concurrency and p.backlog_concurrency >= (
        w.concurrency_quota or figures.quota("lambda_concurrent_executions")
    ):
        warnings.append(
            Finding(
                "backlog",
                f"draining the backlog scales up to {p.backlog_concurrency:,} concurrent "
                "executions, all of the account's: other functions get throttled meanwhile; set "
                "maximum_concurrency to leave them room",
            )
        )
    if w.architecture == "arm64" and not w.seconds_per_megapixel:
        warnings.append(
            Finding(
                "figures",
                "the default seconds per megapixel was measured on an x86_64 machine: measure "
                "arm64 with make tune and pass --seconds-per-megapixel",
            )
        )
    if figures.measured.quick and not w.seconds_per_megapixel:
        warnings.append(
            Finding(
                "figures",
                "sender/capacity/measured.json comes from make bench QUICK=1 (tiny images): "
                "its figures mean little; run make bench",
            )
        )
    return warnings


def duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``3.5 h``."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
