"""Row 4: peak memory of the worst-case batch, against one image converted alone.

Each measurement is a fresh interpreter with the function's code and its environment as Terraform
sets it (GLIBC_TUNABLES included, which glibc reads at process start) that invokes the handler
once on a batch in a scratch bucket and prints its peak RSS (VmHWM) before and after the
invocation. The batches hold MAX_WORKERS (4) records, each image at MAX_PIXELS:

- ``rgba``: four RGBA PNGs (flattening holds 8 bytes per pixel: the worst colour type);
- ``grey16-trns``: four 16-bit grey PNGs with a tRNS colour key;
- ``lying``: four RGBA PNGs whose first IHDR says 1x1 (refused before decoding);
- ``mixed``: an RGBA and a 16-bit grey one at MAX_PIXELS and two inputs of about MAX_INPUT_BYTES
  (photo-like noise, fewer pixels), which wait downloaded for their turn in the memory budget.

The baseline is one RGBA image at MAX_PIXELS alone, so the ratio says what a batch costs beyond
one image. A second row runs the worst batch with glibc's default allocator settings, to show
what the GLIBC_TUNABLES setting is for. The records of a batch name distinct copies of their
image, and every JPEG is deleted before each measurement, so that every record converts: a
JPEG already made from an unchanged PNG would make its record cost nothing (row 8).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image

from bench import aws
from bench.context import Context
from bench.paths import FUNCTION_DIR, PYTHON, ROOT
from bench.table import Row, at_most
from png2jpg.config import DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MAX_WORKERS
from tests.imagegen import photo_like, png_bytes
from tests.unit.function.images import lying_png

TARGET = 1.5
MIB = 1024**2
# The function's allocator setting, as Terraform sets it (read from there: one place for it).
MALLOC_TUNABLES = {
    "GLIBC_TUNABLES": re.search(
        r'glibc_tunables\s*=\s*"([^"]+)"', (ROOT / "terraform" / "main.tf").read_text()
    )[1]
}
# Quick runs scale MAX_PIXELS and MAX_INPUT_BYTES down by this factor.
QUICK_SCALE = 80
# Memory sizes worth choosing (MB); Lambda accepts any size from 128 to 10240.
LAMBDA_SIZES = (128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 10240)
PROBE = """\
import json, os, sys
from pathlib import Path

import png2jpg.handler as handler


def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024


handler.get_container()
bucket, keys = sys.argv[1], sys.argv[2:]
event = {"Records": [
    {"messageId": f"m{index}", "body": json.dumps({"bucket": bucket, "key": key}),
     "attributes": {}}
    for index, key in enumerate(keys)
]}
before = peak()
result = handler.lambda_handler(event, None)
print(json.dumps({"before": before, "peak": peak(), "failed": result["batchItemFailures"]}))
"""


def lambda_size(megabytes: float) -> int:
    """The smallest of :data:`LAMBDA_SIZES` that holds ``megabytes``."""
    return next((size for size in LAMBDA_SIZES if size >= megabytes), LAMBDA_SIZES[-1])


def _inputs(directory: Path, max_pixels: int, max_input_bytes: int) -> dict[str, Path]:
    """The PNGs of the batches, written once into ``directory``."""
    width = int((max_pixels * 8 / 5) ** 0.5)
    height = max_pixels // width
    size = (width, height)
    gradient = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    flip = gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    rgba = Image.merge(
        "RGBA", [gradient, radial, flip, radial.transpose(Image.Transpose.ROTATE_180)]
    )
    samples = bytearray(width * height * 2)
    samples[0::2] = samples[1::2] = gradient.tobytes()
    grey16 = Image.frombytes("I;16", size, bytes(samples))
    # Photo-like noise compresses to about 2.4 bytes per pixel: fill MAX_INPUT_BYTES with it.
    side = int((max_input_bytes / 2.5) ** 0.5)
    files = {
        "rgba": png_bytes(rgba),
        "grey16-trns": png_bytes(grey16, transparency=1000),
        "lying": lying_png(width, height, color_type=6),
        "large-input": png_bytes(photo_like(side, side, "RGBA")),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = directory / f"memory-{name}.png"
        paths[name].write_bytes(data)
    return paths


def _peak(s3: Any, bucket: str, keys: list[str], env: dict[str, str]) -> int:
    """Peak RSS added by one invocation of a fresh handler process, in bytes; the JPEGs of
    earlier invocations are deleted first."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="jpgfiles/"):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=obj["Key"])
    output = subprocess.run(
        [PYTHON, "-c", PROBE, bucket, *keys],
        env={**os.environ, "PYTHONPATH": str(FUNCTION_DIR), **env},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.splitlines()[-1])
    return result["peak"] - result["before"]


def run(context: Context) -> list[Row]:
    """The worst-batch row and the allocator row; the note gives the Lambda memory size."""
    scale = QUICK_SCALE if context.quick else 1
    max_pixels, max_input_bytes = DEFAULT_MAX_PIXELS // scale, DEFAULT_MAX_INPUT_BYTES // scale
    paths = _inputs(context.images.directory, max_pixels, max_input_bytes)
    s3, sqs = aws.client("s3"), aws.client("sqs")
    with aws.scratch_bucket(s3) as bucket, aws.scratch_queue(sqs) as dlq_url:
        for name, path in paths.items():
            s3.upload_file(str(path), bucket, f"pngfiles/{name}.png")

        def copies(name: str) -> list[str]:
            keys = [f"pngfiles/{name}-{index}.png" for index in range(DEFAULT_MAX_WORKERS)]
            source = {"Bucket": bucket, "Key": f"pngfiles/{name}.png"}
            for key in keys:
                s3.copy_object(Bucket=bucket, Key=key, CopySource=source)
            return keys

        key = {name: f"pngfiles/{name}.png" for name in paths}
        large = copies("large-input")
        batches = {
            "rgba": copies("rgba"),
            "grey16-trns": copies("grey16-trns"),
            "lying": copies("lying"),
            "mixed": [key["rgba"], large[0], key["grey16-trns"], large[1]],
        }
        env = {
            "ALLOWED_BUCKETS": bucket,
            "DLQ_URL": dlq_url,
            "MAX_PIXELS": str(max_pixels),
            "MAX_INPUT_BYTES": str(max_input_bytes),
            **MALLOC_TUNABLES,
        }
        alone = _peak(s3, bucket, [key["rgba"]], env)
        peaks = {name: _peak(s3, bucket, keys, env) for name, keys in batches.items()}
        worst = max(peaks, key=peaks.__getitem__)
        untuned = _peak(s3, bucket, batches[worst], {**env, "GLIBC_TUNABLES": ""})
    ratio, target, met = at_most(peaks[worst] / alone, TARGET)
    runtime = 100 * MIB  # Python, boto3 and Pillow imported: about 55-95 MiB measured here
    need = (runtime + peaks[worst]) / MIB
    label = f"{max_pixels / 1e6:g} MP"
    return [
        Row(
            "4",
            f"peak RSS of a batch of {DEFAULT_MAX_WORKERS} at MAX_PIXELS = {label}, worst of "
            f"{', '.join(batches)} (vs. one image alone)",
            f"{peaks[worst] / MIB:.0f} MiB ({worst})",
            f"{alone / MIB:.0f} MiB",
            ratio,
            target,
            met,
            note="batches: "
            + ", ".join(f"{name} {value / MIB:.0f} MiB" for name, value in peaks.items())
            + f"; with the runtime (~{runtime / MIB:.0f} MiB) the worst batch needs {need:.0f} MiB:"
            f" Lambda memory >= {lambda_size(need * 1.25)} MB keeps 25 % headroom",
            figures={
                "max_pixels": max_pixels,
                "max_input_bytes": max_input_bytes,
                "max_workers": DEFAULT_MAX_WORKERS,
                "worst_batch": worst,
                "worst_batch_bytes": peaks[worst],
                "runtime_bytes": runtime,
            },
        ),
        Row(
            "4",
            f"the {worst} batch with glibc's default malloc (vs. with GLIBC_TUNABLES)",
            f"{untuned / MIB:.0f} MiB",
            f"{peaks[worst] / MIB:.0f} MiB",
            f"{untuned / peaks[worst]:.2f}x",
            note=f"GLIBC_TUNABLES={MALLOC_TUNABLES['GLIBC_TUNABLES']}: without it, each thread's "
            "malloc arena keeps the buffers it freed",
        ),
    ]
