"""Bar chart: one value per label, vertical columns or horizontal bars, one item highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labels import is_ordinal, show_label
from ..measure import Box, text_width
from ._bars import Columns, bar_shape, columns, row_labels, rows_need
from .base import ChartKind, density_cap, listing, say

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def build(p: ChartArea) -> None:
    """Bars: vertical for a few short labels or for periods (months, years), else horizontal; sorted unless
    the labels are ordered (years, dates, months); one item highlighted (the spec's `highlight`, else the
    largest)."""
    labels = [show_label(s) for s in p.data.labels]
    vals = p.data.values(0)
    n = len(vals)
    density_cap(p, n)
    hl = p.highlight_index(p.data.labels, vals)
    order = list(range(n)) if is_ordinal(p.data.labels) else sorted(range(n), key=lambda i: -vals[i])
    labels = [labels[i] for i in order]
    vals = [vals[i] for i in order]
    hl = order.index(hl) if hl is not None else None
    area = p.unit_note(p.box)
    vtxt = p.fmt_all(vals)  # one precision for the chart, no ',0' on counts
    base, high = p.color("base"), p.color("highlight")
    colors = [high if i == hl else base for i in range(n)]
    vmax = max(vals) or 1.0
    text_color = p.theme.colors.text
    cols = columns(p, labels, vtxt, area, vmax)
    if cols is not None:
        _drawcolumns(p, cols, area, vals, vtxt, colors, hl)
        return
    fl = row_labels(p, labels, area)
    row_h = area.h / n
    lab_w = max(f.width for f in fl)
    vsize = max(p.min_size("value"), min(p.size("value"), fl[0].size * 1.05))
    vfont = p.font("value")
    val_w = max(text_width(t, vfont, vsize) for t in vtxt)
    x0 = area.x0 + lab_w + p.gap * 0.8
    xmax = area.x1 - val_w - p.gap * 0.6
    if xmax - x0 < area.w * 0.25:
        raise p.too_long(max(labels, key=len), p.data.x_name)
    scale = (xmax - x0) / vmax
    thick = min(row_h * float(p.theme.style["chart"].get("bar_width", 0.68)), 0.09 * p.u)
    for i, v in enumerate(vals):
        cy = area.y0 + (i + 0.5) * row_h
        w = v * scale
        bar_shape(p, Box(x0, cy - thick / 2, x0 + w, cy + thick / 2), colors[i], "h")
        p.text(x0 + w + p.gap * 0.4, p.baseline_mid(cy, vsize), vtxt[i], "value", size=vsize,
               color=high if i == hl else text_color)
        f = fl[i]
        p.lines(f, x0 - p.gap * 0.8, cy - f.height / 2, "label", ha="right",
                color=high if i == hl else text_color)
    p.canvas.line(x0, area.y0, x0, area.y1, p.color("axis"), max(1.0, p.u * 0.0015), zorder=2.5)


def _drawcolumns(p: ChartArea, cols: Columns, area: Box, vals: list[float], vtxt: list[str], colors: list[str],
                  hl: int | None) -> None:
    text_color = p.theme.colors.text
    high = p.color("highlight")
    fl, fv, slot = cols.labels, cols.values, cols.slot
    lab_h = max(f.height for f in fl)
    bottom = area.y1 - lab_h - p.gap * 0.8
    line_w = max(1.0, p.u * 0.0015)
    bw = slot * float(p.theme.style["chart"].get("bar_width", 0.68))
    if fv is not None:
        top = area.y0 + fv[0].height + p.gap * 0.5
        vtop = max(vals) or 1.0
    else:
        assert cols.ticks is not None
        top = area.y0 + cols.tick_size * 0.6
        vtop = cols.ticks[-1]
        tcolor = p.theme.text_color(p.bg, preferred=p.color("axis"))
        tfont = p.font("tick")
        for t, lab in zip(cols.ticks, p.tick_labels(cols.ticks), strict=True):
            y = bottom - t / vtop * (bottom - top)
            if t > 0:
                p.canvas.line(cols.x0, y, area.x1, y, p.color("grid"), line_w, zorder=1)
            p.text(cols.x0 - 0.35 * cols.tick_size, p.baseline_mid(y, cols.tick_size), lab, "tick",
                   size=cols.tick_size, font=tfont, ha="right", color=tcolor)
    scale = (bottom - top) / vtop
    for i, v in enumerate(vals):
        cx = cols.x0 + (i + 0.5) * slot
        h = v * scale
        bar_shape(p, Box(cx - bw / 2, bottom - h, cx + bw / 2, bottom), colors[i], "v")
        if fv is not None:
            p.text(cx, bottom - h - p.gap * 0.4, vtxt[i], "value", size=fv[i].size, ha="center",
                   color=high if i == hl else text_color)
        p.lines(fl[i], cx, bottom + p.gap * 0.8, "label", ha="center", color=high if i == hl else text_color)
    if fv is None and hl is not None:  # with a value axis, the highlighted column still says its value
        _column_value(p, cols, area, [v * scale for v in vals], bottom, vtxt[hl], hl, bw)
    p.canvas.line(cols.x0, bottom, area.x1, bottom, p.color("axis"), line_w, zorder=2.5)


def _column_value(p: ChartArea, cols: Columns, area: Box, heights: list[float], bottom: float, txt: str, i: int,
                  bw: float) -> None:
    """The value above column `i` when it clears its neighbours (and the top of the chart); else nothing."""
    f = p.fit(txt, "value", cols.slot * 3, max_lines=1)
    if f is None:
        return
    cx = cols.x0 + (i + 0.5) * cols.slot
    x0 = min(max(cx - f.width / 2, cols.x0), area.x1 - f.width)
    y = bottom - heights[i] - p.gap * 0.4
    if y - f.ascent < area.y0:
        return
    for j, h in enumerate(heights):
        jx = cols.x0 + (j + 0.5) * cols.slot
        if j != i and jx + bw / 2 > x0 and jx - bw / 2 < x0 + f.width and bottom - h < y + p.gap * 0.2:
            return
    p.text(x0 + f.width / 2, y, txt, "value", size=f.size, ha="center", color=p.color("highlight"),
           bg=p.bg)


def need(p: ChartArea, k: float) -> float:
    """Height a bar chart asks for at label size k × preferred: horizontal rows (columns take any height)."""
    labels = [show_label(s) for s in p.data.labels]
    vals = p.data.values(0)
    vtxt = p.fmt_all(vals)  # one precision for the chart, no ',0' on counts
    area = p.unit_note(p.box, draw=False)
    if columns(p, labels, vtxt, area, max(vals) or 1.0) is not None:
        return 0.0
    return (area.y0 - p.box.y0) + rows_need(p, labels, area.w * 0.42, k)


def describe(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    labels = [show_label(s) for s in d.labels]
    out = []
    if is_ordinal(d.labels):
        out.append("Theo thứ tự: " + listing([f"{lab}: {say(spec, d, v)}" for lab, v in zip(labels, vals, strict=True)]))
        hi = max(range(len(vals)), key=lambda i: vals[i])
        out.append(f"Cao nhất {labels[hi]}: {say(spec, d, vals[hi])}")
    else:
        order = sorted(range(len(vals)), key=lambda i: -vals[i])
        items = [f"{labels[i]} {say(spec, d, vals[i])}" for i in order]
        if len(items) == 1:
            out.append(items[0])
        else:
            out.append(f"Cao nhất {items[0]}; " + ("tiếp theo " + listing(items[1:-1]) + "; " if len(items) > 2 else "")
                       + f"thấp nhất {items[-1]}")
    if spec.highlight:
        out.append(f"Nổi bật: {spec.highlight}")
    if spec.unit != "%" and len(vals) > 1:
        out.append(f"Tổng cộng {say(spec, d, sum(vals))}")
    return out


KIND = ChartKind("bar", "cột / thanh", "Biểu đồ cột", build, describe, need=need, non_negative=True,
                 y_doc="one value per label; `highlight` names the item to stress")
