"""Message bodies to S3 locations, and the output-key mapping."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from png2jpg.errors import BadMessageError
from png2jpg.message import Ignored, S3Location, check_prefixes, output_key, parse_body


def s3_notification(*records: tuple[str, str, str]) -> str:
    """An S3 event notification body from (eventName, bucket, URL-encoded key) triples."""
    return json.dumps(
        {
            "Records": [
                {
                    "eventVersion": "2.1",
                    "eventSource": "aws:s3",
                    "eventName": event_name,
                    "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 10}},
                }
                for event_name, bucket, key in records
            ]
        }
    )


def test_sender_body_names_one_object() -> None:
    body = json.dumps({"bucket": "images", "key": "pngfiles/a b/c.png"})
    assert parse_body(body) == [S3Location("images", "pngfiles/a b/c.png")]


def test_s3_notification_keys_are_url_decoded_with_plus_as_space() -> None:
    body = s3_notification(
        ("ObjectCreated:Put", "images", "pngfiles/my+photo%C3%A9.png"),
        ("ObjectCreated:CompleteMultipartUpload", "images", "pngfiles/100%25+sure%2B.png"),
    )
    assert parse_body(body) == [
        S3Location("images", "pngfiles/my photoé.png"),
        S3Location("images", "pngfiles/100% sure+.png"),
    ]


def test_s3_notification_acknowledges_removals_with_a_reason() -> None:
    body = s3_notification(
        ("ObjectRemoved:Delete", "images", "pngfiles/gone.png"),
        ("ObjectCreated:Copy", "images", "pngfiles/new.png"),
    )
    assert parse_body(body) == [
        Ignored(
            "ObjectRemoved:Delete: nothing to convert", S3Location("images", "pngfiles/gone.png")
        ),
        S3Location("images", "pngfiles/new.png"),
    ]


def test_genuine_s3_test_event_is_acknowledged_with_a_reason() -> None:
    body = json.dumps(
        {
            "Service": "Amazon S3",
            "Event": "s3:TestEvent",
            "Time": "2024-01-01T00:00:00.000Z",
            "Bucket": "images",
            "RequestId": "5582815E1AEA5ADF",
            "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
        }
    )
    (ignored,) = parse_body(body)
    assert isinstance(ignored, Ignored)
    assert ignored.reason.startswith("s3:TestEvent")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "message has no body"),
        ("not json", "message body is not JSON"),
        ("[1, 2]", "not a JSON object"),
        ("[" * 100_000 + "]" * 100_000, "nests deeper than JSON parsing allows"),
        ('{"bucket": "images"}', "got fields ['bucket']"),
        ('{"bucket": "images", "key": 7}', "key is not a non-empty string: 7"),
        ('{"bucket": "", "key": "pngfiles/a.png"}', "bucket is not a non-empty string"),
        ('{"bucket": "images", "key": "pngfiles/a.png", "Key": "x"}', "got fields ['Key',"),
        ('{"bucket": "images", "key": "pngfiles/\\ud800.png"}', "lone surrogate"),
        (
            json.dumps({"bucket": "images", "key": "pngfiles/" + "é" * 600}),
            "over S3's limit of 1024",
        ),
        ('{"Records": [], "bucket": "images", "key": "pngfiles/a.png"}', "got fields ['Records',"),
        ('{"Records": []}', '"Records" is not a non-empty list'),
        ('{"Records": {"s3": {}}}', '"Records" is not a non-empty list'),
        ('{"Records": [{"eventName": "ObjectCreated:Put"}]}', "lacks eventName, s3.bucket.name"),
        (s3_notification(("ObjectCreate:Put", "images", "pngfiles/a.png")), "unknown eventName"),
        (
            s3_notification(("ObjectRestore:Completed", "images", "pngfiles/a.png")),
            "unknown eventName",
        ),
        (
            '{"Event": "s3:TestEvent", "Service": "Amazon S3", "key": "pngfiles/a.png"}',
            "got fields",
        ),
        ('{"Event": "s3:TestEvent"}', "got fields ['Event']"),
        ('{"bucket": "images", "key": "pngfiles/a.png", "key": "x"}', 'duplicate field "key"'),
        (
            s3_notification(*[("ObjectCreated:Put", "images", "pngfiles/a.png")] * 11),
            "holds 11 records, over the limit of 10 per message",
        ),
    ],
    ids=[
        "no-body",
        "not-json",
        "not-object",
        "nested-100000-deep",
        "no-key",
        "key-not-string",
        "empty-bucket",
        "extra-field",
        "lone-surrogate",
        "key-over-1024-bytes",
        "records-beside-bucket-and-key",
        "empty-records",
        "records-not-list",
        "record-without-s3",
        "mistyped-event-name",
        "other-event-name",
        "test-event-naming-a-key",
        "test-event-without-service",
        "duplicate-field",
        "eleven-records",
    ],
)
def test_bad_bodies_are_rejected_with_a_reason(body: object, message: str) -> None:
    with pytest.raises(BadMessageError, match=re.escape(message)):
        parse_body(body)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("pngfiles/a/b.png", "jpgfiles/a/b.jpg"),
        ("pngfiles/b.png", "jpgfiles/b.jpg"),
        ("pngfiles/a/b.PNG", "jpgfiles/a/b.jpg"),
        ("pngfiles/a/b.Png", "jpgfiles/a/b.jpg"),
        ("pngfiles/a/b.pNg", "jpgfiles/a/b.jpg"),
        ("pngfiles/a/b.png.png", "jpgfiles/a/b.png.jpg"),
        ("pngfiles/a/b.PNG.png", "jpgfiles/a/b.PNG.jpg"),
        ("pngfiles/a/b.gif.PNG", "jpgfiles/a/b.gif.jpg"),
        ("pngfiles/my photo é.png", "jpgfiles/my photo é.jpg"),
        ("pngfiles/pngfiles/x.png", "jpgfiles/pngfiles/x.jpg"),
        ("pngfiles/.png", "jpgfiles/.jpg"),
        ("pngfiles/a/.PNG", "jpgfiles/a/.jpg"),
    ],
)
def test_output_key_table(key: str, expected: str) -> None:
    assert output_key(key, "pngfiles/", "jpgfiles/") == expected


def test_s3_notification_names_each_object_once() -> None:
    named = [("ObjectCreated:Put", "images", f"pngfiles/{name}.png") for name in "abab"]
    body = s3_notification(*named, ("ObjectCreated:Put", "other", "pngfiles/a.png"))
    assert parse_body(body) == [
        S3Location("images", "pngfiles/a.png"),
        S3Location("images", "pngfiles/b.png"),
        S3Location("other", "pngfiles/a.png"),
    ]


def test_an_output_key_s3_could_not_store_is_refused_with_both_lengths() -> None:
    key = "in/" + "é" * 500 + "x" * 7 + ".png"  # 1,014 UTF-8 bytes
    at_limit, over = "o" * 12 + "/", "o" * 13 + "/"  # JPEG keys of 1,024 and 1,025 bytes
    assert len(output_key(key, "in/", at_limit).encode()) == 1024
    with pytest.raises(BadMessageError) as refused:
        output_key(key, "in/", over)
    assert str(refused.value) == (
        "the JPEG's key would be 1025 bytes, over S3's limit of 1024 (the PNG's key is 1014 "
        f"bytes; input prefix 'in/', output prefix {over!r})"
    )


def test_output_key_with_other_prefixes() -> None:
    assert output_key("in/x/y.png", "in/", "out/deep/") == "out/deep/x/y.jpg"
    assert output_key("in/x/y.PNG", "in/", "out/deep/") == "out/deep/x/y.jpg"


@pytest.mark.parametrize(
    "key",
    [
        "pngfiles/x.gif",
        "pngfiles/a/b",
        "pngfiles/a.jpg",
        "pngfiles/a.png.jpg",
        "pngfiles/a.pn",
        "pngfiles/png",
        "pngfiles/a.png ",
        "pngfiles/a.png/",
        "pngfiles/a.",
    ],
)
def test_output_key_rejects_keys_that_do_not_end_in_png(key: str) -> None:
    with pytest.raises(BadMessageError) as raised:
        output_key(key, "pngfiles/", "jpgfiles/")
    assert str(raised.value) == f"{key!r} does not end in .png: only PNG keys are converted"


def test_extension_case_variants_share_one_output_and_bare_names_are_rejected() -> None:
    variants = ["pngfiles/a.png", "pngfiles/a.PNG", "pngfiles/a.Png", "pngfiles/a.pnG"]
    assert {output_key(key, "pngfiles/", "jpgfiles/") for key in variants} == {"jpgfiles/a.jpg"}
    assert output_key("pngfiles/a.png.png", "pngfiles/", "jpgfiles/") == "jpgfiles/a.png.jpg"
    for bare in ("pngfiles/a", "pngfiles/a.jpg"):
        with pytest.raises(BadMessageError, match=r"does not end in \.png"):
            output_key(bare, "pngfiles/", "jpgfiles/")


@pytest.mark.parametrize(
    "key", ["jpgfiles/a.png", "pngfilesX/a.png", "a.png", "/pngfiles/a.png", "pngfiles/"]
)
def test_output_key_rejects_keys_outside_the_input_prefix(key: str) -> None:
    with pytest.raises(BadMessageError, match="input prefix"):
        output_key(key, "pngfiles/", "jpgfiles/")


@pytest.mark.parametrize(
    ("input_prefix", "output_prefix", "message"),
    [
        ("", "jpgfiles/", "must be non-empty"),
        ("pngfiles", "jpgfiles/", "end with '/'"),
        ("pngfiles/", "/jpgfiles/", "not start with '/'"),
        ("images/", "images/", "overlap"),
        ("images/", "images/jpg/", "overlap"),
        ("images/png/", "images/", "overlap"),
    ],
)
def test_unusable_prefixes_are_rejected(
    input_prefix: str, output_prefix: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        check_prefixes(input_prefix, output_prefix)
    with pytest.raises(ValueError, match=message):
        output_key(f"{input_prefix}a.png", input_prefix, output_prefix)


PREFIX_PAIRS = [
    ("pngfiles/", "jpgfiles/"),
    ("in/", "out/"),
    ("images/png/", "images/jpg/"),
    ("a/", "ab/"),
    ("ab/", "a/"),
]
# Stems biased towards the tricky endings (.png in several cases, doubled, a bare dot), and
# .png extensions in every case; plus names that do not end in .png, which must be rejected.
stems = st.builds(
    lambda text, ending: text + ending,
    st.text(alphabet="ab/.pngPNGé ", max_size=12),
    st.sampled_from(["", ".png", ".PNG", ".Png", ".jpg", ".", "png"]),
)
png_extensions = st.sampled_from([".png", ".PNG", ".Png", ".pNg", ".pnG", ".PnG"])
png_names = st.tuples(stems, png_extensions)
other_names = st.builds(
    lambda text, ending: text + ending,
    st.text(alphabet="ab/.pngPNGé ", max_size=12),
    st.sampled_from(["", ".jpg", ".gif", ".", ".pn", "png", ".png ", ".png/", ".png.jpg"]),
).filter(lambda name: name[-4:].lower() != ".png")


@given(
    prefixes=st.sampled_from(PREFIX_PAIRS),
    names=st.lists(png_names, unique=True, max_size=20),
)
def test_output_key_is_injective_on_stem_and_lowercased_extension(
    prefixes: tuple[str, str], names: list[tuple[str, str]]
) -> None:
    input_prefix, output_prefix = prefixes
    # Distinct outputs exactly for distinct (stem, lowercased extension) pairs: keys that
    # differ only in the case of ".png" share one JPEG, any other difference gives another.
    outputs: dict[tuple[str, str], str] = {}
    for stem, extension in names:
        out = output_key(input_prefix + stem + extension, input_prefix, output_prefix)
        assert outputs.setdefault((stem, extension.lower()), out) == out
    assert len(set(outputs.values())) == len(outputs)
    for out in outputs.values():
        assert out.startswith(output_prefix)
        assert out.endswith(".jpg")
        assert not out.startswith(input_prefix)


@given(prefixes=st.sampled_from(PREFIX_PAIRS), name=other_names)
def test_output_key_rejects_every_name_not_ending_in_png(
    prefixes: tuple[str, str], name: str
) -> None:
    input_prefix, output_prefix = prefixes
    with pytest.raises(BadMessageError):
        output_key(input_prefix + name, input_prefix, output_prefix)
