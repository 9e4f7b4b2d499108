"""Scenes of the countryside, river and festivals: each paints a whole picture into a Canvas."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from .base import F32, Canvas, blur_mask, blur_rgb, col, fbm, font, mix, noise1d, smooth
from .elements import (
    SHIRTS,
    crowd,
    dinh,
    drone,
    festival_flag,
    field_perspective,
    figure,
    flag_vn,
    lotus_pond,
    palms,
    person,
    rice_field,
    roof_shape,
    sky,
    sky_color_at,
    sphere,
    straw_rolls,
    tree,
    treeline,
    water,
    world_tex,
)

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


