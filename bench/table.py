"""The result table: one :class:`Row` per figure, rendered as aligned text or markdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

HEADER = ("#", "what", "ours", "baseline", "ratio", "target", "result")


@dataclass(frozen=True)
class Row:
    """One line of the table.

    ``ratio`` is already oriented the way its ``target`` reads (``ours / baseline`` for an
    overhead, ``baseline / ours`` for a speed-up); ``met`` is None for a row without a target.
    ``note`` is printed under the table, for what a cell cannot say. ``figures`` are the row's
    measurements as numbers, for the data file that ``--figures`` writes (bench/figures.py).
    """

    number: str
    what: str
    ours: str
    baseline: str = "-"
    ratio: str = "-"
    target: str = "-"
    met: bool | None = None
    note: str = ""
    figures: Mapping[str, float | str] = field(default_factory=dict)

    def cells(self) -> tuple[str, ...]:
        """The row's cells in :data:`HEADER` order."""
        result = {True: "met", False: "MISSED", None: "-"}[self.met]
        return (self.number, self.what, self.ours, self.baseline, self.ratio, self.target, result)


def at_most(ratio: float, target: float) -> tuple[str, str, bool]:
    """Cells for an overhead ``ratio`` (ours / baseline) that should stay at or below target."""
    return f"{ratio:.2f}x", f"<= {target:g}x", ratio <= target


def at_least(ratio: float, target: float) -> tuple[str, str, bool]:
    """Cells for a speed-up ``ratio`` (baseline / ours) that should reach the target."""
    return f"{ratio:.2f}x", f">= {target:g}x", ratio >= target


def render_text(machine: list[tuple[str, str]], rows: list[Row]) -> str:
    """The machine description, the table with aligned columns, then the notes."""
    lines = [f"{label:<7} {value}" for label, value in machine]
    table = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in table) for column in range(len(HEADER))]
    rule = "  ".join("-" * width for width in widths)
    lines += ["", *_aligned(table[:1], widths), rule, *_aligned(table[1:], widths)]
    return "\n".join(lines + _notes(rows))


def render_markdown(machine: list[tuple[str, str]], rows: list[Row]) -> str:
    """The same content as markdown: a bullet list, a pipe table, the notes."""
    lines = [f"- **{label}**: {value}" for label, value in machine]
    lines += ["", _pipe(HEADER), _pipe(tuple("---" for _ in HEADER))]
    lines += [_pipe(row.cells()) for row in rows]
    return "\n".join(lines + _notes(rows))


def _aligned(table: list[tuple[str, ...]], widths: list[int]) -> list[str]:
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in table
    ]


def _pipe(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _notes(rows: list[Row]) -> list[str]:
    notes = [f"- row {row.number}: {row.note}" for row in rows if row.note]
    return ["", "Notes:", *notes] if notes else []
