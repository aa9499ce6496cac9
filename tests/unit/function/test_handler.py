"""The handler against moto S3 and SQS: outputs, quarantine, retries, logs, FIFO, deadline."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from PIL import Image

from png2jpg import handler
from png2jpg.handler import get_container, lambda_handler
from tests.imagegen import png_bytes
from tests.unit.function import aws_samples
from tests.unit.function.conftest import BUCKET, LOG_FIELDS, FakeContext
from tests.unit.function.images import bomb_png, ihdr, image_png, lying_png, small_png

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness


def body(key: str, bucket: str = BUCKET) -> dict[str, str]:
    return {"bucket": bucket, "key": key}


def s3_event(*keys: str, event_name: str = "ObjectCreated:Put") -> dict[str, Any]:
    """An S3 event notification body; keys are given already URL-encoded."""
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": event_name,
                "s3": {"bucket": {"name": BUCKET}, "object": {"key": key}},
            }
            for key in keys
        ]
    }


def client_error(operation: str, code: str, status: int) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "simulated"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        operation,
    )


def fail_for(key: str, error: Exception) -> Any:
    """A wrapper for ``Harness.wrap`` that raises ``error`` for ``key`` and passes others on."""

    def wrapper(real: Any, **kwargs: Any) -> Any:
        if kwargs.get("Key") == key:
            raise error
        return real(**kwargs)

    return wrapper


def throttle(harness: Harness, key: str) -> None:
    """Make S3 answer SlowDown (503, transient) to every GetObject of ``key``."""
    harness.wrap("s3", "get_object", fail_for(key, client_error("GetObject", "SlowDown", 503)))


def attributes(message: dict[str, Any]) -> dict[str, str]:
    return {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}


# ---------------------------------------------------------------------------------------------
# Converted


def test_converts_and_writes_jpeg_with_content_type_and_source_metadata(aws: Harness) -> None:
    png = png_bytes(Image.new("RGBA", (40, 30), (10, 20, 30, 255)))
    aws.put("pngfiles/photos/a.png", png)
    source = aws.s3.head_object(Bucket=BUCKET, Key="pngfiles/photos/a.png")

    assert aws.invoke(aws.record(body("pngfiles/photos/a.png"), "m1")) == []

    output = aws.s3.get_object(Bucket=BUCKET, Key="jpgfiles/photos/a.jpg")
    jpeg = output["Body"].read()
    assert output["ContentType"] == "image/jpeg"
    assert output["Metadata"] == {
        "source-key": "pngfiles/photos/a.png",
        "source-etag": source["ETag"].strip('"'),
        "source-last-modified": source["LastModified"].strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert jpeg.startswith(b"\xff\xd8\xff")
    record = aws.log_for("m1")
    assert (record.levelno, record.getMessage(), record.outcome) == (
        logging.INFO,
        "converted",
        "converted",
    )
    assert (record.bucket, record.key, record.output_key) == (
        BUCKET,
        "pngfiles/photos/a.png",
        "jpgfiles/photos/a.jpg",
    )
    assert (record.bytes_in, record.bytes_out) == (len(png), len(jpeg))
    assert isinstance(record.duration_ms, int)
    assert not hasattr(record, "error_class")
    assert aws.dlq() == []


def test_non_ascii_source_key_is_url_quoted_in_metadata(aws: Harness) -> None:
    aws.put("pngfiles/café au lait.png", small_png())
    assert aws.invoke(aws.record(body("pngfiles/café au lait.png"))) == []
    output = aws.s3.head_object(Bucket=BUCKET, Key="jpgfiles/café au lait.jpg")
    assert output["Metadata"]["source-key"] == "pngfiles/caf%C3%A9%20au%20lait.png"


def test_long_unicode_key_converts_with_a_hashed_source_key(aws: Harness) -> None:
    key = "pngfiles/" + "写真" * 160 + ".png"  # 973 UTF-8 bytes: S3 takes it, quoted it is 2.9 KB
    assert len(key.encode()) <= 1024
    aws.put(key, small_png())
    assert aws.invoke(aws.record(body(key), "m1")) == []
    target = "jpgfiles/" + "写真" * 160 + ".jpg"
    metadata = aws.s3.head_object(Bucket=BUCKET, Key=target)["Metadata"]
    assert metadata["source-key-sha256"] == hashlib.sha256(key.encode()).hexdigest()
    assert "source-key" not in metadata
    assert aws.log_for("m1").outcome == "converted"


def test_s3_event_notification_with_encoded_keys_and_several_records(aws: Harness) -> None:
    aws.put("pngfiles/my photoé.png", small_png())
    aws.put("pngfiles/b+c.png", small_png())
    record = aws.record(s3_event("pngfiles/my+photo%C3%A9.png", "pngfiles/b%2Bc.png"), "m1")
    assert aws.invoke(record) == []
    assert aws.exists("jpgfiles/my photoé.jpg")
    assert aws.exists("jpgfiles/b+c.jpg")
    assert [(r.key, r.outcome) for r in aws.logs()] == [
        ("pngfiles/my photoé.png", "converted"),
        ("pngfiles/b+c.png", "converted"),
    ]


# One upload as each route delivers it: its key holds a space and a "+", which S3 notifications
# encode (as "+" and "%2B") and EventBridge does not.
ROUTED = {
    "s3-notification": aws_samples.s3_notification(BUCKET, "pngfiles/a+b%2Bc.png"),
    "eventbridge": aws_samples.eventbridge_event(BUCKET, "pngfiles/a b+c.png"),
    "sns": aws_samples.sns_wrapped(aws_samples.s3_notification(BUCKET, "pngfiles/a+b%2Bc.png")),
}


@pytest.mark.parametrize("route", list(ROUTED))
def test_every_route_converts_the_object_it_names(aws: Harness, route: str) -> None:
    aws.put("pngfiles/a b+c.png", small_png())
    assert aws.invoke(aws.record(ROUTED[route], "m1")) == []
    assert aws.exists("jpgfiles/a b+c.jpg")
    assert (aws.log_for("m1").key, aws.log_for("m1").outcome) == ("pngfiles/a b+c.png", "converted")
    assert aws.dlq() == []


def test_an_sns_subscription_confirmation_is_quarantined_with_what_to_do(aws: Harness) -> None:
    record = aws.record(aws_samples.SNS_SUBSCRIPTION_CONFIRMATION, "m1")
    assert aws.invoke(record) == []
    (entry,) = aws.dlq()
    assert entry["Body"] == record["body"]  # with its SubscribeURL and Token, to confirm by hand
    assert "confirm the subscription" in attributes(entry)["ErrorMessage"]


def test_configured_matte_and_quality_reach_the_output(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATTE_COLOR", "#00ff00")
    aws.put("pngfiles/clear.png", png_bytes(Image.new("RGBA", (16, 16), (0, 0, 0, 0))))
    assert aws.invoke(aws.record(body("pngfiles/clear.png"))) == []
    red, green, blue = aws.get_image("jpgfiles/clear.jpg").getpixel((8, 8))
    assert (red < 10, green > 245, blue < 10) == (True, True, True)


# ---------------------------------------------------------------------------------------------
# Acknowledged without output, each with a reason


@pytest.mark.parametrize(
    ("notice", "reason"),
    [
        (
            {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-11-29T09:00:00Z",
             "Bucket": BUCKET, "RequestId": "R", "HostId": "H"},
            "ignored: s3:TestEvent",
        ),
        (
            s3_event("pngfiles/gone.png", event_name="ObjectRemoved:Delete"),
            "ignored: ObjectRemoved:Delete",
        ),
    ],
    ids=["s3-test-event", "object-removed"],
)  # fmt: skip
def test_notices_are_acknowledged_with_a_log_line(aws: Harness, notice: dict, reason: str) -> None:
    assert aws.invoke(aws.record(notice, "m1")) == []
    record = aws.log_for("m1")
    assert (record.levelno, record.outcome) == (logging.INFO, "ignored")
    assert record.getMessage().startswith(reason)
    assert "Contents" not in aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="jpgfiles/")
    assert aws.dlq() == []


# ---------------------------------------------------------------------------------------------
# Permanent failures: quarantined at once, with their reason, never reported


def nested(depth: int) -> str:
    return '{"bucket": "images", "key": ' + "[" * depth + "]" * depth + "}"


PERMANENT = {
    # id: (object stored under the key or None, body, message fragment)
    "empty": (b"", body("pngfiles/empty.png"), "pngfiles/empty.png: not a PNG file (an empty"),
    "truncated": (
        png_bytes(Image.effect_noise((64, 64), 50))[:100],
        body("pngfiles/truncated.png"),
        "pngfiles/truncated.png: corrupt",
    ),
    "short-image-data": (
        image_png(ihdr(64, 64), rows=(b"\x00" + bytes([200]) * 64) * 10),
        body("pngfiles/short.png"),
        "pngfiles/short.png: corrupt PNG: its image data ends before the last row",
    ),
    "lying-header": (
        lying_png(300, 300),
        body("pngfiles/lying.png"),
        "pngfiles/lying.png: corrupt PNG: more than one IHDR header chunk",
    ),
    "jpeg-named-png": (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        body("pngfiles/photo.png"),
        "pngfiles/photo.png: not a PNG file (starts with b'\\xff\\xd8\\xff",
    ),
    "decompression-bomb": (bomb_png(), body("pngfiles/bomb.png"), "too many pixels"),
    "panorama-over-jpeg-limit": (
        png_bytes(Image.new("L", (65_501, 2))),
        body("pngfiles/panorama.png"),
        "too large for JPEG: 65501x2",
    ),
    "not-json": (None, "this is not JSON", "message body is not JSON"),
    "nested-100000-deep": (None, nested(100_000), "nests deeper than JSON parsing allows"),
    "json-without-key": (None, {"bucket": BUCKET}, "message body must be"),
    "records-beside-bucket-and-key": (
        None,
        {"Records": [], "bucket": BUCKET, "key": "pngfiles/a.png"},
        "got fields ['Records', 'bucket', 'key']",
    ),
    "empty-records": (None, {"Records": []}, '"Records" is not a non-empty list'),
    "mistyped-event-name": (
        None,
        s3_event("pngfiles/a.png", event_name="ObjectCreate:Put"),
        "unknown eventName 'ObjectCreate:Put'",
    ),
    "test-event-naming-an-object": (
        None,
        {"Event": "s3:TestEvent", "bucket": BUCKET, "key": "pngfiles/a.png"},
        "message body must be",
    ),
    "lone-surrogate-key": (
        None,
        '{"bucket": "images", "key": "pngfiles/\\ud800.png"}',
        "lone surrogate",
    ),
    "outside-prefix": (None, body("jpgfiles/a.png"), "outside the input prefix 'pngfiles/'"),
    "not-png-key": (None, body("pngfiles/x.gif"), "does not end in .png"),
    "other-bucket": (None, body("pngfiles/a.png", "elsewhere"), "'elsewhere' is not in ALLOWED"),
    "missing-object": (None, body("pngfiles/nothing.png"), "does not exist (NoSuchKey)"),
    "too-large": (
        small_png() + bytes(3000),
        body("pngfiles/large.png"),
        "over the limit of 2000 (MAX_INPUT_BYTES)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(PERMANENT))
def test_permanent_failure_is_quarantined_with_its_reason_and_the_good_work_goes_on(
    aws: Harness, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setenv("MAX_INPUT_BYTES", "2000")
    stored, bad_body, message = PERMANENT[case]
    if stored is not None:
        aws.put(bad_body["key"], stored)
    aws.put("pngfiles/good.png", small_png())
    bad = aws.record(bad_body, "bad")

    assert aws.invoke(bad, aws.record(body("pngfiles/good.png"), "good")) == []

    assert aws.exists("jpgfiles/good.jpg")
    assert aws.outcomes() == {"bad": "failed", "good": "converted"}
    record = aws.log_for("bad")
    assert (record.levelno, record.error_class) == (logging.ERROR, "permanent")
    assert message in record.getMessage()
    assert record.exc_info is None  # an expected failure: its sentence says it all
    (entry,) = aws.dlq()
    assert entry["Body"] == bad["body"]  # unchanged, so a redrive sends the same message
    assert attributes(entry) == {"ErrorClass": "permanent", "ErrorMessage": record.getMessage()}


def test_too_large_object_is_refused_before_it_is_read(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_INPUT_BYTES", "2000")
    aws.put("pngfiles/large.png", small_png() + bytes(3000))
    reads: list[int] = []

    def count_reads(real: Any, **kwargs: Any) -> dict[str, Any]:
        response = real(**kwargs)
        real_read = response["Body"].read
        response["Body"].read = lambda *a: reads.append(1) or real_read(*a)
        return response

    aws.wrap("s3", "get_object", count_reads)
    assert aws.invoke(aws.record(body("pngfiles/large.png"), "m1")) == []
    assert reads == []
    assert aws.log_for("m1").error_class == "permanent"


def test_one_bad_object_in_an_s3_event_quarantines_the_message_after_converting_the_rest(
    aws: Harness,
) -> None:
    aws.put("pngfiles/good.png", small_png())
    record = aws.record(s3_event("pngfiles/missing.png", "pngfiles/good.png"), "m1")
    assert aws.invoke(record) == []
    assert aws.exists("jpgfiles/good.jpg")
    assert [(r.key, r.outcome) for r in aws.logs()] == [
        ("pngfiles/missing.png", "failed"),
        ("pngfiles/good.png", "converted"),
    ]
    (entry,) = aws.dlq()
    assert "s3://images/pngfiles/missing.png does not exist" in attributes(entry)["ErrorMessage"]


def test_access_denied_on_the_input_is_permanent(aws: Harness) -> None:
    aws.put("pngfiles/a.png", small_png())
    aws.wrap(
        "s3",
        "get_object",
        fail_for("pngfiles/a.png", client_error("GetObject", "AccessDenied", 403)),
    )
    assert aws.invoke(aws.record(body("pngfiles/a.png"), "m1")) == []
    assert aws.log_for("m1").error_class == "permanent"
    (entry,) = aws.dlq()
    assert (
        "s3://images/pngfiles/a.png: AccessDenied (HTTP 403)" in attributes(entry)["ErrorMessage"]
    )


def test_a_long_reason_is_cut_to_1000_characters_in_the_dlq(aws: Harness) -> None:
    key = "pngfiles/" + "x" * 1000 + ".png"
    assert aws.invoke(aws.record(body(key), "m1")) == []
    (entry,) = aws.dlq()
    message = attributes(entry)["ErrorMessage"]
    assert len(message) == 1000
    assert message.endswith("…")
    assert aws.log_for("m1").getMessage().startswith(message[:-1])


def test_a_dlq_that_refuses_the_message_leaves_it_reported(aws: Harness) -> None:
    def refuse(real: Any, **kwargs: Any) -> Any:
        raise client_error("SendMessage", "AccessDenied", 403)

    aws.wrap("sqs", "send_message", refuse)
    assert aws.invoke(aws.record(body("jpgfiles/a.png"), "m1")) == ["m1"]
    first, second = [r for r in aws.logs() if r.messageId == "m1"]
    assert (first.outcome, first.error_class) == ("failed", "permanent")
    assert (second.levelno, second.outcome, second.error_class) == (
        logging.ERROR,
        "failed",
        "transient",
    )
    assert "could not quarantine the message in the DLQ" in second.getMessage()
    assert "returned to the queue instead" in second.getMessage()


def test_batch_of_ten_mixed_records_quarantines_exactly_the_bad_ones(aws: Harness) -> None:
    for name in ("a", "b", "c", "d", "e"):
        aws.put(f"pngfiles/{name}.png", small_png())
    aws.put("pngfiles/fake.png", b"GIF89a...")
    records = [
        aws.record(body("pngfiles/a.png"), "ok-1"),
        aws.record("{", "bad-json"),
        aws.record(body("pngfiles/b.png"), "ok-2"),
        aws.record(body("pngfiles/fake.png"), "bad-fake"),
        aws.record(body("pngfiles/c.png"), "ok-3"),
        aws.record(body("pngfiles/absent.png"), "bad-missing"),
        aws.record(body("pngfiles/d.png"), "ok-4"),
        aws.record(body("other/e.png"), "bad-prefix"),
        aws.record(body("pngfiles/e.png"), "ok-5"),
        aws.record({"Service": "Amazon S3", "Event": "s3:TestEvent"}, "ok-test-event"),
    ]
    assert aws.invoke(*records) == []
    for name in ("a", "b", "c", "d", "e"):
        assert aws.exists(f"jpgfiles/{name}.jpg")
    quarantined = sorted(entry["Body"] for entry in aws.dlq())
    assert quarantined == sorted(r["body"] for r in records if r["messageId"].startswith("bad"))
    assert len(aws.logs()) == 10


# ---------------------------------------------------------------------------------------------
# Transient failures: reported, so SQS redelivers them; never quarantined by the function


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        ("get_object", client_error("GetObject", "SlowDown", 503)),
        ("get_object", client_error("GetObject", "InternalError", 500)),
        ("get_object", client_error("GetObject", "RequestTimeout", 400)),
        ("get_object", EndpointConnectionError(endpoint_url="https://s3.example")),
        ("put_object", client_error("PutObject", "ServiceUnavailable", 503)),
        ("put_object", ReadTimeoutError(endpoint_url="https://s3.example")),
        ("put_object", client_error("PutObject", "AccessDenied", 403)),
    ],
    ids=[
        "slowdown",
        "500",
        "request-timeout",
        "connection",
        "put-503",
        "put-read-timeout",
        "put-denied",
    ],
)
def test_throttling_server_network_and_write_errors_are_transient(
    aws: Harness, operation: str, error: Exception
) -> None:
    aws.put("pngfiles/a.png", small_png())
    key = "pngfiles/a.png" if operation == "get_object" else "jpgfiles/a.jpg"
    aws.wrap("s3", operation, fail_for(key, error))
    assert aws.invoke(aws.record(body("pngfiles/a.png"), "m1")) == ["m1"]
    record = aws.log_for("m1")
    assert (record.levelno, record.outcome, record.error_class) == (
        logging.ERROR,
        "failed",
        "transient",
    )
    assert "s3://images/" in record.getMessage()
    assert aws.dlq() == []


def test_unexpected_exception_is_transient_and_logged_with_its_traceback(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.put("pngfiles/boom.png", small_png((1, 2, 3)))
    aws.put("pngfiles/fine.png", small_png())
    real_convert = handler.png_to_jpeg

    def convert(data: bytes, **options: Any) -> bytes:
        if data == small_png((1, 2, 3)):
            raise RuntimeError("bug in the converter")
        return real_convert(data, **options)

    monkeypatch.setattr(handler, "png_to_jpeg", convert)
    records = [aws.record(body("pngfiles/boom.png"), "m1"), aws.record(body("pngfiles/fine.png"))]
    assert aws.invoke(*records) == ["m1"]
    assert aws.exists("jpgfiles/fine.jpg")
    record = aws.log_for("m1")
    assert record.error_class == "transient"
    assert "RuntimeError('bug in the converter')" in record.getMessage()
    assert record.exc_info is not None
    assert aws.dlq() == []


# ---------------------------------------------------------------------------------------------
# Not an SQS batch


@pytest.mark.parametrize(
    "event",
    [{}, {"Records": "nope"}, {"Records": [{"body": "{}"}]}],
    ids=["no-records", "records-not-list", "record-without-message-id"],
)
def test_malformed_event_raises_so_the_whole_batch_is_retried(
    aws: Harness, event: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match="not an SQS event"):
        lambda_handler(event, None)


def test_record_without_message_id_stops_the_batch_before_any_work(aws: Harness) -> None:
    aws.put("pngfiles/a.png", small_png())
    good = aws.record(body("pngfiles/a.png"))
    with pytest.raises(ValueError, match="record 1 has no messageId"):
        lambda_handler({"Records": [good, {"body": json.dumps(body("pngfiles/a.png"))}]}, None)
    assert not aws.exists("jpgfiles/a.jpg")


def test_empty_batch_succeeds(aws: Harness) -> None:
    assert aws.invoke() == []


# ---------------------------------------------------------------------------------------------
# FIFO


def interleaved_groups(aws: Harness, poison: bytes | None = None) -> list[dict]:
    """a1, b1, a2, b2, a3, b3 in groups A and B; a2's object is ``poison`` if given."""
    for name in ("a1", "a2", "a3", "b1", "b2", "b3"):
        aws.put(f"pngfiles/{name}.png", poison if name == "a2" and poison else small_png())
    order = ["a1", "b1", "a2", "b2", "a3", "b3"]
    return [aws.record(body(f"pngfiles/{n}.png"), n, group=n[0].upper()) for n in order]


def test_fifo_permanent_poison_is_quarantined_in_its_group_and_the_group_goes_on(
    fifo_aws: Harness,
) -> None:
    records = interleaved_groups(fifo_aws, poison=b"not a png")
    assert fifo_aws.invoke(*records) == []
    for name in ("a1", "a3", "b1", "b2", "b3"):
        assert fifo_aws.exists(f"jpgfiles/{name}.jpg")
    (entry,) = fifo_aws.dlq()
    assert entry["Body"] == records[2]["body"]
    assert entry["Attributes"]["MessageGroupId"] == "A"
    delivery = f"a2\n{records[2]['attributes']['SequenceNumber']}"
    assert (
        entry["Attributes"]["MessageDeduplicationId"]
        == hashlib.sha256(delivery.encode()).hexdigest()
    )
    assert attributes(entry)["ErrorClass"] == "permanent"


def test_fifo_transient_failure_stops_its_group_for_the_batch(fifo_aws: Harness) -> None:
    records = interleaved_groups(fifo_aws)
    throttle(fifo_aws, "pngfiles/a2.png")
    assert fifo_aws.invoke(*records) == ["a2", "a3"]
    assert not fifo_aws.exists("jpgfiles/a3.jpg")
    for name in ("a1", "b1", "b2", "b3"):
        assert fifo_aws.exists(f"jpgfiles/{name}.jpg")
    skipped = fifo_aws.log_for("a3")
    assert (skipped.levelno, skipped.outcome) == (logging.WARNING, "skipped")
    assert fifo_aws.dlq() == []


def test_fifo_innocent_messages_behind_a_poison_never_reach_the_dlq_and_keep_their_order(
    fifo_aws: Harness,
) -> None:
    """A poison, then B failing once: only A is quarantined; B, C, D come back in order."""
    fifo_aws.put("pngfiles/a.png", b"poison")
    for name in "bcd":
        fifo_aws.put(f"pngfiles/{name}.png", small_png())
    group = [fifo_aws.record(body(f"pngfiles/{n}.png"), n, group="G") for n in "abcd"]
    seen: list[str] = []
    failures = {"pngfiles/b.png": 1}

    def flaky(real: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["Key"])
        if failures.get(kwargs["Key"]):
            failures[kwargs["Key"]] -= 1
            raise client_error("GetObject", "SlowDown", 503)
        return real(**kwargs)

    fifo_aws.wrap("s3", "get_object", flaky)
    assert fifo_aws.invoke(*group) == ["b", "c", "d"]
    assert [entry["Body"] for entry in fifo_aws.dlq()] == [group[0]["body"]]
    assert not fifo_aws.exists("jpgfiles/c.jpg")
    assert fifo_aws.invoke(*group[1:]) == []  # SQS redelivers b, c, d in order
    assert seen == [
        "pngfiles/a.png",
        "pngfiles/b.png",
        "pngfiles/b.png",
        "pngfiles/c.png",
        "pngfiles/d.png",
    ]


def test_fifo_group_records_run_one_at_a_time_in_batch_order(
    fifo_aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_WORKERS", "8")
    names = [f"a{i}" for i in range(8)]
    for name in names:
        fifo_aws.put(f"pngfiles/{name}.png", small_png())
    seen: list[str] = []
    in_flight = most = 0
    lock = threading.Lock()

    def track(real: Any, **kwargs: Any) -> Any:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
            seen.append(kwargs["Key"])
        try:
            return real(**kwargs)
        finally:
            with lock:
                in_flight -= 1

    fifo_aws.wrap("s3", "get_object", track)
    assert (
        fifo_aws.invoke(*(fifo_aws.record(body(f"pngfiles/{n}.png"), n, group="A") for n in names))
        == []
    )
    assert seen == [f"pngfiles/{n}.png" for n in names]
    assert most == 1


# ---------------------------------------------------------------------------------------------
# Deadline


def test_little_time_left_defers_every_record_without_starting_any(aws: Harness) -> None:
    aws.put("pngfiles/a.png", small_png())
    gets: list[str] = []
    aws.wrap("s3", "get_object", lambda real, **kw: gets.append(kw["Key"]) or real(**kw))
    records = [aws.record(body("pngfiles/a.png"), f"m{i}") for i in range(3)]
    assert aws.invoke(*records, context=FakeContext(500)) == ["m0", "m1", "m2"]
    assert gets == []
    for record in aws.logs():
        assert (record.levelno, record.outcome, record.time_left_ms) == (
            logging.WARNING,
            "deferred",
            500,
        )
    assert aws.outcomes() == {"m0": "deferred", "m1": "deferred", "m2": "deferred"}


def test_the_deadline_mid_batch_defers_the_rest_of_a_fifo_group(
    fifo_aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_WORKERS", "1")
    for name in ("a1", "a2", "a3"):
        fifo_aws.put(f"pngfiles/{name}.png", small_png())
    group = [fifo_aws.record(body(f"pngfiles/{n}.png"), n, group="A") for n in ("a1", "a2", "a3")]
    # 60 s at the start (reserve: 15 s), 59 s and 58 s as a1 starts and converts, then 10 s:
    # a2 and a3 must wait.
    context = FakeContext(60_000, 59_000, 58_000, 10_000)
    assert fifo_aws.invoke(*group, context=context) == ["a2", "a3"]
    assert fifo_aws.outcomes() == {"a1": "converted", "a2": "deferred", "a3": "deferred"}
    assert not fifo_aws.exists("jpgfiles/a2.jpg")


def test_time_spent_waiting_for_memory_defers_the_record_instead_of_running_late(
    aws: Harness,
) -> None:
    aws.put("pngfiles/a.png", small_png())
    # 60 s at the start, 59 s when it starts, 1 s once its memory is reserved.
    context = FakeContext(60_000, 59_000, 1_000)
    assert aws.invoke(aws.record(body("pngfiles/a.png"), "m1"), context=context) == ["m1"]
    assert aws.outcomes() == {"m1": "deferred"}
    assert not aws.exists("jpgfiles/a.jpg")
    assert aws.dlq() == []


def test_plenty_of_time_left_starts_every_record(aws: Harness) -> None:
    aws.put("pngfiles/a.png", small_png())
    records = [aws.record(body("pngfiles/a.png"), f"m{i}") for i in range(3)]
    assert aws.invoke(*records, context=FakeContext(900_000)) == []


# ---------------------------------------------------------------------------------------------
# Logs and metrics


def test_every_outcome_logs_one_record_at_its_level_with_its_fields(
    fifo_aws: Harness,
) -> None:
    fifo_aws.put("pngfiles/ok.png", small_png())
    fifo_aws.put("pngfiles/slow.png", small_png())
    throttle(fifo_aws, "pngfiles/slow.png")
    records = [
        fifo_aws.record(body("pngfiles/ok.png"), "converted", group="1"),
        fifo_aws.record(
            s3_event("pngfiles/x.png", event_name="ObjectRemoved:Delete"), "ignored", group="2"
        ),
        fifo_aws.record(body("pngfiles/none.png"), "permanent", group="3"),
        fifo_aws.record(body("pngfiles/slow.png"), "transient", group="4"),
        fifo_aws.record(body("pngfiles/ok.png"), "skipped", group="4"),
    ]
    fifo_aws.invoke(*records)
    by_id = {record.messageId: record for record in fifo_aws.logs()}
    assert sorted(by_id) == sorted(r["messageId"] for r in records)
    expected = {
        "converted": (logging.INFO, "converted", None),
        "ignored": (logging.INFO, "ignored", None),
        "permanent": (logging.ERROR, "failed", "permanent"),
        "transient": (logging.ERROR, "failed", "transient"),
        "skipped": (logging.WARNING, "skipped", None),
    }
    for message_id, (level, outcome, error_class) in expected.items():
        record = by_id[message_id]
        assert (record.levelno, record.outcome, getattr(record, "error_class", None)) == (
            level,
            outcome,
            error_class,
        )
        if outcome != "skipped":
            assert all(hasattr(record, name) for name in LOG_FIELDS), message_id
    assert by_id["converted"].bytes_in > 0
    assert by_id["converted"].bytes_out > 0


def test_one_emf_document_per_invocation_counts_the_batch(aws: Harness) -> None:
    aws.put("pngfiles/a.png", png_bytes(Image.new("RGB", (1000, 500))))
    aws.put("pngfiles/b.png", small_png())
    aws.put("pngfiles/slow.png", small_png())
    throttle(aws, "pngfiles/slow.png")
    aws.emf()  # drop what earlier steps printed
    records = [
        aws.record(body("pngfiles/a.png")),
        aws.record(body("pngfiles/b.png")),
        aws.record(body("pngfiles/missing.png")),
        aws.record("not json"),
        aws.record(body("pngfiles/slow.png")),
    ]
    aws.invoke(*records)
    main, permanent, transient = aws.emf()
    assert (main["ImagesConverted"], main["ImagesFailed"], main["ImagesDeferred"]) == (2, 3, 0)
    assert main["Megapixels"] == pytest.approx(0.500256)
    assert len(main["ConversionTime"]) == 2
    assert main["FunctionName"] == "png2jpg-test"
    assert (permanent["ErrorClass"], permanent["ImagesFailed"]) == ("permanent", 2)
    assert (transient["ErrorClass"], transient["ImagesFailed"]) == ("transient", 1)


# ---------------------------------------------------------------------------------------------
# Container


def test_star_allows_any_bucket_and_warns_at_cold_start(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLOWED_BUCKETS", "*")
    aws.s3.create_bucket(Bucket="elsewhere")
    aws.put("pngfiles/a.png", small_png(), bucket="elsewhere")
    assert aws.invoke(aws.record(body("pngfiles/a.png", "elsewhere"))) == []
    assert aws.exists("jpgfiles/a.jpg", bucket="elsewhere")
    (warning,) = [r for r in aws.caplog.records if r.levelno == logging.WARNING]
    assert "ALLOWED_BUCKETS is '*'" in warning.getMessage()


def test_clients_are_created_once_per_container(aws: Harness) -> None:
    aws.put("pngfiles/a.png", small_png())
    first = get_container()
    aws.invoke(aws.record(body("pngfiles/a.png")))
    aws.invoke(aws.record(body("pngfiles/a.png")))
    assert get_container() is first
    assert first.s3.meta.config.retries["mode"] == "standard"
