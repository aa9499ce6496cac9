"""The measured figures the capacity planner starts from, written by ``python -m bench --figures``.

``make bench`` writes them to sender/capacity/measured.json (``make bench QUICK=1`` to build/bench/,
its tiny inputs say nothing): the conversion times of row 1 (one image at a time, on one core of
the machine described beside them) and the memory of row 4's worst batch. ``python -m
sender.capacity`` derives its default seconds per megapixel and its memory floor from them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.table import Row

# The rows the planner needs; --figures requires both.
ROWS = ("1", "4")


def document(
    rows: list[Row], machine: list[tuple[str, str]], date: str, quick: bool
) -> dict[str, Any]:
    """The data file's content; ValueError if row 1 or row 4 is missing from ``rows``."""
    measured = {
        number: [row.figures for row in rows if row.number == number and row.figures]
        for number in ROWS
    }
    missing = [number for number in ROWS if not measured[number]]
    if missing:
        raise ValueError(f"--figures needs rows {' and '.join(ROWS)}; missing: {missing}")
    return {
        "written_by": "python -m bench --figures (make bench)",
        "date": date,
        "quick": quick,
        "machine": dict(machine),
        "conversion": {
            "source": "bench row 1: median wall time of png_to_jpeg on one image at a time "
            "(one core), photo-like RGBA PNGs",
            "images": [dict(figures) for figures in measured["1"]],
        },
        "memory": {
            "source": "bench row 4: peak RSS added by the worst batch of max_workers images at "
            "max_pixels, beside the interpreter, boto3 and Pillow (runtime_bytes)",
            **measured["4"][0],
        },
    }


def write(path: Path, content: dict[str, Any]) -> None:
    """Write ``content`` as indented JSON (a reviewable diff when the figures change)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")
