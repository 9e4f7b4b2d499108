"""Shared by the bar kinds: rows of horizontal bars and slots of vertical columns sized from the
box and the style's minimum text sizes, the bar shape, and the grouped/stacked drawing.

How many rows or columns fit is not a fixed number: it follows from the box and the style's minimum
text sizes. Horizontal bars need a row per label at least `row_pitch` (style) label lines tall at the
minimum label size; vertical columns need every label (and value) to fit its slot at its minimum size.
What does not fit even then is a DataError saying how many would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..labels import is_ordinal, nice_ticks, short_period, show_label
from ..measure import Box, Fitted, font_metrics, text_width
from .base import density_cap, line_box, need_size

if TYPE_CHECKING:
    from ..area import ChartArea


COL_LABEL = 0.92  # share of a column's slot its label may take
COL_VALUE = 0.88  # ... its value (the rest keeps neighbouring values apart)




def pitch(p: ChartArea) -> float:
    """A row of horizontal bars is at least this many label line boxes (ascent + descent) tall."""
    return float(p.theme.style["chart"].get("row_pitch", 1.12))


def row_pitch(p: ChartArea, size: float, lines: int = 1) -> float:
    """Height of one bar row whose label takes `lines` lines at `size`."""
    return size * (line_box(p) + float(p.role("label").get("line", 1.15)) * (lines - 1)) * pitch(p)


def row_capacity(p: ChartArea, height: float) -> int:
    """How many one-line rows fit `height` at the smallest label size the style allows."""
    return max(1, int(height / row_pitch(p, p.min_size("label")) + 1e-6))


def row_labels(p: ChartArea, labels: list[str], area: Box, share: float = 0.42) -> list[Fitted]:
    """Labels of horizontal bars (one row each, two lines when long) at one common size."""
    n = len(labels)
    row_h = area.h / n
    size = min(p.size("label"), row_h / row_pitch(p, 1.0))
    if size < p.min_size("label") - 1e-6:
        raise p.too_many(n, row_capacity(p, area.h), p.data.x_name)
    fl = p.fit_all(labels, "label", area.w * share, max_lines=2, max_h=row_h / pitch(p) + 0.01, size=size)
    if fl is None:
        worst = max(labels, key=lambda s: text_width(s, p.font("label"), 1))
        raise p.too_long(worst, p.data.x_name)
    return fl


def column_labels(p: ChartArea, labels: list[str], slot: float, ordinal: bool) -> list[Fitted] | None:
    """Labels under columns: one line; for periods also the short form ("Tháng 12" -> "T12") or two lines."""
    w = slot * COL_LABEL
    fl = p.fit_all(labels, "label", w, max_lines=1)
    if fl is None and ordinal:
        short = [short_period(s) for s in labels]
        if short != labels:
            fl = p.fit_all(short, "label", w, max_lines=1)
        if fl is None:
            fl = p.fit_all(labels, "label", w, max_lines=2)
    return fl



@dataclass
class Columns:
    """A vertical layout: columns from `x0` in slots of `slot`; values above them or a value axis (`ticks`)."""

    x0: float
    slot: float
    labels: list[Fitted]
    values: list[Fitted] | None = None
    ticks: list[float] | None = None
    tick_size: float = 0.0


def columns(p: ChartArea, labels: list[str], vtxt: list[str], area: Box, vmax: float) -> Columns | None:
    """Vertical columns when they fit: few categories (style `columns_max`) or periods (any number), every
    label in its slot at its minimum size or above. Periods whose values do not fit above the columns
    get a value axis instead. None: draw horizontal bars."""
    n = len(labels)
    ordinal = is_ordinal(p.data.labels)
    if not ordinal and n > int(p.theme.style["chart"].get("columns_max", 8)):
        return None
    slot = area.w / n
    fl = column_labels(p, labels, slot, ordinal)
    if fl is not None:
        fv = p.fit_all(vtxt, "value", slot * COL_VALUE, max_lines=1)
        if fv is not None and plot_room(p, area, fl, fv[0].height):
            return Columns(area.x0, slot, fl, fv)
    if not ordinal:
        return None
    ticks = nice_ticks(0.0, vmax or 1.0, 5)
    tsize = p.size("tick")
    tick_w = max(text_width(t, p.font("tick"), tsize) for t in p.tick_labels(ticks)) + 0.5 * tsize
    slot = (area.w - tick_w) / n
    fl = column_labels(p, labels, slot, ordinal)
    if fl is None or not plot_room(p, area, fl, tsize):
        return None
    return Columns(area.x0 + tick_w, slot, fl, None, ticks, tsize)


def plot_room(p: ChartArea, area: Box, fl: list[Fitted], head: float) -> bool:
    """Labels and values leave at least 40 % of the height to the columns themselves."""
    return area.h - max(f.height for f in fl) - head - p.gap * 1.3 >= 0.4 * area.h


def bar_shape(p: ChartArea, b: Box, color: str, orient: str) -> None:
    """A bar with a slightly rounded free end."""
    r = min(b.w, b.h) * 0.12
    if r < 1 or (b.h if orient == "v" else b.w) < 2 * r:
        p.canvas.rect(b, color, zorder=2)
        return
    p.canvas.rect(b, color, radius=r, zorder=2)
    if orient == "v":
        p.canvas.rect(Box(b.x0, b.y1 - r, b.x1, b.y1), color, zorder=2)
    else:
        p.canvas.rect(Box(b.x0, b.y0, b.x0 + r, b.y1), color, zorder=2)

def rows_need(p: ChartArea, labels: list[str], label_w: float, k: float) -> float:
    size = need_size(p, k)
    font = p.font("label")
    lines = 1 if all(text_width(s, font, size) <= label_w for s in labels) else 2
    return len(labels) * row_pitch(p, size, lines)




def value_axes(p: ChartArea, ab: Box, n: int, ticks: list[float], *, horizontal: bool) -> Any:
    """The axes of bars over `n` categories (the first at the top or left): values 0..ticks[-1] along the
    other axis with its ticks, grid and zero line."""
    ax = p.canvas.axes(ab)
    cat, val = ("y", "x") if horizontal else ("x", "y")
    getattr(ax, f"set_{cat}lim")(*((n - 0.5, -0.5) if horizontal else (-0.5, n - 0.5)))
    getattr(ax, f"set_{val}lim")(0, ticks[-1])
    p.canvas.no_ticks(ax, cat)
    p.style_ticks(ax, val, ticks, ab)
    line = max(1.0, 0.0015 * p.u)
    ax.grid(axis=val, color=p.color("grid"), linewidth=line, zorder=0)
    (ax.axvline if horizontal else ax.axhline)(0, color=p.color("axis"), linewidth=line, zorder=3)
    return ax


def grouped_bars(ax: Any, series: list[list[float]], colors: list[str], width: float, *, horizontal: bool) -> None:
    """Each series' bars side by side within a category's `width` (0..1 of a slot)."""
    k = len(series)
    draw = ax.barh if horizontal else ax.bar
    for j, s in enumerate(series):
        off = (j - (k - 1) / 2) * width / k
        draw([i + off for i in range(len(s))], s, width / k * 0.92, color=colors[j], zorder=2)


def multi_bars(p: ChartArea, stacked: bool) -> None:
    labels = [show_label(s) for s in p.data.labels]
    n, k = len(labels), len(p.data.columns)
    series = [p.data.values(j) for j in range(k)]
    density_cap(p, n)
    totals = [sum(s[i] for s in series) for i in range(n)]
    vmax = max(totals) if stacked else max(max(s) for s in series)
    ticks = nice_ticks(0.0, vmax or 1.0, 5)
    tlabels = p.tick_labels(ticks)
    colors = [p.series(j) for j in range(k)]
    area = p.box
    used = p.legend([p.data.heading(c.name) for c in p.data.columns], colors, area, note=p.unit_text)
    area = Box(area.x0, area.y0 + used + p.gap, area.x1, area.y1)
    tsize, tfont = p.size("tick"), p.font("tick")
    tick_w = max(text_width(t, tfont, tsize) for t in tlabels) + 0.35 * tsize
    a, d = font_metrics(tfont)
    tick_h = tsize * (a + d) + 0.35 * tsize
    vert_area = Box(area.x0 + tick_w, area.y0, area.x1, area.y1)
    fl = multi_columns(p, labels, vert_area)
    width = float(p.theme.style["chart"].get("bar_width", 0.68))
    edge = dict(edgecolor=p.bg, linewidth=max(1.0, 0.002 * p.u)) if stacked else {}
    if fl is not None:
        lab_h = max(f.height for f in fl)
        head = 0.0 if stacked else p.min_size("value") * 1.3  # room for the tallest bar's value
        ab = Box(vert_area.x0, area.y0 + tsize * 0.6 + head, vert_area.x1, area.y1 - lab_h - p.gap * 0.8)
        ax = value_axes(p, ab, n, ticks, horizontal=False)
        if stacked:
            bottom = [0.0] * n
            for j, s in enumerate(series):
                ax.bar(range(n), s, width, bottom=bottom, color=colors[j], zorder=2, **edge)
                bottom = [b + v for b, v in zip(bottom, s, strict=True)]
        else:
            grouped_bars(ax, series, colors, width, horizontal=False)
        slot = ab.w / n
        for i, f in enumerate(fl):
            p.lines(f, ab.x0 + (i + 0.5) * slot, ab.y1 + p.gap * 0.8, "label", ha="center",
                    color=p.theme.colors.text)
        if stacked:
            totals_on_columns(p, ab, [ab.x0 + (i + 0.5) * slot for i in range(n)], totals, ticks[-1], slot, "v")
        else:
            grouped_values(p, ab, series, colors, ticks[-1], width, "v")
        return
    if stacked:
        stacked_rows(p, labels, series, totals, colors, area)
        return
    fl = row_labels(p, labels, Box(area.x0, area.y0, area.x1, area.y1 - tick_h))
    lab_w = max(f.width for f in fl)
    ab = Box(area.x0 + lab_w + p.gap * 0.8, area.y0, area.x1 - tick_w * 0.5, area.y1 - tick_h)
    ax = value_axes(p, ab, n, ticks, horizontal=True)
    grouped_bars(ax, series, colors, width, horizontal=True)
    row = ab.h / n
    for i, f in enumerate(fl):
        p.lines(f, ab.x0 - p.gap * 0.8, ab.y0 + (i + 0.5) * row - f.height / 2, "label", ha="right",
                color=p.theme.colors.text)
    grouped_values(p, ab, series, colors, ticks[-1], width, "h")


def grouped_values(p: ChartArea, ab: Box, series: list[list[float]], colors: list[str], top: float, width: float,
                   orient: str) -> None:
    """Each grouped bar says its value (at its end, one size for all), and a zero is a visible stub with "0".

    Values that cannot fit their bar's width (columns) or row (bars) even at the minimum size are left to
    the value axis, all together, never some of them."""
    n, k = len(series[0]), len(series)
    slot = (ab.w if orient == "v" else ab.h) / n
    bar = slot * width / k
    txt = [p.fmt_all(list(s), j) for j, s in enumerate(series)]
    flat = [t for row in txt for t in row]
    if orient == "v":
        fv = p.fit_all(flat, "value", bar * 1.15, max_lines=1)
    else:
        size = min(p.size("value"), bar * 0.95 / 0.75)
        fv = p.fit_all(flat, "value", ab.w * 0.3, max_lines=1, size=size) if size >= p.min_size("value") else None
        if fv is not None and any(ab.x0 + v / top * ab.w + p.gap * 0.3 + f.width > p.box.x1
                                  for v, f in zip([v for s in series for v in s], fv, strict=True)):
            fv = None  # a value would run off the chart's box: the axis says them
    stub = max(2.0, 0.004 * p.u)
    for j, s in enumerate(series):
        off = (j - (k - 1) / 2) * width / k
        for i, v in enumerate(s):
            c = (i + 0.5 + off) * slot
            if orient == "v":
                cx, y = ab.x0 + c, ab.y1 - v / top * ab.h
                if v == 0:
                    p.canvas.rect(Box(cx - bar * 0.46, ab.y1 - stub, cx + bar * 0.46, ab.y1), colors[j], zorder=3.5)
                if fv is not None:
                    p.text(cx, min(y, ab.y1 - stub) - p.gap * 0.3, txt[j][i], "value", size=fv[0].size, ha="center",
                           color=p.theme.text_color(p.bg, preferred=colors[j]))
            else:
                cy, x = ab.y0 + c, ab.x0 + v / top * ab.w
                if v == 0:
                    p.canvas.rect(Box(ab.x0, cy - bar * 0.46, ab.x0 + stub, cy + bar * 0.46), colors[j], zorder=3.5)
                if fv is not None:
                    p.text(max(x, ab.x0 + stub) + p.gap * 0.3, p.baseline_mid(cy, fv[0].size), txt[j][i], "value",
                           size=fv[0].size, color=p.theme.text_color(p.bg, preferred=colors[j]))


def multi_columns(p: ChartArea, labels: list[str], area: Box) -> list[Fitted] | None:
    """Column labels of grouped/stacked bars when they are drawn vertically (see `_columns`), else None."""
    n = len(labels)
    ordinal = is_ordinal(p.data.labels)
    if not ordinal and n > int(p.theme.style["chart"].get("columns_max", 8)):
        return None
    fl = column_labels(p, labels, area.w / n, ordinal)
    if fl is None or area.h - max(f.height for f in fl) - p.gap * 2 < 0.4 * area.h:
        return None
    return fl


def stacked_rows(p: ChartArea, labels: list[str], series: list[list[float]], totals: list[float], colors: list[str],
                  area: Box) -> None:
    """Horizontal stacked bars: each segment says its value when it has room, the total ends the bar."""
    n = len(labels)
    fl = row_labels(p, labels, area)
    row_h = area.h / n
    lab_w = max(f.width for f in fl)
    vfont = p.font("value")
    vsize = max(p.min_size("value"), min(p.size("value"), fl[0].size * 1.05))
    ttxt = [p.fmt(t) for t in totals]
    tot_w = max(text_width(t, vfont, vsize) for t in ttxt)
    x0 = area.x0 + lab_w + p.gap * 0.8
    xmax = area.x1 - tot_w - p.gap * 0.6
    if xmax - x0 < area.w * 0.25:
        raise p.too_long(max(labels, key=len), p.data.x_name)
    scale = (xmax - x0) / (max(totals) or 1.0)
    thick = min(row_h * float(p.theme.style["chart"].get("bar_width", 0.68)), 0.09 * p.u)
    sep = max(1.0, 0.002 * p.u)
    seg_size = min(vsize, thick / 0.85)  # digits (~0.72 of the size) inside the bar with a margin
    seg_ok = seg_size >= p.min_size("value") - 1e-6
    text_color = p.theme.colors.text
    for i in range(n):
        cy = area.y0 + (i + 0.5) * row_h
        x = x0
        for j, s in enumerate(series):
            v = s[i]
            if v <= 0:
                continue
            w = v * scale
            seg = Box(x, cy - thick / 2, x + w - (sep if j < len(series) - 1 else 0), cy + thick / 2)
            p.canvas.rect(seg, colors[j], zorder=2)
            txt = p.fmt(v, j)
            if seg_ok and text_width(txt, vfont, seg_size) + 0.5 * seg_size <= seg.w:
                p.text((seg.x0 + seg.x1) / 2, p.baseline_mid(cy, seg_size), txt, "value", size=seg_size,
                       ha="center", bg=colors[j], color=None)
            x += w
        p.text(x0 + totals[i] * scale + p.gap * 0.4, p.baseline_mid(cy, vsize), ttxt[i], "value", size=vsize,
               color=text_color)
        f = fl[i]
        p.lines(f, x0 - p.gap * 0.8, cy - f.height / 2, "label", ha="right", color=text_color)
    p.canvas.line(x0, area.y0, x0, area.y1, p.color("axis"), max(1.0, p.u * 0.0015), zorder=2.5)


def totals_on_columns(p: ChartArea, ab: Box, xs: list[float], totals: list[float], top: float, slot: float, orient: str) -> None:
    """Totals above stacked columns, when they fit their slot."""
    txt = [p.fmt(t) for t in totals]
    fv = p.fit_all(txt, "value", slot * 0.98, max_lines=1)
    if fv is None:
        return
    for x, t, v, f in zip(xs, txt, totals, fv, strict=True):
        y = ab.y1 - v / top * ab.h - p.gap * 0.35
        if y - f.ascent < p.box.y0:
            continue
        p.text(x, y, t, "value", size=f.size, ha="center", color=p.theme.colors.text)


def multi_need(p: ChartArea, k: float) -> float:
    """Height grouped/stacked bars ask for: legend, then horizontal rows (columns take any height)."""
    labels = [show_label(s) for s in p.data.labels]
    if multi_columns(p, labels, Box(p.box.x0, 0.0, p.box.x1, 1e6)) is not None:
        return 0.0
    legend = p.size("legend") * line_box(p, "legend") * 1.15 + p.gap
    axis = 0.0
    if p.spec.kind != "stacked_bar":
        tsize = p.size("tick")
        axis = tsize * line_box(p, "tick") + 0.35 * tsize
    return legend + axis + rows_need(p, labels, p.box.w * 0.42, k)

