"""Draw a plan's frames and encode them: one ffmpeg process fed raw NV12 through a pipe.

Frames are NV12 numpy arrays composed in YUV (see `yuv.py`) with OpenCV and numpy: a still is
pre-scaled once per shot and each frame is resampled from it with a float crop box (cv2.warpAffine), or
for pans shifted sub-pixel (weighted sums of array views, no jitter); a picture of another shape sits over
a blurred copy of itself pre-rendered once per shot, only its 3 px border strips blended; a clip is
decoded, rotated, made constant-rate and framed by its own ffmpeg process, its NV12 bytes used as they
come; text and logo layers are drawn once and blended on their box only; transitions blend arrays. The
main thread draws, a writer thread hands the arrays' memory to the encoder (H.264 High yuv420p, BT.709
limited range, closed 2 s GOP) without copies, the next still is prepared in a helper thread, and the
sound is mixed and AAC-encoded in the background; a final stream-copy mux adds the sound with
`+faststart`. Everything is written to a temp file beside the target that replaces it only when all
succeeded; on any error (KeyboardInterrupt too) ffmpeg is killed and the temp files removed.

OpenCV is required (a pinned dependency): a Pillow fallback would double the drawing code.
"""

from __future__ import annotations

import math
import os
import queue
import subprocess
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import cv2  # threads set to 1 by .yuv: frames are small and x264 owns the other cores
import numpy as np
from PIL import Image, ImageFilter

from ..atomic import atomic_path
from ..errors import ToolError
from ..platforms import Preset
from .audio import ffmpeg_exe, render_audio, run_ffmpeg
from .layers import check_texts, end_card_image, logo_overlay, text_overlay
from .motion import base_window, prescale_size, window_at
from .plan import Plan, ShotPlan
from .yuv import Overlay, Planes, blend, chroma420, composite, mix, rgb_to_planes, yuv444

PAD = 8  # px of edge around a picture shown whole, for its soft (anti-aliased) border
_WARP = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP  # the matrices map destination px to source px


def _clamp_box(box: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    w, h = size
    return max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)


def _size(a: np.ndarray) -> tuple[int, int]:
    """(w, h) px of an image array."""
    return a.shape[1], a.shape[0]


def _edge_pad(a: np.ndarray, pad: int) -> np.ndarray:
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


def _copy_around(dst: np.ndarray, src: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> None:
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


def _soft_edges(dst: np.ndarray, bg: np.ndarray, x: tuple[float, float, int], y: tuple[float, float, int]) -> None:
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


def _resample_chroma(c4: np.ndarray, box: tuple[float, float, float, float], dst: np.ndarray) -> None:
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


def _group_rows(a: np.ndarray) -> np.ndarray:
    """A plane (h, w) as (ceil(h/4), w, 4): each 4 rows one row of 4-channel pixels (bottom edge repeated)."""
    if a.shape[0] % 4:
        a = cv2.copyMakeBorder(a, 0, -a.shape[0] % 4, 0, 0, cv2.BORDER_REPLICATE)
    return cv2.merge([a[0::4], a[1::4], a[2::4], a[3::4]])


def _resample_luma(rows4: np.ndarray, box: tuple[float, float, float, float], dst: np.ndarray) -> None:
    """Fill `dst` (h, w) with the float `box` (px) of a plane scaled to its size (bilinear, pixel centres as
    Pillow's `resize(box=)`, source positions to 1/32 px); the plane held as `_group_rows` gives it.

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


def _shift(src: np.ndarray, x: float, y: float, dst: np.ndarray) -> None:
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


class StillSource:
    """A photo moving by its plan, sub-pixel exact.

    Three ways, by motion and framing, all from pictures scaled once per shot (Lanczos):
    - a pan (constant zoom, picture cropped to the frame): scaled to exactly the pan's zoom, each frame is a
      window blended with its neighbour one pixel over (a bilinear sub-pixel shift, no resampling);
    - a zoom: each frame resampled from the pre-scaled picture with a float crop box;
    - a picture shown whole (fit): resampled into its rectangle over the blurred fill, with exact
      (analytic) anti-aliased edges.
    A shot that does not move is drawn once and handed out read-only.
    """

    def __init__(self, shot: ShotPlan, size: tuple[int, int], style_motion: dict) -> None:
        from ..assets import read_image

        self.shot = shot
        self.size = size
        self.base = base_window(shot.src_size, size, shot.fit)
        m = shot.motion
        self.translate = m.zoom0 == m.zoom1
        if self.translate:  # 1 picture px = 1 frame px at the pan's zoom
            target = prescale_size(shot.src_size, size, shot.fit, m.zoom0)
            if shot.fit == "fill":
                target = (max(target[0], size[0] + 2), max(target[1], size[1] + 2))
        else:
            target = prescale_size(shot.src_size, size, shot.fit, float(style_motion["prescale"]))
        im = read_image(shot.source, max_size=target)
        if im.size != target:
            im = im.resize(target, Image.Resampling.LANCZOS)
        self.tw, self.th = target
        y, u, v = yuv444(im)
        ya, uv = np.asarray(y), chroma420(u, v)
        self.cw, self.ch = _size(uv)
        self.static: Planes | None = None
        self.bg: Planes | None = None
        if shot.fit != "fill":
            self.bg = blurred_background(im, size, float(style_motion["background_blur"]),
                                         float(style_motion["background_dim"])).frozen()
            ya, uv = _edge_pad(ya, PAD), _edge_pad(uv, PAD // 2)
        self.ysize = _size(ya)
        # pans shift views of the planes as they are; zooms warp luma grouped by 4 rows (see _resample_luma)
        # and chroma with two idle channels (see _resample_chroma)
        self.y = ya if self.translate else _group_rows(ya)
        self.c = uv if self.translate else np.dstack((uv, np.zeros_like(uv)))
        del im

    def frame(self, k: int) -> Planes:
        if self.static is not None:
            return self.static
        shot = self.shot
        x0, y0, x1, y1 = window_at(shot.motion, shot.progress(k), self.base)
        if self.bg is not None:
            out = self._fit_frame(x0, y0, x1, y1)
        elif self.translate:
            px, py = x0 * self.tw, y0 * self.th
            m = shot.motion
            if m.cx0 == m.cx1:  # a still axis needs no sub-pixel shift (one blend less per plane)
                px = round(px / 2) * 2.0
            if m.cy0 == m.cy1:
                py = round(py / 2) * 2.0
            out = Planes.empty(self.size)
            _shift(self.y, px, py, out.y)
            _shift(self.c, px / 2, py / 2, out.uv)
        else:
            box = _clamp_box((x0 * self.tw, y0 * self.th, x1 * self.tw, y1 * self.th), (self.tw, self.th))
            cbox = _clamp_box((x0 * self.tw / 2, y0 * self.th / 2, x1 * self.tw / 2, y1 * self.th / 2),
                              (self.cw, self.ch))
            out = Planes.empty(self.size)
            _resample_luma(self.y, box, out.y)
            _resample_chroma(self.c, cbox, out.uv)
        m = shot.motion
        if m.zoom0 == m.zoom1 and (m.cx0, m.cy0) == (m.cx1, m.cy1):
            self.static = out.frozen()  # the same picture all shot long: shared, never drawn on
        return out

    def _fit_frame(self, x0: float, y0: float, x1: float, y1: float) -> Planes:
        assert self.bg is not None
        w, h = self.size
        sx, sy = w / (x1 - x0), h / (y1 - y0)  # frame px per picture width / height
        px0, px1 = -x0 * sx, (1 - x0) * sx  # the picture's edges in frame px (fractional)
        py0, py1 = -y0 * sy, (1 - y0) * sy
        if self.translate:  # a still axis sits on even pixels: no sub-pixel shift needed there
            m = self.shot.motion
            if m.cx0 == m.cx1:
                d = round(px0 / 2) * 2 - px0
                px0, px1 = px0 + d, px1 + d
            if m.cy0 == m.cy1:
                d = round(py0 / 2) * 2 - py0
                py0, py1 = py0 + d, py1 + d
        dx0 = max(0, int(math.floor(px0)) // 2 * 2)
        dy0 = max(0, int(math.floor(py0)) // 2 * 2)
        dx1 = min(w, (int(math.ceil(px1)) + 1) // 2 * 2)
        dy1 = min(h, (int(math.ceil(py1)) + 1) // 2 * 2)
        if dx1 <= dx0 or dy1 <= dy0:
            return self.bg.copy()
        # the picture is drawn straight into its rectangle of the frame (array views, no temporary planes),
        # the fill copied around it
        out = Planes.empty(self.size)
        _copy_around(out.y, self.bg.y, dy0, dy1, dx0, dx1)
        _copy_around(out.uv, self.bg.uv, dy0 // 2, dy1 // 2, dx0 // 2, dx1 // 2)
        ys, xs = slice(dy0, dy1), slice(dx0, dx1)
        cys, cxs = slice(dy0 // 2, dy1 // 2), slice(dx0 // 2, dx1 // 2)
        dy, duv = out.y[ys, xs], out.uv[cys, cxs]
        if self.translate:  # the picture at 1:1, shifted sub-pixel
            sx0, sy0 = dx0 - px0 + PAD, dy0 - py0 + PAD
            _shift(self.y, sx0, sy0, dy)
            _shift(self.c, sx0 / 2, sy0 / 2, duv)
        else:  # the source box (padded source px) that lands exactly on the destination rectangle
            fx0, fx1 = x0 + dx0 / sx, x0 + dx1 / sx
            fy0, fy1 = y0 + dy0 / sy, y0 + dy1 / sy
            p = PAD // 2
            _resample_luma(self.y, _clamp_box((fx0 * self.tw + PAD, fy0 * self.th + PAD, fx1 * self.tw + PAD,
                                                fy1 * self.th + PAD), self.ysize), dy)
            _resample_chroma(self.c, _clamp_box((fx0 * self.tw / 2 + p, fy0 * self.th / 2 + p,
                                                 fx1 * self.tw / 2 + p, fy1 * self.th / 2 + p), _size(self.c)), duv)
        _soft_edges(dy, self.bg.y[ys, xs], (px0, px1, dx0), (py0, py1, dy0))
        _soft_edges(duv, self.bg.uv[cys, cxs], (px0 / 2, px1 / 2, dx0 // 2), (py0 / 2, py1 / 2, dy0 // 2))
        return out

    def close(self) -> None:
        pass


def clip_filter(shot: ShotPlan, size: tuple[int, int], fps: float, style_motion: dict) -> str:
    """The ffmpeg video filter that turns a clip (auto-rotated) into constant-rate frames of `size`."""
    w, h = size
    pw, ph = shot.src_size
    rate = _rate(fps)
    rng = "out_range=tv:out_color_matrix=bt709"
    if shot.fit == "fill":
        s = max(w / pw, h / ph)
        sw, sh = max(w, int(math.ceil(pw * s / 2)) * 2), max(h, int(math.ceil(ph * s / 2)) * 2)
        x = int(round(min(max(shot.motion.cx0 * sw - w / 2, 0), sw - w)))
        y = int(round(min(max(shot.motion.cy0 * sh - h / 2, 0), sh - h)))
        return (f"fps={rate},scale={sw}:{sh}:flags=bicubic:{rng},crop={w}:{h}:{x}:{y},setsar=1,"
                f"format=nv12")
    s = min(w / pw, h / ph)
    fw, fh = max(2, int(round(pw * s / 2)) * 2), max(2, int(round(ph * s / 2)) * 2)
    s2 = max(w / pw, h / ph) / 8
    bw, bh = max(8, int(math.ceil(pw * s2 / 2)) * 2), max(8, int(math.ceil(ph * s2 / 2)) * 2)
    blur = max(1, int(float(style_motion["background_blur"]) * w / 8))
    dim = float(style_motion["background_dim"])
    cw, ch = max(2, w // 8 // 2 * 2), max(2, h // 8 // 2 * 2)
    bg = (f"scale={bw}:{bh}:{rng},crop={min(cw, bw)}:{min(ch, bh)},boxblur={blur}:2,scale={w}:{h}:flags=bilinear,"
          f"lutyuv=y='16+(val-16)*{dim}':u='128+(val-128)*{dim}':v='128+(val-128)*{dim}'")
    return (f"fps={rate},split=2[a][b];[a]{bg}[bg];[b]scale={fw}:{fh}:flags=bicubic:{rng}[fg];"
            f"[bg][fg]overlay={(w - fw) // 2 // 2 * 2}:{(h - fh) // 2 // 2 * 2},setsar=1,format=nv12")


class ClipSource:
    """A phone clip read by its own ffmpeg process: rotation applied, constant rate, trimmed, framed.

    Frames come as NV12 bytes, each read into a fresh buffer and used as it is (numpy views, no copies).
    One frame is read ahead so the stream's end is known before its last frame is handed out: that one is
    kept read-only, to be held if the file ends early.
    """

    def __init__(self, shot: ShotPlan, size: tuple[int, int], fps: float, style_motion: dict, *,
                 from_frame: int | None = None, count: int | None = None) -> None:
        self.shot, self.size, self.fps = shot, size, fps
        self.frame_bytes = size[0] * size[1] * 3 // 2
        self.next = shot.first_frame if from_frame is None else from_frame
        self.ahead: Planes | None = None  # the next frame, read one early
        self.last: Planes | None = None  # the stream's final frame (read-only) once the stream has ended
        self.started = False
        self.short = False
        start = shot.src_in + (self.next - shot.first_frame) / fps
        n = count if count is not None else shot.last_frame - self.next
        # one filter thread: starting slice threads costs more than they save on one frame (a preview:
        # 0.28 s instead of 0.41 s), and while rendering, x264 and the drawing already own the cores
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-ss", f"{start:.6f}", "-i", str(shot.source),
               "-an", "-sn", "-dn", "-filter_threads", "1", "-vf", clip_filter(shot, size, fps, style_motion),
               "-frames:v", str(n),
               "-f", "rawvideo", "-pix_fmt", "nv12", "-"]
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.err,
                                     bufsize=self.frame_bytes)

    def _read(self) -> Planes | None:
        """The next frame in a buffer of its own (writable), or None at the end of the stream."""
        assert self.proc.stdout is not None
        buf = bytearray(self.frame_bytes)
        view = memoryview(buf)
        got = 0
        while got < self.frame_bytes:
            n = self.proc.stdout.readinto(view[got:])
            if not n:
                return None
            got += n
        return Planes.frombuffer(buf, self.size)

    def frame(self, k: int) -> Planes:
        """Frame `k`; asked for in rising order, each `k` once. Writable (the caller's own) except the
        stream's final frame, which is read-only as it may be held."""
        if not self.started:
            self.started = True
            self.ahead = self._read()
        out = self.last if self.next > k else None
        while self.next <= k:
            if self.ahead is not None:
                out = self.ahead
                self.ahead = self._read()
                if self.ahead is None:
                    self.last = out.frozen()
            else:
                if self.last is None:
                    self.err.seek(0)
                    msg = self.err.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["no frames"]
                    raise ToolError.fail(f"không đọc được hình từ {self.shot.name}: {msg[0]}",
                                         f"cannot read frames from {self.shot.name}: {msg[0]}",
                                         file=self.shot.source, fix_vi="xuất lại đoạn phim (MP4 H.264)",
                                         fix_en="export the clip again (MP4 H.264)")
                self.short = True  # the file ended early: hold the last frame rather than fail
                out = self.last
            self.next += 1
        if out is None:
            raise ValueError(f"frame {k} of {self.shot.name} was already handed out (frames are read once)")
        return out

    def close(self) -> None:
        self.ahead = self.last = None
        if self.proc.poll() is None:
            self.proc.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc.wait()
        self.err.close()


class CardSource:
    """The end card: drawn once, handed out read-only."""

    def __init__(self, plan: Plan) -> None:
        assert plan.end_card is not None
        self.planes = rgb_to_planes(end_card_image(plan.end_card, plan)).frozen()

    def frame(self, k: int) -> Planes:
        return self.planes

    def close(self) -> None:
        pass


def _rate(fps: float) -> str:
    f = Fraction(fps).limit_denominator(1001)
    return f"{f.numerator}/{f.denominator}" if f.denominator != 1 else str(f.numerator)


def _ease(x: float) -> float:
    return x * x * (3 - 2 * x)


class Compositor:
    """Frame `k` of a plan as planes. Sequential use keeps only the shots on screen in memory."""

    def __init__(self, plan: Plan, *, prefetch: bool = True) -> None:
        self.plan = plan
        self.sources: dict[int, object] = {}
        self.futures: dict[int, Future] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="promokit-prefetch") if prefetch else None
        self.lock = threading.Lock()
        self._overlays: dict[int, Overlay] = {}
        self._logo: Overlay | None = None
        self._wipe = Image.linear_gradient("L").rotate(90, expand=True).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        self.short_clips: set[str] = set()

    def _make(self, shot: ShotPlan, k: int, sequential: bool) -> object:
        motion = self.plan.style.motion
        if shot.kind == "still":
            return StillSource(shot, self.plan.size, motion)
        if shot.kind == "clip":
            return ClipSource(shot, self.plan.size, self.plan.fps, motion, from_frame=k,
                              count=None if sequential else 1)
        return CardSource(self.plan)

    def source(self, shot: ShotPlan, k: int, sequential: bool = True) -> object:
        src = self.sources.get(shot.index)
        if src is None:
            fut = self.futures.pop(shot.index, None)
            src = fut.result() if fut is not None else self._make(shot, k, sequential)
            self.sources[shot.index] = src
            if sequential and self.pool is not None:
                nxt = next((s for s in self.plan.shots if s.index == shot.index + 1), None)
                if nxt is not None and nxt.kind == "still" and nxt.index not in self.futures \
                        and nxt.index not in self.sources:
                    self.futures[nxt.index] = self.pool.submit(self._make, nxt, nxt.first_frame, True)
        return src

    def release(self, index: int) -> None:
        src = self.sources.pop(index, None)
        if src is not None:
            if isinstance(src, ClipSource) and src.short:
                self.short_clips.add(src.shot.name)
            src.close()  # type: ignore[attr-defined]

    def frame(self, k: int, *, sequential: bool = True) -> Planes:
        """Frame `k`: the caller's to write (read-only when it is a shared static frame; never changed later)."""
        plan = self.plan
        active = plan.active(k)
        if sequential:
            for idx in [i for i in self.sources if all(s.index != i for s in active)]:
                self.release(idx)
        frames = [self.source(s, k, sequential).frame(k) for s in active]  # type: ignore[attr-defined]
        out = frames[0]
        if len(frames) == 2:
            tr = plan.transition_at(k)
            alpha = tr.alpha(k) if tr is not None else 1.0
            kind = tr.kind if tr is not None else "cut"
            out = self._transition(frames[0], frames[1], alpha, kind)
        t = k / plan.fps
        for i, layer in enumerate(plan.texts):
            op = _opacity(t, layer.start, layer.end, layer.fade)
            if op > 0:
                ov = self._overlays.get(i)
                if ov is None:
                    ov = self._overlays[i] = text_overlay(layer, plan)
                out = out.mutable()
                ov.draw(out, op)
            elif sequential and t >= layer.end:
                self._overlays.pop(i, None)
        if plan.logo is not None:
            op = _opacity(t, plan.logo.start, plan.logo.end, 0.3)
            if op > 0:
                if self._logo is None:
                    self._logo = logo_overlay(plan.logo)
                out = out.mutable()
                self._logo.draw(out, op)
        if not sequential:
            for s in active:
                self.release(s.index)
        return out

    def _transition(self, a: Planes, b: Planes, alpha: float, kind: str) -> Planes:
        w, h = self.plan.size
        if kind == "crossfade":
            return blend(a, b, alpha)
        if kind == "slide":  # a leaves to the left, b comes in from the right
            off = int(round(_ease(alpha) * w / 2)) * 2
            out = Planes.empty((w, h))
            out.y[:, :w - off], out.y[:, w - off:] = a.y[:, off:], b.y[:, :off]
            c, cw = off // 2, w // 2
            out.uv[:, :cw - c], out.uv[:, cw - c:] = a.uv[:, c:], b.uv[:, :c]
            return out
        if kind == "wipe":  # b revealed from the left behind a soft edge
            soft = max(2, w // 12)
            edge = int(-soft + _ease(alpha) * (w + 2 * soft))
            ramp = np.asarray(self._wipe.resize((soft, 1)))[0]  # 255 -> 0 left to right
            row = np.zeros(w, np.uint8)
            row[:max(0, edge)] = 255
            lo, hi = max(0, edge), min(w, edge + soft)
            if hi > lo:
                row[lo:hi] = ramp[lo - edge:hi - edge]
            return composite(a, b, row)
        return b if alpha >= 0.5 else a

    def close(self) -> None:
        for idx in list(self.sources):
            self.release(idx)
        if self.pool is not None:
            for fut in self.futures.values():
                fut.cancel()
            self.pool.shutdown(wait=True)
            for fut in self.futures.values():
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    fut.result().close()
            self.futures.clear()

    def __enter__(self) -> Compositor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _opacity(t: float, start: float, end: float, fade: float) -> float:
    if t < start or t >= end:
        return 0.0
    if fade <= 0:
        return 1.0
    return max(0.0, min(1.0, (t - start) / fade, (end - t) / fade))


# --------------------------------------------------------------------------------------------
# Encoding


def encode_args(plan: Plan, out: Path, preset: Preset | None = None) -> list[str]:
    """The video encode: raw NV12 frames on stdin -> H.264 High, BT.709 tv range, closed 2 s GOP (MP4)."""
    enc = plan.style.draft if plan.draft else plan.style.encode
    fps = _rate(plan.fps)
    gop = max(1, int(round(float(plan.style.encode["gop_seconds"]) * plan.fps)))
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "nv12", "-s", f"{plan.width}x{plan.height}", "-r", fps,
           "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
           "-i", "-", "-map", "0:v:0",
           "-c:v", "libx264", "-preset", str(enc["preset"]), "-crf", str(enc["crf"]), "-profile:v", "high",
           "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", "-flags", "+cgop",
           "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"]
    threads = plan.style.encode.get("threads")
    if threads:
        cmd += ["-threads", str(threads)]
    abr = preset.audio_bitrate if preset is not None else 160_000
    maxrate = None
    if preset is not None and not plan.draft:
        if preset.max_bitrate:
            maxrate = int(preset.max_bitrate * 0.9)
        if preset.max_bytes:
            budget = int(preset.max_bytes * 8 * 0.92 / max(plan.duration, 1.0)) - abr
            maxrate = budget if maxrate is None else min(maxrate, budget)
    if maxrate:
        cmd += ["-maxrate", str(maxrate), "-bufsize", str(maxrate * 2)]
    return cmd + ["-an", "-f", "mp4", str(out)]


def mux_args(video: Path, audio: Path, out: Path, preset: Preset | None = None) -> list[str]:
    """Video stream copied; the sound copied when already AAC (.m4a), else encoded AAC-LC 48 kHz stereo;
    the index first (`+faststart`)."""
    if Path(audio).suffix.lower() == ".m4a":
        codec = ["-c:a", "copy"]
    else:
        abr = preset.audio_bitrate if preset is not None else 160_000
        codec = ["-c:a", "aac", "-b:a", str(abr), "-ar", "48000", "-ac", "2"]
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", str(video), "-i", str(audio),
            "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", *codec, "-shortest", "-movflags", "+faststart",
            "-f", "mp4", str(out)]


def encode_aac(wav: Path, out: Path, bitrate: int = 160_000) -> Path:
    """The finished sound as AAC-LC stereo in an .m4a, at the WAV's rate (48 kHz; a draft's 24 kHz).
    ffmpeg's AAC encoder is slow (~1.5 s for 30 s at 48 kHz), so this runs beside the frame drawing."""
    run_ffmpeg(["-v", "error", "-i", str(wav), "-c:a", "aac", "-b:a", str(bitrate), "-ac", "2",
                "-f", "ipod", str(out)], "mã hóa âm thanh AAC / encode the sound as AAC")
    return out


def _tail(f: object) -> str:
    try:
        f.seek(0)  # type: ignore[attr-defined]
        lines = f.read().decode("utf-8", "replace").strip().splitlines()  # type: ignore[attr-defined]
        return " | ".join(lines[-3:])
    except (OSError, ValueError):
        return ""


def _widen_pipe(stream: object) -> None:
    """Ask Linux for a 1 MiB pipe (default 64 KiB): a 3 MB frame then crosses in 3 wakeups, not 48."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)  # type: ignore[attr-defined]
    except (ImportError, OSError, AttributeError, ValueError):  # other systems, or a lower limit: keep the default
        pass


class _Writer(threading.Thread):
    """Writes finished frames to ffmpeg's stdin while the main thread draws the next ones.

    A blocked pipe (x264 busy) then no longer stalls the drawing. A write error is kept and raised in
    the main thread by the next `put`.
    """

    def __init__(self, stream: object, depth: int = 3) -> None:
        super().__init__(name="promokit-writer", daemon=True)
        self.stream = stream
        self.q: queue.Queue[tuple[memoryview, ...] | None] = queue.Queue(depth)
        self.error: BaseException | None = None

    def run(self) -> None:
        while True:
            item = self.q.get()
            if item is None:
                return
            if self.error is None:
                try:
                    for part in item:
                        self.stream.write(part)  # type: ignore[attr-defined]  # the array's memory, no copy
                except (OSError, ValueError) as e:  # BrokenPipeError: ffmpeg is gone
                    self.error = e

    def put(self, data: tuple[memoryview, ...]) -> None:
        """Queue one frame's parts (views of its arrays: the frame must not change afterwards)."""
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.q.put(data, timeout=0.2)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Let the queue drain and stop (after the process is done or killed, this cannot block)."""
        self.q.put(None)
        self.join()


def encode(plan: Plan, out: Path, audio: Path | Future, *, preset: Preset | None = None,
           progress: Callable[[int, int], None] | None = None) -> list[str]:
    """Draw every frame, encode, mux the sound and write `out` atomically. Returns warnings.

    `audio` is the finished WAV, or a Future of it (the sound is then mixed while the frames are drawn;
    it is needed only for the final mux).
    """
    out = Path(out)
    check_texts(plan)  # glyphs and fitting checked before ffmpeg starts
    with atomic_path(out) as tmp:
        video = tmp.with_name(tmp.name.replace(".part", ".video.part"))
        try:
            warnings = _encode_video(plan, video, out, preset, progress)
            wav = audio.result() if isinstance(audio, Future) else audio
            err = tempfile.TemporaryFile()
            try:
                r = subprocess.run(mux_args(video, Path(wav), tmp, preset), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=err, timeout=600)
                if r.returncode != 0:
                    raise ToolError.fail(f"ffmpeg lỗi khi ghép âm thanh (mã {r.returncode}): {_tail(err)}",
                                         f"ffmpeg failed to mux the sound (exit {r.returncode}): {_tail(err)}",
                                         file=out, fix_vi="chạy lại; kiểm tra dung lượng đĩa",
                                         fix_en="run again; check the free disk space")
            finally:
                err.close()
        finally:
            video.unlink(missing_ok=True)
    return warnings


def _encode_video(plan: Plan, tmp: Path, out: Path, preset: Preset | None,
                  progress: Callable[[int, int], None] | None) -> list[str]:
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(encode_args(plan, tmp, preset), stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=err)
    _widen_pipe(proc.stdin)
    comp = None
    writer = _Writer(proc.stdin, int(plan.style.encode.get("queue", 8)))
    writer.start()

    def stopped() -> ToolError:
        proc.wait()
        return ToolError.fail(f"ffmpeg dừng giữa chừng (mã {proc.returncode}) {_tail(err)}",
                              f"ffmpeg stopped mid-render (exit {proc.returncode}) {_tail(err)}", file=out,
                              fix_vi="chạy lại; kiểm tra dung lượng đĩa", fix_en="run again; check the free disk space")

    try:
        comp = Compositor(plan)
        for k in range(plan.frames):
            data = comp.frame(k).parts()
            try:
                writer.put(data)
            except (OSError, ValueError):
                raise stopped() from None
            if progress is not None:
                progress(k + 1, plan.frames)
        writer.finish()
        if writer.error is not None:
            raise stopped()
        assert proc.stdin is not None
        proc.stdin.close()
        rc = proc.wait()
        if rc != 0:
            raise ToolError.fail(f"ffmpeg lỗi khi mã hóa (mã {rc}): {_tail(err)}",
                                 f"ffmpeg failed to encode (exit {rc}): {_tail(err)}", file=out,
                                 fix_vi="chạy lại; kiểm tra dung lượng đĩa", fix_en="run again; check the free disk space")
        comp.close()  # releases the last shot too, so a clip ending early there is reported
        return [f"{name}: the file ended early, its last frame is held" for name in sorted(comp.short_clips)]
    except BaseException:
        if proc.poll() is None:
            proc.kill()
        raise
    finally:
        if writer.is_alive():
            if proc.poll() is None:
                proc.kill()
            writer.finish()
        if comp is not None:
            comp.close()
        if proc.stdin is not None and not proc.stdin.closed:
            try:
                proc.stdin.close()
            except OSError:
                pass
        proc.wait()
        err.close()


def render_video(plan: Plan, out: Path, *, preset: Preset | None = None, audio_wav: Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> tuple[Path, list[str]]:
    """Render `plan` to `out` (MP4). The sound is mixed meanwhile unless a finished `audio_wav` is given."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if audio_wav is not None:
        return out, encode(plan, out, audio_wav, preset=preset, progress=progress)
    with SoundJob(plan, out.parent, preset.audio_bitrate if preset is not None else 160_000) as sound:
        return out, encode(plan, out, sound.future, preset=preset, progress=progress)


class SoundJob:
    """The sound of a plan mixed, normalised and AAC-encoded in the background, into hidden temp files in
    `folder` (default: the system's temp folder; removed by `close()` or on exit). `future` gives the .m4a."""

    def __init__(self, plan: Plan, folder: Path | None = None, bitrate: int = 160_000) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".audio.", suffix=".wav", dir=folder)
        os.close(fd)
        self.wav = Path(tmp)
        self.m4a = self.wav.with_suffix(".m4a")
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="promokit-audio")
        self.future: Future = self.pool.submit(self._run, plan, bitrate)

    def _run(self, plan: Plan, bitrate: int) -> Path:
        render_audio(plan.audio, self.wav)
        return encode_aac(self.wav, self.m4a, bitrate)

    def __enter__(self) -> SoundJob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Wait for the sound (its ffmpeg must finish before its files go), then remove the files."""
        try:
            self.future.result()  # let its ffmpeg finish before the files are removed
        except BaseException:  # noqa: BLE001 - the error that matters is already propagating or raised
            pass
        finally:
            self.pool.shutdown(wait=True)
            self.wav.unlink(missing_ok=True)
            self.m4a.unlink(missing_ok=True)
