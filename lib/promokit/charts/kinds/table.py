"""Table: header row, striped rows, numbers right-aligned, column widths balanced by content."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...text import nfc, units, wrap
from ..labels import format_cells, show_label
from ..measure import Box, Fitted, font_metrics, text_width
from ._cards import CARD_ROWS, SPARSE, CardField, draw_cards, plan_cards
from .base import ChartKind, density_cap, listing, need_size

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


#
# Column widths follow the content: each column starts at its natural width (every cell on one line),
# then the column whose narrowing costs the least extra height per px gained is wrapped one more line
# (cells up to the label role's `max_lines`, headers up to 2) until the table fits its width. Only
# then does the text shrink, down to the style minimum; what still does not fit is a DataError.
# A short table does not float in a tall box: its text grows (up to `table_grow` × the preferred size,
# wrapping more where the width runs out) while the table still fits with comfortable rows, then its rows
# take the room left (up to ROW_AIR), so the poster has no empty band above and below it.

CELL_PAD = 0.6  # horizontal padding of a cell, × the text size
CELL_VPAD = 0.3  # smallest vertical padding of a row, × the text size
TABLE_UNWRAP = 0.85  # the text may shrink this far below the largest size that fits to wrap fewer lines
TABLE_GROW = 1.5  # a short table's text may grow to this × the preferred size (style `chart.table_grow`)
ROW_COMFORT = 0.45  # padding above and below a row's text when a grown table is measured, × the line box
ROW_AIR = 0.8  # the most padding above and below a row's text, × the line box
FILL = 0.85  # a grown table filling this share of its box needs no more wrapping to fill the rest


def min_wrap_width(text: str, font: Path, size: float, lines: int, whole: bool = True) -> float:
    """The narrowest width at which `text` wraps between words into at most `lines` lines (`whole`: the
    pieces `wrap` keeps together, a word's syllables or a name; else between any two syllables)."""
    words = units(text) if whole else nfc(text).split()
    if not words:
        return 0.0
    if lines <= 1 or len(words) == 1:
        return text_width(" ".join(words), font, size)
    n = len(words)

    def w(i: int, j: int) -> float:
        return text_width(" ".join(words[i:j]), font, size)

    # best[k][j]: the narrowest widest line putting the first j words on k lines
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(lines + 1)]
    best[0][0] = 0.0
    for k in range(1, lines + 1):
        for j in range(1, n + 1):
            best[k][j] = min((max(best[k - 1][i], w(i, j)) for i in range(j) if best[k - 1][i] < inf),
                             default=inf)
    return min(best[k][n] for k in range(1, lines + 1))


def _wrapped(text: str, font: Path, size: float, width: float, line: float) -> Fitted:
    lines = wrap(nfc(text).strip(), lambda s: text_width(s, font, size), width + 0.01) or [""]
    return Fitted(lines, size, line, font, max(text_width(s, font, size) for s in lines))


@dataclass
class _TablePlan:
    """A table at one text size: content width per column, the wrapped header and cells, row heights."""

    size: float
    pad: float
    widths: list[float]
    heads: list[Fitted]
    cells: list[list[Fitted]]  # [row][column]

    @property
    def head_h(self) -> float:
        return max(f.height for f in self.heads)

    @property
    def row_hs(self) -> list[float]:
        return [max(f.height for f in row) for row in self.cells]

    def height(self, vpad: float) -> float:
        return self.head_h + sum(self.row_hs) + 2 * vpad * (len(self.cells) + 1)

    @property
    def rows(self) -> int:
        return len(self.cells) + 1

    @property
    def lines(self) -> int:
        """Lines down the table: the header's and each row's tallest cell."""
        return max(len(f.lines) for f in self.heads) + sum(max(len(f.lines) for f in r) for r in self.cells)


def _table_plan(p: ChartArea, heads: list[str], cols: list[list[str]], numeric: list[bool], width: float,
                size: float, more: int = 0, whole: bool = True) -> _TablePlan | str:
    """Column widths and wrapping at `size` for `width` (cells on up to `more` lines beyond the label role's
    `max_lines`); the name of the widest column when it cannot fit. `whole` False lets cells break inside
    words: a last resort, tried only when no size keeps words whole (`_table_fit`)."""
    lfont, hfont = p.font("label"), p.font("value")
    line = float(p.role("label").get("line", 1.15))
    most = int(p.role("label").get("max_lines", 2)) + more
    pad = size * CELL_PAD
    avail = width - 2 * pad * len(heads)
    options: list[list[float]] = []
    for h, col, num in zip(heads, cols, numeric, strict=True):
        head = [min_wrap_width(h, hfont, size, k, whole) for k in (1, 2)]
        if num:
            cell = [max(text_width(v, lfont, size) for v in col)]
        else:
            cell = [max(min_wrap_width(v, lfont, size, k, whole) for v in col) for k in range(1, most + 1)]
        floor = max(head[-1], cell[-1])
        options.append(sorted({max(w, floor) for w in head + cell}, reverse=True))

    def lines_of(c: int, w: float) -> tuple[int, list[int]]:
        m = functools.partial(text_width, font=hfont, size=size)
        hl = len(wrap(heads[c], m, w + 0.01))
        if numeric[c]:
            return hl, [1] * len(cols[c])
        m = functools.partial(text_width, font=lfont, size=size)
        return hl, [len(wrap(v, m, w + 0.01)) for v in cols[c]]

    memo: dict[tuple[int, int], tuple[int, list[int]]] = {}

    def cost(choice: list[int]) -> int:
        """Lines down the table (header counted twice: it is bold and set apart)."""
        got = [memo.setdefault((c, o), lines_of(c, options[c][o])) for c, o in enumerate(choice)]
        return 2 * max(h for h, _ in got) + sum(max(r) for r in zip(*[rows for _, rows in got], strict=True))

    choice = [0] * len(heads)
    while sum(options[c][o] for c, o in enumerate(choice)) > avail + 1e-6:
        base = cost(choice)
        best: tuple[float, float, int] | None = None
        for c, o in enumerate(choice):
            if o + 1 < len(options[c]):
                trial = choice[:c] + [o + 1] + choice[c + 1:]
                saved = options[c][o] - options[c][o + 1]
                key = ((cost(trial) - base) / saved, -saved, c)
                if best is None or key < best:
                    best = key
        if best is None:
            return heads[max(range(len(heads)), key=lambda c: options[c][-1])]
        choice[best[2]] += 1
    while True:  # room left over: unwrap where it saves the most lines per px
        spare = avail - sum(options[c][o] for c, o in enumerate(choice))
        base = cost(choice)
        up: tuple[float, int, int] | None = None
        for c, o in enumerate(choice):
            for o2 in range(o):
                grow = options[c][o2] - options[c][o]
                if grow <= spare + 1e-6:
                    gain = base - cost(choice[:c] + [o2] + choice[c + 1:])
                    if gain > 0 and (up is None or (-gain / grow, o2, c) < up):
                        up = (-gain / grow, o2, c)
        if up is None:
            break
        choice[up[2]] = up[1]
    widths = [options[c][o] for c, o in enumerate(choice)]
    spare = avail - sum(widths)
    short = [options[c][0] - w for c, w in enumerate(widths)]  # wrapped columns get the room left first
    if sum(short) > spare:
        widths = [w + max(0.0, spare) * s / sum(short) for w, s in zip(widths, short, strict=True)]
    else:
        widths = [w + (spare - sum(short)) / len(widths) + s for w, s in zip(widths, short, strict=True)]
    fh = [_wrapped(h, hfont, size, w, line) for h, w in zip(heads, widths, strict=True)]
    cells = [[_wrapped(cols[c][r], lfont, size, widths[c], line) for c in range(len(heads))]
             for r in range(len(cols[0]))]
    return _TablePlan(size, pad, widths, fh, cells)


def _table_fit(p: ChartArea, heads: list[str], cols: list[list[str]], numeric: list[bool], area: Box,
               k: float = 1.0) -> _TablePlan | str | int:
    """The largest text size (≤ k × preferred, ≥ the minimum) at which the table fits `area` with its words
    whole (else, as a last resort, broken inside words): its plan; or the widest column's name (too wide at
    the minimum size), or how many rows would fit (too many rows)."""
    got = _table_fit_words(p, heads, cols, numeric, area, k, whole=True)
    return got if isinstance(got, _TablePlan) else _table_fit_words(p, heads, cols, numeric, area, k, whole=False)


def _table_fit_words(p: ChartArea, heads: list[str], cols: list[list[str]], numeric: list[bool], area: Box,
                     k: float, *, whole: bool) -> _TablePlan | str | int:
    size = max(p.min_size("label"), p.size("label") * k)
    best: _TablePlan | None = None
    while True:
        plan = _table_plan(p, heads, cols, numeric, area.w, size, whole=whole)
        if isinstance(plan, _TablePlan) and plan.height(size * CELL_VPAD) <= area.h + 0.01:
            if best is None or plan.lines < best.lines:
                best = plan  # the largest size, or a slightly smaller one that wraps less
            if plan.lines == plan.rows or size < best.size * TABLE_UNWRAP:
                return best
        elif best is not None:
            return best
        if size <= p.min_size("label") + 1e-6:
            if best is not None:
                return best
            if isinstance(plan, str):
                return plan
            vpad = 2 * size * CELL_VPAD
            room = area.h - plan.head_h - vpad
            fit = 0
            for h in plan.row_hs:
                room -= h + vpad
                if room < 0:
                    break
                fit += 1
            return max(1, fit)
        size = max(p.min_size("label"), size * 0.95)


def _table_grow(p: ChartArea, heads: list[str], cols: list[list[str]], numeric: list[bool], area: Box,
                plan: _TablePlan) -> _TablePlan:
    """`plan` at a larger text size when the table, even with its rows at ROW_AIR, would leave its box
    partly empty: the largest size (≤ `table_grow` × preferred) at which it fits with comfortable rows.
    Its cells wrap a line or two more than a table short of room may only when that fills the box better."""
    lb = sum(font_metrics(p.font("label")))

    def filled(t: _TablePlan) -> float:
        return min(area.h, t.height(t.size * lb * ROW_AIR))

    if filled(plan) >= area.h:
        return plan
    cap = p.size("label") * float(p.theme.style["chart"].get("table_grow", TABLE_GROW))
    grown = []
    for more in (0, 1, 2):
        fits, size = [plan], plan.size
        while size * 1.04 <= cap + 1e-6:
            size *= 1.04
            got = _table_plan(p, heads, cols, numeric, area.w, size, more=more)
            if not isinstance(got, _TablePlan) or got.height(size * lb * ROW_COMFORT) > area.h + 0.01:
                break
            fits.append(got)
            if filled(got) >= area.h:
                break
        # the largest size, or a slightly smaller one that wraps less
        grown.append(min((t for t in fits if t.size >= fits[-1].size * TABLE_UNWRAP), key=lambda t: (t.lines, -t.size)))
    for t in grown:  # the fewest extra lines that fill the box well enough, else what fills it most
        if filled(t) >= FILL * area.h:
            return t
    return max(grown, key=lambda t: (filled(t), -grown.index(t)))


def _tablecolumns(p: ChartArea) -> tuple[list[str], list[list[str]], list[bool]]:
    cols_fmt = format_cells(p.data)
    heads = [p.data.heading(h) for h in ([p.data.x_name] if p.data.x_name else []) + [c.name for c in p.data.columns]]
    cols: list[list[str]] = ([p.data.labels] if p.data.x_name else []) + [c for c, _ in cols_fmt]
    numeric: list[bool] = ([False] if p.data.x_name else []) + [isnum for _, isnum in cols_fmt]
    return heads, cols, numeric


def build(p: ChartArea) -> None:
    """A plain table: header row in the brand colour, striped rows, numbers formatted and right-aligned,
    text wrapped within its column (widths balanced by content)."""
    heads, cols, numeric = _tablecolumns(p)
    n = len(p.data.labels)
    density_cap(p, n)
    area = p.unit_note(p.box)
    plan = _table_fit(p, heads, cols, numeric, area)
    if isinstance(plan, str):
        raise p.fail(f"bảng quá rộng (cột '{plan}')", f"the table is too wide (column '{plan}')",
                     "bớt cột hoặc rút ngắn nội dung", "drop columns or shorten the cells", plan)
    if isinstance(plan, int):
        raise p.too_many(n, plan, p.data.x_name)
    plan = _table_grow(p, heads, cols, numeric, area, plan)
    size, pad = plan.size, plan.pad
    a, d = font_metrics(p.font("label"))
    if n <= CARD_ROWS and plan.height(size * (a + d) * ROW_AIR) < SPARSE * area.h:
        # one or two rows would float in their box even grown: each row becomes a card that fills it
        first = 1 if p.data.x_name else 0
        fields = [CardField(heads[c], cols[c], numeric[c]) for c in range(first, len(heads))]
        cards = plan_cards(p, area, cols[0] if first else None, fields)
        if cards is not None:
            draw_cards(p, cards)
            return
    content = plan.height(0.0)
    # rows breathe up to 2.6 line boxes for a one-line row; a short table is centred in its box
    vpad = min((area.h - content) / (2 * (n + 1)), size * (a + d) * ROW_AIR)
    total = plan.height(vpad)
    y = area.y0 + (area.h - total) / 2  # centred: no empty band under a short table
    xs = [area.x0]
    for w in plan.widths:
        xs.append(xs[-1] + w + pad * 2)
    head_bg = p.color("header")
    hb = Box(area.x0, y, area.x1, y + plan.head_h + 2 * vpad)
    p.canvas.rect(hb, head_bg, radius=min(hb.h, size * 2.5) * 0.12, zorder=1)
    for c, f in enumerate(plan.heads):
        x = xs[c + 1] - pad if numeric[c] else xs[c] + pad
        p.lines(f, x, hb.y0 + (hb.h - f.height) / 2, "value", bg=head_bg, ha="right" if numeric[c] else "left")
    stripe = p.color("stripe")
    y = hb.y1
    for r, rh in enumerate(plan.row_hs):
        rb = Box(area.x0, y, area.x1, y + rh + 2 * vpad)
        bg = stripe if r % 2 else p.bg
        if bg != p.bg:
            p.canvas.rect(rb, bg, zorder=1)
        for c, f in enumerate(plan.cells[r]):
            x = xs[c + 1] - pad if numeric[c] else xs[c] + pad
            p.lines(f, x, rb.y0 + (rb.h - f.height) / 2, "label", bg=bg, ha="right" if numeric[c] else "left",
                    color=p.theme.colors.text)
        y = rb.y1


def need(p: ChartArea, k: float) -> float:
    """Height a table asks for with its text at k × preferred (tight rows)."""
    heads, cols, numeric = _tablecolumns(p)
    area = p.unit_note(p.box, draw=False)
    for whole in (True, False):  # words kept whole at any size first
        size = need_size(p, k)
        while True:
            plan = _table_plan(p, heads, cols, numeric, area.w, size, whole=whole)
            if isinstance(plan, _TablePlan):
                return (area.y0 - p.box.y0) + plan.height(size * CELL_VPAD)
            if size <= p.min_size("label") + 1e-6:
                break
            size = max(p.min_size("label"), size * 0.95)
    return 0.0


def describe(spec: Infographic, d: ChartData) -> list[str]:
    cols = ", ".join(d.heading(c.name) for c in d.columns)
    shown = [cells for cells, _ in format_cells(d)]
    rows = [f"{show_label(lab)}: " + ", ".join(f"{d.heading(c.name)} {shown[j][i]}" for j, c in enumerate(d.columns))
            for i, lab in enumerate(d.labels)]
    return [f"{len(d.labels)} dòng; các cột {cols}", listing(rows)]


KIND = ChartKind("table", "bảng", "Bảng số liệu", build, describe, need=need, max_y=8, numeric_y=False,
                 y_doc="columns shown after x")
