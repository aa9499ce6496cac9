"""S3 reads and writes of the function, their errors sorted into permanent and transient.

Reading the PNG: a missing object (404, which AWS answers instead of 403 only because the role may
list the input prefix), access denied and other 4xx answers are permanent; throttling, 5xx and
network errors are transient. The JPEG's side (reading its metadata, writing it): throttling, 5xx,
network errors and a refusal by a policy (403: a bucket or key policy, KMS, can be fixed while the
message waits) are transient; any other 4xx (``KeyTooLongError``, ``InvalidArgument``,
``EntityTooLarge``...) says the same request can never succeed, so it is permanent.

Reads and writes are conditional (:mod:`png2jpg.newest` uses them): the PNG is downloaded only if
its ETag differs from the one the JPEG records, and a JPEG is written only over the JPEG that was
read (``If-Match`` on its ETag) or where there was none (``If-None-Match: *``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from png2jpg.errors import PermanentError, Png2JpgError, TransientError
from png2jpg.message import S3Location
from png2jpg.versions import Version, recorded_version, version

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
# A conditional PUT that found another object than the one it names: 412, or 409 when a
# concurrent write to the key won, or 404 when If-Match names an object deleted meanwhile.
_CHANGED = {412: "PreconditionFailed", 409: "ConditionalRequestConflict", 404: "NoSuchKey"}


@dataclass(frozen=True)
class Png:
    """The PNG as read: its bytes and its version."""

    data: bytes
    version: Version


@dataclass(frozen=True)
class Jpeg:
    """The JPEG at an output key: its own ETag and the source version its metadata records."""

    etag: str
    source: Version | None


def get_png(
    s3: Any, location: S3Location, max_bytes: int, unless_etag: str | None = None
) -> Png | None:
    """Download the object; larger than ``max_bytes``: refused unread.

    With ``unless_etag``, None when the object still has that ETag (S3 answers 304, no bytes).
    """
    where = f"s3://{location.bucket}/{location.key}"
    request = {"Bucket": location.bucket, "Key": location.key}
    if unless_etag is not None:
        request["IfNoneMatch"] = f'"{unless_etag}"'
    response = _call(where, s3.get_object, none_if=_not_modified, **request)
    if response is None:
        return None
    body = response["Body"]
    try:
        size = response["ContentLength"]
        if size > max_bytes:
            raise PermanentError(
                f"{where} is {size} bytes, over the limit of {max_bytes} (MAX_INPUT_BYTES)"
            )
        data = _call(where, body.read)
    finally:
        body.close()
    return Png(data, version(response["ETag"], response.get("LastModified")))


def served_etag(s3: Any, location: S3Location) -> str | None:
    """The ETag of the version of the PNG S3 serves now; None if there is none."""
    where = f"s3://{location.bucket}/{location.key}"
    response = _call(
        where, s3.head_object, none_if=_missing, Bucket=location.bucket, Key=location.key
    )
    return None if response is None else str(response["ETag"]).strip('"')


def head_jpeg(s3: Any, bucket: str, key: str) -> Jpeg | None:
    """The JPEG at ``key`` (its metadata only); None if there is none."""
    where = f"s3://{bucket}/{key}"
    response = _call(where, s3.head_object, output=True, none_if=_missing, Bucket=bucket, Key=key)
    if response is None:
        return None
    return Jpeg(str(response["ETag"]).strip('"'), recorded_version(response.get("Metadata", {})))


def put_jpeg(
    s3: Any, bucket: str, key: str, jpeg: bytes, metadata: dict[str, str], over: Jpeg | None
) -> bool:
    """Write the JPEG over ``over`` (None: only where no object is); False if the key holds
    another object by now. Raise :class:`PermanentError` if S3 can never accept the request."""
    condition = {"IfNoneMatch": "*"} if over is None else {"IfMatch": f'"{over.etag}"'}
    response = _call(
        f"s3://{bucket}/{key}",
        s3.put_object,
        output=True,
        none_if=_lost_race,
        Bucket=bucket,
        Key=key,
        Body=jpeg,
        ContentType="image/jpeg",
        Metadata=metadata,
        **condition,
    )
    return response is not None


def _call(
    where: str,
    call: Callable[..., Any],
    *,
    output: bool = False,
    none_if: Callable[[ClientError], bool] = lambda exc: False,
    **kwargs: Any,
) -> Any:
    """Run one S3 call; None for an error ``none_if`` expects, any other error permanent or
    transient (:func:`_classified`)."""
    try:
        return call(**kwargs)
    except ClientError as exc:
        if none_if(exc):
            return None
        raise _classified(where, exc, output=output) from exc
    except BotoCoreError as exc:
        raise _classified(where, exc, output=output) from exc


def _not_modified(exc: ClientError) -> bool:
    return _status(exc) == 304


def _missing(exc: ClientError) -> bool:
    return _status(exc) == 404


def _lost_race(exc: ClientError) -> bool:
    return _CHANGED.get(_status(exc)) == exc.response.get("Error", {}).get("Code")


def _classified(
    where: str, exc: ClientError | BotoCoreError, *, output: bool = False
) -> Png2JpgError:
    """A failed S3 call as a permanent or transient error.

    ``output``: the JPEG's side, where a 403 is transient (a policy that refuses it can be fixed).
    """
    if isinstance(exc, BotoCoreError):  # timeouts, connection errors, truncated responses
        return TransientError(f"{where}: {exc}")
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    status = _status(exc)
    if code in ("NoSuchKey", "404") and not output:
        return PermanentError(f"{where} does not exist ({code})")
    detail = f"{where}: {code or 'error'} (HTTP {status}) {error.get('Message', '')}".rstrip()
    transient = status >= 500 or status == 429 or code in _TRANSIENT_CODES
    if transient or (output and status == 403):
        kept = "; the message is kept for a retry" if output else ""
        return TransientError(detail + kept)
    return PermanentError(detail)


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
