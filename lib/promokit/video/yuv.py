"""Frames as NV12 numpy arrays (BT.709, limited "tv" range): a luma plane and one interleaved chroma plane.

The renderer composes every frame directly in YUV: resampling, crossfades and alpha blending are
linear, so doing them on Y, U and V gives the same picture as doing them on RGB and converting after,
while the encoder receives the arrays' bytes as they are (no per-frame colour conversion, no copies).
NV12 (4:2:0, U and V interleaved) needs one OpenCV call for both chroma components where planar
yuv420p needs two. Pictures are converted once per shot or layer with `rgb_to_planes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

cv2.setNumThreads(1)  # frames are small and x264 owns the other cores: threads only add overhead

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


@dataclass(eq=False)
class Planes:
    """One NV12 frame: `y` (h, w) and `uv` (h/2, w/2, 2) with U and V interleaved; uint8, C-contiguous.

    A frame with writable arrays belongs to whoever received it and may be drawn on in place; a read-only
    one is shared (a still's static frame, a held clip frame) and is copied before drawing (`mutable`).
    """

    y: np.ndarray
    uv: np.ndarray

    @classmethod
    def empty(cls, size: tuple[int, int]) -> Planes:
        """An uninitialised frame of `size` (w, h) px, for callers that write every pixel."""
        w, h = size
        return cls(np.empty((h, w), np.uint8), np.empty((h // 2, w // 2, 2), np.uint8))

    @classmethod
    def frombuffer(cls, data: bytes | bytearray | memoryview, size: tuple[int, int]) -> Planes:
        """Views of one NV12 frame's bytes (no copy; writable when `data` is)."""
        w, h = size
        n = w * h
        return cls(np.frombuffer(data, np.uint8, n).reshape(h, w),
                   np.frombuffer(data, np.uint8, n // 2, offset=n).reshape(h // 2, w // 2, 2))

    @property
    def size(self) -> tuple[int, int]:
        return self.y.shape[1], self.y.shape[0]

    def copy(self) -> Planes:
        return Planes(self.y.copy(), self.uv.copy())

    def frozen(self) -> Planes:
        """This frame, made read-only (to share it: nobody may draw on it any more)."""
        self.y.flags.writeable = False
        self.uv.flags.writeable = False
        return self

    def mutable(self) -> Planes:
        """This frame if it may be drawn on, else a copy of it."""
        return self if self.y.flags.writeable and self.uv.flags.writeable else self.copy()

    def parts(self) -> tuple[memoryview, memoryview]:
        """The bytes in NV12 order, `y` then `uv`, as views to write one after the other (no copies)."""
        return memoryview(self.y).cast("B"), memoryview(self.uv).cast("B")


def yuv444(im: Image.Image) -> tuple[Image.Image, Image.Image, Image.Image]:
    """Y, U, V at full size from an RGB image (one C pass)."""
    return im.convert("RGB").convert("RGB", RGB_TO_YUV).split()


def chroma420(u: Image.Image, v: Image.Image) -> np.ndarray:
    """Full-size U and V as one interleaved half-size array (each 2x2 block averaged, rounded)."""
    return np.dstack((np.asarray(u.reduce(2)), np.asarray(v.reduce(2))))


def rgb_to_planes(im: Image.Image) -> Planes:
    """An RGB image of even size as 4:2:0 planes (chroma averaged over 2x2)."""
    if im.width % 2 or im.height % 2:
        raise ValueError(f"frame size must be even, got {im.size}")
    y, u, v = yuv444(im)
    return Planes(np.array(y), chroma420(u, v))


def solid(size: tuple[int, int], rgb: tuple[int, int, int]) -> Planes:
    """A frame of one colour."""
    y, u, v = yuv444(Image.new("RGB", (2, 2), rgb))
    w, h = size
    return Planes(np.full((h, w), y.getpixel((0, 0)), np.uint8),
                  np.full((h // 2, w // 2, 2), (u.getpixel((0, 0)), v.getpixel((0, 0))), np.uint8))


def _yuv_to_rgb_matrix() -> np.ndarray:
    """3x4 affine matrix (Y, U, V, 1) -> (R, G, B): BT.709 limited range inverted."""
    a, b = 2 * (1 - KR), 2 * (1 - KB)  # V -> R and U -> B, per unit of full-range chroma
    rows = []
    for cy, cu, cv in ((1.0, 0.0, a), (1.0, -KB * b / KG, -KR * a / KG), (1.0, b, 0.0)):
        ky, ku, kv = cy / _Y, cu / _C, cv / _C
        rows.append([ky, ku, kv, -16.0 * ky - 128.0 * (ku + kv)])
    return np.array(rows, dtype=np.float64)


_YUV_TO_RGB = _yuv_to_rgb_matrix()


def planes_to_rgb(p: Planes) -> Image.Image:
    """Back to RGB (for previews, covers and tests): chroma upsampled, BT.709 limited range inverted.

    One OpenCV affine pass over (Y, U, V) (~15 ms for 1080x1920; float numpy took ~0.3 s)."""
    h, w = p.y.shape
    uv = cv2.resize(p.uv, (w, h), interpolation=cv2.INTER_NEAREST)
    yuv = cv2.merge([p.y, uv[..., 0], uv[..., 1]])
    return Image.fromarray(cv2.transform(yuv, _YUV_TO_RGB))


def blend(a: Planes, b: Planes, alpha: float) -> Planes:
    """a*(1-alpha) + b*alpha (rounded), written into `a` or `b` when one may be drawn on, else a new frame."""
    alpha = min(1.0, max(0.0, alpha))
    if alpha <= 0.0:
        return a
    if alpha >= 1.0:
        return b
    out = a if a.y.flags.writeable else b if b.y.flags.writeable else Planes.empty(a.size)
    cv2.addWeighted(a.y, 1.0 - alpha, b.y, alpha, 0.0, dst=out.y)
    cv2.addWeighted(a.uv, 1.0 - alpha, b.uv, alpha, 0.0, dst=out.uv)
    return out


def mix(dst: np.ndarray, pa: np.ndarray, ia: np.ndarray) -> None:
    """dst = (p*a + dst*(255-a)) / 255 rounded, in place: `pa` is p*a + 127 and `ia` 255 - a (uint16).

    Integer math (the most is 255*255 + 127: fits uint16); cheaper than cv2.blendLinear or float math."""
    t = dst * ia
    t += pa
    t //= 255
    dst[...] = t


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """The [start, stop) index ranges where a boolean row is True."""
    d = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def composite(a: Planes, b: Planes, mask: np.ndarray) -> Planes:
    """b where the column mask (w,) is 255, a where it is 0, blended between; into `a` when it may be drawn on.

    Whole columns are copied by slices, only the soft edge is blended. The chroma uses every second
    column of the mask (the odd ones, as a nearest-neighbour halving does)."""
    out = a.mutable()
    for dst, src, m in ((out.y, b.y, mask), (out.uv, b.uv, mask[1::2])):
        for lo, hi in _runs(m == 255):
            dst[:, lo:hi] = src[:, lo:hi]
        for lo, hi in _runs((m > 0) & (m < 255)):
            w = m[lo:hi].astype(np.uint16)
            if dst.ndim == 3:
                w = w[:, None]
            pa = src[:, lo:hi] * w
            pa += 127
            mix(dst[:, lo:hi], pa, 255 - w)
    return out


@dataclass(eq=False)
class Overlay:
    """A pre-rendered RGBA layer as NV12 planes with straight alpha, at an even position (x, y) px.

    Kept trimmed to its visible (alpha > 0) box; drawing blends that box only, in exact integer math.
    """

    x: int
    y: int
    py: np.ndarray  # (h, w) luma
    puv: np.ndarray  # (h/2, w/2, 2) alpha-weighted chroma
    a: np.ndarray  # (h, w) alpha, 0..255
    ac: np.ndarray  # (h/2, w/2, 2) alpha at half size, once for U and once for V
    _full: tuple[np.ndarray, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # full opacity (most frames): the blend's terms computed once
        self._full = (*self._weights(self.py, self.a), *self._weights(self.puv, self.ac))

    @classmethod
    def from_rgba(cls, im: Image.Image, x: int, y: int) -> Overlay:
        """Convert once. Odd positions/sizes are padded to even so chroma lines up exactly."""
        im = im.convert("RGBA")
        if x % 2 or y % 2 or im.width % 2 or im.height % 2:
            pad = Image.new("RGBA", (im.width + 2, im.height + 2), (0, 0, 0, 0))
            pad.paste(im, (x % 2, y % 2))
            im = pad.crop((0, 0, pad.width - pad.width % 2, pad.height - pad.height % 2))
            x, y = x - x % 2, y - y % 2
        box = im.getchannel("A").getbbox()  # transparent margins (shadow room, centring) need no blending
        if box is None:
            box = (0, 0, 0, 0)
        x0, y0 = box[0] // 2 * 2, box[1] // 2 * 2
        x1, y1 = min(im.width, (box[2] + 1) // 2 * 2), min(im.height, (box[3] + 1) // 2 * 2)
        im = im.crop((x0, y0, x1, y1))
        x, y = x + x0, y + y0
        rgba = np.asarray(im, dtype=np.float32).reshape(im.height, im.width, 4)
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

        def u8(p: np.ndarray) -> np.ndarray:
            return np.clip(np.rint(p), 0, 255).astype(np.uint8)

        ac = u8(asum / 4.0)
        return cls(x, y, np.array(yy), u8(np.dstack((uc, vc))), u8(alpha), np.dstack((ac, ac)))

    @staticmethod
    def _weights(p: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """p*a + 127 and 255 - a (uint16), the two terms of `mix`."""
        a16 = a.astype(np.uint16)
        pa = p * a16
        pa += 127
        return pa, 255 - a16

    @property
    def size(self) -> tuple[int, int]:
        return self.py.shape[1], self.py.shape[0]

    def draw(self, frame: Planes, opacity: float = 1.0) -> None:
        """Blend onto `frame` in place (it must be writable), clipped to the frame; `opacity` 0..1."""
        if opacity <= 0.0:
            return
        fw, fh = frame.size
        w, h = self.size
        x0, y0 = max(self.x, 0), max(self.y, 0)
        x1, y1 = min(self.x + w, fw), min(self.y + h, fh)
        if x1 <= x0 or y1 <= y0:
            return
        sy, sx = slice(y0 - self.y, y1 - self.y), slice(x0 - self.x, x1 - self.x)
        cy, cx = slice(sy.start // 2, sy.stop // 2), slice(sx.start // 2, sx.stop // 2)
        if opacity < 0.999:  # a fade: the alpha scaled, rounded as Pillow's point() would
            lut = np.rint(np.arange(256) * opacity).astype(np.uint8)
            pa, ia = self._weights(self.py[sy, sx], cv2.LUT(self.a[sy, sx], lut))
            pc, ic = self._weights(self.puv[cy, cx], cv2.LUT(self.ac[cy, cx], lut))
        else:
            pa, ia, pc, ic = self._full
            pa, ia, pc, ic = pa[sy, sx], ia[sy, sx], pc[cy, cx], ic[cy, cx]
        mix(frame.y[y0:y1, x0:x1], pa, ia)
        mix(frame.uv[y0 // 2:y1 // 2, x0 // 2:x1 // 2], pc, ic)
