"""``make demo``'s page: every image it shows exists beside it and is the object in S3."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from typing import Any

import pytest

from scripts.demo import PAGE, POISON
from tests.e2e.conftest import ROOT, Deployment, remove_from_dlq


class Images(HTMLParser):
    """Collects the attributes of every ``<img>`` and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append({name: value or "" for name, value in attrs})

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.localstack_only  # the demo runs on LocalStack
def test_demo_page_shows_the_objects_in_s3(deployment: Deployment, s3: Any, sqs: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scripts.demo"], cwd=ROOT, capture_output=True, text=True
    )
    remove_from_dlq(sqs, deployment, POISON)

    assert result.returncode == 0, result.stdout + result.stderr
    assert str(PAGE) in result.stdout
    page = Images()
    page.feed(PAGE.read_text(encoding="utf-8"))
    keys = [image["data-key"] for image in page.images]
    pngs = [key for key in keys if key.startswith(deployment["input_prefix"])]
    jpegs = [key for key in keys if key.startswith(deployment["output_prefix"])]
    assert len(pngs) == len(jpegs) == 10, keys
    for image in page.images:
        assert not image["src"].startswith(("http:", "https:", "//")), image["src"]
        shown = (PAGE.parent / image["src"]).read_bytes()
        stored = s3.get_object(Bucket=image["data-bucket"], Key=image["data-key"])["Body"].read()
        assert shown == stored, image["data-key"]
    # the truncated sample is listed among the DLQ entries, with its reason
    assert POISON in " ".join(page.text)
