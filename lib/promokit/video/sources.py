"""Frame sources: what draws one shot's frames, behind one `FrameSource` protocol, registered by shot kind.

A still is scaled once per shot and each frame resampled from it (`resample.py`); a clip is decoded,
rotated, made constant-rate and framed by its own ffmpeg process, its NV12 bytes used as they come; the end
card is drawn once. A new kind of shot is one class with `open()`, `frame()`, `close()` and one
`SOURCES.add` line; the compositor asks the registry for the shot's kind.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from typing import ClassVar, Protocol

import numpy as np
from PIL import Image

from ..assets.media import stopped_error
from ..errors import ToolError
from ..registry import Registry
from .audio import ffmpeg_exe
from .layers import end_card_image
from .motion import base_window, prescale_size, window_at
from .plan import Plan, ShotPlan, ffmpeg_rate
from .resample import (
    blurred_background,
    clamp_box,
    copy_around,
    edge_pad,
    group_rows,
    resample_chroma,
    resample_luma,
    shift,
    size_of,
    soft_edges,
)
from .style import resolve_color
from .yuv import Planes, chroma420, rgb_to_planes, yuv444

PAD = 8  # px of edge around a picture shown whole, for its soft (anti-aliased) border


class FrameSource(Protocol):
    """One shot's frames as NV12 planes.

    `frame(k)` is asked for the plan's frame numbers inside the shot, in rising order when rendering
    (each once), any one when previewing. A frame handed out is the caller's to draw on when writable;
    a read-only one is shared and copied before drawing. `short` is True once the source ran out before
    its shot ended (its last frame held). `close()` frees processes and memory; it may be called twice.
    """

    short: bool

    def frame(self, k: int) -> Planes: ...

    def close(self) -> None: ...


class SourceKind(Protocol):
    """A registered kind of shot: opens the source of `shot` in `plan`, starting at frame `from_frame`;
    `sequential` False means only that one frame will be asked for (a preview)."""

    prefetch: ClassVar[bool]  # worth preparing on a helper thread before its shot starts

    @classmethod
    def open(cls, shot: ShotPlan, plan: Plan, *, from_frame: int, sequential: bool) -> FrameSource: ...


#: shot kind (`ShotPlan.kind`) -> its source class
SOURCES: Registry[type] = Registry("loại cảnh", "shot kind")


def open_source(shot: ShotPlan, plan: Plan, *, from_frame: int | None = None, sequential: bool = True) -> FrameSource:
    """The frame source of `shot` in `plan` (from its first frame unless `from_frame`)."""
    kind = SOURCES.get(shot.kind)
    return kind.open(shot, plan, from_frame=shot.first_frame if from_frame is None else from_frame,
                     sequential=sequential)


def visible_region(shot: ShotPlan, size: tuple[int, int], target: tuple[int, int],
                   margin: int = 8) -> tuple[int, int, int, int]:
    """(x, y, w, h) px of a picture pre-scaled to `target` that the shot's windows (in a frame of `size` px)
    reach over all its frames, plus `margin` px for the resampling filters; x and y even (chroma is half size)."""
    tw, th = target
    base = base_window(shot.src_size, size, shot.fit)
    us = [0.0, 1.0, *(shot.progress(k) for k in range(shot.first_frame, shot.last_frame))]
    boxes = [window_at(shot.motion, u, base) for u in us]
    x0 = max(0, (math.floor(min(b[0] for b in boxes) * tw) - margin) // 2 * 2)
    y0 = max(0, (math.floor(min(b[1] for b in boxes) * th) - margin) // 2 * 2)
    x1 = min(tw, -(-(math.ceil(max(b[2] for b in boxes) * tw) + margin) // 2) * 2)
    y1 = min(th, -(-(math.ceil(max(b[3] for b in boxes) * th) + margin) // 2) * 2)
    return x0, y0, x1 - x0, y1 - y0


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

    prefetch: ClassVar[bool] = True
    short = False

    @classmethod
    def open(cls, shot: ShotPlan, plan: Plan, *, from_frame: int, sequential: bool) -> StillSource:
        matte = resolve_color(plan.style.motion.get("matte"), plan.colors) or (0, 0, 0)
        return cls(shot, plan.size, plan.style.motion, matte)

    def __init__(self, shot: ShotPlan, size: tuple[int, int], style_motion: dict,
                 matte: tuple[int, int, int] = (0, 0, 0)) -> None:
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
        # one Lanczos pass below, not two; a cut-out's transparent parts on the style's matte (the brand's colour)
        im = read_image(shot.source, max_size=target, resample=False, matte=matte)
        self.tw, self.th = target
        # a cropped picture is scaled and converted only where the shot's windows ever reach (a landscape
        # photo in 9:16 shows about a third of its width): the same pixels as scaling all of it, for a third
        # of the work; (ox, oy) is where the kept part starts, in pre-scaled px
        self.ox, self.oy, w, h = self.crop = visible_region(shot, size, target) if shot.fit == "fill" else (0, 0, *target)
        if (self.ox, self.oy, w, h) != (0, 0, *im.size):
            kx, ky = im.width / self.tw, im.height / self.th
            im = im.resize((w, h), Image.Resampling.LANCZOS,
                           box=(self.ox * kx, self.oy * ky, (self.ox + w) * kx, (self.oy + h) * ky))
        y, u, v = yuv444(im)
        ya, uv = np.asarray(y), chroma420(u, v)
        self.cw, self.ch = size_of(uv)
        self.static: Planes | None = None
        self.bg: Planes | None = None
        if shot.fit != "fill":
            self.bg = blurred_background(im, size, float(style_motion["background_blur"]),
                                         float(style_motion["background_dim"])).frozen()
            ya, uv = edge_pad(ya, PAD), edge_pad(uv, PAD // 2)
        self.ysize = size_of(ya)
        # pans shift views of the planes as they are; zooms warp luma grouped by 4 rows (see resample_luma)
        # and chroma with two idle channels (see resample_chroma)
        self.y = ya if self.translate else group_rows(ya)
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
            px, py = px - self.ox, py - self.oy
            out = Planes.empty(self.size)
            shift(self.y, px, py, out.y)
            shift(self.c, px / 2, py / 2, out.uv)
        else:
            ox, oy = self.ox, self.oy
            box = clamp_box((x0 * self.tw - ox, y0 * self.th - oy, x1 * self.tw - ox, y1 * self.th - oy),
                            self.crop[2:])
            cbox = clamp_box(((x0 * self.tw - ox) / 2, (y0 * self.th - oy) / 2, (x1 * self.tw - ox) / 2,
                              (y1 * self.th - oy) / 2), (self.cw, self.ch))
            out = Planes.empty(self.size)
            resample_luma(self.y, box, out.y)
            resample_chroma(self.c, cbox, out.uv)
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
        copy_around(out.y, self.bg.y, dy0, dy1, dx0, dx1)
        copy_around(out.uv, self.bg.uv, dy0 // 2, dy1 // 2, dx0 // 2, dx1 // 2)
        ys, xs = slice(dy0, dy1), slice(dx0, dx1)
        cys, cxs = slice(dy0 // 2, dy1 // 2), slice(dx0 // 2, dx1 // 2)
        dy, duv = out.y[ys, xs], out.uv[cys, cxs]
        if self.translate:  # the picture at 1:1, shifted sub-pixel
            sx0, sy0 = dx0 - px0 + PAD, dy0 - py0 + PAD
            shift(self.y, sx0, sy0, dy)
            shift(self.c, sx0 / 2, sy0 / 2, duv)
        else:  # the source box (padded source px) that lands exactly on the destination rectangle
            fx0, fx1 = x0 + dx0 / sx, x0 + dx1 / sx
            fy0, fy1 = y0 + dy0 / sy, y0 + dy1 / sy
            p = PAD // 2
            resample_luma(self.y, clamp_box((fx0 * self.tw + PAD, fy0 * self.th + PAD, fx1 * self.tw + PAD,
                                                fy1 * self.th + PAD), self.ysize), dy)
            resample_chroma(self.c, clamp_box((fx0 * self.tw / 2 + p, fy0 * self.th / 2 + p,
                                                 fx1 * self.tw / 2 + p, fy1 * self.th / 2 + p), size_of(self.c)), duv)
        soft_edges(dy, self.bg.y[ys, xs], (px0, px1, dx0), (py0, py1, dy0))
        soft_edges(duv, self.bg.uv[cys, cxs], (px0 / 2, px1 / 2, dx0 // 2), (py0 / 2, py1 / 2, dy0 // 2))
        return out

    def close(self) -> None:
        pass



def clip_filter(shot: ShotPlan, size: tuple[int, int], fps: float, style_motion: dict) -> str:
    """The ffmpeg video filter that turns a clip (auto-rotated) into constant-rate frames of `size`."""
    w, h = size
    pw, ph = shot.src_size
    rate = ffmpeg_rate(fps)
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

    prefetch: ClassVar[bool] = False

    @classmethod
    def open(cls, shot: ShotPlan, plan: Plan, *, from_frame: int, sequential: bool) -> ClipSource:
        return cls(shot, plan.size, plan.fps, plan.style.motion, from_frame=from_frame,
                   count=None if sequential else 1)

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
                # the end of the stream: the file's, or the decoder's killed by a signal — a fault, never a
                # clip "shorter than its header" whose last frame is held (that would draw another video)
                try:
                    code = self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    code = 0  # it closed its output but lingers: the stream is over all the same
                stopped = stopped_error(self.shot.source, "ffmpeg", code)
                if stopped is not None:
                    raise stopped
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

    prefetch: ClassVar[bool] = False
    short = False

    @classmethod
    def open(cls, shot: ShotPlan, plan: Plan, *, from_frame: int, sequential: bool) -> CardSource:
        return cls(plan)

    def __init__(self, plan: Plan) -> None:
        assert plan.end_card is not None
        self.planes = rgb_to_planes(end_card_image(plan.end_card, plan)).frozen()

    def frame(self, k: int) -> Planes:
        return self.planes

    def close(self) -> None:
        pass



SOURCES.add("still", StillSource)
SOURCES.add("clip", ClipSource)
SOURCES.add("card", CardSource)
