"""Message bodies to S3 locations, and the output-key mapping."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from png2jpg.errors import BadMessageError
from png2jpg.message import S3Location, check_prefixes, output_key, parse_body


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


def test_s3_notification_skips_events_other_than_object_created() -> None:
    body = s3_notification(
        ("ObjectRemoved:Delete", "images", "pngfiles/gone.png"),
        ("ObjectCreated:Copy", "images", "pngfiles/new.png"),
    )
    assert parse_body(body) == [S3Location("images", "pngfiles/new.png")]


def test_s3_test_event_names_nothing() -> None:
    body = json.dumps(
        {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2024-01-01T00:00:00.000Z"}
    )
    assert parse_body(body) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "message has no body"),
        ("not json", "message body is not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"bucket": "images"}', 'needs string "bucket" and "key"'),
        ('{"bucket": "images", "key": 7}', 'needs string "bucket" and "key"'),
        ('{"bucket": "", "key": "pngfiles/a.png"}', 'needs string "bucket" and "key"'),
        ('{"Records": {"s3": {}}}', '"Records" is not a list'),
        ('{"Records": [{"eventName": "ObjectCreated:Put"}]}', "lacks eventName, s3.bucket.name"),
    ],
    ids=[
        "no-body",
        "not-json",
        "not-object",
        "no-key",
        "key-not-string",
        "empty-bucket",
        "records-not-list",
        "record-without-s3",
    ],
)
def test_bad_bodies_are_rejected_with_a_reason(body: object, message: str) -> None:
    with pytest.raises(BadMessageError, match=message):
        parse_body(body)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("pngfiles/a/b.png", "jpgfiles/a/b.jpg"),
        ("pngfiles/b.png", "jpgfiles/b.jpg"),
        ("pngfiles/a/b.PNG", "jpgfiles/a/b.PNG.jpg"),
        ("pngfiles/a/b.Png", "jpgfiles/a/b.Png.jpg"),
        ("pngfiles/a/b", "jpgfiles/a/b.png.jpg"),
        ("pngfiles/a/b.gif", "jpgfiles/a/b.gif.png.jpg"),
        ("pngfiles/a/b.png.png", "jpgfiles/a/b.png.png.jpg"),
        ("pngfiles/a/b.PNG.png", "jpgfiles/a/b.PNG.png.jpg"),
        ("pngfiles/my photo é.png", "jpgfiles/my photo é.jpg"),
        ("pngfiles/pngfiles/x.png", "jpgfiles/pngfiles/x.jpg"),
        ("pngfiles/.png", "jpgfiles/.jpg"),
    ],
)
def test_output_key_table(key: str, expected: str) -> None:
    assert output_key(key, "pngfiles/", "jpgfiles/") == expected


def test_output_key_with_other_prefixes() -> None:
    assert output_key("in/x/y.png", "in/", "out/deep/") == "out/deep/x/y.jpg"


def test_case_variants_and_bare_names_get_distinct_outputs() -> None:
    keys = [
        "pngfiles/a.png",
        "pngfiles/a.PNG",
        "pngfiles/a",
        "pngfiles/a.png.png",
        "pngfiles/a.jpg",
    ]
    outputs = [output_key(key, "pngfiles/", "jpgfiles/") for key in keys]
    assert len(set(outputs)) == len(keys)


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
# Names biased towards the tricky endings: .png in several cases, doubled, missing.
names = st.builds(
    lambda stem, ending: stem + ending,
    st.text(alphabet="ab/.pngPNGé ", max_size=12),
    st.sampled_from(["", ".png", ".PNG", ".Png", ".png.png", ".PNG.png", ".png.PNG", ".jpg", "."]),
).filter(bool)


@given(prefixes=st.sampled_from(PREFIX_PAIRS), rests=st.lists(names, unique=True, max_size=20))
def test_output_key_is_injective_and_stays_out_of_the_input_prefix(
    prefixes: tuple[str, str], rests: list[str]
) -> None:
    input_prefix, output_prefix = prefixes
    outputs = [output_key(input_prefix + rest, input_prefix, output_prefix) for rest in rests]
    assert len(set(outputs)) == len(rests)
    for out in outputs:
        assert out.startswith(output_prefix)
        assert out.endswith(".jpg")
        assert not out.startswith(input_prefix)
