"""Row 4: peak memory of one conversion, relative to the decoded image, and the Lambda size.

Each measurement is a fresh interpreter that imports ``png2jpg.handler``, reads the PNG into
memory and, for ours, converts it; it prints its peak RSS (VmHWM) after the imports and at the
end. The baseline is the same interpreter without the conversion, so the difference is the
conversion's own working memory, compared with the decoded RGBA image (width x height x 4 B).
"""

from __future__ import annotations

import os
import statistics
import subprocess

from bench.context import Context
from bench.images import megapixels
from bench.paths import FUNCTION_DIR, PYTHON
from bench.table import Row, at_most
from png2jpg.config import DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MAX_WORKERS

TARGET = 2.5
SIZE = (6000, 4000)
QUICK_SIZE = (500, 400)
MIB = 1024**2
# Memory sizes worth choosing (MB); Lambda accepts any size from 128 to 10240.
LAMBDA_SIZES = (128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 10240)
PROBE = """\
import sys
from pathlib import Path

import png2jpg.handler
from png2jpg.convert import png_to_jpeg


def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024


after_imports = peak()
data = Path(sys.argv[1]).read_bytes()
if sys.argv[2] == "convert":
    png_to_jpeg(data)
print(after_imports, peak())
"""


def _peaks(path: str, action: str) -> tuple[int, int]:
    """Peak RSS in bytes of a fresh probe after its imports and at its end."""
    env = {**os.environ, "PYTHONPATH": str(FUNCTION_DIR)}
    output = subprocess.run(
        [PYTHON, "-c", PROBE, path, action], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return int(output[0]), int(output[1])


def lambda_size(megabytes: float) -> int:
    """The smallest of :data:`LAMBDA_SIZES` that holds ``megabytes``."""
    return next((size for size in LAMBDA_SIZES if size >= megabytes), LAMBDA_SIZES[-1])


def run(context: Context) -> list[Row]:
    """The memory row; its note gives the Lambda memory size the ratio implies."""
    width, height = QUICK_SIZE if context.quick else SIZE
    path = str(context.images.png(width, height))
    ours, bare, runtime = [], [], []
    for _ in range(context.repetitions):
        ours.append(_peaks(path, "convert")[1])
        after_imports, end = _peaks(path, "read")
        bare.append(end)
        runtime.append(after_imports)
    working = statistics.median(ours) - statistics.median(bare)
    decoded = width * height * 4
    ratio, target, met = at_most(working / decoded, TARGET)
    converting = working / decoded * 4 * DEFAULT_MAX_PIXELS
    base = statistics.median(runtime)
    one = (base + converting + DEFAULT_MAX_INPUT_BYTES) / MIB
    # The handler's pixel budget keeps a batch's decoded pixels at MAX_PIXELS, but every
    # worker thread may hold a downloaded input of up to MAX_INPUT_BYTES.
    batch = (base + converting + DEFAULT_MAX_WORKERS * DEFAULT_MAX_INPUT_BYTES) / MIB
    return [
        Row(
            "4",
            f"peak RSS converting {megapixels(width, height)} RGBA (vs. decoded size w*h*4)",
            f"{working / MIB:.0f} MiB",
            f"{decoded / MIB:.0f} MiB",
            ratio,
            target,
            met,
            note=f"for MAX_PIXELS = {DEFAULT_MAX_PIXELS / 1e6:g} MP: {working / decoded:.2f} x 4 B "
            f"x MAX_PIXELS + MAX_INPUT_BYTES ({DEFAULT_MAX_INPUT_BYTES / MIB:.0f} MiB) + runtime "
            f"({base / MIB:.0f} MiB) = {one:.0f} MiB for one image at a time: Lambda memory "
            f">= {lambda_size(one)} MB; a batch (pixel budget of MAX_PIXELS, "
            f"{DEFAULT_MAX_WORKERS} inputs held by MAX_WORKERS threads) needs at most "
            f"{batch:.0f} MiB: {lambda_size(batch)} MB",
        )
    ]
