"""Row 1: ``png_to_jpeg`` against the floor, the same Pillow work written as plainly as possible."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from bench.context import Context
from bench.images import megapixels
from bench.table import Row, at_most
from bench.timing import compare, seconds
from png2jpg.config import DEFAULT_JPEG_QUALITY, DEFAULT_MATTE_COLOR
from png2jpg.convert import png_to_jpeg

TARGET = 1.10
SIZES = [(1000, 1000), (4000, 3000), (6000, 4000)]
QUICK_SIZES = [(250, 200)]


def floor(data: bytes) -> bytes:
    """Decode, flatten onto the default matte, encode as the function does (optimize=True)."""
    image = Image.open(BytesIO(data))
    flat = Image.new("RGB", image.size, DEFAULT_MATTE_COLOR)
    flat.paste(image, mask=image)
    out = BytesIO()
    flat.save(out, "JPEG", quality=DEFAULT_JPEG_QUALITY, optimize=True)
    return out.getvalue()


def run(context: Context) -> list[Row]:
    """One row per image size."""
    rows = []
    for width, height in QUICK_SIZES if context.quick else SIZES:
        data = context.images.png(width, height).read_bytes()
        pair = compare(
            lambda d=data: png_to_jpeg(d),
            lambda d=data: floor(d),
            context.repetitions,
            min_seconds=context.min_seconds,
        )
        ratio, target, met = at_most(pair.ours_median / pair.baseline_median, TARGET)
        jpeg = png_to_jpeg(data)
        same = jpeg == floor(data)
        rows.append(
            Row(
                "1",
                f"convert {megapixels(width, height)} RGBA PNG (png_to_jpeg vs. plain Pillow)",
                seconds(pair.ours_median),
                seconds(pair.baseline_median),
                ratio,
                target,
                met,
                note="" if same else f"{megapixels(width, height)}: outputs differ from the floor",
                figures={
                    "megapixels": width * height / 1e6,
                    "seconds": pair.ours_median,
                    "png_bytes": len(data),
                    "jpeg_bytes": len(jpeg),
                },
            )
        )
    return rows
