"""``make tune``: what each memory size costs and how fast it converts, measured by Lambda itself.

Runs inside ``scripts/localstack_session.py --aws``, which has applied the Terraform root under a
unique name in the caller's account and destroys it afterwards (``PNG2JPG_TERRAFORM_DIR``,
``PNG2JPG_E2E_NAME``). For each memory size, one after the other:

1. ``terraform apply`` of that root with ``memory_size`` = the size, ``system_log_level = "INFO"``
   (Lambda's reports reach the log group only then), ``timeout = 60`` and
   ``maximum_concurrency = 2`` (few execution environments, so most invocations are warm);
2. ``--rounds`` times, the sample set through the sender (``--wait``), under keys of its own
   (``<input prefix>tune-<size>mb/<round>/...``);
3. from the function's log group: each invocation's report (``platform.report``: duration, billed
   duration, max memory used, init duration) and the ``converted`` records naming this size's
   keys, joined on the request id.

It prints, per size, the billed time and the Lambda cost per image of the warm invocations (cold
starts are counted apart: their initialization is billed once per execution environment), the
most memory used, the cheapest and the fastest size marked, and the ``--seconds-per-megapixel``
to give ``python -m sender.capacity``: the conversion time per megapixel on one vCPU that makes
the planner's model (:func:`sender.capacity.model.batch_seconds`) match each warm invocation.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

import boto3
from PIL import Image

from scripts import localstack_session
from scripts.lambda_reports import Report, parse_report
from scripts.terraform_docs import blocks
from sender.capacity.figures import load_aws

# sender's package puts function/ (png2jpg) on sys.path: the function's defaults come through it.
from sender.capacity.model import (
    DEFAULT_MAX_WORKERS,
    FUNCTION_S3_CALLS_PER_IMAGE,
    MB_PER_GB,
    batch_seconds,
)
from sender.terraform import terraform_outputs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MEMORY = (512, 1024, 1769, 3008)
TIMEOUT = 60
MAXIMUM_CONCURRENCY = 2
WAIT_SECONDS = 600
LOG_WAIT_SECONDS = 180


class TuneError(Exception):
    """A step failed: nothing measured for that size can be trusted."""


@dataclass(frozen=True)
class Sample:
    """One PNG of the sample set and its size in megapixels."""

    path: Path
    megapixels: float


@dataclass(frozen=True)
class Figures:
    """What turns reports into cost and the planner's figure: Lambda's prices (None outside the
    regions of aws-figures.json) and the planner's model settings."""

    gb_second: float | None
    request: float | None
    workers: int
    vcpu_mb: float
    wait_s: float


@dataclass(frozen=True)
class Deployment:
    """The session's deployment: its Terraform root, name, outputs and a CloudWatch Logs client."""

    terraform_dir: Path
    name: str
    outputs: dict[str, Any]
    logs: Any


@dataclass
class SizeResult:
    """What one memory size measured; the per-image figures are those of warm invocations."""

    memory_mb: int
    images: int
    invocations: int
    warm_invocations: int
    cold_starts: int
    failed_invocations: int
    billed_ms_per_image: float
    duration_ms_per_image: float
    max_memory_used_mb: int | None
    init_ms_median: float | None
    lambda_usd_per_million: float | None
    seconds_per_megapixel: float
    cheapest: bool = False
    fastest: bool = False


# ----------------------------------------------------------------------------------------------
# Measuring


def invocation_images(
    messages: Iterable[str], key_prefix: str
) -> tuple[dict[str, Report], dict[str, list[str]]]:
    """The reports by request id, and the keys converted under ``key_prefix`` by request id."""
    reports: dict[str, Report] = {}
    converted: dict[str, list[str]] = defaultdict(list)
    for message in messages:
        report = parse_report(message)
        if report:
            reports[report.request_id] = report
            continue
        try:
            record = json.loads(message)
        except ValueError:
            continue
        if (
            isinstance(record, dict)
            and record.get("outcome") == "converted"
            and str(record.get("key", "")).startswith(key_prefix)
            and record.get("requestId")
        ):
            converted[record["requestId"]].append(record["key"])
    return reports, dict(converted)


def solve_seconds_per_megapixel(
    duration_s: float, images: int, megapixels: float, memory_mb: int, workers: int,
    vcpu_mb: float, wait_s: float,
) -> float:  # fmt: skip
    """The seconds per megapixel on one vCPU for which the planner's model takes ``duration_s``.

    The model's batch time grows with the conversion time, so a bisection finds it; an invocation
    faster than the model's S3 waits alone gives 0.
    """
    low, high = 0.0, duration_s  # a conversion cannot take longer than its whole batch
    for _ in range(60):
        middle = (low + high) / 2
        modeled = batch_seconds(middle, images, memory_mb, workers, vcpu_mb, wait_s)
        low, high = (middle, high) if modeled < duration_s else (low, middle)
    return low / megapixels


def size_result(
    memory_mb: int,
    reports: dict[str, Report],
    converted: dict[str, list[str]],
    megapixels: dict[str, float],
    figures: Figures,
) -> SizeResult:
    """The figures of one memory size from its invocations (reports joined with their images)."""
    invocations = [(reports[rid], keys) for rid, keys in converted.items() if rid in reports]
    warm_only = [(report, keys) for report, keys in invocations if not report.cold]
    warm = warm_only or invocations  # all cold: their figures include the initialization
    images = sum(len(keys) for _, keys in warm)
    billed = sum(report.billed_ms for report, _ in warm)
    duration = sum(report.duration_ms for report, _ in warm)
    cost = None
    if figures.gb_second is not None and figures.request is not None:
        gb_seconds = billed / 1000 * memory_mb / MB_PER_GB
        cost = 1e6 * (gb_seconds * figures.gb_second + len(warm) * figures.request / 1e6) / images
    spm = statistics.median(
        solve_seconds_per_megapixel(
            report.duration_ms / 1000,
            len(keys),
            statistics.fmean(megapixels[key] for key in keys),
            memory_mb,
            figures.workers,
            figures.vcpu_mb,
            figures.wait_s,
        )
        for report, keys in warm
    )
    used = [report.max_memory_mb for report, _ in invocations if report.max_memory_mb is not None]
    inits = [report.init_ms for report, _ in invocations if report.init_ms is not None]
    return SizeResult(
        memory_mb=memory_mb,
        images=sum(len(keys) for _, keys in invocations),
        invocations=len(invocations),
        warm_invocations=len(warm_only),
        cold_starts=len(inits),
        failed_invocations=sum(report.status != "success" for report, _ in invocations),
        billed_ms_per_image=billed / images,
        duration_ms_per_image=duration / images,
        max_memory_used_mb=max(used) if used else None,
        init_ms_median=statistics.median(inits) if inits else None,
        lambda_usd_per_million=cost,
        seconds_per_megapixel=spm,
    )


def mark(results: list[SizeResult]) -> None:
    """Mark the cheapest size (Lambda cost per image) and the fastest (duration per image)."""
    priced = [r for r in results if r.lambda_usd_per_million is not None]
    if priced:
        min(priced, key=lambda r: r.lambda_usd_per_million or 0).cheapest = True
    if results:
        min(results, key=lambda r: r.duration_ms_per_image).fastest = True


# ----------------------------------------------------------------------------------------------
# The run against the deployment


def client(service: str) -> Any:
    """A client for the deployment: LocalStack's when it stands in for the account, else boto3's."""
    if os.environ.get("LOCALSTACK_ENDPOINT"):
        return localstack_session.client(service)
    return boto3.client(service)


def settings(memory_mb: int) -> dict[str, object]:
    """The root variables a step sets besides the session's."""
    return {
        "memory_size": memory_mb,
        "timeout": TIMEOUT,
        "system_log_level": "INFO",
        "maximum_concurrency": MAXIMUM_CONCURRENCY,
    }


def check_root(terraform_dir: Path) -> None:
    """Refuse a root that does not declare the variables a step sets (rather than fail later)."""
    declared = {name for file in terraform_dir.glob("*.tf") for name, _ in blocks(file, "variable")}
    missing = sorted(settings(0).keys() - declared)
    if missing:
        raise TuneError(f"the Terraform root {terraform_dir} declares no {', '.join(missing)}")


def apply(terraform_dir: Path, name: str, memory_mb: int) -> None:
    """Apply the session's root with this memory size and reports in the logs."""
    variables = localstack_session.terraform_variables(name, **settings(memory_mb))
    command = ["terraform", f"-chdir={terraform_dir}", "apply", "-input=false", "-auto-approve"]
    result = subprocess.run(
        [*command, "-no-color", *variables], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise TuneError(f"terraform apply at {memory_mb} MB failed:\n{result.stdout[-3000:]}"
                        f"{result.stderr[-3000:]}")  # fmt: skip


def send(terraform_dir: Path, stage: Path) -> None:
    """Send the files under ``stage`` through the sender and wait for their JPEGs."""
    command = [sys.executable, "-m", "sender", "--terraform-dir", str(terraform_dir), "--json"]
    result = subprocess.run(
        [*command, "--quiet", "--wait", str(WAIT_SECONDS), str(stage)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise TuneError(f"the sender failed (exit {result.returncode}):\n{result.stderr[-3000:]}")


def log_messages(logs: Any, group: str, since_ms: int) -> list[str]:
    """Every log event's message in ``group`` since ``since_ms``."""
    paginator = logs.get_paginator("filter_log_events")
    pages = paginator.paginate(logGroupName=group, startTime=since_ms)
    return [event["message"] for page in pages for event in page["events"]]


def measure(
    memory_mb: int, samples: list[Sample], rounds: int, deployment: Deployment
) -> tuple[dict[str, Report], dict[str, list[str]], dict[str, float]]:
    """Apply, send the rounds, and collect the reports and converted keys of this size."""
    terraform_dir, outputs = deployment.terraform_dir, deployment.outputs
    apply(terraform_dir, deployment.name, memory_mb)
    since_ms = int(time.time() * 1000) - 5000
    prefix = f"{outputs['input_prefix']}tune-{memory_mb}mb/"
    megapixels: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="png2jpg-tune-") as directory:
        for number in range(1, rounds + 1):
            stage = Path(directory) / f"round-{number}"
            folder = stage / f"tune-{memory_mb}mb" / str(number)
            folder.mkdir(parents=True)
            for index, sample in enumerate(samples):
                name = f"{index:03}-{sample.path.name}"
                shutil.copyfile(sample.path, folder / name)
                megapixels[f"{prefix}{number}/{name}"] = sample.megapixels
            send(terraform_dir, stage)
    expected = len(samples) * rounds
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while True:
        messages = log_messages(deployment.logs, outputs["log_group_name"], since_ms)
        reports, converted = invocation_images(messages, prefix)
        complete = (
            sum(map(len, converted.values())) >= expected and converted.keys() <= reports.keys()
        )
        if complete or time.monotonic() > deadline:
            break
        time.sleep(5)
    if not complete:
        seen = sum(map(len, converted.values()))
        raise TuneError(
            f"{memory_mb} MB: after {LOG_WAIT_SECONDS} s the log group holds {seen} of "
            f"{expected} converted records and {len(converted.keys() & reports.keys())} of "
            f"{len(converted)} invocation reports (is system_log_level INFO?)"
        )
    return reports, converted, megapixels


# ----------------------------------------------------------------------------------------------
# Samples and output


def samples_from(paths: list[Path], count: int, megapixels: float, directory: Path) -> list[Sample]:
    """The given PNGs (files, or directories searched for *.png), or ``count`` generated ones."""
    files = sorted(
        file
        for path in paths
        for file in ([path] if path.is_file() else path.rglob("*"))
        if file.is_file() and file.suffix.lower() == ".png"
    )
    if paths and not files:
        raise TuneError(f"no PNG files in {', '.join(map(str, paths))}")
    if not files:
        from tests.imagegen import photo_like, png_bytes

        width = round((megapixels * 1e6 * 4 / 3) ** 0.5)
        height = round(megapixels * 1e6 / width)
        for index in range(count):
            file = directory / f"sample-{index:02}.png"
            file.write_bytes(png_bytes(photo_like(width, height, seed=index)))
            files.append(file)
    samples = []
    for file in files:
        with Image.open(file) as image:
            samples.append(Sample(file, image.width * image.height / 1e6))
    return samples


def render(results: list[SizeResult], summary: dict[str, Any], suggestion: float) -> str:
    """The table, the suggestion for the planner, and what the figures mean."""
    header = ("memory", "invocations", "cold", "images", "billed/image", "duration/image",
              "max used", "Lambda $/M images", "s/MP")  # fmt: skip
    rows = [header]
    for r in results:
        flags = (
            ("cheapest", r.cheapest),
            ("fastest", r.fastest),
            ("all cold", not r.warm_invocations),
        )
        marks = " ".join(name for name, on in flags if on)
        cost = "-" if r.lambda_usd_per_million is None else f"{r.lambda_usd_per_million:.2f}"
        used = "-" if r.max_memory_used_mb is None else f"{r.max_memory_used_mb} MB"
        rows.append((
            f"{r.memory_mb} MB", str(r.invocations), str(r.cold_starts), str(r.images),
            f"{r.billed_ms_per_image:.1f} ms", f"{r.duration_ms_per_image:.1f} ms", used, cost,
            f"{r.seconds_per_megapixel:.4f}", marks,
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[1]))]
    lines = [
        f"make tune: {summary['samples']} sample PNGs ({summary['megapixels']:.2f} MP on "
        f"average) x {summary['rounds']} rounds per memory size, {summary['where']}; Lambda "
        f"prices of {summary['prices_date']} ({summary['region']})",
        "",
        *("  ".join(cell.rjust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows),
        "",
        "Per-image figures are those of warm invocations (batches of up to 10, "
        f"max_workers {summary['workers']}); a cold start adds its initialization once per "
        "execution environment.",
        f"For the planner: --seconds-per-megapixel {suggestion:.4f} (median of the sizes'; "
        'make capacity ARGS="... --seconds-per-megapixel '
        f'{suggestion:.4f}")',
    ]
    if summary["where"].startswith("LocalStack"):
        lines.append("On LocalStack these figures measure this machine, not Lambda.")
    return "\n".join(lines)


def _usage(message: str) -> NoReturn:
    print(f"tune: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def memory_sizes(text: str) -> list[int]:
    """``512,1024`` -> [512, 1024]: distinct sizes Lambda accepts."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of MB: {text!r}") from None
    if not sizes or len(set(sizes)) != len(sizes) or not all(128 <= s <= 10240 for s in sizes):
        raise argparse.ArgumentTypeError("distinct sizes from 128 to 10240 MB, comma-separated")
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Measure each memory size; print the table (or one JSON line); return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m scripts.tune", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="PNG files or dirs")
    parser.add_argument("--memory", type=memory_sizes, default=list(DEFAULT_MEMORY),
                        help="memory sizes in MB (512,1024,1769,3008)")  # fmt: skip
    parser.add_argument("--images", type=int, default=10, help="generated samples without PATH")
    parser.add_argument("--megapixels", type=float, default=2.0, help="of the generated samples")
    parser.add_argument("--rounds", type=int, default=3, help="times the set is sent per size")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args(argv)
    if not 1 <= args.images <= 1000 or not 0 < args.megapixels <= 40 or not 1 <= args.rounds <= 20:
        _usage("--images 1 to 1000, --megapixels up to 40, --rounds 1 to 20")
    directory = os.environ.get("PNG2JPG_TERRAFORM_DIR")
    if not directory:
        _usage("run it with make tune (it needs the deployment the session applies)")
    terraform_dir = Path(directory)
    aws = load_aws()
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    prices = aws.prices.get(region, {})
    figures = Figures(
        gb_second=prices["lambda_gb_second_x86_64"].value if prices else None,
        request=prices["lambda_requests"].value if prices else None,
        workers=DEFAULT_MAX_WORKERS,
        vcpu_mb=aws.performance["lambda_memory_per_vcpu_mb"].value,
        wait_s=FUNCTION_S3_CALLS_PER_IMAGE * aws.performance["s3_request_latency_seconds"].value,
    )
    try:
        with tempfile.TemporaryDirectory(prefix="png2jpg-samples-") as scratch:
            samples = samples_from(args.paths, args.images, args.megapixels, Path(scratch))
            check_root(terraform_dir)
            deployment = Deployment(
                terraform_dir,
                os.environ.get("PNG2JPG_E2E_NAME", "png2jpg-e2e"),
                terraform_outputs(terraform_dir),
                client("logs"),
            )
            results = []
            for memory_mb in args.memory:
                print(f"tune: {memory_mb} MB...", file=sys.stderr, flush=True)
                measured = measure(memory_mb, samples, args.rounds, deployment)
                results.append(size_result(memory_mb, *measured, figures))
    except TuneError as error:
        print(f"tune: error: {error}", file=sys.stderr)
        return 1
    mark(results)
    suggestion = statistics.median(r.seconds_per_megapixel for r in results)
    where = "LocalStack" if os.environ.get("LOCALSTACK_ENDPOINT") else "AWS"
    summary = {
        "samples": len(samples),
        "megapixels": statistics.fmean(s.megapixels for s in samples),
        "rounds": args.rounds,
        "where": f"{where} ({deployment.name})",
        "prices_date": aws.date,
        "region": region if prices else f"{region}: no prices in aws-figures.json",
        "workers": DEFAULT_MAX_WORKERS,
    }
    if args.json:
        document = {**summary, "seconds_per_megapixel": suggestion,
                    "sizes": [asdict(r) for r in results]}  # fmt: skip
        print(json.dumps(document))
    else:
        print(render(results, summary, suggestion))
    return 0


if __name__ == "__main__":
    sys.exit(main())
