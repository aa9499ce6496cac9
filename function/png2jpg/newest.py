"""Writing a JPEG only over an older one: conditional writes, a lost race decided by version.

A conversion writes its JPEG with ``If-None-Match: *`` where it found no JPEG, or ``If-Match`` on
the ETag of the JPEG it found. S3 refuses the write if another conversion wrote the key
meanwhile; the JPEG is then read again (its metadata only) and the two source versions compared
(:func:`png2jpg.versions.is_newer`):

- the JPEG holds the same version: nothing to write (``unchanged``);
- it holds a newer one: this conversion is dropped, never written (``superseded``);
- it holds an older one (or it was deleted): the write is tried again over what is there now.

Each retry needs a newer JPEG than the one before, so the loop ends; :data:`MAX_WRITES` bounds
it anyway: a key that changes under every write fails transiently and is retried later.
"""

from __future__ import annotations

import enum
from typing import Any

from png2jpg.errors import TransientError
from png2jpg.message import S3Location
from png2jpg.storage import Jpeg, head_jpeg, put_jpeg, served_etag
from png2jpg.versions import Version, is_newer, jpeg_metadata

MAX_WRITES = 5


class Written(enum.Enum):
    """What became of a converted JPEG; the value is the log's outcome."""

    CONVERTED = "converted"  # written
    UNCHANGED = "unchanged"  # the JPEG already holds this version
    SUPERSEDED = "superseded"  # the JPEG holds a newer version: not written


def write_newest(
    s3: Any, source: S3Location, target: str, jpeg: bytes, version: Version, found: Jpeg | None
) -> tuple[Written, Jpeg | None]:
    """Write ``jpeg``, made from ``version`` of ``source``, at ``target`` unless a newer one is
    there.

    ``found`` is the JPEG read before the PNG (None: there was none). Returns the outcome and the
    JPEG that decided it (None once written).
    """
    metadata = jpeg_metadata(source.key, version)
    for _ in range(MAX_WRITES):
        if put_jpeg(s3, source.bucket, target, jpeg, metadata, over=found):
            return Written.CONVERTED, None
        found = head_jpeg(s3, source.bucket, target)
        if found is None:
            continue  # deleted meanwhile: write where there is none
        if found.source is not None and found.source.etag == version.etag:
            return Written.UNCHANGED, found
        if not is_newer(version, found.source, lambda: served_etag(s3, source)):
            return Written.SUPERSEDED, found
    raise TransientError(
        f"s3://{source.bucket}/{target} changed under each of {MAX_WRITES} conditional writes; "
        "the message is kept for a retry"
    )
