"""``make demo``: send sample PNGs through the deployed pipeline and show what came out.

Runs inside scripts/localstack_session.py, which has started LocalStack, applied the terraform/
root and set ``PNG2JPG_TERRAFORM_DIR``. Prints a table and writes ``build/demo/index.html``
(:mod:`scripts.demo_page`): each PNG beside its JPEG, and the DLQ entries with their reasons
(one sample is a truncated PNG, sent to show what a poison message looks like).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image

from scripts import demo_page
from scripts.localstack_session import client
from scripts.queues import message_attributes, peek, queue_depth
from sender.terraform import terraform_outputs
from tests.imagegen import photo_like, png_bytes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "png-corpus"
PAGE = ROOT / "build" / "demo" / "index.html"
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
POISON = "truncated.png"
WAIT_SECONDS = 120
DLQ_WAIT_SECONDS = 90


def send_poison(outputs: dict[str, Any]) -> str:
    """Upload half a PNG and enqueue it directly; return its message body."""
    data = (CORPUS / SAMPLES["rgba.png"]).read_bytes()
    bucket, key = outputs["bucket_name"], f"{outputs['input_prefix']}{POISON}"
    client("s3").put_object(Bucket=bucket, Key=key, Body=data[: len(data) // 2])
    body = json.dumps({"bucket": bucket, "key": key})
    client("sqs").send_message(QueueUrl=outputs["queue_url"], MessageBody=body)
    return body


def send_samples(terraform_dir: str) -> tuple[dict[str, Any], int]:
    """Run the sender on the samples: its ``--json`` summary and exit status."""
    with tempfile.TemporaryDirectory(prefix="png2jpg-demo-") as tmp:
        samples = Path(tmp) / "samples"
        samples.mkdir()
        for name, source in SAMPLES.items():
            shutil.copy(CORPUS / source, samples / name)
        (samples / "photo-3mp.png").write_bytes(png_bytes(photo_like(2048, 1536)))
        print(f"Sending {len(SAMPLES) + 1} sample PNGs through the pipeline on LocalStack…")
        command = [sys.executable, "-m", "sender", "--terraform-dir", terraform_dir, "--json"]
        result = subprocess.run(
            [*command, "--wait", str(WAIT_SECONDS), str(samples)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if not result.stdout:
        print(result.stderr, file=sys.stderr)
        raise SystemExit(1)
    return json.loads(result.stdout), result.returncode


def copy_image(s3: Any, bucket: str, key: str) -> demo_page.Image:
    """Download ``key`` beside the page; describe it."""
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    relative = Path("images") / key
    target = PAGE.parent / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    with Image.open(io.BytesIO(data)) as image:
        size = image.size
    return demo_page.Image(bucket, key, relative.as_posix(), len(data), size)


def dead_letters(dlq_url: str) -> list[demo_page.DeadLetter]:
    """The DLQ's entries with their reasons, waiting a little for the poison sample to arrive."""
    sqs = client("sqs")
    deadline_polls = DLQ_WAIT_SECONDS
    while not queue_depth(sqs, dlq_url) and deadline_polls:
        deadline_polls -= 1
        peek(sqs, dlq_url, expected=1, timeout=1)
    entries = []
    for message in peek(sqs, dlq_url, expected=queue_depth(sqs, dlq_url)).values():
        reason = message_attributes(message)
        entries.append(
            demo_page.DeadLetter(
                message["Body"],
                reason.get("ErrorClass", "reported"),
                reason.get("ErrorMessage", "moved by the redrive policy after its last receive"),
            )
        )
    return entries


def print_table(s3: Any, bucket: str, wait: dict[str, Any]) -> None:
    """One row per sample: keys, sizes, latency."""
    rows = []
    for item in wait["arrived"]:
        size_in = s3.head_object(Bucket=bucket, Key=item["key"])["ContentLength"]
        size_out = s3.head_object(Bucket=bucket, Key=item["output_key"])["ContentLength"]
        latency = f"{item['latency_seconds']:.2f} s"
        rows.append((item["key"], item["output_key"], f"{size_in:,} → {size_out:,}", latency))
    rows += [(item["key"], item["output_key"], "", "did not arrive") for item in wait["missing"]]
    header = ("input key", "output key", "bytes in → out", "latency")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> int:
    """Send the samples and the poison message, print the table, write the page."""
    terraform_dir = os.environ["PNG2JPG_TERRAFORM_DIR"]
    outputs = terraform_outputs(terraform_dir)
    send_poison(outputs)
    summary, status = send_samples(terraform_dir)
    s3, bucket, wait = client("s3"), summary["bucket"], summary["wait"]
    print_table(s3, bucket, wait)
    shutil.rmtree(PAGE.parent, ignore_errors=True)
    samples = [
        demo_page.Sample(
            copy_image(s3, bucket, item["key"]),
            copy_image(s3, bucket, item["output_key"]),
            item["latency_seconds"],
        )
        for item in wait["arrived"]
    ]
    samples += [
        demo_page.Sample(copy_image(s3, bucket, item["key"]), None, None)
        for item in wait["missing"]
    ]
    environment = client("lambda").get_function_configuration(
        FunctionName=outputs["function_name"]
    )["Environment"]["Variables"]
    letters = dead_letters(outputs["dlq_url"])
    matte = environment.get("MATTE_COLOR", "#ffffff")
    demo_page.write(PAGE, demo_page.render(samples, letters, bucket, matte))
    print(f"\n{len(wait['arrived'])} converted, {len(wait['missing'])} missing, in bucket {bucket}")
    print(f"{len(letters)} message(s) in the dead-letter queue")
    print(f"Open {PAGE} in a browser to see the images.")
    return status


if __name__ == "__main__":
    sys.exit(main())
