"""Synthetic test images: photo-like PNGs of any size, made with Pillow alone.

A photo compresses and decodes like a photo: smooth gradients plus sensor-like noise, not the
flat colours of a synthetic test card that PNG and JPEG both shrink to nothing.
"""

from __future__ import annotations

import io

from PIL import Image, ImageChops


def photo_like(width: int, height: int, mode: str = "RGBA", seed: int = 0) -> Image.Image:
    """A ``mode`` image (RGB or RGBA) with gradients, noise and, for RGBA, a soft alpha ramp."""
    size = (width, height)
    gradient = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    noise = Image.effect_noise(size, 24 + seed % 16)
    red = ImageChops.add(gradient, noise, scale=1.6)
    green = ImageChops.add(radial, noise.rotate(90 + seed % 90, expand=False), scale=1.6)
    blue = ImageChops.blend(gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), radial, 0.5)
    bands = [red, green, blue]
    if mode == "RGBA":
        bands.append(gradient.transpose(Image.Transpose.ROTATE_180))
    return Image.merge(mode, bands)


def png_bytes(image: Image.Image, **options: object) -> bytes:
    """Encode ``image`` as PNG (fast compression: these are test inputs, not archives)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1, **options)
    return buffer.getvalue()
