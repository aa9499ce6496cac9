"""What the user sees: progress bar and problem lines, the summary line, the --json document."""

import json
import sys
from collections import Counter
from typing import Any

from tqdm import tqdm

from sender.destination import Destination
from sender.files import FAILED, INTERRUPTED, SENT, SKIPPED, Item, Outcome

STATUSES = (SENT, SKIPPED, FAILED, INTERRUPTED)


class Report:
    """Every file's outcome and how the run ended, printed once by :meth:`finish`.

    A file found whose outcome was not recorded failed with the run's error, or was interrupted.
    """

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.destination: Destination | None = None
        self.items: list[Item] = []
        self.outcomes: list[Outcome] = []
        self.not_enqueued: list[str] = []
        self.wait: dict[str, Any] | None = None
        self.error: str | None = None
        self.bar = tqdm(disable=True)

    def progress(self, total: int, show: bool, description: str = "sending") -> None:
        """Replace the progress bar by one of ``total`` files, shown on stderr if ``show``."""
        self.bar.close()
        self.bar = tqdm(total=total, unit="file", desc=description, disable=not show)

    def record(self, outcome: Outcome) -> None:
        """Keep ``outcome``, advance the bar, print a line for a skipped or failed file."""
        self.outcomes.append(outcome)
        if outcome.status in (SKIPPED, FAILED):
            self.line(f"{outcome.status} {outcome.path}: {outcome.reason}")
        self.bar.update()

    def line(self, text: str) -> None:
        """Print ``sender: <text>`` on stderr without breaking the progress bar."""
        tqdm.write(f"sender: {text}", file=sys.stderr)

    def all_outcomes(self) -> list[Outcome]:
        """The recorded outcomes, then one per file found and not finished: ``failed`` with the
        error that stopped the run, else ``interrupted``."""
        done = {outcome.key for outcome in self.outcomes}
        end = (FAILED, self.error) if self.error else (INTERRUPTED, "")
        return self.outcomes + [i.outcome(*end) for i in self.items if i.key not in done]

    def document(self) -> dict[str, Any]:
        """The ``--json`` document."""
        where = self.destination
        fields = ("path", "key", "reason", "message_id")
        lists = {
            status: [
                {name: getattr(outcome, name) for name in fields if getattr(outcome, name)}
                for outcome in self.all_outcomes()
                if outcome.status == status
            ]
            for status in STATUSES
        }
        return {
            "bucket": where and where.bucket,
            "queue_url": where and where.queue_url,
            "upload_only": bool(where and where.upload_only),
            **lists,
            "not_enqueued": self.not_enqueued,
            "wait": self.wait,
            "error": self.error,
        }

    def summary(self) -> str:
        """The one-line count summary."""
        counts = Counter(outcome.status for outcome in self.all_outcomes())
        line = ", ".join(f"{counts[status]} {status}" for status in STATUSES)
        if where := self.destination:
            line += f" (s3://{where.bucket}/{where.input_prefix}"
            line += ", upload only)" if where.upload_only else f" and {where.queue_url})"
        if self.wait:
            line += (
                f"; JPEGs: {len(self.wait['arrived'])} arrived, {len(self.wait['missing'])} missing"
            )
        return line

    def finish(self) -> None:
        """Print the JSON on stdout, then the error, the keys not enqueued and the summary."""
        self.bar.close()
        if self.as_json:
            print(json.dumps(self.document(), indent=2), flush=True)
        if self.error:
            self.line(f"error: {self.error}")
        for key in self.not_enqueued:
            self.line(f"may be in the bucket without a message: {key}")
        self.line(self.summary())
        sys.stderr.flush()
