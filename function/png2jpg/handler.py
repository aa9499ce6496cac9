"""Lambda entry point: an SQS batch in, one JPEG per named PNG out, failures sorted.

For each record (run by :mod:`png2jpg.batch`, which owns the partial batch response, FIFO order
and the deadline):

- parse the body (:mod:`png2jpg.message`), then for each object it names: check the bucket and
  key, read the JPEG's metadata, get the PNG unless the JPEG already holds its version
  (``unchanged``), check its header, reserve memory (:mod:`png2jpg.budget`), convert
  (:mod:`png2jpg.convert`), write the JPEG unless a newer one is there (``superseded``,
  :mod:`png2jpg.newest`);
- a transient failure of any object: the record is reported for redelivery;
- otherwise a permanent failure (bad body, or any object): the record is quarantined in the DLQ
  with the reason (:mod:`png2jpg.quarantine`) and not reported, so SQS deletes it; if the DLQ
  refuses it, it is reported instead. Nothing is lost.
- on its last receive (ApproximateReceiveCount >= MAX_RECEIVE_COUNT), a record of a FIFO queue or
  one a redrive brought back from the DLQ that would be reported (transient failure, deferred,
  skipped) is quarantined instead, with ``ErrorClass`` ``transient`` and a reason that says its
  retries are exhausted and why: its FIFO group goes on, and no reason of an earlier quarantine
  reaches the DLQ again with it. Other records keep the redrive policy.

Logs go through the standard ``logging`` module (logger ``png2jpg``), fields in ``extra=``:
messageId, bucket, key, output_key, outcome, duration_ms, bytes_in, bytes_out, error_class. With
Lambda's JSON log format the runtime adds timestamp, level and requestId, and the function's
application log level filters them. One record per object (``converted`` INFO, or WARNING with
the field ``dropped`` when metadata it would have kept was dropped; ``unchanged``, ``superseded``,
``ignored`` INFO; ``failed`` ERROR), one per record not started (``deferred``, ``skipped``
WARNING, the latter naming the record it waits for in ``waits_for``), one per record quarantined
on its last receive (``exhausted`` ERROR); unexpected exceptions are transient and logged with
their traceback. Metrics: :mod:`png2jpg.metrics`.

Configuration (:mod:`png2jpg.config`) and the AWS clients are built once per container, on the
first invocation; a configuration error fails that invocation with the list of bad variables.
boto3 honours AWS_ENDPOINT_URL (LocalStack) by itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from PIL import Image

from png2jpg import metrics
from png2jpg.batch import (
    Deadline,
    DeadlineError,
    RecordStatus,
    SqsRecord,
    Status,
    batch_response,
    run_batch,
    sqs_records,
)
from png2jpg.budget import MemoryBudget
from png2jpg.config import Config, load_config
from png2jpg.convert import PEAK_BYTES_PER_PIXEL, png_to_jpeg, read_header
from png2jpg.errors import BadMessageError, PermanentError, Png2JpgError, TransientError
from png2jpg.message import Ignored, S3Location, output_key, parse_body
from png2jpg.newest import Written, write_newest
from png2jpg.quarantine import quarantine
from png2jpg.storage import Jpeg, get_png, head_jpeg

log = logging.getLogger("png2jpg")


@dataclass(frozen=True)
class Container:
    """What one execution environment builds once: configuration, clients, memory budget."""

    config: Config
    s3: Any
    sqs: Any
    budget: MemoryBudget
    function_name: str


@dataclass(frozen=True)
class Invocation:
    """One invocation's view: the container, its deadline, the results for its metrics."""

    container: Container
    deadline: Deadline
    images: list[metrics.ImageResult]  # appended from worker threads


@dataclass(frozen=True)
class Done:
    """What became of one object that did not fail."""

    written: Written
    pixels: int = 0
    decided_by: Jpeg | None = None  # the JPEG that made the outcome other than converted
    dropped: tuple[str, ...] = ()  # a sentence per piece of metadata the conversion dropped


@functools.cache
def get_container() -> Container:
    """Load the configuration and create the clients, once per container.

    Tests call ``get_container.cache_clear()`` to rebuild them after changing the environment.
    """
    config = load_config(os.environ)
    # Pillow's own bomb check agrees with ours; the exact limit is checked from the header first.
    Image.MAX_IMAGE_PIXELS = config.max_pixels
    retries = BotoConfig(
        retries={"mode": "standard"},  # 3 attempts with backoff for throttling and 5xx
        connect_timeout=5,
        read_timeout=20,
        max_pool_connections=max(10, config.max_workers),
    )
    any_bucket = config.allowed_buckets is None
    log.log(
        logging.WARNING if any_bucket else logging.INFO,
        "ALLOWED_BUCKETS is '*': messages may name any bucket the role can reach"
        if any_bucket
        else "configuration loaded",
        extra={
            "config": {
                "allowed_buckets": "*" if any_bucket else sorted(config.allowed_buckets or ()),
                "dlq_url": config.dlq_url,
                "input_prefix": config.input_prefix,
                "output_prefix": config.output_prefix,
                "jpeg_quality": config.jpeg_quality,
                "max_pixels": config.max_pixels,
                "max_input_bytes": config.max_input_bytes,
                "matte_color": "#{:02x}{:02x}{:02x}".format(*config.matte_color),
                "max_workers": config.max_workers,
                "metrics_namespace": config.metrics_namespace,
                "max_receive_count": config.max_receive_count,
            }
        },
    )
    return Container(
        config=config,
        s3=boto3.client("s3", config=retries),
        sqs=boto3.client("sqs", config=retries),
        # One worst-case image at a time: its input bytes plus its decoding.
        budget=MemoryBudget(config.max_input_bytes + config.max_pixels * PEAK_BYTES_PER_PIXEL),
        function_name=os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "png2jpg"),
    )


def lambda_handler(event: Mapping[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    """Convert the PNGs named by an SQS batch; return the partial batch response."""
    container = get_container()
    records = sqs_records(event)
    invocation = Invocation(container, Deadline(context), [])
    statuses = run_batch(
        records,
        lambda record: _process_record(record, invocation),
        invocation.deadline,
        container.config.max_workers,
    )
    not_started = sum(status.status in (Status.DEFERRED, Status.SKIPPED) for status in statuses)
    statuses = [_returned(status, container) for status in statuses]
    try:
        metrics.write(
            metrics.emf_documents(
                container.config.metrics_namespace,
                container.function_name,
                invocation.images,
                not_started,
                dt.datetime.now(dt.UTC),
            )
        )
    except Exception:  # raising now would redeliver the batch, quarantined records included
        log.exception("could not write the invocation's metric documents")
    return batch_response(statuses)


def _returned(status: RecordStatus, container: Container) -> RecordStatus:
    """Log a record not started; quarantine it instead of returning it if it is exhausted."""
    record = status.record
    if status.status is Status.DEFERRED:
        reason = "deferred: too little time left before the deadline"
        extra = {"time_left_ms": status.time_left_ms}
    elif status.status is Status.SKIPPED and status.waits_for is not None:
        waits_for = status.waits_for
        reason = (
            f"skipped: waits for message {waits_for.message_id} ({_key_of(waits_for)}), an "
            "earlier one of its FIFO message group that is returned to the queue"
        )
        extra = {"waits_for": waits_for.message_id}
    else:
        return status
    exhausted = _exhausted(record, container.config)
    log.warning(
        f"{reason}: unprocessed, "
        + ("its receives are exhausted" if exhausted else "returned to the queue"),
        extra={
            "messageId": record.message_id,
            "key": _key_of(record),
            "outcome": status.status.value,
            **extra,
        },
    )
    if exhausted and _exhaust(record, container, [reason]) is Status.DONE:
        return RecordStatus(record, Status.DONE)
    return status


def _process_record(record: SqsRecord, invocation: Invocation) -> Status:
    """Convert what a record names: DONE (converted, acknowledged, quarantined), RETRY, DEFERRED."""
    container, images = invocation.container, invocation.images
    started = time.perf_counter()
    fields: dict[str, Any] = dict.fromkeys(("bucket", "key", "output_key", "bytes_in", "bytes_out"))
    fields["messageId"] = record.message_id
    try:
        items = parse_body(record.body)
    except BadMessageError as exc:
        _log_failure(fields, started, exc)
        images.append(metrics.ImageResult(error_class=exc.error_class))
        return _quarantine(record, container, [str(exc)])
    errors: list[Png2JpgError] = []
    for item in items:
        if isinstance(item, Ignored):
            where = item.location
            log.info(
                f"ignored: {item.reason}",
                extra={
                    **fields,
                    "bucket": where and where.bucket,
                    "key": where and where.key,
                    "outcome": "ignored",
                    "duration_ms": _elapsed_ms(started),
                },
            )
            continue
        try:
            result, error = _convert_object(record.message_id, item, invocation)
        except DeadlineError:
            return Status.DEFERRED
        images.append(result)
        if error is not None:
            errors.append(error)
    if any(isinstance(error, TransientError) for error in errors):
        if _exhausted(record, container.config):
            return _exhaust(record, container, [str(error) for error in errors])
        return Status.RETRY
    if errors:
        return _quarantine(record, container, [str(error) for error in errors])
    return Status.DONE


def _convert_object(
    message_id: str, location: S3Location, invocation: Invocation
) -> tuple[metrics.ImageResult, Png2JpgError | None]:
    """Get, convert and put one object and log the outcome; return its result and error.

    Raises :class:`DeadlineError` when waiting for memory left too little time to convert.
    """
    started = time.perf_counter()
    fields: dict[str, Any] = {
        "messageId": message_id,
        "bucket": location.bucket,
        "key": location.key,
        "output_key": None,
        "bytes_in": None,
        "bytes_out": None,
    }
    try:
        done = _get_convert_put(location, invocation, fields)
    except DeadlineError:
        raise
    except Exception as exc:  # one object's failure must not reach the others
        error = _log_failure(fields, started, exc)
        return metrics.ImageResult(error_class=error.error_class), error
    duration_ms = _elapsed_ms(started)
    extra = {**fields, "outcome": done.written.value, "duration_ms": duration_ms}
    held = done.decided_by and done.decided_by.source
    if done.written is Written.UNCHANGED:
        log.info(f"unchanged: the JPEG already holds this version of the PNG ({held})", extra=extra)
    elif done.written is Written.SUPERSEDED:
        log.info(
            f"superseded: the JPEG holds a newer version of the PNG ({held}) than the one "
            "converted: not written",
            extra=extra,
        )
    elif done.dropped:  # metadata the JPEG would have kept: say which and why
        dropped = list(done.dropped)
        log.warning(f"converted; {'; '.join(dropped)}", extra={**extra, "dropped": dropped})
    else:
        log.info("converted", extra=extra)
    if done.written is not Written.CONVERTED:
        return metrics.ImageResult(duration_ms=duration_ms, outcome=done.written.value), None
    result = metrics.ImageResult(
        None, fields["bytes_in"], fields["bytes_out"], done.pixels, duration_ms
    )
    return result, None


def _get_convert_put(location: S3Location, invocation: Invocation, fields: dict[str, Any]) -> Done:
    """Check, download, convert and upload one object, filling ``fields``."""
    container = invocation.container
    config = container.config
    bucket, key = location.bucket, location.key
    if not config.bucket_allowed(bucket):
        raise BadMessageError(f"bucket {bucket!r} is not in ALLOWED_BUCKETS")
    target = output_key(key, config.input_prefix, config.output_prefix)
    fields["output_key"] = target
    found = head_jpeg(container.s3, bucket, target)
    recorded = found.source if found else None
    png = get_png(
        container.s3, location, config.max_input_bytes, recorded.etag if recorded else None
    )
    if png is None:
        return Done(Written.UNCHANGED, decided_by=found)
    data, source = png.data, png.version
    del png
    fields["bytes_in"] = len(data)
    dropped: list[str] = []
    try:
        header = read_header(data, max_pixels=config.max_pixels)
        with container.budget.reserve(len(data) + header.peak_bytes):
            if (left := invocation.deadline.too_close()) is not None:
                raise DeadlineError(left)  # the wait for memory used up the time
            jpeg = png_to_jpeg(
                data,
                quality=config.jpeg_quality,
                max_pixels=config.max_pixels,
                matte=config.matte_color,
                dropped=dropped,
            )
    except Png2JpgError as exc:
        raise type(exc)(f"s3://{bucket}/{key}: {exc}") from exc
    del data
    fields["bytes_out"] = len(jpeg)
    written, decided_by = write_newest(container.s3, location, target, jpeg, source, found)
    return Done(written, header.pixels, decided_by, tuple(dropped))


def _exhausted(record: SqsRecord, config: Config) -> bool:
    """Whether a record to be returned goes to the DLQ by the function instead (module doc)."""
    returned_as_it_came = record.group_id is None and record.earlier_error is None
    return not returned_as_it_came and record.on_last_receive(config.max_receive_count)


def _exhaust(record: SqsRecord, container: Container, reasons: list[str]) -> Status:
    """Quarantine a record whose receives are exhausted, as transient, with why it came back."""
    reason = (
        f"retries exhausted (receive {record.receive_count} of max_receive_count "
        f"{container.config.max_receive_count}): {'; '.join(reasons)}"
    )
    status = _quarantine(record, container, [reason], TransientError.error_class)
    if status is Status.DONE:
        log.error(
            reason,
            extra={
                "messageId": record.message_id,
                "key": _key_of(record),
                "outcome": "exhausted",
                "error_class": TransientError.error_class,
            },
        )
    return status


def _key_of(record: SqsRecord) -> str | None:
    """The key of the first object a record names, for log lines; None if it names none."""
    try:
        items = parse_body(record.body)
    except BadMessageError:
        return None
    return next((item.key for item in items if isinstance(item, S3Location)), None)


def _quarantine(
    record: SqsRecord,
    container: Container,
    reasons: list[str],
    error_class: str = PermanentError.error_class,
) -> Status:
    """Send the record to the DLQ: DONE if it went, RETRY (report it) if the DLQ refused."""
    try:
        quarantine(container.sqs, container.config.dlq_url, record, "; ".join(reasons), error_class)
    except TransientError as exc:
        log.error(
            f"{exc}: it is returned to the queue instead",
            extra={
                "messageId": record.message_id,
                "outcome": "failed",
                "error_class": exc.error_class,
            },
        )
        return Status.RETRY
    return Status.DONE


def _log_failure(fields: dict[str, Any], started: float, exc: Exception) -> Png2JpgError:
    """Log a failed object or body; return it as a :class:`Png2JpgError` (unexpected: transient)."""
    known = isinstance(exc, Png2JpgError)
    error = exc if isinstance(exc, Png2JpgError) else TransientError(f"unexpected error: {exc!r}")
    log.error(
        str(error),
        exc_info=None if known else exc,
        extra={
            **fields,
            "outcome": "failed",
            "duration_ms": _elapsed_ms(started),
            "error_class": error.error_class,
        },
    )
    return error


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
