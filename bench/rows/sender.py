"""Row 5: ``python -m sender`` against the tutorial's way, one process per file, in sequence.

Both upload the same PNG files to a scratch bucket and put one message per file on a scratch
standard queue of the session's endpoint (LocalStack). Nothing consumes the queue.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bench import aws
from bench.context import Context
from bench.paths import PYTHON, ROOT
from bench.table import Row, at_least
from bench.timing import compare, seconds

TARGET = 10.0
FILES = 200
QUICK_FILES = 10
SIZE = (320, 240)
QUICK_SIZE = (64, 48)
# A baseline repetition starts one interpreter per file (about 2 minutes for 200 files here),
# so this row repeats less than the others and has no warm-up run; each repetition is already a
# sum over all files, which keeps its spread small.
REPETITIONS = 2
QUICK_REPETITIONS = 1
TUTORIAL = """\
import json, sys
import boto3
path, bucket, key, queue_url = sys.argv[1:]
boto3.client("s3").upload_file(path, bucket, key)
boto3.client("sqs").send_message(
    QueueUrl=queue_url, MessageBody=json.dumps({"bucket": bucket, "key": key})
)
"""


def _sender(directory: Path, bucket: str, queue_url: str) -> None:
    command = [PYTHON, "-m", "sender", "--bucket", bucket, "--queue-url", queue_url, "--quiet"]
    subprocess.run([*command, str(directory)], cwd=ROOT, check=True)


def _tutorial(files: list[Path], bucket: str, queue_url: str) -> None:
    for path in files:
        key = f"pngfiles/{path.name}"
        subprocess.run([PYTHON, "-c", TUTORIAL, str(path), bucket, key, queue_url], check=True)


def run(context: Context) -> list[Row]:
    """The sender row."""
    count = QUICK_FILES if context.quick else FILES
    data = context.images.png(*(QUICK_SIZE if context.quick else SIZE)).read_bytes()
    s3, sqs = aws.client("s3"), aws.client("sqs")
    with (
        tempfile.TemporaryDirectory() as workdir,
        aws.scratch_bucket(s3) as bucket,
        aws.scratch_queue(sqs) as queue_url,
    ):
        directory = Path(workdir)
        files = [directory / f"image-{index:03d}.png" for index in range(count)]
        for path in files:
            path.write_bytes(data)
        pair = compare(
            lambda: _sender(directory, bucket, queue_url),
            lambda: _tutorial(files, bucket, queue_url),
            QUICK_REPETITIONS if context.quick else REPETITIONS,
            warm_up=False,
        )
    ratio, target, met = at_least(pair.baseline_median / pair.ours_median, TARGET)
    return [
        Row(
            "5",
            f"send {count} PNGs of {len(data) // 1000} kB (vs. one process per file)",
            seconds(pair.ours_median),
            seconds(pair.baseline_median),
            ratio,
            target,
            met,
        )
    ]
