"""Bench row 5 (bench/rows/sender.py) runs its three commands against moto's server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.context import Context
from bench.images import ImageStore
from bench.rows import sender as row

from .conftest import Server


def test_row_5_times_the_sender_against_the_tutorial_and_the_aws_cli(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(row, "QUICK_FILES", 2)

    rows = row.run(Context(quick=True, images=ImageStore(tmp_path)))

    assert [r.number for r in rows] == ["5a", "5b"]
    assert rows[0].what.endswith("(vs. one process per file)")
    assert rows[1].what.endswith("(vs. aws s3 cp --recursive, upload only)")
    assert [(r.target, r.met is not None) for r in rows] == [(">= 10x", True), ("<= 1x", True)]
