"""A PNG's chunks, walked without decoding: what it may hold besides its image data, and what of
that the conversion reads. Bytes in; no Pillow, no AWS.

:func:`read_layout` walks the chunk headers once, from the signature to ``IEND`` (or, in an
animated PNG, to the frames after its default image, which the conversion never reads), and
refuses at once a PNG that holds more than:

- :data:`MAX_METADATA_CHUNKS` chunks besides the image data (the consecutive ``IDAT`` chunks):
  Pillow spends a few microseconds on each chunk it reads, so a file of millions of empty chunks
  would take many seconds of CPU for a 1x1 image; real PNGs hold a few dozen at most;
- :data:`MAX_METADATA_BYTES` besides the image data, before and after it together: the bound on
  the metadata the conversion reads (EXIF, an ICC profile, XMP) and parses;
- :data:`MAX_IMAGE_DATA_CHUNKS` image data chunks, and beyond that number an average of
  :data:`MIN_IMAGE_DATA_CHUNK_BYTES` per chunk: Pillow reads empty ones about as slowly as any
  other chunk; encoders write 8 KiB to 1 MiB per chunk.

Pillow is given a view of the PNG (:class:`SplicedReader`) holding only the chunks the conversion
uses: header, palette, transparency, the image data, EXIF and the APNG frame control of the
default image. Text chunks (``tEXt``, ``zTXt``, ``iTXt``), the ICC profile
and private chunks never reach it, so metadata the conversion does not use is never inflated
and never decides whether an image converts. What it does use of them is read here, each within
a bound, and dropped with a reason rather than refused when it is malformed or too large:

- the ICC profile (:func:`icc_profile`), inflated to at most :data:`MAX_ICC_PROFILE_BYTES`
  (the JPEG encoder's time grows with the square of the profile's size; real RGB profiles are a
  few KB, those with large lookup tables about 1 MB);
- the orientation written by tools that keep EXIF in a text chunk (ImageMagick's
  ``Raw profile type exif``) or in XMP (:func:`text_metadata`), inflated to at most
  :data:`MAX_METADATA_BYTES`.
"""

from __future__ import annotations

import io
import struct
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from png2jpg.errors import InvalidImageError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_METADATA_CHUNKS = 1_000
MAX_METADATA_BYTES = 16 * 1024 * 1024
MAX_IMAGE_DATA_CHUNKS = 4_096
MIN_IMAGE_DATA_CHUNK_BYTES = 1_024
MAX_ICC_PROFILE_BYTES = 4 * 1024 * 1024
RAW_EXIF_KEYWORD = b"Raw profile type exif"
XMP_KEYWORD = b"XML:com.adobe.xmp"

# Chunks Pillow is given: before the image data, and after it.
_PILLOW_CHUNKS_BEFORE = frozenset({b"IHDR", b"PLTE", b"tRNS", b"acTL", b"fcTL", b"eXIf"})
_PILLOW_CHUNKS_AFTER = frozenset({b"eXIf", b"IEND"})
_TEXT_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt"})
_HEADER = struct.Struct(">I4s")
_MAX_KEYWORD = 79  # PNG keywords are 1 to 79 bytes


@dataclass(frozen=True)
class Chunk:
    """One chunk: its type, where it starts (its length field) and the length of its data."""

    kind: bytes
    offset: int
    length: int

    @property
    def end(self) -> int:
        """Offset just past its CRC."""
        return self.offset + 12 + self.length

    def data(self, png: bytes) -> memoryview:
        """Its data, without a copy."""
        return memoryview(png)[self.offset + 8 : self.offset + 8 + self.length]


@dataclass(frozen=True)
class Layout:
    """Where a PNG's chunks are: those before its image data, the image data, those after it."""

    before: tuple[Chunk, ...]
    image_data: tuple[int, int]  # [start, end) of the consecutive IDAT chunks
    after: tuple[Chunk, ...]

    def metadata(self) -> tuple[Chunk, ...]:
        """Every chunk besides the image data, in file order."""
        return (*self.before, *self.after)

    def pillow_ranges(self) -> list[tuple[int, int]]:
        """The byte ranges of the PNG that Pillow is given, in order."""
        kept = [(0, len(PNG_SIGNATURE))]
        kept += [(c.offset, c.end) for c in self.before if c.kind in _PILLOW_CHUNKS_BEFORE]
        kept.append(self.image_data)
        kept += [(c.offset, c.end) for c in self.after if c.kind in _PILLOW_CHUNKS_AFTER]
        return kept


def read_layout(png: bytes) -> Layout:
    """Walk the chunks of ``png`` (which starts with the signature) and check their bounds.

    Raises :class:`InvalidImageError` for a PNG without image data, a chunk other than the image
    data that runs past the end of the file, or one over the bounds of the module docstring.
    """
    size = len(png)
    unpack = _HEADER.unpack_from
    metadata = _MetadataCount()
    before: list[Chunk] = []
    position = len(PNG_SIGNATURE)
    while True:
        if position + 8 > size:
            raise InvalidImageError("corrupt or truncated PNG: no image data (IDAT chunk)")
        length, kind = unpack(png, position)
        if kind == b"IDAT":
            break
        before.append(metadata.add(Chunk(kind, position, length), size))
        position = before[-1].end
    start, count = position, 0
    while position + 8 <= size:
        length, kind = unpack(png, position)
        if kind != b"IDAT":
            break
        count += 1
        position += 12 + length
        if count > MAX_IMAGE_DATA_CHUNKS and count * MIN_IMAGE_DATA_CHUNK_BYTES > position - start:
            raise InvalidImageError(
                f"too many chunks: more than {MAX_IMAGE_DATA_CHUNKS:,} image data (IDAT) chunks "
                f"of under {MIN_IMAGE_DATA_CHUNK_BYTES:,} bytes on average"
            )
    image_data = (start, min(position, size))
    animated = any(chunk.kind == b"acTL" for chunk in before)
    after: list[Chunk] = []
    while position + 8 <= size:
        length, kind = unpack(png, position)
        if kind == b"fcTL" and animated:
            break  # the next frame: the conversion reads none
        after.append(metadata.add(Chunk(kind, position, length), size))
        position = after[-1].end
        if kind == b"IEND":
            break
    return Layout(tuple(before), image_data, tuple(after))


class _MetadataCount:
    """Counts the chunks besides the image data and their bytes; raises past the bounds."""

    def __init__(self) -> None:
        self.chunks = 0
        self.bytes = 0

    def add(self, chunk: Chunk, size: int) -> Chunk:
        if chunk.end > size:
            kind = chunk.kind.decode("ascii", "backslashreplace")
            raise InvalidImageError(
                f"corrupt or truncated PNG: its {kind} chunk at byte {chunk.offset} runs past "
                f"the end of the file ({size} bytes)"
            )
        self.chunks += 1
        self.bytes += chunk.end - chunk.offset
        if self.chunks > MAX_METADATA_CHUNKS:
            raise InvalidImageError(
                f"too many chunks: more than {MAX_METADATA_CHUNKS:,} besides the image data "
                "(metadata chunks are bounded)"
            )
        if self.bytes > MAX_METADATA_BYTES:
            raise InvalidImageError(
                f"too much metadata: more than {MAX_METADATA_BYTES:,} bytes in chunks besides "
                "the image data"
            )
        return chunk


def icc_profile(png: bytes, layout: Layout) -> tuple[bytes | None, str | None]:
    """The inflated ICC profile (the last ``iCCP`` chunk), or None and why it was dropped.

    No ``iCCP`` chunk: ``(None, None)``.
    """
    chunks = [chunk for chunk in layout.before if chunk.kind == b"iCCP"]
    if not chunks:
        return None, None
    data = chunks[-1].data(png)
    separator = bytes(data[: _MAX_KEYWORD + 1]).find(b"\0")
    if separator < 1 or len(data) < separator + 2 or data[separator + 1] != 0:
        return None, "ICC profile dropped: its iCCP chunk is malformed"
    profile = _inflate(data[separator + 2 :], MAX_ICC_PROFILE_BYTES)
    if profile is None:
        return None, "ICC profile dropped: its iCCP chunk does not inflate"
    if len(profile) > MAX_ICC_PROFILE_BYTES:
        return (
            None,
            f"ICC profile dropped: it inflates to more than {MAX_ICC_PROFILE_BYTES:,} bytes",
        )
    return profile, None


def text_metadata(png: bytes, layout: Layout, keyword: bytes) -> tuple[bytes | None, str | None]:
    """The value of the last text chunk named ``keyword``, or None and why it was dropped.

    No such chunk: ``(None, None)``. A compressed value is inflated to at most
    :data:`MAX_METADATA_BYTES`.
    """
    found = None
    for chunk in layout.metadata():
        if chunk.kind in _TEXT_CHUNKS:
            data = chunk.data(png)
            head = bytes(data[: _MAX_KEYWORD + 1])
            if head.find(b"\0") == len(keyword) and head.startswith(keyword):
                found = chunk.kind, data[len(keyword) + 1 :]
    if found is None:
        return None, None
    kind, rest = found
    name = keyword.decode("latin-1")
    value = _text_value(kind, rest)
    if value is None:
        return None, f"{name} dropped: its {kind.decode()} chunk is malformed or does not inflate"
    if len(value) > MAX_METADATA_BYTES:
        return None, f"{name} dropped: it inflates to more than {MAX_METADATA_BYTES:,} bytes"
    return value, None


def _text_value(kind: bytes, rest: memoryview) -> bytes | None:
    """The value of a text chunk after its keyword and separator; None if malformed."""
    if kind == b"tEXt":
        return bytes(rest)
    if kind == b"zTXt":
        return _inflate(rest[1:], MAX_METADATA_BYTES) if len(rest) and rest[0] == 0 else None
    # iTXt: compression flag, method, language tag \0, translated keyword \0, text.
    if len(rest) < 2 or rest[1] != 0:
        return None
    fields = bytes(rest[2:]).split(b"\0", 2)  # a copy, bounded by MAX_METADATA_BYTES
    if len(fields) < 3:
        return None
    return _inflate(fields[2], MAX_METADATA_BYTES) if rest[0] else fields[2]


def _inflate(compressed: bytes | memoryview, limit: int) -> bytes | None:
    """Inflate to at most ``limit`` + 1 bytes (more says: over the limit); None if corrupt."""
    try:
        return zlib.decompressobj().decompress(compressed, limit + 1)
    except zlib.error:
        return None


class SplicedReader(io.RawIOBase):
    """Byte ranges of one buffer, read as one seekable file, without copying the buffer."""

    def __init__(self, data: bytes, ranges: list[tuple[int, int]]) -> None:
        super().__init__()
        self._view = memoryview(data)
        self._ranges = ranges
        self._starts = list(accumulate((end - start for start, end in ranges), initial=0))
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._starts[-1]}
        self._position = max(0, base[whence] + offset)
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        total = self._starts[-1]
        stop = total if size is None or size < 0 else min(total, self._position + size)
        parts = []
        index = bisect_right(self._starts, self._position) - 1
        while self._position < stop:
            start, end = self._ranges[index]
            begin = start + self._position - self._starts[index]
            take = min(end, begin + stop - self._position)
            parts.append(self._view[begin:take])
            self._position += take - begin
            index += 1
        return b"".join(parts)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
