#!/usr/bin/env python3
"""Tạo ảnh, clip, nhạc nền mẫu cho các chiến dịch mẫu và logo của thương hiệu.

Generate the sample campaigns' media (photo-like procedural images, short clips, a synthesized
music bed) and the brand logo. Everything it writes is git-ignored:

    assets/campaigns/<id>/images/  clips/  music/  [voice/]
    assets/brand/logo.png

Usage: python scripts/make_samples.py [--assets assets] [--force] [--jobs N]

Only missing files are written (a file someone put there is never replaced unless --force),
each one atomically (a temporary name in the same folder, then os.replace). Output is
deterministic: every picture and tune is seeded from its campaign and file name.
The campaign.yml files are written by hand and name these files; MEDIA below is the list.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
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


# ---------------------------------------------------------------------------------------------
# Scene elements
# ---------------------------------------------------------------------------------------------

SKIES = {
    "day": ["#2f6db5", "#6fa3dc", "#b9d6ee", "#e6eef0"],
    "golden": ["#3c6aa8", "#8fb0d3", "#f0d3a0", "#f9e2b0"],
    "sunset": ["#263a6b", "#7d5a8c", "#e0786a", "#f8b45e", "#fcd98c"],
    "dawn": ["#4f6fa8", "#9aa8c9", "#efb9a1", "#fbe0b5"],
    "dusk": ["#101c3c", "#2b3566", "#7e5077", "#e08a5a"],
    "night": ["#03060f", "#0a1230", "#1a2450", "#3a3458"],
    "haze": ["#7fa6cc", "#a9c4de", "#d7e3ea", "#eceee8"],
}


def sky(c: Canvas, horizon: float, mood: str = "day", sun: tuple[float, float, float] | None = None,
        clouds: float = 0.5, stars: bool = False) -> None:
    """Sky gradient to the horizon (px), with an optional sun (x, y, radius) and clouds."""
    stops = [col(s) for s in SKIES[mood]]
    t = np.clip(c.yy[:, 0] / max(horizon, 1), 0, 1)
    pos = np.linspace(0, 1, len(stops))
    grad = np.stack([np.interp(t, pos, [s[i] for s in stops]) for i in range(3)], -1).astype(F32)
    c.img[:] = grad[:, None, :]
    if stars:
        n = int(c.w * c.h / 2500)
        xs, ys = c.rng.integers(0, c.w, n), c.rng.integers(0, int(horizon * 0.8), n)
        b = c.rng.random(n) ** 3
        c.img[ys, xs] += (b * 0.8)[:, None]
    hy = int(min(c.h, math.ceil(horizon * 1.02) + 1))
    if clouds > 0 and hy > 2:
        n = fbm(c.w, hy, c.rng, scale=c.w / 4, octaves=5, stretch=(2.6, 1.0))
        k = max(2, int(c.h / 120))
        lit = np.clip((n - np.roll(n, k, axis=0)) * 6 + 0.55, 0, 1)
        yy = c.yy[:hy]
        fall = smooth(horizon * 1.02, horizon * 0.55, yy) * smooth(-0.1 * c.h, 0.15 * horizon, yy)
        dens = smooth(0.55 - clouds * 0.25, 0.85 - clouds * 0.15, n) * fall * 0.92
        light = {"sunset": "#ffd2a8", "dawn": "#fff0dc", "dusk": "#d88a78", "night": "#2a3050",
                 "golden": "#fff1d6"}.get(mood, "#ffffff")
        shadow = {"sunset": "#6d4a6e", "dawn": "#9a8aa6", "dusk": "#3a2c4c", "night": "#10162c",
                  "golden": "#b7a7a0"}.get(mood, "#a7b3c4")
        ccol = mix(col(shadow), col(light), lit[..., None])
        region = c.img[:hy]
        region += (ccol - region) * dens[..., None]
    if sun is not None:
        sx, sy, sr = sun
        warm = {"sunset": "#ff9a4a", "dawn": "#ffc080", "golden": "#ffd890"}.get(mood, "#fff2d0")
        c.glow(sx, sy, sr * 2.2, warm, 0.55)
        c.glow(sx, sy, sr * 7, warm, 0.28)
        x0, x1 = int(max(0, sx - sr - 2)), int(min(c.w, sx + sr + 2))
        y0, y1 = int(max(0, sy - sr - 2)), int(min(c.h, sy + sr + 2, horizon))
        if x1 > x0 and y1 > y0:
            q = (slice(y0, y1), slice(x0, x1))
            disc = smooth(sr, sr * 0.85, np.hypot(c.xx[q] - sx, c.yy[q] - sy))
            region = c.img[q]
            region += (col("#fff6e0") - region) * disc[..., None]


def sky_color_at(c: Canvas, y: float) -> np.ndarray:
    y = int(np.clip(y, 0, c.h - 1))
    return c.img[y].mean(axis=0)


def treeline(c: Canvas, horizon: float, height: float, color: str = "#2f4a32", haze: float = 0.35,
             palms: int = 12, soft: float = 1.2) -> None:
    """A distant line of trees and coconut palms standing on the horizon (Mekong delta skyline)."""
    prof = noise1d(c.w, c.rng, scale=c.w / 8)
    top = horizon - height * (0.45 + 0.55 * prof)
    poly = [(0, horizon + 2)] + [(x, float(top[x])) for x in range(0, c.w, 3)] + [(c.w, horizon + 2)]
    m, d = c.mask()
    d.polygon(poly, fill=255)
    for _ in range(palms):
        x = float(c.rng.uniform(0, c.w))
        base = float(top[int(x)]) + height * 0.2
        ht = height * c.rng.uniform(0.7, 1.5)
        lean = c.rng.uniform(-0.2, 0.2) * ht
        tx, ty = x + lean, base - ht
        d.line([(x, base), (x + lean * 0.5, base - ht * 0.5), (tx, ty)], fill=255, width=max(1, int(height / 18)))
        for a in np.linspace(0, 2 * np.pi, 9, endpoint=False) + c.rng.uniform(0, 1):
            L = height * c.rng.uniform(0.35, 0.55)
            ex, ey = tx + math.cos(a) * L, ty + abs(math.sin(a)) * L * 0.35 + L * 0.15
            mx, my = tx + math.cos(a) * L * 0.5, ty - L * 0.12
            d.line([(tx, ty), (mx, my), (ex, ey)], fill=255, width=max(1, int(height / 14)))
    hz = sky_color_at(c, horizon - 2)
    c.paint(m, lambda q: mix(col(color) * (0.75 + 0.5 * c.tex[q][..., None]), hz, haze), soft=soft)


def water(c: Canvas, y0: float, y1: float, tint: str = "#6b5a3a", tint_amt: float = 0.45,
          ripple: float = 1.0, sun_x: float | None = None, dark: float = 0.82, x0: int = 0,
          x1: int | None = None, mirror_at: float | None = None) -> None:
    """Water from y0 to y1 (px) reflecting what is painted above it, with ripples and glitter."""
    x1 = c.w if x1 is None else x1
    y0i, y1i = int(y0), int(min(y1, c.h))
    if y1i <= y0i:
        return
    m_at = y0 if mirror_at is None else mirror_at
    rows = np.arange(y0i, y1i, dtype=F32)
    depth = (rows - y0i + 1) / max(c.h - y0i, 1)  # 0 far .. 1 near
    src_y = np.clip(2 * m_at - rows - 1, 0, c.h - 1).astype(int)
    hh, ww = y1i - y0i, x1 - x0
    rip = fbm(ww, hh, c.rng, scale=max(ww / 40, 6), octaves=4, stretch=(9.0, 0.6))
    amp = ripple * (2 + 26 * depth)[:, None]
    xs = np.clip(np.arange(x0, x1, dtype=F32)[None, :] + (rip - 0.5) * amp, 0, c.w - 1).astype(int)
    refl = c.img[src_y[:, None], xs]
    refl = blur_rgb(refl, 1.2)
    body = mix(refl * dark, col(tint) * (0.7 + 0.3 * sky_color_at(c, y0 - 2).mean()), tint_amt)
    streak = smooth(0.62, 0.9, rip) * (0.06 + 0.1 * depth[:, None]) * ripple
    body = body + streak[..., None] * sky_color_at(c, max(y0 - 40, 0))
    if sun_x is not None:
        spread = c.w * (0.03 + 0.08 * depth)[:, None]
        g = np.exp(-((np.arange(x0, x1, dtype=F32)[None, :] - sun_x) ** 2) / (2 * spread**2))
        sparkle = smooth(0.55, 0.8, rip) * g * 1.1
        body = body + sparkle[..., None] * col("#ffd9a0")
    c.img[y0i:y1i, x0:x1] = body


def palm(c: Canvas, m_draw: ImageDraw.ImageDraw, x: float, base: float, height: float, lean: float = 0.0,
         fronds: int = 16, scale: float = 1.0) -> None:
    """A coconut palm drawn into a mask: curved trunk, arching fronds with drooping leaflets."""
    rng = c.rng
    x, base, height = float(x), float(base), float(height)
    tx, ty = x + lean * height, base - height
    pts = [(x + lean * height * (t**1.6), base - height * t) for t in np.linspace(0, 1, 24)]
    w0, w1 = height * 0.03 * scale, height * 0.018 * scale
    for i in range(len(pts) - 1):
        m_draw.line([pts[i], pts[i + 1]], fill=255, width=max(1, int(w0 + (w1 - w0) * i / len(pts))))
    m_draw.ellipse([tx - height * 0.03, ty - height * 0.01, tx + height * 0.03, ty + height * 0.05], fill=255)
    for _ in range(fronds):
        a = rng.uniform(0, 2 * np.pi)
        L = height * rng.uniform(0.26, 0.38) * scale
        dx = math.cos(a)
        up = rng.uniform(-0.7, 0.1)
        droop = rng.uniform(0.5, 1.1)
        prev = (tx, ty)
        steps = 18
        for j in range(1, steps + 1):
            t = j / steps
            px = tx + dx * L * t
            py = ty + up * L * t + droop * L * t * t
            m_draw.line([prev, (px, py)], fill=255, width=max(1, int(height * 0.006 * scale * (1.4 - t))))
            ll = L * 0.17 * (1 - 0.55 * t) * (0.5 + 0.5 * math.sin(math.pi * min(t * 1.5, 1)))
            tgx, tgy = px - prev[0], py - prev[1]
            tn = math.hypot(tgx, tgy) or 1
            tgx, tgy = tgx / tn, tgy / tn
            for side in (-1, 1):
                nx, ny = -tgy * side, tgx * side
                ex = px + (nx * 0.8 + tgx * 0.45) * ll
                ey = py + (ny * 0.8 + tgy * 0.45) * ll + ll * 0.4
                m_draw.line([(px, py), (ex, ey)], fill=255, width=max(1, int(height * 0.0035 * scale)))
            prev = (px, py)


def palms(c: Canvas, spots: Sequence[tuple[float, float, float, float]], color: str = "#1d2b1c",
          soft: float = 0.8, shade: bool = True) -> None:
    """Paint palms at (x, base, height, lean)."""
    m, d = c.mask()
    for x, base, ht, lean in spots:
        palm(c, d, x, base, ht, lean)
    base_c = col(color)
    field_ = base_c * (0.7 + 0.6 * c.tex[..., None]) if shade else base_c
    c.paint(m, field_, soft=soft)


def tree(c: Canvas, cx: float, base: float, r: float, color: str = "#2e5a2a", fruit: str | None = None,
         trunk: str = "#4a3a2a", density: float = 1.0, light: float = 1.0) -> None:
    """A broadleaf tree: clustered round canopy with top light, a trunk, optional fruit."""
    cx, base, r, light = float(cx), float(base), float(r), float(light)
    rng = c.rng
    m, d = c.mask()
    d.polygon([(cx - r * 0.08, base), (cx + r * 0.08, base), (cx + r * 0.04, base - r * 1.3),
               (cx - r * 0.04, base - r * 1.3)], fill=255)
    c.paint(m, trunk, soft=0.7)
    m, d = c.mask()
    ccy = base - r * 1.55
    blobs = []
    for _ in range(int(14 * density)):
        ox, oy = rng.normal(0, r * 0.45), rng.normal(0, r * 0.3)
        rr = r * rng.uniform(0.3, 0.55)
        blobs.append((cx + ox, ccy + oy, rr))
        d.ellipse([cx + ox - rr, ccy + oy - rr, cx + ox + rr, ccy + oy + rr], fill=255)
    top = ccy - r

    def field_(q):
        shade = 1.25 - 0.65 * np.clip((c.yy[q] - top) / (2.2 * r), 0, 1)
        return col(color) * light * (0.45 + 0.8 * c.tex[q][..., None]) * shade[..., None]

    c.paint(m, field_, soft=0.9)
    if fruit:
        for bx, by, br in blobs:
            for _ in range(rng.integers(1, 5)):
                fx, fy = bx + rng.normal(0, br * 0.5), by + rng.normal(0, br * 0.4) + br * 0.2
                fr = r * rng.uniform(0.03, 0.045)
                sphere(c, fx, fy, fr, fruit, light=0.9)


def sphere(c: Canvas, x: float, y: float, r: float, color: str, light: float = 1.0,
           squash: float = 1.0, spec: float = 0.45, texture: float = 0.0) -> None:
    """A shaded sphere or ellipsoid (fruit, lanterns, jars' lids)."""
    x0, x1 = int(max(0, x - r - 2)), int(min(c.w, x + r + 2))
    y0, y1 = int(max(0, y - r * squash - 2)), int(min(c.h, y + r * squash + 2))
    if x0 >= x1 or y0 >= y1:
        return
    nx = (c.xx[y0:y1, x0:x1] - x) / r
    ny = (c.yy[y0:y1, x0:x1] - y) / (r * squash)
    d2 = nx * nx + ny * ny
    inside = smooth(1.0, 0.9, np.sqrt(d2))
    nz = np.sqrt(np.clip(1 - d2, 0, 1))
    lx, ly, lz = -0.45, -0.6, 0.66
    lam = np.clip(nx * lx + ny * ly + nz * lz, 0, 1)
    hx, hy, hz = lx, ly, lz + 1
    hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    sp = np.clip((nx * hx + ny * hy + nz * hz) / hn, 0, 1) ** 30
    base = col(color)
    if texture:
        base = base * (1 - texture + texture * 2 * c.tex[y0:y1, x0:x1, None])
    shaded = base * (0.18 + 0.95 * lam[..., None]) * light + spec * sp[..., None]
    reg = c.img[y0:y1, x0:x1]
    reg += (shaded - reg) * inside[..., None]


def person(d: ImageDraw.ImageDraw, x: float, base: float, h: float, hat: bool = True, arms_up: bool = False,
           dress: bool = False) -> None:
    """A person silhouette (head, shoulders, body, legs); nón lá hat if `hat`."""
    hr = h * 0.065
    hy = base - h + hr * 1.6
    d.ellipse([x - hr, hy - hr, x + hr, hy + hr], fill=255)
    sh = hy + hr * 1.3
    if dress:
        d.polygon([(x - h * 0.11, sh), (x + h * 0.11, sh), (x + h * 0.15, base - h * 0.02),
                   (x - h * 0.15, base - h * 0.02)], fill=255)
    else:
        d.polygon([(x - h * 0.12, sh), (x + h * 0.12, sh), (x + h * 0.09, base - h * 0.45),
                   (x - h * 0.09, base - h * 0.45)], fill=255)
        lw = max(1, int(h * 0.07))
        d.line([(x - h * 0.05, base - h * 0.46), (x - h * 0.06, base)], fill=255, width=lw)
        d.line([(x + h * 0.05, base - h * 0.46), (x + h * 0.06, base)], fill=255, width=lw)
    aw = max(1, int(h * 0.05))
    if arms_up:
        d.line([(x + h * 0.1, sh + h * 0.02), (x + h * 0.2, sh - h * 0.15)], fill=255, width=aw)
    else:
        d.line([(x - h * 0.12, sh + h * 0.02), (x - h * 0.15, base - h * 0.5)], fill=255, width=aw)
        d.line([(x + h * 0.12, sh + h * 0.02), (x + h * 0.15, base - h * 0.5)], fill=255, width=aw)
    if hat:
        d.polygon([(x - h * 0.17, hy - hr * 0.1), (x + h * 0.17, hy - hr * 0.1), (x, hy - hr * 2.6)], fill=255)


def figure(c: Canvas, x: float, base: float, h: float, shirt: str, pants: str = "#2b2b33", hat: bool = False,
           dress: bool = False, legs: bool = True, light: float = 1.0) -> None:
    """A person in colour: trousers or áo dài, shirt, face and hair, optional nón lá; lit from top-left."""
    x, base, h = float(x), float(base), float(h)
    hr = h * 0.062
    hy = base - h + hr * 1.7
    sh = hy + hr * 1.25

    def lit(color: str, k: float = 1.0):
        def f(q):
            v = 0.75 + 0.35 * smooth(x + h * 0.15, x - h * 0.15, c.xx[q]) - 0.15 * smooth(sh, base, c.yy[q])
            return col(color) * (v * k * light)[..., None]
        return f

    if not dress and legs:
        m, d = c.mask()
        lw = max(1, int(h * 0.075))
        d.line([(x - h * 0.045, base - h * 0.47), (x - h * 0.055, base)], fill=255, width=lw)
        d.line([(x + h * 0.045, base - h * 0.47), (x + h * 0.06, base)], fill=255, width=lw)
        c.paint(m, lit(pants), soft=0.7)
    m, d = c.mask()
    if dress:
        d.polygon([(x - h * 0.1, sh), (x + h * 0.1, sh), (x + h * 0.14, base - h * (0.02 if legs else 0.0)),
                   (x - h * 0.14, base - h * (0.02 if legs else 0.0))], fill=255)
    else:
        bottom = base - h * 0.44 if legs else base
        d.polygon([(x - h * 0.115, sh), (x + h * 0.115, sh), (x + h * 0.095, bottom), (x - h * 0.095, bottom)],
                  fill=255)
    aw = max(1, int(h * 0.055))
    d.line([(x - h * 0.11, sh + h * 0.02), (x - h * 0.14, sh + h * 0.3)], fill=255, width=aw)
    d.line([(x + h * 0.11, sh + h * 0.02), (x + h * 0.14, sh + h * 0.3)], fill=255, width=aw)
    c.paint(m, lit(shirt), soft=0.7)
    m, d = c.mask()
    d.ellipse([x - hr, hy - hr, x + hr, hy + hr], fill=255)
    d.rectangle([x - hr * 0.45, hy + hr * 0.6, x + hr * 0.45, sh + 1], fill=255)
    c.paint(m, lit("#b07a55"), soft=0.6)
    m, d = c.mask()
    if hat:
        d.polygon([(x - h * 0.16, hy - hr * 0.2), (x + h * 0.16, hy - hr * 0.2), (x, hy - hr * 2.4)], fill=255)
        c.paint(m, lit("#e2d3a4", 1.05), soft=0.6)
    else:
        d.chord([x - hr * 1.05, hy - hr * 1.1, x + hr * 1.05, hy + hr * 0.9], 180, 360, fill=255)
        c.paint(m, lit("#1c1612"), soft=0.6)


SHIRTS = ["#f2f2ee", "#3a5a8a", "#b8322a", "#e8d8b0", "#4a7a5a", "#2a2a2a", "#d8a030", "#8a4a7a"]


def crowd(c: Canvas, people: Sequence[tuple[float, float, float]], colors: Sequence[str], light: float = 1.0) -> None:
    """Many people at once, far to near: each body gets its own colour through a label image."""
    lab = Image.new("L", (c.w, c.h), 0)
    d = ImageDraw.Draw(lab)
    rng = c.rng
    for i, (x, base, h) in enumerate(people):
        hat, dress = rng.random() < 0.25, rng.random() < 0.45
        person(d, x, base, h, hat=False, dress=dress)  # legs and arms: label 255 (dark trousers)
        body = 1 + i % 200  # then the body in its own colour, head, hair and hat on top
        hr = h * 0.065
        hy = base - h + hr * 1.6
        d.polygon([(x - h * 0.12, hy + hr * 1.3), (x + h * 0.12, hy + hr * 1.3),
                   (x + h * (0.15 if dress else 0.09), base - h * (0.02 if dress else 0.45)),
                   (x - h * (0.15 if dress else 0.09), base - h * (0.02 if dress else 0.45))], fill=body)
        d.ellipse([x - hr, hy - hr, x + hr, hy + hr], fill=254)
        d.chord([x - hr * 1.05, hy - hr * 1.1, x + hr * 1.05, hy + hr * 0.9], 180, 360, fill=253)
        if hat:
            d.polygon([(x - h * 0.17, hy - hr * 0.1), (x + h * 0.17, hy - hr * 0.1), (x, hy - hr * 2.6)], fill=252)
    labels = np.asarray(lab)
    box = lab.getbbox()
    if box is None:
        return
    pal = np.zeros((256, 3), F32)
    pal[1:201] = np.array([col(colors[int(k)]) for k in rng.integers(0, len(colors), 200)])
    pal[252], pal[253], pal[254], pal[255] = col("#e2d3a4"), col("#1c1612"), col("#a87452"), col("#2b2b33")
    x0, y0, x1, y1 = box
    q = (slice(y0, y1), slice(x0, x1))
    colr = pal[labels[q]] * (light * (0.9 + 0.15 * c.tex[q]))[..., None]
    alpha = np.asarray(blur_mask(Image.fromarray(((labels[q] > 0) * 255).astype(np.uint8)), 0.7), F32) / 255
    region = c.img[q]
    region += (colr - region) * alpha[..., None]


def flag_vn(c: Canvas, x: float, y: float, w: float, pole_top: float, pole_base: float, wave: float = 0.06) -> None:
    """The national flag on a pole: red field, yellow five-pointed star, waving shade."""
    m, d = c.mask()
    d.line([(x, pole_top), (x, pole_base)], fill=255, width=max(2, int(w * 0.04)))
    c.paint(m, "#d9d9d9", soft=0.6)
    h = w * 2 / 3
    pts_top = [(x + w * t, y + math.sin(t * 5 + 0.5) * w * wave) for t in np.linspace(0, 1, 30)]
    pts_bot = [(px, py + h) for px, py in reversed(pts_top)]
    m, d = c.mask()
    d.polygon(pts_top + pts_bot, fill=255)
    def shade(q):
        return (0.75 + 0.35 * np.sin((c.xx[q] - x) / w * 5 + 2.0))[..., None]

    c.paint(m, lambda q: col("#da251d") * shade(q), soft=0.6)
    cx, cy = x + w / 2, y + h / 2 + math.sin(2.5 + 0.5) * w * wave
    R, r = h * 0.3, h * 0.3 * 0.382
    star = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = R if i % 2 == 0 else r
        star.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    m, d = c.mask()
    d.polygon(star, fill=255)
    c.paint(m, lambda q: col("#ffde00") * shade(q), soft=0.5)


def festival_flag(c: Canvas, x: float, top: float, w: float, h: float, pole_base: float) -> None:
    """A cờ ngũ sắc festival flag: five coloured bands with a fringe, on a bamboo pole."""
    m, d = c.mask()
    d.line([(x, top - h * 0.1), (x, pole_base)], fill=255, width=max(2, int(w * 0.05)))
    c.paint(m, "#b79a5c", soft=0.6)
    colors = ["#e8c21c", "#c8102e", "#1f5fbf", "#f2f2f2", "#2b8a3e"]
    for i, cc in enumerate(colors):
        m, d = c.mask()
        t0, t1 = i / 5, (i + 1) / 5
        poly = []
        for t in np.linspace(t0, t1, 8):
            poly.append((x + w * t, top + math.sin(t * 6) * h * 0.06))
        for t in np.linspace(t1, t0, 8):
            poly.append((x + w * t, top + h + math.sin(t * 6) * h * 0.06 - h * 0.1 * t))
        d.polygon(poly, fill=255)
        c.paint(m, lambda q, cc=cc: col(cc) * (0.8 + 0.25 * np.sin((c.xx[q] - x) / w * 6 + 1.2))[..., None], soft=0.5)


def roof_shape(cx: float, eave_y: float, ridge_y: float, eave_half: float, ridge_half: float,
               curl: float) -> list[tuple[float, float]]:
    """A southern Vietnamese roof outline: straight ridge, eave line sweeping up to curled tips."""
    pts = []
    for t in np.linspace(0, 1, 40):
        s = 2 * t - 1
        pts.append((cx + s * eave_half, eave_y - curl * abs(s) ** 6))
    tip_r = pts[-1]
    pts.append((tip_r[0] + curl * 0.3, tip_r[1] - curl * 0.55))
    for t in np.linspace(1, 0, 20):
        s = 2 * t - 1
        pts.append((cx + s * ridge_half, ridge_y - curl * 0.25 * abs(s) ** 8))
    tip_l = pts[0]
    pts.append((tip_l[0] - curl * 0.3, tip_l[1] - curl * 0.55))
    return pts


def dinh(c: Canvas, cx: float, base: float, W: float, H: float, sign: str = "", festive: bool = False,
         night: bool = False, roof: str = "#6e3426", wall: str = "#d7ae68") -> None:
    """A communal house (đình): stone base, ochre walls and red columns, two-tier curved roof."""
    lum = 0.35 if night else 1.0
    # platform and steps
    m, d = c.mask()
    d.rectangle([cx - W * 0.52, base - H * 0.06, cx + W * 0.52, base], fill=255)
    c.paint(m, lambda q: col("#9a958a") * lum * (0.8 + 0.3 * c.tex[q][..., None]))
    for i in range(3):
        m, d = c.mask()
        sw = W * (0.22 + 0.04 * i)
        d.rectangle([cx - sw, base - H * 0.02 * (3 - i), cx + sw, base - H * 0.02 * (2 - i)], fill=255)
        c.paint(m, col("#b9b2a2") * lum * (0.85 + 0.1 * i))
    # walls with shadow under the eave
    wy0, wy1 = base - H * 0.47, base - H * 0.06
    m, d = c.mask()
    d.rectangle([cx - W * 0.4, wy0, cx + W * 0.4, wy1], fill=255)
    def sh(q):
        return (0.55 + 0.45 * smooth(wy0, wy0 + H * 0.15, c.yy[q]))[..., None]

    c.paint(m, lambda q: col(wall) * lum * sh(q) * (0.85 + 0.25 * c.tex[q][..., None]))
    # columns and doors
    n = 6
    for i in range(n + 1):
        x = cx - W * 0.38 + i * W * 0.76 / n
        m, d = c.mask()
        d.rectangle([x - W * 0.012, wy0, x + W * 0.012, wy1], fill=255)
        c.paint(m, lambda q: col("#6a2418") * lum * sh(q))
        if i < n:
            m, d = c.mask()
            dx0, dx1 = x + W * 0.022, x + W * 0.76 / n - W * 0.022
            d.rectangle([dx0, wy0 + H * 0.12, dx1, wy1], fill=255)
            door = "#3a1810" if not night else "#c8702a"
            c.paint(m, lambda q, door=door: col(door) * (0.8 if not night else 0.55) * sh(q))
            m, d = c.mask()
            d.rectangle([dx0, wy0 + H * 0.12, dx1, wy1], outline=255, width=max(1, int(W * 0.004)))
            c.paint(m, col("#c9a045") * lum)
    if sign:
        sw, shh = W * 0.2, H * 0.06
        m, d = c.mask()
        d.rectangle([cx - sw, wy0 + H * 0.035, cx + sw, wy0 + H * 0.035 + shh], fill=255)
        c.paint(m, col("#7a1010") * lum)
        tl = Image.new("L", (c.w, c.h), 0)
        td = ImageDraw.Draw(tl)
        f = font(max(8, int(shh * 0.55)))
        td.text((cx, wy0 + H * 0.035 + shh / 2), sign, font=f, fill=255, anchor="mm")
        c.paint(tl, col("#f2c94c") * lum, soft=0.3)
    if festive:
        for i in range(n):
            x = cx - W * 0.38 + (i + 0.5) * W * 0.76 / n
            sphere(c, x, wy0 + H * 0.1, W * 0.014, "#e0251b", squash=1.25)
    # lower roof
    eave = wy0 + H * 0.02
    ridge = base - H * 0.7
    m, d = c.mask()
    d.polygon(roof_shape(cx, eave, ridge, W * 0.56, W * 0.36, H * 0.08), fill=255)
    def rcol(q, e0, e1):
        tiles = 0.8 + 0.2 * np.cos((c.xx[q] - cx) / (W / 90) * 2 * np.pi)
        rshade = 0.7 + 0.45 * smooth(e0, e1, c.yy[q])
        return col(roof) * lum * (tiles * rshade)[..., None] * (0.8 + 0.35 * c.tex[q][..., None])

    c.paint(m, lambda q: rcol(q, eave, ridge))
    m, d = c.mask()
    d.line(roof_shape(cx, eave, ridge, W * 0.56, W * 0.36, H * 0.08)[:40], fill=255,
           width=max(2, int(H * 0.012)))
    c.paint(m, col("#3a1a12") * lum)
    # cổ diêm band and upper roof
    m, d = c.mask()
    d.rectangle([cx - W * 0.25, ridge - H * 0.08, cx + W * 0.25, ridge + H * 0.01], fill=255)
    c.paint(m, col("#cfa85a") * lum * 0.85)
    for i in range(7):
        m, d = c.mask()
        px = cx - W * 0.22 + i * W * 0.44 / 6
        d.rectangle([px - W * 0.02, ridge - H * 0.065, px + W * 0.02, ridge - H * 0.01], outline=255,
                    width=max(1, int(W * 0.003)))
        c.paint(m, col("#7a3a20") * lum)
    eave2, ridge2 = ridge - H * 0.06, base - H * 0.96
    m, d = c.mask()
    d.polygon(roof_shape(cx, eave2, ridge2, W * 0.38, W * 0.22, H * 0.07), fill=255)
    c.paint(m, lambda q: rcol(q, eave2, ridge2))
    # ridge ornaments: sun disc and two dragons
    m, d = c.mask()
    d.line([(cx - W * 0.22, ridge2), (cx + W * 0.22, ridge2)], fill=255, width=max(2, int(H * 0.018)))
    for s in (-1, 1):
        pts = [(cx + s * W * (0.03 + 0.16 * t), ridge2 - H * 0.03 - math.sin(t * 9) * H * 0.012)
               for t in np.linspace(0, 1, 20)]
        d.line(pts, fill=255, width=max(2, int(H * 0.012)))
        ex, ey = cx + s * W * 0.22, ridge2
        d.arc([ex - H * 0.03, ey - H * 0.06, ex + H * 0.03, ey], 0, 360, fill=255, width=max(1, int(H * 0.01)))
    c.paint(m, col("#b58a3a") * lum)
    m, d = c.mask()
    r = H * 0.025
    d.ellipse([cx - r, ridge2 - H * 0.05 - r, cx + r, ridge2 - H * 0.05 + r], fill=255)
    c.paint(m, col("#e8c04a") * max(lum, 0.7))


def field_perspective(c: Canvas, horizon: float, vx: float, spacing: float = 0.9, cam: float = 1.6):
    """Ground-plane coordinates below the horizon: (X across, Z depth, d 0..1 nearness)."""
    f = c.w * 0.9
    dy = np.maximum(c.yy - horizon, 0.5)
    Z = f * cam / dy
    X = (c.xx - vx) * Z / f
    d = np.clip((c.yy - horizon) / (c.h - horizon), 0, 1)
    return X, Z, d


def world_tex(tex: np.ndarray, U: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Sample a tiling texture at world coordinates (texels): perspective-correct ground detail."""
    n, m = tex.shape
    return tex[V.astype(np.int32) % n, U.astype(np.int32) % m]


def rice_field(c: Canvas, horizon: float, stage: str = "green", vx: float | None = None,
               water_gaps: float = 0.0, levees: bool = True) -> Callable[[float], None]:
    """Rice paddies in perspective: tufted plants in rows, wind patches, levees, haze.

    Returns repaint(y): paints the same field again from row y down (to put plants in front of
    things standing in the field).
    """
    vx = c.w * 0.5 if vx is None else vx
    y0 = int(max(math.floor(horizon), 0))
    R = slice(y0, c.h)
    yy, xx, H = c.yy[R], c.xx[R], c.h - y0
    f = c.w * 0.9
    Z = f * 1.6 / np.maximum(yy - horizon, 0.5)
    X = (xx - vx) * Z / f
    d = np.clip((yy - horizon) / (c.h - horizon), 0, 1)
    pal = {
        "green": ("#2f5a1c", "#86b03c", "#2b3d1a"),
        "young": ("#3f6a26", "#a2c850", "#44503a"),
        "golden": ("#7a5a1c", "#e6c45c", "#5a4a22"),
        "harvested": ("#6e5a38", "#c8ab70", "#4e3e28"),
    }[stage]
    lo, hi, gap = (col(p) for p in pal)
    T = fbm(256, 256, c.rng, scale=6, octaves=3, gain=0.55)
    clump = world_tex(T, X / 0.012, Z / 0.012)
    blades = fbm(c.w, H, c.rng, scale=3 + c.h * 0.004, octaves=2, stretch=(0.35, 3.5))
    amp = smooth(0.0, 0.3, d)
    near = smooth(0.2, 0.45, d)  # world texels shrink below a pixel further away: fade them out
    tuft = mix(np.float32(0.5), mix(blades, 0.55 * clump + 0.45 * blades, near), amp)
    wind = fbm(c.w, H, c.rng, scale=c.w / 3, octaves=3)
    rows = 0.5 + 0.5 * np.cos(2 * np.pi * X / 0.3)
    leaf = mix(lo, hi, np.clip(0.25 + 0.6 * tuft + 0.25 * (wind - 0.5), 0, 1)[..., None])
    leaf = leaf * (0.85 + 0.25 * wind + 0.1 * d)[..., None]
    cover = np.clip(1 - (1 - rows) * amp * (0.25 + water_gaps * 0.7) - (0.35 - tuft) * water_gaps * amp, 0, 1)
    hz = sky_color_at(c, horizon - 3)
    haze = smooth(0.2, 0.0, d)[..., None] * 0.5
    if water_gaps > 0:
        alpha = 1 - (1 - cover) * water_gaps
        base = leaf
    else:
        alpha = np.ones_like(cover)
        base = mix(gap * (0.7 + 0.4 * tuft[..., None]), leaf, cover[..., None])
    if levees:
        lz = np.abs(((Z / 12.0) % 1.0) - 0.5)
        lev = smooth(0.012 * 1.8, 0.012, 0.5 - lz) * smooth(0.02, 0.1, d) * 0.85
        grass = mix(col("#5a6a34"), col("#8a8a50"), tuft[..., None])
        base = mix(base, grass, lev[..., None])
        alpha = np.maximum(alpha, lev)
    base = mix(base, hz, haze)
    alpha = alpha[..., None]

    def repaint(y_from: float) -> None:
        k = int(np.clip(y_from - y0, 0, H))
        region = c.img[y0 + k:]
        region += (base[k:] - region) * alpha[k:]

    repaint(y0)
    return repaint


def straw_rolls(c: Canvas, horizon: float, n: int = 9) -> None:
    """Round straw bales lying on a harvested field, in perspective (far first)."""
    f = c.w * 0.9
    items = sorted(((c.rng.uniform(6, 60), c.rng.uniform(-8, 8)) for _ in range(n)), reverse=True)
    for Z, X in items:
        s = f / Z
        x = c.w / 2 + X * s
        y = horizon + 1.6 * s
        r = 0.65 * s
        length = 1.1 * s
        m, d = c.mask()
        d.rectangle([x - length / 2, y - 2 * r, x + length / 2, y], fill=255)
        c.paint(m, lambda q, y=y, r=r: col("#d9b461") * (0.55 + 0.5 * smooth(y, y - 2 * r, c.yy[q]))[..., None]
                * (0.8 + 0.4 * c.tex[q][..., None]))
        m, d = c.mask()
        d.ellipse([x + length / 2 - r * 0.35, y - 2 * r, x + length / 2 + r * 0.35, y], fill=255)
        c.paint(m, lambda q, x=x, y=y, r=r, length=length: col("#e8c878") * (0.75 + 0.25 * np.cos(
            np.hypot((c.xx[q] - x - length / 2) / 0.35, c.yy[q] - y + r) / max(r, 1) * 25))[..., None])
        m, d = c.mask()
        d.ellipse([x - length / 2 - r * 0.2, y - r * 0.25, x + length / 2 + r * 0.6, y + r * 0.15], fill=255)
        c.paint(m, "#000000", alpha=0.3, soft=max(1, r * 0.2))


def drone(c: Canvas, x: float, y: float, s: float, spray: bool = True) -> None:
    """An agricultural spraying drone (quadcopter) with a mist cone."""
    if spray:
        m, d = c.mask()
        d.polygon([(x - s * 1.2, y + s * 0.2), (x + s * 1.2, y + s * 0.2), (x + s * 2.6, y + s * 4.5),
                   (x - s * 2.6, y + s * 4.5)], fill=120)
        c.paint(m, "#eef4f4", soft=s * 0.6, alpha=0.55)
    m, d = c.mask()
    d.rounded_rectangle([x - s * 0.45, y - s * 0.22, x + s * 0.45, y + s * 0.25], radius=s * 0.12, fill=255)
    for sx in (-1, 1):
        d.line([(x, y), (x + sx * s * 1.1, y - s * 0.1)], fill=255, width=max(2, int(s * 0.08)))
        d.line([(x, y + s * 0.05), (x + sx * s * 0.9, y + s * 0.15)], fill=255, width=max(2, int(s * 0.08)))
        d.rectangle([x + sx * s * 0.3 - s * 0.05, y + s * 0.2, x + sx * s * 0.3 + s * 0.05, y + s * 0.5], fill=255)
    c.paint(m, "#2a2e33", soft=0.6)
    for sx, sy in ((-1.1, -0.1), (1.1, -0.1), (-0.9, 0.15), (0.9, 0.15)):
        m, d = c.mask()
        px, py = x + sx * s, y + sy * s - s * 0.08
        d.ellipse([px - s * 0.45, py - s * 0.06, px + s * 0.45, py + s * 0.06], fill=255)
        c.paint(m, "#c8ccd0", alpha=0.45, soft=1.0)
    sphere(c, x, y, s * 0.2, "#e0e4e8", spec=0.6)


def lotus_pond(c: Canvas, y0: float, n: int = 40) -> None:
    """Lotus leaves and pink flowers on water, in perspective (far first)."""
    items = sorted((c.rng.uniform(0, 1) ** 2, c.rng.uniform(-0.1, 1.1)) for _ in range(n))
    for t, xf in items:
        y = y0 + (c.h - y0) * t
        s = c.u(0.02) + c.u(0.11) * t
        x = xf * c.w
        m, d = c.mask()
        d.ellipse([x - s, y - s * 0.32, x + s, y + s * 0.32], fill=255)
        c.paint(m, lambda q, y=y, s=s: col("#3f7f3a") * (0.7 + 0.45 * smooth(y + s * 0.3, y - s * 0.3, c.yy[q]))[..., None]
                * (0.8 + 0.4 * c.tex[q][..., None]), soft=0.8)
        m, d = c.mask()
        for a in np.linspace(0, np.pi, 6):
            d.line([(x, y), (x + math.cos(a) * s * 0.95, y - math.sin(a) * s * 0.3)], fill=255,
                   width=max(1, int(s * 0.02)))
        c.paint(m, "#8fbf6a", alpha=0.5, soft=0.6)
        if c.rng.random() < 0.35:
            fx, fy, fs = x + s * 0.3, y - s * 0.9, s * 0.28
            m, d = c.mask()
            d.line([(fx, fy), (x + s * 0.2, y)], fill=255, width=max(1, int(s * 0.03)))
            c.paint(m, "#3b6a2a")
            for k, a in enumerate(np.linspace(-0.9, 0.9, 5)):
                m, d = c.mask()
                px, py = fx + math.sin(a) * fs * 0.5, fy - math.cos(a) * fs * 0.3
                pts = [(fx, fy + fs * 0.2), (px - fs * 0.25, py), (px + math.sin(a) * fs * 0.4, py - fs * 0.7),
                       (px + fs * 0.25, py)]
                d.polygon(pts, fill=255)
                tone = 0.8 + 0.2 * (k % 2)
                c.paint(m, lambda q, fy=fy, fs=fs, tone=tone: tone * mix(
                    col("#f7d7e6"), col("#e0679a"), smooth(fy + fs * 0.2, fy - fs * 0.9, c.yy[q])[..., None]), soft=0.6)


# ---------------------------------------------------------------------------------------------
# A small 3-D camera for boxes, rooms and roads (one-point perspective, Y up, Z forward)
# ---------------------------------------------------------------------------------------------


@dataclass
class Cam:
    w: int
    h: int
    f: float
    vx: float
    vy: float
    height: float  # eye height above the ground (m)

    def p(self, X: float, Y: float, Z: float) -> tuple[float, float]:
        Z = max(float(Z), 0.05)
        return float(self.vx + self.f * X / Z), float(self.vy - self.f * (Y - self.height) / Z)


def box3d(c: Canvas, cam: Cam, X0: float, X1: float, Y0: float, Y1: float, Z0: float, Z1: float,
          color: str, ribs: float = 0.0, windows: tuple[float, float] | None = None,
          window_color: str = "#33465c", light: tuple[float, float, float] = (1.0, 0.72, 1.15)) -> None:
    """A lit box: front face (Z0), the side facing the eye, and the top when seen from above."""
    base = col(color)
    p = cam.p
    faces = []
    if Y1 < cam.height:
        faces.append(("top", [p(X0, Y1, Z0), p(X1, Y1, Z0), p(X1, Y1, Z1), p(X0, Y1, Z1)], light[2]))
    if X1 < 0:
        faces.append(("side", [p(X1, Y0, Z0), p(X1, Y0, Z1), p(X1, Y1, Z1), p(X1, Y1, Z0)], light[0] * 0.95))
    elif X0 > 0:
        faces.append(("side", [p(X0, Y0, Z0), p(X0, Y0, Z1), p(X0, Y1, Z1), p(X0, Y1, Z0)], light[1]))
    faces.append(("front", [p(X0, Y0, Z0), p(X1, Y0, Z0), p(X1, Y1, Z0), p(X0, Y1, Z0)], 0.88))
    for kind, poly, k in faces:
        m, d = c.mask()
        d.polygon(poly, fill=255)
        fcol = base * k

        def front(q, fcol=fcol):
            Xw = (c.xx[q] - cam.vx) * Z0 / cam.f
            Yw = cam.height - (c.yy[q] - cam.vy) * Z0 / cam.f
            tex = 0.9 + 0.1 * np.cos(2 * np.pi * Xw / ribs) if ribs else 1.0
            fc = fcol * (tex * (0.95 + 0.08 * c.tex[q]))[..., None]
            if windows:
                win = ((Yw > windows[0]) & (Yw < windows[1]) & (np.cos(2 * np.pi * Xw / 2.0) > -0.2)).astype(F32)
                glass = col(window_color) * (0.8 + 0.4 * smooth(cam.vy + 200, cam.vy - 200, c.yy[q]))[..., None]
                fc = mix(fc, glass, win[..., None])
            return fc

        def side(q, fcol=fcol):
            Xs = X1 if X1 < 0 else X0
            dx = c.xx[q] - cam.vx
            Zw = cam.f * Xs / np.where(np.abs(dx) < 1, 1, dx)
            tex = 0.9 + 0.1 * np.cos(2 * np.pi * Zw / ribs) if ribs else 1.0
            return fcol * (tex * (0.95 + 0.08 * c.tex[q]))[..., None]

        def top(q, fcol=fcol):
            return fcol * (0.95 + 0.08 * c.tex[q][..., None])

        c.paint(m, {"front": front, "side": side, "top": top}[kind], soft=0.6)


def ground_plane(c: Canvas, cam: Cam) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """World (X, Z) of every pixel below the horizon and a below-horizon mask."""
    dy = np.maximum(c.yy - cam.vy, 0.5)
    Z = cam.f * cam.height / dy
    X = (c.xx - cam.vx) * Z / cam.f
    return X, Z, (c.yy > cam.vy).astype(F32)


def room(c: Canvas, cam: Cam, half_w: float, ceil: float, depth: float, wall: str, floor: str,
         ceiling: str = "#e9e6df", tile: float = 0.6, lights: bool = True) -> dict[str, np.ndarray]:
    """Ray-cast a box room: floor tiles, ceiling with light panels, side and back walls."""
    dx = (c.xx - cam.vx) / cam.f
    dy = -(c.yy - cam.vy) / cam.f
    big = 1e9
    t_floor = np.where(dy < 0, -cam.height / np.where(dy < 0, dy, -1), big)
    t_ceil = np.where(dy > 0, (ceil - cam.height) / np.where(dy > 0, dy, 1), big)
    t_left = np.where(dx < 0, -half_w / np.where(dx < 0, dx, -1), big)
    t_right = np.where(dx > 0, half_w / np.where(dx > 0, dx, 1), big)
    t_back = np.full_like(dx, depth)
    ts = np.stack([t_floor, t_ceil, t_left, t_right, t_back])
    which = np.argmin(ts, axis=0)
    t = np.min(ts, axis=0)
    X, Y, Z = dx * t, cam.height + dy * t, t
    fog = np.exp(-Z / (depth * 1.6))[..., None]
    img = np.zeros((c.h, c.w, 3), F32)
    # floor: glossy tiles
    tl = (np.abs((X / tile) % 1 - 0.5) > 0.485) | (np.abs((Z / tile) % 1 - 0.5) > 0.485)
    fl = col(floor) * (0.93 + 0.07 * c.tex[..., None]) * np.where(tl, F32(0.82), F32(1.0))[..., None]
    img = np.where((which == 0)[..., None], fl, img)
    # ceiling with panels
    panel = (np.abs((X / 2.4) % 1 - 0.5) < 0.18) & (np.abs((Z / 3.0) % 1 - 0.5) < 0.25) if lights else np.zeros_like(tl)
    ce = np.where(panel[..., None], col("#fffbe8") * 1.6, col(ceiling))
    img = np.where((which == 1)[..., None], ce, img)
    wl = col(wall) * (0.95 + 0.05 * c.tex[..., None])
    skirt = (Y < 0.12)[..., None]
    wl_side = np.where(skirt, col("#6a5a48"), wl * 0.9)
    img = np.where(((which == 2) | (which == 3))[..., None], wl_side, img)
    img = np.where((which == 4)[..., None], np.where(skirt, col("#6a5a48"), wl), img)
    img = img * (0.45 + 0.55 * fog)
    c.img[:] = img
    return {"which": which, "X": X, "Y": Y, "Z": Z, "panel": panel.astype(F32)}


# ---------------------------------------------------------------------------------------------
# Scenes: each paints a whole picture into a Canvas. Landscape and portrait use the same code.
# ---------------------------------------------------------------------------------------------


def scene_river(c: Canvas, mood: str = "sunset", boats: int = 3) -> dict:
    """Sông Hậu: wide river, far tree line, boats, palms on the near bank."""
    w, h = c.w, c.h
    hz = h * (0.52 if w > h else 0.45)
    sun = (w * 0.62, hz - h * 0.07, c.u(0.03)) if mood in ("sunset", "dawn", "golden") else None
    sky(c, hz, mood, sun=sun, clouds=0.55)
    treeline(c, hz, h * 0.035, color="#1f3324", haze=0.45, palms=16)
    water(c, hz + 1, h, tint="#7a6240", tint_amt=0.35, sun_x=sun[0] if sun else None)
    m, d = c.mask()
    for _ in range(boats):
        bx, by = c.rng.uniform(0.1, 0.9) * w, hz + (h - hz) * c.rng.uniform(0.08, 0.35)
        s = (by - hz) * 0.35 + 4
        d.polygon([(bx - s * 3, by - s * 0.3), (bx + s * 3, by - s * 0.3), (bx + s * 2.4, by + s * 0.2),
                   (bx - s * 2.6, by + s * 0.2)], fill=255)
        d.rectangle([bx - s * 1.2, by - s * 1.1, bx + s * 0.8, by - s * 0.3], fill=255)
    c.paint(m, "#1b1a22", soft=1.0)
    bank = h * 0.86
    m, d = c.mask()
    prof = noise1d(w, c.rng, w / 5)
    d.polygon([(0, h)] + [(x, bank - prof[x] * h * 0.06) for x in range(0, w, 4)] + [(w, h)], fill=255)
    c.paint(m, lambda q: col("#1f2a18") * (0.7 + 0.5 * c.tex[q][..., None]))
    palms(c, [(w * 0.08, h * 1.0, h * 0.75, 0.18), (w * 0.16, h * 1.02, h * 0.55, -0.05),
              (w * 0.93, h * 1.0, h * 0.62, -0.2)], color="#141c12")
    return {"grain": 0.03, "bloom": 0.35, "warmth": 0.04}


def scene_bridge(c: Canvas) -> dict:
    """A cable-stayed bridge over the Hậu river at sunset (cầu Vàm Cống, stylised)."""
    w, h = c.w, c.h
    hz = h * (0.6 if w > h else 0.55)
    sun = (w * 0.38, hz - h * 0.06, c.u(0.035))
    sky(c, hz, "sunset", sun=sun, clouds=0.5)
    treeline(c, hz, h * 0.025, color="#2a2a33", haze=0.55, palms=10)
    deck_y = lambda x: hz - h * 0.11 - h * 0.03 * math.sin(math.pi * x / w)  # noqa: E731
    pylons = [w * 0.27, w * 0.73] if w > h else [w * 0.5]
    ptop = hz - h * (0.42 if w > h else 0.38)
    m, d = c.mask()
    for px in pylons:
        for k in np.linspace(-1, 1, 17):
            if abs(k) < 0.05:
                continue
            ax = px + k * w * (0.24 if w > h else 0.55)
            ay = deck_y(min(max(ax, 0), w - 1))
            d.line([(px, ptop + h * 0.02 + abs(k) * h * 0.07), (ax, ay)], fill=200, width=max(1, int(h * 0.0016)))
    c.paint(m, "#d8c8c0", alpha=0.65, soft=0.5)
    m, d = c.mask()
    d.polygon([(x, deck_y(x)) for x in range(0, w + 8, 8)] +
              [(x, deck_y(x) + h * 0.022) for x in range(w, -8, -8)], fill=255)
    for px in pylons:
        pw = w * 0.012
        d.polygon([(px - pw * 2.2, hz + h * 0.01), (px - pw * 0.6, ptop), (px - pw * 0.1, ptop),
                   (px - pw * 1.2, hz + h * 0.01)], fill=255)
        d.polygon([(px + pw * 2.2, hz + h * 0.01), (px + pw * 0.6, ptop), (px + pw * 0.1, ptop),
                   (px + pw * 1.2, hz + h * 0.01)], fill=255)
        d.rectangle([px - pw * 1.6, deck_y(px) + h * 0.01, px + pw * 1.6, deck_y(px) + h * 0.03], fill=255)
    for x in np.arange(w * 0.05, w, w * 0.09):
        d.rectangle([x - w * 0.004, deck_y(x), x + w * 0.004, hz + h * 0.005], fill=255)
    c.paint(m, "#2d2630", soft=0.8)
    for x in np.arange(0, w, w * 0.035):
        c.glow(x, deck_y(x) - h * 0.008, c.u(0.004), "#ffcf7a", 1.2)
    water(c, hz + 1, h, tint="#6e4a3c", tint_amt=0.3, sun_x=sun[0])
    m, d = c.mask()
    bx, by = w * 0.7, hz + (h - hz) * 0.35
    s = h * 0.02
    d.polygon([(bx - s * 9, by - s), (bx + s * 8, by - s), (bx + s * 7, by + s * 0.6), (bx - s * 8.5, by + s * 0.6)],
              fill=255)
    d.rectangle([bx + s * 4, by - s * 3, bx + s * 7, by - s], fill=255)
    c.paint(m, "#18141c", soft=1.0)
    return {"bloom": 0.4, "warmth": 0.05, "vignette": 0.4}


def scene_rice(c: Canvas, stage: str = "green", mood: str = "day", farmers: int = 0, drone_: bool = False,
               straw: bool = False, flooded: float = 0.0, hz_frac: float | None = None) -> dict:
    """Rice fields to the horizon with a tree line; optional farmers, spraying drone, straw bales."""
    w, h = c.w, c.h
    hz = h * (hz_frac or (0.42 if w > h else 0.36))
    sun = None
    if mood in ("dawn", "golden", "sunset"):
        sun = (w * 0.72, hz - h * 0.05, c.u(0.028))
    sky(c, hz, mood, sun=sun, clouds=0.6)
    treeline(c, hz, h * 0.04, color="#27442a", haze=0.4, palms=14)
    if flooded:
        water(c, hz + 1, h, tint="#5d6b4a", tint_amt=0.3, ripple=0.3, sun_x=sun[0] if sun else None)
    else:
        c.img[int(hz):] = sky_color_at(c, hz - 3) * 0.6
    repaint = rice_field(c, hz, stage=stage, water_gaps=flooded)
    if straw:
        straw_rolls(c, hz, n=10)
    if farmers:
        spots = sorted(((c.rng.uniform(4.5, 14), c.rng.uniform(-2.5, 2.5)) for _ in range(farmers)), reverse=True)
        for Z, X in spots:
            s = w * 0.9 / Z
            x, y = w / 2 + X * s, hz + 1.6 * s
            figure(c, x, y - s * 0.55, s * 1.1, shirt=str(c.rng.choice(["#3a5a8a", "#e8e4d8", "#8a3a2a", "#4a6a4a"])),
                   hat=True, legs=False)
            repaint(y - s * 0.58)
    if drone_:
        drone(c, w * 0.58, hz + (h - hz) * 0.22, c.u(0.085))
    return {"grain": 0.03, "bloom": 0.2, "warmth": 0.03 if mood != "day" else 0.0}


def scene_orchard(c: Canvas, fruit: str = "#f0a22a") -> dict:
    """A fruit orchard (miệt vườn): rows of trees along a canal, fruit among the leaves."""
    w, h = c.w, c.h
    hz = h * (0.4 if w > h else 0.33)
    sky(c, hz, "day", clouds=0.45)
    treeline(c, hz, h * 0.05, color="#2d4a2c", haze=0.35, palms=8)
    c.img[int(hz):] = col("#5a7a3a")
    X, Z, d = field_perspective(c, hz, w * 0.5)
    grass = mix(col("#4d7a2e"), col("#8ab44e"), fbm(w, h, c.rng, scale=w / 10)[..., None])
    c.paint((c.yy > hz).astype(F32), grass * (0.7 + 0.4 * smooth(0, 1, d))[..., None])
    canal = (np.abs(X) < 0.9) * (c.yy > hz)
    c.paint(canal.astype(F32), "#000000", alpha=0.0)
    water(c, hz + 1, h, tint="#5e5a3a", tint_amt=0.3, ripple=0.4)
    grass2 = grass * (0.7 + 0.4 * smooth(0, 1, d))[..., None]
    c.paint(((np.abs(X) >= 0.9) & (c.yy > hz)).astype(F32), grass2)
    f = w * 0.9
    for Z in np.linspace(40, 3.2, 14):
        for side in (-1, 1):
            X = side * c.rng.uniform(2.2, 3.2)
            s = f / Z
            tree(c, w / 2 + X * s, hz + 1.6 * s, s * 1.5, color="#2f6a2a", fruit=fruit, light=1.05)
    s = f / 9
    figure(c, w * 0.5 + 1.6 * s, hz + 1.6 * s, 1.6 * s, shirt="#3a5a8a", hat=True)
    return {"grain": 0.03, "bloom": 0.2}


def scene_dinh(c: Canvas, sign: str = "", festive: bool = True, mood: str = "day") -> dict:
    """The communal house in its yard: old trees, festival flags, people."""
    w, h = c.w, c.h
    hz = h * (0.68 if w > h else 0.62)
    sky(c, hz, mood, clouds=0.5)
    treeline(c, hz, h * 0.06, color="#2b4a2c", haze=0.25, palms=6)
    for x in (w * 0.06, w * 0.95):
        tree(c, x, hz + h * 0.02, h * 0.2, color="#2d5a2a")
    c.img[int(hz):] = col("#b7ab95")
    X, Z, d = field_perspective(c, hz, w * 0.5, cam=1.6)
    yard = col("#b9a98e") * (0.88 + 0.14 * fbm(w, h, c.rng, scale=w / 20)[..., None])
    tiles = (np.abs((X / 0.5) % 1 - 0.5) > 0.47) | (np.abs((Z / 0.5) % 1 - 0.5) > 0.47)
    yard = yard * np.where(tiles & (d > 0.05), F32(0.85), F32(1.0))[..., None]
    c.paint((c.yy > hz).astype(F32), yard)
    W = w * (0.62 if w > h else 0.9)
    dinh(c, w * 0.5, hz + h * 0.02, W, W * 0.55, sign=sign, festive=festive)
    if festive:
        for i, x in enumerate(np.linspace(w * 0.05, w * 0.95, 7 if w > h else 4)):
            if abs(x - w / 2) < W * 0.3:
                continue
            festival_flag(c, x, hz - h * (0.36 + 0.04 * (i % 2)), w * 0.035, h * 0.14, hz + h * 0.05)
    spots = sorted(((c.rng.uniform(10, 30), c.rng.uniform(-5, 5)) for _ in range(11)), reverse=True)
    for Z, X in spots:
        s = w * 0.9 / Z
        dress = c.rng.random() < 0.45
        shirt = str(c.rng.choice(["#c8102e", "#e8c21c", "#f2f2ee", "#1f5fbf"] if dress else SHIRTS))
        figure(c, w / 2 + X * s, hz + 1.6 * s, s * 1.65, shirt=shirt, hat=c.rng.random() < 0.25, dress=dress)
    return {"grain": 0.03, "bloom": 0.2, "warmth": 0.03}


def scene_procession(c: Canvas) -> dict:
    """Lễ rước: a palanquin under ceremonial parasols, flags and a crowd before the đình."""
    w, h = c.w, c.h
    hz = h * (0.55 if w > h else 0.5)
    sky(c, hz, "day", clouds=0.55)
    dinh(c, w * 0.5, hz + h * 0.03, w * (0.55 if w > h else 0.85), w * 0.3, festive=True)
    c.img[:] = blur_rgb(c.img, c.u(0.006))
    c.img[int(hz + h * 0.03):] = col("#a89a82")
    road = col("#b3a386") * (0.8 + 0.25 * fbm(w, h, c.rng, scale=w / 15)[..., None])
    c.paint((c.yy > hz + h * 0.03).astype(F32), road)
    f = w * 0.9
    people = []
    for Z in (18, 15, 12.5, 10.5):
        s = f / Z
        for X in np.arange(-9, 9, 0.6):
            people.append((w / 2 + (X + c.rng.normal(0, 0.12)) * s, hz + 1.6 * s, s * c.rng.uniform(1.5, 1.7)))
    crowd(c, people, SHIRTS + ["#c8102e", "#e8c21c", "#f2f2ee"])
    c.img[:] = blur_rgb(c.img, c.u(0.002))
    s = f / 4.2
    kx, ky = w * 0.5, hz + 1.6 * s
    for lx in (-1.3, 1.3):
        m, d = c.mask()
        px = kx + lx * s
        d.line([(px, ky - s * 2.9), (px, ky - s * 0.2)], fill=255, width=max(2, int(s * 0.04)))
        c.paint(m, "#5a3a20")
        sphere(c, px, ky - s * 2.95, s * 0.5, "#e6b52a", squash=0.35, spec=0.2)
        m, d = c.mask()
        d.rectangle([px - s * 0.5, ky - s * 2.95, px + s * 0.5, ky - s * 2.75], fill=255)
        c.paint(m, lambda q, s=s: col("#b8261a") * (0.8 + 0.2 * np.cos(c.xx[q] / (s * 0.04)))[..., None], soft=0.6)
    m, d = c.mask()
    d.rectangle([kx - s * 0.55, ky - s * 1.55, kx + s * 0.55, ky - s * 0.75], fill=255)
    c.paint(m, lambda q: col("#a51c14") * (0.8 + 0.3 * c.tex[q][..., None]))
    m, d = c.mask()
    d.polygon(roof_shape(kx, ky - s * 1.5, ky - s * 1.95, s * 0.75, s * 0.35, s * 0.15), fill=255)
    c.paint(m, lambda q: col("#d9a528") * (0.75 + 0.4 * smooth(ky - s * 1.5, ky - s * 1.95, c.yy[q]))[..., None])
    m, d = c.mask()
    d.line([(kx - s * 1.6, ky - s * 0.8), (kx + s * 1.6, ky - s * 0.8)], fill=255, width=max(2, int(s * 0.06)))
    c.paint(m, "#6a3a1a", soft=0.8)
    for px in (kx - s * 1.3, kx - s * 0.9, kx + s * 0.9, kx + s * 1.3):
        figure(c, px, ky + s * 0.3, s * 1.55, shirt="#c8102e" if px < kx else "#e8c21c", pants="#f2f2ee")
    return {"grain": 0.035, "bloom": 0.15, "warmth": 0.03}


def scene_incense(c: Canvas) -> dict:
    """Dâng hương: incense sticks glowing in a bronze burner, smoke curling, candles behind."""
    w, h = c.w, c.h
    c.img[:] = mix(col("#1a0a06"), col("#4a1a0e"), smooth(0, h, c.yy)[..., None])
    for _ in range(26):
        c.glow(c.rng.uniform(0, w), c.rng.uniform(0, h * 0.55), c.u(c.rng.uniform(0.01, 0.035)),
               c.rng.choice(["#ffb347", "#ff7a2a", "#ffd27a"]), c.rng.uniform(0.15, 0.5))
    m, d = c.mask()
    d.polygon([(w * 0.65, 0), (w * 0.95, 0), (w * 0.45, h), (w * 0.05, h)], fill=110)
    c.paint(m, "#ffdcaa", alpha=0.25, soft=c.u(0.05))
    ty = h * 0.72
    m, d = c.mask()
    d.rectangle([0, ty, w, h], fill=255)
    c.paint(m, lambda q: col("#5a1610") * (0.6 + 0.5 * smooth(h, ty, c.yy[q]))[..., None])
    m, d = c.mask()
    d.rectangle([0, ty - c.u(0.01), w, ty + c.u(0.01)], fill=255)
    c.paint(m, "#c9962e")
    bx, by, br = w * 0.5, ty - c.u(0.02), c.u(0.2)
    m, d = c.mask()
    d.chord([bx - br, by - br * 0.9, bx + br, by + br * 0.9], 0, 180, fill=255)
    d.rectangle([bx - br * 1.05, by - br * 0.08, bx + br * 1.05, by + br * 0.05], fill=255)
    c.paint(m, lambda q: col("#a8792e") * (0.35 + 0.9 * np.clip(1 - np.abs(c.xx[q] - bx + br * 0.3) / br, 0, 1))[..., None]
            * (0.8 + 0.3 * c.tex[q][..., None]))
    smoke = np.zeros((h, w), F32)
    sm = Image.new("L", (w, h), 0)
    sd = ImageDraw.Draw(sm)
    for i in range(9):
        x0 = bx + (i - 4) * br * 0.09
        top = by - br * (1.0 + 0.25 * c.rng.random())
        m, d = c.mask()
        d.line([(x0, by - br * 0.05), (x0 + (i - 4) * br * 0.04, top)], fill=255, width=max(2, int(w * 0.004)))
        c.paint(m, "#9a2a1a", soft=0.5)
        tx = x0 + (i - 4) * br * 0.04
        c.glow(tx, top, c.u(0.004), "#ff9a3a", 1.6)
        c.glow(tx, top, c.u(0.015), "#ff6a1a", 0.35)
        x, y, vx = tx, top, 0.0
        pts = [(x, y)]
        while y > 0:
            vx += c.rng.normal(0, 0.9)
            vx *= 0.92
            x += vx + math.sin(y / (h * 0.05) + i) * 1.2
            y -= h * 0.01
            pts.append((x, y))
        sd.line(pts, fill=60, width=max(1, int(w * 0.003)))
    smoke = np.asarray(blur_mask(sm, c.u(0.006)), F32) / 255
    wisps = fbm(w, h, c.rng, scale=w / 10, octaves=4)
    smoke = np.clip(smoke * 2.2 + smooth(0.7, 1.0, wisps) * 0.12 * smooth(h, 0, c.yy), 0, 0.8)
    c.paint(smoke, "#e8dccc")
    return {"grain": 0.045, "bloom": 0.45, "vignette": 0.5, "warmth": 0.03}


def scene_fruit_tray(c: Canvas) -> dict:
    """Mâm ngũ quả on a lacquered tray before the altar."""
    w, h = c.w, c.h
    c.img[:] = mix(col("#2a0c08"), col("#6a1e12"), smooth(0, h * 0.7, c.yy)[..., None])
    for _ in range(18):
        c.glow(c.rng.uniform(0, w), c.rng.uniform(0, h * 0.45), c.u(c.rng.uniform(0.02, 0.05)), "#ffb35a",
               c.rng.uniform(0.15, 0.4))
    ty = h * 0.62
    wood = mix(col("#4a2412"), col("#7a3e1e"), (0.5 + 0.5 * np.sin(c.xx / w * 40 + fbm(w, h, c.rng, w / 6) * 8))[..., None])
    c.paint((c.yy > ty).astype(F32), wood * (0.7 + 0.4 * smooth(ty, h, c.yy))[..., None])
    cx, cy, R = w * 0.5, ty + (h - ty) * 0.3, min(w, h) * 0.42
    m, d = c.mask()
    d.ellipse([cx - R, cy - R * 0.22, cx + R, cy + R * 0.22], fill=255)
    c.paint(m, "#000000", alpha=0.45, soft=c.u(0.02))
    m, d = c.mask()
    d.ellipse([cx - R * 0.95, cy - R * 0.26, cx + R * 0.95, cy + R * 0.16], fill=255)
    c.paint(m, lambda q: col("#a0140e") * (0.7 + 0.5 * smooth(cy + R * 0.2, cy - R * 0.3, c.yy[q]))[..., None])
    m, d = c.mask()
    d.ellipse([cx - R * 0.95, cy - R * 0.26, cx + R * 0.95, cy + R * 0.16], outline=255, width=max(2, int(R * 0.02)))
    c.paint(m, "#d9a63a")
    fruits = []
    for _ in range(7):
        fruits.append((cx + c.rng.uniform(-0.6, 0.6) * R, cy - R * 0.12 + c.rng.uniform(-0.05, 0.05) * R,
                       R * c.rng.uniform(0.13, 0.18), c.rng.choice(["#f0a020", "#e8c832", "#d8362a", "#7fb03a"])))
    for _ in range(6):
        fruits.append((cx + c.rng.uniform(-0.4, 0.4) * R, cy - R * 0.32 + c.rng.uniform(-0.05, 0.05) * R,
                       R * c.rng.uniform(0.13, 0.17), c.rng.choice(["#f0a020", "#d8362a", "#e04a7a", "#f2d240"])))
    fruits.append((cx, cy - R * 0.55, R * 0.24, "#6e9a2e"))
    for x, y, r, cc in sorted(fruits, key=lambda f: f[1] if f[2] < R * 0.2 else -1):
        sphere(c, x, y, r, cc, light=1.1, texture=0.15)
    for s in (-1, 1):
        sphere(c, cx + s * R * 0.35, cy - R * 0.05, R * 0.16, "#d8362a", squash=1.2, texture=0.2)
    return {"grain": 0.04, "bloom": 0.3, "vignette": 0.5, "warmth": 0.02}


def scene_flags(c: Canvas, festival: bool = True, mood: str = "day") -> dict:
    """Looking up at flags on poles against the sky (national flag, festival flags if `festival`)."""
    w, h = c.w, c.h
    sky(c, h * 1.2, mood, clouds=0.65, sun=None if mood == "day" else (w * 0.8, h * 0.75, c.u(0.05)))
    if festival:
        flag_vn(c, w * 0.25, h * 0.16, w * 0.5, h * 0.12, h * 1.1, wave=0.05)
        for i, x in enumerate((w * 0.08, w * 0.82)):
            festival_flag(c, x, h * (0.42 + 0.08 * i), w * 0.14, h * 0.14, h * 1.1)
    else:
        flag_vn(c, w * 0.18, h * 0.1, w * 0.7, h * 0.07, h * 1.1, wave=0.07)
    m, d = c.mask()
    prof = noise1d(w, c.rng, w / 6)
    d.polygon([(0, h)] + [(x, h * 0.9 - prof[x] * h * 0.08) for x in range(0, w, 4)] + [(w, h)], fill=255)
    c.paint(m, lambda q: col("#2d4a2c") * (0.6 + 0.6 * c.tex[q][..., None]))
    return {"grain": 0.025, "bloom": 0.2}


def scene_night_market(c: Canvas) -> dict:
    """Thực cảnh "Chợ ma" Định Yên: mats traded at night by oil lamps and torches, boats on the canal."""
    w, h = c.w, c.h
    hz = h * (0.5 if w > h else 0.45)
    sky(c, hz, "night", clouds=0.3, stars=True)
    treeline(c, hz, h * 0.07, color="#0a100c", haze=0.1, palms=14)
    dinh(c, w * 0.5, hz + h * 0.01, w * (0.5 if w > h else 0.85), w * (0.27 if w > h else 0.45), night=True)
    c.glow(w * 0.5, hz - h * 0.02, c.u(0.2), "#ff9a3a", 0.22)
    c.img[int(hz):] = col("#1a120c")
    X, Z, dd = field_perspective(c, hz, w * 0.5)
    T = fbm(128, 128, c.rng, scale=8, octaves=3)
    ground = col("#4a3422") * (0.35 + 0.3 * world_tex(T, X / 0.05, Z / 0.05))[..., None] * (0.5 + 0.8 * dd)[..., None]
    c.paint((c.yy > hz).astype(F32), ground)
    canal_y = h * 0.82
    f = w * 0.9
    mats = ["#c8a060", "#b8302a", "#2e6b4a", "#d8b878"]
    for Z in np.linspace(26, 3.8, 8):
        s = f / Z
        row = []
        for X in np.arange(-7, 7, 2.4) + c.rng.uniform(-0.8, 0.8):
            x, y = w / 2 + X * s, hz + 1.6 * s
            if y > canal_y - s * 0.1 or c.rng.random() < 0.3:
                continue
            row.append((x, y))
        for x, y in row:  # light pools on the ground first
            c.glow(x + s * 0.6, y - s * 0.1, s * 0.8, "#ff7a1a", 0.08)
        for x, y in row:
            m, d = c.mask()
            d.polygon([(x - s * 0.9, y), (x + s * 0.9, y), (x + s * 0.8, y - s * 0.25), (x - s * 0.8, y - s * 0.25)],
                      fill=255)
            mc = str(c.rng.choice(mats))
            c.paint(m, lambda q, mc=mc, s=s: col(mc) * 0.6 * (0.8 + 0.2 * np.cos(c.xx[q] / max(s * 0.04, 1)))[..., None])
            m, d = c.mask()
            person(d, x + s * 0.5, y - s * 0.05, s * 1.6, hat=c.rng.random() < 0.4, arms_up=True)
            if c.rng.random() < 0.5:
                person(d, x - s * 0.5, y - s * 0.05, s * 1.0, hat=False, dress=True)
            c.paint(m, "#120a08", soft=0.9)
            lx, ly = x + s * 0.72, y - s * 1.72
            c.glow(lx, ly, max(s * 0.025, 1.2), "#fff2c8", 2.4)
            c.glow(lx, ly, s * 0.2, "#ff8a2a", 0.35)
    m, d = c.mask()
    pts = [(x, h * 0.08 + h * 0.05 * (1 - ((2 * x / w) - 1) ** 2)) for x in np.linspace(0, w, 60)]
    d.line(pts, fill=255, width=2)
    c.paint(m, "#1a1410")
    for x, y in pts[4::7]:
        sphere(c, x, y + c.u(0.025), c.u(0.02), str(c.rng.choice(["#e8301a", "#f0a020"])), squash=1.3, spec=0.3,
               light=1.3)
        c.glow(x, y + c.u(0.025), c.u(0.05), "#ff6a2a", 0.3)
    c.img[int(canal_y):] = col("#0a0a10")
    water(c, canal_y, h, tint="#101018", tint_amt=0.15, ripple=0.9, dark=0.95)
    for bx in (w * 0.22, w * 0.7):
        by, s = canal_y + (h - canal_y) * 0.45, c.u(0.03)
        m, d = c.mask()
        d.polygon([(bx - s * 5, by - s * 0.6), (bx + s * 5, by - s * 0.6), (bx + s * 3.6, by + s * 0.35),
                   (bx - s * 3.6, by + s * 0.35)], fill=255)
        person(d, bx - s * 3, by - s * 0.5, s * 2.6, hat=True)
        c.paint(m, "#0c0908", soft=0.8)
        m, d = c.mask()
        d.rectangle([bx - s * 1.5, by - s * 1.4, bx + s * 2.5, by - s * 0.6], fill=255)
        c.paint(m, lambda q: col("#b89050") * 0.5 * (0.8 + 0.2 * np.cos(c.yy[q] / 2.0))[..., None])
        lx, ly = bx + s * 4, by - s * 1.6
        c.glow(lx, ly, c.u(0.005), "#fff0c0", 2.2)
        c.glow(lx, ly, c.u(0.04), "#ff8a2a", 0.5)
        m, d = c.mask()
        d.line([(lx, by + s * 0.4), (lx + s * 0.3, h)], fill=110, width=max(2, int(c.u(0.012))))
        c.paint(m, "#ff9a3a", alpha=0.5, soft=c.u(0.012))
    return {"grain": 0.05, "bloom": 0.55, "vignette": 0.45, "contrast": 0.2}


def scene_mat_weaving(c: Canvas) -> dict:
    """Dệt chiếu: close-up of a sedge mat on the loom, dyed motif bands, shallow depth of field."""
    w, h = c.w, c.h
    s = np.clip(0.45 + 0.75 * c.yy / h, 0.3, 1.3)
    cx = w * 0.5
    U = (c.xx - cx) / s + cx
    V = np.cumsum(1 / s[:, :1], axis=0) * np.ones((1, w), F32)
    row_h = c.u(0.018)
    row = np.floor(V / row_h)
    fy = (V / row_h) % 1
    strand = 0.6 + 0.4 * np.sin(np.pi * fy) ** 0.7
    warp = c.u(0.045)
    wx = (U / warp) % 1
    over = ((np.floor(U / warp) + row) % 2).astype(F32)
    weave = np.where(over > 0.5, F32(1.0), F32(0.82)) * (1 - 0.35 * smooth(0.06, 0.0, np.minimum(wx, 1 - wx)))
    rng = c.rng
    row_tone = rng.uniform(0.85, 1.1, size=int(row.max()) + 3).astype(F32)
    tone = row_tone[row.astype(int).clip(0, len(row_tone) - 1)]
    base = col("#d9c08a") * tone[..., None]
    k = row.astype(int)
    cu = np.floor(U / warp).astype(int)
    band = (k // 14) % 3
    motif = (np.abs((cu % 12) - 6) + np.abs((k % 14) - 7)) < 5
    motif2 = ((k % 14) < 2)
    dye = np.where(band[..., None] == 0, col("#b2302a"), np.where(band[..., None] == 1, col("#2e6b4a"), col("#5a3a7a")))
    sel = (motif | motif2)[..., None]
    colr = np.where(sel, dye * tone[..., None], base)
    colr = colr * (strand * weave)[..., None]
    fiber = fbm(w, h, rng, scale=4, octaves=2, stretch=(6, 0.4))
    colr = colr * (0.88 + 0.22 * fiber)[..., None]
    light = 0.75 + 0.35 * smooth(0, w, c.xx + c.yy * 0.3)
    c.img[:] = colr * light[..., None]
    bar_y = h * 0.12
    m, d = c.mask()
    d.rectangle([0, bar_y - c.u(0.03), w, bar_y + c.u(0.03)], fill=255)
    grain_w = 0.75 + 0.25 * np.sin(c.xx / w * 60 + fbm(w, h, rng, w / 5) * 6)
    c.paint(m, lambda q: col("#6a4222") * grain_w[q][..., None] * (0.7 + 0.5 * smooth(bar_y + c.u(0.03), bar_y - c.u(0.03), c.yy[q]))[..., None])
    m, d = c.mask()
    for x in np.arange(0, w, warp * 0.5):
        d.line([(x, 0), (x + (x - cx) * 0.1, bar_y)], fill=160, width=1)
    c.paint(m, "#e8dcc0", soft=0.4)
    near = smooth(h * 0.15, h * 0.55, c.yy)
    blurred = blur_rgb(c.img, c.u(0.006))
    c.img[:] = mix(blurred, c.img, near[..., None])
    return {"grain": 0.03, "bloom": 0.1, "warmth": 0.04}


def scene_ocop(c: Canvas) -> dict:
    """Gian hàng OCOP: jars, pouches and bottles with star labels on a table, banner behind."""
    w, h = c.w, c.h
    c.img[:] = mix(col("#0e4a30"), col("#1f6e45"), smooth(0, h, c.yy)[..., None])
    tl = Image.new("L", (w, h), 0)
    td = ImageDraw.Draw(tl)
    td.text((w * 0.5, h * 0.12), "SẢN PHẨM OCOP", font=font(int(c.u(0.09))), fill=255, anchor="mm")
    td.text((w * 0.5, h * 0.22), "HUYỆN LẤP VÒ", font=font(int(c.u(0.06))), fill=255, anchor="mm")
    c.paint(tl, "#f2c94c", soft=0.5)
    for _ in range(22):
        c.glow(c.rng.uniform(0, w), c.rng.uniform(0, h * 0.5), c.u(c.rng.uniform(0.01, 0.03)), "#fff0c8",
               c.rng.uniform(0.1, 0.4))
    c.img[:] = blur_rgb(c.img, c.u(0.008))
    ty = h * 0.58
    cloth = col("#e9e2d0") * (0.85 + 0.2 * fbm(w, h, c.rng, w / 8)[..., None])
    c.paint((c.yy > ty).astype(F32), cloth * (0.75 + 0.35 * smooth(ty, h, c.yy))[..., None])
    f_label = font(int(c.u(0.028)))
    items = []
    n = 5 if w > h else 4
    for i in range(n):
        x = w * (0.14 + 0.72 * i / (n - 1))
        items.append((x, ty + (h - ty) * 0.16, i % 3))
    for i in range(n - 1):
        x = w * (0.14 + 0.72 * (i + 0.5) / (n - 1))
        items.append((x, ty + (h - ty) * (0.5 if h > w else 0.45), (i + 1) % 3))
    for x, base, kind in sorted(items, key=lambda t: t[1]):
        s = c.u(0.12) * (0.85 + 0.5 * (base - ty) / (h - ty))
        m, d = c.mask()
        d.ellipse([x - s * 0.7, base - s * 0.08, x + s * 0.7, base + s * 0.12], fill=255)
        c.paint(m, "#000000", alpha=0.35, soft=s * 0.1)
        if kind == 0:  # honey jar
            m, d = c.mask()
            d.rounded_rectangle([x - s * 0.5, base - s * 1.3, x + s * 0.5, base], radius=s * 0.15, fill=255)
            c.paint(m, lambda q, x=x, s=s: col("#c9801a")
                    * (0.55 + 0.6 * np.clip(1 - np.abs(c.xx[q] - x + s * 0.2) / (s * 0.5), 0, 1))[..., None])
            m, d = c.mask()
            d.rectangle([x - s * 0.52, base - s * 1.5, x + s * 0.52, base - s * 1.28], fill=255)
            c.paint(m, "#b8261a")
            top = base - s * 0.95
        elif kind == 1:  # kraft pouch
            m, d = c.mask()
            d.polygon([(x - s * 0.55, base), (x + s * 0.55, base), (x + s * 0.48, base - s * 1.5),
                       (x - s * 0.48, base - s * 1.5)], fill=255)
            c.paint(m, lambda q, x=x, s=s: col("#b08a5a") * (0.7 + 0.45 * np.clip(1 - np.abs(c.xx[q] - x + s * 0.15) / (s * 0.6), 0, 1))[..., None])
            top = base - s * 1.1
        else:  # bottle
            m, d = c.mask()
            d.rounded_rectangle([x - s * 0.32, base - s * 1.45, x + s * 0.32, base], radius=s * 0.1, fill=255)
            d.rectangle([x - s * 0.1, base - s * 1.85, x + s * 0.1, base - s * 1.4], fill=255)
            c.paint(m, lambda q, x=x, s=s: col("#2e5a28") * (0.5 + 0.7 * np.clip(1 - np.abs(c.xx[q] - x + s * 0.12) / (s * 0.32), 0, 1))[..., None])
            top = base - s * 1.0
        m, d = c.mask()
        d.rectangle([x - s * 0.38, top, x + s * 0.38, top + s * 0.55], fill=255)
        c.paint(m, "#fbf6ea")
        tl = Image.new("L", (w, h), 0)
        td = ImageDraw.Draw(tl)
        td.text((x, top + s * 0.17), "OCOP", font=f_label, fill=255, anchor="mm")
        c.paint(tl, "#0b5d3b", soft=0.3)
        m, d = c.mask()
        for k in range(4):
            sx, sy, R = x - s * 0.24 + k * s * 0.16, top + s * 0.4, s * 0.065
            d.polygon([(sx + (R if j % 2 == 0 else R * 0.4) * math.cos(-math.pi / 2 + j * math.pi / 5),
                        sy + (R if j % 2 == 0 else R * 0.4) * math.sin(-math.pi / 2 + j * math.pi / 5))
                       for j in range(10)], fill=255)
        c.paint(m, "#e0a800", soft=0.3)
        m, d = c.mask()
        d.line([(x - s * 0.3, base - s * 1.3), (x - s * 0.3, base - s * 0.2)], fill=200, width=max(2, int(s * 0.06)))
        c.paint(m, "#ffffff", alpha=0.35, soft=s * 0.03)
    near = 1 - smooth(h * 0.72, h * 0.98, c.yy) * 0.7
    c.img[:] = mix(blur_rgb(c.img, c.u(0.006)), c.img, near[..., None])
    return {"grain": 0.03, "bloom": 0.3, "warmth": 0.02}


def scene_lotus(c: Canvas) -> dict:
    """Sinh thái sông nước: a lotus pond with a wooden walkway and a thatched hut, palms behind."""
    w, h = c.w, c.h
    hz = h * (0.42 if w > h else 0.36)
    sky(c, hz, "golden", sun=(w * 0.8, hz - h * 0.12, c.u(0.03)), clouds=0.5)
    treeline(c, hz, h * 0.06, color="#23402a", haze=0.3, palms=18)
    hx, hb = w * 0.72, hz + h * 0.04
    m, d = c.mask()
    hs = c.u(0.16)
    for px in (hx - hs * 0.8, hx + hs * 0.8):
        d.rectangle([px - 3, hb - hs * 0.7, px + 3, hb + hs * 0.25], fill=255)
    c.paint(m, "#3a2a1a")
    m, d = c.mask()
    d.polygon([(hx - hs * 1.2, hb - hs * 0.6), (hx + hs * 1.2, hb - hs * 0.6), (hx, hb - hs * 1.4)], fill=255)
    thatch = 0.7 + 0.3 * np.sin(c.xx / 3 + c.tex * 6)
    c.paint(m, col("#9a7a48") * thatch[..., None])
    water(c, hz + 1, h, tint="#4e5a38", tint_amt=0.35, ripple=0.35, sun_x=w * 0.8)
    m, d = c.mask()
    f = w * 0.9
    pts = [(w * 0.15, h), (w * 0.3, hz + h * 0.25), (w * 0.55, hz + h * 0.12), (hx, hb + hs * 0.25)]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        wdt = (y0 - hz) * 0.12 + 2
        d.polygon([(x0 - wdt, y0), (x0 + wdt, y0), (x1 + wdt * 0.6, y1), (x1 - wdt * 0.6, y1)], fill=255)
    c.paint(m, lambda q: col("#8a6a44") * (0.7 + 0.4 * c.tex[q][..., None]))
    lotus_pond(c, hz + h * 0.03, n=55 if h > w else 45)
    palms(c, [(w * 0.05, h * 0.66, h * 0.45, 0.15), (w * 0.95, h * 0.62, h * 0.5, -0.2)], color="#1a2a18")
    del f
    return {"grain": 0.03, "bloom": 0.3, "warmth": 0.04}


def scene_heritage_house(c: Canvas) -> dict:
    """Khu du lịch văn hóa: a traditional southern house in a garden of bonsai and palms."""
    w, h = c.w, c.h
    hz = h * (0.66 if w > h else 0.6)
    sky(c, hz, "golden", sun=(w * 0.15, hz - h * 0.3, c.u(0.025)), clouds=0.45)
    treeline(c, hz, h * 0.08, color="#2a4a2c", haze=0.25, palms=10)
    W = w * (0.5 if w > h else 0.8)
    c.img[int(hz):] = col("#6a8a3a")
    lawn = mix(col("#4a7a2a"), col("#8ab04a"), fbm(w, h, c.rng, w / 12)[..., None])
    c.paint((c.yy > hz).astype(F32), lawn)
    dinh(c, w * 0.5, hz + h * 0.01, W, W * 0.5, roof="#5a3a2e", wall="#c9a46a")
    m, d = c.mask()
    d.polygon([(w * 0.46, hz + h * 0.01), (w * 0.54, hz + h * 0.01), (w * 0.75, h), (w * 0.25, h)], fill=255)
    c.paint(m, col("#b89a78") * (0.75 + 0.3 * fbm(w, h, c.rng, w / 25)[..., None]))
    f = w * 0.9
    for Z in (9, 6, 4):
        for side in (-1, 1):
            s = f / Z
            x, y = w / 2 + side * 2.2 * s, hz + 1.5 * s
            m, d = c.mask()
            d.polygon([(x - s * 0.25, y), (x + s * 0.25, y), (x + s * 0.32, y - s * 0.35), (x - s * 0.32, y - s * 0.35)],
                      fill=255)
            c.paint(m, lambda q: col("#7a4a2e") * (0.7 + 0.3 * c.tex[q][..., None]))
            tree(c, x, y - s * 0.35, s * 0.25, color="#2f5a2a", trunk="#4a3a2a", density=0.6)
    palms(c, [(w * 0.08, hz + h * 0.05, h * 0.55, 0.1), (w * 0.9, hz + h * 0.06, h * 0.6, -0.12)], color="#1f3320")
    return {"grain": 0.03, "bloom": 0.25, "warmth": 0.05}


def scene_industrial(c: Canvas, close: bool = False) -> dict:
    """Cụm công nghiệp: factory halls, silos, a crane and a road seen from a low hill."""
    w, h = c.w, c.h
    hz = h * (0.42 if w > h else 0.4)
    sky(c, hz, "day", clouds=0.5)
    treeline(c, hz, h * 0.025, color="#3a5a40", haze=0.5, palms=10)
    cam = Cam(w, h, f=w * (0.9 if not close else 0.6), vx=w * 0.5, vy=hz, height=9 if not close else 3)
    X, Z, below = ground_plane(c, cam)
    grass = mix(col("#5d7d3a"), col("#9ab060"), fbm(w, h, c.rng, w / 6)[..., None])
    road = (np.abs(X) < 5).astype(F32)
    lane = ((np.abs(X) < 0.12) & ((Z / 8) % 1 < 0.5)).astype(F32) * smooth(400, 30, Z)
    asph = col("#5a5a5c") * (0.85 + 0.25 * c.tex[..., None])
    gnd = mix(grass, asph, road[..., None])
    gnd = mix(gnd, col("#f2f2e8"), lane[..., None])
    gnd = mix(gnd, sky_color_at(c, hz - 2), smooth(300, 2000, Z)[..., None] * 0.6)
    c.paint(below, gnd)
    rng = c.rng
    blocks = []
    for Zb in (160, 120, 90, 65, 48, 36):
        for side in (-1, 1):
            if rng.random() < 0.15:
                continue
            X0 = side * rng.uniform(9, 14)
            wd = rng.uniform(14, 30)
            X0, X1 = (X0, X0 + wd) if side > 0 else (X0 - wd, X0)
            blocks.append((X0, X1, 0, rng.uniform(8, 14), Zb, Zb + rng.uniform(20, 40)))
    if close:
        blocks = [(6, 40, 0, 12, 18, 60), (-44, -6, 0, 14, 22, 70)]
    for X0, X1, Y0, Y1, Z0, Z1 in sorted(blocks, key=lambda b: -b[4]):
        colr = rng.choice(["#dfe3e6", "#c9d3dc", "#e8e4da", "#b8c4cc"])
        box3d(c, cam, X0, X1, Y0, Y1, Z0, Z1, colr, ribs=0.9, windows=(Y1 * 0.6, Y1 * 0.75))
        m, d = c.mask()
        a, b = cam.p(X0, Y1 * 0.85, Z0), cam.p(X1, Y1, Z0)
        d.rectangle([a[0], b[1], b[0], a[1]], fill=255)
        c.paint(m, rng.choice(["#0b5d3b", "#1f5fbf", "#c8102e"]))
    for Xs, Zs in ((-20, 80), (24, 110)):
        for k in range(3):
            x0, y0 = cam.p(Xs + k * 4.5, 0, Zs)
            x1, y1 = cam.p(Xs + k * 4.5 + 3.5, 22, Zs)
            m, d = c.mask()
            d.rectangle([x0, y1, x1, y0], fill=255)
            c.paint(m, lambda q, x0=x0, x1=x1: col("#d6d8da") * (0.55 + 0.6 * np.clip(
                1 - np.abs(c.xx[q] - (x0 + (x1 - x0) * 0.35)) / max(x1 - x0, 1), 0, 1))[..., None])
            m, d = c.mask()
            d.ellipse([x0, y1 - (x1 - x0) * 0.15, x1, y1 + (x1 - x0) * 0.15], fill=255)
            c.paint(m, "#eef0f2")
    bx, by = cam.p(30, 0, 140)
    tx, ty = cam.p(30, 45, 140)
    m, d = c.mask()
    d.line([(bx, by), (tx, ty)], fill=255, width=max(2, int(w * 0.004)))
    ax, ay = cam.p(-5, 44, 140)
    ex, ey = cam.p(42, 44, 140)
    d.line([(ax, ay), (ex, ey)], fill=255, width=max(2, int(w * 0.003)))
    d.line([(tx, ty - h * 0.02), (ax, ay)], fill=200, width=1)
    d.line([(tx, ty - h * 0.02), (ex, ey)], fill=200, width=1)
    c.paint(m, "#e0a800", soft=0.5)
    for Zt in np.arange(14, 200, 9):
        for side in (-1, 1):
            x, y = cam.p(side * 7, 0, Zt)
            s = cam.f / Zt
            tree(c, x, y, s * 1.4, color="#2f6a2a", density=0.7)
    for Zt, Xt in ((40, -2.5), (75, 2.5), (120, -2.5)):
        box3d(c, cam, Xt - 1.2, Xt + 1.2, 0, 3, Zt, Zt + 8, "#e8e8e8")
    return {"grain": 0.025, "bloom": 0.15}


def scene_port(c: Canvas) -> dict:
    """Bến cảng on the Hậu river: containers, a crane and barges, afternoon light."""
    w, h = c.w, c.h
    hz = h * (0.5 if w > h else 0.45)
    sky(c, hz, "golden", sun=(w * 0.85, hz - h * 0.2, c.u(0.025)), clouds=0.45)
    treeline(c, hz, h * 0.02, color="#3a4a3a", haze=0.55, palms=8)
    cam = Cam(w, h, f=w * 0.9, vx=w * 0.45, vy=hz, height=6)
    quay_z = 60
    rng = c.rng
    colors = ["#c0392b", "#2e86c1", "#27ae60", "#e67e22", "#7d3c98", "#95a5a6"]
    for row in range(3):
        for k in range(8):
            X0 = -30 + k * 7 + rng.uniform(0, 1)
            for lev in range(rng.integers(1, 4)):
                box3d(c, cam, X0, X0 + 6, lev * 2.6, lev * 2.6 + 2.5, quay_z + row * 14, quay_z + row * 14 + 12,
                      rng.choice(colors), ribs=0.35)
    x0, y0 = cam.p(-40, 0, quay_z - 1)
    x1, _ = cam.p(40, 0, quay_z - 1)
    m, d = c.mask()
    d.rectangle([0, y0 - 2, w, y0 + h * 0.012], fill=255)
    c.paint(m, "#8a8a86")
    cx0, cy0 = cam.p(22, 0, quay_z)
    cx1, cy1 = cam.p(22, 30, quay_z)
    jx, jy = cam.p(-4, 34, quay_z)
    m, d = c.mask()
    d.line([(cx0, cy0), (cx1, cy1)], fill=255, width=max(3, int(w * 0.008)))
    d.line([(cx1, cy1), (jx, jy)], fill=255, width=max(2, int(w * 0.005)))
    d.line([(jx, jy), (jx, cam.p(-4, 8, quay_z)[1])], fill=255, width=1)
    c.paint(m, "#e8b400", soft=0.5)
    water(c, y0 + h * 0.012, h, tint="#7a6040", tint_amt=0.35, sun_x=w * 0.85)
    for Zb, Xb, ln in ((38, -14, 22), (24, 6, 26)):
        a = cam.p(Xb, 0.8, Zb)
        b = cam.p(Xb + ln, -0.6, Zb)
        m, d = c.mask()
        d.polygon([(a[0], a[1]), (b[0], a[1]), (b[0] - (b[0] - a[0]) * 0.05, b[1]), (a[0] + (b[0] - a[0]) * 0.08, b[1])],
                  fill=255)
        c.paint(m, lambda q: col("#3a2a22") * (0.8 + 0.3 * c.tex[q][..., None]))
        m, d = c.mask()
        s = cam.f / Zb
        d.polygon([(a[0] + s * 2, a[1]), (b[0] - s * 4, a[1]), (b[0] - s * 6, a[1] - s * 1.6), (a[0] + s * 4, a[1] - s * 1.6)],
                  fill=255)
        c.paint(m, lambda q: col("#c9b48a") * (0.7 + 0.5 * c.tex[q][..., None]))
        m, d = c.mask()
        d.rectangle([b[0] - s * 3.5, a[1] - s * 3, b[0] - s * 1, a[1]], fill=255)
        c.paint(m, "#e8e2d4")
    return {"grain": 0.03, "bloom": 0.25, "warmth": 0.04}


def scene_road(c: Canvas) -> dict:
    """A new provincial road between rice fields and tree rows, converging to the horizon."""
    w, h = c.w, c.h
    hz = h * (0.45 if w > h else 0.44)
    sky(c, hz, "day", clouds=0.55)
    treeline(c, hz, h * 0.03, color="#2d4a2c", haze=0.45, palms=12)
    cam = Cam(w, h, f=w * 0.9, vx=w * 0.5, vy=hz, height=1.6)
    c.img[int(hz):] = sky_color_at(c, hz - 3) * 0.6
    rice_field(c, hz, stage="green", levees=True)
    X, Z, below = ground_plane(c, cam)
    xc = X - 2.6  # the camera stands on the left shoulder
    road = smooth(3.7, 3.6, np.abs(xc)) * below
    T = fbm(128, 128, c.rng, scale=3, octaves=2)
    grit = world_tex(T, X / 0.02, Z / 0.02)
    grit = mix(np.float32(0.5), grit, smooth(0.0, 0.25, (c.yy - hz) / (h - hz)))
    mark = (((np.abs(xc) < 0.08) & ((Z / 9) % 1 < 0.45)) | (np.abs(np.abs(xc) - 3.4) < 0.08)).astype(F32)
    asph = col("#68686a") * (0.9 + 0.16 * grit)[..., None]
    asph = mix(asph, col("#eeeee6"), mark[..., None] * smooth(400, 10, Z)[..., None])
    asph = mix(asph, sky_color_at(c, hz - 2), smooth(150, 1500, Z)[..., None] * 0.5)
    c.paint(road, asph)
    for Zt in np.arange(200, 5, -7):
        for xt in (-1.6, 7.2):
            x, y = cam.p(xt, 0, Zt)
            s = cam.f / Zt
            tree(c, x, y, s * 1.5, color="#2e6028", density=0.8)
    m, d = c.mask()
    for Zp in np.arange(160, 20, -28):
        x, y = cam.p(-0.8, 0, Zp)
        _, yt = cam.p(-0.8, 9, Zp)
        d.line([(x, y), (x, yt)], fill=255, width=max(1, int(cam.f / Zp * 0.22)))
    c.paint(m, "#a5a5a2")
    for Zm, Xm in ((70, 4.4), (38, 1.0), (22, 4.0)):
        x, y = cam.p(Xm, 0, Zm)
        s = cam.f / Zm
        m, d = c.mask()
        d.ellipse([x - s * 0.25, y - s * 0.55, x + s * 0.25, y], fill=255)
        d.rectangle([x - s * 0.2, y - s * 0.8, x + s * 0.2, y - s * 0.35], fill=255)
        c.paint(m, "#2a2a2e")
        figure(c, x, y - s * 0.35, s * 1.25, shirt=str(c.rng.choice(SHIRTS)), legs=False)
    return {"grain": 0.025, "bloom": 0.15}


def scene_solar(c: Canvas) -> dict:
    """Tăng trưởng xanh: rows of solar panels on a farm beside rice fields, bright sky."""
    w, h = c.w, c.h
    hz = h * (0.4 if w > h else 0.36)
    sky(c, hz, "day", clouds=0.5, sun=(w * 0.2, h * 0.1, c.u(0.03)))
    treeline(c, hz, h * 0.035, color="#2d4a2c", haze=0.4, palms=12)
    c.img[int(hz):] = sky_color_at(c, hz - 3) * 0.6
    rice_field(c, hz, stage="young", levees=True)
    cam = Cam(w, h, f=w * 0.9, vx=w * 0.55, vy=hz, height=4.5)
    for Zr in np.arange(120, 7, -6):
        a = cam.p(-30, 0.6, Zr + 1.6)
        b = cam.p(3, 0.6, Zr + 1.6)
        cc = cam.p(3, 2.2, Zr + 0.2)
        dd = cam.p(-30, 2.2, Zr + 0.2)
        m, d = c.mask()
        d.polygon([a, b, cc, dd], fill=255)
        def panel(q, a=a, dd=dd, Zr=Zr):
            refl = mix(col("#1b2f5a"), col("#6a8ac0"), smooth(dd[1], a[1], c.yy[q])[..., None])
            grid = 0.85 + 0.15 * (np.cos((c.xx[q] - cam.vx) / max(cam.f / Zr, 1) * 2 * np.pi) > 0.9)
            return refl * grid[..., None]

        c.paint(m, panel, soft=0.6)
        m, d = c.mask()
        for X in np.arange(-30, 3, 4):
            x0, y0 = cam.p(X, 0, Zr + 1)
            _, y1 = cam.p(X, 1.4, Zr + 1)
            d.line([(x0, y0), (x0, y1)], fill=255, width=max(1, int(cam.f / Zr * 0.12)))
        c.paint(m, "#7a7a7a")
    return {"grain": 0.025, "bloom": 0.2}


def scene_government(c: Canvas, mood: str = "day") -> dict:
    """Trụ sở: a symmetric civic building with columns, the national flag, lawn and palms."""
    w, h = c.w, c.h
    hz = h * (0.66 if w > h else 0.62)
    sky(c, hz, mood, clouds=0.45, sun=None if mood == "day" else (w * 0.12, hz - h * 0.2, c.u(0.03)))
    treeline(c, hz, h * 0.05, color="#2a4a2c", haze=0.3, palms=6)
    cx = w * 0.5
    BW = w * (0.8 if w > h else 1.2)
    floors = 3
    fh = h * 0.085
    top = hz - fh * floors
    m, d = c.mask()
    d.rectangle([cx - BW / 2, top, cx + BW / 2, hz], fill=255)
    c.paint(m, lambda q: col("#efdca8") * (0.85 + 0.2 * c.tex[q][..., None]))
    for fl in range(floors):
        y0 = top + fl * fh + fh * 0.25
        m, d = c.mask()
        for x in np.arange(cx - BW / 2 + BW * 0.03, cx + BW / 2 - BW * 0.03, BW * 0.05):
            d.rectangle([x, y0, x + BW * 0.028, y0 + fh * 0.55], fill=255)
        c.paint(m, lambda q, y0=y0: mix(col("#2a3e5a"), col("#8aaecf"), smooth(y0 + fh * 0.55, y0, c.yy[q])[..., None]))
    m, d = c.mask()
    d.rectangle([cx - BW * 0.15, top - fh * 0.8, cx + BW * 0.15, hz], fill=255)
    c.paint(m, lambda q: col("#f4e6bc") * (0.85 + 0.2 * c.tex[q][..., None]))
    m, d = c.mask()
    for x in np.linspace(cx - BW * 0.13, cx + BW * 0.13, 6):
        d.rectangle([x - BW * 0.008, top - fh * 0.5, x + BW * 0.008, hz], fill=255)
    c.paint(m, lambda q: col("#fbf7ee") * (0.75 + 0.4 * np.clip(1 - np.abs((c.xx[q] - cx) % (BW * 0.052) - BW * 0.01) / (BW * 0.02), 0, 1))[..., None])
    m, d = c.mask()
    d.polygon([(cx - BW * 0.18, top - fh * 0.75), (cx + BW * 0.18, top - fh * 0.75), (cx, top - fh * 1.6)], fill=255)
    c.paint(m, lambda q: col("#b0442a") * (0.8 + 0.3 * c.tex[q][..., None]))
    m, d = c.mask()
    d.polygon([(cx - BW * 0.52, top + 2), (cx + BW * 0.52, top + 2), (cx + BW * 0.47, top - fh * 0.35),
               (cx - BW * 0.47, top - fh * 0.35)], fill=255)
    c.paint(m, lambda q: col("#a84a30") * (0.8 + 0.3 * c.tex[q][..., None]))
    sphere(c, cx, top - fh * 1.05, fh * 0.28, "#d42a1e", spec=0.2)
    m, d = c.mask()
    d.ellipse([cx - fh * 0.3, top - fh * 1.35, cx + fh * 0.3, top - fh * 0.75], outline=255, width=max(2, int(fh * 0.06)))
    c.paint(m, "#e8b820")
    c.img[int(hz):] = col("#7a9a4a")
    X, Z, d_ = field_perspective(c, hz, cx)
    lawn = mix(col("#4a7a2a"), col("#8ab04a"), fbm(w, h, c.rng, w / 10)[..., None])
    plaza = col("#c9c2b2") * (0.85 + 0.2 * c.tex[..., None])
    path = (np.abs(X) < 2.2).astype(F32)
    c.paint((c.yy > hz).astype(F32), mix(lawn, plaza, path[..., None]))
    flag_vn(c, cx + w * 0.28, hz - h * 0.42, c.u(0.16), hz - h * 0.43, hz + h * 0.12)
    palms(c, [(w * 0.08, hz + h * 0.1, h * 0.6, 0.05), (w * 0.2, hz + h * 0.06, h * 0.45, -0.03),
              (w * 0.92, hz + h * 0.12, h * 0.62, -0.06)], color="#1f3320")
    for x in np.linspace(w * 0.3, w * 0.7, 9):
        if abs(x - cx) < w * 0.06:
            continue
        for _ in range(6):
            sphere(c, x + c.rng.normal(0, w * 0.012), hz + h * 0.05 + c.rng.normal(0, h * 0.005), c.u(0.008),
                   c.rng.choice(["#e0302a", "#f0c020", "#f080a0"]))
    return {"grain": 0.025, "bloom": 0.15}


def scene_office(c: Canvas, sign: str = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ") -> dict:
    """Bộ phận một cửa: a bright service hall with counters, screens, a queue display, citizens."""
    w, h = c.w, c.h
    cam = Cam(w, h, f=w * (0.55 if w > h else 0.8), vx=w * 0.5, vy=h * 0.45, height=1.6)
    room(c, cam, half_w=5.0, ceil=3.4, depth=18, wall="#eee6d2", floor="#d8d2c6")
    bx0, by0 = cam.p(-3.2, 2.9, 17.9)
    bx1, by1 = cam.p(3.2, 2.3, 17.9)
    m, d = c.mask()
    d.rectangle([bx0, by0, bx1, by1], fill=255)
    c.paint(m, "#b3141b")
    tl = Image.new("L", (w, h), 0)
    ImageDraw.Draw(tl).text(((bx0 + bx1) / 2, (by0 + by1) / 2), sign, font=font(max(8, int((by1 - by0) * 0.45))),
                            fill=255, anchor="mm")
    c.paint(tl, "#ffd84a", soft=0.3)
    qx0, qy0 = cam.p(-1.0, 2.15, 17.9)
    qx1, qy1 = cam.p(1.0, 1.5, 17.9)
    m, d = c.mask()
    d.rectangle([qx0, qy0, qx1, qy1], fill=255)
    c.paint(m, "#111418")
    tl = Image.new("L", (w, h), 0)
    ImageDraw.Draw(tl).text(((qx0 + qx1) / 2, (qy0 + qy1) / 2), "A012 → 03", font=font(max(8, int((qy1 - qy0) * 0.5))),
                            fill=255, anchor="mm")
    c.paint(tl, "#ff4a3a", soft=0.3)
    for Z in np.arange(16, 3, -3.0):
        box3d(c, cam, 2.2, 4.99, 0, 1.05, Z, Z + 2.6, "#d9c7a6")
        box3d(c, cam, 2.6, 3.2, 1.05, 1.55, Z + 0.8, Z + 1.0, "#23262b")
        sx, sy = cam.p(2.6, 1.5, Z + 0.8)
        sx2, sy2 = cam.p(2.6, 1.1, Z + 0.8)
        c.glow(sx, (sy + sy2) / 2, cam.f / Z * 0.15, "#9ad0ff", 0.5)
        s = cam.f / (Z + 1.0)
        x, y = cam.p(1.6, 0, Z + 1.0)
        figure(c, x, y, s * 1.62, shirt=str(c.rng.choice(SHIRTS)), dress=c.rng.random() < 0.3)
    for Z in np.arange(13, 4, -2.5):
        box3d(c, cam, -4.2, -2.0, 0.0, 0.45, Z, Z + 0.6, "#2a5fa8")
        for X in np.arange(-4.0, -2.0, 0.7):
            if c.rng.random() < 0.55:
                x, y = cam.p(X + 0.3, 0.45, Z + 0.3)
                s = cam.f / (Z + 0.3)
                figure(c, x, y, s * 0.95, shirt=str(c.rng.choice(SHIRTS)), legs=False)
    c.img[:] = mix(blur_rgb(c.img, c.u(0.004)), c.img, smooth(h * 0.45, h * 0.75, c.yy)[..., None])
    return {"grain": 0.03, "bloom": 0.3, "vignette": 0.3}


def scene_classroom(c: Canvas) -> dict:
    """Lớp học số: an interactive screen at the front, window light, pupils in white shirts."""
    w, h = c.w, c.h
    cam = Cam(w, h, f=w * (0.55 if w > h else 0.8), vx=w * 0.55, vy=h * 0.42, height=1.5)
    info = room(c, cam, half_w=4.2, ceil=3.3, depth=11, wall="#e8eee0", floor="#c8b89a", lights=True)
    win = (info["which"] == 2) & (np.abs((info["Z"] / 2.5) % 1 - 0.5) < 0.3) & (info["Y"] > 0.9) & (info["Y"] < 2.6)
    c.paint(win.astype(F32), col("#f4fbff") * 1.2)
    shaft = smooth(0.35, 0.0, np.abs((info["Z"] / 2.5 + info["X"] * 0.3) % 1 - 0.5)) * (info["which"] == 0)
    c.paint(shaft * 0.25, "#fff6dc")
    bx0, by0 = cam.p(-2.2, 2.6, 10.9)
    bx1, by1 = cam.p(2.2, 1.0, 10.9)
    m, d = c.mask()
    d.rectangle([bx0 - 6, by0 - 6, bx1 + 6, by1 + 6], fill=255)
    c.paint(m, "#202428")
    m, d = c.mask()
    d.rectangle([bx0, by0, bx1, by1], fill=255)
    c.paint(m, lambda q: mix(col("#0e5a8a"), col("#1f8ac0"), smooth(by0, by1, c.yy[q])[..., None]))
    for i, v in enumerate((0.45, 0.6, 0.8, 0.7, 0.9)):
        m, d = c.mask()
        x0 = bx0 + (bx1 - bx0) * (0.52 + i * 0.09)
        d.rectangle([x0, by1 - (by1 - by0) * 0.75 * v, x0 + (bx1 - bx0) * 0.06, by1 - (by1 - by0) * 0.1], fill=255)
        c.paint(m, "#f2b705" if i == 4 else "#e8f4ff")
    tl = Image.new("L", (w, h), 0)
    ImageDraw.Draw(tl).text((bx0 + (bx1 - bx0) * 0.05, by0 + (by1 - by0) * 0.12), "Bài 5: Em tập\nlập trình",
                            font=font(max(8, int((by1 - by0) * 0.11))), fill=255)
    c.paint(tl, "#ffffff", soft=0.3)
    c.glow((bx0 + bx1) / 2, (by0 + by1) / 2, (bx1 - bx0) * 0.5, "#4ab0ff", 0.15)
    for Z in np.arange(9.0, 2.0, -1.4):
        for X0 in (-3.0, -0.9, 1.2):
            box3d(c, cam, X0, X0 + 1.5, 0.7, 0.76, Z, Z + 0.55, "#b08a5a")
            box3d(c, cam, X0 + 0.05, X0 + 1.45, 0.0, 0.7, Z + 0.5, Z + 0.55, "#8a6a44")
            m, d = c.mask()
            for k in range(2):
                x, y = cam.p(X0 + 0.4 + k * 0.7, 0.3, Z + 0.85)
                s = cam.f / (Z + 0.85)
                hr = s * 0.11
                d.ellipse([x - hr, y - s * 0.95 - hr, x + hr, y - s * 0.95 + hr], fill=255)
            c.paint(m, "#1e1a18", soft=0.8)
            m, d = c.mask()
            for k in range(2):
                x, y = cam.p(X0 + 0.4 + k * 0.7, 0.3, Z + 0.85)
                s = cam.f / (Z + 0.85)
                d.rounded_rectangle([x - s * 0.2, y - s * 0.82, x + s * 0.2, y - s * 0.35], radius=s * 0.08, fill=255)
            c.paint(m, "#f4f4f0", soft=0.8)
    return {"grain": 0.03, "bloom": 0.35, "vignette": 0.3}


def phone_screen(sw: int, sh: int, variant: str) -> Image.Image:
    """The screen of a public-service app (Vietnamese UI) as an RGB image."""
    im = Image.new("RGB", (sw, sh), "#f3f5f4")
    d = ImageDraw.Draw(im)
    u = sw / 100
    fb, fr = font(int(u * 6.0)), font(int(u * 4.4), "regular")
    fs = font(int(u * 3.6), "regular")
    d.rectangle([0, 0, sw, u * 34], fill="#0b5d3b")
    d.text((u * 6, u * 3), "9:41", font=fs, fill="#ffffff")
    d.rectangle([sw - u * 14, u * 3.5, sw - u * 6, u * 6.5], outline="#ffffff", width=max(1, int(u * 0.5)))
    d.rectangle([sw - u * 13, u * 4.5, sw - u * 8, u * 5.5], fill="#ffffff")
    if variant == "lienthong":
        title, sub = "Dịch vụ công", "Liên thông thủ tục hành chính"
        cards = [("Khai sinh – Thường trú", "Thẻ BHYT cho trẻ dưới 6 tuổi", 1.0, "Đã trả kết quả"),
                 ("Khai tử – Xóa thường trú", "Hỗ trợ chi phí mai táng", 0.6, "Đang xử lý"),
                 ("Tra cứu hồ sơ", "Nhập mã hồ sơ để xem tiến độ", 0.0, "")]
        button = "Nộp hồ sơ trực tuyến"
    else:
        title, sub = "Kết quả hồ sơ", "Thông báo từ Bộ phận một cửa"
        cards = [("Hồ sơ 000.00.12.H18", "Đăng ký kinh doanh hộ cá thể", 1.0, "Đã có kết quả"),
                 ("Đánh giá mức độ hài lòng", "Rất hài lòng ★★★★★", 1.0, "Đã gửi"),
                 ("Thanh toán trực tuyến", "Lệ phí: 100.000 đồng", 1.0, "Thành công")]
        button = "Nhận kết quả tại nhà"
    d.text((u * 6, u * 12), title, font=font(int(u * 8.5)), fill="#ffffff")
    d.text((u * 6, u * 24), sub, font=fr, fill="#d8efe2")
    y = u * 40
    for name, detail, prog, status in cards:
        d.rounded_rectangle([u * 5, y, sw - u * 5, y + u * 30], radius=u * 3, fill="#ffffff", outline="#dfe5e2")
        d.ellipse([u * 9, y + u * 5, u * 19, y + u * 15], fill="#0b5d3b" if prog >= 1 else "#f2b705")
        d.text((u * 14, y + u * 10), "✓" if prog >= 1 else "…", font=fr, fill="#ffffff", anchor="mm")
        d.text((u * 23, y + u * 4), name, font=fb, fill="#1a1a1a")
        d.text((u * 23, y + u * 12), detail, font=fs, fill="#595959")
        if prog > 0:
            d.rounded_rectangle([u * 9, y + u * 21, sw - u * 9, y + u * 24], radius=u * 1.5, fill="#e4e9e6")
            d.rounded_rectangle([u * 9, y + u * 21, u * 9 + (sw - u * 18) * prog, y + u * 24], radius=u * 1.5,
                                fill="#0b5d3b" if prog >= 1 else "#f2b705")
            d.text((sw - u * 9, y + u * 16.5), status, font=fs, fill="#0b5d3b" if prog >= 1 else "#9a6a00", anchor="rm")
        y += u * 35
    d.rounded_rectangle([u * 8, y + u * 3, sw - u * 8, y + u * 17], radius=u * 7, fill="#f2b705")
    d.text((sw / 2, y + u * 10), button, font=fb, fill="#1a1a1a", anchor="mm")
    d.rectangle([0, sh - u * 16, sw, sh], fill="#ffffff")
    for i, lab in enumerate(("Trang chủ", "Hồ sơ", "Thông báo", "Cá nhân")):
        x = sw * (i + 0.5) / 4
        d.ellipse([x - u * 3, sh - u * 14, x + u * 3, sh - u * 8], fill="#0b5d3b" if i == 0 else "#9aa5a0")
        d.text((x, sh - u * 4), lab, font=font(int(u * 3), "regular"), fill="#595959", anchor="mm")
    return im


def scene_phone(c: Canvas, variant: str = "lienthong") -> dict:
    """A phone showing the public-service app, held up in front of a soft, blurred background."""
    w, h = c.w, c.h
    bg = Canvas(w // 4, h // 4, c.rng)
    scene_rice(bg, stage="green", mood="golden") if variant == "lienthong" else scene_government(bg)
    big = np.asarray(Image.fromarray((np.clip(bg.img, 0, 1) * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC),
                     F32) / 255
    c.img[:] = blur_rgb(big, c.u(0.012))
    for _ in range(14):
        c.glow(c.rng.uniform(0, w), c.rng.uniform(0, h), c.u(c.rng.uniform(0.02, 0.05)), "#fff4d8", 0.2)
    pw = int(min(w * 0.55, h * 0.36))
    ph = int(pw * 2.05)
    bezel = int(pw * 0.045)
    sw, sh = pw - 2 * bezel, ph - 2 * bezel
    phone = Image.new("RGBA", (pw, ph), (0, 0, 0, 0))
    pd = ImageDraw.Draw(phone)
    pd.rounded_rectangle([0, 0, pw - 1, ph - 1], radius=int(pw * 0.12), fill=(22, 24, 28, 255))
    scr = phone_screen(sw, sh, variant)
    smask = Image.new("L", (sw, sh), 0)
    ImageDraw.Draw(smask).rounded_rectangle([0, 0, sw - 1, sh - 1], radius=int(pw * 0.09), fill=255)
    phone.paste(scr, (bezel, bezel), smask)
    pd.rounded_rectangle([pw * 0.38, bezel + pw * 0.02, pw * 0.62, bezel + pw * 0.07], radius=int(pw * 0.03),
                         fill=(10, 10, 12, 255))
    angle = -7 if variant == "lienthong" else 6
    rot = phone.rotate(angle, resample=Image.BICUBIC, expand=True)
    ox, oy = (w - rot.width) // 2, int(h * 0.52 - rot.height / 2)
    sm = Image.new("L", (w, h), 0)
    sm.paste(rot.getchannel("A"), (ox + int(pw * 0.06), oy + int(pw * 0.08)))
    c.paint(sm, "#000000", alpha=0.5, soft=c.u(0.025))
    rgb = np.asarray(rot.convert("RGB"), F32) / 255
    a = np.asarray(rot.getchannel("A"), F32) / 255
    y0, x0 = max(oy, 0), max(ox, 0)
    y1, x1 = min(oy + rot.height, h), min(ox + rot.width, w)
    reg = c.img[y0:y1, x0:x1]
    src = rgb[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    aa = a[y0 - oy:y1 - oy, x0 - ox:x1 - ox, None]
    reg += (src * 0.97 - reg) * aa
    gl = smooth(oy, oy + rot.height * 0.5, c.yy + (c.xx - ox) * 0.6) * 0.0 + \
        smooth(0.0, 1.0, 1 - np.abs((c.xx - ox) / max(rot.width, 1) - (c.yy - oy) / max(rot.height, 1) - 0.1) * 4)
    full_a = np.zeros((h, w), F32)
    full_a[y0:y1, x0:x1] = aa[..., 0]
    c.paint(gl * full_a * 0.12, "#ffffff")
    return {"grain": 0.025, "bloom": 0.15, "vignette": 0.3}


# ---------------------------------------------------------------------------------------------
# What each campaign gets
# ---------------------------------------------------------------------------------------------

LANDSCAPE = (1600, 1067)
PORTRAIT = (1067, 1600)


@dataclass(frozen=True)
class ImageSpec:
    name: str  # file in images/
    scene: Callable[..., dict]
    portrait: bool = False
    opts: tuple[tuple[str, object], ...] = ()
    title: str = ""  # ASCII description written to EXIF

    @property
    def size(self) -> tuple[int, int]:
        return PORTRAIT if self.portrait else LANDSCAPE


@dataclass(frozen=True)
class ClipSpec:
    """A short clip: a slow pan over one of the campaign's pictures (images/<source>).

    layout: landscape 1280x720 · portrait 720x1280 · rotated (stored 1280x720 with a 90° display
    rotation, as phones record portrait) · vfr (landscape, variable frame rate like phone footage).
    """

    name: str  # file in clips/
    source: str  # a file in images/ (generated first)
    seconds: float = 4.0
    layout: str = "landscape"

    @property
    def display_size(self) -> tuple[int, int]:
        return (720, 1280) if self.layout in ("portrait", "rotated") else (1280, 720)


@dataclass(frozen=True)
class MusicSpec:
    name: str  # file in music/ (.mp3, .m4a, .wav, .ogg or .flac)
    seconds: float = 36.0
    root: float = 220.0  # Hz of the tonic
    bpm: float = 84.0
    mood: str = "calm"  # calm | festive | bright | night


@dataclass(frozen=True)
class CampaignMedia:
    images: tuple[ImageSpec, ...]
    clip: ClipSpec
    music: MusicSpec
    voice: str | None = None  # text for espeak-ng (optional; only when espeak-ng is installed)


def _o(**kw) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(kw.items()))


MEDIA: dict[str, CampaignMedia] = {
    "gio-to-hung-vuong-2024": CampaignMedia(
        images=(
            ImageSpec("dinh-tan-an-trung.jpg", scene_dinh, opts=_o(sign="ĐÌNH TÂN AN TRUNG"),
                      title="Dinh Tan An Trung on festival day"),
            ImageSpec("le-ruoc-kieu.jpg", scene_procession, title="Palanquin procession"),
            ImageSpec("dang-huong-tuong-niem.jpg", scene_incense, portrait=True, title="Incense offering"),
            ImageSpec("mam-ngu-qua.jpg", scene_fruit_tray, portrait=True, title="Five-fruit tray"),
            ImageSpec("co-hoi-san-dinh.jpg", scene_flags, portrait=True, title="Flags in the temple yard"),
        ),
        clip=ClipSpec("le-ruoc.mp4", "le-ruoc-kieu.jpg", seconds=4.0, layout="landscape"),
        music=MusicSpec("nhac-nen-le-hoi.mp3", seconds=36, root=196.0, bpm=92, mood="festive"),
        voice="Lễ hội Giỗ Tổ Hùng Vương tại đình Tân An Trung, xã Tân Khánh Trung, huyện Lấp Vò.",
    ),
    "ocop-gia-tri-xanh": CampaignMedia(
        images=(
            ImageSpec("gian-hang-ocop.jpg", scene_ocop, title="OCOP products stall"),
            ImageSpec("vuon-xoai.jpg", scene_orchard, opts=_o(fruit="#e8b83a"), title="Mango orchard"),
            ImageSpec("canh-dong-lua-xanh.jpg", scene_rice, portrait=True, opts=_o(stage="green", farmers=3),
                      title="Green rice field with farmers"),
            ImageSpec("chieu-dinh-yen.jpg", scene_mat_weaving, portrait=True, title="Dinh Yen sedge mat"),
            ImageSpec("gian-hang-ocop-doc.jpg", scene_ocop, portrait=True, title="OCOP products (portrait)"),
        ),
        clip=ClipSpec("canh-dong.mp4", "canh-dong-lua-xanh.jpg", seconds=4.0, layout="portrait"),
        music=MusicSpec("nhac-nen-xanh.m4a", seconds=32, root=246.94, bpm=88, mood="bright"),
    ),
    "du-lich-nong-thon": CampaignMedia(
        images=(
            ImageSpec("khu-du-lich-phuong-nam.jpg", scene_heritage_house, title="Phuong Nam culture park"),
            ImageSpec("vuon-cay-an-trai.jpg", scene_orchard, opts=_o(fruit="#f08a2a"), title="Fruit orchard"),
            ImageSpec("song-hau-hoang-hon.jpg", scene_river, opts=_o(mood="sunset"), title="Hau river at sunset"),
            ImageSpec("det-chieu-thu-cong.jpg", scene_mat_weaving, portrait=True, title="Hand mat weaving"),
            ImageSpec("cho-ma-dinh-yen.jpg", scene_night_market, portrait=True, title="Cho ma night market"),
            ImageSpec("diem-du-lich-aqua.jpg", scene_lotus, portrait=True, title="AQUA eco-tourism spot"),
        ),
        clip=ClipSpec("song-hau-chieu-ta.mp4", "song-hau-hoang-hon.jpg", seconds=5.0, layout="vfr"),
        music=MusicSpec("nhac-nen-que-huong.mp3", seconds=34, root=220.0, bpm=76, mood="calm"),
    ),
    "chuyen-doi-so": CampaignMedia(
        images=(
            ImageSpec("dich-vu-cong-lien-thong.jpg", scene_phone, portrait=True, opts=_o(variant="lienthong"),
                      title="Linked public services on a phone"),
            ImageSpec("drone-phun-thuoc.jpg", scene_rice, opts=_o(stage="green", drone_=True, mood="golden"),
                      title="Spraying drone over rice"),
            ImageSpec("lop-hoc-so.jpg", scene_classroom, title="Digital classroom"),
            ImageSpec("bo-phan-mot-cua.jpg", scene_office, title="One-stop service counter"),
            ImageSpec("tra-cuu-ket-qua.jpg", scene_phone, portrait=True, opts=_o(variant="ketqua"),
                      title="Checking results on a phone"),
        ),
        clip=ClipSpec("drone-tren-dong.mp4", "drone-phun-thuoc.jpg", seconds=4.0, layout="rotated"),
        music=MusicSpec("nhac-nen-so.m4a", seconds=31, root=261.63, bpm=104, mood="bright"),
    ),
    "cai-cach-hanh-chinh": CampaignMedia(
        images=(
            ImageSpec("tru-so-ubnd-huyen.jpg", scene_government, title="District People's Committee"),
            ImageSpec("quay-tiep-nhan-ho-so.jpg", scene_office, title="Reception counters"),
            ImageSpec("nhan-ket-qua-tren-dien-thoai.jpg", scene_phone, portrait=True, opts=_o(variant="ketqua"),
                      title="Results on a phone"),
            ImageSpec("co-to-quoc.jpg", scene_flags, portrait=True, opts=_o(festival=False, mood="golden"),
                      title="National flag"),
        ),
        clip=ClipSpec("mot-cua.mp4", "quay-tiep-nhan-ho-so.jpg", seconds=3.5, layout="landscape"),
        music=MusicSpec("nhac-nen-hanh-chinh.wav", seconds=26, root=233.08, bpm=96, mood="calm"),
    ),
    "giam-phat-thai-metan": CampaignMedia(
        images=(
            ImageSpec("canh-dong-binh-minh.jpg", scene_rice, opts=_o(stage="golden", mood="dawn"),
                      title="Rice field at dawn"),
            ImageSpec("ruong-uot-kho-xen-ke.jpg", scene_rice, portrait=True,
                      opts=_o(stage="young", mood="dawn", flooded=0.8), title="Alternate wetting and drying"),
            ImageSpec("cuon-rom-sau-thu-hoach.jpg", scene_rice, opts=_o(stage="harvested", straw=True, mood="golden"),
                      title="Straw bales after harvest"),
            ImageSpec("nong-dan-tham-dong.jpg", scene_rice, portrait=True, opts=_o(stage="green", farmers=4),
                      title="Farmers in the field"),
        ),
        clip=ClipSpec("canh-dong-binh-minh.mp4", "canh-dong-binh-minh.jpg", seconds=4.5, layout="landscape"),
        music=MusicSpec("nhac-nen-dong-que.ogg", seconds=32, root=207.65, bpm=72, mood="calm"),
    ),
    "tiem-nang-co-hoi": CampaignMedia(
        images=(
            ImageSpec("cau-vam-cong.jpg", scene_bridge, title="Cable-stayed bridge at sunset"),
            ImageSpec("cum-cong-nghiep.jpg", scene_industrial, title="Industrial cluster"),
            ImageSpec("ben-cang-song-hau.jpg", scene_port, title="River port"),
            ImageSpec("nha-xuong-moi.jpg", scene_industrial, portrait=True, opts=_o(close=True), title="New factory"),
            ImageSpec("duong-giao-thong.jpg", scene_road, portrait=True, title="Provincial road"),
        ),
        clip=ClipSpec("cau-vam-cong.mp4", "cau-vam-cong.jpg", seconds=5.0, layout="landscape"),
        music=MusicSpec("nhac-nen-co-hoi.mp3", seconds=38, root=293.66, bpm=100, mood="bright"),
    ),
    "chinh-quyen-kien-tao": CampaignMedia(
        images=(
            ImageSpec("tru-so-hanh-chinh.jpg", scene_government, opts=_o(mood="golden"), title="Civic building"),
            ImageSpec("dien-mat-troi.jpg", scene_solar, title="Solar farm beside rice"),
            ImageSpec("duong-que-xanh.jpg", scene_road, portrait=True, title="Green rural road"),
            ImageSpec("cong-dan-so.jpg", scene_phone, portrait=True, opts=_o(variant="lienthong"),
                      title="Digital citizen"),
        ),
        clip=ClipSpec("tru-so-hanh-chinh.mp4", "tru-so-hanh-chinh.jpg", seconds=4.0, layout="landscape"),
        music=MusicSpec("nhac-nen-kien-tao.flac", seconds=28, root=174.61, bpm=90, mood="festive"),
    ),
}


# ---------------------------------------------------------------------------------------------
# Writers (atomic, idempotent)
# ---------------------------------------------------------------------------------------------


def seed_of(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode("utf-8"))


def atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, then os.replace (no partial file at `path`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{os.getpid()}-{seed_of(str(path)) % 10000}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def render_scene(scene: Callable[..., dict], size: tuple[int, int], seed: int,
                 opts: tuple[tuple[str, object], ...] = ()) -> Image.Image:
    w, h = size
    c = Canvas(w, h, np.random.default_rng(seed))
    look = scene(c, **dict(opts)) or {}
    return c.finish(**look)


def write_jpeg(img: Image.Image, path: Path, title: str = "") -> None:
    exif = Image.Exif()
    exif[0x0112] = 1  # Orientation: top-left (normal)
    exif[0x0131] = "promokit make_samples.py"  # Software
    if title:
        exif[0x010E] = title.encode("ascii", "replace").decode("ascii")  # ImageDescription
    exif[0x8298] = "Anh minh hoa (procedural sample)"  # Copyright
    img.save(path, format="JPEG", quality=85, optimize=True, progressive=True, exif=exif.tobytes())


def _run(cmd: list[str], stdin: bytes | None = None) -> None:
    r = subprocess.run(cmd, input=stdin, capture_output=True)
    if r.returncode != 0:
        tail = r.stderr.decode("utf-8", "replace").strip().splitlines()[-6:]
        raise RuntimeError(f"ffmpeg failed ({r.returncode}): " + " | ".join(tail))


def write_clip(spec: ClipSpec, source: Path, path: Path, seed: int) -> None:
    """Pan over `source` with ffmpeg: H.264 High yuv420p 30 fps + AAC 48 kHz stereo (pink-noise ambience)."""
    dur = spec.seconds
    frames = int(round(dur * 30))
    portrait = spec.layout in ("portrait", "rotated")
    # decode once, scale to cover the work area, repeat the frame in memory, move a crop window over it
    if portrait:
        vf = "scale=-2:1440"
    else:
        vf = "scale=1600:900:force_original_aspect_ratio=increase"
    vf += f",loop=loop={frames - 1}:size=1:start=0,setpts=N/30/TB,"
    if portrait:
        vf += f"crop=720:1280:x='(in_w-out_w)*(0.15+0.7*t/{dur})':y='(in_h-out_h)*(1-t/{dur})'"
    else:
        vf += f"crop=1280:720:x='(in_w-out_w)*t/{dur}':y='(in_h-out_h)*(0.5+0.3*t/{dur})'"
    extra: list[str] = ["-r", "30"]
    if spec.layout == "rotated":
        vf += ",transpose=cclock"  # stored sideways; the display matrix (set below) turns it upright
    if spec.layout == "vfr":
        # drop frames irregularly but keep timestamps: variable frame rate, like phone footage
        vf += ",select='not(eq(mod(n\\,7)\\,3))*not(eq(mod(n\\,11)\\,5))'"
        extra = ["-fps_mode", "vfr"]
    vf += ",format=yuv420p"
    cmd = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
           "-f", "lavfi", "-t", f"{dur}",
           "-i", f"anoisesrc=color=pink:amplitude=0.04:sample_rate=48000:seed={seed % 100000},"
                 "lowpass=f=900,volume=0.8",
           "-filter_complex", f"[0:v]{vf}[v]", "-map", "[v]", "-map", "1:a",
           "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high",
           "-g", "60", "-threads", "2",
           "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2",
           "-t", f"{dur}", "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact",
           *extra, str(path)]
    _run(cmd)
    if spec.layout == "rotated":
        set_mp4_rotation(path, 90)


def set_mp4_rotation(path: Path, degrees: int) -> None:
    """Write a display rotation into the video track header (tkhd matrix), as phones do.

    ffmpeg 5.1 cannot set it when encoding (-display_rotation came in 6.0), so patch the
    36-byte matrix in place; players then turn the picture `degrees` clockwise.
    """
    import struct

    data = bytearray(path.read_bytes())

    def boxes(start: int, end: int):
        i = start
        while i + 8 <= end:
            size, kind = struct.unpack(">I4s", data[i:i + 8])
            hdr = 8
            if size == 1:
                size, hdr = struct.unpack(">Q", data[i + 8:i + 16])[0], 16
            elif size == 0:
                size = end - i
            yield kind, i + hdr, i + size
            i += size

    def find(start: int, end: int, kind: bytes):
        return next(((b, e) for k, b, e in boxes(start, end) if k == kind), None)

    moov = find(0, len(data), b"moov")
    if moov is None:
        raise RuntimeError(f"{path}: no moov box")
    for kind, b, e in boxes(*moov):
        if kind != b"trak":
            continue
        mdia = find(b, e, b"mdia")
        hdlr = find(*mdia, b"hdlr") if mdia else None
        if not hdlr or data[hdlr[0] + 8:hdlr[0] + 12] != b"vide":
            continue
        tb, _ = find(b, e, b"tkhd")
        version = data[tb]
        off = tb + (4 + 8 + 8 + 4 + 4 + 8 if version == 1 else 4 + 4 + 4 + 4 + 4 + 4) + 8 + 2 + 2 + 2 + 2
        w, h = struct.unpack(">II", data[off + 36:off + 44])
        w, h = w >> 16, h >> 16
        a, bb, c, d, tx, ty = {90: (0, 1, -1, 0, h, 0), 180: (-1, 0, 0, -1, w, h), 270: (0, -1, 1, 0, 0, w),
                               0: (1, 0, 0, 1, 0, 0)}[degrees % 360]
        data[off:off + 36] = struct.pack(">9i", a << 16, bb << 16, 0, c << 16, d << 16, 0, tx << 16, ty << 16, 1 << 30)
        path.write_bytes(bytes(data))
        return
    raise RuntimeError(f"{path}: no video track")


# ---------------------------------------------------------------------------------------------
# Music: a pentatonic tune over soft chords, synthesized with numpy
# ---------------------------------------------------------------------------------------------

PENTA = [0, 2, 4, 7, 9]  # major pentatonic (cung Bắc): do re mi sol la


def _note_hz(root: float, semis: float) -> float:
    return root * 2 ** (semis / 12)


def synth_music(spec: MusicSpec, seed: int) -> np.ndarray:
    """Stereo float32 (n, 2) at SYNTH_SR: pad chords, plucked bass, a pentatonic melody, light percussion."""
    rng = np.random.default_rng(seed)
    SR = SYNTH_SR  # noqa: N806 - the synthesis rate, resampled to 48 kHz on encoding
    n = int(spec.seconds * SR)
    out = np.zeros((n, 2), F32)
    beat = 60 / spec.bpm
    bar = 4 * beat
    progression = [[0, 4, 7], [9, 12, 16], [5, 9, 12], [7, 11, 14]]  # I vi IV V
    if spec.mood == "night":
        progression = [[9, 12, 16], [5, 9, 12], [0, 4, 7], [7, 11, 14]]
    t_all = np.arange(int((2 * bar + 2) * SR), dtype=F32) / SR

    def add(sig: np.ndarray, start: float, pan: float) -> None:
        i0 = int(start * SR)
        if i0 >= n:
            return
        sig = sig[: n - i0]
        out[i0:i0 + len(sig), 0] += sig * math.cos((pan + 1) * math.pi / 4)
        out[i0:i0 + len(sig), 1] += sig * math.sin((pan + 1) * math.pi / 4)

    # pad: two bars per chord, detuned sines, slow swell
    t = 0.0
    k = 0
    while t < spec.seconds:
        chord = progression[k % len(progression)]
        length = 2 * bar
        tt = t_all[: int((length + 1.5) * SR)]
        env = np.minimum(tt / 1.2, 1) * np.clip((length + 1.5 - tt) / 1.5, 0, 1)
        for j, semi in enumerate(chord):
            hz = _note_hz(spec.root, semi - 12)
            for det, pan in ((-0.7, -0.6), (0.7, 0.6)):
                s = np.sin(2 * np.pi * (hz + det) * tt) + 0.25 * np.sin(2 * np.pi * 2 * (hz + det) * tt)
                add((0.045 * env * s).astype(F32), t, pan * (0.5 + 0.2 * j))
        # bass on beats 1 and 3
        for b in (0, 2, 4, 6):
            hz = _note_hz(spec.root, chord[0] - 24)
            tb = t_all[: int(1.2 * SR)]
            s = np.sin(2 * np.pi * hz * tb) + 0.3 * np.sin(2 * np.pi * 2 * hz * tb)
            add((0.16 * np.exp(-tb * 3.5) * np.minimum(tb / 0.01, 1) * s).astype(F32), t + b * beat, 0.0)
        t += length
        k += 1
    # melody: a random walk on the pentatonic scale, plucked like a đàn tranh
    scale = [p + 12 * o for o in (0, 1) for p in PENTA] + [24]
    idx = rng.integers(3, 7)
    t = 2 * bar if spec.mood != "festive" else bar
    while t < spec.seconds - 2:
        dur = rng.choice([0.5, 0.5, 1.0, 1.0, 1.5, 2.0]) * beat
        if rng.random() < 0.15:
            t += dur
            continue
        idx = int(np.clip(idx + rng.choice([-2, -1, -1, 0, 1, 1, 2]), 0, len(scale) - 1))
        hz = _note_hz(spec.root, scale[idx])
        tn = t_all[: int((dur + 1.2) * SR)]
        bend = 1 + 0.004 * np.sin(2 * np.pi * 5.5 * tn) * np.clip(tn - 0.15, 0, 1)
        ph = 2 * np.pi * hz * np.cumsum(bend) / SR
        s = (np.sin(ph) * np.exp(-tn * 2.2) + 0.45 * np.sin(2 * ph) * np.exp(-tn * 4.5)
             + 0.2 * np.sin(3 * ph) * np.exp(-tn * 7) + 0.08 * np.sin(5 * ph) * np.exp(-tn * 12))
        s *= np.minimum(tn / 0.004, 1)
        add((0.2 * s).astype(F32), t, float(rng.uniform(-0.35, 0.35)))
        t += dur
    # percussion: soft shaker on eighths; a low drum on the downbeat for festive moods
    noise = rng.normal(0, 1, int(0.08 * SR)).astype(F32)
    shaker = np.diff(noise, prepend=0) * np.exp(-np.arange(len(noise)) / SR * 60)
    tb = t_all[: int(0.4 * SR)]
    drum = np.sin(2 * np.pi * (70 + 60 * np.exp(-tb * 30)) * tb) * np.exp(-tb * 9)
    t = bar
    i = 0
    while t < spec.seconds - 1:
        add((0.03 * shaker * (1.0 if i % 2 == 0 else 0.6)).astype(F32), t, 0.3)
        if spec.mood == "festive" and i % 8 == 0:
            add((0.3 * drum).astype(F32), t, 0.0)
        t += beat / 2
        i += 1
    # room: convolution with a decaying noise tail
    ir_n = int(1.3 * SR)
    ir = rng.normal(0, 1, (ir_n, 2)).astype(F32) * np.exp(-np.arange(ir_n) / SR * 4.0)[:, None]
    ir[0] = 0
    size = 1 << (n + ir_n - 1).bit_length()
    wet = np.stack([np.fft.irfft(np.fft.rfft(out[:, ch], size) * np.fft.rfft(ir[:, ch], size), size)[:n]
                    for ch in range(2)], -1).astype(F32)
    wet /= max(np.sqrt(np.mean(wet**2)), 1e-9) / max(np.sqrt(np.mean(out**2)), 1e-9)
    mixd = out * 0.78 + wet * 0.32
    # fades, loudness about -20 dBFS RMS (a bed, around -18 LUFS), soft peak limit
    tt = np.arange(n, dtype=F32) / SR
    fade = np.minimum(tt / 1.5, 1) * np.clip((spec.seconds - tt) / 3.0, 0, 1)
    mixd *= fade[:, None]
    rms = float(np.sqrt(np.mean(mixd**2)))
    mixd *= 10 ** (-20 / 20) / max(rms, 1e-9)
    mixd = np.tanh(mixd * 1.4) / 1.4
    return mixd.astype(F32)


def write_music(spec: MusicSpec, path: Path, seed: int) -> None:
    """Encode the tune with ffmpeg at 48 kHz stereo (.mp3, .m4a, .wav, .ogg or .flac by the name)."""
    pcm = (np.clip(synth_music(spec, seed), -1, 1) * 32767).astype("<i2")
    codec = {".mp3": ["-c:a", "libmp3lame", "-b:a", "160k"],
             ".m4a": ["-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart"],
             ".wav": ["-c:a", "pcm_s16le"],
             ".ogg": ["-c:a", "libvorbis", "-q:a", "4"],
             ".flac": ["-c:a", "flac"]}[path.suffix.lower()]
    _run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(SYNTH_SR), "-ac", "2",
          "-i", "pipe:0", "-af", f"aresample={SR}",
          *codec, "-map_metadata", "-1", "-fflags", "+bitexact", str(path)], stdin=pcm.tobytes())


def write_voice(text: str, path: Path, rate: int = SR, channels: int = 2) -> None:
    """Optional voice-over with espeak-ng (Vietnamese voice), resampled to a WAV (48 kHz stereo by default)."""
    with tempfile.TemporaryDirectory(prefix="promokit-voice-") as td:
        raw = Path(td) / "raw.wav"
        _run([ESPEAK or "espeak-ng", "-v", "vi", "-s", "140", "-w", str(raw), text])
        _run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-i", str(raw), "-ar", str(rate), "-ac",
              str(channels), "-c:a", "pcm_s16le", str(path)])


# ---------------------------------------------------------------------------------------------
# Brand logo
# ---------------------------------------------------------------------------------------------


def make_logo(size: int = 512) -> Image.Image:
    """A round emblem: green disc, golden ring, a lotus over the river, 'LẤP VÒ' below."""
    S = size * 4
    im = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    green, gold, white = (11, 93, 59, 255), (242, 183, 5, 255), (255, 255, 255, 255)
    d.ellipse([S * 0.02, S * 0.02, S * 0.98, S * 0.98], fill=gold)
    d.ellipse([S * 0.055, S * 0.055, S * 0.945, S * 0.945], fill=green)
    d.ellipse([S * 0.075, S * 0.075, S * 0.925, S * 0.925], outline=(255, 255, 255, 90), width=int(S * 0.006))
    cx, base = S * 0.5, S * 0.55
    petals = [(0, 0.30, 0.085), (-28, 0.25, 0.075), (28, 0.25, 0.075), (-56, 0.19, 0.065), (56, 0.19, 0.065)]
    for ang, length, width in sorted(petals, key=lambda p: -abs(p[0])):
        a = math.radians(ang)
        L, W = S * length, S * width
        tip = (cx + math.sin(a) * L, base - math.cos(a) * L)
        pts = []
        for t in np.linspace(0, 1, 30):
            r = W * math.sin(math.pi * t) ** 0.8
            px, py = cx + math.sin(a) * L * t, base - math.cos(a) * L * t
            pts.append((px + math.cos(a) * r, py + math.sin(a) * r))
        for t in np.linspace(1, 0, 30):
            r = W * math.sin(math.pi * t) ** 0.8
            px, py = cx + math.sin(a) * L * t, base - math.cos(a) * L * t
            pts.append((px - math.cos(a) * r, py - math.sin(a) * r))
        fill = (255, 255, 255, 255) if ang == 0 else (255, 236, 200, 255)
        d.polygon(pts, fill=fill)
        d.line([(cx, base), tip], fill=(242, 183, 5, 200), width=int(S * 0.006))
    for i, (y, amp) in enumerate(((0.6, 0.018), (0.665, 0.015))):
        pts = [(x, S * y + math.sin((x / S) * 4 * math.pi + i) * S * amp) for x in np.linspace(S * 0.16, S * 0.84, 80)]
        d.line(pts, fill=(120, 200, 230, 255) if i == 0 else white, width=int(S * 0.022))
    f = font(int(S * 0.13))
    d.text((cx, S * 0.8), "LẤP VÒ", font=f, fill=white, anchor="mm")
    return im.resize((size, size), Image.LANCZOS)


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def _tasks(folder: Path, cid: str, media: CampaignMedia) -> list[tuple[str, Path, Callable[[Path], None]]]:
    """(kind, final path, writer) for every file of one campaign."""
    out: list[tuple[str, Path, Callable[[Path], None]]] = []
    for spec in media.images:
        def w_img(tmp: Path, spec: ImageSpec = spec) -> None:
            img = render_scene(spec.scene, spec.size, seed_of(cid, spec.name), spec.opts)
            write_jpeg(img, tmp, spec.title)
        out.append(("image", folder / "images" / spec.name, w_img))
    clip = media.clip
    out.append(("clip", folder / "clips" / clip.name,
                lambda tmp: write_clip(clip, folder / "images" / clip.source, tmp, seed_of(cid, clip.name))))
    music = media.music
    out.append(("music", folder / "music" / music.name,
                lambda tmp: write_music(music, tmp, seed_of(cid, music.name))))
    if media.voice and ESPEAK:
        text = media.voice
        out.append(("voice", folder / "voice" / "loi-binh.wav", lambda tmp: write_voice(text, tmp)))
    if ESPEAK and (folder / "radio").is_dir():
        # stand-ins for the staff's recordings: each voice file a bulletin script names, read from its text
        from promokit.radio.api import recording_list

        for path, said in recording_list(folder, folder.parents[1] / "brand"):
            if said:
                out.append(("voice", path, lambda tmp, said=said: write_voice(said, tmp, rate=44100, channels=1)))
    return out


def _run_task(assets: str, cid: str, index: int) -> tuple[str, int, float]:
    """Worker: write one file (the index-th task of a campaign). Runs in a child process."""
    t0 = time.perf_counter()
    folder = Path(assets) / "campaigns" / cid
    _, path, writer = _tasks(folder, cid, MEDIA[cid])[index]
    atomic(path, writer)
    return cid, index, time.perf_counter() - t0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate sample media for the sample campaigns / "
                                             "tạo ảnh, clip, nhạc mẫu cho các chiến dịch mẫu")
    ap.add_argument("--assets", type=Path, default=ROOT / "assets", help="assets folder (default ./assets)")
    ap.add_argument("--force", action="store_true", help="rewrite files that already exist / ghi đè tệp đã có")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="worker processes (default: 2 or the number of CPUs)")
    args = ap.parse_args(argv)
    assets: Path = args.assets.resolve()
    if not (assets / "campaigns").is_dir():
        print(f"error: {assets / 'campaigns'} not found / không tìm thấy thư mục chiến dịch", file=sys.stderr)
        return 2
    if not Path(FFMPEG).exists():
        print("error: ffmpeg not found / không tìm thấy ffmpeg (apt-get install ffmpeg)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    logo = assets / "brand" / "logo.png"
    if not logo.exists() or args.force:
        atomic(logo, lambda tmp: make_logo().save(tmp, format="PNG", optimize=True))
        print("brand: logo.png written")
    else:
        print("brand: logo.png kept")
    present = [cid for cid in MEDIA if (assets / "campaigns" / cid / "campaign.yml").exists()]
    todo: dict[str, list[int]] = {}
    kept: dict[str, int] = {}
    for cid in present:
        tasks = _tasks(assets / "campaigns" / cid, cid, MEDIA[cid])
        todo[cid] = [i for i, (_, p, _) in enumerate(tasks) if args.force or not p.exists()]
        kept[cid] = len(tasks) - len(todo[cid])
    done: dict[str, float] = {cid: 0.0 for cid in present}
    failed: dict[str, list[str]] = {cid: [] for cid in present}
    jobs = [(cid, i) for cid in present for i in todo[cid]]
    if jobs:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        workers = max(1, min(args.jobs, len(jobs)))
        if workers == 1 or ctx is None:
            results = []
            for cid, i in jobs:
                try:
                    results.append(_run_task(str(assets), cid, i))
                except Exception as e:  # report and go on with the others
                    failed[cid].append(str(e))
        else:
            from concurrent.futures import ProcessPoolExecutor

            # clips pan over the pictures, so they come after them
            kind = {(cid, i): _tasks(assets / "campaigns" / cid, cid, MEDIA[cid])[i][0] for cid, i in jobs}
            phases = [[j for j in jobs if kind[j] != "clip"], [j for j in jobs if kind[j] == "clip"]]
            results = []
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                for phase in phases:
                    futs = {pool.submit(_run_task, str(assets), cid, i): cid for cid, i in phase}
                    for fut, cid in futs.items():
                        try:
                            results.append(fut.result())
                        except Exception as e:  # report and go on with the others
                            failed[cid].append(str(e))
        for cid, _, dt in results:
            done[cid] += dt
    for cid in present:
        made = len(todo[cid]) - len(failed[cid])
        note = "" if (ESPEAK or not MEDIA[cid].voice) else "; voice skipped (espeak-ng not installed)"
        err = f"; FAILED {len(failed[cid])}: {failed[cid][0]}" if failed[cid] else ""
        print(f"{cid}: {made} written, {kept[cid]} kept ({done[cid]:.1f} s of work){note}{err}")
    for cid in MEDIA:
        if cid not in present:
            print(f"{cid}: no campaign.yml, skipped")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 1 if any(failed.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
