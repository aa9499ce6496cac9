"""``python -m sender`` run as a user runs it, against moto's server: every file accounted for."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import BUCKET, ROOT, Aws, Server, python_m


def _sender(remote: Aws, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return python_m("sender", "--bucket", BUCKET, "--queue-url", remote.queue_url, *args, env=env)


def _summary(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.stdout, f"no JSON on stdout; stderr:\n{result.stderr}"
    return json.loads(result.stdout)


def test_every_png_is_uploaded_and_enqueued_with_a_summary_line(
    remote: Aws, user_env: dict[str, str], make_pngs: Any, tmp_path: Path
) -> None:
    make_pngs(tmp_path, ["b.png", "a/c.PNG"])

    result = _sender(remote, user_env, "--json", str(tmp_path))

    assert result.returncode == 0, result.stderr
    summary = _summary(result)
    assert [s["key"] for s in summary["sent"]] == ["pngfiles/a/c.PNG", "pngfiles/b.png"]
    assert sorted(remote.keys()) == ["pngfiles/a/c.PNG", "pngfiles/b.png"]
    assert sorted(remote.objects()) == ["pngfiles/a/c.PNG", "pngfiles/b.png"]
    assert result.stderr.splitlines() == [
        f"sender: 2 sent, 0 unchanged, 0 skipped, 0 failed, 0 interrupted "
        f"(s3://{BUCKET}/pngfiles/ and {remote.queue_url})"
    ]


def test_a_name_that_is_not_utf8_fails_only_that_file(
    remote: Aws, user_env: dict[str, str], make_pngs: Any, tmp_path: Path
) -> None:
    good = [f"{i:02}.png" for i in range(30)]
    make_pngs(tmp_path, good)
    (bad,) = make_pngs(tmp_path, ["bad-name.png"])
    not_utf8 = bad.rename(tmp_path / os.fsdecode(b"bad-\xff.png"))

    result = _sender(remote, user_env, "--json", str(tmp_path))

    assert result.returncode == 1
    summary = _summary(result)
    expected = [f"pngfiles/{name}" for name in good]
    assert [s["key"] for s in summary["sent"]] == expected
    assert sorted(remote.keys()) == expected
    assert sorted(remote.objects()) == expected
    (skipped,) = summary["skipped"]
    assert skipped["path"] == str(not_utf8)
    assert skipped["reason"] == "file name is not UTF-8"
    assert "30 sent, 0 unchanged, 1 skipped, 0 failed, 0 interrupted" in result.stderr


def test_a_named_pipe_is_skipped_without_blocking(
    remote: Aws, user_env: dict[str, str], make_pngs: Any, tmp_path: Path
) -> None:
    make_pngs(tmp_path, ["a.png"])
    os.mkfifo(tmp_path / "pipe.png")

    result = _sender(remote, user_env, "--json", str(tmp_path))

    assert result.returncode == 1
    summary = _summary(result)
    assert [s["key"] for s in summary["sent"]] == ["pngfiles/a.png"]
    assert summary["skipped"] == [
        {
            "path": str(tmp_path / "pipe.png"),
            "key": "pngfiles/pipe.png",
            "reason": "not a regular file: a named pipe",
        }
    ]
    assert remote.keys() == ["pngfiles/a.png"]


def _interrupted_run(
    remote: Aws,
    server: Server,
    env: dict[str, str],
    directory: Path,
    signum: signal.Signals = signal.SIGINT,
) -> subprocess.Popen[str]:
    """A run of the files in ``directory``, its uploads held after the 25th, sent ``signum``."""
    server.gate.close(after=25)
    command = ["--bucket", BUCKET, "--queue-url", remote.queue_url, "--json", str(directory)]
    run = subprocess.Popen(
        [sys.executable, "-m", "sender", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.gate.held.wait(timeout=60), "no upload reached the gate"
    run.send_signal(signum)
    assert run.stderr is not None
    assert "interrupted: finishing the uploads under way" in run.stderr.readline()
    return run


def _accounted_for(remote: Aws, summary: dict[str, Any], files: int) -> None:
    """Every file has one outcome; every object has a message or is listed as not enqueued.

    A message sent just before a second Ctrl-C may be on the queue while its key is listed.
    """
    outcomes = [summary[status] for status in ("sent", "skipped", "failed", "interrupted")]
    assert sorted(o["key"] for group in outcomes for o in group) == sorted(
        f"pngfiles/{i:03}.png" for i in range(files)
    )
    sent = {s["key"] for s in summary["sent"]}
    listed = set(summary["not_enqueued"])
    enqueued = set(remote.keys())
    assert sent <= enqueued <= sent | listed
    assert set(remote.objects()) <= enqueued | listed
    assert summary["interrupted"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_enqueues_what_was_uploaded_and_exits_130(
    remote: Aws,
    server: Server,
    user_env: dict[str, str],
    make_pngs: Any,
    tmp_path: Path,
    signum: signal.Signals,
) -> None:
    # SIGTERM (`kill`, `timeout`, a CI job cancelled) is handled as Ctrl-C is: nothing orphaned.
    make_pngs(tmp_path, [f"{i:03}.png" for i in range(300)])
    run = _interrupted_run(remote, server, user_env, tmp_path, signum)

    server.gate.open()  # the uploads under way finish
    out, err = run.communicate(timeout=60)

    assert run.returncode == 130
    summary = json.loads(out)
    _accounted_for(remote, summary, 300)
    assert summary["not_enqueued"] == []
    assert len(summary["sent"]) >= 25
    assert set(remote.objects()) == {s["key"] for s in summary["sent"]}
    assert (
        f"{len(summary['sent'])} sent, 0 unchanged, 0 skipped, 0 failed, " in err.splitlines()[-1]
    )


def test_a_second_ctrl_c_exits_at_once_listing_the_keys_not_enqueued(
    remote: Aws, server: Server, user_env: dict[str, str], make_pngs: Any, tmp_path: Path
) -> None:
    make_pngs(tmp_path, [f"{i:03}.png" for i in range(300)])
    run = _interrupted_run(remote, server, user_env, tmp_path)

    run.send_signal(signal.SIGINT)  # while uploads are still held
    out, err = run.communicate(timeout=60)
    server.gate.open()

    assert run.returncode == 130
    summary = json.loads(out)
    assert summary["not_enqueued"]
    for key in summary["not_enqueued"]:
        assert f"sender: may be in the bucket without a message: {key}" in err
    _accounted_for(remote, summary, 300)


def test_json_with_a_missing_queue_has_the_error(
    remote: Aws, user_env: dict[str, str], make_pngs: Any, tmp_path: Path
) -> None:
    make_pngs(tmp_path, ["a.png"])
    gone = remote.queue_url.replace("png2jpg", "no-such-queue")

    result = python_m(
        "sender", "--bucket", BUCKET, "--queue-url", gone, "--json", str(tmp_path), env=user_env
    )

    assert result.returncode == 1
    summary = _summary(result)
    assert summary["error"].startswith(f"queue {gone}: ")
    assert summary["failed"] == [
        {"path": str(tmp_path / "a.png"), "key": "pngfiles/a.png", "reason": summary["error"]}
    ]
    assert remote.objects() == {}


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--wait", "nan"], "argument --wait: must be from 0 to 86400, got nan"),
        (["--wait", "inf"], "argument --wait: must be from 0 to 86400, got inf"),
        (["--concurrency", "100000"], "argument --concurrency: must be from 1 to 64"),
        (["--concurrency", "two"], "argument --concurrency: not a number: 'two'"),
    ],
)
def test_numbers_out_of_range_are_usage_errors(
    remote: Aws, user_env: dict[str, str], tmp_path: Path, option: list[str], message: str
) -> None:
    result = _sender(remote, user_env, *option, "--json", str(tmp_path))

    assert result.returncode == 2
    assert message in _summary(result)["error"]
    assert f"sender: error: {message}" in result.stderr


def test_upload_only_sends_no_messages(
    remote: Aws, user_env: dict[str, str], make_pngs: Any, tmp_path: Path
) -> None:
    make_pngs(tmp_path, ["a.png", "b.png"])

    result = python_m(
        "sender", "--bucket", BUCKET, "--upload-only", "--json", str(tmp_path), env=user_env
    )

    assert result.returncode == 0, result.stderr
    summary = _summary(result)
    assert summary["upload_only"] is True
    assert [s["key"] for s in summary["sent"]] == ["pngfiles/a.png", "pngfiles/b.png"]
    assert sorted(remote.objects()) == ["pngfiles/a.png", "pngfiles/b.png"]
    assert remote.messages() == []
