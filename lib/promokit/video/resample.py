"""Resampling pictures into frame planes: float crop boxes, sub-pixel shifts, anti-aliased edges, the blurred fill.

All of it works on uint8 numpy planes (a luma plane, or NV12's interleaved chroma) with OpenCV: one
`cv2.warpAffine` per zoomed plane (luma in two separable passes, 4 rows or columns at a time), bilinear
sub-pixel shifts as weighted sums of views for pans, analytic coverage for the edges of a picture shown
whole. Positions are in source px; boxes are (x0, y0, x1, y1) with pixel centres as Pillow's `resize(box=)`.
"""

from __future__ import annotations

import math

import cv2  # threads set to 1 by .yuv: frames are small and x264 owns the other cores
import numpy as np
from PIL import Image, ImageFilter

from .yuv import Planes, mix, yuv444

_WARP = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP  # the matrices map destination px to source px


def clamp_box(box: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    w, h = size
    return max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)


def size_of(a: np.ndarray) -> tuple[int, int]:
    """(w, h) px of an image array."""
    return a.shape[1], a.shape[0]


def edge_pad(a: np.ndarray, pad: int) -> np.ndarray:
    """`a` (h, w[, c]) with `pad` px of its edge pixels repeated around it."""
    return cv2.copyMakeBorder(a, pad, pad, pad, pad, cv2.BORDER_REPLICATE)


def _put(dst: np.ndarray, out: np.ndarray) -> None:
    """Make sure an OpenCV result asked for in `dst` landed there (it does for any view with contiguous rows)."""
    if out is not dst:
        dst[...] = out


def blurred_background(picture: Image.Image, size: tuple[int, int], blur: float, dim: float) -> Planes:
    """The picture cropped to the frame's shape, blurred and dimmed: the fill behind a picture shown whole."""
    w, h = size
    small_w = max(8, w // 8)
    small = (small_w, max(8, int(round(small_w * h / w))))
    ap, af = picture.width / picture.height, w / h
    if ap > af:
        cw = picture.height * af
        box = ((picture.width - cw) / 2, 0, (picture.width + cw) / 2, picture.height)
    else:
        ch = picture.width / af
        box = (0, (picture.height - ch) / 2, picture.width, (picture.height + ch) / 2)
    im = picture.convert("RGB").resize(small, Image.Resampling.BILINEAR, box=box, reducing_gap=2.0)
    im = im.filter(ImageFilter.GaussianBlur(max(1.0, blur * small_w)))
    im = im.point(lambda v: int(v * dim))
    # converted small and upscaled in YUV, chroma straight to half size: ~15x cheaper than upscaling in RGB
    # and converting the whole frame, and the same picture (a blur has no detail to lose)
    y, u, v = yuv444(im)
    return Planes(cv2.resize(np.asarray(y), (w, h), interpolation=cv2.INTER_CUBIC),
                  cv2.resize(np.dstack((u, v)), (w // 2, h // 2), interpolation=cv2.INTER_CUBIC))


def copy_around(dst: np.ndarray, src: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> None:
    """Copy `src` into `dst` except the rectangle [y0, y1) x [x0, x1) px (about to be drawn over)."""
    dst[:y0] = src[:y0]
    dst[y1:] = src[y1:]
    dst[y0:y1, :x0] = src[y0:y1, :x0]
    dst[y0:y1, x1:] = src[y0:y1, x1:]


def _coverage(n: int, lo: float, hi: float, offset: int) -> np.ndarray:
    """How much of each of `n` pixels (starting at px `offset`) lies inside [lo, hi): 0..255."""
    edges = np.arange(offset, offset + n + 1, dtype=np.float64)
    cov = np.clip(np.minimum(edges[1:], hi) - np.maximum(edges[:-1], lo), 0.0, 1.0)
    return np.rint(cov * 255).astype(np.uint16)


def soft_edges(dst: np.ndarray, bg: np.ndarray, x: tuple[float, float, int], y: tuple[float, float, int]) -> None:
    """Anti-alias the edges of a picture just drawn into `dst` (h, w[, 2]) against `bg` (what it covered).

    `x`, `y`: the picture covers [lo, hi) px of the frame, `dst` starts at px offset. Only the border strips
    are partly covered, so just they are blended, by their coverage; the inside stays a plain copy.
    """
    h, w = dst.shape[:2]
    cx = _coverage(w, *x)
    cy = _coverage(h, *y)
    k = 3
    if w <= 2 * k or h <= 2 * k:
        strips: tuple[tuple[int, int, int, int], ...] = ((0, 0, w, h),)
    else:  # top and bottom strips full width, left and right strips between them (corners blended once)
        strips = ((0, 0, w, k), (0, h - k, w, h), (0, k, k, h - k), (w - k, k, w, h - k))
    for x0, y0, x1, y1 in strips:
        cov = cy[y0:y1, None] * cx[None, x0:x1]
        cov += 127
        cov //= 255
        if cov.min() == 255:
            continue  # fully covered (the picture runs past the frame here)
        if dst.ndim == 3:
            cov = cov[..., None]
        pa = bg[y0:y1, x0:x1] * (255 - cov)
        pa += 127
        mix(dst[y0:y1, x0:x1], pa, cov)


def resample_chroma(c4: np.ndarray, box: tuple[float, float, float, float], dst: np.ndarray) -> None:
    """Fill `dst` (h, w, 2) with the float `box` (chroma px) of `c4` scaled to its size: one cv2.warpAffine
    (bilinear, pixel centres as Pillow's `resize(box=)`, source positions to 1/32 px).

    `c4` is U, V and two idle channels: OpenCV warps 1 and 4 channels on fast paths, 2 channels ~2.5x
    slower than 4 (slower even than U and V warped apart), so the result's U, V pairs are copied out as
    16-bit words.
    """
    h, w = dst.shape[:2]
    x0, y0, x1, y1 = box
    sx, sy = (x1 - x0) / w, (y1 - y0) / h
    m = np.array([[sx, 0.0, x0 + 0.5 * sx - 0.5], [0.0, sy, y0 + 0.5 * sy - 0.5]])
    out = cv2.warpAffine(c4, m, (w, h), flags=_WARP, borderMode=cv2.BORDER_REFLECT)
    np.copyto(dst.view(np.uint16)[..., 0], out.view(np.uint16)[..., 0])


def group_rows(a: np.ndarray) -> np.ndarray:
    """A plane (h, w) as (ceil(h/4), w, 4): each 4 rows one row of 4-channel pixels (bottom edge repeated)."""
    if a.shape[0] % 4:
        a = cv2.copyMakeBorder(a, 0, -a.shape[0] % 4, 0, 0, cv2.BORDER_REPLICATE)
    return cv2.merge([a[0::4], a[1::4], a[2::4], a[3::4]])


def resample_luma(rows4: np.ndarray, box: tuple[float, float, float, float], dst: np.ndarray) -> None:
    """Fill `dst` (h, w) with the float `box` (px) of a plane scaled to its size (bilinear, pixel centres as
    Pillow's `resize(box=)`, source positions to 1/32 px); the plane held as `group_rows` gives it.

    Bilinear is separable and OpenCV warps 4 channels for about the cost of 1, so two cv2.warpAffine
    passes, horizontal over 4 rows at a time then vertical over 4 columns at a time (straight into `dst`),
    cost about 2/3 of one warp of the plane; the value is rounded between the passes (±1).
    """
    h, w = dst.shape
    x0, y0, x1, y1 = box
    sx, sy = (x1 - x0) / w, (y1 - y0) / h
    ax, ay = x0 + 0.5 * sx - 0.5, y0 + 0.5 * sy - 0.5  # source px of dst's first pixel centre
    # only the groups of 4 source rows that the vertical pass reads
    g0 = min(max(0, int(math.floor(ay)) // 4), rows4.shape[0] - 1)
    g1 = min(rows4.shape[0], (int(math.floor(ay + (h - 1) * sy)) + 1) // 4 + 1)
    w4 = -(-w // 4) * 4
    rows = cv2.warpAffine(rows4[g0:g1], np.array([[sx, 0.0, ax], [0.0, 1.0, 0.0]]), (w4, g1 - g0), flags=_WARP,
                          borderMode=cv2.BORDER_REFLECT)
    mid = np.empty(((g1 - g0) * 4, w4), np.uint8)
    cv2.split(rows, [mid[0::4], mid[1::4], mid[2::4], mid[3::4]])  # back to plain rows (into views)
    m = np.array([[1.0, 0.0, 0.0], [0.0, sy, ay - 4 * g0]])
    out = dst.reshape(h, w // 4, 4) if w == w4 else None  # dst's rows are contiguous: a view
    out = cv2.warpAffine(mid.reshape(-1, w4 // 4, 4), m, (w4 // 4, h), dst=out, flags=_WARP,
                         borderMode=cv2.BORDER_REFLECT)
    if not np.may_share_memory(out, dst):
        dst[...] = out.reshape(h, w4)[:, :w]


def shift(src: np.ndarray, x: float, y: float, dst: np.ndarray) -> None:
    """Fill `dst` (h, w[, 2]) with the window of `src` whose top-left is at (x, y) px, sub-pixel exact.

    Bilinear as weighted sums of `src` views one pixel apart (cv2.addWeighted: exact float weights, no
    resampling, no crops).
    """
    h, w = dst.shape[:2]
    ix, iy = int(math.floor(x)), int(math.floor(y))
    fx, fy = x - ix, y - iy
    ix = min(max(ix, 0), src.shape[1] - w - 1)
    iy = min(max(iy, 0), src.shape[0] - h - 1)

    def at(dx: int, dy: int) -> np.ndarray:
        return src[iy + dy:iy + dy + h, ix + dx:ix + dx + w]

    def row(dy: int, out: np.ndarray | None = None) -> np.ndarray:
        if fx > 1e-4:
            return cv2.addWeighted(at(0, dy), 1.0 - fx, at(1, dy), fx, 0.0, dst=out)
        return at(0, dy)

    if fy > 1e-4:
        _put(dst, cv2.addWeighted(row(0), 1.0 - fy, row(1), fy, 0.0, dst=dst))
    else:
        _put(dst, row(0, dst))

