"""Ranking table: rank, name, more values, change since the previous ranking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...text import format_number
from ..labels import fmt_value
from ..measure import Box, font_metrics, text_width
from ._cards import CARD_ROWS, SPARSE, CardField, draw_cards, plan_cards
from .base import ChartKind, Refusal, density_cap, line_box, listing, need_size

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def need(p: ChartArea, k: float) -> float:
    return (len(p.data.labels) + 1) * need_size(p, k) * line_box(p) / 0.85



def build(p: ChartArea) -> None:
    """A ranking table: rank, name, extra values, change since the previous ranking (▲ up, ▼ down).

    `y`: [rank, previous rank?, more value columns…]."""
    names = p.data.labels
    ranks = p.data.values(0)
    prev = p.data.values(1) if len(p.data.columns) > 1 else None
    extra = p.data.columns[2:]
    n = len(names)
    density_cap(p, n)
    order = sorted(range(n), key=lambda i: ranks[i])
    hl = p.highlight_index(names, None)
    area = p.box
    head_bg = p.color("header")
    stripe = p.color("stripe")
    heads = ["Hạng", p.data.heading(p.data.x_name), *[p.data.heading(c.name) for c in extra]] + \
        (["Thay đổi"] if prev is not None else [])
    # a value column reads as a table column: one precision down it (90,80 under 91,25, not 90,8)
    shown = [p.fmt_all(c.values, 2 + j) if c.values else c.cells for j, c in enumerate(extra)]
    rows_txt = []
    for i in order:
        cells = [format_number(ranks[i], 0), names[i], *[col[i] for col in shown]]
        if prev is not None:
            d = prev[i] - ranks[i]
            cells.append(("+" if d > 0 else "") + format_number(d, 0) if d else "=")
        rows_txt.append(cells)
    a, dsc = font_metrics(p.font("label"))
    row_h = min(area.h / (n + 1), p.size("label") * (a + dsc) * 2.6)
    if n <= CARD_ROWS and row_h * (n + 1) < SPARSE * area.h:  # one or two places: a card each, filling the box
        fields = [CardField(h, [r[c] for r in rows_txt], c != 1) for c, h in enumerate(heads) if c != 1]
        cards = plan_cards(p, area, [r[1] for r in rows_txt], fields)
        if cards is not None:
            draw_cards(p, cards)
            return
    area = Box(area.x0, area.y0 + (area.h - row_h * (n + 1)) / 2, area.x1, area.y1)  # centred
    size = min(p.size("label"), row_h * 0.85 / (a + dsc))
    if size < p.min_size("label"):
        raise p.too_many(n, max(1, int(area.h / (p.min_size("label") * (a + dsc) / 0.85)) - 1), p.data.x_name)
    pad = size * 0.6
    hfont = p.font("value")
    while True:
        widths = [max([text_width(heads[c], hfont, size)] + [text_width(r[c], p.font("label"), size)
                                                              for r in rows_txt]) for c in range(len(heads))]
        widths[0] = max(widths[0], row_h * 0.7)
        if prev is not None:
            widths[-1] += size * 1.2
        name_w = area.w - sum(w for c, w in enumerate(widths) if c != 1) - pad * 2 * len(heads)
        if name_w >= widths[1] or size <= p.min_size("label"):
            break
        size = max(p.min_size("label"), size * 0.95)
    if name_w < widths[1] * 0.5:
        raise p.too_long(max(names, key=len), p.data.x_name)
    name_f = [p.fit(r[1], "label", name_w, max_lines=2, max_h=row_h * 0.95, size=size, min_size=size)
              for r in rows_txt]
    if not all(name_f):
        raise p.too_long(max(names, key=len), p.data.x_name)
    xs = [area.x0]
    for c, w in enumerate(widths):
        xs.append(xs[-1] + (name_w if c == 1 else w) + pad * 2)
    # header
    hb = Box(area.x0, area.y0, area.x1, area.y0 + row_h)
    p.canvas.rect(hb, head_bg, radius=row_h * 0.12, zorder=1)
    for c, h in enumerate(heads):
        right = c >= 2
        x = xs[c + 1] - pad if right else xs[c] + pad
        p.text(x, p.baseline_mid(hb.y0 + row_h / 2, size), h, "value", size=size, bg=head_bg,
               ha="right" if right else "left")
    for r, i in enumerate(order):
        top = area.y0 + (r + 1) * row_h
        rb = Box(area.x0, top, area.x1, top + row_h)
        bg = p.bg
        is_hl = hl is not None and i == hl
        if is_hl:
            bg = p.theme.color("tint(secondary, 0.75)")
        elif r % 2 == 1:
            bg = stripe
        if bg != p.bg:
            p.canvas.rect(rb, bg, zorder=1)
        cy = top + row_h / 2
        rr = min(row_h * 0.36, widths[0] / 2)
        circ = p.theme.colors.primary if r < 3 else p.theme.color("tint(primary, 0.75)")
        p.canvas.circle(xs[0] + pad + widths[0] / 2, cy, rr, circ, zorder=2)
        p.text(xs[0] + pad + widths[0] / 2, p.baseline_mid(cy, size), rows_txt[r][0], "value", size=size,
               bg=circ, ha="center")
        f = name_f[r]
        p.lines(f, xs[1] + pad, cy - f.height / 2, "label", bg=bg, color=p.theme.colors.text)
        for c in range(2, len(heads)):
            txt = rows_txt[r][c]
            x = xs[c + 1] - pad
            color = p.theme.colors.text
            if prev is not None and c == len(heads) - 1:
                d = prev[i] - ranks[i]
                if d:
                    color = p.theme.text_color(bg, preferred=p.color("up" if d > 0 else "down"))
                    tw = text_width(txt, p.font("value"), size)
                    p.canvas.triangle(x - tw - size * 0.6, cy, size * 0.75, d > 0, color)
            p.text(x, p.baseline_mid(cy, size), txt, "value" if c == len(heads) - 1 else "label", size=size,
                   bg=bg, ha="right", color=color)


def describe(spec: Infographic, d: ChartData) -> list[str]:
    ranks = d.values(0)
    prev = d.values(1) if len(d.columns) > 1 else None
    items = []
    for i in sorted(range(len(ranks)), key=lambda i: ranks[i]):
        s = f"hạng {format_number(ranks[i], 0)}: {d.labels[i]}"
        for c in d.columns[2:]:
            s += f", {d.heading(c.name)} {fmt_value(c.values[i], c.decimals, '') if c.values else c.cells[i]}"
        if prev is not None:
            delta = prev[i] - ranks[i]
            s += (f" (tăng {format_number(delta, 0)} bậc)" if delta > 0 else
                  f" (giảm {format_number(-delta, 0)} bậc)" if delta < 0 else " (giữ nguyên)")
        items.append(s)
    return [listing(items)]


def rules(d: ChartData) -> Refusal | None:
    """Ranks (this one's and the previous) are whole numbers from 1; ties are allowed (1, 2, 2, 4), and so is
    a rank beyond the number of rows (the province's 5th place of 63, shown with a few others)."""
    for col in d.columns[:2]:
        v = col.values or []
        wrong = [c for c, x in zip(col.cells, v, strict=True) if x < 1 or x != int(x)]
        if wrong:
            return Refusal(f"cột '{col.name}' phải là thứ hạng (số nguyên từ 1), có ô '{wrong[0]}'",
                           f"column '{col.name}' must hold ranks (whole numbers from 1); it has '{wrong[0]}'",
                           _FIX_VI, _FIX_EN, col.name)
    return None


_FIX_VI = "ghi thứ hạng 1, 2, 3… (hạng 1 là cao nhất); để vẽ số lượng, dùng kind: bar"
_FIX_EN = "write ranks 1, 2, 3… (1 is the top); to draw amounts, use kind: bar"

KIND = ChartKind("ranking", "bảng xếp hạng", "Bảng xếp hạng", build, describe, need=need, max_y=4,
                 y_doc="[rank, previous rank?, more value columns]", rules=rules)
