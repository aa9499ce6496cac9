"""SQS message body to S3 locations, and the input-key to output-key mapping. No I/O.

A body is one of:

- the sender's ``{"bucket": "<name>", "key": "<key>"}`` (the key as stored, not URL-encoded);
- an S3 event notification ``{"Records": [{"eventName": "ObjectCreated:Put", "s3": {...}}, ...]}``,
  whose keys are URL-encoded with ``+`` for a space; records of other events (``ObjectRemoved:*``)
  are skipped;
- the ``s3:TestEvent`` S3 sends when a notification is configured: it names no object.

The output key rule is documented on :func:`output_key`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from png2jpg.errors import BadMessageError


@dataclass(frozen=True)
class S3Location:
    """One S3 object: bucket name and key."""

    bucket: str
    key: str


def parse_body(body: object) -> list[S3Location]:
    """Return the objects an SQS message body names, ``[]`` for a body with nothing to convert.

    Raises :class:`BadMessageError` for a body that is not one of the accepted shapes.
    """
    if not isinstance(body, str):
        raise BadMessageError("message has no body")
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise BadMessageError(f"message body is not JSON ({exc}): {body[:200]!r}") from exc
    if not isinstance(document, dict):
        raise BadMessageError(f"message body is not a JSON object: {body[:200]!r}")
    if "Records" in document:
        return _parse_s3_notification(document["Records"])
    if document.get("Event") == "s3:TestEvent":
        return []
    bucket, key = document.get("bucket"), document.get("key")
    if not _is_text(bucket) or not _is_text(key):
        raise BadMessageError(
            'message body needs string "bucket" and "key" fields (or S3 event "Records"), '
            f"got fields {sorted(document)}"
        )
    return [S3Location(bucket, key)]


def _parse_s3_notification(records: Any) -> list[S3Location]:
    if not isinstance(records, list):
        raise BadMessageError('S3 event notification "Records" is not a list')
    locations = []
    for index, record in enumerate(records):
        try:
            event_name = record["eventName"]
            bucket = record["s3"]["bucket"]["name"]
            raw_key = record["s3"]["object"]["key"]
        except (KeyError, TypeError) as exc:
            raise BadMessageError(
                f"S3 event notification record {index} lacks eventName, s3.bucket.name "
                "or s3.object.key"
            ) from exc
        if not (_is_text(event_name) and _is_text(bucket) and _is_text(raw_key)):
            raise BadMessageError(f"S3 event notification record {index} has non-string fields")
        if event_name.startswith("ObjectCreated:"):
            locations.append(S3Location(bucket, unquote_plus(raw_key)))
    return locations


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def check_prefixes(input_prefix: str, output_prefix: str) -> None:
    """Raise ValueError unless both prefixes are usable and can never contain each other's keys.

    Each must be non-empty, end with ``/`` and not start with ``/``, and neither may be a prefix of
    the other: otherwise an output could land under the input prefix and trigger itself.
    """
    for name, prefix in (("input prefix", input_prefix), ("output prefix", output_prefix)):
        if not prefix or not prefix.endswith("/") or prefix.startswith("/"):
            raise ValueError(
                f"{name} {prefix!r} must be non-empty, end with '/', not start with '/'"
            )
    if input_prefix.startswith(output_prefix) or output_prefix.startswith(input_prefix):
        raise ValueError(
            f"input prefix {input_prefix!r} and output prefix {output_prefix!r} overlap: "
            "neither may be a prefix of the other"
        )


def output_key(key: str, input_prefix: str, output_prefix: str) -> str:
    """Return the key of the JPEG for the PNG at ``key``.

    The key must start with ``input_prefix`` (else :class:`BadMessageError`, a ValueError) and name
    something after it. The output is ``output_prefix`` + the rest of the key, ending in ``.jpg``:

    - ``a/b.png`` -> ``a/b.jpg``: a lowercase ``.png`` extension is replaced;
    - ``a/b.PNG`` -> ``a/b.PNG.jpg``: any other spelling of ``.png`` is kept and ``.jpg`` appended;
    - ``a/b`` -> ``a/b.png.jpg``, ``a/b.gif`` -> ``a/b.gif.png.jpg``: other names get ``.png.jpg``;
    - ``a/b.png.png`` -> ``a/b.png.png.jpg``: a name whose stem itself ends in ``.png`` keeps it.

    Only one spelling can become ``b.jpg`` if ``b.png``, ``b.PNG`` and ``b`` are all to get their
    own JPEG, and the lowercase one is what the sender sends. The mapping is injective: stems from
    the first rule never end in ``.png`` (any case), stems from the other rules always do, and
    a stem ending in lowercase ``.png`` after a non-``.png`` name comes only from the third rule.
    Raises ValueError for prefixes :func:`check_prefixes` rejects.
    """
    check_prefixes(input_prefix, output_prefix)
    if not key.startswith(input_prefix):
        raise BadMessageError(f"key {key!r} is outside the input prefix {input_prefix!r}")
    rest = key[len(input_prefix) :]
    if not rest:
        raise BadMessageError(f"key {key!r} names no object under the input prefix")
    if rest.endswith(".png") and not _ends_in_png(rest[:-4]):
        stem = rest[:-4]
    elif _ends_in_png(rest):
        stem = rest
    else:
        stem = rest + ".png"
    return f"{output_prefix}{stem}.jpg"


def _ends_in_png(name: str) -> bool:
    return name.lower().endswith(".png")
