"""``make demo``: send sample PNGs through the deployed pipeline and show what came out.

Runs inside scripts/localstack_session.py, which has started LocalStack, applied the terraform/
root and set ``PNG2JPG_TERRAFORM_DIR``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "png-corpus"
SAMPLES = {
    "grey-1bit.png": "pngsuite/basn0g01.png",
    "grey-16bit.png": "pngsuite/basn0g16.png",
    "colour-16bit.png": "pngsuite/basn2c16.png",
    "palette.png": "pngsuite/basn3p08.png",
    "palette-transparent.png": "pngsuite/ftbbn3p08.png",
    "grey-alpha.png": "pngsuite/basn4a08.png",
    "rgba.png": "pngsuite/basn6a08.png",
    "interlaced.png": "pngsuite/ibasn6a08.png",
    "grey-16bit-transparent.png": "pngsuite/ftbwn0g16.png",
}
WAIT_SECONDS = 120


def main() -> int:
    """Send the samples with the sender, then print one table row per file."""
    terraform_dir = os.environ["PNG2JPG_TERRAFORM_DIR"]
    with tempfile.TemporaryDirectory(prefix="png2jpg-demo-") as tmp:
        samples = Path(tmp) / "samples"
        samples.mkdir()
        for name, source in SAMPLES.items():
            shutil.copy(CORPUS / source, samples / name)
        sys.path.insert(0, str(ROOT))
        from tests.imagegen import photo_like, png_bytes

        (samples / "photo-3mp.png").write_bytes(png_bytes(photo_like(2048, 1536)))
        print(f"Sending {len(SAMPLES) + 1} sample PNGs through the pipeline on LocalStack…")
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "sender",
                "--terraform-dir",
                terraform_dir,
                "--json",
                "--wait",
                str(WAIT_SECONDS),
                str(samples),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if not result.stdout:
        print(result.stderr, file=sys.stderr)
        return 1
    summary = json.loads(result.stdout)
    s3 = boto3.client("s3")
    bucket = summary["bucket"]
    rows = []
    for item in summary["wait"]["arrived"]:
        size_in = s3.head_object(Bucket=bucket, Key=item["key"])["ContentLength"]
        size_out = s3.head_object(Bucket=bucket, Key=item["output_key"])["ContentLength"]
        rows.append(
            (
                item["key"],
                item["output_key"],
                f"{size_in:,} → {size_out:,}",
                f"{item['latency_seconds']:.2f} s",
            )
        )
    for item in summary["wait"]["missing"]:
        rows.append((item["key"], item["output_key"], "", "did not arrive"))
    header = ("input key", "output key", "bytes in → out", "latency")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    arrived, missing = len(summary["wait"]["arrived"]), len(summary["wait"]["missing"])
    print(f"\n{arrived} converted, {missing} missing, in bucket {bucket}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
