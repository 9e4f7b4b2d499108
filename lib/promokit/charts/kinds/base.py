"""What a chart kind is: `ChartKind`, its data needs, its builder, its description and its value rules.

Each kind lives in its own module of this package and is registered by one line in `__init__`.
Pure of matplotlib at import (a builder draws through the `ChartArea` it is given), so the spec
validates a campaign against the kinds without loading the drawing machinery.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...text import nfc
from ..labels import fmt_value
from ..measure import font_metrics

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData

Builder = Callable[["ChartArea"], None]
Need = Callable[["ChartArea", float], float]
Describer = Callable[["Infographic", "ChartData"], list[str]]


@dataclass(frozen=True)
class Refusal:
    """Why a kind refuses a table that passes the general rules: what is wrong and the fix (vi, en), and the
    column it is about."""

    vi: str
    en: str
    fix_vi: str
    fix_en: str
    column: str | None = None


Rules = Callable[["ChartData"], "Refusal | None"]


@dataclass(frozen=True)
class ChartKind:
    """One chart kind.

    Data needs: a label column `x` (or not) and `min_y`..`max_y` value columns `y`, numbers or not
    (`y_doc` says what each means, for the docs and the messages). Value rules: `non_negative` values
    (lengths, shares, counts), at least `min_rows` rows. `build` draws it in a ChartArea; `need`
    (optional) is the height it asks for with its labels at k × (preferred − minimum) + minimum size
    (0: any height will do); `describe` gives the sentences of its alt text; `words` names it there.
    `row_units`: each row may carry its own unit (`units:`, a column), as tiles of unlike measures do;
    `rules` (optional) refuses a table the general rules let through (`Refusal`)."""

    name: str
    label_vi: str
    words: str
    build: Builder
    describe: Describer
    need: Need | None = None
    needs_x: bool = True
    min_y: int = 1
    max_y: int = 1
    numeric_y: bool = True
    y_doc: str = "values"
    non_negative: bool = False
    min_rows: int = 1
    row_units: bool = False  # takes `units:`, a column giving each row its own unit (KPI tiles)
    rules: Rules | None = None  # the kind's own value rules (ranks that are ranks), checked with the data


# -- shared by the describers ---------------------------------------------------------------------

MAX_ITEMS = 12  # items named one by one in alt text; beyond that the first ones and the last


def sentence(s: str) -> str:
    """`s` ending with a full stop (unless it already ends a sentence)."""
    s = nfc(s).strip()
    return s if not s or s[-1] in ".!?…:;" else s + "."


def row_unit(spec: Infographic, d: ChartData, row: int | None = None) -> str:
    """The unit of row `row`: its cell in the `units` column when it has one, else the chart's `unit`."""
    if row is not None and d.units and d.units[row]:
        return d.units[row]
    return (spec.unit or "").strip()


def say(spec: Infographic, d: ChartData, v: float, col: int = 0, *, from_spec: bool = False,
        row: int | None = None) -> str:
    """A value as read aloud in alt text, with its unit word: `41.200 lượt`, `30 %`; a zero is just "0"
    (never "0 nghìn lượt")."""
    unit = row_unit(spec, d, row)
    if v == 0:
        return "0"
    dec = d.columns[col].decimals if col < len(d.columns) else 0
    if from_spec and float(v).is_integer():  # a target written as 30 reads "30", not "30,0"
        dec = 0
    s = fmt_value(v, dec, unit)
    return f"{s} {unit}" if unit and unit != "%" else s


def listing(items: list[str]) -> str:
    """Items joined by '; ', the middle ones summarised beyond MAX_ITEMS."""
    if len(items) <= MAX_ITEMS:
        return "; ".join(items)
    return "; ".join(items[:MAX_ITEMS - 2]) + f"; … (còn {len(items) - MAX_ITEMS + 1} mục); " + items[-1]


# -- shared by the builders -----------------------------------------------------------------------

def need_size(p: ChartArea, k: float) -> float:
    """The label size at k between the style minimum (0) and the preferred size (1)."""
    lo = p.min_size("label")
    return lo + (max(lo, p.size("label")) - lo) * min(1.0, max(0.0, k))


def line_box(p: ChartArea, name: str = "label") -> float:
    """Ascent + descent of role `name`'s font, as a fraction of its size."""
    a, d = font_metrics(p.font(name))
    return a + d


def density_cap(p: ChartArea, n: int) -> None:
    """A brand may cap the rows of a chart (`chart.max_items` in its poster.yml); the shipped style does not."""
    most = p.theme.style["chart"].get("max_items")
    if most is not None and n > int(most):
        raise p.too_many(n, int(most), p.data.x_name)


def grid_shape(n: int, w: float, h: float, ideal: float = 1.5) -> tuple[int, int]:
    """(columns, rows) for n tiles whose shape is closest to `ideal` width/height."""
    best = (n, 1)
    score = float("inf")
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        if cols * rows - n >= cols:
            continue
        s = abs(math.log((w / cols) / (h / rows) / ideal)) + 0.15 * (cols * rows - n)
        if s < score:
            best, score = (cols, rows), s
    return best

