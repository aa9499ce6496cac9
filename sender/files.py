"""Finding the PNG files named on the command line, their keys and groups; a file's outcome."""

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from png2jpg.convert import PNG_SIGNATURE
from sender.destination import UsageError

SENT, SKIPPED, FAILED, INTERRUPTED = "sent", "skipped", "failed", "interrupted"
# Characters SQS accepts in a MessageGroupId (alphanumerics and ASCII punctuation), 1-128 long.
_GROUP_ID = re.compile(r"[!-~]{1,128}")
# What os.fsdecode makes of bytes that are not UTF-8: S3 keys must be UTF-8.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: ``status`` is sent, skipped, failed or interrupted.

    ``sent_at`` is the ``time.monotonic()`` of its message (of its upload with upload-only).
    """

    path: str
    key: str | None
    status: str
    reason: str = ""
    message_id: str | None = None
    sent_at: float | None = None


@dataclass(frozen=True)
class Item:
    """One file to send: where it is, its key and its FIFO group."""

    path: Path
    key: str
    group: str

    def outcome(self, status: str, reason: str = "", **fields: Any) -> Outcome:
        """This file's outcome."""
        return Outcome(str(self.path), self.key, status, reason, **fields)


class SkipError(Exception):
    """The file is skipped; the message says why."""


def discover(arguments: list[str], input_prefix: str) -> tuple[list[Item], list[Outcome]]:
    """The files to send, in a deterministic order, and the skipped paths.

    A directory is searched recursively for ``*.png`` (any case), sorted by relative path, each
    file keyed ``input_prefix + <path relative to the directory>``; a file argument is keyed
    ``input_prefix + <its name>``. The same file reached twice under one key is sent once; two
    different files that would get the same key raise :class:`UsageError`.
    """
    items: dict[str, Item] = {}
    skipped: list[Outcome] = []
    for argument in arguments:
        for item in _expand(Path(argument), input_prefix, group_id(argument), skipped):
            if _NOT_UTF8.search(item.key):
                skipped.append(item.outcome(SKIPPED, "file name is not UTF-8"))
                continue
            earlier = items.setdefault(item.key, item)
            if earlier is not item and not _same_file(earlier.path, item.path):
                raise UsageError(
                    f"{earlier.path} and {item.path} would both be uploaded as {item.key}; pass "
                    "a common parent directory instead, or send them in separate runs with "
                    "different --input-prefix values"
                )
    return list(items.values()), skipped


def _expand(path: Path, prefix: str, group: str, skipped: list[Outcome]) -> list[Item]:
    if path.is_dir():

        def unlisted(error: OSError) -> None:
            skipped.append(Outcome(str(error.filename), None, SKIPPED, f"cannot list: {error}"))

        found = sorted(
            (*Path(directory).relative_to(path).parts, name)
            for directory, _, names in os.walk(path, onerror=unlisted)
            for name in names
            if name.lower().endswith(".png")
        )
        if not found:
            skipped.append(Outcome(str(path), None, SKIPPED, "no *.png files in this directory"))
        return [Item(path.joinpath(*parts), prefix + "/".join(parts), group) for parts in found]
    if not path.exists():
        reason = "no such file or directory"
    elif path.suffix.lower() != ".png":
        reason = "file name does not end in .png"
    else:
        return [Item(path, prefix + path.name, group)]
    skipped.append(Outcome(str(path), None, SKIPPED, reason))
    return []


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a == b


def group_id(argument: str) -> str:
    """The FIFO MessageGroupId for a PATH argument: the argument itself when SQS accepts it."""
    if valid_group_id(argument):
        return argument
    digest = hashlib.sha256(argument.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{re.sub(r'[^!-~]', '_', argument)[:100]}-{digest}"


def valid_group_id(name: str) -> bool:
    """Whether SQS accepts ``name`` as a MessageGroupId."""
    return _GROUP_ID.fullmatch(name) is not None


def open_png(path: Path) -> BinaryIO:
    """Open a regular file starting with the PNG signature, at its start; else :class:`SkipError`.

    Nothing else is opened (a named pipe would block); the open does not block either, in case
    the file is replaced by a pipe meanwhile.
    """
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise SkipError(f"not a regular file: {_KINDS.get(stat.S_IFMT(mode), 'a device')}")
        stream = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    except OSError as error:
        raise SkipError(f"cannot read: {error.strerror or error}") from None
    head = stream.read(len(PNG_SIGNATURE))
    if head != PNG_SIGNATURE:
        stream.close()
        raise SkipError(f"not a PNG file ({f'starts with {head!r}' if head else 'empty'})")
    stream.seek(0)
    return stream
