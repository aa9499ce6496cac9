"""Photo-like PNG inputs, generated once per run into a temporary directory."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.imagegen import photo_like, png_bytes

# Alpha values below this become fully transparent in a cut-out image.
CUTOUT_THRESHOLD = 64


class ImageStore:
    """Generates each requested PNG once and hands out its path afterwards."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._made: dict[tuple[int, int, bool], Path] = {}

    def png(self, width: int, height: int, *, cutout: bool = False) -> Path:
        """An RGBA photo-like PNG of ``width`` x ``height`` pixels.

        With ``cutout``, a quarter of the pixels (where the alpha ramp is lowest) are fully
        transparent and stored as ``(0, 0, 0, 0)``, as image editors write cut-outs: the pixels
        a converter that drops alpha turns black.
        """
        key = (width, height, cutout)
        if key not in self._made:
            image = photo_like(width, height, "RGBA")
            if cutout:
                image = cut_out(image)
            path = self.directory / f"{width}x{height}{'-cutout' if cutout else ''}.png"
            path.write_bytes(png_bytes(image))
            self._made[key] = path
        return self._made[key]


def cut_out(image: Image.Image) -> Image.Image:
    """``image`` with alpha below :data:`CUTOUT_THRESHOLD` set to fully transparent black."""
    alpha = image.getchannel("A").point(lambda v: 0 if v < CUTOUT_THRESHOLD else v)
    transparent = Image.new("RGBA", image.size, (0, 0, 0, 0))
    result = Image.composite(image, transparent, alpha.point(lambda v: 255 if v else 0))
    result.putalpha(alpha)
    return result


def transparent_mask(path: Path) -> Image.Image:
    """Mode ``1`` mask of the fully transparent pixels of the PNG at ``path``."""
    with Image.open(path) as image:
        return image.getchannel("A").point(lambda v: 255 if v == 0 else 0).convert("1")


def megapixels(width: int, height: int) -> str:
    """``24 MP`` or ``0.05 MP``: the size label of the table."""
    value = width * height / 1e6
    return f"{value:g} MP" if value < 1 else f"{value:.0f} MP"
