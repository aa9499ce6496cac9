"""Row 5: ``python -m sender`` against three baselines, on the session's endpoint (LocalStack).

- 5a: the tutorial's way, one process per file, in sequence, each uploading and enqueueing.
- 5b: ``aws s3 cp --recursive`` (the AWS CLI, pinned in requirements/dev.txt) uploading the same
  files, and nothing more: the sender uploads *and* enqueues in at most the time the CLI takes
  to upload alone.
- 5c: the sender again over the same folder once every file has its JPEG, against
  ``aws s3 sync`` of that unchanged folder: both find there is nothing to upload (the CLI by size
  and time, the sender by content), and the sender sends no message.

All upload the same PNG files to a scratch bucket; the sender and the tutorial put one message
per file on a scratch standard queue. Nothing consumes the queue.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench import aws
from bench.context import Context
from bench.paths import PYTHON, ROOT
from bench.table import Row, at_least, at_most
from bench.timing import compare, seconds
from scripts.queues import queue_depth

TUTORIAL_TARGET = 10.0  # times faster than one process per file
CLI_TARGET = 1.0  # at most the CLI's upload-only time
SYNC_TARGET = 1.0  # a re-run over unchanged files: at most the time `aws s3 sync` takes
FILES = 200
QUICK_FILES = 10
SIZE = (320, 240)
QUICK_SIZE = (64, 48)
# A tutorial repetition starts one interpreter per file (about 2 minutes for 200 files here),
# so that comparison repeats less than the others and has no warm-up run; each repetition is
# already a sum over all files, which keeps its spread small.
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


def sender_command(directory: Path, bucket: str, queue_url: str) -> list[str]:
    """The sender uploading and enqueueing every PNG of ``directory``."""
    options = ["--bucket", bucket, "--queue-url", queue_url, "--quiet"]
    return [PYTHON, "-m", "sender", *options, str(directory)]


def cli_command(directory: Path, bucket: str) -> list[str]:
    """The AWS CLI uploading ``directory`` under the same keys (its endpoint: AWS_ENDPOINT_URL)."""
    target = f"s3://{bucket}/pngfiles/"
    return [PYTHON, "-m", "awscli", "s3", "cp", "--recursive", "--quiet", str(directory), target]


def sync_command(directory: Path, bucket: str) -> list[str]:
    """The AWS CLI synchronising ``directory`` to the same keys (uploads what differs)."""
    target = f"s3://{bucket}/pngfiles/"
    return [PYTHON, "-m", "awscli", "s3", "sync", "--quiet", str(directory), target]


def tutorial_commands(files: list[Path], bucket: str, queue_url: str) -> list[list[str]]:
    """One interpreter per file, as the tutorials do it."""
    return [
        [PYTHON, "-c", TUTORIAL, str(path), bucket, f"pngfiles/{path.name}", queue_url]
        for path in files
    ]


def _run(*commands: list[str]) -> None:
    for command in commands:
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def run(context: Context) -> list[Row]:
    """The sender rows."""
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
        sender = sender_command(directory, bucket, queue_url)
        vs_tutorial = compare(
            lambda: _run(sender),
            lambda: _run(*tutorial_commands(files, bucket, queue_url)),
            QUICK_REPETITIONS if context.quick else REPETITIONS,
            warm_up=False,
        )
        vs_cli = compare(
            lambda: _run(sender),
            lambda: _run(cli_command(directory, bucket)),
            context.repetitions,
            min_seconds=context.min_seconds,
        )
        _convert(s3, bucket, files)
        messages, uploaded = queue_depth(sqs, queue_url), _pngs(s3, bucket)
        vs_sync = compare(
            lambda: _run(sender),
            lambda: _run(sync_command(directory, bucket)),
            context.repetitions,
            min_seconds=context.min_seconds,
        )
        sent_again = queue_depth(sqs, queue_url) - messages
        rewritten = len(set(_pngs(s3, bucket).items()) - set(uploaded.items()))
    what = f"send {count} PNGs of {len(data) // 1000} kB"
    speedup = vs_tutorial.baseline_median / vs_tutorial.ours_median
    overhead = vs_cli.ours_median / vs_cli.baseline_median
    rerun_ratio, rerun_target, rerun_met = at_most(
        vs_sync.ours_median / vs_sync.baseline_median, SYNC_TARGET
    )
    return [
        Row(
            "5a",
            f"{what} (vs. one process per file)",
            seconds(vs_tutorial.ours_median),
            seconds(vs_tutorial.baseline_median),
            *at_least(speedup, TUTORIAL_TARGET),
        ),
        Row(
            "5b",
            f"{what} (vs. aws s3 cp --recursive, upload only)",
            seconds(vs_cli.ours_median),
            seconds(vs_cli.baseline_median),
            *at_most(overhead, CLI_TARGET),
        ),
        Row(
            "5c",
            f"{what} again, unchanged (vs. aws s3 sync, nothing to upload)",
            seconds(vs_sync.ours_median),
            seconds(vs_sync.baseline_median),
            rerun_ratio,
            rerun_target,
            rerun_met and sent_again == rewritten == 0,
            note=f"during 5c, {rewritten} PNGs were uploaded again and the sender sent "
            f"{sent_again} messages (target 0 and 0)",
        ),
    ]


def _pngs(s3: Any, bucket: str) -> dict[str, object]:
    """``{key: LastModified}`` of the bucket's PNGs."""
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="pngfiles/")
    return {obj["Key"]: obj["LastModified"] for page in pages for obj in page.get("Contents", [])}


def _convert(s3: Any, bucket: str, files: list[Path]) -> None:
    """Put a JPEG at each file's output key, as the function would have (after the uploads)."""
    for path in files:
        s3.put_object(Bucket=bucket, Key=f"jpgfiles/{path.stem}.jpg", Body=b"jpeg")
