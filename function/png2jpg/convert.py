"""PNG bytes to JPEG bytes, in memory. No AWS, no files.

What the conversion does, in order:

- :func:`read_header` checks what can be checked before any pixel is decoded: the PNG signature,
  an IHDR chunk first and only once before the image data (a second IHDR would make Pillow decode
  another size than the one checked), the colour type and bit depth, at most ``max_pixels`` pixels
  and at most 65,500 on a side (JPEG's limit), and the bounds on what the PNG holds besides its
  image data (:mod:`png2jpg.chunks`);
- decodes the default image (frame 0 of an APNG) of any PNG colour type and bit depth, from the
  chunks the conversion uses only (metadata it does not use is never read), and refuses a PNG
  whose image data ends before its last row (Pillow would leave those rows black);
- flattens transparency (alpha channel, palette ``tRNS``, grey/RGB colour key, 16-bit keys
  compared on both bytes of each sample) onto ``matte``;
- keeps 16-bit grey at 256 levels (Pillow's own I;16 to L conversion clips everything above 255);
- applies the orientation of the EXIF (an ``eXIf`` chunk, else ImageMagick's raw EXIF text
  profile, else XMP), so the JPEG is upright without EXIF;
- keeps an RGB ICC profile (a grey profile would not describe the RGB JPEG, so it is dropped);
  one that is malformed or over 4 MiB is dropped with a reason;
- encodes a baseline RGB JPEG with optimised Huffman tables: on a 24 MP photo-like image
  ``optimize=True`` saved ~7 % of the bytes for ~13 % more CPU; progressive encoding saved ~11 %
  for ~60 % more CPU, so it is off. Other metadata (EXIF, text chunks) is not copied.

Memory: :data:`PEAK_BYTES_PER_PIXEL` bounds what a conversion holds at once besides its input
bytes (measured per colour type in bench row 4): each step replaces the image it came from.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from io import BytesIO

from PIL import ExifTags, Image, ImageChops

from png2jpg import chunks
from png2jpg.chunks import PNG_SIGNATURE, Layout, SplicedReader
from png2jpg.config import DEFAULT_JPEG_QUALITY, DEFAULT_MATTE_COLOR, DEFAULT_MAX_PIXELS
from png2jpg.errors import InvalidImageError

JPEG_MAX_SIDE = 65_500
# The most memory a conversion holds per pixel (RGBA: the decoded image and its flattened copy).
PEAK_BYTES_PER_PIXEL = 8

# Channels per PNG colour type, and the bit depths each allows.
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_BIT_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
# Adam7 passes: first column, first row, column step, row step.
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
          (0, 1, 1, 2))  # fmt: skip

# What the decoder's memory holds before decoding, per Pillow mode ("1" has no unlikely value).
_SENTINELS = {
    "L": 0x5A,
    "P": 0x5A,
    "I;16": 0x5AA5,
    "LA": (0x5A, 0xA5),
    "RGB": (0x5A, 0xA5, 0x3C),
    "RGBA": (0x5A, 0xA5, 0x3C, 0xC3),
}
_STRIP_BYTES = 1 << 20  # 16-bit samples are matched and narrowed in strips of about this size
_XMP_ORIENTATION = re.compile(rb'tiff:Orientation(?:="|>)([0-9])')  # what Pillow reads
# Exceptions Pillow raises for corrupt, truncated or unsupported data.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)

# EXIF orientation -> the transpose that makes the image upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class PngHeader:
    """The fields of a PNG's IHDR chunk that decide its size in memory."""

    width: int
    height: int
    bit_depth: int
    color_type: int
    interlaced: bool
    layout: Layout = field(compare=False, repr=False)

    @property
    def pixels(self) -> int:
        """Width x height."""
        return self.width * self.height

    @property
    def peak_bytes(self) -> int:
        """Memory the conversion of this image holds at most, besides its input bytes."""
        return self.pixels * PEAK_BYTES_PER_PIXEL

    def image_data_bytes(self) -> int:
        """Bytes of filtered scanlines the decompressed image data must hold."""
        if not self.interlaced:
            return self.height * self._scanline(self.width)
        total = 0
        for x0, y0, dx, dy in _ADAM7:
            columns = (self.width - x0 + dx - 1) // dx
            rows = (self.height - y0 + dy - 1) // dy
            if columns > 0 and rows > 0:
                total += rows * self._scanline(columns)
        return total

    def _scanline(self, columns: int) -> int:
        return 1 + (columns * _CHANNELS[self.color_type] * self.bit_depth + 7) // 8


def read_header(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> PngHeader:
    """Check the PNG's header chunks and return its IHDR, without decoding any pixel.

    Raises :class:`InvalidImageError` for data that is not a PNG, a corrupt header, more than
    ``max_pixels`` pixels or more than 65,500 on a side, and a PNG over the bounds of
    :mod:`png2jpg.chunks`.
    """
    if not data.startswith(PNG_SIGNATURE):
        what = "an empty file (0 bytes)" if not data else f"starts with {data[:8]!r}"
        raise InvalidImageError(f"not a PNG file ({what})")
    layout = chunks.read_layout(data)
    first, *others = layout.before or [None]
    if first is None or first.kind != b"IHDR" or first.length != 13:
        raise InvalidImageError("corrupt PNG: its first chunk is not an IHDR header")
    if any(chunk.kind == b"IHDR" for chunk in others):
        raise InvalidImageError("corrupt PNG: more than one IHDR header chunk")
    width, height, bit_depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if width == 0 or height == 0 or bit_depth not in _BIT_DEPTHS.get(color_type, ()):
        raise InvalidImageError(
            f"corrupt PNG: invalid header ({width}x{height}, colour type {color_type}, "
            f"bit depth {bit_depth})"
        )
    if width * height > max_pixels:
        raise InvalidImageError(
            f"too many pixels: {width}x{height} = {width * height}, "
            f"over the limit of {max_pixels} (MAX_PIXELS)"
        )
    if max(width, height) > JPEG_MAX_SIDE:
        raise InvalidImageError(
            f"too large for JPEG: {width}x{height}, a JPEG holds at most "
            f"{JPEG_MAX_SIDE} pixels on a side"
        )
    return PngHeader(width, height, bit_depth, color_type, interlace == 1, layout)


def png_to_jpeg(
    data: bytes,
    *,
    quality: int = DEFAULT_JPEG_QUALITY,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    matte: tuple[int, int, int] = DEFAULT_MATTE_COLOR,
    dropped: list[str] | None = None,
) -> bytes:
    """Convert PNG bytes to RGB JPEG bytes of the same (EXIF-oriented) size.

    Raises :class:`InvalidImageError` for data that is not a PNG, is corrupt or truncated, or is
    too big (see :func:`read_header`). ``dropped``, if given, receives a sentence for each piece
    of metadata the conversion would have used but dropped (malformed, too large).
    """
    header = read_header(data, max_pixels=max_pixels)
    image, icc_profile = _decode_flat(data, header, matte, [] if dropped is None else dropped)
    out = BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, icc_profile=icc_profile)
    return out.getvalue()


def _decode_flat(
    data: bytes, header: PngHeader, matte: tuple[int, int, int], dropped: list[str]
) -> tuple[Image.Image, bytes | None]:
    """Decode to an upright RGB image on ``matte``; return it with the ICC profile worth keeping.

    ``image`` is the only reference to each stage, so rebinding it frees the stage before.
    """
    try:
        image = _open(data, header)
        if image.size != (header.width, header.height):
            raise InvalidImageError(f"corrupt PNG: {image.size} decoded, the header says otherwise")
        sentinel = _SENTINELS.get(image.mode)
        if sentinel is not None:  # decode into memory that holds a pattern instead of zeros
            image.im = Image.new(image.mode, image.size, sentinel).im
        image.load()
        orientation = image.getexif().get(ExifTags.Base.Orientation)
    except _DECODE_ERRORS as exc:  # UnidentifiedImageError is an OSError
        raise InvalidImageError(f"corrupt or truncated PNG ({exc})") from exc
    if _last_row_unwritten(image, header, sentinel) and (
        _inflated_size(data, header) < header.image_data_bytes()
    ):
        raise InvalidImageError("corrupt PNG: its image data ends before the last row")
    upright = _UPRIGHT.get(orientation or _text_orientation(data, header.layout, dropped))
    icc_profile, reason = chunks.icc_profile(data, header.layout)
    dropped += [reason] if reason else []
    if icc_profile is not None and icc_profile[16:20] != b"RGB ":
        icc_profile = None
    key = _transparent_color(image, header)
    if image.mode == "I;16":
        image, transparent = _grey16(image, key)  # rebinding frees the 16-bit samples
        if transparent is not None:
            image = image.convert("RGB")
            image.paste(matte, mask=transparent)
    elif key is not None and header.bit_depth == 16:  # RGB: Pillow kept the high bytes only
        image.paste(matte, mask=_rgb16_key_mask(image, _low_bytes(data, header), key))
    elif key is not None:  # 1, L, RGB or P with a tRNS chunk: make the alpha explicit
        image.info["transparency"] = key
        image = image.convert("RGBA")
    elif image.mode == "P":
        image = image.convert("RGB")
    if image.mode in ("LA", "RGBA"):
        image = _on_matte(image, matte)
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if upright is not None:
        image = image.transpose(upright)
    return image, icc_profile


def _open(data: bytes, header: PngHeader) -> Image.Image:
    """Open the PNG with Pillow, given only the chunks the conversion uses."""
    return Image.open(SplicedReader(data, header.layout.pillow_ranges()), formats=["PNG"])


def _text_orientation(data: bytes, layout: Layout, dropped: list[str]) -> int | None:
    """The EXIF orientation of a raw EXIF text profile, else of the XMP packet, if any."""
    raw, reason = chunks.text_metadata(data, layout, chunks.RAW_EXIF_KEYWORD)
    if raw is not None:
        exif = Image.Exif()
        try:  # "\nexif\n  <length>\n<hex lines>", as Pillow reads it
            exif.load(bytes.fromhex(b"".join(raw.split(b"\n")[3:]).decode("ascii")))
        except (*_DECODE_ERRORS, UnicodeDecodeError):
            reason = "Raw profile type exif dropped: it is not a hexadecimal EXIF block"
        if orientation := exif.get(ExifTags.Base.Orientation):
            return orientation
    dropped += [reason] if reason else []
    xmp, reason = chunks.text_metadata(data, layout, chunks.XMP_KEYWORD)
    dropped += [reason] if reason else []
    match = _XMP_ORIENTATION.search(xmp or b"")
    return int(match[1]) if match else None


def _last_row_unwritten(image: Image.Image, header: PngHeader, sentinel: object) -> bool:
    """Whether the row the decoder writes last may still hold what was there before decoding.

    Pillow stops without an error when the compressed image data ends early, leaving the rows
    after it as they were. They were filled with an unlikely colour (:data:`_SENTINELS`), so only
    an image whose last row really is that colour, or a 1-bit or one-row interlaced one, needs
    its image data measured.
    """
    if sentinel is None or (header.interlaced and header.height == 1):
        return True  # no colour to tell by; Adam7 spreads one row over several passes
    last = header.height - 1
    if header.interlaced and last % 2 == 0:
        last -= 1  # the last Adam7 pass fills the odd rows
    row = image.crop((0, last, header.width, last + 1))
    return row.tobytes() == Image.new(image.mode, row.size, sentinel).tobytes()


def _inflated_size(data: bytes, header: PngHeader, step: int = 1 << 20) -> int:
    """Decompressed size of the image data, counted in ``step`` slices (never all in memory)."""
    expected = header.image_data_bytes()
    inflater = zlib.decompressobj()
    total = 0
    position = len(PNG_SIGNATURE)
    seen_image_data = False
    try:
        while position + 8 <= len(data) and total < expected and not inflater.eof:
            length, kind = struct.unpack(">I4s", data[position : position + 8])
            if kind != b"IDAT" and seen_image_data:
                break  # IDAT chunks are consecutive
            if kind == b"IDAT":
                seen_image_data = True
                pending = memoryview(data)[position + 8 : position + 8 + length]
                while pending and total < expected and not inflater.eof:
                    total += len(inflater.decompress(pending, step))
                    pending = inflater.unconsumed_tail
            position += 12 + length
    except zlib.error:
        pass  # what Pillow decoded ends here too
    return total


def _on_matte(image: Image.Image, matte: tuple[int, int, int]) -> Image.Image:
    """An LA or RGBA image composited onto ``matte``, as RGB."""
    flat = Image.new("RGB", image.size, matte)
    flat.paste(image, mask=image)  # pastes LA/RGBA onto RGB without a converted copy
    return flat


def _transparent_color(image: Image.Image, header: PngHeader) -> object:
    """The tRNS colour key in the units of Pillow's decoded pixels, or None.

    Pillow stores the key as written in the file, but decodes 2- and 4-bit grey scaled up to
    0-255, so such keys would never match a pixel. 16-bit keys stay 16-bit: they are matched on
    both bytes of each sample (:func:`_grey16`, :func:`_rgb16_key_mask`).
    """
    key = image.info.get("transparency")
    if key is None or header.color_type == 3:  # palette alpha is handled by convert("RGBA")
        return key
    if header.color_type == 0 and isinstance(key, int) and header.bit_depth in (2, 4):
        return key * (0x55 if header.bit_depth == 2 else 0x11)
    return key


def _grey16(image: Image.Image, key: object) -> tuple[Image.Image, Image.Image | None]:
    """16-bit grey to 8-bit (high byte of each sample), and the colour key's mask if any.

    Works in strips of rows, so that the 16-bit samples are never copied whole.
    """
    width, height = image.size
    grey = Image.new("L", image.size)
    transparent = Image.new("L", image.size) if isinstance(key, int) else None
    rows = max(1, _STRIP_BYTES // (2 * width))
    for top in range(0, height, rows):
        box = (0, top, width, min(top + rows, height))
        size = (width, box[3] - top)
        raw = image.crop(box).tobytes()  # little-endian 16-bit samples
        high = Image.frombytes("L", size, raw, "raw", "L;16")
        grey.paste(high, box)
        if transparent is not None:
            # The same bytes read as big-endian samples: their "high" bytes are the low bytes.
            low = Image.frombytes("L", size, raw, "raw", "L;16B")
            both = ImageChops.darker(
                high.point(_equal_lut(key >> 8)), low.point(_equal_lut(key & 0xFF))
            )
            transparent.paste(both, box)  # 255 only where both bytes match the key
    return grey, transparent


def _low_bytes(data: bytes, header: PngHeader) -> Image.Image:
    """A 16-bit RGB PNG decoded again, keeping the low byte of each sample instead of the high.

    The unpacker of little-endian samples keeps their high byte, which in the PNG's big-endian
    samples is the low one.
    """
    image = _open(data, header)
    image.tile = [tile._replace(args="RGB;16L") for tile in image.tile]
    image.load()
    return image


def _rgb16_key_mask(high: Image.Image, low: Image.Image, key: tuple[int, ...]) -> Image.Image:
    """255 where all three 16-bit samples equal the colour key, else 0; worked in strips."""
    width, height = high.size
    mask = Image.new("L", high.size)
    high_lut = [level for value in key for level in _equal_lut(value >> 8)]
    low_lut = [level for value in key for level in _equal_lut(value & 0xFF)]
    rows = max(1, _STRIP_BYTES // (3 * width))
    for top in range(0, height, rows):
        box = (0, top, width, min(top + rows, height))
        bands = ImageChops.darker(high.crop(box).point(high_lut), low.crop(box).point(low_lut))
        red, green, blue = bands.split()
        mask.paste(ImageChops.darker(ImageChops.darker(red, green), blue), box)
    return mask


def _equal_lut(value: int) -> list[int]:
    """A point() table that maps ``value`` to 255 and everything else to 0."""
    return [255 if level == value else 0 for level in range(256)]
