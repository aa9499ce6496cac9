"""The planner's arithmetic: time per batch, memory, concurrency, backlog drain, requests, cost.

Pure functions of a :class:`Workload` and the figures (:mod:`sender.capacity.figures`); no I/O.
The pipeline as the code runs it today (tests/unit/function/test_capacity_pipeline.py and
tests/unit/sender/test_capacity_pipeline.py check these constants against the code):

- the sender puts each PNG (S3 PUT) and enqueues 10 messages per SendMessageBatch; with S3 or
  EventBridge routing, one message per object arrives instead;
- the event source mapping receives up to 10 messages per ReceiveMessage and deletes them with
  DeleteMessageBatch; the function reads the JPEG's metadata (S3 HEAD, billed as a GET: it makes a
  duplicate delivery cost no download), gets the PNG (S3 GET), converts it and puts the JPEG (S3
  PUT), logs one record per image and one metric document (EMF) per invocation;
- the function's threads (MAX_WORKERS) convert the records of a batch at once, each thread one
  image after another.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from png2jpg.config import DEFAULT_MAX_PIXELS, DEFAULT_MAX_WORKERS
from sender.capacity.figures import AwsFigures, Figure, Measured
from sender.send import CHUNK as SENDER_BATCH

MIB = 1024**2
GB = 1024**3  # CloudWatch Logs and Lambda count GB as 1024 MB
MB_PER_GB = 1024
SECONDS_PER_DAY = 86_400
HOURS_PER_MONTH = 730  # the month of AWS's price examples and calculator
DEFAULT_TIMEOUT = 60  # terraform: var.timeout
EVENT_SOURCES = ("sender", "s3", "eventbridge")

# Requests of the pipeline per image (sender PUT + function HEAD, GET and PUT; a HEAD is billed as
# a GET). The sender's two listings per 1,000 files that find unchanged ones are left out.
S3_PUTS_PER_IMAGE = 2
S3_GETS_PER_IMAGE = 2
FUNCTION_S3_CALLS_PER_IMAGE = 3  # the function waits for a HEAD, a GET and a PUT per image
# Bytes the function logs, as Lambda's JSON format writes them: one "converted" record per image,
# one EMF document per invocation (whose ConversionTime array grows by one value per image).
LOG_BYTES_PER_IMAGE = 460
LOG_BYTES_PER_INVOCATION = 780
# Message bodies: the sender's {"bucket", "key"}; an S3 or EventBridge event about one object.
SENDER_MESSAGE_BYTES = 120
EVENT_MESSAGE_BYTES = 1_500
# What exists whether images flow or not: four alarms, one dashboard, the function's EMF metrics
# (9 by FunctionName, ImagesFailed by 2 ErrorClass values), the mapping's 5 EventCount metrics.
ALARMS = 4
DASHBOARDS = 1
EMF_METRICS = 11
ESM_METRICS = 5
MEMORY_HEADROOM = 1.25  # over the measured worst batch, as bench row 4 advises
MEMORY_STEP_MB = 64
COST_TOLERANCE = 0.05  # a memory size within 5 % of the cheapest counts as "as cheap"


@dataclass(frozen=True)
class Workload:
    """What the user plans; None where the planner chooses or derives the value."""

    images_per_day: float
    megapixels: float
    region: str = "us-east-1"
    architecture: str = "x86_64"
    batch_size: int = 10
    peak_per_second: float | None = None
    png_mb: float | None = None
    memory_mb: int | None = None
    backlog: int = 0
    seconds_per_megapixel: float | None = None
    max_workers: int = DEFAULT_MAX_WORKERS
    timeout: int = DEFAULT_TIMEOUT
    max_pixels: int = DEFAULT_MAX_PIXELS
    fifo: bool = False
    message_groups: int = 1
    event_source: str = "sender"
    maximum_concurrency: int | None = None
    concurrency_quota: int | None = None


@dataclass(frozen=True)
class Finding:
    """A figure of the plan that exceeds a quota or a setting, with what to do."""

    topic: str
    message: str
    limit: float | None = None
    needed: float | None = None
    source: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {key: value for key, value in self.__dict__.items() if value is not None}


@dataclass(frozen=True)
class Figures:
    """Everything the arithmetic reads: prices of the region, quotas, performance, measurements."""

    aws: AwsFigures
    measured: Measured
    region: str

    def price(self, name: str) -> Figure:
        """A price of the planned region."""
        return self.aws.prices[self.region][name]

    def quota(self, name: str) -> float:
        """The value of a quota."""
        return self.aws.quota(name)

    def performance(self, name: str) -> float:
        """The value of a performance figure."""
        return self.aws.performance[name].value


@dataclass
class Plan:
    """The planner's answer (``as_dict`` is the ``--json`` document)."""

    workload: Workload
    seconds_per_megapixel: float
    seconds_per_megapixel_source: str
    png_bytes: float
    jpeg_bytes: float
    memory_mb: int
    memory_floor_mb: int
    recommended_memory_mb: int
    memory_reason: str
    batch_seconds: float
    seconds_per_image: float
    peak_per_second: float
    peak_concurrency: int
    concurrency_limit: int
    scale_up_seconds: float
    backlog_drain_seconds: float | None
    backlog_concurrency: int
    cost_per_million_usd: dict[str, float]
    requests_per_image: dict[str, float]
    monthly_images: float
    monthly_fixed_usd: dict[str, float]
    monthly_cost_usd: float
    storage_usd_per_month_kept: float
    quota_warnings: list[Finding] = field(default_factory=list)
    configuration_warnings: list[Finding] = field(default_factory=list)

    def as_dict(self, prices_date: str) -> dict[str, Any]:
        """The JSON document: inputs, figures and their sources, results, warnings."""
        return {
            "inputs": dict(self.workload.__dict__),
            "prices_and_quotas_date": prices_date,
            "seconds_per_megapixel": self.seconds_per_megapixel,
            "seconds_per_megapixel_source": self.seconds_per_megapixel_source,
            "png_bytes": round(self.png_bytes),
            "jpeg_bytes": round(self.jpeg_bytes),
            "memory_mb": self.memory_mb,
            "memory_floor_mb": self.memory_floor_mb,
            "recommended_memory_mb": self.recommended_memory_mb,
            "memory_reason": self.memory_reason,
            "batch_seconds": self.batch_seconds,
            "seconds_per_image": self.seconds_per_image,
            "peak_per_second": self.peak_per_second,
            "peak_concurrency": self.peak_concurrency,
            "concurrency_limit": self.concurrency_limit,
            "scale_up_seconds": self.scale_up_seconds,
            "backlog_drain_seconds": self.backlog_drain_seconds,
            "backlog_concurrency": self.backlog_concurrency,
            "cost_per_million_usd": self.cost_per_million_usd,
            "requests_per_image": self.requests_per_image,
            "monthly_images": self.monthly_images,
            "monthly_fixed_usd": self.monthly_fixed_usd,
            "monthly_cost_usd": self.monthly_cost_usd,
            "storage_usd_per_month_kept": self.storage_usd_per_month_kept,
            "quota_warnings": [warning.as_dict() for warning in self.quota_warnings],
            "configuration_warnings": [w.as_dict() for w in self.configuration_warnings],
        }


# ----------------------------------------------------------------------------------------------
# Time and memory


def vcpus(memory_mb: float, memory_per_vcpu_mb: float) -> float:
    """The vCPUs Lambda allots to ``memory_mb``: one per ``memory_per_vcpu_mb``, in proportion."""
    return memory_mb / memory_per_vcpu_mb


def batch_seconds(
    cpu_seconds_per_image: float,
    images: int,
    memory_mb: float,
    workers: int,
    memory_per_vcpu_mb: float,
    wait_seconds_per_image: float,
) -> float:
    """Seconds one invocation takes for ``images``: the larger of two bounds.

    - CPU: all the conversion work at the vCPUs the memory buys, as many at once as there are
      threads (``cpu_seconds_per_image`` is the time on one full vCPU);
    - threads: each thread's share of the images one after another, each converted at most one
      vCPU fast, plus the S3 requests the thread waits for (``wait_seconds_per_image``).
    """
    threads = min(workers, images)
    cpus = vcpus(memory_mb, memory_per_vcpu_mb)
    cpu_bound = images * cpu_seconds_per_image / min(threads, cpus)
    per_image = cpu_seconds_per_image / min(1.0, cpus) + wait_seconds_per_image
    return max(cpu_bound, math.ceil(images / threads) * per_image)


def billed_seconds(seconds: float) -> float:
    """Lambda bills duration rounded up to the millisecond."""
    return math.ceil(round(seconds * 1000, 6)) / 1000


def round_up(value: float, step: int) -> int:
    """``value`` rounded up to a multiple of ``step``."""
    return int(math.ceil(value / step) * step)


def memory_floor_mb(measured: Measured, max_pixels: int) -> int:
    """Memory that holds the measured worst batch, scaled to ``max_pixels``, with headroom."""
    worst = measured.worst_batch_bytes * max_pixels / measured.max_pixels
    return round_up((measured.runtime_bytes + worst) * MEMORY_HEADROOM / MIB, MEMORY_STEP_MB)


def recommend_memory(
    floor_mb: int, gb_seconds_per_image: Callable[[int], float], vcpu_mb: int
) -> tuple[int, str]:
    """The memory to run at, and why.

    From the memory floor up to one vCPU (``vcpu_mb``), the largest size whose GB-seconds per
    image stay within :data:`COST_TOLERANCE` of the cheapest: while a batch is CPU-bound, more
    memory buys a larger share of a vCPU and the same work costs the same; once its threads mostly
    wait on S3, each MB more costs more. Beyond one vCPU only the threads' parallelism would use
    the extra vCPUs, which ``make tune`` measures rather than assumes.
    """
    if floor_mb >= vcpu_mb:
        return floor_mb, "the memory floor is at or above one vCPU's memory"
    sizes = sorted({*range(floor_mb, vcpu_mb + 1, MEMORY_STEP_MB), vcpu_mb})
    cheapest = min(gb_seconds_per_image(size) for size in sizes)
    best = max(s for s in sizes if gb_seconds_per_image(s) <= cheapest * (1 + COST_TOLERANCE))
    if best == vcpu_mb:
        why = (
            f"up to one vCPU ({vcpu_mb} MB) the batch is CPU-bound: more memory buys a larger "
            "share of a vCPU and costs the same per image; beyond it only the threads' "
            "parallelism would use more vCPUs (make tune measures it)"
        )
    elif best == floor_mb:
        why = "at the floor the threads already wait on S3 more than they convert"
    else:
        why = (
            f"up to {best} MB the batch is CPU-bound and more memory costs the same per image; "
            "above, its threads mostly wait on S3 and each MB more costs more"
        )
    return best, why


# ----------------------------------------------------------------------------------------------
# Requests and cost


def chunks(payload_bytes: float, chunk_bytes: float) -> int:
    """SQS bills each started 64 KB chunk of a request's payload as one request."""
    return max(1, math.ceil(payload_bytes / chunk_bytes))


def sqs_requests_per_image(
    event_source: str, batch_size: int, batch_limit: int, chunk_bytes: float
) -> dict[str, float]:
    """Billed SQS requests per image: send, receive, delete (payload chunks counted)."""
    if event_source == "sender":
        send = chunks(SENDER_BATCH * SENDER_MESSAGE_BYTES, chunk_bytes) / SENDER_BATCH
        body = SENDER_MESSAGE_BYTES
    else:
        send = float(chunks(EVENT_MESSAGE_BYTES, chunk_bytes))
        body = EVENT_MESSAGE_BYTES
    per_call = min(batch_limit, batch_size)
    receive = chunks(per_call * body, chunk_bytes) / per_call
    return {"sqs_send": send, "sqs_receive": receive, "sqs_delete": 1 / per_call}


def ramp_up_seconds(
    needed: int, start: float, limit: float, per_minute: float, ramps: bool = True
) -> float:
    """Seconds the mapping takes from ``start`` to ``needed`` concurrent batches (capped)."""
    target = min(needed, limit)
    return max(0.0, target - start) / per_minute * 60 if ramps else 0.0


def drain_seconds(
    backlog: float,
    images_per_second_per_batch: float,
    start: float,
    limit: float,
    per_second: float,
    arrivals_per_second: float,
) -> float | None:
    """Seconds to work off ``backlog`` while new images keep arriving; None if it never ends.

    Concurrency starts at ``start`` batches and grows by ``per_second`` up to ``limit``; each
    concurrent batch converts ``images_per_second_per_batch``.
    """
    if backlog <= 0:
        return 0.0
    rate, begin = images_per_second_per_batch, min(start, limit)
    ramp = (limit - begin) / per_second if per_second > 0 else 0.0
    # During the ramp: processed(t) = rate * (begin * t + per_second * t^2 / 2) - arrivals * t.
    a, b = rate * per_second / 2, rate * begin - arrivals_per_second
    if ramp > 0:
        t = (-b + math.sqrt(b * b + 4 * a * backlog)) / (2 * a)
        if t <= ramp:
            return t
    done = rate * (begin * ramp + per_second * ramp * ramp / 2) - arrivals_per_second * ramp
    net = rate * limit - arrivals_per_second
    if net <= 0:
        return None
    return ramp + (backlog - done) / net
