"""How values and labels read on a chart: numbers the Vietnamese way, dates, periods, shares, ticks.

Pure (no drawing): the chart kinds, the alt text and the notebooks share these.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..text import format_date, format_number, format_percent, format_values, nfc, parse_number

if TYPE_CHECKING:
    from .data import ChartData, Column


def decimals_of(cell: str, decimal: str) -> int:
    """Decimals written in a table cell (`3,50` with decimal ',' -> 2)."""
    t = cell.strip().rstrip("%").strip()
    if decimal not in t:
        return 0
    frac = t.rsplit(decimal, 1)[1]
    return len(re.sub(r"\D", "", frac))


def fmt_value(v: float, decimals: int | None, unit: str = "", *, trim: bool = True) -> str:
    """A value the Vietnamese way: `41.200`, `3,5`, `30 %` (unit '%').

    `decimals`: at most this many (the table's); `trim` drops trailing zeros (`12,50` -> `12,5`),
    as in running text and labels; tables keep them (`trim=False`) so columns line up."""
    if decimals is not None and decimals == 0 and abs(v - round(v)) > 1e-9:
        decimals = 1 if abs(v) >= 10 else 2
    if decimals and trim:
        v = round(v, decimals)
        decimals = next((d for d in range(decimals + 1) if abs(v - round(v, d)) < 1e-9), decimals)
    if unit.strip() == "%":
        return format_percent(v, decimals)
    return format_number(v, decimals)


def tick_format(ticks: Sequence[float], unit: str = "") -> Callable[[float], str]:
    """How the tick values of an axis read: the Vietnamese way with just enough decimals."""
    step = min((abs(b - a) for a, b in zip(ticks, ticks[1:], strict=False) if b != a), default=1.0)
    dec = 0 if step >= 1 or step == 0 else min(2, math.ceil(-math.log10(step) - 1e-9))
    return lambda v: fmt_value(v, dec, unit)


_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round ticks (steps 1, 2, 2,5, 5 × 10^k, the smallest at least (hi - lo) / n) from the last at or below
    `lo` (0 when `lo` is not negative and a tick below it would be) to the first at or above `hi`."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(s * mag for s in _STEPS if s * mag >= raw * (1 - 1e-9))
    start = math.floor(lo / step + 1e-9) * step
    count = max(1, math.ceil((hi - start) / step - 1e-9))
    ticks = [_clean(start + i * step) for i in range(count + 1)]
    while len(ticks) > 1 and ticks[0] < lo - 1e-9 and lo >= 0:
        ticks = ticks[1:]
    return ticks


def _clean(v: float) -> float:
    r = round(v, 10)
    return 0.0 if r == 0 else r


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(s: str) -> dt.date | None:
    s = s.strip()
    for f in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, f).date()
        except ValueError:
            continue
    return None


def pretty(name: str) -> str:
    """A column name as a heading: `so_san_pham` -> `So san pham`; names with spaces stay as written."""
    if "_" not in name or " " in name:
        return name
    t = name.replace("_", " ").strip()
    return t[:1].upper() + t[1:]


def show_label(s: str) -> str:
    """A label as shown: ISO and d/m/Y dates become `18/4/2024`."""
    d = parse_date(s)
    return format_date(d) if d else s


# a period written the Vietnamese way: "T1", "Th 3", "Tháng 12", "Tháng 1/2024", "Quý II", "Q3/2024",
# "Tuần 5", "Năm 2023" (the table order is then time order)
_PERIOD = re.compile(r"(?:(?i:tháng|th\.?|t\.?|quý|q\.?|tuần|năm|kỳ|đợt)\s*)?[IVX0-9]+([/\-.][0-9]{2,4})?")
_MONTH = re.compile(r"^\s*tháng\s*(?=\d)", re.IGNORECASE)
_QUARTER = re.compile(r"^\s*quý\s*(I{1,3}|IV|[1-4])\b", re.IGNORECASE)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


def is_ordinal(labels: Sequence[str]) -> bool:
    """Years, numbers, dates or periods (months, quarters): the table order is meaningful, keep it."""
    def one(s: str) -> bool:
        if parse_date(s):
            return True
        if _PERIOD.fullmatch(nfc(s).strip()):
            return True
        try:
            parse_number(s, ".")
            return True
        except ValueError:
            return False
    return all(one(s) for s in labels)


def short_period(s: str) -> str:
    """The usual short form of a period label: "Tháng 12" -> "T12", "Tháng 1/2024" -> "T1/2024",
    "Quý III" -> "Q3"; other labels as they are."""
    t = _MONTH.sub("T", nfc(s))
    m = _QUARTER.match(t)
    if m:
        t = "Q" + _ROMAN.get(m.group(1).upper(), m.group(1)) + t[m.end():]
    return t.strip()


def shares(values: Sequence[float], decimals: int = 0) -> list[float]:
    """Percent shares rounded so they add up to exactly 100 (largest remainder)."""
    total = sum(values)
    if total <= 0:
        return [0.0 for _ in values]
    scale = 10 ** decimals
    raw = [v / total * 100 * scale for v in values]
    floor = [math.floor(r) for r in raw]
    left = round(100 * scale - sum(floor))
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - floor[i], reverse=True)[:left]:
        floor[i] += 1
    return [f / scale for f in floor]


# -- the panel: a chart's box on a canvas, with the style's text roles --------------------------


_YEAR_WORDS = {"năm", "nam", "year"}


def _is_years(c: Column) -> bool:
    """A column of years (named 'năm …', 'nam_…', 'year', every cell a 4-digit year): written as is."""
    words = set(re.split(r"[\s_\-()]+", nfc(c.name).lower()))
    return bool(words & _YEAR_WORDS) and all(re.fullmatch(r"(1[89]|2[01])\d\d", v.strip()) for v in c.cells)


def format_cells(d: ChartData) -> list[tuple[list[str], bool]]:
    """Each value column as shown: numbers (read with the table's decimal) the Vietnamese way, dates as
    18/4/2024, other text as written; with whether the column is numeric."""
    out = []
    for c in d.columns:
        if _is_years(c):  # "2012", not "2.012"
            out.append((list(c.cells), True))
            continue
        try:
            vals = c.values if c.values is not None else [parse_number(v, d.decimal) for v in c.cells]
            dec = min(2, max(decimals_of(v, d.decimal) for v in c.cells))
            written = [decimals_of(v, d.decimal) for v in c.cells]
            out.append((format_values(vals, dec, written=written), True))  # no ",0" the data does not write
        except ValueError:
            out.append(([show_label(v) for v in c.cells], False))
    return out
