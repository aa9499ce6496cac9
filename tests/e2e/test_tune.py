"""``make tune``'s code path, with this session's LocalStack standing in for an AWS account.

The run applies the root under its own name, converts a small sample set at two memory sizes,
reads the executor's reports from the log group, and must report both sizes from them and leave
nothing behind. Its figures measure this machine, not Lambda: only their presence is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import ROOT
from tests.e2e.test_e2e_aws import leftovers


@pytest.mark.localstack_only
def test_tune_measures_each_memory_size_and_destroys_what_it_made(deployment: Any) -> None:
    name = f"p2j-tune-{uuid.uuid4().hex[:6]}"
    args = "--memory 512,1024 --images 3 --megapixels 0.3 --rounds 2 --json"

    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "tune", f"TUNE_ARGS={args}"],
        cwd=ROOT,
        env={**os.environ, "PNG2JPG_E2E_NAME": name},
        capture_output=True,
        text=True,
        timeout=1200,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("{")]
    document = json.loads(line)
    sizes = document["sizes"]
    assert [size["memory_mb"] for size in sizes] == [512, 1024]
    for size in sizes:
        assert size["images"] == 6  # 3 samples x 2 rounds, each joined with its report
        assert size["invocations"] >= 1
        assert size["cold_starts"] >= 1  # a new memory size, new execution environments
        assert size["failed_invocations"] == 0
        assert size["billed_ms_per_image"] > 0
        assert size["max_memory_used_mb"] > 0
        assert size["lambda_usd_per_million"] > 0
    assert sum(size["cheapest"] for size in sizes) == sum(size["fastest"] for size in sizes) == 1
    assert document["seconds_per_megapixel"] >= 0
    assert document["where"] == f"LocalStack ({name})"
    assert leftovers(name) == []
