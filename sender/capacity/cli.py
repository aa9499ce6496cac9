"""Command line of the planner: ``python -m sender.capacity --images-per-day N --megapixels MP``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

from png2jpg.config import DEFAULT_MAX_PIXELS, DEFAULT_MAX_WORKERS
from sender.capacity.figures import FiguresError, load_aws, load_measured
from sender.capacity.model import DEFAULT_TIMEOUT, EVENT_SOURCES, Figures, Workload
from sender.capacity.plan import PlanError, plan
from sender.capacity.render import render
from sender.destination import UsageError, number
from sender.preflight import failure

PROG = "python -m sender.capacity"
DESCRIPTION = """\
Size the pipeline before paying for it: the memory to give the function (and why), the time per
image, the concurrency at peak, how long a backlog takes to drain, the cost per million images
and per month, and the quotas the workload would exceed.

Figures, each with its source: AWS prices and quotas from sender/capacity/aws-figures.json
(dated, with the URL of each figure); the conversion time and the memory of the worst batch from
sender/capacity/measured.json, written by make bench (bench rows 1 and 4) with the machine it
ran on. Lambda gets one vCPU at 1,769 MB and a share of one in proportion below; the default
seconds per megapixel takes one core of the bench machine as one vCPU. make tune measures the
real figure in your account: pass it with --seconds-per-megapixel.
"""
EPILOG = """\
exit status: 0 planned (warnings included); 1 a data file is missing or malformed; 2 usage error.

examples:
  python -m sender.capacity --images-per-day 2000000 --megapixels 2
  python -m sender.capacity --images-per-day 2e6 --peak-per-second 100 --megapixels 12 \\
      --backlog 500000 --architecture arm64 --json
  make capacity ARGS="--images-per-day 1e6 --megapixels 1 --memory 1024"
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The planner's options (its ``--help`` is the user documentation)."""
    parser = _Parser(
        PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--images-per-day",
        type=number(float, 1, 1e12),
        required=True,
        metavar="N",
        help="images to convert per day (2e6 is two million)",
    )
    add(
        "--megapixels",
        type=number(float, 1e-4, 1e4),
        required=True,
        metavar="MP",
        help="a typical image's size",
    )
    add(
        "--peak-per-second",
        type=number(float, 1e-6, 1e9),
        metavar="N",
        help="images per second at the busiest time (default: the daily average)",
    )
    add(
        "--png-mb",
        type=number(float, 1e-4, 1e5),
        metavar="MB",
        help="a typical PNG's size (default: the bench images' bytes per megapixel)",
    )
    add(
        "--memory",
        type=number(int, 128, 10240),
        metavar="MB",
        help="the function's memory_size (default: the recommended one)",
    )
    add("--architecture", choices=("x86_64", "arm64"), default="x86_64")
    add("--region", default="us-east-1", help="a region of aws-figures.json (us-east-1)")
    add(
        "--batch-size",
        type=number(int, 1, 10000),
        default=10,
        metavar="N",
        help="the mapping's batch_size (10)",
    )
    add(
        "--backlog",
        type=number(int, 0, 1e12),
        default=0,
        metavar="IMAGES",
        help="images waiting in the queue to drain",
    )
    add(
        "--seconds-per-megapixel",
        type=number(float, 1e-6, 100),
        metavar="S",
        help="conversion seconds per megapixel on one vCPU, e.g. from make tune",
    )
    add(
        "--max-workers",
        type=number(int, 1, 64),
        default=DEFAULT_MAX_WORKERS,
        metavar="N",
        help=f"the function's threads, max_workers ({DEFAULT_MAX_WORKERS})",
    )
    add(
        "--timeout",
        type=number(int, 1, 900),
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"the function's timeout ({DEFAULT_TIMEOUT})",
    )
    add(
        "--max-pixels",
        type=number(int, 1, 1e10),
        default=DEFAULT_MAX_PIXELS,
        metavar="N",
        help=f"the deployment's max_pixels ({DEFAULT_MAX_PIXELS})",
    )
    add(
        "--event-source",
        choices=EVENT_SOURCES,
        default="sender",
        help="who enqueues: the sender (10 per request), or S3/EventBridge (one per object)",
    )
    add("--fifo", action="store_true", help="a FIFO queue (fifo_queue = true)")
    add(
        "--message-groups",
        type=number(int, 1, 1e9),
        default=1,
        metavar="N",
        help="FIFO: message groups active at once (the sender: one per PATH argument)",
    )
    add(
        "--maximum-concurrency",
        type=number(int, 2, 1000),
        metavar="N",
        help="the mapping's maximum_concurrency",
    )
    add(
        "--concurrency-quota",
        type=number(int, 1, 1e7),
        metavar="N",
        help="your account's concurrent executions quota (default: AWS's default)",
    )
    add("--json", action="store_true", help="print one JSON document")
    return parser


def workload(args: argparse.Namespace) -> Workload:
    """The :class:`Workload` the options describe."""
    return Workload(
        images_per_day=args.images_per_day,
        megapixels=args.megapixels,
        region=args.region,
        architecture=args.architecture,
        batch_size=args.batch_size,
        peak_per_second=args.peak_per_second,
        png_mb=args.png_mb,
        memory_mb=args.memory,
        backlog=args.backlog,
        seconds_per_megapixel=args.seconds_per_megapixel,
        max_workers=args.max_workers,
        timeout=args.timeout,
        max_pixels=args.max_pixels,
        fifo=args.fifo,
        message_groups=args.message_groups,
        event_source=args.event_source,
        maximum_concurrency=args.maximum_concurrency,
        concurrency_quota=args.concurrency_quota,
    )


def main(argv: list[str] | None = None) -> int:
    """Plan the workload of ``argv``; print the report (or JSON); return the exit status."""
    try:
        args = build_parser().parse_args(argv)
        aws = load_aws()
        result = plan(workload(args), Figures(aws, load_measured(), args.region))
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
    except PlanError as error:
        return _fail(UsageError(str(error)))
    except (UsageError, FiguresError) as error:
        return _fail(error)
    if args.json:
        print(json.dumps(result.as_dict(aws.date), indent=2))
    else:
        print(render(result, aws.date))
    return 0


def _fail(error: Exception) -> int:
    message, status = failure(error, PROG)
    print(f"capacity: error: {message}", file=sys.stderr)
    return status
