"""The handler at the limits, under moto with AWS's rules where moto is kinder: output keys S3
cannot store, PUTs S3 refuses for good, bodies too big for the DLQ with a reason, chunk floods in a
batch, bodies naming many objects, metadata dropped with a log line."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from PIL import ImageCms

from png2jpg.chunks import MAX_ICC_PROFILE_BYTES
from png2jpg.message import MAX_KEY_BYTES, MAX_RECORDS
from png2jpg.quarantine import ATTRIBUTE_ROOM, DLQ_MAX_MESSAGE_BYTES
from tests.unit.function.images import chunk_flood, grey_1x1, iccp_chunk, small_png
from tests.unit.function.test_handler import attributes, body, client_error, fail_for, s3_event

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness


def s3_key_limit(real: Any, **kwargs: Any) -> Any:
    """PutObject as S3 answers it: a key over 1,024 UTF-8 bytes is refused (moto stores it)."""
    if len(kwargs["Key"].encode()) > MAX_KEY_BYTES:
        raise client_error("PutObject", "KeyTooLongError", 400)
    return real(**kwargs)


def sqs_size_limit(harness: Harness) -> Any:
    """SendMessage as SQS answers it: body plus attribute names, types and values must fit the
    queue's MaximumMessageSize (moto does not count)."""

    def send(real: Any, **kwargs: Any) -> Any:
        attributes = kwargs.get("MessageAttributes", {}).items()
        size = len(kwargs["MessageBody"].encode()) + sum(
            len(name.encode())
            + len(value["DataType"].encode())
            + len(value["StringValue"].encode())
            for name, value in attributes
        )
        limit = int(
            harness.sqs.get_queue_attributes(
                QueueUrl=kwargs["QueueUrl"], AttributeNames=["MaximumMessageSize"]
            )["Attributes"]["MaximumMessageSize"]
        )
        if size > limit:
            raise ClientError(
                {
                    "Error": {
                        "Code": "InvalidParameterValue",
                        "Message": "One or more parameters are invalid. Reason: Message must be "
                        f"shorter than {limit} bytes.",
                    },
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                "SendMessage",
            )
        return real(**kwargs)

    return send


# ---------------------------------------------------------------------------------------------
# Output keys and PUTs that can never succeed: permanent, at once


def test_an_output_key_over_s3s_limit_is_permanent_before_any_download(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """INPUT_PREFIX=in/, OUTPUT_PREFIX=jpgfiles/: a legal 1,024-byte input key makes a 1,030-byte
    output key."""
    monkeypatch.setenv("INPUT_PREFIX", "in/")
    key = "in/" + "x" * (MAX_KEY_BYTES - len("in/.png")) + ".png"
    assert len(key) == MAX_KEY_BYTES
    aws.put(key, small_png())
    gets: list[str] = []
    aws.wrap("s3", "get_object", lambda real, **kw: gets.append(kw["Key"]) or real(**kw))
    aws.wrap("s3", "put_object", s3_key_limit)

    assert aws.invoke(aws.record(body(key), "m1")) == []

    assert gets == []
    record = aws.log_for("m1")
    assert (record.outcome, record.error_class) == ("failed", "permanent")
    (entry,) = aws.dlq()
    reason = attributes(entry)["ErrorMessage"]
    assert "the JPEG's key would be 1030 bytes, over S3's limit of 1024" in reason
    assert "the PNG's key is 1024 bytes" in reason


@pytest.mark.parametrize(
    "code", ["KeyTooLongError", "InvalidArgument", "EntityTooLarge", "MetadataTooLarge"]
)
def test_a_put_s3_refuses_for_good_is_permanent(aws: Harness, code: str) -> None:
    aws.put("pngfiles/a.png", small_png())
    aws.wrap("s3", "put_object", fail_for("jpgfiles/a.jpg", client_error("PutObject", code, 400)))

    assert aws.invoke(aws.record(body("pngfiles/a.png"), "m1")) == []

    assert aws.log_for("m1").error_class == "permanent"
    (entry,) = aws.dlq()
    assert f"s3://images/jpgfiles/a.jpg: {code} (HTTP 400)" in attributes(entry)["ErrorMessage"]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("SlowDown", 503),
        ("InternalError", 500),
        ("AccessDenied", 403),
        ("KMS.KMSInvalidState", 403),
    ],
)
def test_a_put_that_may_succeed_later_is_kept_for_a_retry(
    aws: Harness, code: str, status: int
) -> None:
    aws.put("pngfiles/a.png", small_png())
    error = client_error("PutObject", code, status)
    aws.wrap("s3", "put_object", fail_for("jpgfiles/a.jpg", error))

    assert aws.invoke(aws.record(body("pngfiles/a.png"), "m1")) == ["m1"]

    record = aws.log_for("m1")
    assert record.error_class == "transient"
    assert record.getMessage().endswith("the message is kept for a retry")
    assert aws.dlq() == []


# ---------------------------------------------------------------------------------------------
# Every message the queue accepts can be quarantined with its reason


def not_json_body(size: int) -> str:
    """A body of ``size`` UTF-8 bytes that is not JSON, of 4-byte characters as far as it goes:
    its reason quotes the first 200 of them."""
    return "x" * (size % 4) + "\U0001f600" * (size // 4)


@pytest.mark.parametrize(
    "size",
    [1, 10_000, DLQ_MAX_MESSAGE_BYTES - ATTRIBUTE_ROOM],
    ids=["tiny", "10-kb", "largest-the-queue-accepts"],
)
def test_every_body_the_queue_accepts_is_quarantined_with_its_whole_reason(
    aws: Harness, size: int
) -> None:
    aws.sqs.set_queue_attributes(
        QueueUrl=aws.dlq_url, Attributes={"MaximumMessageSize": str(DLQ_MAX_MESSAGE_BYTES)}
    )
    aws.wrap("sqs", "send_message", sqs_size_limit(aws))
    bad = aws.record(not_json_body(size), "m1")
    assert len(bad["body"].encode()) == size

    assert aws.invoke(bad) == []

    (entry,) = aws.dlq()
    assert entry["Body"] == bad["body"]
    assert attributes(entry)["ErrorMessage"] == aws.log_for("m1").getMessage()


def test_a_body_near_the_dlqs_limit_is_quarantined_with_its_reason_cut_to_fit(
    aws: Harness,
) -> None:
    """A queue that accepts more than the kit's source queue (configured by hand): the reason is
    cut to the room the body leaves, rather than the message being refused by the DLQ."""
    aws.sqs.set_queue_attributes(
        QueueUrl=aws.dlq_url, Attributes={"MaximumMessageSize": str(DLQ_MAX_MESSAGE_BYTES)}
    )
    aws.wrap("sqs", "send_message", sqs_size_limit(aws))
    bad = aws.record(not_json_body(DLQ_MAX_MESSAGE_BYTES - 100), "m1")

    assert aws.invoke(bad) == []

    (entry,) = aws.dlq()
    assert entry["Body"] == bad["body"]
    reason = attributes(entry)
    assert reason["ErrorClass"] == "permanent"
    assert reason["ErrorMessage"].endswith("…")
    assert aws.log_for("m1").getMessage().startswith(reason["ErrorMessage"][:-1])
    size = len(bad["body"].encode()) + sum(len(f"{k}String{v}".encode()) for k, v in reason.items())
    assert DLQ_MAX_MESSAGE_BYTES - 4 < size <= DLQ_MAX_MESSAGE_BYTES  # as much as fits


# ---------------------------------------------------------------------------------------------
# Chunk floods never take the batch with them


def test_chunk_floods_are_quarantined_at_once_and_the_good_png_beside_them_converts(
    aws: Harness,
) -> None:
    for name in ("flood-1", "flood-2", "flood-3"):
        aws.put(f"pngfiles/{name}.png", grey_1x1(after=chunk_flood(5_000)))
    aws.put("pngfiles/good.png", small_png())
    records = [aws.record(body(f"pngfiles/flood-{i}.png"), f"flood-{i}") for i in (1, 2, 3)]
    records.append(aws.record(body("pngfiles/good.png"), "good"))

    assert aws.invoke(*records) == []

    assert aws.exists("jpgfiles/good.jpg")
    assert aws.outcomes() == {"flood-1": "failed", "flood-2": "failed", "flood-3": "failed"} | {
        "good": "converted"
    }
    reasons = sorted(attributes(entry)["ErrorMessage"] for entry in aws.dlq())
    assert [reason.split(": ", 1)[1] for reason in reasons] == [
        "too many chunks: more than 1,000 besides the image data (metadata chunks are bounded)"
    ] * 3


# ---------------------------------------------------------------------------------------------
# Bodies naming several objects


@pytest.mark.parametrize("count", [MAX_RECORDS + 1, 400])
def test_a_body_naming_more_objects_than_an_invocation_can_convert_is_permanent(
    aws: Harness, count: int
) -> None:
    keys = [f"pngfiles/{i}.png" for i in range(count)]
    for key in keys[:3]:
        aws.put(key, small_png())
    gets: list[str] = []
    aws.wrap("s3", "get_object", lambda real, **kw: gets.append(kw["Key"]) or real(**kw))

    assert aws.invoke(aws.record(s3_event(*keys), "m1")) == []

    assert gets == []
    (entry,) = aws.dlq()
    assert attributes(entry)["ErrorMessage"] == (
        f"S3 event notification holds {count} records, over the limit of {MAX_RECORDS} per "
        "message (S3 sends one): send one message per object"
    )


def test_a_body_naming_objects_several_times_converts_each_once(aws: Harness) -> None:
    for name in "abc":
        aws.put(f"pngfiles/{name}.png", small_png())
    named = [f"pngfiles/{name}.png" for name in "abacab"]
    calls: list[str] = []
    for operation in ("get_object", "put_object"):
        aws.wrap("s3", operation, lambda real, **kw: calls.append(kw["Key"]) or real(**kw))

    assert aws.invoke(aws.record(s3_event(*named), "m1")) == []

    assert Counter(calls) == Counter(
        [f"pngfiles/{n}.png" for n in "abc"] + [f"jpgfiles/{n}.jpg" for n in "abc"]
    )
    assert [r.key for r in aws.logs()] == ["pngfiles/a.png", "pngfiles/b.png", "pngfiles/c.png"]


@pytest.mark.parametrize(
    "raw",
    [
        '{"bucket": "images", "key": "pngfiles/a.png", "key": "pngfiles/b.png"}',
        '{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "images"}, '
        '"object": {"key": "pngfiles/a.png", "key": "pngfiles/b.png"}}}]}',
    ],
    ids=["sender-body", "notification"],
)
def test_a_body_with_a_duplicate_field_is_permanent(aws: Harness, raw: str) -> None:
    aws.put("pngfiles/a.png", small_png())
    aws.put("pngfiles/b.png", small_png())

    assert aws.invoke(aws.record(raw, "m1")) == []

    assert not aws.exists("jpgfiles/a.jpg")
    assert not aws.exists("jpgfiles/b.jpg")
    (entry,) = aws.dlq()
    assert attributes(entry)["ErrorMessage"] == 'message body has a duplicate field "key"'


# ---------------------------------------------------------------------------------------------
# Metadata dropped: converted, with a log line


def test_an_icc_profile_too_large_to_keep_is_dropped_with_a_warning(aws: Harness) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    huge = srgb + bytes(MAX_ICC_PROFILE_BYTES + 1 - len(srgb))
    aws.put("pngfiles/a.png", grey_1x1(iccp_chunk(huge)))

    assert aws.invoke(aws.record(body("pngfiles/a.png"), "m1")) == []

    assert "icc_profile" not in aws.get_image("jpgfiles/a.jpg").info
    record = aws.log_for("m1")
    assert (record.levelno, record.outcome) == (logging.WARNING, "converted")
    assert record.dropped == [
        f"ICC profile dropped: it inflates to more than {MAX_ICC_PROFILE_BYTES:,} bytes"
    ]
    assert record.getMessage() == f"converted; {record.dropped[0]}"
    assert aws.dlq() == []


class TimeRunsOutAfter:
    """A Lambda context with a minute left until ``key`` is written, then 100 ms."""

    def __init__(self, aws: Harness, key: str) -> None:
        self._aws, self._key = aws, key

    def get_remaining_time_in_millis(self) -> int:
        return 100 if self._aws.exists(self._key) else 60_000


def test_a_body_deferred_part_way_does_not_convert_its_finished_objects_again(
    aws: Harness,
) -> None:
    for name in "abc":
        aws.put(f"pngfiles/{name}.png", small_png())
    record = aws.record(s3_event(*(f"pngfiles/{name}.png" for name in "abc")), "m1")
    reads: list[tuple[str, bool]] = []  # (key, conditional) of every GET of a PNG
    aws.wrap(
        "s3",
        "get_object",
        lambda real, **kw: reads.append((kw["Key"], "IfNoneMatch" in kw)) or real(**kw),
    )

    # The first receive converts a.png, then runs out of time: the message comes back.
    assert aws.invoke(record, context=TimeRunsOutAfter(aws, "jpgfiles/a.jpg")) == ["m1"]
    assert [aws.exists(f"jpgfiles/{name}.jpg") for name in "abc"] == [True, False, False]

    # The next receive finds a.png unchanged since its JPEG, without reading its bytes again.
    aws.caplog.clear()
    reads.clear()
    assert aws.invoke(record) == []
    assert [(r.key, r.outcome) for r in aws.logs()] == [
        ("pngfiles/a.png", "unchanged"),
        ("pngfiles/b.png", "converted"),
        ("pngfiles/c.png", "converted"),
    ]
    assert ("pngfiles/a.png", False) not in reads
