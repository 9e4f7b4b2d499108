"""Progress towards a target: one big bar, or a bar per row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import SpecError
from ...text import format_percent
from ..labels import fmt_value
from ..measure import Box, font_metrics
from .base import ChartKind, density_cap, line_box, listing, need_size, say

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


PROGRESS_TEXT = 0.45  # share of a progress row taken by its line of text


def need(p: ChartArea, k: float) -> float:
    n = len(p.data.labels)
    if n == 1:
        return 0.0
    return n * need_size(p, k) * line_box(p) / PROGRESS_TEXT


def build(p: ChartArea) -> None:
    """Bars filling towards a target (the spec's `target` or a second column per row)."""
    labels = p.data.labels
    vals = p.data.values(0)
    n = len(vals)
    if len(p.data.columns) > 1:
        targets = p.data.values(1)
    elif p.spec.target is not None:
        targets = [float(p.spec.target)] * n
    else:
        raise SpecError.fail("biểu đồ tiến độ cần mục tiêu", "a progress chart needs a target",
                             file=p.spec_file, field=f"{p.field}.target",
                             fix_vi="thêm target: 30 (hoặc cột mục tiêu thứ hai trong y)",
                             fix_en="add target: 30 (or a second y column of targets)")
    if any(t <= 0 for t in targets):
        raise p.fail("mục tiêu phải lớn hơn 0", "the target must be above 0", "sửa mục tiêu", "correct the target",
                     f"{p.field}.target")
    density_cap(p, n)
    track, fill = p.color("track"), p.color("base")
    area = p.box
    dec = p.data.columns[0].decimals
    if n == 1:
        v, t = vals[0], targets[0]
        share = v / t * 100
        # one number: it grows with its box (a tall story poster is not left half empty)
        room = max(1.0, min(2.2, area.h / (area.w * 0.75)))
        big = p.fit(p.fmt(v), "big", area.w, max_lines=1, size=min(p.size("big") * 1.3 * room, area.h * 0.3))
        lsize = p.size("label") * min(1.5, room)
        lab = p.fit(labels[0], "label", area.w, max_lines=2, size=lsize)
        cap = p.fit(f"Mục tiêu {fmt_value(t, dec, p.unit)} · đạt {format_percent(share, 0)} chặng đường",
                    "label", area.w, max_lines=2, size=lsize)
        if big is None or lab is None or cap is None:
            raise p.too_long(labels[0], p.data.x_name)
        thick = min(area.h * 0.12, 0.09 * p.u * min(1.6, room))
        block = lab.height + big.height + thick + cap.height + 3 * p.gap
        y = area.y0 + max(0.0, (area.h - block) / 2)
        y = p.lines(lab, area.x0, y, "label", color=p.theme.colors.text) + p.gap
        y = p.lines(big, area.x0, y, "big", color=p.theme.colors.primary) + p.gap
        _track(p, Box(area.x0, y, area.x1, y + thick), min(1.0, v / t), track, fill)
        y += thick + p.gap
        p.lines(cap, area.x0, y, "label", color=p.theme.colors.text)
        return
    row_h = area.h / n
    txts = [f"{fmt_value(v, dec, '')}/{fmt_value(t, dec, p.unit)}" for v, t in zip(vals, targets, strict=True)]
    vfont = p.font("value")
    a, d = font_metrics(p.font("label"))
    size = min(p.size("label"), row_h * PROGRESS_TEXT / (a + d))  # the rest of a row: its track and a gap
    if size < p.min_size("label") - 1e-6:
        raise p.too_many(n, max(1, int(area.h * PROGRESS_TEXT / (p.min_size("label") * (a + d)))), p.data.x_name)
    labs = p.fit_all(labels, "label", area.w * 0.7, max_lines=1, size=size)
    if labs is None:
        raise p.too_long(max(labels, key=len), p.data.x_name)
    s = labs[0].size
    for i in range(n):
        top = area.y0 + i * row_h
        p.lines(labs[i], area.x0, top, "label", color=p.theme.colors.text)
        p.text(area.x1, top + labs[i].ascent, txts[i], "value", size=s, ha="right", font=vfont,
               color=p.theme.colors.text)
        thick = min(row_h * 0.3, 0.06 * p.u)
        y = top + labs[i].height + p.gap * 0.4
        _track(p, Box(area.x0, y, area.x1, y + thick), min(1.0, vals[i] / targets[i]), track, fill)


def _track(p: ChartArea, b: Box, share: float, track: str, fill: str) -> None:
    r = b.h / 2
    p.canvas.rect(b, track, radius=r, zorder=1.5)
    if share > 0:
        w = max(b.h, b.w * share)
        p.canvas.rect(Box(b.x0, b.y0, b.x0 + w, b.y1), fill, radius=r, zorder=2)


# -- ranking --------------------------------------------------------------------------------------


def describe(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    per_row = len(d.columns) > 1
    targets = d.values(1) if per_row else [spec.target or 0.0] * len(vals)
    items = []
    for lab, v, t in zip(d.labels, vals, targets, strict=True):
        share = f", đạt {format_percent(v / t * 100, 0)} mục tiêu" if t else ""
        items.append(f"{lab}: {say(spec, d, v)} trên mục tiêu {say(spec, d, t, 1 if per_row else 0, from_spec=not per_row)}{share}")
    return [listing(items)]


KIND = ChartKind("progress", "tiến độ tới mục tiêu", "Biểu đồ tiến độ", build, describe, need=need, max_y=2,
                 non_negative=True, y_doc="[value, target?]; else the spec's `target`")
