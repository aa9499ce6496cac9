"""An SVG chart of the rows that have a ratio and a target: each ratio as a share of its target.

A bar reaching the target line means the ratio equals its target; whether past the line is good
depends on the target (``>=`` speed-ups should pass it, ``<=`` overheads stay short of it), so
the colour says met or missed. Written by hand from the rows: no plotting dependency.
"""

from __future__ import annotations

import re
from html import escape

from bench.table import Row

WIDTH = 900
LABEL_WIDTH = 430
BAR_HEIGHT = 22
GAP = 12
TOP = 40
# Bars are drawn up to this multiple of the target; longer ones are cut and marked.
MAX_SHARE = 2.5
MET, MISSED = "#2e7d32", "#c62828"
_RATIO = re.compile(r"^(\d+(?:\.\d+)?)x$")
_TARGET = re.compile(r"^(<=|>=) (\d+(?:\.\d+)?)x$")


def charted(rows: list[Row]) -> list[tuple[Row, float, float]]:
    """``(row, ratio, target)`` for every row whose ratio and target are ``N.NNx`` figures."""
    result = []
    for row in rows:
        ratio, target = _RATIO.match(row.ratio), _TARGET.match(row.target)
        if ratio and target and row.met is not None:
            result.append((row, float(ratio.group(1)), float(target.group(2))))
    return result


def render_svg(rows: list[Row]) -> str:
    """The chart as an SVG document."""
    bars = charted(rows)
    scale = (WIDTH - LABEL_WIDTH - 170) / MAX_SHARE  # room for the value after the bar
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) + 30
    target_x = LABEL_WIDTH + scale
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="13">',
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<text x="{LABEL_WIDTH}" y="22" font-weight="bold">ratio / target'
        " (the line is the target)</text>",
    ]
    for index, (row, ratio, target) in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + GAP)
        share = ratio / target
        length = min(share, MAX_SHARE) * scale
        colour = MET if row.met else MISSED
        label = row.what if len(row.what) <= 58 else row.what[:57] + "…"
        cut = "…" if share > MAX_SHARE else ""
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">'
            f"{escape(row.number)}. {escape(label)}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"/>',
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}">'
            f"{escape(row.ratio)}{cut} ({escape(row.target)})</text>",
        ]
    parts += [
        f'<line x1="{target_x:.1f}" y1="{TOP - 8}" x2="{target_x:.1f}" y2="{height - 22}" '
        'stroke="#333" stroke-dasharray="4 3"/>',
        f'<text x="{target_x:.1f}" y="{height - 8}" text-anchor="middle">target</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"
