"""Lambda entry point: an SQS batch in, one JPEG per named PNG out, failed records reported.

The event source mapping must use ``function_response_types = ["ReportBatchItemFailures"]``: the
handler returns ``{"batchItemFailures": [{"itemIdentifier": messageId}, ...]}`` listing exactly the
records that failed, so SQS deletes the others and redelivers these (then moves them to the DLQ).

- A record's failure never affects another record: every exception is caught per record, logged
  (unexpected ones with a traceback, as ``transient`` since retrying is the safe default) and
  reported. An event that is not an SQS batch (no ``Records``, a record without ``messageId``)
  raises instead, so Lambda retries the whole batch.
- Records run concurrently on up to MAX_WORKERS threads; their decodes share a budget of
  MAX_PIXELS pixels (:mod:`png2jpg.budget`), so a batch needs no more memory than one image.
- Records of a FIFO queue (they carry a ``MessageGroupId``) run one after another within their
  group, in batch order; once one fails, the group's later records are reported as failed
  without being processed ("skipped"), so they are redelivered in order. Other groups go on.
  Exception: when MAX_RECEIVE_COUNT is set and the failed record's ApproximateReceiveCount has
  reached it, this was its last receive and SQS moves it to the DLQ, so its group goes on with
  the later records (otherwise they, received in the same batches, would reach the same count
  and follow it into the DLQ).
- Each object named by a record gets one JSON log line (see :mod:`png2jpg.log`) with messageId,
  bucket, key, output_key, outcome (converted/failed/ignored/skipped), duration_ms, bytes_in,
  bytes_out, and for failures error_class and a message. A FIFO record that failed on its final
  receive gets a second WARN line, without outcome, saying that its group continues.
- Configuration (:mod:`png2jpg.config`) and the S3 client are built once per container, on the
  first invocation; a configuration error fails that invocation with the list of bad variables.
  boto3 honours AWS_ENDPOINT_URL (LocalStack) by itself and uses path-style addressing there.
"""

from __future__ import annotations

import functools
import os
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from PIL import Image

from png2jpg.budget import PixelBudget
from png2jpg.config import Config, load_config
from png2jpg.convert import png_pixels, png_to_jpeg
from png2jpg.errors import BadMessageError, PermanentError, Png2JpgError, TransientError
from png2jpg.log import log_json
from png2jpg.message import S3Location, output_key, parse_body

# Error codes S3 (and KMS behind it) return with a 4xx status that a later retry can fix.
_TRANSIENT_CODES = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "KMS.ThrottlingException",
        "RequestTimeout",
        "RequestTimeTooSkewed",
        "OperationAborted",
        "TooManyRequestsException",
    }
)


@dataclass(frozen=True)
class Runtime:
    """What one container builds once: the configuration, the S3 client, the pixel budget."""

    config: Config
    s3: Any
    pixels: PixelBudget


@functools.cache
def get_runtime() -> Runtime:
    """Load the configuration and create the S3 client, once per container.

    Tests call ``get_runtime.cache_clear()`` to rebuild both after changing the environment.
    """
    config = load_config(os.environ)
    # Pillow's own bomb check (warning above the limit, error above twice the limit) agrees with
    # ours; the exact limit is checked in convert from the header, before decoding. Setting it
    # once here, not per call, keeps it out of the worker threads.
    Image.MAX_IMAGE_PIXELS = config.max_pixels
    s3 = boto3.client(
        "s3",
        config=BotoConfig(
            retries={"mode": "standard"},  # 3 attempts with backoff for throttling and 5xx
            connect_timeout=5,
            read_timeout=20,
            max_pool_connections=max(10, config.max_workers),
        ),
    )
    any_bucket = config.allowed_buckets is None
    log_json(
        "WARN" if any_bucket else "INFO",
        message="ALLOWED_BUCKETS is '*': messages may name any bucket the role can reach"
        if any_bucket
        else "configuration loaded",
        config={
            "allowed_buckets": "*" if any_bucket else sorted(config.allowed_buckets or ()),
            "input_prefix": config.input_prefix,
            "output_prefix": config.output_prefix,
            "jpeg_quality": config.jpeg_quality,
            "max_pixels": config.max_pixels,
            "max_input_bytes": config.max_input_bytes,
            "matte_color": "#{:02x}{:02x}{:02x}".format(*config.matte_color),
            "max_workers": config.max_workers,
            "max_receive_count": config.max_receive_count,
        },
    )
    return Runtime(config, s3, PixelBudget(config.max_pixels))


def lambda_handler(event: Mapping[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    """Convert the PNGs named by an SQS batch; return the partial batch response."""
    runtime = get_runtime()
    groups = _groups(event)
    if not groups:
        return {"batchItemFailures": []}
    workers = min(runtime.config.max_workers, len(groups))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="png2jpg") as pool:
        failed = set().union(*pool.map(lambda group: _process_group(group, runtime), groups))
    return {
        "batchItemFailures": [
            {"itemIdentifier": record["messageId"]}
            for group in groups
            for record in group
            if record["messageId"] in failed
        ]
    }


def _groups(event: Mapping[str, Any]) -> list[list[Mapping[str, Any]]]:
    """Split the batch into lists run in order: one per FIFO message group, else one per record."""
    records = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(records, list):
        raise ValueError("not an SQS event: no Records list")
    groups: dict[object, list[Mapping[str, Any]]] = {}
    for index, record in enumerate(records):
        if not isinstance(record, Mapping) or not isinstance(record.get("messageId"), str):
            raise ValueError(f"not an SQS event: record {index} has no messageId")
        group_id = _attribute(record, "MessageGroupId")
        groups.setdefault(("group", group_id) if group_id else index, []).append(record)
    return list(groups.values())


def _process_group(records: list[Mapping[str, Any]], runtime: Runtime) -> set[str]:
    """Process records in order; after a failure report the rest unprocessed. Return failed ids.

    A failure on the record's last receive (see :func:`_on_last_receive`) does not stop the group.
    """
    failed: set[str] = set()
    blocked = False
    for record in records:
        message_id = record["messageId"]
        if blocked:
            log_json(
                "WARN",
                messageId=message_id,
                outcome="skipped",
                message="not processed: an earlier message of its FIFO message group failed "
                "in this batch, so it is returned to the queue to keep the group's order",
            )
            failed.add(message_id)
            continue
        if _process_record(record, runtime):
            continue
        failed.add(message_id)
        group_id = _attribute(record, "MessageGroupId")
        if not group_id:
            continue  # a standard queue's record is a group of its own
        receive_count = _last_receive_count(record, runtime.config.max_receive_count)
        if receive_count is None:
            blocked = True
            continue
        log_json(
            "WARN",
            messageId=message_id,
            message_group=group_id,
            receive_count=receive_count,
            max_receive_count=runtime.config.max_receive_count,
            message="FIFO message group continues: this failed message is on its final receive "
            "(ApproximateReceiveCount reached MAX_RECEIVE_COUNT) and goes to the DLQ, so the "
            "group's later messages are processed now instead of following it there",
        )
    return failed


def _last_receive_count(record: Mapping[str, Any], max_receive_count: int | None) -> int | None:
    """The record's ApproximateReceiveCount if it is at least ``max_receive_count``, else None.

    SQS moves a message to the DLQ once it has been received maxReceiveCount times, so such a
    failure was the message's last. None too when MAX_RECEIVE_COUNT is unset or the count is
    missing or unreadable: the group then stops, which is always safe for its order.
    """
    if max_receive_count is None:
        return None
    try:
        count = int(_attribute(record, "ApproximateReceiveCount") or "")
    except ValueError:
        return None
    return count if count >= max_receive_count else None


def _attribute(record: Mapping[str, Any], name: str) -> str | None:
    """An SQS system attribute of the record (``record["attributes"][name]``), None if absent."""
    attributes = record.get("attributes")
    value = attributes.get(name) if isinstance(attributes, Mapping) else None
    return value if isinstance(value, str) else None


def _process_record(record: Mapping[str, Any], runtime: Runtime) -> bool:
    """Convert every object a record names; True if the record succeeded (or named nothing)."""
    message_id = record["messageId"]
    started = time.perf_counter()
    try:
        locations = parse_body(record.get("body"))
    except Exception as exc:  # a bad body fails its record, never the batch
        _log_failure({"messageId": message_id, "bucket": None, "key": None}, started, exc)
        return False
    if not locations:
        log_json(
            "INFO",
            messageId=message_id,
            outcome="ignored",
            duration_ms=_elapsed_ms(started),
            message="message names no object to convert (s3:TestEvent or no ObjectCreated record)",
        )
        return True
    # A list, not a generator fed to all(): every object is converted even after one fails.
    results = [_convert_object(message_id, location, runtime) for location in locations]
    return all(results)


def _convert_object(message_id: str, location: S3Location, runtime: Runtime) -> bool:
    """Fetch, convert and store one object, log the outcome; True if the JPEG was written."""
    started = time.perf_counter()
    fields: dict[str, object] = {
        "messageId": message_id,
        "bucket": location.bucket,
        "key": location.key,
        "output_key": None,
        "bytes_in": None,
        "bytes_out": None,
    }
    try:
        _convert(location, runtime, fields)
    except Exception as exc:  # one object's failure must not reach the others
        _log_failure(fields, started, exc)
        return False
    log_json("INFO", **fields, outcome="converted", duration_ms=_elapsed_ms(started))
    return True


def _convert(location: S3Location, runtime: Runtime, fields: dict[str, object]) -> None:
    config, s3 = runtime.config, runtime.s3
    bucket, key = location.bucket, location.key
    if not config.bucket_allowed(bucket):
        raise BadMessageError(f"bucket {bucket!r} is not in ALLOWED_BUCKETS")
    target = output_key(key, config.input_prefix, config.output_prefix)
    fields["output_key"] = target
    where = f"s3://{bucket}/{key}"

    response = _s3_call(where, s3.get_object, Bucket=bucket, Key=key)
    body = response["Body"]
    try:
        size = response["ContentLength"]
        fields["bytes_in"] = size
        if size > config.max_input_bytes:
            raise PermanentError(
                f"{where} is {size} bytes, over the limit of {config.max_input_bytes} "
                "(MAX_INPUT_BYTES)"
            )
        data = _s3_call(where, body.read)
    finally:
        body.close()
    etag = response["ETag"].strip('"')

    try:
        with runtime.pixels.reserve(png_pixels(data)):
            jpeg = png_to_jpeg(
                data,
                quality=config.jpeg_quality,
                max_pixels=config.max_pixels,
                matte=config.matte_color,
            )
    except PermanentError as exc:
        raise PermanentError(f"{where}: {exc}") from exc
    del data
    fields["bytes_out"] = len(jpeg)
    _s3_call(
        f"s3://{bucket}/{target}",
        s3.put_object,
        Bucket=bucket,
        Key=target,
        Body=jpeg,
        ContentType="image/jpeg",
        # User metadata travels in HTTP headers, which must be ASCII: the key is URL-quoted.
        Metadata={"source-key": quote(key, safe="/"), "source-etag": etag},
    )


def _s3_call(where: str, call: Callable[..., Any], **kwargs: Any) -> Any:
    """Run one S3 call and turn its exceptions into permanent or transient errors."""
    try:
        return call(**kwargs)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if code in ("NoSuchKey", "404"):
            raise PermanentError(f"{where} does not exist ({code})") from exc
        detail = f"{where}: {code or 'error'} (HTTP {status}) {error.get('Message', '')}".rstrip()
        if status >= 500 or status == 429 or code in _TRANSIENT_CODES:
            raise TransientError(detail) from exc
        raise PermanentError(detail) from exc
    except BotoCoreError as exc:  # timeouts, connection errors, truncated responses
        raise TransientError(f"{where}: {exc}") from exc


def _log_failure(fields: dict[str, object], started: float, exc: Exception) -> None:
    if isinstance(exc, Png2JpgError):
        error_class, message, trace = exc.error_class, str(exc), None
    else:
        error_class, message = "transient", f"unexpected error: {exc!r}"
        trace = traceback.format_exc()
    log_json(
        "ERROR",
        **fields,
        outcome="failed",
        duration_ms=_elapsed_ms(started),
        error_class=error_class,
        message=message,
        **({"traceback": trace} if trace else {}),
    )


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
