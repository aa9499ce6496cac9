"""Row 8: a duplicate delivery against the first conversion of the same 12 MP PNG, in handler
CPU time.

The first delivery reads the JPEG's metadata (none yet), downloads the PNG, converts it and writes
the JPEG. A duplicate, the same message again with the PNG unchanged, reads the JPEG's metadata and
asks for the PNG with ``If-None-Match`` on the ETag recorded there, which S3 answers 304: nothing is
downloaded, converted or written. Timed is the CPU time of this process (all its threads), what the
function spends beyond waiting; the S3 server (LocalStack) is another process. Before each first
conversion the JPEG is deleted, outside the measurement.
"""

from __future__ import annotations

import contextlib
import io
import json
import statistics
from typing import Any

from bench import aws
from bench.context import Context
from bench.images import megapixels
from bench.rows.handler import INPUT_PREFIX, OUTPUT_PREFIX, function_environment, sqs_event
from bench.table import Row, at_most
from bench.timing import cpu_time, seconds
from png2jpg import handler

TARGET = 0.05
SIZE = (4000, 3000)
QUICK_SIZE = (400, 300)


def run(context: Context) -> list[Row]:
    """The duplicate-delivery row."""
    width, height = QUICK_SIZE if context.quick else SIZE
    png = context.images.png(width, height)
    s3 = aws.client("s3")
    key, target = f"{INPUT_PREFIX}duplicate.png", f"{OUTPUT_PREFIX}duplicate.jpg"
    with (
        aws.scratch_bucket(s3) as bucket,
        aws.scratch_queue(aws.client("sqs")) as dlq_url,
        function_environment(bucket, dlq_url),
    ):
        s3.upload_file(str(png), bucket, key)
        event = sqs_event(bucket, [key])
        outcomes: list[str] = []

        def deliver() -> None:
            outcomes.append(_outcome(event))

        firsts, duplicates = [], []
        for repetition in range(context.repetitions + 1):  # the first pair warms up
            s3.delete_object(Bucket=bucket, Key=target)
            first, duplicate = cpu_time(deliver), cpu_time(deliver)
            if repetition:
                firsts.append(first)
                duplicates.append(duplicate)
    if set(outcomes[0::2]) != {"ImagesConverted"} or set(outcomes[1::2]) != {"ImagesUnchanged"}:
        raise RuntimeError(f"expected a conversion then a duplicate each time, got {outcomes}")
    ours, baseline = statistics.median(duplicates), statistics.median(firsts)
    return [
        Row(
            "8",
            f"duplicate delivery of a {megapixels(width, height)} RGBA PNG, handler CPU time "
            "(vs. its first conversion)",
            seconds(ours),
            seconds(baseline),
            *at_most(ours / baseline, TARGET),
        )
    ]


def _outcome(event: dict[str, Any]) -> str:
    """Deliver ``event`` to the handler; the one image count its metrics document reports."""
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        result = handler.lambda_handler(event, None)
    if result["batchItemFailures"]:
        raise RuntimeError(f"the handler failed the record: {result}")
    (document, *_) = (json.loads(line) for line in printed.getvalue().splitlines())
    counts = ("ImagesConverted", "ImagesUnchanged", "ImagesSuperseded", "ImagesFailed")
    return next(name for name in counts if document.get(name))
