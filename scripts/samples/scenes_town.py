"""Scenes of town, industry and offices: each paints a whole picture into a Canvas."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .base import F32, Canvas, blur_rgb, col, fbm, font, mix, smooth
from .camera import Cam, box3d, ground_plane, room
from .elements import (
    SHIRTS,
    dinh,
    field_perspective,
    figure,
    flag_vn,
    palms,
    rice_field,
    sky,
    sky_color_at,
    sphere,
    tree,
    treeline,
    water,
    world_tex,
)
from .scenes_country import scene_rice


def scene_heritage_house(c: Canvas) -> dict:
    """Khu du lịch văn hóa: a traditional southern house in a garden of bonsai and palms."""
    w, h = c.w, c.h
    hz = h * (0.66 if w > h else 0.6)
    sky(c, hz, "golden", sun=(w * 0.15, hz - h * 0.3, c.u(0.025)), clouds=0.45)
    treeline(c, hz, h * 0.08, color="#2a4a2c", haze=0.25, palms=10)
    W = w * (0.5 if w > h else 0.8)
    c.img[int(hz):] = col("#6a8a3a")
    lawn = mix(col("#4a7a2a"), col("#8ab04a"), fbm(w, h, c.rng, w / 12)[..., None])
    c.paint((c.yy > hz).astype(F32), lawn)
    dinh(c, w * 0.5, hz + h * 0.01, W, W * 0.5, roof="#5a3a2e", wall="#c9a46a")
    m, d = c.mask()
    d.polygon([(w * 0.46, hz + h * 0.01), (w * 0.54, hz + h * 0.01), (w * 0.75, h), (w * 0.25, h)], fill=255)
    c.paint(m, col("#b89a78") * (0.75 + 0.3 * fbm(w, h, c.rng, w / 25)[..., None]))
    f = w * 0.9
    for Z in (9, 6, 4):
        for side in (-1, 1):
            s = f / Z
            x, y = w / 2 + side * 2.2 * s, hz + 1.5 * s
            m, d = c.mask()
            d.polygon([(x - s * 0.25, y), (x + s * 0.25, y), (x + s * 0.32, y - s * 0.35), (x - s * 0.32, y - s * 0.35)],
                      fill=255)
            c.paint(m, lambda q: col("#7a4a2e") * (0.7 + 0.3 * c.tex[q][..., None]))
            tree(c, x, y - s * 0.35, s * 0.25, color="#2f5a2a", trunk="#4a3a2a", density=0.6)
    palms(c, [(w * 0.08, hz + h * 0.05, h * 0.55, 0.1), (w * 0.9, hz + h * 0.06, h * 0.6, -0.12)], color="#1f3320")
    return {"grain": 0.03, "bloom": 0.25, "warmth": 0.05}


def scene_industrial(c: Canvas, close: bool = False) -> dict:
    """Cụm công nghiệp: factory halls, silos, a crane and a road seen from a low hill."""
    w, h = c.w, c.h
    hz = h * (0.42 if w > h else 0.4)
    sky(c, hz, "day", clouds=0.5)
    treeline(c, hz, h * 0.025, color="#3a5a40", haze=0.5, palms=10)
    cam = Cam(w, h, f=w * (0.9 if not close else 0.6), vx=w * 0.5, vy=hz, height=9 if not close else 3)
    X, Z, below = ground_plane(c, cam)
    grass = mix(col("#5d7d3a"), col("#9ab060"), fbm(w, h, c.rng, w / 6)[..., None])
    road = (np.abs(X) < 5).astype(F32)
    lane = ((np.abs(X) < 0.12) & ((Z / 8) % 1 < 0.5)).astype(F32) * smooth(400, 30, Z)
    asph = col("#5a5a5c") * (0.85 + 0.25 * c.tex[..., None])
    gnd = mix(grass, asph, road[..., None])
    gnd = mix(gnd, col("#f2f2e8"), lane[..., None])
    gnd = mix(gnd, sky_color_at(c, hz - 2), smooth(300, 2000, Z)[..., None] * 0.6)
    c.paint(below, gnd)
    rng = c.rng
    blocks = []
    for Zb in (160, 120, 90, 65, 48, 36):
        for side in (-1, 1):
            if rng.random() < 0.15:
                continue
            X0 = side * rng.uniform(9, 14)
            wd = rng.uniform(14, 30)
            X0, X1 = (X0, X0 + wd) if side > 0 else (X0 - wd, X0)
            blocks.append((X0, X1, 0, rng.uniform(8, 14), Zb, Zb + rng.uniform(20, 40)))
    if close:
        blocks = [(6, 40, 0, 12, 18, 60), (-44, -6, 0, 14, 22, 70)]
    for X0, X1, Y0, Y1, Z0, Z1 in sorted(blocks, key=lambda b: -b[4]):
        colr = rng.choice(["#dfe3e6", "#c9d3dc", "#e8e4da", "#b8c4cc"])
        box3d(c, cam, X0, X1, Y0, Y1, Z0, Z1, colr, ribs=0.9, windows=(Y1 * 0.6, Y1 * 0.75))
        m, d = c.mask()
        a, b = cam.p(X0, Y1 * 0.85, Z0), cam.p(X1, Y1, Z0)
        d.rectangle([a[0], b[1], b[0], a[1]], fill=255)
        c.paint(m, rng.choice(["#0b5d3b", "#1f5fbf", "#c8102e"]))
    for Xs, Zs in ((-20, 80), (24, 110)):
        for k in range(3):
            x0, y0 = cam.p(Xs + k * 4.5, 0, Zs)
            x1, y1 = cam.p(Xs + k * 4.5 + 3.5, 22, Zs)
            m, d = c.mask()
            d.rectangle([x0, y1, x1, y0], fill=255)
            c.paint(m, lambda q, x0=x0, x1=x1: col("#d6d8da") * (0.55 + 0.6 * np.clip(
                1 - np.abs(c.xx[q] - (x0 + (x1 - x0) * 0.35)) / max(x1 - x0, 1), 0, 1))[..., None])
            m, d = c.mask()
            d.ellipse([x0, y1 - (x1 - x0) * 0.15, x1, y1 + (x1 - x0) * 0.15], fill=255)
            c.paint(m, "#eef0f2")
    bx, by = cam.p(30, 0, 140)
    tx, ty = cam.p(30, 45, 140)
    m, d = c.mask()
    d.line([(bx, by), (tx, ty)], fill=255, width=max(2, int(w * 0.004)))
    ax, ay = cam.p(-5, 44, 140)
    ex, ey = cam.p(42, 44, 140)
    d.line([(ax, ay), (ex, ey)], fill=255, width=max(2, int(w * 0.003)))
    d.line([(tx, ty - h * 0.02), (ax, ay)], fill=200, width=1)
    d.line([(tx, ty - h * 0.02), (ex, ey)], fill=200, width=1)
    c.paint(m, "#e0a800", soft=0.5)
    for Zt in np.arange(14, 200, 9):
        for side in (-1, 1):
            x, y = cam.p(side * 7, 0, Zt)
            s = cam.f / Zt
            tree(c, x, y, s * 1.4, color="#2f6a2a", density=0.7)
    for Zt, Xt in ((40, -2.5), (75, 2.5), (120, -2.5)):
        box3d(c, cam, Xt - 1.2, Xt + 1.2, 0, 3, Zt, Zt + 8, "#e8e8e8")
    return {"grain": 0.025, "bloom": 0.15}


def scene_port(c: Canvas) -> dict:
    """Bến cảng on the Hậu river: containers, a crane and barges, afternoon light."""
    w, h = c.w, c.h
    hz = h * (0.5 if w > h else 0.45)
    sky(c, hz, "golden", sun=(w * 0.85, hz - h * 0.2, c.u(0.025)), clouds=0.45)
    treeline(c, hz, h * 0.02, color="#3a4a3a", haze=0.55, palms=8)
    cam = Cam(w, h, f=w * 0.9, vx=w * 0.45, vy=hz, height=6)
    quay_z = 60
    rng = c.rng
    colors = ["#c0392b", "#2e86c1", "#27ae60", "#e67e22", "#7d3c98", "#95a5a6"]
    for row in range(3):
        for k in range(8):
            X0 = -30 + k * 7 + rng.uniform(0, 1)
            for lev in range(rng.integers(1, 4)):
                box3d(c, cam, X0, X0 + 6, lev * 2.6, lev * 2.6 + 2.5, quay_z + row * 14, quay_z + row * 14 + 12,
                      rng.choice(colors), ribs=0.35)
    x0, y0 = cam.p(-40, 0, quay_z - 1)
    x1, _ = cam.p(40, 0, quay_z - 1)
    m, d = c.mask()
    d.rectangle([0, y0 - 2, w, y0 + h * 0.012], fill=255)
    c.paint(m, "#8a8a86")
    cx0, cy0 = cam.p(22, 0, quay_z)
    cx1, cy1 = cam.p(22, 30, quay_z)
    jx, jy = cam.p(-4, 34, quay_z)
    m, d = c.mask()
    d.line([(cx0, cy0), (cx1, cy1)], fill=255, width=max(3, int(w * 0.008)))
    d.line([(cx1, cy1), (jx, jy)], fill=255, width=max(2, int(w * 0.005)))
    d.line([(jx, jy), (jx, cam.p(-4, 8, quay_z)[1])], fill=255, width=1)
    c.paint(m, "#e8b400", soft=0.5)
    water(c, y0 + h * 0.012, h, tint="#7a6040", tint_amt=0.35, sun_x=w * 0.85)
    for Zb, Xb, ln in ((38, -14, 22), (24, 6, 26)):
        a = cam.p(Xb, 0.8, Zb)
        b = cam.p(Xb + ln, -0.6, Zb)
        m, d = c.mask()
        d.polygon([(a[0], a[1]), (b[0], a[1]), (b[0] - (b[0] - a[0]) * 0.05, b[1]), (a[0] + (b[0] - a[0]) * 0.08, b[1])],
                  fill=255)
        c.paint(m, lambda q: col("#3a2a22") * (0.8 + 0.3 * c.tex[q][..., None]))
        m, d = c.mask()
        s = cam.f / Zb
        d.polygon([(a[0] + s * 2, a[1]), (b[0] - s * 4, a[1]), (b[0] - s * 6, a[1] - s * 1.6), (a[0] + s * 4, a[1] - s * 1.6)],
                  fill=255)
        c.paint(m, lambda q: col("#c9b48a") * (0.7 + 0.5 * c.tex[q][..., None]))
        m, d = c.mask()
        d.rectangle([b[0] - s * 3.5, a[1] - s * 3, b[0] - s * 1, a[1]], fill=255)
        c.paint(m, "#e8e2d4")
    return {"grain": 0.03, "bloom": 0.25, "warmth": 0.04}


def scene_road(c: Canvas) -> dict:
    """A new provincial road between rice fields and tree rows, converging to the horizon."""
    w, h = c.w, c.h
    hz = h * (0.45 if w > h else 0.44)
    sky(c, hz, "day", clouds=0.55)
    treeline(c, hz, h * 0.03, color="#2d4a2c", haze=0.45, palms=12)
    cam = Cam(w, h, f=w * 0.9, vx=w * 0.5, vy=hz, height=1.6)
    c.img[int(hz):] = sky_color_at(c, hz - 3) * 0.6
    rice_field(c, hz, stage="green", levees=True)
    X, Z, below = ground_plane(c, cam)
    xc = X - 2.6  # the camera stands on the left shoulder
    road = smooth(3.7, 3.6, np.abs(xc)) * below
    T = fbm(128, 128, c.rng, scale=3, octaves=2)
    grit = world_tex(T, X / 0.02, Z / 0.02)
    grit = mix(np.float32(0.5), grit, smooth(0.0, 0.25, (c.yy - hz) / (h - hz)))
    mark = (((np.abs(xc) < 0.08) & ((Z / 9) % 1 < 0.45)) | (np.abs(np.abs(xc) - 3.4) < 0.08)).astype(F32)
    asph = col("#68686a") * (0.9 + 0.16 * grit)[..., None]
    asph = mix(asph, col("#eeeee6"), mark[..., None] * smooth(400, 10, Z)[..., None])
    asph = mix(asph, sky_color_at(c, hz - 2), smooth(150, 1500, Z)[..., None] * 0.5)
    c.paint(road, asph)
    for Zt in np.arange(200, 5, -7):
        for xt in (-1.6, 7.2):
            x, y = cam.p(xt, 0, Zt)
            s = cam.f / Zt
            tree(c, x, y, s * 1.5, color="#2e6028", density=0.8)
    m, d = c.mask()
    for Zp in np.arange(160, 20, -28):
        x, y = cam.p(-0.8, 0, Zp)
        _, yt = cam.p(-0.8, 9, Zp)
        d.line([(x, y), (x, yt)], fill=255, width=max(1, int(cam.f / Zp * 0.22)))
    c.paint(m, "#a5a5a2")
    for Zm, Xm in ((70, 4.4), (38, 1.0), (22, 4.0)):
        x, y = cam.p(Xm, 0, Zm)
        s = cam.f / Zm
        m, d = c.mask()
        d.ellipse([x - s * 0.25, y - s * 0.55, x + s * 0.25, y], fill=255)
        d.rectangle([x - s * 0.2, y - s * 0.8, x + s * 0.2, y - s * 0.35], fill=255)
        c.paint(m, "#2a2a2e")
        figure(c, x, y - s * 0.35, s * 1.25, shirt=str(c.rng.choice(SHIRTS)), legs=False)
    return {"grain": 0.025, "bloom": 0.15}


def scene_solar(c: Canvas) -> dict:
    """Tăng trưởng xanh: rows of solar panels on a farm beside rice fields, bright sky."""
    w, h = c.w, c.h
    hz = h * (0.4 if w > h else 0.36)
    sky(c, hz, "day", clouds=0.5, sun=(w * 0.2, h * 0.1, c.u(0.03)))
    treeline(c, hz, h * 0.035, color="#2d4a2c", haze=0.4, palms=12)
    c.img[int(hz):] = sky_color_at(c, hz - 3) * 0.6
    rice_field(c, hz, stage="young", levees=True)
    cam = Cam(w, h, f=w * 0.9, vx=w * 0.55, vy=hz, height=4.5)
    for Zr in np.arange(120, 7, -6):
        a = cam.p(-30, 0.6, Zr + 1.6)
        b = cam.p(3, 0.6, Zr + 1.6)
        cc = cam.p(3, 2.2, Zr + 0.2)
        dd = cam.p(-30, 2.2, Zr + 0.2)
        m, d = c.mask()
        d.polygon([a, b, cc, dd], fill=255)
        def panel(q, a=a, dd=dd, Zr=Zr):
            refl = mix(col("#1b2f5a"), col("#6a8ac0"), smooth(dd[1], a[1], c.yy[q])[..., None])
            grid = 0.85 + 0.15 * (np.cos((c.xx[q] - cam.vx) / max(cam.f / Zr, 1) * 2 * np.pi) > 0.9)
            return refl * grid[..., None]

        c.paint(m, panel, soft=0.6)
        m, d = c.mask()
        for X in np.arange(-30, 3, 4):
            x0, y0 = cam.p(X, 0, Zr + 1)
            _, y1 = cam.p(X, 1.4, Zr + 1)
            d.line([(x0, y0), (x0, y1)], fill=255, width=max(1, int(cam.f / Zr * 0.12)))
        c.paint(m, "#7a7a7a")
    return {"grain": 0.025, "bloom": 0.2}


def scene_government(c: Canvas, mood: str = "day") -> dict:
    """Trụ sở: a symmetric civic building with columns, the national flag, lawn and palms."""
    w, h = c.w, c.h
    hz = h * (0.66 if w > h else 0.62)
    sky(c, hz, mood, clouds=0.45, sun=None if mood == "day" else (w * 0.12, hz - h * 0.2, c.u(0.03)))
    treeline(c, hz, h * 0.05, color="#2a4a2c", haze=0.3, palms=6)
    cx = w * 0.5
    BW = w * (0.8 if w > h else 1.2)
    floors = 3
    fh = h * 0.085
    top = hz - fh * floors
    m, d = c.mask()
    d.rectangle([cx - BW / 2, top, cx + BW / 2, hz], fill=255)
    c.paint(m, lambda q: col("#efdca8") * (0.85 + 0.2 * c.tex[q][..., None]))
    for fl in range(floors):
        y0 = top + fl * fh + fh * 0.25
        m, d = c.mask()
        for x in np.arange(cx - BW / 2 + BW * 0.03, cx + BW / 2 - BW * 0.03, BW * 0.05):
            d.rectangle([x, y0, x + BW * 0.028, y0 + fh * 0.55], fill=255)
        c.paint(m, lambda q, y0=y0: mix(col("#2a3e5a"), col("#8aaecf"), smooth(y0 + fh * 0.55, y0, c.yy[q])[..., None]))
    m, d = c.mask()
    d.rectangle([cx - BW * 0.15, top - fh * 0.8, cx + BW * 0.15, hz], fill=255)
    c.paint(m, lambda q: col("#f4e6bc") * (0.85 + 0.2 * c.tex[q][..., None]))
    m, d = c.mask()
    for x in np.linspace(cx - BW * 0.13, cx + BW * 0.13, 6):
        d.rectangle([x - BW * 0.008, top - fh * 0.5, x + BW * 0.008, hz], fill=255)
    c.paint(m, lambda q: col("#fbf7ee") * (0.75 + 0.4 * np.clip(1 - np.abs((c.xx[q] - cx) % (BW * 0.052) - BW * 0.01) / (BW * 0.02), 0, 1))[..., None])
    m, d = c.mask()
    d.polygon([(cx - BW * 0.18, top - fh * 0.75), (cx + BW * 0.18, top - fh * 0.75), (cx, top - fh * 1.6)], fill=255)
    c.paint(m, lambda q: col("#b0442a") * (0.8 + 0.3 * c.tex[q][..., None]))
    m, d = c.mask()
    d.polygon([(cx - BW * 0.52, top + 2), (cx + BW * 0.52, top + 2), (cx + BW * 0.47, top - fh * 0.35),
               (cx - BW * 0.47, top - fh * 0.35)], fill=255)
    c.paint(m, lambda q: col("#a84a30") * (0.8 + 0.3 * c.tex[q][..., None]))
    sphere(c, cx, top - fh * 1.05, fh * 0.28, "#d42a1e", spec=0.2)
    m, d = c.mask()
    d.ellipse([cx - fh * 0.3, top - fh * 1.35, cx + fh * 0.3, top - fh * 0.75], outline=255, width=max(2, int(fh * 0.06)))
    c.paint(m, "#e8b820")
    c.img[int(hz):] = col("#7a9a4a")
    X, Z, d_ = field_perspective(c, hz, cx)
    lawn = mix(col("#4a7a2a"), col("#8ab04a"), fbm(w, h, c.rng, w / 10)[..., None])
    plaza = col("#c9c2b2") * (0.85 + 0.2 * c.tex[..., None])
    path = (np.abs(X) < 2.2).astype(F32)
    c.paint((c.yy > hz).astype(F32), mix(lawn, plaza, path[..., None]))
    flag_vn(c, cx + w * 0.28, hz - h * 0.42, c.u(0.16), hz - h * 0.43, hz + h * 0.12)
    palms(c, [(w * 0.08, hz + h * 0.1, h * 0.6, 0.05), (w * 0.2, hz + h * 0.06, h * 0.45, -0.03),
              (w * 0.92, hz + h * 0.12, h * 0.62, -0.06)], color="#1f3320")
    for x in np.linspace(w * 0.3, w * 0.7, 9):
        if abs(x - cx) < w * 0.06:
            continue
        for _ in range(6):
            sphere(c, x + c.rng.normal(0, w * 0.012), hz + h * 0.05 + c.rng.normal(0, h * 0.005), c.u(0.008),
                   c.rng.choice(["#e0302a", "#f0c020", "#f080a0"]))
    return {"grain": 0.025, "bloom": 0.15}


def scene_office(c: Canvas, sign: str = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ") -> dict:
    """Bộ phận một cửa: a bright service hall with counters, screens, a queue display, citizens."""
    w, h = c.w, c.h
    cam = Cam(w, h, f=w * (0.55 if w > h else 0.8), vx=w * 0.5, vy=h * 0.45, height=1.6)
    room(c, cam, half_w=5.0, ceil=3.4, depth=18, wall="#eee6d2", floor="#d8d2c6")
    bx0, by0 = cam.p(-3.2, 2.9, 17.9)
    bx1, by1 = cam.p(3.2, 2.3, 17.9)
    m, d = c.mask()
    d.rectangle([bx0, by0, bx1, by1], fill=255)
    c.paint(m, "#b3141b")
    tl = Image.new("L", (w, h), 0)
    ImageDraw.Draw(tl).text(((bx0 + bx1) / 2, (by0 + by1) / 2), sign, font=font(max(8, int((by1 - by0) * 0.45))),
                            fill=255, anchor="mm")
    c.paint(tl, "#ffd84a", soft=0.3)
    qx0, qy0 = cam.p(-1.0, 2.15, 17.9)
    qx1, qy1 = cam.p(1.0, 1.5, 17.9)
    m, d = c.mask()
    d.rectangle([qx0, qy0, qx1, qy1], fill=255)
    c.paint(m, "#111418")
    tl = Image.new("L", (w, h), 0)
    ImageDraw.Draw(tl).text(((qx0 + qx1) / 2, (qy0 + qy1) / 2), "A012 → 03", font=font(max(8, int((qy1 - qy0) * 0.5))),
                            fill=255, anchor="mm")
    c.paint(tl, "#ff4a3a", soft=0.3)
    for Z in np.arange(16, 3, -3.0):
        box3d(c, cam, 2.2, 4.99, 0, 1.05, Z, Z + 2.6, "#d9c7a6")
        box3d(c, cam, 2.6, 3.2, 1.05, 1.55, Z + 0.8, Z + 1.0, "#23262b")
        sx, sy = cam.p(2.6, 1.5, Z + 0.8)
        sx2, sy2 = cam.p(2.6, 1.1, Z + 0.8)
        c.glow(sx, (sy + sy2) / 2, cam.f / Z * 0.15, "#9ad0ff", 0.5)
        s = cam.f / (Z + 1.0)
        x, y = cam.p(1.6, 0, Z + 1.0)
        figure(c, x, y, s * 1.62, shirt=str(c.rng.choice(SHIRTS)), dress=c.rng.random() < 0.3)
    for Z in np.arange(13, 4, -2.5):
        box3d(c, cam, -4.2, -2.0, 0.0, 0.45, Z, Z + 0.6, "#2a5fa8")
        for X in np.arange(-4.0, -2.0, 0.7):
            if c.rng.random() < 0.55:
                x, y = cam.p(X + 0.3, 0.45, Z + 0.3)
                s = cam.f / (Z + 0.3)
                figure(c, x, y, s * 0.95, shirt=str(c.rng.choice(SHIRTS)), legs=False)
    c.img[:] = mix(blur_rgb(c.img, c.u(0.004)), c.img, smooth(h * 0.45, h * 0.75, c.yy)[..., None])
    return {"grain": 0.03, "bloom": 0.3, "vignette": 0.3}


def scene_classroom(c: Canvas) -> dict:
    """Lớp học số: an interactive screen at the front, window light, pupils in white shirts."""
    w, h = c.w, c.h
    cam = Cam(w, h, f=w * (0.55 if w > h else 0.8), vx=w * 0.55, vy=h * 0.42, height=1.5)
    info = room(c, cam, half_w=4.2, ceil=3.3, depth=11, wall="#e8eee0", floor="#c8b89a", lights=True)
    win = (info["which"] == 2) & (np.abs((info["Z"] / 2.5) % 1 - 0.5) < 0.3) & (info["Y"] > 0.9) & (info["Y"] < 2.6)
    c.paint(win.astype(F32), col("#f4fbff") * 1.2)
    shaft = smooth(0.35, 0.0, np.abs((info["Z"] / 2.5 + info["X"] * 0.3) % 1 - 0.5)) * (info["which"] == 0)
    c.paint(shaft * 0.25, "#fff6dc")
    bx0, by0 = cam.p(-2.2, 2.6, 10.9)
    bx1, by1 = cam.p(2.2, 1.0, 10.9)
    m, d = c.mask()
    d.rectangle([bx0 - 6, by0 - 6, bx1 + 6, by1 + 6], fill=255)
    c.paint(m, "#202428")
    m, d = c.mask()
    d.rectangle([bx0, by0, bx1, by1], fill=255)
    c.paint(m, lambda q: mix(col("#0e5a8a"), col("#1f8ac0"), smooth(by0, by1, c.yy[q])[..., None]))
    for i, v in enumerate((0.45, 0.6, 0.8, 0.7, 0.9)):
        m, d = c.mask()
        x0 = bx0 + (bx1 - bx0) * (0.52 + i * 0.09)
        d.rectangle([x0, by1 - (by1 - by0) * 0.75 * v, x0 + (bx1 - bx0) * 0.06, by1 - (by1 - by0) * 0.1], fill=255)
        c.paint(m, "#f2b705" if i == 4 else "#e8f4ff")
    tl = Image.new("L", (w, h), 0)
    ImageDraw.Draw(tl).text((bx0 + (bx1 - bx0) * 0.05, by0 + (by1 - by0) * 0.12), "Bài 5: Em tập\nlập trình",
                            font=font(max(8, int((by1 - by0) * 0.11))), fill=255)
    c.paint(tl, "#ffffff", soft=0.3)
    c.glow((bx0 + bx1) / 2, (by0 + by1) / 2, (bx1 - bx0) * 0.5, "#4ab0ff", 0.15)
    for Z in np.arange(9.0, 2.0, -1.4):
        for X0 in (-3.0, -0.9, 1.2):
            box3d(c, cam, X0, X0 + 1.5, 0.7, 0.76, Z, Z + 0.55, "#b08a5a")
            box3d(c, cam, X0 + 0.05, X0 + 1.45, 0.0, 0.7, Z + 0.5, Z + 0.55, "#8a6a44")
            m, d = c.mask()
            for k in range(2):
                x, y = cam.p(X0 + 0.4 + k * 0.7, 0.3, Z + 0.85)
                s = cam.f / (Z + 0.85)
                hr = s * 0.11
                d.ellipse([x - hr, y - s * 0.95 - hr, x + hr, y - s * 0.95 + hr], fill=255)
            c.paint(m, "#1e1a18", soft=0.8)
            m, d = c.mask()
            for k in range(2):
                x, y = cam.p(X0 + 0.4 + k * 0.7, 0.3, Z + 0.85)
                s = cam.f / (Z + 0.85)
                d.rounded_rectangle([x - s * 0.2, y - s * 0.82, x + s * 0.2, y - s * 0.35], radius=s * 0.08, fill=255)
            c.paint(m, "#f4f4f0", soft=0.8)
    return {"grain": 0.03, "bloom": 0.35, "vignette": 0.3}


def phone_screen(sw: int, sh: int, variant: str) -> Image.Image:
    """The screen of a public-service app (Vietnamese UI) as an RGB image."""
    im = Image.new("RGB", (sw, sh), "#f3f5f4")
    d = ImageDraw.Draw(im)
    u = sw / 100
    fb, fr = font(int(u * 6.0)), font(int(u * 4.4), "regular")
    fs = font(int(u * 3.6), "regular")
    d.rectangle([0, 0, sw, u * 34], fill="#0b5d3b")
    d.text((u * 6, u * 3), "9:41", font=fs, fill="#ffffff")
    d.rectangle([sw - u * 14, u * 3.5, sw - u * 6, u * 6.5], outline="#ffffff", width=max(1, int(u * 0.5)))
    d.rectangle([sw - u * 13, u * 4.5, sw - u * 8, u * 5.5], fill="#ffffff")
    if variant == "lienthong":
        title, sub = "Dịch vụ công", "Liên thông thủ tục hành chính"
        cards = [("Khai sinh – Thường trú", "Thẻ BHYT cho trẻ dưới 6 tuổi", 1.0, "Đã trả kết quả"),
                 ("Khai tử – Xóa thường trú", "Hỗ trợ chi phí mai táng", 0.6, "Đang xử lý"),
                 ("Tra cứu hồ sơ", "Nhập mã hồ sơ để xem tiến độ", 0.0, "")]
        button = "Nộp hồ sơ trực tuyến"
    else:
        title, sub = "Kết quả hồ sơ", "Thông báo từ Bộ phận một cửa"
        cards = [("Hồ sơ 000.00.12.H18", "Đăng ký kinh doanh hộ cá thể", 1.0, "Đã có kết quả"),
                 ("Đánh giá mức độ hài lòng", "Rất hài lòng ★★★★★", 1.0, "Đã gửi"),
                 ("Thanh toán trực tuyến", "Lệ phí: 100.000 đồng", 1.0, "Thành công")]
        button = "Nhận kết quả tại nhà"
    d.text((u * 6, u * 12), title, font=font(int(u * 8.5)), fill="#ffffff")
    d.text((u * 6, u * 24), sub, font=fr, fill="#d8efe2")
    y = u * 40
    for name, detail, prog, status in cards:
        d.rounded_rectangle([u * 5, y, sw - u * 5, y + u * 30], radius=u * 3, fill="#ffffff", outline="#dfe5e2")
        d.ellipse([u * 9, y + u * 5, u * 19, y + u * 15], fill="#0b5d3b" if prog >= 1 else "#f2b705")
        d.text((u * 14, y + u * 10), "✓" if prog >= 1 else "…", font=fr, fill="#ffffff", anchor="mm")
        d.text((u * 23, y + u * 4), name, font=fb, fill="#1a1a1a")
        d.text((u * 23, y + u * 12), detail, font=fs, fill="#595959")
        if prog > 0:
            d.rounded_rectangle([u * 9, y + u * 21, sw - u * 9, y + u * 24], radius=u * 1.5, fill="#e4e9e6")
            d.rounded_rectangle([u * 9, y + u * 21, u * 9 + (sw - u * 18) * prog, y + u * 24], radius=u * 1.5,
                                fill="#0b5d3b" if prog >= 1 else "#f2b705")
            d.text((sw - u * 9, y + u * 16.5), status, font=fs, fill="#0b5d3b" if prog >= 1 else "#9a6a00", anchor="rm")
        y += u * 35
    d.rounded_rectangle([u * 8, y + u * 3, sw - u * 8, y + u * 17], radius=u * 7, fill="#f2b705")
    d.text((sw / 2, y + u * 10), button, font=fb, fill="#1a1a1a", anchor="mm")
    d.rectangle([0, sh - u * 16, sw, sh], fill="#ffffff")
    for i, lab in enumerate(("Trang chủ", "Hồ sơ", "Thông báo", "Cá nhân")):
        x = sw * (i + 0.5) / 4
        d.ellipse([x - u * 3, sh - u * 14, x + u * 3, sh - u * 8], fill="#0b5d3b" if i == 0 else "#9aa5a0")
        d.text((x, sh - u * 4), lab, font=font(int(u * 3), "regular"), fill="#595959", anchor="mm")
    return im


def scene_phone(c: Canvas, variant: str = "lienthong") -> dict:
    """A phone showing the public-service app, held up in front of a soft, blurred background."""
    w, h = c.w, c.h
    bg = Canvas(w // 4, h // 4, c.rng)
    scene_rice(bg, stage="green", mood="golden") if variant == "lienthong" else scene_government(bg)
    big = np.asarray(Image.fromarray((np.clip(bg.img, 0, 1) * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC),
                     F32) / 255
    c.img[:] = blur_rgb(big, c.u(0.012))
    for _ in range(14):
        c.glow(c.rng.uniform(0, w), c.rng.uniform(0, h), c.u(c.rng.uniform(0.02, 0.05)), "#fff4d8", 0.2)
    pw = int(min(w * 0.55, h * 0.36))
    ph = int(pw * 2.05)
    bezel = int(pw * 0.045)
    sw, sh = pw - 2 * bezel, ph - 2 * bezel
    phone = Image.new("RGBA", (pw, ph), (0, 0, 0, 0))
    pd = ImageDraw.Draw(phone)
    pd.rounded_rectangle([0, 0, pw - 1, ph - 1], radius=int(pw * 0.12), fill=(22, 24, 28, 255))
    scr = phone_screen(sw, sh, variant)
    smask = Image.new("L", (sw, sh), 0)
    ImageDraw.Draw(smask).rounded_rectangle([0, 0, sw - 1, sh - 1], radius=int(pw * 0.09), fill=255)
    phone.paste(scr, (bezel, bezel), smask)
    pd.rounded_rectangle([pw * 0.38, bezel + pw * 0.02, pw * 0.62, bezel + pw * 0.07], radius=int(pw * 0.03),
                         fill=(10, 10, 12, 255))
    angle = -7 if variant == "lienthong" else 6
    rot = phone.rotate(angle, resample=Image.BICUBIC, expand=True)
    ox, oy = (w - rot.width) // 2, int(h * 0.52 - rot.height / 2)
    sm = Image.new("L", (w, h), 0)
    sm.paste(rot.getchannel("A"), (ox + int(pw * 0.06), oy + int(pw * 0.08)))
    c.paint(sm, "#000000", alpha=0.5, soft=c.u(0.025))
    rgb = np.asarray(rot.convert("RGB"), F32) / 255
    a = np.asarray(rot.getchannel("A"), F32) / 255
    y0, x0 = max(oy, 0), max(ox, 0)
    y1, x1 = min(oy + rot.height, h), min(ox + rot.width, w)
    reg = c.img[y0:y1, x0:x1]
    src = rgb[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    aa = a[y0 - oy:y1 - oy, x0 - ox:x1 - ox, None]
    reg += (src * 0.97 - reg) * aa
    gl = smooth(oy, oy + rot.height * 0.5, c.yy + (c.xx - ox) * 0.6) * 0.0 + \
        smooth(0.0, 1.0, 1 - np.abs((c.xx - ox) / max(rot.width, 1) - (c.yy - oy) / max(rot.height, 1) - 0.1) * 4)
    full_a = np.zeros((h, w), F32)
    full_a[y0:y1, x0:x1] = aa[..., 0]
    c.paint(gl * full_a * 0.12, "#ffffff")
    return {"grain": 0.025, "bloom": 0.15, "vignette": 0.3}


