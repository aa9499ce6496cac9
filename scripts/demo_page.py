"""The page ``make demo`` writes: each PNG beside its JPEG, and the DLQ entries with their reasons.

Self-contained: the images are copied into ``images/`` beside ``index.html`` and referenced by
relative paths, the style is inline, nothing is loaded from the network. Each ``<img>`` carries
``data-bucket`` and ``data-key``, the S3 object it shows (tests compare the bytes).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; background: #fafafa; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
.summary { color: #555; margin-bottom: 1.5rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 1rem; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 0.8rem; }
.card h2 { font-size: 0.95rem; margin: 0 0 0.5rem; overflow-wrap: anywhere; }
.pair { display: flex; gap: 0.6rem; }
figure { margin: 0; flex: 1; }
figcaption { font-size: 0.8rem; color: #555; margin-top: 0.3rem; }
.frame { height: 140px; display: flex; align-items: center; justify-content: center;
         border: 1px solid #ccc; }
.frame img { max-width: 100%; max-height: 138px; min-width: 64px; image-rendering: pixelated; }
.checkerboard { background: repeating-conic-gradient(#c8c8c8 0 25%, #fff 0 50%) 0 0 / 16px 16px; }
.missing { color: #a00; }
table { border-collapse: collapse; margin-top: 0.5rem; background: #fff; }
th, td { border: 1px solid #ddd; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
"""


@dataclass(frozen=True)
class Image:
    """One S3 object shown on the page, copied to ``path`` (relative to the page)."""

    bucket: str
    key: str
    path: str
    size_bytes: int
    dimensions: tuple[int, int]


@dataclass(frozen=True)
class Sample:
    """A sample PNG and its JPEG (None if it did not arrive)."""

    png: Image
    jpeg: Image | None
    latency_seconds: float | None


@dataclass(frozen=True)
class DeadLetter:
    """A DLQ entry: its body and why it is there."""

    body: str
    error_class: str
    reason: str


def _img(image: Image) -> str:
    return (
        f'<img src="{html.escape(image.path)}" alt="{html.escape(image.key)}" '
        f'data-bucket="{html.escape(image.bucket)}" data-key="{html.escape(image.key)}">'
    )


def _figure(image: Image, background: str, label: str) -> str:
    width, height = image.dimensions
    return (
        f'<figure><div class="frame" style="{background}">{_img(image)}</div>'
        f"<figcaption>{label} · {width} x {height} · {image.size_bytes:,} B</figcaption></figure>"
    )


def _card(sample: Sample, matte: str) -> str:
    png = _figure(sample.png, "", "PNG").replace('class="frame"', 'class="frame checkerboard"')
    if sample.jpeg is None:
        jpeg = '<figure><p class="missing">no JPEG arrived</p></figure>'
        latency = ""
    else:
        jpeg = _figure(sample.jpeg, f"background: {matte}", "JPEG")
        latency = f" · {sample.latency_seconds:.2f} s" if sample.latency_seconds else ""
    title = html.escape(sample.png.key.rsplit("/", 1)[-1])
    return f'<div class="card"><h2>{title}{latency}</h2><div class="pair">{png}{jpeg}</div></div>'


def _dead_letters(entries: list[DeadLetter]) -> str:
    if not entries:
        return "<p>The dead-letter queue is empty.</p>"
    rows = "".join(
        f"<tr><td><code>{html.escape(e.body)}</code></td><td>{html.escape(e.error_class)}</td>"
        f"<td>{html.escape(e.reason)}</td></tr>"
        for e in entries
    )
    return f"<table><tr><th>message body</th><th>class</th><th>reason</th></tr>{rows}</table>"


def render(samples: list[Sample], dead_letters: list[DeadLetter], bucket: str, matte: str) -> str:
    """The whole page as HTML text."""
    converted = sum(1 for sample in samples if sample.jpeg)
    cards = "".join(_card(sample, matte) for sample in samples)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>png2jpg demo</title>
<style>{STYLE}</style>
</head>
<body>
<h1>png2jpg demo</h1>
<p class="summary">{converted} of {len(samples)} PNGs converted in bucket
<code>{html.escape(bucket)}</code>; {len(dead_letters)} message(s) in the dead-letter queue.
PNGs are shown on a checkerboard, so transparency shows; JPEGs on the matte colour
(<code>{html.escape(matte)}</code>) that transparency was flattened onto.</p>
<div class="grid">{cards}</div>
<h2>Dead-letter queue</h2>
{_dead_letters(dead_letters)}
</body>
</html>
"""


def write(page: Path, text: str) -> None:
    """Write the page, creating its folder."""
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text, encoding="utf-8")
