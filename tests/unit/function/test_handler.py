"""The Lambda handler against moto S3: outputs, partial batch responses, log lines, FIFO order."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from PIL import Image

from png2jpg import handler
from png2jpg.handler import get_runtime, lambda_handler
from tests.unit.function.conftest import BUCKET
from tests.unit.function.images import bomb_png, png_bytes, small_png

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


def test_converts_and_writes_jpeg_with_content_type_and_source_metadata(aws: Harness) -> None:
    png = png_bytes(Image.new("RGBA", (40, 30), (10, 20, 30, 255)))
    aws.put("pngfiles/photos/a.png", png)
    etag = aws.s3.head_object(Bucket=BUCKET, Key="pngfiles/photos/a.png")["ETag"].strip('"')

    assert aws.invoke(aws.record(body("pngfiles/photos/a.png"), "m1")) == []

    output = aws.s3.get_object(Bucket=BUCKET, Key="jpgfiles/photos/a.jpg")
    jpeg = output["Body"].read()
    assert output["ContentType"] == "image/jpeg"
    assert output["Metadata"] == {"source-key": "pngfiles/photos/a.png", "source-etag": etag}
    assert jpeg.startswith(b"\xff\xd8\xff")
    line = aws.log_for("m1")
    assert line["outcome"] == "converted"
    assert line["level"] == "INFO"
    assert line["bucket"] == BUCKET
    assert line["key"] == "pngfiles/photos/a.png"
    assert line["output_key"] == "jpgfiles/photos/a.jpg"
    assert line["bytes_in"] == len(png)
    assert line["bytes_out"] == len(jpeg)
    assert isinstance(line["duration_ms"], int)
    assert "error_class" not in line


def test_non_ascii_source_key_is_url_quoted_in_metadata(aws: Harness) -> None:
    aws.put("pngfiles/café au lait.png", small_png())
    assert aws.invoke(aws.record(body("pngfiles/café au lait.png"))) == []
    output = aws.s3.head_object(Bucket=BUCKET, Key="jpgfiles/café au lait.jpg")
    assert output["Metadata"]["source-key"] == "pngfiles/caf%C3%A9%20au%20lait.png"


def test_s3_event_notification_with_encoded_keys_and_several_records(aws: Harness) -> None:
    aws.put("pngfiles/my photoé.png", small_png())
    aws.put("pngfiles/b+c.png", small_png())
    record = aws.record(s3_event("pngfiles/my+photo%C3%A9.png", "pngfiles/b%2Bc.png"), "m1")
    assert aws.invoke(record) == []
    assert aws.exists("jpgfiles/my photoé.jpg")
    assert aws.exists("jpgfiles/b+c.jpg")
    assert [line["outcome"] for line in aws.logs()] == ["converted", "converted"]


def test_one_bad_object_in_an_s3_event_fails_the_message_but_not_the_others(
    aws: Harness,
) -> None:
    aws.put("pngfiles/good.png", small_png())
    record = aws.record(s3_event("pngfiles/missing.png", "pngfiles/good.png"), "m1")
    assert aws.invoke(record) == ["m1"]
    assert aws.exists("jpgfiles/good.jpg")
    outcomes = {line["key"]: line["outcome"] for line in aws.logs()}
    assert outcomes == {"pngfiles/missing.png": "failed", "pngfiles/good.png": "converted"}


def test_s3_test_event_is_acknowledged_and_ignored(aws: Harness) -> None:
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET}
    assert aws.invoke(aws.record(test_event, "m1")) == []
    assert "Contents" not in aws.s3.list_objects_v2(Bucket=BUCKET)
    assert aws.log_for("m1")["outcome"] == "ignored"


def test_object_removed_notification_is_ignored(aws: Harness) -> None:
    record = aws.record(s3_event("pngfiles/gone.png", event_name="ObjectRemoved:Delete"), "m1")
    assert aws.invoke(record) == []
    assert aws.log_for("m1")["outcome"] == "ignored"


BAD_CASES = {
    # id: (object to store under the key or None, body, message fragment)
    "empty": (b"", body("pngfiles/empty.png"), "pngfiles/empty.png: not a PNG file (an empty"),
    "truncated": (
        png_bytes(Image.effect_noise((64, 64), 50))[:100],
        body("pngfiles/truncated.png"),
        "pngfiles/truncated.png: corrupt or truncated PNG",
    ),
    "jpeg-named-png": (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        body("pngfiles/photo.png"),
        "pngfiles/photo.png: not a PNG file (starts with b'\\xff\\xd8\\xff",
    ),
    "text-named-png": (
        b"just some text\n",
        body("pngfiles/notes.png"),
        "pngfiles/notes.png: not a PNG file (starts with b'just som'",
    ),
    "decompression-bomb": (bomb_png(), body("pngfiles/bomb.png"), "too many pixels"),
    "not-json": (None, "this is not JSON", "message body is not JSON"),
    "json-without-key": (None, {"bucket": BUCKET}, 'needs string "bucket" and "key"'),
    "outside-prefix": (None, body("jpgfiles/a.png"), "outside the input prefix 'pngfiles/'"),
    "not-png-key": (
        None,
        body("pngfiles/x.gif"),
        "pngfiles/x.gif does not end in .png: only PNG keys are converted",
    ),
    "other-bucket": (None, body("pngfiles/a.png", "elsewhere"), "'elsewhere' is not in ALLOWED"),
    "missing-object": (None, body("pngfiles/nothing.png"), "does not exist (NoSuchKey)"),
    "too-large": (
        small_png() + bytes(3000),
        body("pngfiles/large.png"),
        "over the limit of 2000 (MAX_INPUT_BYTES)",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_record_fails_alone_with_a_clear_log_line(
    aws: Harness, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setenv("MAX_INPUT_BYTES", "2000")
    stored, bad_body, message = BAD_CASES[case]
    if stored is not None:
        aws.put(bad_body["key"], stored)
    aws.put("pngfiles/good.png", small_png())

    failed = aws.invoke(aws.record(bad_body, "bad"), aws.record(body("pngfiles/good.png"), "good"))

    assert failed == ["bad"]
    assert aws.exists("jpgfiles/good.jpg")
    lines = aws.logs()
    bad = next(line for line in lines if line["messageId"] == "bad")
    assert bad["outcome"] == "failed"
    assert bad["level"] == "ERROR"
    assert bad["error_class"] == "permanent"
    assert message in bad["message"]
    assert "traceback" not in bad
    good = next(line for line in lines if line["messageId"] == "good")
    assert good["outcome"] == "converted"


def test_too_large_object_is_refused_before_it_is_read(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_INPUT_BYTES", "2000")
    aws.put("pngfiles/large.png", small_png() + bytes(3000))
    reads: list[int] = []
    real_get_object = get_runtime().s3.get_object

    def get_object(**kwargs: Any) -> dict[str, Any]:
        response = real_get_object(**kwargs)
        real_read = response["Body"].read
        response["Body"].read = lambda *a: reads.append(1) or real_read(*a)
        return response

    monkeypatch.setattr(get_runtime().s3, "get_object", get_object)
    assert aws.invoke(aws.record(body("pngfiles/large.png"))) != []
    assert reads == []


def test_batch_of_ten_mixed_records_reports_exactly_the_bad_ones(aws: Harness) -> None:
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
        aws.record({"Event": "s3:TestEvent"}, "ok-test-event"),
    ]
    assert aws.invoke(*records) == ["bad-json", "bad-fake", "bad-missing", "bad-prefix"]
    for name in ("a", "b", "c", "d", "e"):
        assert aws.exists(f"jpgfiles/{name}.jpg")
    assert len(aws.logs()) == 10


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        ("get_object", client_error("GetObject", "SlowDown", 503)),
        ("get_object", client_error("GetObject", "InternalError", 500)),
        ("get_object", client_error("GetObject", "RequestTimeout", 400)),
        ("get_object", EndpointConnectionError(endpoint_url="https://s3.example")),
        ("put_object", client_error("PutObject", "ServiceUnavailable", 503)),
        ("put_object", ReadTimeoutError(endpoint_url="https://s3.example")),
    ],
    ids=["slowdown", "500", "request-timeout", "connection", "put-503", "put-read-timeout"],
)
def test_s3_throttling_server_and_network_errors_are_transient(
    aws: Harness, monkeypatch: pytest.MonkeyPatch, operation: str, error: Exception
) -> None:
    aws.put("pngfiles/a.png", small_png())

    def fail(**_: Any) -> None:
        raise error

    monkeypatch.setattr(get_runtime().s3, operation, fail)
    assert aws.invoke(aws.record(body("pngfiles/a.png"), "m1")) == ["m1"]
    line = aws.log_for("m1")
    assert line["outcome"] == "failed"
    assert line["error_class"] == "transient"
    assert "s3://images/" in line["message"]


def test_access_denied_is_permanent(aws: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    aws.put("pngfiles/a.png", small_png())

    def deny(**_: Any) -> None:
        raise client_error("PutObject", "AccessDenied", 403)

    monkeypatch.setattr(get_runtime().s3, "put_object", deny)
    assert aws.invoke(aws.record(body("pngfiles/a.png"), "m1")) == ["m1"]
    line = aws.log_for("m1")
    assert (line["error_class"], line["output_key"]) == ("permanent", "jpgfiles/a.jpg")
    assert "s3://images/jpgfiles/a.jpg: AccessDenied (HTTP 403)" in line["message"]


def test_unexpected_exception_fails_only_its_record_and_logs_a_traceback(
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
    line = aws.log_for("m1")
    assert line["error_class"] == "transient"
    assert "RuntimeError('bug in the converter')" in line["message"]
    assert "Traceback" in line["traceback"]


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


def fifo_batch(aws: Harness, group: bool, poison_receives: int = 1) -> list[dict]:
    """A1, B1, A2 (poison), B2, A3, B3 in batch order; FIFO groups A and B if ``group``.

    A2 has been received ``poison_receives`` times, the others once.
    """
    for name in ("a1", "a3", "b1", "b2", "b3"):
        aws.put(f"pngfiles/{name}.png", small_png())
    aws.put("pngfiles/a2.png", b"poison")
    order = ["a1", "b1", "a2", "b2", "a3", "b3"]
    return [
        aws.record(
            body(f"pngfiles/{name}.png"),
            name,
            group=name[0].upper() if group else None,
            receive_count=poison_receives if name == "a2" else 1,
        )
        for name in order
    ]


def test_fifo_failure_skips_the_rest_of_its_group_only(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_RECEIVE_COUNT", "3")
    assert aws.invoke(*fifo_batch(aws, group=True, poison_receives=2)) == ["a2", "a3"]
    for name in ("a1", "b1", "b2", "b3"):
        assert aws.exists(f"jpgfiles/{name}.jpg")
    assert not aws.exists("jpgfiles/a3.jpg")
    lines = {line["messageId"]: line for line in aws.logs()}
    assert lines["a2"]["outcome"] == "failed"
    assert lines["a3"]["outcome"] == "skipped"
    assert "earlier message of its FIFO message group failed" in lines["a3"]["message"]


@pytest.mark.parametrize("poison_receives", [3, 4], ids=["at-max", "over-max"])
def test_fifo_failure_on_its_final_receive_lets_the_group_go_on(
    aws: Harness, monkeypatch: pytest.MonkeyPatch, poison_receives: int
) -> None:
    monkeypatch.setenv("MAX_RECEIVE_COUNT", "3")
    failed = aws.invoke(*fifo_batch(aws, group=True, poison_receives=poison_receives))
    assert failed == ["a2"]
    for name in ("a1", "a3", "b1", "b2", "b3"):
        assert aws.exists(f"jpgfiles/{name}.jpg")
    lines = aws.logs()
    assert [line.get("outcome") for line in lines if line["messageId"] == "a3"] == ["converted"]
    failure, note = [line for line in lines if line["messageId"] == "a2"]
    assert failure["outcome"] == "failed"
    assert "outcome" not in note
    assert note["level"] == "WARN"
    assert (note["message_group"], note["receive_count"], note["max_receive_count"]) == (
        "A",
        poison_receives,
        3,
    )
    assert "group continues" in note["message"]
    assert "final receive" in note["message"]
    assert "DLQ" in note["message"]


def test_fifo_group_goes_on_in_order_after_a_final_receive_failure(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_RECEIVE_COUNT", "2")
    monkeypatch.setenv("MAX_WORKERS", "8")
    aws.put("pngfiles/a1.png", b"poison")
    aws.put("pngfiles/a2.png", small_png())
    aws.put("pngfiles/a3.png", b"poison")
    aws.put("pngfiles/a4.png", small_png())
    seen: list[str] = []
    real_get_object = get_runtime().s3.get_object

    def get_object(**kwargs: Any) -> Any:
        seen.append(kwargs["Key"])
        return real_get_object(**kwargs)

    monkeypatch.setattr(get_runtime().s3, "get_object", get_object)
    records = [
        aws.record(body("pngfiles/a1.png"), "a1", group="A", receive_count=2),
        aws.record(body("pngfiles/a2.png"), "a2", group="A", receive_count=2),
        aws.record(body("pngfiles/a3.png"), "a3", group="A", receive_count=1),
        aws.record(body("pngfiles/a4.png"), "a4", group="A", receive_count=1),
    ]
    # a1 is on its final receive: a2 goes on; a3 has receives left: a4 waits behind it.
    assert aws.invoke(*records) == ["a1", "a3", "a4"]
    assert seen == ["pngfiles/a1.png", "pngfiles/a2.png", "pngfiles/a3.png"]
    assert aws.exists("jpgfiles/a2.jpg")
    assert not aws.exists("jpgfiles/a4.jpg")


@pytest.mark.parametrize("poison_receives", [1, 3, 100])
def test_fifo_failure_always_skips_without_max_receive_count(
    aws: Harness, poison_receives: int
) -> None:
    assert get_runtime().config.max_receive_count is None
    failed = aws.invoke(*fifo_batch(aws, group=True, poison_receives=poison_receives))
    assert failed == ["a2", "a3"]
    assert not aws.exists("jpgfiles/a3.jpg")
    assert {line["messageId"]: line["outcome"] for line in aws.logs()}["a3"] == "skipped"


def test_fifo_record_without_a_readable_receive_count_stops_its_group(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_RECEIVE_COUNT", "1")
    records = fifo_batch(aws, group=True)
    del records[2]["attributes"]["ApproximateReceiveCount"]
    assert aws.invoke(*records) == ["a2", "a3"]


def test_standard_queue_failure_on_its_final_receive_logs_no_group_note(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_RECEIVE_COUNT", "1")
    assert aws.invoke(*fifo_batch(aws, group=False)) == ["a2"]
    assert [line["outcome"] for line in aws.logs() if line["messageId"] == "a2"] == ["failed"]


def test_fifo_group_records_run_in_batch_order(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_WORKERS", "8")
    for name in ("a1", "a2", "a3", "a4"):
        aws.put(f"pngfiles/{name}.png", small_png())
    seen: list[str] = []
    real_get_object = get_runtime().s3.get_object

    def get_object(**kwargs: Any) -> Any:
        if kwargs["Key"] == "pngfiles/a1.png":
            time.sleep(0.2)  # run concurrently, a2..a4 would overtake a1
        seen.append(kwargs["Key"])
        return real_get_object(**kwargs)

    monkeypatch.setattr(get_runtime().s3, "get_object", get_object)
    names = ["a1", "a2", "a3", "a4"]
    assert aws.invoke(*(aws.record(body(f"pngfiles/{n}.png"), n, group="A") for n in names)) == []
    assert seen == [f"pngfiles/{n}.png" for n in names]


def test_standard_queue_reports_only_the_poison_record(aws: Harness) -> None:
    assert aws.invoke(*fifo_batch(aws, group=False)) == ["a2"]
    for name in ("a1", "a3", "b1", "b2", "b3"):
        assert aws.exists(f"jpgfiles/{name}.jpg")


def test_configured_matte_and_quality_reach_the_output(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATTE_COLOR", "#00ff00")
    aws.put("pngfiles/clear.png", png_bytes(Image.new("RGBA", (16, 16), (0, 0, 0, 0))))
    assert aws.invoke(aws.record(body("pngfiles/clear.png"))) == []
    red, green, blue = aws.get_image("jpgfiles/clear.jpg").getpixel((8, 8))
    assert (red < 10, green > 245, blue < 10) == (True, True, True)


def test_star_allows_any_bucket_and_warns_at_cold_start(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLOWED_BUCKETS", "*")
    aws.s3.create_bucket(Bucket="elsewhere")
    aws.put("pngfiles/a.png", small_png(), bucket="elsewhere")
    assert aws.invoke(aws.record(body("pngfiles/a.png", "elsewhere"))) == []
    assert aws.exists("jpgfiles/a.jpg", bucket="elsewhere")
    first = json.loads(aws.capsys.readouterr().out.splitlines()[0])
    assert first["level"] == "WARN"
    assert "ALLOWED_BUCKETS is '*'" in first["message"]


def test_client_is_created_once_per_container(aws: Harness) -> None:
    aws.put("pngfiles/a.png", small_png())
    first = get_runtime()
    aws.invoke(aws.record(body("pngfiles/a.png")))
    aws.invoke(aws.record(body("pngfiles/a.png")))
    assert get_runtime() is first
    assert first.s3.meta.config.retries["mode"] == "standard"
