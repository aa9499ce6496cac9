"""Finding the PNG files named on the command line and naming their S3 keys."""

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sender.errors import UsageError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Characters SQS accepts in a MessageGroupId (alphanumerics and ASCII punctuation), 1-128 long.
_GROUP_ID = re.compile(r"[!-~]{1,128}")


@dataclass(frozen=True)
class Item:
    """One file to send: where it is on disk, how to name it to the user, its key and group."""

    path: Path
    display: str
    key: str
    group: str


@dataclass(frozen=True)
class Skipped:
    """A path that is not sent, and why."""

    path: str
    reason: str


def discover(arguments: list[str], input_prefix: str) -> tuple[list[Item], list[Skipped]]:
    """Expand PATH arguments into the files to send, in a deterministic order.

    A directory is searched recursively for ``*.png`` (any case), sorted by relative path, and
    each file is keyed ``input_prefix + <path relative to the directory>``; a file argument is
    keyed ``input_prefix + <its name>``. The same file reached twice under the same key is sent
    once; two different files that would get the same key raise :class:`UsageError`.
    """
    items: list[Item] = []
    skipped: list[Skipped] = []
    by_key: dict[str, Item] = {}
    for argument in arguments:
        group = group_id(argument)
        found, problems = _expand(argument, input_prefix, group)
        skipped.extend(problems)
        for item in found:
            earlier = by_key.get(item.key)
            if earlier is None:
                by_key[item.key] = item
                items.append(item)
            elif not _same_file(earlier.path, item.path):
                raise UsageError(
                    f"{earlier.display} and {item.display} would both be uploaded as "
                    f"{item.key}; pass a common parent directory instead, or send them in "
                    "separate runs with different --input-prefix values"
                )
    return items, skipped


def _expand(argument: str, prefix: str, group: str) -> tuple[list[Item], list[Skipped]]:
    path = Path(argument)
    if path.is_dir():
        return _walk(argument, prefix, group)
    if not path.exists():
        return [], [Skipped(argument, "no such file or directory")]
    if path.suffix.lower() != ".png":
        return [], [Skipped(argument, "file name does not end in .png")]
    return [Item(path, argument, prefix + path.name, group)], []


def _walk(directory: str, prefix: str, group: str) -> tuple[list[Item], list[Skipped]]:
    problems: list[Skipped] = []

    def report(error: OSError) -> None:
        problems.append(Skipped(str(error.filename), f"cannot list ({error.strerror})"))

    relatives: list[tuple[str, ...]] = []
    root = Path(directory)
    for dirpath, _dirnames, filenames in os.walk(directory, onerror=report):
        base = Path(dirpath).relative_to(root)
        relatives.extend((*base.parts, name) for name in filenames if name.lower().endswith(".png"))
    relatives.sort()
    items = [
        Item(path, str(path), prefix + "/".join(parts), group)
        for parts in relatives
        for path in [root.joinpath(*parts)]
    ]
    if not items and not problems:
        problems.append(Skipped(directory, "no *.png files in this directory"))
    return items, problems


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a == b


def group_id(argument: str) -> str:
    """The FIFO MessageGroupId for a PATH argument: the argument itself when SQS accepts it."""
    if _GROUP_ID.fullmatch(argument):
        return argument
    digest = hashlib.sha256(argument.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    readable = re.sub(r"[^!-~]", "_", argument)[:100]
    return f"{readable}-{digest}"


def valid_group_id(name: str) -> bool:
    """Whether SQS accepts ``name`` as a MessageGroupId."""
    return _GROUP_ID.fullmatch(name) is not None


def png_problem(stream: BinaryIO) -> str | None:
    """Read the first 8 bytes of ``stream``; return why it is not a PNG, or None if it is."""
    head = stream.read(len(PNG_SIGNATURE))
    if head == PNG_SIGNATURE:
        return None
    if not head:
        return "not a PNG file (empty)"
    return f"not a PNG file (starts with {head!r})"
