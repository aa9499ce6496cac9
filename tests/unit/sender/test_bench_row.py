"""Bench rows 5 (bench/rows/sender.py: four commands) and 8 (bench/rows/duplicate.py: the
handler in this process) run against moto's server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.context import Context
from bench.images import ImageStore
from bench.rows import duplicate
from bench.rows import sender as row

from .conftest import Server


def test_row_5_times_the_sender_against_the_tutorial_and_the_aws_cli(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(row, "QUICK_FILES", 2)

    rows = row.run(Context(quick=True, images=ImageStore(tmp_path)))

    assert [r.number for r in rows] == ["5a", "5b", "5c"]
    assert rows[0].what.endswith("(vs. one process per file)")
    assert rows[1].what.endswith("(vs. aws s3 cp --recursive, upload only)")
    assert rows[2].what.endswith("again, unchanged (vs. aws s3 sync, nothing to upload)")
    assert [(r.target, r.met is not None) for r in rows] == [
        (">= 10x", True),
        ("<= 1x", True),
        ("<= 1x", True),
    ]
    assert rows[2].note == (
        "during 5c, 0 PNGs were uploaded again and the sender sent 0 messages (target 0 and 0)"
    )


def test_row_8_times_a_duplicate_delivery_against_the_first_conversion(
    server: Server, tmp_path: Path
) -> None:
    (only,) = duplicate.run(Context(quick=True, images=ImageStore(tmp_path)))

    assert only.number == "8"
    assert only.what.startswith("duplicate delivery of a 0.12 MP RGBA PNG, handler CPU time")
    assert (only.target, only.met is not None) == ("<= 0.05x", True)
