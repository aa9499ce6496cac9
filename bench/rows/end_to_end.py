"""Row 6: latency from upload to JPEG through the deployed pipeline on LocalStack.

Only when the session applied the Terraform root (``make bench``): ``python -m sender
--terraform-dir $PNG2JPG_TERRAFORM_DIR --wait 300 --json`` sends the images, waits for their
JPEGs and reports each file's latency from its message being sent to its JPEG being listed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from bench.context import Context
from bench.images import megapixels
from bench.paths import PYTHON, ROOT
from bench.table import Row

IMAGES = 100
QUICK_IMAGES = 5
SIZE = (1000, 1000)
QUICK_SIZE = (250, 200)
WAIT_SECONDS = 300
SKIPPED = "skipped: needs the Terraform deployment (make bench applies it)"


def deployed_root() -> str | None:
    """PNG2JPG_TERRAFORM_DIR if its state holds an applied deployment (a queue_url output).

    The session sets the variable even with ``--no-terraform``, so its presence alone is not
    enough.
    """
    directory = os.environ.get("PNG2JPG_TERRAFORM_DIR")
    if not directory:
        return None
    state = Path(directory) / "terraform.tfstate"
    try:
        outputs = json.loads(state.read_text()).get("outputs", {})
    except (OSError, ValueError):
        return None
    return directory if "queue_url" in outputs else None


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` percentile of ``values``, linearly interpolated between ranks."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def run(context: Context) -> list[Row]:
    """The end-to-end row, or the row saying why it was skipped."""
    count = QUICK_IMAGES if context.quick else IMAGES
    width, height = QUICK_SIZE if context.quick else SIZE
    what = f"end to end: upload to JPEG, {count} x {megapixels(width, height)} (p50 / p95)"
    root = deployed_root()
    if root is None:
        return [Row("6", what, "skipped", note=SKIPPED)]
    source = context.images.png(width, height)
    with tempfile.TemporaryDirectory() as workdir:
        # A fresh subdirectory gives fresh keys: pngfiles/<run>/image-NNN.png.
        run_dir = Path(workdir) / f"bench-{uuid.uuid4().hex[:8]}"
        run_dir.mkdir()
        for index in range(count):
            shutil.copyfile(source, run_dir / f"image-{index:03d}.png")
        command = [PYTHON, "-m", "sender", "--terraform-dir", root, "--wait", str(WAIT_SECONDS)]
        result = subprocess.run(
            [*command, "--json", workdir], cwd=ROOT, capture_output=True, text=True, check=False
        )
    if not result.stdout.strip():
        raise RuntimeError(f"sender failed ({result.returncode}): {result.stderr.strip()}")
    wait = json.loads(result.stdout)["wait"]
    latencies = [item["latency_seconds"] for item in wait["arrived"]]
    missing = len(wait["missing"])
    if not latencies:
        return [Row("6", what, f"no JPEG arrived within {WAIT_SECONDS} s")]
    return [
        Row(
            "6",
            what,
            f"{percentile(latencies, 0.5):.2f} s / {percentile(latencies, 0.95):.2f} s",
            target="reported",
            note=f"{missing} of {count} JPEGs missing after {WAIT_SECONDS} s" if missing else "",
        )
    ]
