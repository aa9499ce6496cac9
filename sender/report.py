"""What the user sees: a progress bar and error lines on stderr, results on stdout."""

import json
import sys
from typing import Any, TextIO

from tqdm import tqdm

from sender.destination import Destination
from sender.files import Skipped
from sender.pipeline import Outcome


class Reporter:
    """A tqdm progress bar on stderr when ``show`` is true; error lines always."""

    def __init__(self, total: int, *, show: bool, description: str = "sending") -> None:
        self._bar = tqdm(
            total=total, unit="file", desc=description, file=sys.stderr, disable=not show
        )

    def advance(self) -> None:
        """One more file is finished."""
        self._bar.update()

    def error(self, line: str) -> None:
        """Print ``sender: <line>`` on stderr without breaking the bar."""
        tqdm.write(f"sender: {line}", file=sys.stderr)

    def close(self) -> None:
        """Remove the bar from the terminal."""
        self._bar.close()


def summary(
    destination: Destination,
    outcome: Outcome,
    skipped: list[Skipped],
    wait: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``--json`` document: sent, skipped and failed files, destination, wait results."""
    document: dict[str, Any] = {
        "bucket": destination.bucket,
        "queue_url": destination.queue_url,
        "sent": [
            {"path": s.item.display, "key": s.item.key, "message_id": s.message_id}
            for s in outcome.sent
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in skipped]
        + [{"path": p.item.display, "reason": p.reason} for p in outcome.skipped],
        "failed": [
            {"path": p.item.display, "key": p.item.key, "reason": p.reason} for p in outcome.failed
        ],
    }
    if wait is not None:
        document["wait"] = wait
    return document


def print_json(document: dict[str, Any], stream: TextIO | None = None) -> None:
    """Write ``document`` as indented JSON."""
    json.dump(document, stream or sys.stdout, indent=2)
    (stream or sys.stdout).write("\n")
