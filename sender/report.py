"""What the user sees: progress bar, a line per problem, the summary line, the --json document."""

import json
import sys
from typing import Any

from tqdm import tqdm

from sender.destination import Destination
from sender.files import FAILED, INTERRUPTED, SKIPPED, STATUSES, File


class Report:
    """The run's files and how it ended, printed once by :meth:`finish`."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.destination: Destination | None = None
        self.files: list[File] = []
        self.wait: dict[str, Any] | None = None
        self.error: str | None = None
        self.bar = tqdm(disable=True)

    def progress(self, total: int, show: bool, description: str = "sending") -> None:
        """Replace the progress bar by one of ``total`` files, shown on stderr if ``show``."""
        self.bar.close()
        self.bar = tqdm(total=total, unit="file", desc=description, disable=not show)

    def record(self, file: File) -> None:
        """Advance the bar; print a line if ``file`` was skipped or failed."""
        if file.status in (SKIPPED, FAILED):
            self.line(f"{file.status} {file.path}: {file.reason}")
        self.bar.update()

    def line(self, text: str) -> None:
        """Print ``sender: <text>`` on stderr without breaking the progress bar."""
        tqdm.write(f"sender: {text}", file=sys.stderr)

    def finish(self) -> None:
        """Print the --json document on stdout, then the error, the keys not enqueued, a summary."""
        self.bar.close()
        outcomes, not_enqueued = self._outcomes()
        where = self.destination
        if self.as_json:
            document = {
                "bucket": where and where.bucket,
                "queue_url": where and where.queue_url,
                "upload_only": bool(where and where.upload_only),
                **outcomes,
                "not_enqueued": not_enqueued,
                "wait": self.wait,
                "error": self.error,
            }
            print(json.dumps(document, indent=2), flush=True)
        if self.error:
            self.line(f"error: {self.error}")
        for key in not_enqueued:
            self.line(f"may be in the bucket without a message: {key}")
        summary = ", ".join(f"{len(outcomes[status])} {status}" for status in STATUSES)
        if where:
            summary += f" (s3://{where.bucket}/{where.input_prefix}"
            summary += ", upload only)" if where.upload_only else f" and {where.queue_url})"
        if self.wait:
            arrived, missing = len(self.wait["arrived"]), len(self.wait["missing"])
            summary += f"; JPEGs: {arrived} arrived, {missing} missing"
        self.line(summary)
        sys.stderr.flush()

    def _outcomes(self) -> tuple[dict[str, list[dict[str, str]]], list[str]]:
        """Each status's files, and the keys uploaded without a message.

        A file that has not ended failed with the run's error, or else was interrupted.
        """
        outcomes: dict[str, list[dict[str, str]]] = {status: [] for status in STATUSES}
        not_enqueued = []
        for file in self.files:
            status, reason = file.status, file.reason  # read once: uploads may still run
            if status is None:
                status, reason = (FAILED, self.error) if self.error else (INTERRUPTED, "")
                if file.uploading:
                    not_enqueued.append(file.key)
            fields = {"path": str(file.path), "key": file.key, "reason": reason}
            fields["message_id"] = file.message_id or ""
            outcomes[status].append({name: value for name, value in fields.items() if value})
        return outcomes, not_enqueued
