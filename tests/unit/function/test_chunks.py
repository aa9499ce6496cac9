"""What a PNG may hold besides its image data: bounds checked from the header, metadata that
never decides whether an image converts, the metadata the conversion reads kept or dropped."""

from __future__ import annotations

import random
import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image, ImageCms

from png2jpg import chunks, convert
from png2jpg.chunks import (
    MAX_ICC_PROFILE_BYTES,
    MAX_IMAGE_DATA_CHUNKS,
    MAX_METADATA_BYTES,
    MAX_METADATA_CHUNKS,
    SplicedReader,
)
from png2jpg.convert import png_to_jpeg, read_header
from png2jpg.errors import InvalidImageError
from tests.imagegen import png_bytes
from tests.unit.function.images import (
    chunk,
    chunk_flood,
    grey_1x1,
    iccp_chunk,
    ihdr,
    text_chunk,
)

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
MIB = 1024 * 1024
# A 1x1 PNG holds two chunks besides its image data (IHDR, IEND) of 37 bytes.
OWN_CHUNKS, OWN_BYTES = 2, 25 + 12


def jpeg_of(data: bytes, dropped: list[str] | None = None) -> Image.Image:
    return Image.open(BytesIO(png_to_jpeg(data, dropped=dropped)))


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if Pillow is asked to open the PNG: it must be refused from the header."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the PNG reached Pillow")

    monkeypatch.setattr(convert.Image, "open", refuse)


# ---------------------------------------------------------------------------------------------
# Bounds, checked while reading the header


def test_the_reported_chunk_flood_is_refused_from_the_header(no_decoding: None) -> None:
    """A 1x1 image and 4.3 million empty chunks: 51.6 MB, under the input limit."""
    data = grey_1x1(after=chunk_flood(4_300_000))
    assert len(data) > 51_600_000
    with pytest.raises(InvalidImageError, match=f"^too many chunks: more than {1000:,} besides"):
        read_header(data)
    with pytest.raises(InvalidImageError, match=r"^too many chunks"):
        png_to_jpeg(data)


@pytest.mark.parametrize("where", ["before", "after", "both"])
def test_chunks_besides_the_image_data_are_bounded_in_number(where: str) -> None:
    allowed = MAX_METADATA_CHUNKS - OWN_CHUNKS
    first = allowed // 2 if where == "both" else allowed if where == "before" else 0

    def png(count: int) -> bytes:
        return grey_1x1(chunk_flood(min(first, count)), after=chunk_flood(count - first))

    assert jpeg_of(png(allowed)).size == (1, 1)
    with pytest.raises(InvalidImageError, match=r"^too many chunks"):
        read_header(png(allowed + 1))


def test_image_data_chunks_are_bounded_in_number(no_decoding: None) -> None:
    """Empty IDAT chunks cost Pillow as much as any other chunk."""
    flood = grey_1x1(after=chunk_flood(MAX_IMAGE_DATA_CHUNKS, b"IDAT"))  # one IDAT more
    with pytest.raises(InvalidImageError, match=f"more than {MAX_IMAGE_DATA_CHUNKS:,} image data"):
        read_header(flood)


def split_image_data(width: int, height: int, rows: bytes, size: int) -> tuple[bytes, int]:
    """A grey PNG whose compressed ``rows`` are cut into image data chunks of ``size`` bytes;
    also how many chunks that makes."""
    stream = zlib.compress(rows, 1)
    pieces = [stream[i : i + size] for i in range(0, len(stream), size)]
    idat = b"".join(chunk(b"IDAT", piece) for piece in pieces)
    return convert.PNG_SIGNATURE + ihdr(width, height) + idat + chunk(b"IEND", b""), len(pieces)


def test_image_data_in_many_chunks_of_a_kilobyte_converts() -> None:
    """Beyond the first 4,096, image data chunks must average 1 KiB: libpng writes 8 KiB."""
    noise = b"".join(b"\x00" + random.Random(row).randbytes(2600) for row in range(2600))
    data, chunks_written = split_image_data(2600, 2600, noise, 1100)
    assert chunks_written > MAX_IMAGE_DATA_CHUNKS
    assert jpeg_of(data).size == (2600, 2600)


def test_image_data_split_into_the_most_small_chunks_allowed_converts() -> None:
    data, chunks_written = split_image_data(200, 500, (b"\x00" + bytes(range(200))) * 500, 1)
    assert chunks_written < MAX_IMAGE_DATA_CHUNKS
    assert jpeg_of(data).size == (200, 500)


def test_metadata_bytes_are_bounded_and_the_reason_names_metadata() -> None:
    payload = MAX_METADATA_BYTES - OWN_BYTES - 12 - len(b"Comment\x00")
    at_limit = grey_1x1(after=text_chunk(b"tEXt", b"Comment", b"x" * payload))
    assert jpeg_of(at_limit).size == (1, 1)
    over = grey_1x1(text_chunk(b"tEXt", b"Comment", b"x" * (payload + 1)))
    with pytest.raises(InvalidImageError, match=f"^too much metadata: more than {16 * MIB:,}"):
        read_header(over)


def test_a_72_mb_text_chunk_is_refused_for_its_metadata_not_as_corrupt() -> None:
    data = grey_1x1(text_chunk(b"tEXt", b"Comment", b"x" * 72_000_000))
    with pytest.raises(InvalidImageError) as refused:
        png_to_jpeg(data)
    assert str(refused.value).startswith("too much metadata")
    assert "corrupt" not in str(refused.value)


def test_a_chunk_that_runs_past_the_end_is_corrupt_with_its_name() -> None:
    data = grey_1x1()[: -len(chunk(b"IEND", b""))] + struct.pack(">I", 100) + b"tEXtabc"
    with pytest.raises(InvalidImageError, match=r"^corrupt or truncated PNG: its tEXt chunk"):
        read_header(data)


def test_an_animated_pngs_later_frames_are_not_counted() -> None:
    """Frames after the default image are image data the conversion never reads."""
    frames = [Image.new("RGB", (8, 8), (255, 0, 0))] + [
        Image.new("RGB", (8, 8), (0, 0, level)) for level in range(MAX_METADATA_CHUNKS)
    ]
    buffer = BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], compress_level=1)
    layout = chunks.read_layout(buffer.getvalue())
    assert len(layout.after) == 0
    assert jpeg_of(buffer.getvalue()).getpixel((4, 4))[0] > 240


# ---------------------------------------------------------------------------------------------
# Metadata the conversion does not use never decides


@pytest.mark.parametrize(
    "metadata",
    [
        text_chunk(b"zTXt", b"Comment", b"c" * (2 * MIB)),
        text_chunk(b"iTXt", b"Description", b"d" * (2 * MIB)),
        text_chunk(b"zTXt", b"Comment", b"e" * 72_000_000),  # never inflated
        chunk(b"zTXt", b"Comment\x00\x00not zlib at all"),
        chunk(b"zTXt", b"Comment\x00\x07compression method 7"),
        chunk(b"tEXt", b"Comment\x00bad crc")[:-4] + b"\x00\x00\x00\x00",
        chunk(b"gAMA", b""),  # truncated
        chunk(b"prVt", b"private " * 1000),
    ],
    ids=[
        "ztxt-2-mib",
        "compressed-itxt-2-mib",
        "ztxt-72-mb",
        "ztxt-not-zlib",
        "ztxt-unknown-method",
        "bad-crc",
        "empty-gama",
        "private-chunk",
    ],
)
@pytest.mark.parametrize("where", ["before", "after"])
def test_metadata_the_conversion_does_not_use_never_decides(metadata: bytes, where: str) -> None:
    data = grey_1x1(metadata) if where == "before" else grey_1x1(after=metadata)
    dropped: list[str] = []
    assert jpeg_of(data, dropped).getpixel((0, 0))[0] == pytest.approx(0x80, abs=2)
    assert dropped == []


def test_the_reported_compressed_metadata_inflating_to_2_mib_converts() -> None:
    """zTXt, compressed XMP and iCCP of 2 MiB each: Pillow alone refuses every one."""
    profile = SRGB + bytes(2 * MIB - len(SRGB))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + b" " * (2 * MIB) + b"</x:xmpmeta>"
    data = grey_1x1(
        iccp_chunk(profile),
        text_chunk(b"zTXt", b"Comment", b"c" * (2 * MIB)),
        text_chunk(b"iTXt", b"XML:com.adobe.xmp", xmp),
    )
    with pytest.raises(ValueError, match="MAX_TEXT_CHUNK"):
        Image.open(BytesIO(data))
    image = jpeg_of(data)
    assert image.size == (1, 1)
    assert image.info["icc_profile"] == profile


# ---------------------------------------------------------------------------------------------
# Metadata the conversion reads: ICC profile and orientation


def test_an_icc_profile_over_the_bound_is_dropped_with_a_reason() -> None:
    profile = SRGB + bytes(MAX_ICC_PROFILE_BYTES + 1 - len(SRGB))
    dropped: list[str] = []
    image = jpeg_of(grey_1x1(iccp_chunk(profile)), dropped)
    assert "icc_profile" not in image.info
    assert dropped == [f"ICC profile dropped: it inflates to more than {4 * MIB:,} bytes"]


def test_the_largest_icc_profile_allowed_is_kept() -> None:
    profile = SRGB + bytes(MAX_ICC_PROFILE_BYTES - len(SRGB))
    assert jpeg_of(grey_1x1(iccp_chunk(profile))).info["icc_profile"] == profile


@pytest.mark.parametrize(
    "bad",
    [
        chunk(b"iCCP", b"ICC Profile\x00\x01" + b"method 1"),
        chunk(b"iCCP", b"ICC Profile\x00\x00not zlib"),
        chunk(b"iCCP", b"no separator at all"),
    ],
    ids=["unknown-method", "not-zlib", "no-name"],
)
def test_a_malformed_icc_profile_is_dropped_with_a_reason(bad: bytes) -> None:
    dropped: list[str] = []
    image = jpeg_of(grey_1x1(bad), dropped)
    assert "icc_profile" not in image.info
    assert len(dropped) == 1
    assert dropped[0].startswith("ICC profile dropped: its iCCP chunk")


def rotated_marker() -> tuple[Image.Image, bytes]:
    """A 64x32 RGB image with a red top-left corner, and its PNG without any orientation."""
    image = Image.new("RGB", (64, 32), (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, 16, 16))
    return image, png_bytes(image)


def with_chunk(png: bytes, extra: bytes) -> bytes:
    """``png`` with ``extra`` inserted right after its IHDR."""
    return png[:33] + extra + png[33:]


def raw_exif_profile(orientation: int) -> bytes:
    """ImageMagick's "Raw profile type exif": a header line, the length, hex lines."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    blob = b"Exif\x00\x00" + exif.tobytes()
    hex_lines = [blob.hex()[i : i + 72].encode() for i in range(0, len(blob.hex()), 72)]
    return b"\nexif\n" + str(len(blob)).rjust(8).encode() + b"\n" + b"\n".join(hex_lines) + b"\n"


@pytest.mark.parametrize(
    "orientation_chunk",
    [
        text_chunk(b"zTXt", b"Raw profile type exif", raw_exif_profile(6)),
        text_chunk(
            b"iTXt",
            b"XML:com.adobe.xmp",
            b'<x:xmpmeta><rdf:Description tiff:Orientation="6"/></x:xmpmeta>' + b" " * (2 * MIB),
        ),
        text_chunk(b"tEXt", b"XML:com.adobe.xmp", b"<tiff:Orientation>6</tiff:Orientation>"),
    ],
    ids=["raw-exif-profile", "compressed-xmp-2-mib", "plain-xmp"],
)
def test_orientation_in_text_metadata_is_applied(orientation_chunk: bytes) -> None:
    _, png = rotated_marker()
    result = jpeg_of(with_chunk(png, orientation_chunk))
    assert result.size == (32, 64)
    red, green, _ = result.getpixel((24, 8))
    assert (red > 200, green < 60) == (True, True)  # the marker turned to the top right


def test_an_exif_chunks_orientation_wins_over_xmp() -> None:
    exif = Image.Exif()
    exif[0x0112] = 3  # rotate 180
    image, _ = rotated_marker()
    png = png_bytes(image, exif=exif)
    xmp = text_chunk(b"iTXt", b"XML:com.adobe.xmp", b'tiff:Orientation="6"')
    assert jpeg_of(with_chunk(png, xmp)).size == (64, 32)


def test_orientation_metadata_too_large_to_read_is_dropped_with_a_reason() -> None:
    _, png = rotated_marker()
    xmp = b'tiff:Orientation="6"' + b" " * MAX_METADATA_BYTES
    dropped: list[str] = []
    result = jpeg_of(with_chunk(png, text_chunk(b"iTXt", b"XML:com.adobe.xmp", xmp)), dropped)
    assert result.size == (64, 32)
    assert dropped == [f"XML:com.adobe.xmp dropped: it inflates to more than {16 * MIB:,} bytes"]


# ---------------------------------------------------------------------------------------------
# The view Pillow reads


def test_spliced_reader_reads_seeks_and_tells_across_ranges() -> None:
    data = bytes(range(100))
    reader = SplicedReader(data, [(0, 3), (10, 12), (50, 55)])
    assert reader.read() == bytes([0, 1, 2, 10, 11, 50, 51, 52, 53, 54])
    assert reader.seek(2) == 2
    assert reader.read(4) == bytes([2, 10, 11, 50])
    assert reader.tell() == 6
    reader.seek(-2, 2)
    assert reader.read(10) == bytes([53, 54])
    assert reader.read(1) == b""


def test_pillow_sees_only_the_chunks_the_conversion_uses() -> None:
    data = grey_1x1(
        chunk(b"gAMA", struct.pack(">I", 45455)),
        text_chunk(b"tEXt", b"Comment", b"hello"),
        iccp_chunk(SRGB),
        after=text_chunk(b"zTXt", b"Comment", b"bye"),
    )
    view = SplicedReader(data, chunks.read_layout(data).pillow_ranges()).read()
    assert view == grey_1x1()
    with Image.open(BytesIO(view)) as image:
        image.load()
        assert not {"gamma", "Comment", "icc_profile"} & set(image.info)
