"""PNG builders for the function's tests: chunk-level PNGs that Pillow would never write."""

from __future__ import annotations

import struct
import zlib

from PIL import Image

from png2jpg.convert import PNG_SIGNATURE
from tests.imagegen import png_bytes


def small_png(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A 16x16 opaque RGB PNG of one colour."""
    return png_bytes(Image.new("RGB", (16, 16), color))


def chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def ihdr(
    width: int, height: int, bit_depth: int = 8, color_type: int = 0, interlace: int = 0
) -> bytes:
    """An IHDR chunk."""
    return chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    )


def image_png(*chunks: bytes, rows: bytes) -> bytes:
    """Signature, ``chunks``, one IDAT holding ``rows`` (filtered scanlines) compressed, IEND."""
    return (
        PNG_SIGNATURE
        + b"".join(chunks)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid few-hundred-byte 1-bit grey PNG that claims ``width`` x ``height`` pixels."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte + one bit per pixel
    return image_png(ihdr(width, height, bit_depth=1), rows=row * 4)


def lying_png(width: int, height: int, color_type: int = 0, first: bytes | None = None) -> bytes:
    """An 8-bit PNG of ``width`` x ``height`` whose header chunks try to hide that size.

    ``first`` goes before its real IHDR: by default a 1x1 IHDR, the decoy a memory budget that
    trusts the first header would reserve. ``color_type`` 0 is grey, 6 RGBA.
    """
    decoy = ihdr(1, 1, color_type=color_type) if first is None else first
    row = b"\x00" + bytes(width * {0: 1, 2: 3, 4: 2, 6: 4}[color_type])
    return image_png(decoy, ihdr(width, height, color_type=color_type), rows=row * height)


def grey_1x1(*before: bytes, after: bytes = b"") -> bytes:
    """A valid 1x1 grey PNG with ``before`` chunks ahead of its image data, ``after`` behind it."""
    return (
        PNG_SIGNATURE
        + ihdr(1, 1)
        + b"".join(before)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + after
        + chunk(b"IEND", b"")
    )


def chunk_flood(count: int, kind: bytes = b"teXt") -> bytes:
    """``count`` empty chunks of ``kind`` (an unknown ancillary type by default), 12 bytes each."""
    return chunk(kind, b"") * count


def text_chunk(kind: bytes, keyword: bytes, value: bytes) -> bytes:
    """A tEXt, zTXt (compressed) or iTXt (compressed) chunk holding ``value``."""
    if kind == b"tEXt":
        return chunk(kind, keyword + b"\x00" + value)
    if kind == b"zTXt":
        return chunk(kind, keyword + b"\x00\x00" + zlib.compress(value, 9))
    return chunk(kind, keyword + b"\x00\x01\x00\x00\x00" + zlib.compress(value, 9))


def iccp_chunk(profile: bytes, name: bytes = b"ICC Profile") -> bytes:
    """An iCCP chunk holding ``profile`` compressed."""
    return chunk(b"iCCP", name + b"\x00\x00" + zlib.compress(profile, 9))
