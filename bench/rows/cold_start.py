"""Row 3: cold start of a fresh interpreter, and the size of the deployment zip.

Ours imports ``png2jpg.handler`` and builds its container (configuration, the S3 client and the
SQS client it quarantines with, created lazily on the first invocation); the baseline imports
what any Pillow-on-Lambda function needs, PIL.Image and boto3, and creates one S3 client.
"""

from __future__ import annotations

import os
import subprocess

from bench.context import Context
from bench.paths import FUNCTION_DIR, PYTHON, ZIP
from bench.table import Row, at_most
from bench.timing import compare, seconds

TARGET = 1.2
ZIP_TARGET_MB = 10
OURS = "import png2jpg.handler as h; h.get_container()"
# The configuration requires a DLQ URL; creating the clients sends no request.
DLQ_URL = "http://127.0.0.1:4566/000000000000/bench-dlq"
BASELINE = "import boto3; from PIL import Image; boto3.client('s3')"


def _start(code: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(FUNCTION_DIR),
        "ALLOWED_BUCKETS": "bench",
        "DLQ_URL": DLQ_URL,
    }
    subprocess.run([PYTHON, "-c", code], env=env, check=True, stdout=subprocess.DEVNULL)


def run(context: Context) -> list[Row]:
    """The cold-start row, and the zip row when build/function.zip exists."""
    repetitions = 3 if context.quick else 15
    pair = compare(lambda: _start(OURS), lambda: _start(BASELINE), repetitions)
    ratio, target, met = at_most(pair.ours_median / pair.baseline_median, TARGET)
    rows = [
        Row(
            "3",
            "cold start: import handler + container (vs. import PIL, boto3 + S3 client)",
            seconds(pair.ours_median),
            seconds(pair.baseline_median),
            ratio,
            target,
            met,
        )
    ]
    if ZIP.exists():
        size_mb = ZIP.stat().st_size / 1e6
        rows.append(
            Row(
                "3",
                "size of build/function.zip",
                f"{size_mb:.1f} MB",
                target=f"<= {ZIP_TARGET_MB} MB",
                met=size_mb <= ZIP_TARGET_MB,
            )
        )
    return rows
