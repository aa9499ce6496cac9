"""Uploads, messages, skipped files, batching and retries of ``python -m sender``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sender import send
from sender.cli import main

from .conftest import BUCKET


def _send(aws: Any, *args: str) -> int:
    return main(["--bucket", BUCKET, "--queue-url", aws.queue_url, *args])


def _bodies(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(m["Body"]) for m in messages]


def _record_batches(aws: Any) -> list[int]:
    sizes: list[int] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sizes.append(len(params["Entries"]))

    aws.sqs.meta.events.register("before-parameter-build.sqs.SendMessageBatch", record)
    return sizes


def test_sends_pngs_and_skips_the_files_that_are_not(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos = tmp_path / "photos"
    names = [f"img{i:02}.png" for i in range(23)]
    make_pngs(photos, names)
    (photos / "fake.png").write_bytes(b"GIF89a\x01\x00\x01\x00")
    (photos / "empty.png").write_bytes(b"")

    status = _send(aws, str(photos))

    assert status == 1
    objects = aws.objects()
    assert sorted(objects) == [f"pngfiles/{name}" for name in names]
    assert {o["ContentType"] for o in objects.values()} == {"image/png"}
    messages = aws.messages()
    assert sorted(m["Body"] for m in messages) == sorted(
        json.dumps({"bucket": BUCKET, "key": f"pngfiles/{name}"}) for name in names
    )
    assert all(set(body) == {"bucket", "key"} for body in _bodies(messages))
    assert capsys.readouterr().err.splitlines() == [
        f"sender: skipped {photos / 'empty.png'}: not a PNG file (empty)",
        f"sender: skipped {photos / 'fake.png'}: not a PNG file (starts with b'GIF89a\\x01\\x00')",
        f"sender: 23 sent, 0 unchanged, 2 skipped, 0 failed, 0 interrupted "
        f"(s3://{BUCKET}/pngfiles/ and {aws.queue_url})",
    ]


def test_all_good_exits_0_and_prints_only_the_summary_without_a_terminal(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png", "b.png"])

    assert _send(aws, str(tmp_path)) == 0

    out, err = capsys.readouterr()
    assert (out, err.count("\n")) == ("", 1)
    assert err.startswith("sender: 2 sent, 0 unchanged, 0 skipped, 0 failed, 0 interrupted")
    assert len(aws.messages()) == 2


def test_ten_entries_per_batch_in_file_order(aws: Any, make_pngs: Any, tmp_path: Path) -> None:
    make_pngs(tmp_path, [f"{i:02}.png" for i in range(23)])
    sizes = _record_batches(aws)

    assert _send(aws, str(tmp_path)) == 0

    assert sizes == [10, 10, 3]
    assert aws.keys() == [f"pngfiles/{i:02}.png" for i in range(23)]


def test_entries_reported_as_failed_are_retried(aws: Any, make_pngs: Any, tmp_path: Path) -> None:
    make_pngs(tmp_path, [f"{i:02}.png" for i in range(12)])
    sizes = _record_batches(aws)
    dropped: list[str] = []

    def drop_first_entry_once(params: dict[str, Any], **_: Any) -> None:
        if not dropped:
            dropped.append(params["Entries"][0]["Id"])
            params["Entries"] = params["Entries"][1:]

    def report_it_failed(parsed: dict[str, Any], **_: Any) -> None:
        if len(dropped) == 1:
            failure = {"Id": dropped[0], "SenderFault": False, "Code": "InternalError"}
            parsed.setdefault("Failed", []).append(failure)
            dropped.append("reported")

    events = aws.sqs.meta.events
    events.register("before-parameter-build.sqs.SendMessageBatch", drop_first_entry_once)
    events.register("after-call.sqs.SendMessageBatch", report_it_failed)

    assert _send(aws, str(tmp_path)) == 0

    assert sorted(b["key"] for b in _bodies(aws.messages())) == [
        f"pngfiles/{i:02}.png" for i in range(12)
    ]
    assert sizes == [10, 1, 2]  # the retry carries only the failed entry


def _fail_entry(aws: Any, key_suffix: str, sender_fault: bool) -> None:
    """Make SQS report the entry for ``key_suffix`` as failed on every attempt."""
    failing: list[str] = []

    def drop(params: dict[str, Any], **_: Any) -> None:
        failing.clear()
        for entry in list(params["Entries"]):
            if json.loads(entry["MessageBody"])["key"].endswith(key_suffix):
                failing.append(entry["Id"])
                params["Entries"].remove(entry)
        if not params["Entries"]:  # SQS refuses an empty batch; keep the call valid
            params["Entries"] = [{"Id": "filler", "MessageBody": "{}"}]

    def report(parsed: dict[str, Any], **_: Any) -> None:
        parsed["Successful"] = [s for s in parsed.get("Successful", []) if s["Id"] != "filler"]
        parsed.setdefault("Failed", []).extend(
            {"Id": i, "SenderFault": sender_fault, "Code": "Boom", "Message": "injected"}
            for i in failing
        )

    aws.sqs.meta.events.register("before-parameter-build.sqs.SendMessageBatch", drop)
    aws.sqs.meta.events.register("after-call.sqs.SendMessageBatch", report)


@pytest.mark.parametrize(("sender_fault", "calls"), [(True, 1), (False, send.MAX_ATTEMPTS)])
def test_entries_that_keep_failing_are_reported(
    aws: Any,
    make_pngs: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    sender_fault: bool,
    calls: int,
) -> None:
    make_pngs(tmp_path, ["a.png", "b.png", "c.png"])
    sizes = _record_batches(aws)
    _fail_entry(aws, "b.png", sender_fault)

    assert _send(aws, "--json", str(tmp_path)) == 1

    out, err = capsys.readouterr()
    assert len(sizes) == calls  # sender faults are not retried
    assert f"sender: failed {tmp_path / 'b.png'}: Boom: injected" in err
    failed = json.loads(out)["failed"]
    assert [(f["path"], f["key"]) for f in failed] == [(str(tmp_path / "b.png"), "pngfiles/b.png")]
    assert sorted(b["key"] for b in _bodies(aws.messages()) if b) == [
        "pngfiles/a.png",
        "pngfiles/c.png",
    ]


def test_a_failed_upload_is_reported_and_not_enqueued(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png", "b.png"])

    def deny_b(params: dict[str, Any], **_: Any) -> Any:
        if params["url_path"].endswith("/b.png"):
            error = {"Error": {"Code": "AccessDenied", "Message": "denied"}}
            return SimpleNamespace(status_code=403), error
        return None

    aws.s3.meta.events.register("before-call.s3.PutObject", deny_b)

    assert _send(aws, str(tmp_path)) == 1

    assert "AccessDenied" in capsys.readouterr().err
    assert [b["key"] for b in _bodies(aws.messages())] == ["pngfiles/a.png"]


def test_missing_file_argument_is_skipped_and_the_rest_sent(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (good,) = make_pngs(tmp_path, ["good.png"])
    missing = tmp_path / "missing.png"

    assert _send(aws, str(missing), str(good)) == 1

    assert f"sender: skipped {missing}: no such file or directory" in capsys.readouterr().err
    assert [b["key"] for b in _bodies(aws.messages())] == ["pngfiles/good.png"]


def test_unusable_queue_stops_before_uploading(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path, ["a.png"])
    gone = aws.queue_url.replace("png2jpg", "no-such-queue")

    status = main(["--bucket", BUCKET, "--queue-url", gone, str(tmp_path)])

    assert status == 1
    assert "no-such-queue" in capsys.readouterr().err
    assert aws.objects() == {}


def test_json_summary_matches_what_was_sent(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path / "d", ["b.png", "a.png"])
    (tmp_path / "d" / "bad.png").write_text("hello")

    assert _send(aws, "--json", str(tmp_path / "d")) == 1

    summary = json.loads(capsys.readouterr().out)
    received = {json.loads(m["Body"])["key"]: m["MessageId"] for m in aws.messages()}
    assert summary["bucket"] == BUCKET
    assert summary["queue_url"] == aws.queue_url
    assert summary["sent"] == [
        {
            "path": str(tmp_path / "d" / n),
            "key": f"pngfiles/{n}",
            "message_id": received[f"pngfiles/{n}"],
        }
        for n in ("a.png", "b.png")
    ]
    assert summary["skipped"] == [
        {
            "path": str(tmp_path / "d" / "bad.png"),
            "key": "pngfiles/bad.png",
            "reason": "not a PNG file (starts with b'hello')",
        }
    ]
    assert summary["failed"] == summary["interrupted"] == summary["not_enqueued"] == []
    assert (summary["upload_only"], summary["wait"], summary["error"]) == (False, None, None)


@pytest.mark.parametrize("quiet", [False, True])
def test_on_a_terminal_a_progress_bar_unless_quiet(
    aws: Any,
    make_pngs: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    quiet: bool,
) -> None:
    make_pngs(tmp_path, ["a.png", "b.png"])
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    assert _send(aws, *(["--quiet"] if quiet else []), str(tmp_path)) == 0

    out, err = capsys.readouterr()
    assert out == ""
    assert "sender: 2 sent, 0 unchanged, 0 skipped, 0 failed, 0 interrupted" in err
    assert ("2/2" in err) is not quiet  # the progress bar
