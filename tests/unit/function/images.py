"""PNG builders for the function's tests (importable, unlike conftest.py)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from typing import Any

from PIL import Image


def png_bytes(image: Image.Image, **save_options: Any) -> bytes:
    """Encode ``image`` as PNG in memory."""
    buffer = BytesIO()
    image.save(buffer, "PNG", **save_options)
    return buffer.getvalue()


def small_png(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A 16x16 opaque RGB PNG of one colour."""
    return png_bytes(Image.new("RGB", (16, 16), color))


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid few-hundred-byte 1-bit grey PNG that claims ``width`` x ``height`` pixels."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte + one bit per pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(row * 4, 9))
        + _chunk(b"IEND", b"")
    )
