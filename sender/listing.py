"""Listing the objects of a run's keys: one request per 1,000 objects in their key range."""

import os
from collections.abc import Iterable
from typing import Any


def list_range(s3: Any, bucket: str, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``{key: listing entry}`` (Size, ETag, LastModified, ...) of the objects from the first of
    ``keys`` to the last, in key order; ``{}`` for no keys.

    S3 lists in key order: only that range is read, however many objects lie around it (those
    whose keys sort among the run's are listed too).
    """
    ordered = sorted(keys)
    if not ordered:
        return {}
    first, last = ordered[0], ordered[-1]
    prefix = os.path.commonprefix([first, last])  # noqa: RUF071 (S3 prefixes are strings)
    paginator = s3.get_paginator("list_objects_v2")
    # A key's proper prefix sorts right before it: listing starts at ``first``.
    pages = paginator.paginate(Bucket=bucket, Prefix=prefix, StartAfter=first[:-1])
    listing: dict[str, dict[str, Any]] = {}
    for obj in (obj for page in pages for obj in page.get("Contents", [])):
        if obj["Key"] > last:
            break
        listing[obj["Key"]] = obj
    return listing
