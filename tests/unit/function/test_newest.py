"""Each image converted once, from its newest version: duplicates, changes and races.

moto answers conditional requests as S3 does: a GET with ``IfNoneMatch`` on the current ETag gets
304, a PUT whose ``IfNoneMatch="*"`` or ``IfMatch`` does not hold gets 412. Its clock, which stamps
LastModified to the second like S3's, is set by the tests (``clock``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from moto.s3 import models as moto_s3

from png2jpg.newest import MAX_WRITES
from tests.unit.function.conftest import BUCKET
from tests.unit.function.images import small_png

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness

KEY, TARGET = "pngfiles/photo.png", "jpgfiles/photo.jpg"
RED, BLUE = (220, 20, 20), (20, 20, 220)
COLORS = {"RED": RED, "BLUE": BLUE}
T0 = dt.datetime(2026, 11, 29, 9, 0, 0)  # naive UTC, as moto keeps it


class Clock:
    """The time moto's S3 stamps on objects, moved by the test."""

    def __init__(self) -> None:
        self.now = T0

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(moto_s3, "utcnow", lambda: clock.now)
    return clock


def body(key: str = KEY) -> dict[str, str]:
    return {"bucket": BUCKET, "key": key}


def upload(aws: Harness, color: tuple[int, int, int]) -> str:
    """Upload a PNG of ``color`` at KEY; return its ETag."""
    aws.put(KEY, small_png(color))
    return aws.s3.head_object(Bucket=BUCKET, Key=KEY)["ETag"].strip('"')


def jpeg_color(aws: Harness) -> tuple[int, int, int]:
    """RED or BLUE, whichever the JPEG's pixels are closest to."""
    pixel = aws.get_image(TARGET).getpixel((8, 8))
    return min(
        COLORS.values(), key=lambda c: sum(abs(a - b) for a, b in zip(c, pixel, strict=True))
    )


def source_etag(aws: Harness) -> str:
    return aws.s3.head_object(Bucket=BUCKET, Key=TARGET)["Metadata"]["source-etag"]


def outcome(aws: Harness, message_id: str) -> tuple[str, str]:
    record = aws.log_for(message_id)
    return record.outcome, record.getMessage()


class S3Calls:
    """Records the handler's GetObject and PutObject calls and what they answered."""

    def __init__(self, aws: Harness) -> None:
        self.gets: list[tuple[dict[str, Any], str]] = []  # (request, "bytes" or error code)
        self.puts: list[dict[str, Any]] = []
        aws.wrap("s3", "get_object", self._get)
        aws.wrap("s3", "put_object", self._put)

    def _get(self, real: Any, **kwargs: Any) -> Any:
        try:
            response = real(**kwargs)
        except ClientError as error:
            self.gets.append((kwargs, error.response["Error"]["Code"]))
            raise
        self.gets.append((kwargs, "bytes"))
        return response

    def _put(self, real: Any, **kwargs: Any) -> Any:
        self.puts.append(kwargs)
        return real(**kwargs)


class PutGate:
    """Holds the handler's JPEG writes made from one source version until released."""

    def __init__(self, aws: Harness) -> None:
        self._held: dict[str, tuple[threading.Event, threading.Event]] = {}
        aws.wrap("s3", "put_object", self._put)

    def hold(self, etag: str) -> tuple[threading.Event, threading.Event]:
        """Hold the first write from ``etag``: (set when it waits, set it to let it go)."""
        self._held[etag] = (threading.Event(), threading.Event())
        return self._held[etag]

    def _put(self, real: Any, **kwargs: Any) -> Any:
        gate = self._held.pop(kwargs["Metadata"]["source-etag"], None)
        if gate is not None:
            arrived, release = gate
            arrived.set()
            assert release.wait(30), "the held write was never released"
        return real(**kwargs)


@pytest.fixture
def background() -> Iterator[Any]:
    """``background(fn)`` runs fn in a thread; every thread is joined at the end of the test."""
    threads: list[threading.Thread] = []
    errors: list[BaseException] = []

    def start(action: Any) -> threading.Thread:
        def run() -> None:
            try:
                action()
            except BaseException as error:  # shown by the test, not lost in the thread
                errors.append(error)

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
        return thread

    yield start
    for thread in threads:
        thread.join(30)
    assert not errors, errors


# ---------------------------------------------------------------------------------------------
# Duplicates and changes


def test_a_duplicate_delivery_downloads_no_bytes_and_writes_nothing(
    aws: Harness, clock: Clock
) -> None:
    etag = upload(aws, RED)
    assert aws.invoke(aws.record(body(), "first")) == []
    written = aws.s3.head_object(Bucket=BUCKET, Key=TARGET)
    aws.emf()
    calls = S3Calls(aws)

    assert aws.invoke(aws.record(body(), "again")) == []

    assert calls.puts == []
    assert calls.gets == [({"Bucket": BUCKET, "Key": KEY, "IfNoneMatch": f'"{etag}"'}, "304")]
    assert outcome(aws, "again") == (
        "unchanged",
        f"unchanged: the JPEG already holds this version of the PNG (ETag {etag}, "
        "last modified 2026-11-29T09:00:00Z)",
    )
    record = aws.log_for("again")
    assert (record.output_key, record.bytes_in, record.bytes_out) == (TARGET, None, None)
    assert aws.s3.head_object(Bucket=BUCKET, Key=TARGET)["ETag"] == written["ETag"]
    (document,) = aws.emf()
    assert (document["ImagesUnchanged"], document["ImagesConverted"]) == (1, 0)
    assert aws.dlq() == []


def test_a_changed_png_is_converted_again_and_so_is_a_return_to_an_earlier_one(
    aws: Harness, clock: Clock
) -> None:
    red = upload(aws, RED)
    assert aws.invoke(aws.record(body(), "red")) == []
    clock.advance(60)
    blue = upload(aws, BLUE)
    assert aws.invoke(aws.record(body(), "blue")) == []
    assert (jpeg_color(aws), source_etag(aws)) == (BLUE, blue)
    clock.advance(60)
    assert upload(aws, RED) == red  # the same bytes: the same ETag as the first version

    assert aws.invoke(aws.record(body(), "red-again")) == []

    assert [outcome(aws, m)[0] for m in ("red", "blue", "red-again")] == ["converted"] * 3
    assert (jpeg_color(aws), source_etag(aws)) == (RED, red)
    metadata = aws.s3.head_object(Bucket=BUCKET, Key=TARGET)["Metadata"]
    assert metadata["source-last-modified"] == "2026-11-29T09:02:00Z"


def test_an_s3_event_naming_an_older_version_converts_the_version_s3_serves(
    aws: Harness, clock: Clock
) -> None:
    red = upload(aws, RED)
    clock.advance(1)
    blue = upload(aws, BLUE)
    event = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": BUCKET},
                    "object": {"key": KEY, "eTag": red, "versionId": "v1"},
                },
            }
        ]
    }
    assert aws.invoke(aws.record(event, "v1-event"), aws.record(body(), "v2-message")) == []
    assert (jpeg_color(aws), source_etag(aws)) == (BLUE, blue)
    # Whichever runs first converts blue; the other finds blue already there.
    outcomes = sorted(outcome(aws, m)[0] for m in ("v1-event", "v2-message"))
    assert outcomes == ["converted", "unchanged"]


def test_a_jpeg_from_an_earlier_release_without_a_recorded_time(aws: Harness, clock: Clock) -> None:
    red = upload(aws, RED)
    assert aws.invoke(aws.record(body(), "first")) == []
    old = aws.s3.get_object(Bucket=BUCKET, Key=TARGET)
    aws.s3.put_object(
        Bucket=BUCKET,
        Key=TARGET,
        Body=old["Body"].read(),
        Metadata={"source-key": KEY, "source-etag": red},  # what earlier releases wrote
    )
    assert aws.invoke(aws.record(body(), "same")) == []
    clock.advance(1)
    upload(aws, BLUE)
    assert aws.invoke(aws.record(body(), "changed")) == []
    assert [outcome(aws, m)[0] for m in ("same", "changed")] == ["unchanged", "converted"]
    assert jpeg_color(aws) == BLUE


# ---------------------------------------------------------------------------------------------
# Races: only the timing of the writes is injected


@pytest.mark.parametrize("apart", [1, 0], ids=["a-second-apart", "within-one-second"])
def test_an_older_conversion_that_writes_last_is_dropped_as_superseded(
    aws: Harness, clock: Clock, background: Any, apart: int
) -> None:
    """red (v1) is read first but its write is held; blue (v2) is uploaded, converted and
    written; then red's write goes ahead: it must not replace blue."""
    gate = PutGate(aws)
    red = upload(aws, RED)
    red_at_put, release_red = gate.hold(red)
    red_thread = background(lambda: aws.invoke(aws.record(body(), "red")))
    assert red_at_put.wait(30)
    clock.advance(apart)
    blue = upload(aws, BLUE)
    aws.emf()

    assert aws.invoke(aws.record(body(), "blue")) == []
    release_red.set()
    red_thread.join(30)

    assert (jpeg_color(aws), source_etag(aws)) == (BLUE, blue)
    assert outcome(aws, "blue")[0] == "converted"
    red_outcome, message = outcome(aws, "red")
    assert red_outcome == "superseded"
    assert f"newer version of the PNG (ETag {blue}" in message
    superseded = sum(document["ImagesSuperseded"] for document in aws.emf())
    assert superseded == 1
    assert aws.dlq() == []


def test_a_newer_conversion_that_loses_the_race_reads_again_and_writes_over_the_older(
    aws: Harness, clock: Clock, background: Any
) -> None:
    """red's write is held while blue is read and converted, blue's write is held while red's
    goes ahead; blue's conditional write then fails, and blue, being newer, writes again."""
    gate = PutGate(aws)
    calls = S3Calls(aws)  # sees each write before the gate holds it
    red = upload(aws, RED)
    red_at_put, release_red = gate.hold(red)
    red_thread = background(lambda: aws.invoke(aws.record(body(), "red")))
    assert red_at_put.wait(30)
    clock.advance(1)
    blue = upload(aws, BLUE)
    blue_at_put, release_blue = gate.hold(blue)
    blue_thread = background(lambda: aws.invoke(aws.record(body(), "blue")))
    assert blue_at_put.wait(30)

    release_red.set()
    red_thread.join(30)
    release_blue.set()
    blue_thread.join(30)

    assert outcome(aws, "red")[0] == outcome(aws, "blue")[0] == "converted"
    assert (jpeg_color(aws), source_etag(aws)) == (BLUE, blue)
    blue_puts = [p for p in calls.puts if p["Metadata"]["source-etag"] == blue]
    assert [("IfNoneMatch" in p, "IfMatch" in p) for p in blue_puts] == [
        (True, False),
        (False, True),
    ]


def test_a_jpeg_deleted_between_read_and_write_is_written_where_there_is_none(
    aws: Harness, clock: Clock
) -> None:
    upload(aws, RED)
    assert aws.invoke(aws.record(body(), "red")) == []
    clock.advance(1)
    upload(aws, BLUE)
    deleted: list[str] = []

    def delete_first(real: Any, **kwargs: Any) -> Any:
        if not deleted:
            deleted.append(kwargs["IfMatch"])
            aws.s3.delete_object(Bucket=BUCKET, Key=TARGET)
        return real(**kwargs)

    aws.wrap("s3", "put_object", delete_first)
    assert aws.invoke(aws.record(body(), "blue")) == []
    assert deleted  # the first write named the red JPEG, which S3 answered 404 for
    assert (outcome(aws, "blue")[0], jpeg_color(aws)) == ("converted", BLUE)


def test_a_conflicting_concurrent_write_is_a_lost_race_not_a_failure(aws: Harness) -> None:
    """S3 answers 409 ConditionalRequestConflict when a concurrent conditional write wins."""
    upload(aws, RED)
    conflicts: list[int] = []

    def conflict_once(real: Any, **kwargs: Any) -> Any:
        if not conflicts:
            conflicts.append(1)
            raise ClientError(
                {
                    "Error": {"Code": "ConditionalRequestConflict", "Message": "retry"},
                    "ResponseMetadata": {"HTTPStatusCode": 409},
                },
                "PutObject",
            )
        return real(**kwargs)

    aws.wrap("s3", "put_object", conflict_once)
    assert aws.invoke(aws.record(body(), "m1")) == []
    assert (conflicts, outcome(aws, "m1")[0], jpeg_color(aws)) == ([1], "converted", RED)


def test_a_jpeg_that_changes_under_every_write_is_retried_later(aws: Harness, clock: Clock) -> None:
    """Every write finds another, older JPEG than the one it read: after MAX_WRITES attempts the
    record is reported (transient), not looped on for ever."""
    upload(aws, RED)
    clock.advance(10)
    upload(aws, BLUE)
    writes: list[int] = []

    def replace_first(real: Any, **kwargs: Any) -> Any:
        writes.append(1)
        aws.s3.put_object(  # an older conversion lands just before each write
            Bucket=BUCKET,
            Key=TARGET,
            Body=f"older {len(writes)}".encode(),
            Metadata={"source-etag": "0" * 32, "source-last-modified": "2026-11-29T08:00:00Z"},
        )
        return real(**kwargs)

    aws.put(TARGET, b"older 0")
    aws.wrap("s3", "put_object", replace_first)
    assert aws.invoke(aws.record(body(), "m1")) == ["m1"]
    assert len(writes) == MAX_WRITES
    record = aws.log_for("m1")
    assert (record.outcome, record.error_class) == ("failed", "transient")
    assert f"changed under each of {MAX_WRITES} conditional writes" in record.getMessage()


def test_the_write_of_a_new_jpeg_refuses_to_replace_one_written_meanwhile(aws: Harness) -> None:
    """No JPEG when read: the write is If-None-Match "*", never an unconditional overwrite."""
    upload(aws, RED)
    calls = S3Calls(aws)
    assert aws.invoke(aws.record(body(), "m1")) == []
    (put,) = calls.puts
    assert put["IfNoneMatch"] == "*"
    assert "IfMatch" not in put
    assert put["Metadata"]["source-key"] == KEY


@pytest.mark.parametrize(
    ("code", "status"), [("AccessDenied", 403), ("SlowDown", 503)], ids=["denied", "throttled"]
)
def test_a_jpeg_whose_metadata_cannot_be_read_keeps_the_message_for_a_retry(
    aws: Harness, code: str, status: int
) -> None:
    """The JPEG's side of the work: the message is fine, so nothing is quarantined."""
    upload(aws, RED)

    def refuse(real: Any, **kwargs: Any) -> Any:
        if kwargs["Key"] == TARGET:
            error = {"Error": {"Code": code, "Message": "no"}}
            raise ClientError(
                error | {"ResponseMetadata": {"HTTPStatusCode": status}}, "HeadObject"
            )
        return real(**kwargs)

    aws.wrap("s3", "head_object", refuse)
    assert aws.invoke(aws.record(body(), "m1")) == ["m1"]
    record = aws.log_for("m1")
    assert (record.outcome, record.error_class) == ("failed", "transient")
    assert f"s3://images/{TARGET}: {code} (HTTP {status})" in record.getMessage()
    assert aws.dlq() == []
