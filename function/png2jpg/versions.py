"""Which version of its PNG a JPEG holds, and which of two versions is the newer. No I/O.

A version is what S3 says about the PNG when the function reads it: its ETag and its
LastModified. The JPEG records both in its user metadata (``source-etag``,
``source-last-modified``), beside the source key, so a later delivery can tell without
downloading the PNG whether the JPEG is already made from the version S3 serves.

The order of two versions with different ETags (the same ETag is the same content):

1. the later LastModified is the newer. S3 gives it to the second, so two uploads within one
   second tie;
2. a tie goes to the version S3 serves when the tie is decided (the current version is by
   definition the newest upload);
3. if S3 serves neither (a third upload came meanwhile), the larger ETag is taken as the newer:
   arbitrary, but the same answer everywhere, and the third upload's own message then converts
   the version S3 serves, which wins by rule 1 or 2.

A JPEG whose metadata records no LastModified (written by an earlier release of the kit) or no
ETag at all (written by something else) counts as older than any version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

# S3 allows 2 KB of user metadata (keys and values, UTF-8); this leaves room for the version.
MAX_SOURCE_KEY_METADATA = 1900
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Version:
    """One version of a PNG: its ETag (unquoted) and LastModified (UTC, whole seconds)."""

    etag: str
    last_modified: dt.datetime | None = None

    def __str__(self) -> str:
        when = self.last_modified.strftime(_TIME_FORMAT) if self.last_modified else "unknown"
        return f"ETag {self.etag}, last modified {when}"


def version(etag: str, last_modified: dt.datetime | None) -> Version:
    """The version of an S3 answer's ETag (quoted or not) and LastModified."""
    when = None
    if last_modified is not None:
        when = last_modified.astimezone(dt.UTC).replace(microsecond=0)
    return Version(etag.strip('"'), when)


def jpeg_metadata(key: str, source: Version) -> dict[str, str]:
    """The JPEG's user metadata naming its source key and version.

    ``source-key`` is the source key URL-quoted (metadata travels in ASCII HTTP headers) when that
    fits S3's 2 KB metadata limit; a longer one (e.g. ~230 CJK characters and up) is replaced by
    ``source-key-sha256``, the SHA-256 of the key's UTF-8 bytes, so the PUT never fails for it.
    """
    quoted = quote(key, safe="/")
    if len(quoted) <= MAX_SOURCE_KEY_METADATA:
        named = {"source-key": quoted}
    else:
        named = {"source-key-sha256": hashlib.sha256(key.encode("utf-8")).hexdigest()}
    recorded = {"source-etag": source.etag}
    if source.last_modified is not None:
        recorded["source-last-modified"] = source.last_modified.strftime(_TIME_FORMAT)
    return named | recorded


def recorded_version(metadata: Mapping[str, str]) -> Version | None:
    """The source version a JPEG's metadata records; None if it records none."""
    etag = metadata.get("source-etag")
    if not etag:
        return None
    try:
        when = dt.datetime.strptime(metadata.get("source-last-modified", ""), _TIME_FORMAT)
    except ValueError:
        return Version(etag)
    return Version(etag, when.replace(tzinfo=dt.UTC))


def is_newer(ours: Version, theirs: Version | None, served_etag: Callable[[], str | None]) -> bool:
    """Whether ``ours`` is newer than ``theirs`` (None: a JPEG that records no version).

    ``served_etag`` returns the ETag of the version S3 serves now; it is called only on a tie.
    Equal ETags are not newer.
    """
    if theirs is None:
        return True
    if ours.etag == theirs.etag:
        return False
    if theirs.last_modified is None or ours.last_modified is None:
        return theirs.last_modified is None
    if ours.last_modified != theirs.last_modified:
        return ours.last_modified > theirs.last_modified
    served = served_etag()
    if served in (ours.etag, theirs.etag):
        return served == ours.etag
    return ours.etag > theirs.etag
