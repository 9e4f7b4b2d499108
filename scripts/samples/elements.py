"""Scene elements: sky, trees, water, people, flags, the communal house, fields, drones, lotus."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image, ImageDraw

from .base import F32, Canvas, blur_mask, blur_rgb, col, fbm, font, mix, noise1d, smooth

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


