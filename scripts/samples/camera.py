"""A small 3-D camera for boxes, rooms and roads (one-point perspective, Y up, Z forward)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import F32, Canvas, col, mix, smooth

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


