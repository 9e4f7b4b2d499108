"""How a shot's picture looks, read once at plan time: where it is busy, how bright, where its subject is.

`reading.read_look` reads a small copy of a still (or of one frame of a clip) and keeps three things the plan
needs, so no frame is read again while rendering:

- `busy`: a grid of local detail (gradient energy, 0–1) — a logo sits best where it is low;
- `luma`: the grid's mean brightness (0–1, WCAG relative luminance) — a logo needs contrast with it;
- `salient`: an estimate of the subject's position (fractions of the picture), by spectral-residual
  saliency (Hou & Zhang 2007) weighted with the gradient energy, on a 64 px thumbnail — the reframing's
  focus when a shot names none.

`region` and `quiet_corner` are pure over a `Look` and the boxes of a plan (no file I/O).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

GRID = 48  # cells along the longer side of the busyness grid
DETAIL = 256  # px of the longer side of the copy whose local detail is pooled into the grid
SALIENCY = 64  # px of the longer side of the saliency thumbnail
CORNERS = ("top-right", "top-left", "bottom-right", "bottom-left")  # the style's order of preference
STAY = 0.03  # a corner quieter by less than this (busyness) than the previous shot's does not move the logo
PREFER = 0.01  # busyness a corner later in CORNERS must save to be chosen over an earlier one (the top row first)


@dataclass(frozen=True, eq=False)
class Look:
    """A picture's busyness and brightness grids (rows x cols, 0–1) and its salient point (x, y fractions)."""

    busy: np.ndarray
    luma: np.ndarray
    salient: tuple[float, float]


def luma(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float32) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def _gradient(gray: np.ndarray) -> np.ndarray:
    gx = np.zeros_like(gray)
    gy = np.zeros_like(gray)
    gx[:, 1:-1] = gray[:, 2:] - gray[:, :-2]
    gy[1:-1, :] = gray[2:, :] - gray[:-2, :]
    return np.hypot(gx, gy)


def _box_blur(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)² window (edges repeated)."""
    p = np.pad(a, r, mode="edge")
    c = p.cumsum(0).cumsum(1)
    c = np.pad(c, ((1, 0), (1, 0)))
    k = 2 * r + 1
    return (c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)


def saliency(gray: np.ndarray) -> np.ndarray:
    """Spectral-residual saliency of a small grey picture (0–1 floats): the log amplitude spectrum less
    its local mean, back to the image plane, squared and smoothed; normalised to 0–1."""
    f = np.fft.fft2(gray)
    amp = np.log(np.abs(f) + 1e-6)
    resid = amp - _box_blur(amp, 1)
    s = np.abs(np.fft.ifft2(np.exp(resid + 1j * np.angle(f)))) ** 2
    s = _box_blur(_box_blur(s, 2), 2)
    lo, hi = float(s.min()), float(s.max())
    return (s - lo) / (hi - lo) if hi > lo else np.zeros_like(s)


def salient_point(rgb: np.ndarray) -> tuple[float, float]:
    """The subject's estimated position (x, y fractions) in an RGB picture: the centroid of the strongest
    saliency (its top fifth), weighted with the local detail so flat sky and blur count less."""
    from PIL import Image

    im = Image.fromarray(rgb)
    im.thumbnail((SALIENCY, SALIENCY))
    g = np.asarray(im.convert("L"), dtype=np.float32) / 255.0
    s = saliency(g) * (0.25 + _box_blur(_gradient(g), 2) / max(1e-6, float(_box_blur(_gradient(g), 2).max())))
    w = np.where(s >= np.percentile(s, 80), s, 0.0)
    total = float(w.sum())
    if total <= 0:
        return 0.5, 0.5
    ys, xs = np.mgrid[0:g.shape[0], 0:g.shape[1]]
    return (float((w * (xs + 0.5)).sum() / total / g.shape[1]), float((w * (ys + 0.5)).sum() / total / g.shape[0]))


def look_of(rgb: np.ndarray) -> Look:
    """The look of an RGB picture (any size; read small)."""
    from PIL import Image

    im = Image.fromarray(np.asarray(rgb)[..., :3].astype(np.uint8))
    detail = im.copy()
    detail.thumbnail((DETAIL, DETAIL))
    grad = _gradient(np.asarray(detail.convert("L"), dtype=np.float32) / 255.0)
    k = max(1, int(np.ceil(max(grad.shape) / GRID)))  # pooled into cells of k x k px
    h, w = grad.shape[0] // k * k or grad.shape[0], grad.shape[1] // k * k or grad.shape[1]
    cells = grad[:h, :w].reshape(h // k, min(k, h), w // k, min(k, w)).mean(axis=(1, 3))
    small = detail.resize((cells.shape[1], cells.shape[0]), Image.BILINEAR)
    return Look(np.clip(cells * 2.0, 0.0, 1.0), luma(np.asarray(small, dtype=np.uint8)), salient_point(np.asarray(im)))


Box = tuple[float, float, float, float]


def region(look: Look, grid: np.ndarray, box: Box) -> float | None:
    """The mean of `grid` (one of the look's) over `box` in picture fractions (x0, y0, x1, y1), clipped to
    the picture; None when the box misses it (that part of the frame is the blurred fill)."""
    h, w = grid.shape
    x0, y0, x1, y1 = (max(0.0, min(1.0, v)) for v in box)
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None
    c0, c1 = int(x0 * w), max(int(x0 * w) + 1, int(np.ceil(x1 * w)))
    r0, r1 = int(y0 * h), max(int(y0 * h) + 1, int(np.ceil(y1 * h)))
    return float(grid[r0:r1, c0:c1].mean())


def corner_score(look: Look | None, boxes: Sequence[Box], logo_luma: float) -> float:
    """How bad a corner is for the logo (lower is better): the busyness under it over the shot's windows
    (`boxes`, the corner's box in picture fractions at the shot's start and end) plus a penalty when its
    brightness is too close to the logo's for the logo to stand out."""
    if look is None:
        return 0.0
    busy = [b for b in (region(look, look.busy, bx) for bx in boxes) if b is not None]
    luma = [v for v in (region(look, look.luma, bx) for bx in boxes) if v is not None]
    if not busy:
        return 0.0
    bg = float(np.mean(luma))
    contrast = (max(bg, logo_luma) + 0.05) / (min(bg, logo_luma) + 0.05)
    return float(max(busy)) + (0.15 * (3.0 - contrast) / 2.0 if contrast < 3.0 else 0.0)


def quiet_corner(scores: dict[str, float], previous: str | None, default: str) -> str:
    """The quietest corner among `scores` (corner -> score); the previous shot's corner when it is nearly as
    quiet (the logo does not hop for nothing), else the style's `default` on a tie."""
    if not scores:
        return default
    order = [default] + [c for c in CORNERS if c != default]
    best = min(scores, key=lambda c: scores[c] + PREFER * (order.index(c) if c in order else len(order)))
    if previous in scores and scores[previous] - scores[best] < STAY:
        return previous
    return best
