"""Draw a plan's frames and encode them: one ffmpeg process fed raw yuv420p through a pipe.

Frames are composed in YUV (see `yuv.py`): a still is pre-scaled once per shot and each frame is
resampled from it with a float crop box, or for pans shifted sub-pixel (no jitter); a picture of another
shape sits over a blurred copy of itself pre-rendered once per shot; a clip is decoded, rotated, made
constant-rate and framed by its own ffmpeg process; text and logo layers are drawn once and blended on
their box only; transitions blend planes. The main thread draws, a writer thread feeds the encoder (H.264
High yuv420p, BT.709 limited range, closed 2 s GOP), the next still is prepared in a helper thread, and
the sound is mixed and AAC-encoded in the background; a final stream-copy mux adds the sound with
`+faststart`. Everything is written to a temp file beside the target that replaces it only when all
succeeded; on any error (KeyboardInterrupt too) ffmpeg is killed and the temp files removed.
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

import numpy as np
from PIL import Image, ImageFilter

from ..atomic import atomic_path
from ..errors import ToolError
from ..platforms import Preset
from .audio import ffmpeg_exe, render_audio, run_ffmpeg
from .layers import check_texts, end_card_image, logo_overlay, text_overlay
from .motion import base_window, prescale_size, window_at
from .plan import Plan, ShotPlan
from .yuv import Overlay, Planes, blend, composite, rgb_to_planes, yuv444

try:  # OpenCV: zooms ~2.5x and sub-pixel pans ~9x cheaper than Pillow; optional (Pillow fallback)
    import cv2

    cv2.setNumThreads(1)  # frames are small and x264 owns the other cores: threads only add overhead
except ImportError:  # pragma: no cover - exercised only without opencv installed
    cv2 = None

PAD = 8  # px of edge around a picture shown whole, for its soft (anti-aliased) border


def _clamp_box(box: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    w, h = size
    return max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)


def _edge_pad(im: Image.Image, pad: int) -> Image.Image:
    a = np.asarray(im)
    return Image.fromarray(np.pad(a, pad, mode="edge"))


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
    return rgb_to_planes(im.resize((w, h), Image.Resampling.BICUBIC))


def _coverage(n: int, lo: float, hi: float, offset: int) -> np.ndarray:
    """How much of each of `n` pixels (starting at px `offset`) lies inside [lo, hi): 0..255."""
    edges = np.arange(offset, offset + n + 1, dtype=np.float64)
    cov = np.clip(np.minimum(edges[1:], hi) - np.maximum(edges[:-1], lo), 0.0, 1.0)
    return np.rint(cov * 255).astype(np.uint16)


def _paste_soft(dst: Image.Image, bg: Image.Image, pic: Image.Image, pos: tuple[int, int],
                x: tuple[float, float, int], y: tuple[float, float, int]) -> None:
    """Paste `pic` at `pos` px into `dst`, its edges anti-aliased against `bg` (what `dst` held there).

    `x`, `y`: the picture covers [lo, hi) px of the frame, `pic` starts at px offset. Only the border strips
    are partly covered, so the inside is a plain copy and just the strips are blended by their coverage.
    """
    w, h = pic.size
    dx, dy = pos
    cx = _coverage(w, *x)
    cy = _coverage(h, *y)

    def outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return ((a[:, None] * b[None, :] + 127) // 255).astype(np.uint8)

    k = 3
    if w <= 2 * k or h <= 2 * k:
        dst.paste(pic, pos, Image.fromarray(outer(cy, cx)))
        return
    dst.paste(pic, pos)
    # top and bottom strips full width, left and right strips between them (corners blended once)
    for x0, y0, x1, y1 in ((0, 0, w, k), (0, h - k, w, h), (0, k, k, h - k), (w - k, k, w, h - k)):
        cov = outer(cy[y0:y1], cx[x0:x1])
        if cov.min() == 255:
            continue  # fully covered (the picture runs past the frame here)
        box = (dx + x0, dy + y0, dx + x1, dy + y1)
        dst.paste(bg.crop(box), box[:2], Image.fromarray(255 - cov))


def _warp(a: np.ndarray, m: list[list[float]], size: tuple[int, int]) -> Image.Image:
    """cv2.warpAffine of a uint8 plane, `m` mapping destination px to source px (bilinear)."""
    out = cv2.warpAffine(a, np.array(m, dtype=np.float64), size,
                         flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REFLECT)
    return Image.fromarray(out)


def _resample(im: Image.Image, a: np.ndarray | None, box: tuple[float, float, float, float],
              size: tuple[int, int]) -> Image.Image:
    """The float `box` of `im` scaled to `size` (bilinear, pixel centres as Pillow's `resize(box=)`).

    `a` is `im` as a numpy array (kept per shot) when OpenCV is there (cv2.warpAffine: one pass, source
    positions to 1/32 px, plenty for smooth motion); else Pillow resamples."""
    if a is None:
        return im.resize(size, Image.Resampling.BILINEAR, box=box)
    x0, y0, x1, y1 = box
    sx, sy = (x1 - x0) / size[0], (y1 - y0) / size[1]
    return _warp(a, [[sx, 0.0, x0 + 0.5 * sx - 0.5], [0.0, sy, y0 + 0.5 * sy - 0.5]], size)


def _shift(im: Image.Image, x: float, y: float, size: tuple[int, int], a: np.ndarray | None = None) -> Image.Image:
    """The `size` window of `im` whose top-left is at (x, y) px, sub-pixel exact (bilinear).

    `a` is `im` as a numpy array (kept per shot) when OpenCV is there: cv2.addWeighted on views, no crops."""
    w, h = size
    if a is not None:  # weighted sums of shifted views (exact float weights, no resampling, no copies)
        ix, iy = int(math.floor(x)), int(math.floor(y))
        fx, fy = x - ix, y - iy
        ix = min(max(ix, 0), im.width - w - 1)
        iy = min(max(iy, 0), im.height - h - 1)

        def row(dy: int) -> np.ndarray:
            r = a[iy + dy:iy + dy + h, ix:ix + w]
            return cv2.addWeighted(r, 1.0 - fx, a[iy + dy:iy + dy + h, ix + 1:ix + 1 + w], fx, 0.0) if fx > 1e-4 else r

        top = row(0)
        out = cv2.addWeighted(top, 1.0 - fy, row(1), fy, 0.0) if fy > 1e-4 else top
        return Image.fromarray(np.ascontiguousarray(out))
    ix, iy = int(math.floor(x)), int(math.floor(y))
    fx, fy = x - ix, y - iy
    ix = min(max(ix, 0), im.width - w - 1)
    iy = min(max(iy, 0), im.height - h - 1)
    out = im.crop((ix, iy, ix + w, iy + h))
    if fx > 1e-4:
        out = Image.blend(out, im.crop((ix + 1, iy, ix + 1 + w, iy + h)), fx)
    if fy > 1e-4:
        below = im.crop((ix, iy + 1, ix + w, iy + 1 + h))
        if fx > 1e-4:
            below = Image.blend(below, im.crop((ix + 1, iy + 1, ix + 1 + w, iy + 1 + h)), fx)
        out = Image.blend(out, below, fy)
    return out


class StillSource:
    """A photo moving by its plan, sub-pixel exact.

    Three ways, by motion and framing, all from pictures scaled once per shot (Lanczos):
    - a pan (constant zoom, picture cropped to the frame): scaled to exactly the pan's zoom, each frame is a
      crop blended with its neighbour one pixel over (a bilinear sub-pixel shift, no resampling);
    - a zoom: each frame resampled from the pre-scaled picture with a float crop box;
    - a picture shown whole (fit): resampled into its rectangle over the blurred fill, with exact
      (analytic) anti-aliased edges.
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
        u, v = u.reduce(2), v.reduce(2)
        self.static: Planes | None = None
        self.bg: Planes | None = None
        if shot.fit == "fill":
            self.y, self.u, self.v = y, u, v
        else:
            self.bg = blurred_background(im, size, float(style_motion["background_blur"]),
                                         float(style_motion["background_dim"]))
            self.y, self.u, self.v = _edge_pad(y, PAD), _edge_pad(u, PAD // 2), _edge_pad(v, PAD // 2)
        self.cw, self.ch = u.size
        # the planes as arrays once per shot, for OpenCV (np.asarray of a Pillow image copies it)
        self.ya, self.ua, self.va = ((np.asarray(self.y), np.asarray(self.u), np.asarray(self.v)) if cv2 is not None
                                     else (None, None, None))
        del im

    def frame(self, k: int) -> Planes:
        if self.static is not None:
            return self.static.copy()
        shot = self.shot
        w, h = self.size
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
            out = Planes(_shift(self.y, px, py, (w, h), self.ya),
                         _shift(self.u, px / 2, py / 2, (w // 2, h // 2), self.ua),
                         _shift(self.v, px / 2, py / 2, (w // 2, h // 2), self.va))
        else:
            box = _clamp_box((x0 * self.tw, y0 * self.th, x1 * self.tw, y1 * self.th), (self.tw, self.th))
            cbox = _clamp_box((x0 * self.tw / 2, y0 * self.th / 2, x1 * self.tw / 2, y1 * self.th / 2),
                              (self.cw, self.ch))
            out = Planes(_resample(self.y, self.ya, box, (w, h)), _resample(self.u, self.ua, cbox, (w // 2, h // 2)),
                         _resample(self.v, self.va, cbox, (w // 2, h // 2)))
        m = shot.motion
        if m.zoom0 == m.zoom1 and (m.cx0, m.cy0) == (m.cx1, m.cy1):
            self.static = out.copy()
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
        out = self.bg.copy()
        if dx1 <= dx0 or dy1 <= dy0:
            return out
        # the source box (padded source px) that lands exactly on the destination rectangle
        fx0, fx1 = x0 + dx0 / sx, x0 + dx1 / sx
        fy0, fy1 = y0 + dy0 / sy, y0 + dy1 / sy
        box = _clamp_box((fx0 * self.tw + PAD, fy0 * self.th + PAD, fx1 * self.tw + PAD, fy1 * self.th + PAD),
                         self.y.size)
        p = PAD // 2
        cbox = _clamp_box((fx0 * self.tw / 2 + p, fy0 * self.th / 2 + p, fx1 * self.tw / 2 + p,
                           fy1 * self.th / 2 + p), self.u.size)
        dw, dh = dx1 - dx0, dy1 - dy0
        if self.translate:  # the picture at 1:1, shifted sub-pixel
            sx0, sy0 = dx0 - px0 + PAD, dy0 - py0 + PAD
            fy_, fu, fv = (_shift(self.y, sx0, sy0, (dw, dh), self.ya),
                           _shift(self.u, sx0 / 2, sy0 / 2, (dw // 2, dh // 2), self.ua),
                           _shift(self.v, sx0 / 2, sy0 / 2, (dw // 2, dh // 2), self.va))
        else:
            fy_, fu, fv = (_resample(self.y, self.ya, box, (dw, dh)), _resample(self.u, self.ua, cbox, (dw // 2, dh // 2)),
                           _resample(self.v, self.va, cbox, (dw // 2, dh // 2)))
        xs, ys = (px0, px1, dx0), (py0, py1, dy0)
        xc, yc = (px0 / 2, px1 / 2, dx0 // 2), (py0 / 2, py1 / 2, dy0 // 2)
        _paste_soft(out.y, self.bg.y, fy_, (dx0, dy0), xs, ys)
        _paste_soft(out.u, self.bg.u, fu, (dx0 // 2, dy0 // 2), xc, yc)
        _paste_soft(out.v, self.bg.v, fv, (dx0 // 2, dy0 // 2), xc, yc)
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
                f"format=yuv420p")
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
            f"[bg][fg]overlay={(w - fw) // 2 // 2 * 2}:{(h - fh) // 2 // 2 * 2},setsar=1,format=yuv420p")


class ClipSource:
    """A phone clip read by its own ffmpeg process: rotation applied, constant rate, trimmed, framed."""

    def __init__(self, shot: ShotPlan, size: tuple[int, int], fps: float, style_motion: dict, *,
                 from_frame: int | None = None, count: int | None = None) -> None:
        self.shot, self.size, self.fps = shot, size, fps
        self.frame_bytes = size[0] * size[1] * 3 // 2
        self.next = shot.first_frame if from_frame is None else from_frame
        self.last: bytes | None = None
        self.short = False
        start = shot.src_in + (self.next - shot.first_frame) / fps
        n = count if count is not None else shot.last_frame - self.next
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-ss", f"{start:.6f}", "-i", str(shot.source),
               "-an", "-sn", "-dn", "-vf", clip_filter(shot, size, fps, style_motion), "-frames:v", str(n),
               "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.err,
                                     bufsize=self.frame_bytes)

    def _read(self) -> bytes | None:
        assert self.proc.stdout is not None
        buf = bytearray()
        while len(buf) < self.frame_bytes:
            chunk = self.proc.stdout.read(self.frame_bytes - len(buf))
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    def frame(self, k: int) -> Planes:
        while self.next <= k:
            data = self._read()
            if data is None:
                if self.last is None:
                    self.err.seek(0)
                    msg = self.err.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["no frames"]
                    raise ToolError.fail(f"không đọc được hình từ {self.shot.name}: {msg[0]}",
                                         f"cannot read frames from {self.shot.name}: {msg[0]}",
                                         file=self.shot.source, fix_vi="xuất lại đoạn phim (MP4 H.264)",
                                         fix_en="export the clip again (MP4 H.264)")
                self.short = True  # the file ended early: hold the last frame rather than fail
                data = self.last
            self.last = data
            self.next += 1
        assert self.last is not None
        return Planes.frombytes(self.last, self.size)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc.wait()
        self.err.close()


class CardSource:
    def __init__(self, plan: Plan) -> None:
        assert plan.end_card is not None
        self.planes = rgb_to_planes(end_card_image(plan.end_card, plan))

    def frame(self, k: int) -> Planes:
        return self.planes.copy()

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
                ov.draw(out, op)
            elif sequential and t >= layer.end:
                self._overlays.pop(i, None)
        if plan.logo is not None:
            op = _opacity(t, plan.logo.start, plan.logo.end, 0.3)
            if op > 0:
                if self._logo is None:
                    self._logo = logo_overlay(plan.logo)
                self._logo.draw(out, op)
        if not sequential:
            for s in active:
                self.release(s.index)
        return out

    def _transition(self, a: Planes, b: Planes, alpha: float, kind: str) -> Planes:
        w, h = self.plan.size
        if kind == "crossfade":
            return blend(a, b, alpha)
        if kind == "slide":
            off = int(round(_ease(alpha) * w / 2)) * 2
            out = Planes(Image.new("L", (w, h)), Image.new("L", (w // 2, h // 2)), Image.new("L", (w // 2, h // 2)))
            for im, src, x in ((out, a, -off), (out, b, w - off)):
                im.y.paste(src.y, (x, 0))
                im.u.paste(src.u, (x // 2, 0))
                im.v.paste(src.v, (x // 2, 0))
            return out
        if kind == "wipe":
            soft = max(2, w // 12)
            edge = -soft + _ease(alpha) * (w + 2 * soft)
            ramp = self._wipe.resize((soft, 1))  # 255 -> 0 left to right
            row = Image.new("L", (w, 1), 0)
            row.paste(255, (0, 0, max(0, int(edge)), 1))
            row.paste(ramp, (int(edge), 0))
            mask = row.resize((w, h), Image.Resampling.NEAREST)
            return composite(a, b, mask, mask.resize((w // 2, h // 2), Image.Resampling.NEAREST))
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
    """The video encode: raw yuv420p frames on stdin -> H.264 High, BT.709 tv range, closed 2 s GOP (MP4)."""
    enc = plan.style.draft if plan.draft else plan.style.encode
    fps = _rate(plan.fps)
    gop = max(1, int(round(float(plan.style.encode["gop_seconds"]) * plan.fps)))
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{plan.width}x{plan.height}", "-r", fps,
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
        self.q: queue.Queue[tuple[bytes, ...] | None] = queue.Queue(depth)
        self.error: BaseException | None = None

    def run(self) -> None:
        while True:
            item = self.q.get()
            if item is None:
                return
            if self.error is None:
                try:
                    for part in item:
                        self.stream.write(part)  # type: ignore[attr-defined]
                except (OSError, ValueError) as e:  # BrokenPipeError: ffmpeg is gone
                    self.error = e

    def put(self, data: tuple[bytes, ...]) -> None:
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
    `folder` (removed on exit). `future` gives the .m4a to mux."""

    def __init__(self, plan: Plan, folder: Path, bitrate: int = 160_000) -> None:
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
        try:
            self.future.result()  # let its ffmpeg finish before the files are removed
        except BaseException:  # noqa: BLE001 - the error that matters is already propagating or raised
            pass
        finally:
            self.pool.shutdown(wait=True)
            self.wav.unlink(missing_ok=True)
            self.m4a.unlink(missing_ok=True)
