"""PNG to JPEG conversion: the whole corpus, transparency, orientation, colour, bad input."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageOps

from png2jpg import convert
from png2jpg.convert import JPEG_MAX_SIDE, PEAK_BYTES_PER_PIXEL, png_to_jpeg, read_header
from png2jpg.errors import InvalidImageError
from tests.imagegen import png_bytes
from tests.unit.function.images import bomb_png, chunk, ihdr, image_png, lying_png

CORPUS = Path(__file__).parents[2] / "data" / "png-corpus"
GOOD = sorted(p for p in CORPUS.rglob("*.png") if "crashers" not in p.parts)
CRASHERS = sorted((CORPUS / "testpngs" / "crashers").glob("*.png"))
MATTE = (0, 128, 255)


def jpeg(data: bytes, **options: object) -> Image.Image:
    """Convert and reopen the JPEG, checking it is one."""
    image = Image.open(BytesIO(png_to_jpeg(data, **options)))  # type: ignore[arg-type]
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    return image


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 6) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def test_corpus_is_present() -> None:
    assert len(GOOD) > 150
    assert len(CRASHERS) > 20


@pytest.mark.parametrize("path", GOOD, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_png_converts_to_an_rgb_jpeg_of_the_same_size(path: Path) -> None:
    with Image.open(path) as source:
        expected_size = ImageOps.exif_transpose(source).size
    assert jpeg(path.read_bytes()).size == expected_size


# Crashers whose damage leaves a decodable image (a bad CRC is not checked, an oversized IDAT
# holds enough data, empty ancillary chunks are metadata the conversion never reads); every
# other one must be a clean permanent failure.
DECODABLE_CRASHERS = {"badcrc.png", "huge_IDAT.png", "empty_ancillary_chunks.png"}


@pytest.mark.parametrize("path", CRASHERS, ids=lambda p: p.name)
def test_crashers_convert_or_fail_cleanly(path: Path) -> None:
    if path.name in DECODABLE_CRASHERS:
        header = read_header(path.read_bytes())
        assert jpeg(path.read_bytes()).size == (header.width, header.height)
    else:
        with pytest.raises(InvalidImageError, match=r"^corrupt"):
            png_to_jpeg(path.read_bytes())


def half_transparent(mode: str) -> bytes:
    """A 32x16 PNG: left half fully transparent, right half opaque dark red (or dark grey)."""
    if mode == "RGBA":
        image = Image.new("RGBA", (32, 16), (10, 200, 10, 0))
        image.paste((120, 0, 0, 255), (16, 0, 32, 16))
        return png_bytes(image)
    if mode == "LA":
        image = Image.new("LA", (32, 16), (200, 0))
        image.paste((60, 255), (16, 0, 32, 16))
        return png_bytes(image)
    if mode == "P":
        image = Image.new("P", (32, 16), 0)
        image.putpalette([10, 200, 10, 120, 0, 0])
        image.paste(1, (16, 0, 32, 16))
        return png_bytes(image, transparency=0)
    if mode == "L":
        image = Image.new("L", (32, 16), 200)
        image.paste(60, (16, 0, 32, 16))
        return png_bytes(image, transparency=200)
    if mode == "RGB":
        image = Image.new("RGB", (32, 16), (10, 200, 10))
        image.paste((120, 0, 0), (16, 0, 32, 16))
        return png_bytes(image, transparency=(10, 200, 10))
    if mode == "I;16":
        # 1000 is the key; 1001 has the same high byte and must stay opaque (dark grey 3).
        image = Image.new("I;16", (32, 16), 1000)
        image.paste(Image.new("I;16", (16, 16), 1001), (16, 0))  # paste(int) garbles I;16
        return png_bytes(image, transparency=1000)
    raise AssertionError(mode)


OPAQUE = {
    "RGBA": (120, 0, 0),
    "LA": (60, 60, 60),
    "P": (120, 0, 0),
    "L": (60, 60, 60),
    "RGB": (120, 0, 0),
    "I;16": (3, 3, 3),
}


@pytest.mark.parametrize("mode", list(OPAQUE))
@pytest.mark.parametrize("matte", [None, MATTE], ids=["default-white", "configured"])
def test_transparent_pixels_become_the_matte(mode: str, matte: tuple[int, int, int] | None) -> None:
    options = {} if matte is None else {"matte": matte}
    image = jpeg(half_transparent(mode), **options)
    assert close(image.getpixel((4, 8)), matte or (255, 255, 255))
    assert close(image.getpixel((28, 8)), OPAQUE[mode])


def test_a_16_bit_rgb_colour_key_is_matched_on_all_16_bits() -> None:
    """Red from 0x7FF8 to 0x8007 in blocks of 16 pixels, the key's red 0x8000: only its block
    turns to the matte (comparing the high bytes only took all eight from 0x8000 to 0x8007)."""
    reds = range(0x7FF8, 0x8008)
    row = b"\x00" + b"".join(struct.pack(">HHH", red, 0x0102, 0x0304) * 16 for red in reds)
    key = chunk(b"tRNS", struct.pack(">HHH", 0x8000, 0x0102, 0x0304))
    data = image_png(ihdr(16 * len(reds), 16, bit_depth=16, color_type=2), key, rows=row * 16)
    image = jpeg(data, matte=MATTE)
    matte_blocks = [
        red for i, red in enumerate(reds) if close(image.getpixel((16 * i + 8, 8)), MATTE)
    ]
    assert matte_blocks == [0x8000]
    assert close(image.getpixel((8, 8)), (0x7F, 0x01, 0x03))


def test_partial_alpha_is_blended_with_the_matte() -> None:
    image = jpeg(png_bytes(Image.new("RGBA", (16, 16), (0, 0, 0, 128))))
    assert close(image.getpixel((8, 8)), (127, 127, 127), tolerance=3)


@pytest.mark.parametrize(
    "name", ["ftbbn0g04.png", "ftbbn0g02.png", "ftbbn0g01.png", "ftbbn2c16.png", "ftbwn0g16.png"]
)
def test_corpus_colour_keys_of_every_bit_depth_become_the_matte(name: str) -> None:
    """Pillow keeps a 2/4/16-bit key in file units; those pixels must still turn to the matte."""
    path = CORPUS / "pngsuite" / name
    with Image.open(path) as source:
        source.load()
        assert "transparency" in source.info
        decoded = source.convert("RGB")
    result = jpeg(path.read_bytes(), matte=MATTE)
    # Pillow's own convert ignores these keys, so decoded never shows the matte colour.
    matte_pixels = sum(
        1
        for y in range(0, 32, 2)
        for x in range(0, 32, 2)
        if close(result.getpixel((x, y)), MATTE, tolerance=40)
        and not close(decoded.getpixel((x, y)), MATTE, tolerance=40)
    )
    assert matte_pixels > 32


def test_exif_orientation_is_applied() -> None:
    # 64x32, red marker in the top-left 16x16; Orientation 6 means "rotate 90° clockwise to view".
    image = Image.new("RGB", (64, 32), (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, 16, 16))
    exif = Image.Exif()
    exif[0x0112] = 6
    result = jpeg(png_bytes(image, exif=exif))
    assert result.size == (32, 64)
    assert close(result.getpixel((24, 8)), (255, 0, 0), tolerance=30)
    assert close(result.getpixel((8, 8)), (255, 255, 255))
    assert "exif" not in result.info  # the orientation is applied, not left for viewers to redo


def test_rgb_icc_profile_is_kept() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    result = jpeg(png_bytes(Image.new("RGB", (16, 16), (1, 2, 3)), icc_profile=profile))
    assert result.info["icc_profile"] == profile


def test_grey_icc_profile_is_dropped_from_the_rgb_jpeg() -> None:
    rgb_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    grey_profile = rgb_profile[:16] + b"GRAY" + rgb_profile[20:]
    result = jpeg(png_bytes(Image.new("L", (16, 16), 100), icc_profile=grey_profile))
    assert "icc_profile" not in result.info


def test_16_bit_grey_keeps_its_levels() -> None:
    # Little-endian 16-bit samples 0, 257, ..., 65535 from left to right, low byte != high byte.
    row_bytes = b"".join((x * 257 - (x > 0)).to_bytes(2, "little") for x in range(256))
    gradient = Image.frombytes("I;16", (256, 16), row_bytes * 16)
    result = jpeg(png_bytes(gradient)).convert("L")
    row = [result.getpixel((x, 8)) for x in range(256)]
    assert len(set(row)) > 200
    assert abs(row[128] - 128) <= 4
    assert row[0] <= 4
    assert row[255] >= 251


def test_16_bit_corpus_grey_is_not_posterised() -> None:
    result = jpeg((CORPUS / "testpngs" / "gray-16.png").read_bytes()).convert("L")
    assert len(result.getcolors(256) or ()) > 200


def test_apng_converts_its_default_image() -> None:
    frames = [Image.new("RGB", (16, 16), (255, 0, 0)), Image.new("RGB", (16, 16), (0, 0, 255))]
    buffer = BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=100)
    assert close(jpeg(buffer.getvalue()).getpixel((8, 8)), (255, 0, 0))


def test_jpeg_quality_is_applied() -> None:
    image = Image.effect_noise((64, 64), 60).convert("RGB")
    data = png_bytes(image)
    assert len(png_to_jpeg(data, quality=20)) < len(png_to_jpeg(data, quality=95))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"not a PNG file \(an empty file \(0 bytes\)\)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", r"not a PNG file \(starts with b'\\xff\\xd8\\xff"),
        (b"hello, I am a text file\n", r"not a PNG file \(starts with b'hello, I'\)"),
        (png_bytes(Image.new("RGB", (64, 64), (9, 9, 9)))[:60], "corrupt or truncated PNG"),
    ],
    ids=["empty", "jpeg", "text", "truncated"],
)
def test_bad_input_is_rejected_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(InvalidImageError, match=message):
        png_to_jpeg(data)


def test_decompression_bomb_is_refused_before_decoding() -> None:
    data = bomb_png()
    assert len(data) < 1000
    # Pillow's own check (at twice its limit) or ours, whichever is lower, stops it in the header.
    with pytest.raises(InvalidImageError, match="too many pixels"):
        png_to_jpeg(data)
    with pytest.raises(InvalidImageError, match="9000x9000 = 81000000, over the limit of 40000000"):
        png_to_jpeg(bomb_png(9000, 9000))


def test_images_over_max_pixels_are_refused() -> None:
    data = png_bytes(Image.new("RGB", (100, 50)))
    with pytest.raises(
        InvalidImageError, match="too many pixels: 100x50 = 5000, over the limit of 4999"
    ):
        png_to_jpeg(data, max_pixels=4999)
    assert jpeg(data, max_pixels=5000).size == (100, 50)


def test_header_is_read_without_decoding_and_states_the_memory_it_needs() -> None:
    header = read_header(png_bytes(Image.new("RGBA", (300, 200)))[:60])  # no pixel data needed
    assert (header.width, header.height, header.bit_depth, header.color_type) == (300, 200, 8, 6)
    assert header.pixels == 60_000
    assert header.peak_bytes == 60_000 * PEAK_BYTES_PER_PIXEL


@pytest.mark.parametrize(
    "first",
    [None, chunk(b"tEXt", b"Comment\x00hello")],
    ids=["1x1-ihdr-first", "text-chunk-first"],
)
def test_a_header_that_hides_the_real_size_is_corrupt(first: bytes | None) -> None:
    data = lying_png(4000, 3000, first=first)
    with Image.open(BytesIO(data)) as pillow:
        assert pillow.size == (4000, 3000)  # what Pillow would decode
    with pytest.raises(InvalidImageError, match=r"^corrupt PNG: (more than one IHDR|its first)"):
        read_header(data)
    with pytest.raises(InvalidImageError, match=r"^corrupt PNG"):
        png_to_jpeg(data)


@pytest.mark.parametrize("size", [(JPEG_MAX_SIDE + 1, 1), (1, JPEG_MAX_SIDE + 1)])
def test_a_side_over_jpegs_limit_is_refused_from_the_header_and_nothing_reaches_stderr(
    size: tuple[int, int], capfd: pytest.CaptureFixture[str]
) -> None:
    data = png_bytes(Image.new("L", size))
    with pytest.raises(InvalidImageError, match=f"at most {JPEG_MAX_SIDE} pixels on a side"):
        png_to_jpeg(data)
    assert capfd.readouterr().err == ""  # libjpeg prints its own complaint if it gets that far


# Scanlines (count, bytes with the filter byte) of a 64x64 8-bit grey image: 10 of its 64 rows,
# or the first six of its seven Adam7 passes.
SHORT_STREAMS = {
    "plain": (0, [(10, 65)]),
    "interlaced": (1, [(8, 9), (8, 9), (8, 17), (16, 17), (16, 33), (32, 33)]),
}


@pytest.mark.parametrize("case", list(SHORT_STREAMS))
def test_image_data_that_ends_before_the_last_row_is_corrupt(case: str) -> None:
    # A complete zlib stream that stops short: Pillow decodes it and leaves the rest black.
    interlace, scanlines = SHORT_STREAMS[case]
    rows = b"".join((b"\x00" + bytes([200]) * (size - 1)) * count for count, size in scanlines)
    data = image_png(ihdr(64, 64, interlace=interlace), rows=rows)
    with Image.open(BytesIO(data)) as pillow:
        pillow.load()  # no error from Pillow itself
    with pytest.raises(InvalidImageError, match="image data ends before the last row"):
        png_to_jpeg(data)


def test_a_transparent_last_row_converts_without_measuring_the_image_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cut-outs end in (0, 0, 0, 0) rows: the common case must not pay for a second inflate."""
    measured: list[int] = []
    real = convert._inflated_size
    monkeypatch.setattr(convert, "_inflated_size", lambda *a: measured.append(1) or real(*a))
    image = Image.new("RGBA", (32, 32), (255, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 31, 32, 32))
    assert jpeg(png_bytes(image)).size == (32, 32)
    assert measured == []


@pytest.mark.parametrize(
    ("mode", "colour"),
    [("RGBA", (0x5A, 0xA5, 0x3C, 0xC3)), ("L", 0x5A), ("RGB", (0x5A, 0xA5, 0x3C))],
)
def test_a_last_row_in_the_sentinel_colour_is_measured_and_converts(
    mode: str, colour: object
) -> None:
    image = Image.new(mode, (32, 32), colour)  # every row looks unwritten: the data decides
    assert jpeg(png_bytes(image)).size == (32, 32)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: str(p.relative_to(CORPUS)))
def test_image_data_size_matches_the_corpus(path: Path) -> None:
    """The scanline arithmetic behind the truncation check, plain and Adam7, every depth."""
    data = path.read_bytes()
    header = read_header(data)
    stream, position = b"", 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        if data[position + 4 : position + 8] == b"IDAT":
            stream += data[position + 8 : position + 8 + length]
        position += 12 + length
    assert len(zlib.decompress(stream)) == header.image_data_bytes()
