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

_PNG = ".png"


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

    The rule is the contract in DESIGN.md: ``key`` must start with ``input_prefix`` and end in
    ``.png`` in any case; the output is ``output_prefix`` + the rest of the key with that extension
    replaced by ``.jpg``:

    - ``pngfiles/a/b.png`` -> ``jpgfiles/a/b.jpg``;
    - ``pngfiles/a/b.PNG`` -> ``jpgfiles/a/b.jpg`` (likewise ``.Png``, ``.pNG``...);
    - ``pngfiles/a/b.png.png`` -> ``jpgfiles/a/b.png.jpg``: only the last extension is replaced.

    Any other key raises :class:`BadMessageError` (a ValueError): one outside the input prefix
    (which also makes a recursive trigger impossible), one naming nothing after it, and one that
    does not end in ``.png`` (``a/b``, ``a/b.gif``). Refusing those is what keeps ``a/b`` and
    ``a/b.png`` from ever writing the same JPEG.

    Keys that differ only in the case of the extension, ``a/b.png`` and ``a/b.PNG``, map to the
    same ``a/b.jpg``, the later conversion overwriting the earlier one. This is deliberate, a
    consequence of the contract: the sender and the S3 notification filter select keys by their
    ``.png`` extension, and the output name is the stem plus ``.jpg`` whatever that extension's
    case. Apart from that the mapping is injective: the output is determined by, and determines,
    the pair (stem, extension lowercased).

    Raises ValueError for prefixes :func:`check_prefixes` rejects.
    """
    check_prefixes(input_prefix, output_prefix)
    if not key.startswith(input_prefix):
        raise BadMessageError(f"key {key!r} is outside the input prefix {input_prefix!r}")
    rest = key[len(input_prefix) :]
    if not rest:
        raise BadMessageError(f"key {key!r} names no object under the input prefix")
    stem, extension = rest[: -len(_PNG)], rest[-len(_PNG) :]
    if extension.lower() != _PNG:
        raise BadMessageError(f"{key} does not end in .png: only PNG keys are converted")
    return f"{output_prefix}{stem}.jpg"
