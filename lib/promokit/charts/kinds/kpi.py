"""KPI tiles: big numbers, with a change arrow against a previous value."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...text import format_percent, format_values
from ..measure import Box, font_metrics, text_width
from ._cards import CAPTION_GROW, CARD_GROW, CARD_ROWS
from .base import ChartKind, listing, row_unit, say

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def build(p: ChartArea) -> None:
    """Big numbers in tiles; with a second value column (the previous period) a change arrow."""
    labels = p.data.labels
    vals = p.data.values(0)
    prev = p.data.values(1) if len(p.data.columns) > 1 else None
    n = len(vals)
    if n > 6:
        raise p.too_many(n, 6, p.data.x_name)
    g = p.gap * 1.2
    tile_bg = p.theme.color("tint(primary, 0.92)")
    # each tile's unit: its row's (`units:` column) or the chart's; '%' goes with the number, a word under it
    row_units = [row_unit(p.spec, p.data, i) for i in range(n)]
    unit_words = [u if u != "%" else "" for u in row_units]
    changes = [_change_text(v, q, u, p.data.columns[0].decimals)
               for v, q, u in zip(vals, prev, row_units, strict=True)] if prev is not None else []
    # tiles side by side: one precision, whole counts without ",0"
    bare = [t.removesuffix("\u00a0%") for t in p.fmt_all(vals)]
    big_txt = [f"{t}\u00a0%" if u == "%" else t for t, u in zip(bare, row_units, strict=True)]
    a, d = font_metrics(p.font("big"))
    # one or two numbers are the poster: they grow (up to `card_grow` × the big size) to fill their box
    few = n <= CARD_ROWS
    most = p.size("big") * (float(p.theme.style["chart"].get("card_grow", CARD_GROW)) if few else 1.0)
    label_size = p.size("label") * (CAPTION_GROW if few else 1.0)
    widest = max(text_width(t, p.font("big"), 1.0) for t in big_txt)

    def plan(cols: int, rows: int) -> tuple[float, Any] | None:
        """The big-number size a grid allows (and its fitted texts), None when the words do not fit."""
        tw = (p.box.w - g * (cols - 1)) / cols
        th = (p.box.h - g * (rows - 1)) / rows
        pad = min(tw, th) * 0.08
        inner = tw - 2 * pad
        gap = p.gap * 0.5
        labs = p.fit_all(labels, "label", inner, max_lines=2, max_h=th * 0.3, size=label_size)
        if labs is None:
            return None
        units = [p.fit(w, "label", inner, max_lines=1, size=labs[0].size) if w else None for w in unit_words]
        if any(w and u is None for w, u in zip(unit_words, units, strict=True)):
            return None
        unit_h = max((u.height + gap for u in units if u), default=0)
        chs = p.fit_all([c[0] for c in changes], "label", inner - p.size("label") * 1.3, max_lines=2,
                        size=labs[0].size) if changes else []
        if chs is None:
            return None
        rest = th - 2 * pad - max(f.height for f in labs) - unit_h \
            - (max(f.height for f in chs) + gap if chs else 0) - gap * 2
        size = min(most, rest / (a + d), inner / widest * 0.995)  # (a hair under: the width bound is exact)
        if size < p.min_size("big") * 0.6:
            return None
        bigs = p.fit_all(big_txt, "big", inner, max_lines=1, size=size, min_size=size)
        if bigs is None:
            return None
        need = 2 * pad + max(f.height for f in labs) + bigs[0].height + unit_h \
            + (max(f.height for f in chs) + gap if chs else 0) + gap * 2
        th = min(th, need * 1.25)  # no tall empty tiles
        return size, (tw, th, pad, gap, labs, units, chs, bigs)

    options = []
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        if cols * rows - n >= cols:
            continue
        got = plan(cols, rows)
        if got is not None:
            options.append((got[0], cols, rows, got[1]))
    if not options:
        raise p.too_long(max(labels, key=len), p.data.x_name)
    _, cols, rows, (tw, th, pad, gap, labs, units, chs, bigs) = max(options, key=lambda o: o[0])
    y0 = p.box.y0 + (p.box.h - rows * th - (rows - 1) * g) / 2
    for i in range(n):
        r, c = divmod(i, cols)
        if r == rows - 1 and n % cols:  # centre a short last row
            c += (cols - n % cols) / 2
        t = Box(p.box.x0 + c * (tw + g), y0 + r * (th + g), p.box.x0 + c * (tw + g) + tw, y0 + r * (th + g) + th)
        p.canvas.rect(t, tile_bg, radius=min(tw, th) * 0.06, zorder=1)
        p.lines(labs[i], t.x0 + pad, t.y0 + pad, "label", bg=tile_bg, color=p.theme.colors.text, box=t)
        bf = bigs[i]
        uf = units[i]
        block = bf.height + (uf.height + gap if uf else 0) + (chs[i].height + gap if chs else 0)
        y = t.y1 - pad - block
        y = p.lines(bf, t.x0 + pad, y, "big", bg=tile_bg, color=p.theme.colors.primary, box=t) + gap
        if uf:
            y = p.lines(uf, t.x0 + pad, y, "label", bg=tile_bg, color=p.theme.colors.text, box=t) + gap
        if chs and prev is not None:
            cf = chs[i]
            up = vals[i] >= prev[i]
            color = p.theme.text_color(tile_bg, preferred=p.color("up" if up else "down"))
            sz = cf.size
            if vals[i] != prev[i]:
                p.canvas.triangle(t.x0 + pad + sz * 0.45, y + cf.ascent - sz * 0.36, sz * 0.8, up, color)
            p.lines(cf, t.x0 + pad + sz * 1.3, y, "label", bg=tile_bg, color=color, box=t)


def _change_text(v: float, prev: float, unit: str, decimals: int) -> tuple[str, float]:
    delta = v - prev
    if delta == 0:
        return "không đổi so với kỳ trước", 0.0
    sign = "+" if delta > 0 else "-"
    if unit.strip() == "%":
        return f"{sign}{format_values([abs(delta)], decimals)[0]} điểm % so với kỳ trước", delta
    if prev == 0:
        return f"{sign}{format_values([abs(delta)], decimals)[0]} so với kỳ trước", delta
    rel = abs(delta) / abs(prev) * 100
    return f"{sign}{format_percent(rel, 1 if rel < 10 else 0)} so với kỳ trước", delta


def describe(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    prev = d.values(1) if len(d.columns) > 1 else None
    items = []
    for i, lab in enumerate(d.labels):
        s = f"{lab}: {say(spec, d, vals[i], row=i)}"
        if prev is not None:
            delta = vals[i] - prev[i]
            if delta == 0:
                s += ", không đổi so với kỳ trước"
            else:
                word = "tăng" if delta > 0 else "giảm"
                s += f", {word} {say(spec, d, abs(delta), row=i)} so với kỳ trước ({say(spec, d, prev[i], 1, row=i)})"
        items.append(s)
    return [listing(items)]


KIND = ChartKind("kpi", "ô chỉ số", "Các chỉ số chính", build, describe, max_y=2,
                 y_doc="[value, previous value?]: the change arrow compares them", row_units=True)
