"""The files named on the command line: finding them, their keys and FIFO groups, opening a PNG."""

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from png2jpg.convert import PNG_SIGNATURE
from png2jpg.errors import BadMessageError
from png2jpg.message import output_key
from sender.destination import Destination, UsageError

STATUSES = SENT, UNCHANGED, SKIPPED, FAILED, INTERRUPTED = (
    "sent",
    "unchanged",
    "skipped",
    "failed",
    "interrupted",
)
GROUP_ID = re.compile(r"[!-~]{1,128}")  # what SQS accepts as a MessageGroupId
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # how os.fsdecode keeps bytes that are not UTF-8
_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


@dataclass(eq=False)
class File:
    """One file found and its outcome; ``status`` is None until it is one of :data:`STATUSES`."""

    path: Path
    key: str = ""  # "" when the path has none (not found, not listed)
    group: str = ""
    status: str | None = None
    reason: str = ""
    message_id: str | None = None
    sent_at: float | None = None  # time.monotonic() of its message (of its upload, upload-only)
    uploading: bool = False  # its upload started: it may be in the bucket without a message


class SkipError(Exception):
    """The file is skipped; the message says why."""


def discover(arguments: list[str], where: Destination) -> list[File]:
    """The files to send, in order, and those skipped already (not found, not UTF-8, ...).

    The same file reached twice is sent once; two files that would share a key, or a JPEG
    (``x.png`` and ``x.PNG`` both become ``x.jpg``), raise :class:`UsageError`. A file whose
    JPEG's key S3 could not store is skipped: the function would refuse it.
    """
    files: list[File] = []
    by_target: dict[str, File] = {}
    suffixes = where.notified_suffixes
    for argument in arguments:
        for file in _expand(Path(argument), where.input_prefix, group_id(argument)):
            try:
                target = file.key and output_key(file.key, where.input_prefix, where.output_prefix)
            except BadMessageError as error:
                file.status, file.reason, target = SKIPPED, str(error), ""
            if _NOT_UTF8.search(file.key):
                file.status, file.reason = SKIPPED, "file name is not UTF-8"
            elif target and suffixes and not file.key.endswith(suffixes):
                file.status = SKIPPED
                file.reason = f"S3 notifies only keys ending in {' or '.join(suffixes)}: rename it"
            elif target and (earlier := by_target.setdefault(target, file)) is not file:
                if earlier.path.resolve() == file.path.resolve():
                    continue
                both = f"uploaded as {file.key}" if file.key == earlier.key else f"made {target}"
                raise UsageError(
                    f"{earlier.path} and {file.path} would both be {both}; pass a common parent "
                    "directory, rename one, or send them in runs with different --input-prefix"
                )
            files.append(file)
    return files


def _expand(path: Path, prefix: str, group: str) -> list[File]:
    """The files of one PATH argument: a PNG file, or the ``*.png`` (any case) below a directory."""
    if not path.is_dir():
        if not path.exists():
            return [File(path, status=SKIPPED, reason="no such file or directory")]
        if path.suffix.lower() != ".png":
            return [File(path, status=SKIPPED, reason="file name does not end in .png")]
        return [File(path, prefix + path.name, group)]
    skipped: list[File] = []

    def unlisted(error: OSError) -> None:
        skipped.append(File(Path(error.filename), status=SKIPPED, reason=f"cannot list: {error}"))

    found = sorted(
        (*Path(directory).relative_to(path).parts, name)
        for directory, _, names in os.walk(path, onerror=unlisted)
        for name in names
        if name.lower().endswith(".png")
    )
    if not found:
        skipped.append(File(path, status=SKIPPED, reason="no *.png files in this directory"))
    return skipped + [File(path.joinpath(*p), prefix + "/".join(p), group) for p in found]


def group_id(argument: str) -> str:
    """The FIFO MessageGroupId for a PATH argument: the argument itself when SQS accepts it."""
    if GROUP_ID.fullmatch(argument):
        return argument
    digest = hashlib.sha256(argument.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{re.sub(r'[^!-~]', '_', argument)[:100]}-{digest}"


def open_png(path: Path) -> BinaryIO:
    """Open a regular file starting with the PNG signature; else raise :class:`SkipError`.

    Nothing else is opened (a named pipe would block), and the open does not block either, in
    case the file is replaced by a pipe meanwhile.
    """
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise SkipError(f"not a regular file: {_KINDS.get(stat.S_IFMT(mode), 'a device')}")
        stream = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    except OSError as error:
        raise SkipError(f"cannot read: {error.strerror or error}") from None
    if (head := stream.read(len(PNG_SIGNATURE))) != PNG_SIGNATURE:
        stream.close()
        raise SkipError(f"not a PNG file ({f'starts with {head!r}' if head else 'empty'})")
    stream.seek(0)
    return stream
