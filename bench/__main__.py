"""``python -m bench [--quick] [--rows 1,2,...] [--markdown] [--chart FILE] [--figures FILE]``: run
the rows, print one table, and optionally write the chart of the ratios against their targets as
SVG and the figures the capacity planner starts from (rows 1 and 4) as JSON."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.paths import FUNCTION_DIR

# Before the imports below: the rows import png2jpg from function/, as Lambda has it.
sys.path.insert(0, str(FUNCTION_DIR))

from bench import chart, figures, machine
from bench.context import Context
from bench.images import ImageStore
from bench.rows import (
    cold_start,
    conversion,
    duplicate,
    end_to_end,
    handler,
    hostile,
    memory,
    sender,
)
from bench.table import Row, render_markdown, render_text

ROWS: dict[int, Callable[[Context], list[Row]]] = {
    1: conversion.run,
    2: handler.run,
    3: cold_start.run,
    4: memory.run,
    5: sender.run,
    6: end_to_end.run,
    7: hostile.run,
    8: duplicate.run,
}


def _row_numbers(text: str) -> list[int]:
    numbers = [int(part) for part in text.split(",") if part.strip()]
    unknown = sorted(set(numbers) - ROWS.keys())
    if unknown:
        raise argparse.ArgumentTypeError(f"no such row: {unknown}; rows are 1 to {len(ROWS)}")
    return numbers


def main(argv: list[str] | None = None) -> int:
    """Run the selected rows and print the machine description and the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny inputs, few repetitions")
    parser.add_argument(
        "--rows", type=_row_numbers, default=list(ROWS), help="comma-separated row numbers"
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument("--chart", type=Path, help="write an SVG chart of the ratios to this file")
    parser.add_argument(
        "--figures", type=Path, help="write rows 1 and 4's figures for the capacity planner (JSON)"
    )
    args = parser.parse_args(argv)
    if args.figures and not set(figures.ROWS) <= {str(number) for number in args.rows}:
        parser.error(f"--figures needs rows {' and '.join(figures.ROWS)} in --rows")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="png2jpg-bench-") as directory:
        context = Context(quick=args.quick, images=ImageStore(Path(directory)))
        for number in args.rows:
            started = time.monotonic()
            print(f"bench: row {number}...", file=sys.stderr, flush=True)
            rows += ROWS[number](context)
            print(f"bench: row {number} took {time.monotonic() - started:.0f} s", file=sys.stderr)
    render = render_markdown if args.markdown else render_text
    date, described = time.strftime("%Y-%m-%d"), machine.describe()
    print(render([("date", date), *described], rows))
    if args.chart:
        args.chart.parent.mkdir(parents=True, exist_ok=True)
        args.chart.write_text(chart.render_svg(rows))
        print(f"bench: chart written to {args.chart}", file=sys.stderr)
    if args.figures:
        figures.write(args.figures, figures.document(rows, described, date, args.quick))
        print(f"bench: figures written to {args.figures}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
