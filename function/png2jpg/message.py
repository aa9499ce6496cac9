"""The message and key contract: SQS message body to S3 objects, input key to output key. No I/O.

A body is exactly one of:

- the sender's ``{"bucket": "<name>", "key": "<key>"}`` (the key as stored, not URL-encoded), with
  no other field;
- an S3 event notification ``{"Records": [...]}``, one to :data:`MAX_RECORDS` records (S3 sends
  one), each with an ``eventName`` and the bucket and URL-encoded key (``+`` for a space) of its
  object. ``ObjectCreated:*`` records name objects to convert, each object once however often it
  is named; ``ObjectRemoved:*`` records are acknowledged without output;
- S3's ``s3:TestEvent``, sent when a notification is configured: acknowledged without output.

Anything else is a :class:`~png2jpg.errors.BadMessageError`, a permanent failure: a body that is
not JSON or nests deeper than the parser allows, one that names a field twice in an object (JSON
parsers disagree on which one counts), one that mixes shapes (``Records`` beside ``bucket``), an
empty ``Records`` list or one over :data:`MAX_RECORDS`, an unknown event name, and a key S3 could
not store (not valid UTF-8, over 1,024 bytes). Nothing is acknowledged without a reason.

The output key rule is documented on :func:`output_key`; the sender imports it, so the two
cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from png2jpg.errors import BadMessageError

_PNG = ".png"
MAX_KEY_BYTES = 1024  # S3's limit on a key, in UTF-8 bytes
# Most records a notification body may hold. S3 sends one per message; each record is a
# conversion, and a body naming more than one invocation can convert would be deferred and
# redelivered for ever.
MAX_RECORDS = 10

SENDER_FIELDS = frozenset({"bucket", "key"})
TEST_EVENT_FIELDS = frozenset({"Service", "Event", "Time", "Bucket", "RequestId", "HostId"})
CREATE_EVENTS = frozenset(
    {
        "ObjectCreated:Put",
        "ObjectCreated:Post",
        "ObjectCreated:Copy",
        "ObjectCreated:CompleteMultipartUpload",
    }
)
REMOVE_EVENTS = frozenset({"ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated"})


@dataclass(frozen=True)
class S3Location:
    """One S3 object: bucket name and key."""

    bucket: str
    key: str


@dataclass(frozen=True)
class Ignored:
    """Something a body names that is acknowledged without output, and why."""

    reason: str
    location: S3Location | None = None


def parse_body(body: object) -> list[S3Location | Ignored]:
    """Return what an SQS message body names: objects to convert and acknowledged notices.

    Raises :class:`BadMessageError` for a body that is not exactly one of the accepted shapes.
    """
    if not isinstance(body, str):
        raise BadMessageError("message has no body")
    try:
        document = json.loads(body, object_pairs_hook=_unique_fields)
    except RecursionError:
        raise BadMessageError("message body nests deeper than JSON parsing allows") from None
    except BadMessageError:
        raise
    except ValueError as exc:
        raise BadMessageError(f"message body is not JSON ({exc}): {body[:200]!r}") from None
    if not isinstance(document, dict):
        raise BadMessageError(f"message body is not a JSON object: {body[:200]!r}")
    fields = frozenset(document)
    if fields == SENDER_FIELDS:
        return [S3Location(_text(document["bucket"], "bucket"), _key(document["key"], "key"))]
    if fields == {"Records"}:
        return _notification(document["Records"])
    test_event = document.get("Event") == "s3:TestEvent" and document.get("Service") == "Amazon S3"
    if test_event and fields <= TEST_EVENT_FIELDS:
        return [Ignored("s3:TestEvent: S3 checked that it can send notifications")]
    raise BadMessageError(
        'message body must be {"bucket": ..., "key": ...}, an S3 event notification '
        f'{{"Records": [...]}} or an s3:TestEvent; got fields {sorted(fields)}'
    )


def _unique_fields(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; BadMessageError if it names a field twice."""
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            raise BadMessageError(f"message body has a duplicate field {json.dumps(name)[:100]}")
        seen.add(name)
    return dict(pairs)


def _notification(records: Any) -> list[S3Location | Ignored]:
    if not isinstance(records, list) or not records:
        raise BadMessageError('S3 event notification "Records" is not a non-empty list')
    if len(records) > MAX_RECORDS:
        raise BadMessageError(
            f"S3 event notification holds {len(records)} records, over the limit of "
            f"{MAX_RECORDS} per message (S3 sends one): send one message per object"
        )
    items: list[S3Location | Ignored] = []
    for index, record in enumerate(records):
        where = f"S3 event notification record {index}"
        try:
            event_name = record["eventName"]
            bucket = record["s3"]["bucket"]["name"]
            raw_key = record["s3"]["object"]["key"]
        except (KeyError, TypeError):
            raise BadMessageError(
                f"{where} lacks eventName, s3.bucket.name or s3.object.key"
            ) from None
        location = S3Location(
            _text(bucket, f"{where} bucket"),
            _key(unquote_plus(_text(raw_key, f"{where} key")), f"{where} key"),
        )
        if event_name in CREATE_EVENTS:
            if location not in items:  # converted once, however often it is named
                items.append(location)
        elif event_name in REMOVE_EVENTS:
            items.append(Ignored(f"{event_name}: nothing to convert", location))
        else:
            raise BadMessageError(f"{where} has an unknown eventName {event_name!r}")
    return items


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise BadMessageError(f"{what} is not a non-empty string: {value!r}"[:300])
    return value


def _key(value: object, what: str) -> str:
    key = _text(value, what)
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        raise BadMessageError(
            f"{what} is not valid UTF-8 (it holds a lone surrogate): {key!r}"[:300]
        ) from None
    if size > MAX_KEY_BYTES:
        raise BadMessageError(f"{what} is {size} bytes, over S3's limit of {MAX_KEY_BYTES}")
    return key


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

    ``key`` must start with ``input_prefix`` and end in ``.png`` in any case; the output is
    ``output_prefix`` + the rest of the key with that extension replaced by ``.jpg``:

    - ``pngfiles/a/b.png`` -> ``jpgfiles/a/b.jpg``;
    - ``pngfiles/a/b.PNG`` -> ``jpgfiles/a/b.jpg`` (likewise ``.Png``, ``.pNG``...);
    - ``pngfiles/a/b.png.png`` -> ``jpgfiles/a/b.png.jpg``: only the last extension is replaced.

    Any other key raises :class:`BadMessageError` (a ValueError): one outside the input prefix
    (which also makes a recursive trigger impossible), one naming nothing after it, and one that
    does not end in ``.png`` (``a/b``, ``a/b.gif``). Refusing those is what keeps ``a/b`` and
    ``a/b.png`` from ever writing the same JPEG. So does a key whose output key would be over
    S3's 1,024 bytes (an output prefix longer than the input prefix): S3 could never store it.

    Keys that differ only in the case of the extension, ``a/b.png`` and ``a/b.PNG``, map to the
    same ``a/b.jpg``, the later conversion overwriting the earlier one: the sender and the S3
    notification filter select keys by their ``.png`` extension, and the output name is the stem
    plus ``.jpg`` whatever that extension's case. Apart from that the mapping is injective: the
    output is determined by, and determines, the pair (stem, extension lowercased).

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
        raise BadMessageError(f"{key!r} does not end in .png: only PNG keys are converted")
    target = f"{output_prefix}{stem}.jpg"
    size = len(target.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        raise BadMessageError(
            f"the JPEG's key would be {size} bytes, over S3's limit of {MAX_KEY_BYTES} (the "
            f"PNG's key is {len(key.encode('utf-8', 'surrogatepass'))} bytes; input prefix "
            f"{input_prefix!r}, output prefix {output_prefix!r})"
        )
    return target
