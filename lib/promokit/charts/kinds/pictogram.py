"""Pictogram: an icon array, 'x/total' in big figures and one icon per unit (or per n units)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...text import format_number
from ..labels import fmt_value
from ..measure import Box
from .base import ChartKind, Refusal, grid_shape, listing, say

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def build(p: ChartArea) -> None:
    """An icon array: 'x/total' in big figures, then one icon per unit (or per n units) by category."""
    labels = p.data.labels
    vals = p.data.values(0)
    n = len(vals)
    if n > 6:
        raise p.too_many(n, 6, p.data.x_name)
    total = sum(vals)
    if total <= 0:
        raise p.fail("tổng bằng 0: không có biểu tượng nào để vẽ", "the total is 0: no icons to draw",
                     "kiểm tra cột giá trị", "check the value column", p.data.columns[0].name)
    limit = int(p.theme.style["chart"].get("pictogram_max", 100))
    per = 1
    while total / per > limit:
        per = {1: 2, 2: 5}.get(per, per * 2 if str(per).startswith("5") else per * 5 // 2)
    counts = [round(v / per) for v in vals]
    icons = sum(counts)
    colors = [p.color("highlight")] + [p.series(i) for i in range(1, n)] if n > 2 else \
        [p.color("highlight"), p.color("track")][:n]
    area = p.box
    unit = p.unit if p.unit != "%" else ""
    head = f"{p.fmt(vals[0])}/{p.fmt(total)}"
    lab0 = labels[0][:1].lower() + labels[0][1:] if labels[0][:2] != labels[0][:2].upper() else labels[0]
    cap = f"{unit} {lab0}".strip()
    big = p.fit(head, "big", area.w, max_lines=1, size=min(p.size("big"), area.h * 0.16))
    capf = p.fit(cap, "label", area.w, max_lines=2)
    if big is None or capf is None:
        raise p.too_long(cap, p.data.x_name)
    y = p.lines(big, area.x0, area.y0, "big", color=p.theme.colors.primary)
    y = p.lines(capf, area.x0, y + p.gap * 0.3, "label", color=p.theme.colors.text) + p.gap
    entries = [f"{lab}: {p.fmt(v)}" for lab, v in zip(labels, vals, strict=True)]
    if per > 1:
        entries.append(f"Mỗi biểu tượng = {format_number(per)} {unit}".strip())
    leg = p.fit_all(entries, "legend", area.w - p.size("legend") * 1.6, max_lines=1)
    if leg is None:
        raise p.too_long(max(entries, key=len), p.data.x_name)
    leg_h = sum(f.height for f in leg) + p.gap * 0.4 * (len(leg) - 1)
    grid = Box(area.x0, y, area.x1, area.y1 - leg_h - p.gap)
    cols, rows = grid_shape(icons, grid.w, grid.h, ideal=1.0)
    cell = min(grid.w / cols, grid.h / rows)
    if cell < 0.02 * p.u:
        raise p.too_many(icons, int(limit), p.data.columns[0].name)
    icon_name = "circle"
    for word, ic in (p.theme.style["chart"].get("pictogram_icons") or {}).items():
        if unit.lower().startswith(str(word).lower()):
            icon_name = ic
    cells = []
    for c_i, cnt in enumerate(counts):
        for _ in range(cnt):
            r, c = divmod(len(cells), cols)
            cells.append((c + 0.5, r + 0.5, colors[c_i]))
    p.canvas.icons(Box(grid.x0, grid.y0, grid.x0 + cell * cols, grid.y0 + cell * rows), cols, rows, cells,
                   icon_name, cell * 0.78)
    y = grid.y0 + cell * rows + p.gap
    for i, f in enumerate(leg):
        sw = f.size * 0.9
        cy = y + f.ascent - f.size * 0.36
        if i < n:
            p.canvas.rect(Box(area.x0, cy - sw / 2, area.x0 + sw, cy + sw / 2), colors[i], radius=sw * 0.2, zorder=3)
        p.lines(f, area.x0 + f.size * 1.6 if i < n else area.x0, y, "legend", color=p.theme.colors.text)
        y += f.height + p.gap * 0.4


# -- timeline -------------------------------------------------------------------------------------


def describe(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    total = sum(vals)
    unit = spec.unit if spec.unit and spec.unit != "%" else ""
    head = f"{fmt_value(vals[0], d.columns[0].decimals)}/{fmt_value(total, d.columns[0].decimals)} {unit} {d.labels[0]}"
    items = [f"{lab}: {say(spec, d, v)}" for lab, v in zip(d.labels, vals, strict=True)]
    return [" ".join(head.split()), listing(items)]


def rules(d: ChartData) -> Refusal | None:
    """The whole is the sum of the rows: one row would read '93/93' whatever it counts."""
    if len(d.labels) > 1:
        return None
    v = d.columns[0].cells[0]
    return Refusal(f"biểu đồ biểu tượng cần ít nhất 2 dòng: phần được đếm và phần còn lại (một dòng sẽ hiện "
                   f"'{v}/{v}')", f"a pictogram needs at least 2 rows, the part counted and the rest (one row would "
                   f"read '{v}/{v}')",
                   f"thêm một dòng cho phần còn lại, vd. '{d.labels[0]}' {v} rồi 'Chưa đạt' với số còn lại",
                   f"add a row for the rest, e.g. '{d.labels[0]}' {v} then 'Chưa đạt' with the remainder",
                   d.x_name)


KIND = ChartKind("pictogram", "biểu đồ biểu tượng", "Biểu đồ biểu tượng", build, describe, non_negative=True,
                 y_doc="a count per category: '7/10 xã đạt chuẩn'", rules=rules)
