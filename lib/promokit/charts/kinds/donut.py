"""Donut: shares of a whole, the total in the middle, a legend with values and percents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...text import format_percent
from ..labels import shares, show_label
from ..measure import Box
from .base import ChartKind, listing, say

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def build(p: ChartArea) -> None:
    """Shares of a whole: a ring with the total in the middle and a legend with values and percents."""
    labels = [show_label(s) for s in p.data.labels]
    vals = p.data.values(0)
    n = len(vals)
    most = min(8, len(p.theme.series))
    if n > most:
        raise p.too_many(n, most, p.data.x_name)
    total = sum(vals)
    if total <= 0:
        raise p.fail("tổng các giá trị bằng 0: không vẽ được tỉ lệ", "the values add up to 0: no shares to draw",
                     "kiểm tra cột giá trị", "check the value column", p.data.columns[0].name)
    dec = 0 if min(v / total for v in vals if v > 0) >= 0.01 else 1
    pct = shares(vals, dec)
    colors = [p.series(i) for i in range(n)]
    area = p.box
    entries = [f"{lab}: {p.fmt(v)} ({format_percent(s, dec)})" for lab, v, s in zip(labels, vals, pct, strict=True)]
    side = area.w >= area.h * 1.2
    if side:
        d = min(area.h, area.w * 0.5)
        ring = Box(area.x0, area.y0 + (area.h - d) / 2, area.x0 + d, area.y0 + (area.h + d) / 2)
        leg = Box(ring.x1 + p.gap * 2, area.y0, area.x1, area.y1)
    else:
        d = min(area.w, area.h * 0.6)
        ring = Box(area.x0 + (area.w - d) / 2, area.y0, area.x0 + (area.w + d) / 2, area.y0 + d)
        leg = Box(area.x0, ring.y1 + p.gap * 1.5, area.x1, area.y1)
    sw_pad = 1.6
    fitted = None
    size = p.size("label")
    while fitted is None:
        sw = size * 0.9
        got = [p.fit(e, "legend", leg.w - sw * sw_pad, max_lines=2, size=size, min_size=size) for e in entries]
        if all(got):
            h = sum(g.height for g in got) + (n - 1) * size * 0.55  # type: ignore[union-attr]
            if h <= leg.h:
                fitted = got
                break
        if size <= p.min_size("legend"):
            raise p.too_long(max(labels, key=len), p.data.x_name)
        size = max(p.min_size("legend"), size * 0.94)
    if not side:  # a ring narrower than its box: the ring and its legend centred together, no band under them
        shift = max(0.0, (area.h - d - p.gap * 1.5 - sum(g.height for g in fitted) - (n - 1) * size * 0.55) / 2)
        ring = Box(ring.x0, ring.y0 + shift, ring.x1, ring.y1 + shift)
        leg = Box(leg.x0, leg.y0 + shift, leg.x1, leg.y1)
    ax = p.canvas.axes(ring)
    ax.pie(vals, colors=colors, startangle=90, counterclock=False, radius=1.0,
           wedgeprops=dict(width=0.36, edgecolor=p.bg, linewidth=max(1.5, 0.003 * p.u)))
    ax.set_xlim(-1.0, 1.0)
    ax.set_ylim(-1.0, 1.0)
    ax.set_aspect("equal")
    cx, cy = (ring.x0 + ring.x1) / 2, (ring.y0 + ring.y1) / 2
    inner = d * 0.64 * 0.78
    big = p.fit(p.fmt(total), "big", inner, max_lines=1, size=min(p.size("big"), d * 0.2),
                min_size=min(p.min_size("big"), d * 0.08))
    cap = "Tổng" if not p.unit or p.unit == "%" else p.unit
    capf = p.fit(cap, "note", inner, max_lines=2)
    if big is not None:
        bh = big.height + (capf.height + p.gap * 0.3 if capf else 0)
        top = cy - bh / 2
        p.lines(big, cx, top, "big", ha="center", color=p.theme.text_color(p.bg, preferred=p.theme.colors.primary))
        if capf:
            p.lines(capf, cx, top + big.height + p.gap * 0.3, "note", ha="center",
                    color=p.theme.text_color(p.bg, preferred=p.theme.colors.muted))
    y = leg.y0 + max(0.0, (leg.h - sum(g.height for g in fitted) - (n - 1) * size * 0.55) / 2) if side else leg.y0
    lx = leg.x0
    if not side:  # centred under the ring
        lx += max(0.0, (leg.w - size * 0.9 * sw_pad - max(g.width for g in fitted)) / 2)
    for g, c in zip(fitted, colors, strict=True):
        sw = g.size * 0.9
        cy0 = y + g.ascent - g.size * 0.36
        p.canvas.rect(Box(lx, cy0 - sw / 2, lx + sw, cy0 + sw / 2), c, radius=sw * 0.15, zorder=3)
        p.lines(g, lx + sw * sw_pad, y, "legend", color=p.theme.colors.text)
        y += g.height + g.size * 0.55


def describe(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    total = sum(vals) or 1.0
    dec = 0 if min((v / total for v in vals if v > 0), default=1) >= 0.01 else 1
    pct = shares(vals, dec)
    order = sorted(range(len(vals)), key=lambda i: -vals[i])
    items = [f"{show_label(d.labels[i])} {say(spec, d, vals[i])} ({format_percent(pct[i], dec)})" for i in order]
    return [f"Tổng {say(spec, d, sum(vals))}", listing(items)]


KIND = ChartKind("donut", "vành khuyên", "Biểu đồ vành khuyên", build, describe, non_negative=True,
                 y_doc="one share per label")
