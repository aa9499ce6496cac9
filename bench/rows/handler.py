"""Row 2: the Lambda handler on a batch of 10 records against the tutorial's design.

The tutorial's handler goes through the records one after another: ``download_file`` to /tmp,
``Image.open``, ``convert("RGB")`` (which drops the alpha channel), ``save`` as JPEG to /tmp,
``upload_file``. Both sides talk to the same S3 endpoint (LocalStack) and bucket. Before each run
of ours, untimed, the JPEGs of the previous run are deleted: otherwise every record would be a
duplicate delivery of an unchanged PNG, which costs no conversion (row 8).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from bench import aws
from bench.context import Context
from bench.images import megapixels, transparent_mask
from bench.table import Row, at_least
from bench.timing import compare, seconds
from png2jpg import handler
from png2jpg.config import DEFAULT_MAX_WORKERS

TARGET = 2.0
RECORDS = 10
SIZE = (1600, 1250)
QUICK_SIZE = (250, 200)
INPUT_PREFIX = "pngfiles/"
OUTPUT_PREFIX = "jpgfiles/"
TUTORIAL_PREFIX = "tutorial/"
# A transparent pixel counts as black when its JPEG luma is below this (JPEG ringing allowed).
BLACK_LUMA = 32


def sqs_event(bucket: str, keys: list[str]) -> dict[str, Any]:
    """An SQS event as the event source mapping delivers it, one sender message per key."""
    return {
        "Records": [
            {
                "messageId": f"bench-{index}",
                "body": json.dumps({"bucket": bucket, "key": key}),
                "attributes": {"ApproximateReceiveCount": "1"},
                "eventSource": "aws:sqs",
            }
            for index, key in enumerate(keys)
        ]
    }


def tutorial_handler(event: dict[str, Any], s3: Any, workdir: Path) -> None:
    """The tutorial's design, record after record, through files in ``workdir``."""
    for record in event["Records"]:
        body = json.loads(record["body"])
        bucket, key = body["bucket"], body["key"]
        name = Path(key).name
        png_path, jpg_path = workdir / name, workdir / (Path(name).stem + ".jpg")
        s3.download_file(bucket, key, str(png_path))
        image = Image.open(png_path)
        image.convert("RGB").save(jpg_path, "JPEG")
        s3.upload_file(str(jpg_path), bucket, TUTORIAL_PREFIX + Path(name).stem + ".jpg")


@contextlib.contextmanager
def function_environment(bucket: str, dlq_url: str) -> Iterator[None]:
    """Set the function's variables for ``bucket``; rebuild its container before and after."""
    variables = {
        "INPUT_PREFIX": INPUT_PREFIX,
        "OUTPUT_PREFIX": OUTPUT_PREFIX,
        "ALLOWED_BUCKETS": bucket,
        "DLQ_URL": dlq_url,
    }
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    handler.get_container.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        handler.get_container.cache_clear()


def black_fraction(s3: Any, bucket: str, key: str, mask: Image.Image) -> float:
    """The fraction of the pixels in ``mask`` that are black in the JPEG at ``key``."""
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    with Image.open(io.BytesIO(data)) as jpeg:
        black = jpeg.convert("L").point(lambda v: 255 if v < BLACK_LUMA else 0).convert("1")
    transparent = mask.histogram()[255]
    both = Image.new("1", mask.size, 0)
    both.paste(black, mask=mask)
    return both.histogram()[255] / transparent


def run(context: Context) -> list[Row]:
    """The speed row and the transparency row."""
    width, height = QUICK_SIZE if context.quick else SIZE
    png = context.images.png(width, height, cutout=True)
    s3 = aws.client("s3")
    names = [f"bench/image-{index:02d}" for index in range(RECORDS)]
    with (
        aws.scratch_bucket(s3) as bucket,
        aws.scratch_queue(aws.client("sqs")) as dlq_url,
        function_environment(bucket, dlq_url),
        tempfile.TemporaryDirectory() as workdir,
    ):
        for name in names:
            s3.upload_file(str(png), bucket, f"{INPUT_PREFIX}{name}.png")
        event = sqs_event(bucket, [f"{INPUT_PREFIX}{name}.png" for name in names])

        def ours() -> None:
            with contextlib.redirect_stdout(io.StringIO()):  # the function's EMF documents
                result = handler.lambda_handler(event, None)
            if result["batchItemFailures"]:
                raise RuntimeError(f"the handler failed records: {result}")

        def delete_jpegs() -> None:
            objects = [{"Key": f"{OUTPUT_PREFIX}{name}.jpg"} for name in names]
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})

        pair = compare(
            ours,
            lambda: tutorial_handler(event, s3, Path(workdir)),
            context.repetitions,
            reset=delete_jpegs,
        )
        mask = transparent_mask(png)
        ours_black = black_fraction(s3, bucket, f"{OUTPUT_PREFIX}{names[0]}.jpg", mask)
        tutorial_black = black_fraction(s3, bucket, f"{TUTORIAL_PREFIX}image-00.jpg", mask)
    batch = f"batch of {RECORDS} x {megapixels(width, height)} RGBA PNGs"
    ratio, target, met = at_least(pair.baseline_median / pair.ours_median, TARGET)
    return [
        Row(
            "2",
            f"handler, {batch} (vs. tutorial: sequential, /tmp files)",
            seconds(pair.ours_median),
            seconds(pair.baseline_median),
            ratio,
            target,
            met,
        ),
        Row(
            "2",
            "fully transparent pixels that come out black",
            f"{ours_black:.1%}",
            f"{tutorial_black:.1%}",
            "-",
            "ours 0 %",
            ours_black == 0,
            note=f"{mask.histogram()[255] / (width * height):.0%} of each image is fully "
            "transparent, stored as (0, 0, 0, 0); black means JPEG luma below "
            f"{BLACK_LUMA}; MAX_WORKERS is the function's default ({DEFAULT_MAX_WORKERS})",
        ),
    ]
