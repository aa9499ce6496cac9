"""Re-running the sender costs nothing for unchanged files; FIFO deduplication drops resends only.

An unchanged file is one whose bytes S3 holds under its key, with a JPEG written since: found
with two listings, never a request per file (except where the ETag is not the MD5).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.s3 import models as moto_s3

from sender.cli import main
from tests.imagegen import photo_like, png_bytes
from tests.unit.function.images import small_png

from .conftest import BUCKET, Aws, convert_on_send, python_m

RED, BLUE = (220, 20, 20), (20, 20, 220)
DEDUP_MEMORY = 300.0  # seconds SQS remembers a FIFO deduplication id, deleted message or not


class Calls:
    """Counts the requests the sender's clients make, by operation name."""

    def __init__(self, aws: Any) -> None:
        self.names: list[str] = []
        for client in (aws.s3, aws.sqs):
            client.meta.events.register("before-call", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.names.append(model.name)

    def count(self, name: str) -> int:
        return self.names.count(name)


def _send(aws: Any, *args: str, queue: str | None = None) -> int:
    return main(["--bucket", BUCKET, "--queue-url", queue or aws.queue_url, *args])


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return json.loads(capsys.readouterr().out)


def test_a_second_run_over_an_unchanged_folder_uploads_and_enqueues_nothing(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, [f"{i:02}.png" for i in range(25)])
    convert_on_send(aws)
    assert _send(aws, "--json", str(tmp_path)) == 0
    assert len(_json(capsys)["sent"]) == 25
    aws.messages()
    calls = Calls(aws)

    assert _send(aws, "--json", str(tmp_path)) == 0

    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert "sender: 0 sent, 25 unchanged, 0 skipped, 0 failed, 0 interrupted" in err
    assert (len(summary["sent"]), len(summary["unchanged"])) == (0, 25)
    assert summary["unchanged"][0] == {"path": str(tmp_path / "00.png"), "key": "pngfiles/00.png"}
    assert calls.count("PutObject") == calls.count("SendMessageBatch") == 0
    # Two listings (the PNGs' range, the JPEGs'), not a request per file.
    assert calls.count("ListObjectsV2") == 2
    assert calls.count("HeadObject") == 0
    assert aws.messages() == []


def test_changed_files_and_files_without_a_newer_jpeg_are_sent(
    aws: Any,
    make_pngs: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = dt.datetime(2026, 11, 29, 9, 0, 0)
    monkeypatch.setattr(moto_s3, "utcnow", lambda: now)  # S3's clock, to the second
    (same, edited, resized, _, replaced) = make_pngs(
        tmp_path, ["same.png", "edited.png", "resized.png", "no-jpeg.png", "replaced.png"]
    )
    convert_on_send(aws)
    assert _send(aws, str(tmp_path)) == 0
    aws.messages()
    data = bytearray(edited.read_bytes())
    data[-13] ^= 0xFF  # same size, other bytes (inside IEND's CRC: still starts like a PNG)
    edited.write_bytes(bytes(data))
    resized.write_bytes(resized.read_bytes() + b"\0")
    aws.s3.delete_object(Bucket=BUCKET, Key="jpgfiles/no-jpeg.jpg")
    now += dt.timedelta(seconds=1)  # a PNG put after its JPEG was written, by someone else
    aws.s3.put_object(Bucket=BUCKET, Key="pngfiles/replaced.png", Body=replaced.read_bytes())

    assert _send(aws, "--json", str(tmp_path)) == 0

    summary = _json(capsys)
    assert [f["key"] for f in summary["unchanged"]] == ["pngfiles/same.png"]
    sent = ["edited", "no-jpeg", "replaced", "resized"]
    assert [f["key"] for f in summary["sent"]] == [f"pngfiles/{name}.png" for name in sent]
    assert sorted(aws.keys()) == [f"pngfiles/{name}.png" for name in sent]
    assert same.exists()


def test_force_sends_unchanged_files_too(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png", "b.png"])
    convert_on_send(aws)
    assert _send(aws, str(tmp_path)) == 0
    aws.messages()
    calls = Calls(aws)

    assert _send(aws, "--force", "--json", str(tmp_path)) == 0

    assert len(_json(capsys)["sent"]) == 2
    assert calls.count("ListObjectsV2") == 0
    assert sorted(aws.keys()) == ["pngfiles/a.png", "pngfiles/b.png"]


def test_where_the_etag_is_not_the_md5_the_kept_sha256_decides(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SSE-KMS gives objects an ETag that is not their MD5 (so do multipart uploads): the sender
    reads the SHA-256 checksum S3 verified at upload, one HEAD request per such file. An object
    another tool uploaded without one is sent again."""
    sender_made, other_made = make_pngs(tmp_path, ["mine.png", "theirs.png"])
    convert_on_send(aws)
    assert _send(aws, str(tmp_path)) == 0
    aws.messages()
    aws.s3.put_object(  # the same bytes, uploaded by a tool that keeps no SHA-256 checksum
        Bucket=BUCKET, Key="pngfiles/theirs.png", Body=other_made.read_bytes()
    )
    aws.s3.put_object(Bucket=BUCKET, Key="jpgfiles/theirs.jpg", Body=b"jpeg")

    def kms_etags(parsed: dict[str, Any], **_: Any) -> None:
        for obj in parsed.get("Contents", []):
            obj["ETag"] = f'"{random.getrandbits(128):032x}"'

    aws.s3.meta.events.register("after-call.s3.ListObjectsV2", kms_etags)
    calls = Calls(aws)

    assert _send(aws, "--json", str(tmp_path)) == 0

    summary = _json(capsys)
    assert [f["key"] for f in summary["unchanged"]] == ["pngfiles/mine.png"]
    assert [f["key"] for f in summary["sent"]] == ["pngfiles/theirs.png"]
    assert calls.count("HeadObject") == 1  # mine only: theirs has no checksum to read
    assert sender_made.exists()


def test_a_listing_s3_refuses_sends_every_file_and_says_why(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png"])
    convert_on_send(aws)
    assert _send(aws, str(tmp_path)) == 0
    aws.messages()
    capsys.readouterr()

    def refuse(**_: Any) -> None:
        error = {"Error": {"Code": "AccessDenied", "Message": "no s3:ListBucket"}}
        raise ClientError(error | {"ResponseMetadata": {"HTTPStatusCode": 403}}, "ListObjectsV2")

    aws.s3.meta.events.register("before-call.s3.ListObjectsV2", refuse)

    assert _send(aws, str(tmp_path)) == 0

    assert aws.keys() == ["pngfiles/a.png"]
    err = capsys.readouterr().err
    assert f"cannot list s3://{BUCKET} to find unchanged files" in err
    assert "AccessDenied" in err


class DedupMemory:
    """SQS's FIFO deduplication: an entry whose id was seen within 5 minutes is reported sent
    but not enqueued, deleted message or not (moto forgets an id once its message is deleted)."""

    def __init__(self, aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: dict[str, float] = {}
        self.enqueued = 0
        self._real = aws.sqs.send_message_batch
        monkeypatch.setattr(aws.sqs, "send_message_batch", self._send)

    def _send(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:  # noqa: N803
        now = time.monotonic()
        fresh = [
            e
            for e in Entries
            if now - self.seen.get(e["MessageDeduplicationId"], -1e9) >= DEDUP_MEMORY
        ]
        self.seen |= {e["MessageDeduplicationId"]: now for e in fresh}
        response = self._real(QueueUrl=QueueUrl, Entries=fresh) if fresh else {}
        self.enqueued += len(response.get("Successful", []))
        dropped = [e for e in Entries if e not in fresh]
        successful = response.get("Successful", []) + [
            {"Id": e["Id"], "MessageId": "an-earlier-message"} for e in dropped
        ]
        return {**response, "Successful": successful}


def test_fifo_red_blue_red_sends_and_enqueues_three_messages(
    aws: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run is a new upload: only a resend within a run may share a deduplication id."""
    photo = tmp_path / "photo.png"
    memory = DedupMemory(aws, monkeypatch)
    convert_on_send(aws)
    for color in (RED, BLUE, RED):
        photo.write_bytes(small_png(color))
        assert _send(aws, str(tmp_path), queue=aws.fifo_url) == 0
        assert capsys.readouterr().err.startswith("sender: 1 sent, 0 unchanged")
        stored = aws.s3.get_object(Bucket=BUCKET, Key="pngfiles/photo.png")["Body"].read()
        assert stored == photo.read_bytes()

    assert memory.enqueued == 3
    assert len(aws.messages(aws.fifo_url)) == 3


def test_fifo_a_retried_send_keeps_its_deduplication_id(
    aws: Any, make_pngs: Any, tmp_path: Path
) -> None:
    make_pngs(tmp_path, ["a.png", "b.png"])
    attempts: list[dict[str, str]] = []
    failed: list[str] = []

    def remember(params: dict[str, Any], **_: Any) -> None:
        attempts.append({e["Id"]: e["MessageDeduplicationId"] for e in params["Entries"]})

    def fail_first_once(parsed: dict[str, Any], **_: Any) -> None:
        if not failed:
            failed.append("0")
            parsed["Successful"] = [s for s in parsed["Successful"] if s["Id"] != "0"]
            parsed.setdefault("Failed", []).append({"Id": "0", "SenderFault": False, "Code": "X"})

    aws.sqs.meta.events.register("before-parameter-build.sqs.SendMessageBatch", remember)
    aws.sqs.meta.events.register("after-call.sqs.SendMessageBatch", fail_first_once)

    assert _send(aws, str(tmp_path), queue=aws.fifo_url) == 0

    first, retry = attempts
    assert retry == {"0": first["0"]}


def test_the_second_run_as_a_user_runs_it_converts_nothing(
    remote: Aws, user_env: dict[str, str], tmp_path: Path
) -> None:
    """``python -m sender`` twice over one folder, the function's JPEGs written in between."""
    for index in range(12):
        image = photo_like(40 + index, 30, seed=index)
        (tmp_path / f"{index:02}.png").write_bytes(png_bytes(image))
    args = ["--bucket", BUCKET, "--queue-url", remote.queue_url, "--json", str(tmp_path)]
    first = python_m("sender", *args, env=user_env)
    assert first.returncode == 0, first.stderr
    for message in remote.messages():
        key = json.loads(message["Body"])["key"]
        target = "jpgfiles/" + key.removeprefix("pngfiles/").removesuffix(".png") + ".jpg"
        remote.s3.put_object(Bucket=BUCKET, Key=target, Body=b"jpeg")
    uploaded = {key: head["LastModified"] for key, head in remote.objects("pngfiles/").items()}

    second = python_m("sender", *args, env=user_env)

    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    assert (len(summary["sent"]), len(summary["unchanged"])) == (0, 12)
    assert remote.keys() == []
    again = {key: head["LastModified"] for key, head in remote.objects("pngfiles/").items()}
    assert again == uploaded


def test_a_listing_that_fails_otherwise_stops_the_run_before_any_upload(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png"])

    def fail(**_: Any) -> None:
        error = {"Error": {"Code": "InternalError", "Message": "try again"}}
        raise ClientError(error | {"ResponseMetadata": {"HTTPStatusCode": 500}}, "ListObjectsV2")

    aws.s3.meta.events.register("before-call.s3.ListObjectsV2", fail)

    assert _send(aws, str(tmp_path)) == 1

    assert "sender: error: An error occurred (InternalError)" in capsys.readouterr().err
    aws.s3.meta.events.unregister("before-call.s3.ListObjectsV2", fail)
    assert aws.objects() == {}
    assert aws.messages() == []
