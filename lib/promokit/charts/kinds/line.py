"""Line chart: one line per value column over ordered x (years, dates), an optional dashed target."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...text import parse_number
from ..labels import fmt_value, nice_ticks, parse_date, show_label
from ..measure import Box, font_metrics, text_width
from .base import MAX_ITEMS, ChartKind, say

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def build(p: ChartArea) -> None:
    """Lines over ordered x (years, dates), a dashed target line, first/last/peak points annotated."""
    raw = p.data.labels
    labels = [show_label(s) for s in raw]
    n, k = len(labels), len(p.data.columns)
    if n < 2:
        raise p.fail("biểu đồ đường cần ít nhất 2 điểm", "a line chart needs at least 2 points",
                     "thêm dòng dữ liệu hoặc dùng kind: kpi", "add rows or use kind: kpi", p.data.x_name)
    series = [p.data.values(j) for j in range(k)]
    dates = [parse_date(s) for s in raw]
    if all(dates):
        xs = [float(d.toordinal()) for d in dates]  # type: ignore[union-attr]
    else:
        try:
            xs = [parse_number(s, ".") for s in raw]
            if len(set(xs)) != n:
                raise ValueError
        except ValueError:
            xs = [float(i) for i in range(n)]
    target = p.spec.target
    lo = min(min(s) for s in series)
    hi = max(max(s) for s in series)
    if target is not None:
        lo, hi = min(lo, target), max(hi, target)
    lo = min(0.0, lo) if lo >= 0 and lo < 0.5 * hi else lo
    ticks = nice_ticks(lo, hi, 5)
    if lo < ticks[0]:
        ticks.insert(0, ticks[0] - (ticks[1] - ticks[0]))
    tlabels = p.tick_labels(ticks)
    colors = [p.series(j) for j in range(k)]
    area = p.unit_note(p.box)
    if k > 1:
        used = p.legend([p.data.heading(c.name) for c in p.data.columns], colors, area)
        area = Box(area.x0, area.y0 + used + p.gap, area.x1, area.y1)
    tsize, tfont = p.size("tick"), p.font("tick")
    tick_w = max(text_width(t, tfont, tsize) for t in tlabels) + 0.35 * tsize
    # x labels: thin out until they fit side by side
    lsize, lfont = p.size("tick"), p.font("tick")
    a, d = font_metrics(lfont)
    vsize, vfont = p.size("value"), p.font("value")
    head = vsize * 1.9  # room above the top tick for point labels
    below = max(p.gap * 0.8, tsize * (a + d) * 0.5 + p.gap * 0.3)  # x labels clear of the '0' tick label
    last_w = max([text_width(labels[-1], lfont, lsize)] + [text_width(p.fmt(s[-1], j), vfont, vsize)
                                                          for j, s in enumerate(series)])
    first_w = max([text_width(labels[0], lfont, lsize)] + [text_width(p.fmt(s[0], j), vfont, vsize)
                                                          for j, s in enumerate(series)])
    ab = Box(area.x0 + max(tick_w, 0.5 * first_w), area.y0 + head, area.x1 - 0.5 * last_w,
             area.y1 - lsize * (a + d) - below)

    def px(x: float) -> float:
        return ab.x0 + (x - min(xs)) / ((max(xs) - min(xs)) or 1.0) * ab.w
    step = 1
    while step < n:
        shown = list(range(0, n, step))
        widths = [text_width(labels[i], lfont, lsize) for i in shown]
        gaps = [px(xs[b]) - px(xs[a_]) for a_, b in zip(shown, shown[1:], strict=False)]
        if all(g >= (w1 + w2) / 2 + lsize for g, w1, w2 in zip(gaps, widths, widths[1:], strict=False)):
            break
        step += 1
    shown = list(range(0, n, step))
    if shown[-1] != n - 1 and step > 1:
        shown[-1] = n - 1
    ax = p.canvas.axes(ab)
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(ticks[0], ticks[-1])
    lw = max(2.0, 0.006 * p.u)
    for j, s in enumerate(series):
        ax.plot(xs, s, color=colors[j], linewidth=lw, zorder=3, solid_capstyle="round",
                marker="o", markersize=lw * 2.2, markerfacecolor=colors[j], markeredgecolor=p.bg,
                markeredgewidth=lw * 0.5, clip_on=False)
    p.canvas.no_ticks(ax, "x")
    p.style_ticks(ax, "y", ticks, ab)
    ax.grid(axis="y", color=p.color("grid"), linewidth=max(1.0, 0.0015 * p.u), zorder=0)

    def py(v: float) -> float:
        return ab.y1 - (v - ticks[0]) / (ticks[-1] - ticks[0]) * ab.h

    for i in shown:
        p.text(px(xs[i]), ab.y1 + below + lsize * a, labels[i], "tick", size=lsize, ha="center",
               color=p.theme.text_color(p.bg, preferred=p.color("axis")))
    # the lines as px segments: labels go where no line (and no target line) crosses them
    segs = [((px(xs[i]), py(s[i])), (px(xs[i + 1]), py(s[i + 1]))) for s in series for i in range(n - 1)]
    placed: list[Box] = []
    if target is not None:
        tc = p.color("target")
        ax.axhline(target, color=tc, linewidth=max(1.5, 0.004 * p.u), linestyle=(0, (4, 3)), zorder=2)
        ttxt = f"Mục tiêu: {fmt_value(target, _dec_for(target, p.data.columns[0].decimals), p.unit)}"
        f = p.fit(ttxt, "note", ab.w * 0.6, max_lines=1)
        if f is None:
            raise p.too_long(ttxt, None)
        y = py(target)
        spots = []  # right end, left end; above the target line, then below
        for above in (True, False):
            ty = y - f.size * 0.45 if above else y + f.size * 1.25
            for right in (True, False):
                tx = ab.x1 - f.width if right else ab.x0 + f.size * 0.3
                spots.append(Box(tx, ty - f.ascent, tx + f.width, ty + f.size * 0.3))
        inside = [b for b in spots if b.y0 >= area.y0 and b.y1 <= ab.y1] or spots
        tb = next((b for b in inside if not _crosses(b, segs)), inside[0])
        p.text(tb.x1, tb.y1 - f.size * 0.3, f.lines[0], "note", size=f.size, color=tc, field=f"{p.field}.target",
               ha="right")
        placed.append(tb)
        segs.append(((ab.x0, y), (ab.x1, y)))
    # annotate first, last (and for one series the peak) points
    marks: list[tuple[int, int]] = []
    for j, s in enumerate(series):
        pts = {0, n - 1}
        if k == 1:
            pts.add(max(range(n), key=lambda i: s[i]))
        marks += [(j, i) for i in sorted(pts)]
    for j, i in marks:
        v = series[j][i]
        t = p.fmt(v, j)
        w = text_width(t, vfont, vsize)
        x = px(xs[i])
        ha = "center"
        if x - w / 2 < ab.x0 - lw:
            ha, x = "left", x - lw
        elif x + w / 2 > area.x1:
            ha, x = "right", min(area.x1, x + lw)
        x0 = x - (w / 2 if ha == "center" else 0 if ha == "left" else w)
        for y in (py(v) - lw * 2.5, py(v) + lw * 2.5 + vsize):  # above the point, else below
            bb = Box(x0, y - vsize, x0 + w, y)
            if bb.y0 >= area.y0 and y <= ab.y1 and not any(bb.overlaps(q) for q in placed) \
                    and not _crosses(bb.inset(lw * 0.5), segs):
                placed.append(bb)
                p.text(x, y, t, "value", size=vsize, ha=ha, color=p.theme.text_color(p.bg, preferred=colors[j]))
                break


def _crosses(b: Box, segs: list[tuple[tuple[float, float], tuple[float, float]]]) -> bool:
    """Whether any segment passes through box `b` (sampled every ~2 px)."""
    for (x0, y0), (x1, y1) in segs:
        if max(x0, x1) < b.x0 or min(x0, x1) > b.x1 or max(y0, y1) < b.y0 or min(y0, y1) > b.y1:
            continue
        steps = max(2, int(max(abs(x1 - x0), abs(y1 - y0)) / 2))
        for t in range(steps + 1):
            x, y = x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps
            if b.x0 <= x <= b.x1 and b.y0 <= y <= b.y1:
                return True
    return False


def _dec_for(v: float, decimals: int) -> int:
    """Decimals for a single number from the spec: none when it is whole."""
    return 0 if float(v).is_integer() else max(1, decimals)


def describe(spec: Infographic, d: ChartData) -> list[str]:
    labels = [show_label(s) for s in d.labels]
    out = []
    for j, c in enumerate(d.columns):
        v = c.values or []
        hi = max(range(len(v)), key=lambda i: v[i])
        name = f"{d.heading(c.name)}: " if len(d.columns) > 1 else ""
        trend = "tăng" if v[-1] > v[0] else "giảm" if v[-1] < v[0] else "không đổi"
        out.append(f"{name}{trend} từ {say(spec, d, v[0], j)} ({labels[0]}) đến {say(spec, d, v[-1], j)} "
                   f"({labels[-1]}); cao nhất {say(spec, d, v[hi], j)} ({labels[hi]})")
        if len(v) <= MAX_ITEMS:
            out.append("Các điểm: " + "; ".join(f"{lab}: {say(spec, d, x, j)}" for lab, x in zip(labels, v, strict=True)))
    if spec.target is not None:
        out.append(f"Mục tiêu: {say(spec, d, spec.target, from_spec=True)}")
    return out


KIND = ChartKind("line", "đường", "Biểu đồ đường", build, describe, max_y=6, min_rows=2,
                 y_doc="one column per line over ordered x (years, dates); `target`")
