"""Regenerate the README's "What it costs" from the capacity planner (``make docs`` runs it).

The planner's report for a few typical workloads goes between the ``BEGIN_COST_DOCS`` and
``END_COST_DOCS`` comment lines; the rest of the README is kept. ``--check`` exits 1 instead of
writing when the section is not what the planner prints today (new prices or measurements).
"""

from __future__ import annotations

import argparse
import sys

from scripts.terraform_docs import ROOT, updated_readme
from sender.capacity.cli import build_parser, workload
from sender.capacity.figures import load_aws, load_measured
from sender.capacity.model import Figures
from sender.capacity.plan import plan
from sender.capacity.render import render

README = ROOT / "README.md"
BEGIN = "<!-- BEGIN_COST_DOCS -->"
END = "<!-- END_COST_DOCS -->"
CASES = (
    (
        "A million 1 MP images a day, everything at its default",
        ("--images-per-day", "1000000", "--megapixels", "1"),
    ),
    (
        "Two million 12 MP photos a day on Graviton, peaks of 100 a second, and a backlog of "
        "500,000 after an outage",
        (
            "--images-per-day", "2000000", "--peak-per-second", "100", "--megapixels", "12",
            "--architecture", "arm64", "--backlog", "500000",
        ),
    ),
    (
        "Fifty million 2 MP images a day with bursts of 5,000 a second: where the limits are",
        ("--images-per-day", "50000000", "--peak-per-second", "5000", "--megapixels", "2"),
    ),
)  # fmt: skip


def section() -> str:
    """The planner's report for each case, under the command that prints it."""
    aws, measured = load_aws(), load_measured()
    parts = []
    for title, args in CASES:
        options = build_parser().parse_args(list(args))
        report = render(plan(workload(options), Figures(aws, measured, options.region)), aws.date)
        command = f'make capacity ARGS="{" ".join(args)}"'
        parts += [f"**{title}** (`{command}`):", "", "```text", report, "```", ""]
    return "\n".join(parts).rstrip()


def main() -> int:
    """Write the section into README.md, or with --check report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is out of date")
    args = parser.parse_args()
    current = README.read_text()
    wanted = updated_readme(current, section(), BEGIN, END)
    if wanted == current:
        return 0
    if args.check:
        print("README.md's cost section is out of date: run `make docs`", file=sys.stderr)
        return 1
    README.write_text(wanted)
    print("README.md: cost section regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
