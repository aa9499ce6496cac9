"""Key naming, directory recursion, collisions and FIFO ordering of ``python -m sender``."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from sender.cli import main

from .conftest import BUCKET


def test_directories_are_searched_recursively_and_keyed_relative_to_the_argument(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos = tmp_path / "photos"
    make_pngs(photos, ["b.png", "a/z.PNG", "a/deep/er/y.png"])
    (photos / "a" / "notes.txt").write_text("not an image, not a PNG name: ignored")
    (lone,) = make_pngs(tmp_path / "elsewhere", ["lone.png"])

    status = main(
        ["--bucket", BUCKET, "--queue-url", aws.queue_url, "--json", str(photos), str(lone)]
    )

    assert status == 0
    sent = json.loads(capsys.readouterr().out)["sent"]
    assert [s["key"] for s in sent] == [
        "pngfiles/a/deep/er/y.png",
        "pngfiles/a/z.PNG",
        "pngfiles/b.png",
        "pngfiles/lone.png",
    ]
    assert sorted(aws.objects()) == sorted(s["key"] for s in sent)


def test_the_input_prefix_flag_names_the_keys(aws: Any, make_pngs: Any, tmp_path: Path) -> None:
    make_pngs(tmp_path, ["a.png"])

    args = ["--bucket", BUCKET, "--queue-url", aws.queue_url, "--input-prefix", "in"]
    assert main([*args, "--output-prefix", "out/", str(tmp_path)]) == 0

    assert aws.keys() == ["in/a.png"]


def test_a_file_whose_jpeg_key_s3_could_not_store_is_skipped(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1,020-byte key under in/ becomes a 1,026-byte JPEG key under jpgfiles/."""
    deep = "/".join(letter * 200 for letter in "abcd") + "/" + "e" * 209 + ".png"
    make_pngs(tmp_path, [deep, "fine.png"])
    prefixes = ["--input-prefix", "in/", "--output-prefix", "jpgfiles/"]

    status = main(
        ["--bucket", BUCKET, "--queue-url", aws.queue_url, *prefixes, "--json", str(tmp_path)]
    )

    assert status == 1
    report = json.loads(capsys.readouterr().out)
    assert [s["key"] for s in report["sent"]] == ["in/fine.png"]
    (skipped,) = report["skipped"]
    assert len(skipped["key"].encode()) == 1020
    assert skipped["reason"].startswith("the JPEG's key would be 1026 bytes, over S3's limit")
    assert aws.keys() == ["in/fine.png"]


def test_two_files_that_would_share_a_key_stop_the_run(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_pngs(tmp_path / "a", ["x.png"])
    make_pngs(tmp_path / "b", ["x.png"])

    status = main(
        ["--bucket", BUCKET, "--queue-url", aws.queue_url, str(tmp_path / "a"), str(tmp_path / "b")]
    )

    assert status == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "a" / "x.png") in err
    assert str(tmp_path / "b" / "x.png") in err
    assert "pngfiles/x.png" in err
    assert aws.objects() == {}
    assert aws.messages() == []


def test_the_same_file_named_twice_is_sent_once(aws: Any, make_pngs: Any, tmp_path: Path) -> None:
    (png,) = make_pngs(tmp_path, ["x.png"])

    assert main(["--bucket", BUCKET, "--queue-url", aws.queue_url, str(tmp_path), str(png)]) == 0

    assert aws.keys() == ["pngfiles/x.png"]


def _last_upload(aws: Any, monkeypatch: pytest.MonkeyPatch, name: str, others: int) -> None:
    """Make the upload of ``name`` finish after the ``others`` other uploads."""
    finished = threading.Semaphore(0)
    put_object = aws.s3.put_object

    def put_last(**params: Any) -> Any:
        if params["Key"].endswith("/" + name):
            for _ in range(others):
                assert finished.acquire(timeout=30), "the other uploads did not finish"
            return put_object(**params)
        result = put_object(**params)
        finished.release()
        return result

    monkeypatch.setattr(aws.s3, "put_object", put_last)


def test_fifo_groups_per_argument_in_file_order_with_a_dedup_id_per_upload(
    aws: Any, make_pngs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_pngs(tmp_path / "first", ["0.png", "1.png", "2.png", "3.png"])
    make_pngs(tmp_path / "second", ["s.png"])
    _last_upload(aws, monkeypatch, "0.png", others=4)
    args = [str(tmp_path / "first"), str(tmp_path / "second")]

    assert main(["--bucket", BUCKET, "--queue-url", aws.fifo_url, "--concurrency", "4", *args]) == 0

    messages = aws.messages(aws.fifo_url)
    groups: dict[str, list[str]] = {}
    for message in messages:
        groups.setdefault(message["Attributes"]["MessageGroupId"], []).append(
            json.loads(message["Body"])["key"]
        )
    assert groups == {
        str(tmp_path / "first"): [f"pngfiles/{i}.png" for i in range(4)],
        str(tmp_path / "second"): ["pngfiles/s.png"],
    }
    dedup = [m["Attributes"]["MessageDeduplicationId"] for m in messages]
    assert len(set(dedup)) == 5


def test_fifo_message_group_flag_puts_everything_in_one_group_in_argument_order(
    aws: Any, make_pngs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_pngs(tmp_path / "b", ["1.png", "2.png"])
    make_pngs(tmp_path / "a", ["3.png"])
    _last_upload(aws, monkeypatch, "1.png", others=2)
    args = ["--message-group", "batch-7", str(tmp_path / "b"), str(tmp_path / "a")]

    assert main(["--bucket", BUCKET, "--queue-url", aws.fifo_url, *args]) == 0

    messages = aws.messages(aws.fifo_url)
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"batch-7"}
    assert [json.loads(m["Body"])["key"] for m in messages] == [
        "pngfiles/1.png",
        "pngfiles/2.png",
        "pngfiles/3.png",
    ]


@pytest.mark.parametrize(
    ("queue", "group", "message"),
    [
        ("queue_url", "g", "FIFO queues only"),
        ("fifo_url", "has space", "1 to 128 ASCII"),
    ],
)
def test_bad_message_group_is_a_usage_error(
    aws: Any,
    make_pngs: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    queue: str,
    group: str,
    message: str,
) -> None:
    make_pngs(tmp_path, ["a.png"])
    url = getattr(aws, queue)

    assert (
        main(["--bucket", BUCKET, "--queue-url", url, "--message-group", group, str(tmp_path)]) == 2
    )

    assert message in capsys.readouterr().err
    assert aws.objects() == {}


def test_two_files_that_would_share_a_jpeg_stop_the_run(
    aws: Any, make_pngs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Distinct keys, one output: the second conversion would overwrite the first JPEG.
    lower, upper = make_pngs(tmp_path, ["x.png", "x.PNG"])

    assert main(["--bucket", BUCKET, "--queue-url", aws.queue_url, str(tmp_path)]) == 2

    err = capsys.readouterr().err
    assert f"{upper} and {lower} would both be made jpgfiles/x.jpg" in err
    assert aws.objects() == {}
    assert aws.messages() == []
