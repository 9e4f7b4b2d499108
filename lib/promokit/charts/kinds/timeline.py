"""Timeline: dated events on a line, across for a few, down for more."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labels import parse_date, show_label
from ..measure import text_width
from ._cards import CARD_ROWS, SPARSE, CardField, draw_cards, plan_cards
from .base import ChartKind, density_cap, listing

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def build(p: ChartArea) -> None:
    """Dated events on a line: `x` the dates (2024-04-18 or 18/4/2024), `y` what happens."""
    raw = p.data.labels
    events = p.data.columns[0].cells
    n = len(raw)
    density_cap(p, n)
    dates = [parse_date(s) for s in raw]
    order = sorted(range(n), key=lambda i: dates[i]) if all(dates) else list(range(n))  # type: ignore[arg-type,return-value]
    when = [show_label(raw[i]) for i in order]
    what = [events[i] for i in order]
    area = p.box
    dot = p.color("highlight")
    line_c = p.color("grid")
    if area.w > area.h * 1.7 and n <= 6:  # across
        slot = area.w / n
        # few events in a wide box: larger type (as large as the slot's width and 60 % of the height allow)
        grow = 2.5
        fw = p.fit_all(when, "value", slot * 0.92, max_lines=1, size=p.size("value") * grow)
        ft = p.fit_all(what, "label", slot * 0.92, max_lines=4, max_h=area.h * 0.6, size=p.size("label") * grow)
        if fw is None or ft is None:
            raise p.too_long(max(what, key=len), p.data.columns[0].name)
        block = fw[0].height + p.gap * 2.6 + max(f.height for f in ft)  # the dates, the line, the events
        if n <= CARD_ROWS and block < SPARSE * area.h and _cards(p, when, what):
            return
        mid = area.y0 + max(fw[0].height + p.gap * 1.2, (area.h - block) / 2 + fw[0].height + p.gap * 1.2)
        p.canvas.line(area.x0, mid, area.x1, mid, line_c, max(2.0, 0.004 * p.u))
        for i in range(n):
            cx = area.x0 + (i + 0.5) * slot
            p.canvas.circle(cx, mid, 0.014 * p.u, dot, zorder=3)
            p.text(cx, mid - p.gap * 1.2, fw[i].lines[0], "value", size=fw[i].size, ha="center",
                   color=p.theme.colors.primary)
            p.lines(ft[i], cx, mid + p.gap * 1.4, "label", ha="center", color=p.theme.colors.text)
        return
    dfont = p.font("value")
    size = p.size("label") * 1.25  # few events: larger type, they have the room
    while True:
        date_w = max(text_width(w, dfont, size) for w in when)
        x_line = area.x0 + date_w + p.gap * 1.5
        tx = x_line + p.gap * 1.5
        ft = p.fit_all(what, "label", area.x1 - tx, max_lines=3, size=size, min_size=size)
        if ft is not None:
            h = sum(f.height for f in ft) + p.gap * 1.2 * (n - 1)
            if h <= area.h:
                break
        if size <= p.min_size("label"):
            if ft is None:
                raise p.too_long(max(what, key=len), p.data.columns[0].name)
            room, fit = area.h, 0
            for f in ft:  # how many events would fit at the smallest size
                room -= f.height + (p.gap * 1.2 if fit else 0)
                if room < 0:
                    break
                fit += 1
            raise p.too_many(n, max(1, fit), p.data.x_name)
        size = max(p.min_size("label"), size * 0.95)
    if n <= CARD_ROWS and h < SPARSE * area.h and _cards(p, when, what):
        return
    spare = area.h - h
    step_gap = p.gap * 1.2 + (spare / (n - 1) if n > 1 else 0) * 0.6
    y = area.y0 + (spare - (step_gap - p.gap * 1.2) * (n - 1)) / 2 if n > 1 else area.y0 + spare / 2
    ys = []
    for i in range(n):
        ys.append(y)
        y += ft[i].height + step_gap
    p.canvas.line(x_line, ys[0] + ft[0].ascent * 0.6, x_line, ys[-1] + ft[-1].ascent * 0.6, line_c,
                  max(2.0, 0.004 * p.u))
    for i in range(n):
        cy = ys[i] + ft[i].ascent - size * 0.36
        p.canvas.circle(x_line, cy, 0.012 * p.u, dot, zorder=3)
        p.text(x_line - p.gap * 1.5, ys[i] + ft[i].ascent, when[i], "value", size=size, ha="right",
               color=p.theme.colors.primary)
        p.lines(ft[i], tx, ys[i], "label", color=p.theme.colors.text)


# -- table ----------------------------------------------------------------------------------------
#
# Column widths follow the content: each column starts at its natural width (every cell on one line),
# then the column whose narrowing costs the least extra height per px gained is wrapped one more line
# (cells up to the label role's `max_lines`, headers up to 2) until the table fits its width. Only


def _cards(p: ChartArea, when: list[str], what: list[str]) -> bool:
    """One or two events that would leave their box mostly empty: a card each (the date heading it, the event
    in large type), filling the box. False when the cards do not fit."""
    cards = plan_cards(p, p.box, when, [CardField(p.data.heading(p.data.columns[0].name), what, False)])
    if cards is None:
        return False
    draw_cards(p, cards)
    return True


def describe(spec: Infographic, d: ChartData) -> list[str]:
    dates = [parse_date(s) for s in d.labels]
    order = sorted(range(len(d.labels)), key=lambda i: dates[i]) if all(dates) else range(len(d.labels))  # type: ignore[arg-type,return-value]
    return [listing([f"{show_label(d.labels[i])}: {d.columns[0].cells[i]}" for i in order])]


KIND = ChartKind("timeline", "dòng thời gian", "Dòng thời gian", build, describe, numeric_y=False,
                 y_doc="the event text; x holds the dates")
