"""Ken Burns and fit/fill geometry (pure), and the pixels of a moving still (Pillow, sub-pixel).

Geometry works in fractions of the picture: a shot shows a *window* of the frame's shape, centred at
(cx, cy), `1/zoom` of its base size. The base window is the largest frame-shaped rectangle inside the
picture ("fill": the picture is cropped) or the smallest one containing it ("fit": the whole picture over
a blurred copy of itself). Moving the window by fractions, never whole pixels, is what makes the motion
smooth: each frame is resampled from a source pre-scaled once per shot (`resize` with a float `box`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MOTIONS = ("zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down", "none")


@dataclass(frozen=True)
class Motion:
    """Zoom and window centre at the start (0) and end (1) of a shot; `ease` smooths both ends."""

    kind: str
    zoom0: float
    zoom1: float
    cx0: float
    cy0: float
    cx1: float
    cy1: float
    ease: bool = True

    def at(self, u: float) -> tuple[float, float, float]:
        """(zoom, cx, cy) at progress `u` in 0..1 of the shot."""
        u = min(1.0, max(0.0, u))
        if self.ease:
            u = u * u * (3 - 2 * u)
        return (self.zoom0 + (self.zoom1 - self.zoom0) * u, self.cx0 + (self.cx1 - self.cx0) * u,
                self.cy0 + (self.cy1 - self.cy0) * u)


STILL = Motion("none", 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, False)


def coverage(picture: tuple[int, int], frame: tuple[int, int]) -> float:
    """The fraction of the picture a frame-shaped crop keeps (1 = same shape)."""
    ap, af = picture[0] / picture[1], frame[0] / frame[1]
    return min(ap, af) / max(ap, af)


def fit_mode(picture: tuple[int, int], frame: tuple[int, int], threshold: float) -> str:
    """"fill" (crop to the frame) when little is lost, else "fit" (whole picture over a blurred fill)."""
    return "fill" if coverage(picture, frame) >= threshold else "fit"


def base_window(picture: tuple[int, int], frame: tuple[int, int], fit: str) -> tuple[float, float]:
    """Window (width, height) at zoom 1, in fractions of the picture's width and height."""
    ap, af = picture[0] / picture[1], frame[0] / frame[1]
    wider = ap > af
    if fit == "fill":
        return (af / ap, 1.0) if wider else (1.0, ap / af)
    return (1.0, ap / af) if wider else (af / ap, 1.0)


def clamp_centre(c: float, extent: float) -> float:
    """Keep a window of `extent` inside 0..1 (centred when it is larger than the picture)."""
    if extent >= 1.0:
        return 0.5
    return min(1.0 - extent / 2, max(extent / 2, c))


def make_motion(kind: str, picture: tuple[int, int], frame: tuple[int, int], fit: str, *,
                zoom: float, pan: float, focus: tuple[float, float] | None = None, ease: bool = True) -> Motion:
    """A Ken Burns motion of `kind` (see MOTIONS) for a picture in a frame, clamped to stay inside it."""
    if kind not in MOTIONS:
        raise ValueError(f"unknown motion {kind!r}")
    bw, bh = base_window(picture, frame, fit)
    fx, fy = focus if focus is not None else (0.5, 0.5)
    zmax = 1.0 + zoom
    if kind in ("pan_left", "pan_right", "pan_up", "pan_down"):
        horizontal = kind in ("pan_left", "pan_right")
        extent = (bw if horizontal else bh) / zmax
        room = max(0.0, 1.0 - extent)
        travel = min(pan, room * 0.9)
        if travel < 0.01:  # no room to pan this way (e.g. a picture shown whole): zoom instead
            return make_motion("zoom_in", picture, frame, fit, zoom=zoom, pan=pan, focus=focus, ease=ease)
        sign = 1.0 if kind in ("pan_right", "pan_down") else -1.0
        mid = clamp_centre(fx if horizontal else fy, extent)
        a = clamp_centre(mid - sign * travel / 2, extent)
        b = clamp_centre(a + sign * travel, extent)
        a = clamp_centre(b - sign * travel, extent)
        if horizontal:
            cy = clamp_centre(fy, bh / zmax)
            return Motion(kind, zmax, zmax, a, cy, b, cy, ease)
        cx = clamp_centre(fx, bw / zmax)
        return Motion(kind, zmax, zmax, cx, a, cx, b, ease)
    if kind == "none":
        return Motion(kind, 1.0, 1.0, clamp_centre(fx, bw), clamp_centre(fy, bh),
                      clamp_centre(fx, bw), clamp_centre(fy, bh), False)
    z0, z1 = (1.0, zmax) if kind == "zoom_in" else (zmax, 1.0)
    # the wide end is centred on the picture (or the focus, as far as it can be); the close end on the focus
    wide = (clamp_centre(0.5 if focus is None else fx, bw), clamp_centre(0.5 if focus is None else fy, bh))
    close = (clamp_centre(fx, bw / zmax), clamp_centre(fy, bh / zmax))
    (cx0, cy0), (cx1, cy1) = (wide, close) if kind == "zoom_in" else (close, wide)
    return Motion(kind, z0, z1, cx0, cy0, cx1, cy1, ease)


def window_at(motion: Motion, u: float, base: tuple[float, float]) -> tuple[float, float, float, float]:
    """The window (x0, y0, x1, y1) in picture fractions at progress `u`."""
    z, cx, cy = motion.at(u)
    w, h = base[0] / z, base[1] / z
    cx, cy = clamp_centre(cx, w), clamp_centre(cy, h)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def prescale_size(picture: tuple[int, int], frame: tuple[int, int], fit: str, factor: float) -> tuple[int, int]:
    """Size (px) to scale a picture to once, so its base window has `factor` source px per frame px."""
    bw, _ = base_window(picture, frame, fit)
    scale = factor * frame[0] / (bw * picture[0])
    return max(2, int(math.ceil(picture[0] * scale))), max(2, int(math.ceil(picture[1] * scale)))
