"""Frames as yuv420p planes (BT.709, limited "tv" range) held in Pillow "L" images.

The renderer composes every frame directly in YUV: resampling, crossfades and alpha blending are
linear, so doing them on Y, U and V gives the same picture as doing them on RGB and converting after,
while the encoder receives the planes as they are (no per-frame colour conversion). Pictures are
converted once per shot or layer with `rgb_to_planes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

# BT.709 luma weights
KR, KB = 0.2126, 0.0722
KG = 1.0 - KR - KB
_Y = 219.0 / 255.0
_C = 224.0 / 255.0
#: RGB (0..255) -> Y'CbCr limited range, as a Pillow convert() matrix (3 rows of r, g, b, offset)
RGB_TO_YUV = (
    KR * _Y, KG * _Y, KB * _Y, 16.0,
    -KR / (2 * (1 - KB)) * _C, -KG / (2 * (1 - KB)) * _C, 0.5 * _C, 128.0,
    0.5 * _C, -KG / (2 * (1 - KR)) * _C, -KB / (2 * (1 - KR)) * _C, 128.0,
)


@dataclass
class Planes:
    """One frame: `y` full size, `u` and `v` half size in both directions (4:2:0)."""

    y: Image.Image
    u: Image.Image
    v: Image.Image

    @property
    def size(self) -> tuple[int, int]:
        return self.y.size

    def copy(self) -> Planes:
        return Planes(self.y.copy(), self.u.copy(), self.v.copy())

    def tobytes(self) -> bytes:
        return b"".join(self.parts())

    def parts(self) -> tuple[bytes, bytes, bytes]:
        """The three planes' bytes, in yuv420p order (written one after the other: no concatenation)."""
        return self.y.tobytes(), self.u.tobytes(), self.v.tobytes()

    @classmethod
    def frombytes(cls, data: bytes, size: tuple[int, int]) -> Planes:
        w, h = size
        n = w * h
        c = (w // 2) * (h // 2)
        return cls(Image.frombytes("L", (w, h), data[:n]), Image.frombytes("L", (w // 2, h // 2), data[n:n + c]),
                   Image.frombytes("L", (w // 2, h // 2), data[n + c:n + 2 * c]))


def yuv444(im: Image.Image) -> tuple[Image.Image, Image.Image, Image.Image]:
    """Y, U, V at full size from an RGB image (one C pass)."""
    return im.convert("RGB").convert("RGB", RGB_TO_YUV).split()


def rgb_to_planes(im: Image.Image) -> Planes:
    """An RGB image of even size as 4:2:0 planes (chroma averaged over 2x2)."""
    if im.width % 2 or im.height % 2:
        raise ValueError(f"frame size must be even, got {im.size}")
    y, u, v = yuv444(im)
    return Planes(y, u.reduce(2), v.reduce(2))


def solid(size: tuple[int, int], rgb: tuple[int, int, int]) -> Planes:
    """A frame of one colour."""
    y, u, v = yuv444(Image.new("RGB", (2, 2), rgb))
    w, h = size
    return Planes(Image.new("L", (w, h), y.getpixel((0, 0))), Image.new("L", (w // 2, h // 2), u.getpixel((0, 0))),
                  Image.new("L", (w // 2, h // 2), v.getpixel((0, 0))))


def planes_to_rgb(p: Planes) -> Image.Image:
    """Back to RGB (for previews, covers and tests): chroma upsampled, BT.709 limited range inverted."""
    y = (np.asarray(p.y, dtype=np.float32) - 16.0) / _Y
    u = (np.asarray(p.u, dtype=np.float32) - 128.0) / _C
    v = (np.asarray(p.v, dtype=np.float32) - 128.0) / _C
    u = np.repeat(np.repeat(u, 2, axis=0), 2, axis=1)[: y.shape[0], : y.shape[1]]
    v = np.repeat(np.repeat(v, 2, axis=0), 2, axis=1)[: y.shape[0], : y.shape[1]]
    r = y + 2 * (1 - KR) * v
    b = y + 2 * (1 - KB) * u
    g = (y - KR * r - KB * b) / KG
    rgb = np.clip(np.rint(np.stack([r, g, b], axis=-1)), 0, 255).astype(np.uint8)
    return Image.fromarray(rgb)


def blend(a: Planes, b: Planes, alpha: float) -> Planes:
    """a*(1-alpha) + b*alpha, plane by plane, into `a` (a masked paste: integer math, faster than
    Image.blend). `a` must be a frame of its own, as every source returns."""
    m = int(round(min(1.0, max(0.0, alpha)) * 255))
    w, h = a.size
    a.y.paste(b.y, (0, 0), Image.new("L", (w, h), m))
    mc = Image.new("L", (w // 2, h // 2), m)
    a.u.paste(b.u, (0, 0), mc)
    a.v.paste(b.v, (0, 0), mc)
    return a


def composite(a: Planes, b: Planes, mask_y: Image.Image, mask_c: Image.Image) -> Planes:
    """b where the masks are 255, a where 0 (masks: full and half size)."""
    return Planes(Image.composite(b.y, a.y, mask_y), Image.composite(b.u, a.u, mask_c),
                  Image.composite(b.v, a.v, mask_c))


@dataclass
class Overlay:
    """A pre-rendered RGBA layer in planes with straight alpha, at an even position (x, y)."""

    x: int
    y: int
    py: Image.Image
    pu: Image.Image
    pv: Image.Image
    a: Image.Image  # alpha, full size
    ac: Image.Image  # alpha, half size

    @classmethod
    def from_rgba(cls, im: Image.Image, x: int, y: int) -> Overlay:
        """Convert once. Odd positions/sizes are padded to even so chroma lines up exactly."""
        if x % 2 or y % 2 or im.width % 2 or im.height % 2:
            pad = Image.new("RGBA", (im.width + 2, im.height + 2), (0, 0, 0, 0))
            pad.paste(im, (x % 2, y % 2))
            im = pad.crop((0, 0, pad.width - pad.width % 2, pad.height - pad.height % 2))
            x, y = x - x % 2, y - y % 2
        rgba = np.asarray(im.convert("RGBA"), dtype=np.float32)
        alpha = rgba[..., 3]
        yy, uu, vv = yuv444(im.convert("RGB"))
        u = np.asarray(uu, dtype=np.float32)
        v = np.asarray(vv, dtype=np.float32)
        h, w = alpha.shape

        def down(p: np.ndarray) -> np.ndarray:
            return p.reshape(h // 2, 2, w // 2, 2).sum(axis=(1, 3))

        asum = down(alpha)
        safe = np.where(asum > 0, asum, 1.0)
        # alpha-weighted chroma: transparent pixels must not tint the edges
        uc = np.where(asum > 0, down(u * alpha) / safe, 128.0)
        vc = np.where(asum > 0, down(v * alpha) / safe, 128.0)

        def img(p: np.ndarray) -> Image.Image:
            return Image.fromarray(np.clip(np.rint(p), 0, 255).astype(np.uint8))

        return cls(x, y, yy, img(uc), img(vc), img(alpha), img(asum / 4.0))

    @property
    def size(self) -> tuple[int, int]:
        return self.py.size

    def draw(self, frame: Planes, opacity: float = 1.0) -> None:
        """Blend onto `frame` in place (clipped to the frame)."""
        if opacity <= 0.0:
            return
        a, ac = self.a, self.ac
        if opacity < 0.999:
            lut = [int(round(i * opacity)) for i in range(256)]
            a, ac = a.point(lut), ac.point(lut)
        frame.y.paste(self.py, (self.x, self.y), a)
        frame.u.paste(self.pu, (self.x // 2, self.y // 2), ac)
        frame.v.paste(self.pv, (self.x // 2, self.y // 2), ac)
