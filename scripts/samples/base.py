"""Paths, tools, fonts and the painting toolkit: float RGB canvases in 0..1, masks drawn with PIL, noise."""

from __future__ import annotations

import math
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
ESPEAK = shutil.which("espeak-ng")
SR = 48_000  # audio sample rate of every file written (Hz)
SYNTH_SR = 24_000  # the tune is synthesized at this rate; ffmpeg resamples it to SR
F32 = np.float32

_FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/dejavu")
_FONT_FILES = {
    "bold": ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
    "regular": ("NotoSans-Regular.ttf", "DejaVuSans.ttf"),
}


def font(size: int, weight: str = "bold") -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font with Vietnamese glyphs (Noto Sans, else DejaVu Sans, else Pillow's default)."""
    for name in _FONT_FILES[weight]:
        for d in _FONT_DIRS:
            p = Path(d) / name
            if p.exists():
                return ImageFont.truetype(str(p), size)
    return ImageFont.load_default(size)




# ---------------------------------------------------------------------------------------------
# Painting toolkit: float RGB canvases in 0..1, masks drawn with PIL, noise made by resizing
# random grids (no SciPy needed).
# ---------------------------------------------------------------------------------------------


def col(c: str | Sequence[float] | np.ndarray) -> np.ndarray:
    """'#rrggbb' or an RGB triple (0..1) or an array, as float32."""
    if isinstance(c, str):
        c = c.lstrip("#")
        return np.array([int(c[i:i + 2], 16) / 255 for i in (0, 2, 4)], F32)
    return np.asarray(c, F32)


def mix(a, b, t):
    """Linear blend a -> b by t (broadcasting)."""
    return a + (b - a) * t


def smooth(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    """Smoothstep from e0 to e1 (either order)."""
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def blur_mask(m: Image.Image, r: float) -> Image.Image:
    from PIL import ImageFilter

    return m.filter(ImageFilter.GaussianBlur(r)) if r > 0 else m


def blur_rgb(a: np.ndarray, r: float) -> np.ndarray:
    """Gaussian blur of a float RGB array (via 8-bit; grain hides the rounding)."""
    from PIL import ImageFilter

    if r <= 0:
        return a
    im = Image.fromarray((np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8))
    if r > 12:  # wide blurs: blur a reduced copy and scale it back up
        k = int(r // 6)
        small = im.reduce(k).filter(ImageFilter.GaussianBlur(r / k))
        return np.asarray(small.resize(im.size, Image.BILINEAR), F32) / 255
    return np.asarray(im.filter(ImageFilter.GaussianBlur(r)), F32) / 255


def fbm(w: int, h: int, rng: np.random.Generator, scale: float, octaves: int = 4,
        gain: float = 0.5, stretch: tuple[float, float] = (1.0, 1.0)) -> np.ndarray:
    """Fractal value noise in 0..1; `scale` is the feature size (px) of the first octave.

    stretch=(sx, sy) makes features sx times wider / sy times taller (ripples, grass blades).
    """
    finest = max(scale / 2 ** (octaves - 1), 1.5) * min(stretch)
    k = max(1, int(finest / 3))  # fine detail is still >= 3 px: build at 1/k size, scale up once
    W, H = max(2, -(-w // k)), max(2, -(-h // k))
    total = np.zeros((H, W), F32)
    amp, norm = 1.0, 0.0
    for i in range(octaves):
        s = max(scale / 2**i, 1.5)
        gw = max(2, int(w / (s * stretch[0])) + 3)
        gh = max(2, int(h / (s * stretch[1])) + 3)
        grid = rng.random((gh, gw), dtype=F32)
        total += amp * np.asarray(Image.fromarray(grid).resize((W, H), Image.BICUBIC))
        norm += amp
        amp *= gain
    total /= norm
    if k > 1:
        total = np.asarray(Image.fromarray(total).resize((w, h), Image.BICUBIC))
    lo, hi = (float(v) for v in np.percentile(total[::5, ::5], (0.5, 99.5)))
    return np.clip((total - lo) / max(hi - lo, 1e-6), 0, 1)


def noise1d(n: int, rng: np.random.Generator, scale: float, octaves: int = 4) -> np.ndarray:
    """1-D fractal noise in 0..1 of length n (tree lines, ridges)."""
    x = np.arange(n, dtype=F32)
    out = np.zeros(n, F32)
    amp, norm = 1.0, 0.0
    for i in range(octaves):
        s = max(scale / 2**i, 2)
        k = int(n / s) + 3
        pts = rng.random(k)
        u = x / s
        i0 = np.floor(u).astype(int)
        f = u - i0
        f = f * f * (3 - 2 * f)
        out += amp * (pts[i0] * (1 - f) + pts[i0 + 1] * f)
        norm += amp
        amp *= 0.5
    out /= norm
    return (out - out.min()) / max(out.max() - out.min(), 1e-6)


class Canvas:
    """A float RGB picture with helpers to paint masks, colour fields and glows into it."""

    def __init__(self, w: int, h: int, rng: np.random.Generator):
        self.w, self.h, self.rng = w, h, rng
        self.img = np.zeros((h, w, 3), F32)
        self.yy = np.broadcast_to(np.arange(h, dtype=F32)[:, None], (h, w))
        self.xx = np.broadcast_to(np.arange(w, dtype=F32)[None, :], (h, w))
        self._tex: np.ndarray | None = None

    @property
    def tex(self) -> np.ndarray:
        """A shared fine leafy texture (0..1) for foliage and surfaces."""
        if self._tex is None:
            self._tex = fbm(self.w, self.h, self.rng, scale=max(self.w, self.h) / 90, octaves=3, gain=0.6)
        return self._tex

    def u(self, f: float) -> float:
        """A length as a fraction of the shorter side, in px."""
        return f * min(self.w, self.h)

    def mask(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        m = Image.new("L", (self.w, self.h), 0)
        return m, ImageDraw.Draw(m)

    def paint(self, m: Image.Image | np.ndarray, color, alpha: float = 1.0, soft: float = 0.8) -> None:
        """Blend `color` into the picture where the mask is.

        color: hex, RGB triple, a full-size (h, w, 3) array, or a function of the (rows, cols)
        slices of the mask's bounding box returning the colours there (computed only where needed).
        """
        if isinstance(m, Image.Image):
            box = m.getbbox()
            if box is None:
                return
            pad = int(math.ceil(soft * 3)) + 1
            x0, y0 = max(0, box[0] - pad), max(0, box[1] - pad)
            x1, y1 = min(self.w, box[2] + pad), min(self.h, box[3] + pad)
            a = np.asarray(blur_mask(m.crop((x0, y0, x1, y1)), soft), F32) * (alpha / 255)
        else:
            rows = np.nonzero(m.max(axis=1) > 1e-3)[0]
            cols = np.nonzero(m.max(axis=0) > 1e-3)[0]
            if len(rows) == 0:
                return
            y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            a = m[y0:y1, x0:x1] * alpha
        q = (slice(y0, y1), slice(x0, x1))
        if callable(color):
            c = color(q)
        elif isinstance(color, np.ndarray) and color.ndim == 3:
            c = color[q]
        else:
            c = col(color)
        region = self.img[q]
        region += (c - region) * a[..., None]

    def glow(self, x: float, y: float, r: float, color, strength: float = 1.0) -> None:
        """Add light: a soft radial glow (lamps, sun, lanterns)."""
        r = max(r, 1.0)
        x0, x1 = int(max(0, x - 4 * r)), int(min(self.w, x + 4 * r + 1))
        y0, y1 = int(max(0, y - 4 * r)), int(min(self.h, y + 4 * r + 1))
        if x0 >= x1 or y0 >= y1:
            return
        d2 = (self.xx[y0:y1, x0:x1] - x) ** 2 + (self.yy[y0:y1, x0:x1] - y) ** 2
        g = np.exp(-d2 / (2 * r * r)) * strength
        self.img[y0:y1, x0:x1] += g[..., None] * col(color)

    def finish(self, grain: float = 0.03, vignette: float = 0.35, bloom: float = 0.25,
               contrast: float = 0.25, warmth: float = 0.0) -> Image.Image:
        """Photo look: bloom on highlights, gentle S-curve, warmth, vignette, film grain (8-bit, in C)."""
        from PIL import ImageChops

        w, h = self.w, self.h
        img = Image.fromarray((np.clip(self.img, 0, 1) * 255 + 0.5).astype(np.uint8))
        if bloom > 0:
            small = np.asarray(img.reduce(4), F32) / 255
            bright = small * smooth(0.6, 1.0, small.mean(axis=2, keepdims=True))
            halo = blur_rgb(bright, self.u(0.005)) + 0.5 * blur_rgb(bright, self.u(0.015))
            halo_img = Image.fromarray((np.clip(halo * bloom, 0, 1) * 255).astype(np.uint8)).resize((w, h),
                                                                                                  Image.BILINEAR)
            img = ImageChops.screen(img, halo_img)
        x = np.arange(256, dtype=F32) / 255
        lut = []
        for gain in (1 + warmth, 1 + warmth * 0.3, 1 - warmth):
            v = np.clip(x * gain, 0, 1)
            v = v + (v * v * (3 - 2 * v) - v) * contrast
            lut += list((np.clip(v, 0, 1) * 255 + 0.5).astype(int))
        img = img.point(lut)
        if vignette > 0:
            sw, sh = max(2, w // 16), max(2, h // 16)
            yy, xx = np.mgrid[0:sh, 0:sw].astype(F32)
            r2 = ((xx + 0.5) / sw * 2 - 1) ** 2 + ((yy + 0.5) / sh * 2 - 1) ** 2
            v = 1 - vignette * np.clip(r2 / 2, 0, 1) ** 1.3
            vig = Image.fromarray((v * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
            img = ImageChops.multiply(img, Image.merge("RGB", (vig, vig, vig)))
        if grain > 0:
            tile = (self.rng.standard_normal((512, 512), dtype=F32) * grain * 255).clip(-127, 127)
            ty, tx = self.rng.integers(0, 512, 2)
            reps = (-(-h // 512) + 1, -(-w // 512) + 1)
            field = np.tile(tile, reps)[ty:ty + h, tx:tx + w]
            chroma = np.tile(np.roll(tile, (97, 31), (0, 1)), reps)[ty:ty + h, tx:tx + w] * 0.3
            layers = [Image.fromarray((field + chroma * k + 128).astype(np.uint8)) for k in (1, 0, -1)]
            img = ImageChops.add(img, Image.merge("RGB", layers), scale=1.0, offset=-128)
        return img


