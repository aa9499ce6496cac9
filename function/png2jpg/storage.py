"""S3 reads and writes of the function, their errors sorted into permanent and transient.

Reading the PNG: a missing object (404, which AWS answers instead of 403 only because the role may
list the input prefix), access denied and other 4xx answers are permanent; throttling, 5xx and
network errors are transient. Writing the JPEG: throttling, 5xx, network errors and a refusal by
a policy (403: a bucket or key policy, KMS, can be fixed while the message waits) are transient;
any other 4xx (``KeyTooLongError``, ``InvalidArgument``, ``EntityTooLarge``...) says the same
request can never succeed, so it is permanent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError

from png2jpg.errors import PermanentError, TransientError
from png2jpg.message import S3Location

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
# S3 allows 2 KB of user metadata (keys and values, UTF-8); this leaves room for the ETag entry.
MAX_SOURCE_KEY_METADATA = 1900


def get_png(s3: Any, location: S3Location, max_bytes: int) -> tuple[bytes, str]:
    """Download the object; return its bytes and ETag. Larger than ``max_bytes``: refused unread."""
    where = f"s3://{location.bucket}/{location.key}"
    response = _call(where, s3.get_object, Bucket=location.bucket, Key=location.key)
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
    return data, response["ETag"].strip('"')


def put_jpeg(s3: Any, bucket: str, key: str, jpeg: bytes, metadata: dict[str, str]) -> None:
    """Write the JPEG; raise :class:`PermanentError` if S3 can never accept the request."""
    _call(
        f"s3://{bucket}/{key}",
        s3.put_object,
        writing=True,
        Bucket=bucket,
        Key=key,
        Body=jpeg,
        ContentType="image/jpeg",
        Metadata=metadata,
    )


def source_metadata(key: str, etag: str) -> dict[str, str]:
    """The JPEG's user metadata naming its source.

    ``source-key`` is the source key URL-quoted (metadata travels in ASCII HTTP headers) when that
    fits S3's 2 KB metadata limit; a longer one (e.g. ~230 CJK characters and up) is replaced by
    ``source-key-sha256``, the SHA-256 of the key's UTF-8 bytes, so the PUT never fails for it.
    """
    quoted = quote(key, safe="/")
    if len(quoted) <= MAX_SOURCE_KEY_METADATA:
        return {"source-key": quoted, "source-etag": etag}
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return {"source-key-sha256": digest, "source-etag": etag}


def _call(where: str, call: Callable[..., Any], *, writing: bool = False, **kwargs: Any) -> Any:
    """Run one S3 call and turn its exceptions into permanent or transient errors.

    ``writing``: a 403 is transient (a policy that refuses the write can be fixed).
    """
    try:
        return call(**kwargs)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if code in ("NoSuchKey", "404") and not writing:
            raise PermanentError(f"{where} does not exist ({code})") from exc
        detail = f"{where}: {code or 'error'} (HTTP {status}) {error.get('Message', '')}".rstrip()
        transient = status >= 500 or status == 429 or code in _TRANSIENT_CODES
        if transient or (writing and status == 403):
            kept = "; the message is kept for a retry" if writing else ""
            raise TransientError(detail + kept) from exc
        raise PermanentError(detail) from exc
    except BotoCoreError as exc:  # timeouts, connection errors, truncated responses
        raise TransientError(f"{where}: {exc}") from exc
