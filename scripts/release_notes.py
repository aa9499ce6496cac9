"""Print a release's notes: the section of CHANGELOG.md for a version tag.

    python scripts/release_notes.py v1.2.3

The release workflow runs it before building anything: a tag that is not ``v`` + a semantic version,
or whose version has no ``## [X.Y.Z] - YYYY-MM-DD`` section in CHANGELOG.md, or an empty one, stops
the release with a message that says what to fix.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
# Semantic Versioning 2.0.0's grammar, with the tag's leading "v".
TAG = re.compile(
    r"v(?P<version>(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)"
)
SECTION = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?[ \t]*$", re.MULTILINE)


class ReleaseError(Exception):
    """The tag or the changelog does not make a release."""


def version_of(tag: str) -> str:
    """The semantic version a tag names (``v1.2.3`` → ``1.2.3``)."""
    match = TAG.fullmatch(tag)
    if not match:
        raise ReleaseError(f"tag {tag!r} is not v + a semantic version (v1.2.3, v2.0.0-rc.1)")
    return match["version"]


def notes(changelog: str, tag: str) -> str:
    """The body of the tag's section in ``changelog``."""
    version = version_of(tag)
    sections = list(SECTION.finditer(changelog))
    for index, section in enumerate(sections):
        if section["version"] != version:
            continue
        try:
            datetime.date.fromisoformat(section["date"] or "")
        except ValueError:
            raise ReleaseError(
                f"CHANGELOG.md's section for {version} must be dated: ## [{version}] - YYYY-MM-DD"
            ) from None
        end = sections[index + 1].start() if index + 1 < len(sections) else len(changelog)
        body = changelog[section.end() : end].strip()
        if not body:
            raise ReleaseError(f"CHANGELOG.md's section for {version} is empty")
        return body + "\n"
    raise ReleaseError(
        f"CHANGELOG.md has no section for {version}: move the Unreleased entries under"
        f" ## [{version}] - YYYY-MM-DD before tagging {tag}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the notes, or the reason there are none (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tag", help="the pushed tag, e.g. v1.2.3")
    args = parser.parse_args(argv)
    try:
        print(notes(CHANGELOG.read_text(), args.tag), end="")
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
