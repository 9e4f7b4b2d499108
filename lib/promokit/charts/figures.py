"""Chart builders, one per kind, registered by name (pure: data + spec + theme -> drawing on a Figure).

A builder draws one chart inside a `Panel` (a box of a poster `Canvas`); `build_figure` gives a
stand-alone `matplotlib.figure.Figure` for a notebook. A new kind is one function and one
`@CHARTS.register("name")` line (plus its `KindInfo` in kinds.py and its alt text in alt.py).

Builders never read files: the table comes in as a `ChartData` (`chart_data(table, spec)` accepts
any object with `.columns`, `.rows`, `.path`, `.decimal`, `.column(c)` and `.numbers(c)`, such as
`promokit.assets.Table`). Text is measured before drawing; what cannot fit at the style's minimum
size is a DataError naming the column, never clipped.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure
from matplotlib.path import Path as MPath
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from ..errors import DataError, SpecError
from ..registry import Registry
from ..text import format_date, format_number, format_percent, nfc, parse_number, wrap
from .kinds import KINDS
from .panel import Box, Canvas, Fitted, fit_text, font_metrics, prop, text_width

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..spec.models import Infographic
    from .theme import Theme

# -- data -----------------------------------------------------------------------------------------

# kinds whose values must not be negative (lengths, shares, counts)
NON_NEGATIVE = {"bar", "grouped_bar", "stacked_bar", "donut", "pictogram", "progress"}


@dataclass(frozen=True)
class Column:
    """One value column: its name, the cells as written (NFC) and, for numbers, the values."""

    name: str
    cells: list[str]
    values: list[float] | None = None
    decimals: int = 0  # decimals written in the table (at most 2 are shown)


@dataclass(frozen=True)
class ChartData:
    """What a builder draws: row labels (the `x` column) and value columns (`y`), already checked."""

    labels: list[str]
    columns: list[Column]
    x_name: str | None = None
    file: Path | None = None
    decimal: str = "."  # the table's decimal separator (text columns that hold numbers)
    headings: dict[str, str] = field(default_factory=dict)  # column -> display name (the spec's `labels`)

    def heading(self, name: str | None) -> str:
        """How a column is titled on the poster: the spec's label, else the name made readable."""
        return self.headings.get(name or "", "") or pretty(name or "")

    def values(self, i: int = 0) -> list[float]:
        v = self.columns[i].values
        if v is None:
            raise ValueError(f"column {self.columns[i].name!r} is not numeric")
        return v

    def __len__(self) -> int:
        return len(self.labels)

    @classmethod
    def from_columns(cls, labels: Sequence[Any], columns: dict[str, Sequence[Any]],
                     x_name: str | None = None) -> ChartData:
        """From plain Python lists (a notebook): numbers stay numbers, other cells become text."""
        cols = []
        for name, cells in columns.items():
            if len(cells) != len(labels):
                raise ValueError(f"column {name!r} has {len(cells)} values for {len(labels)} labels")
            nums = all(isinstance(c, int | float) and not isinstance(c, bool) for c in cells)
            values = [float(c) for c in cells] if nums else None
            dec = max((_decimals_of(repr(c), ".") for c in cells), default=0) if nums else 0
            cols.append(Column(nfc(str(name)), [nfc(str(c)) for c in cells], values, min(dec, 2)))
        return cls([nfc(str(v)) for v in labels], cols, x_name)


def _decimals_of(cell: str, decimal: str) -> int:
    t = cell.strip().rstrip("%").strip()
    if decimal not in t:
        return 0
    frac = t.rsplit(decimal, 1)[1]
    return len(re.sub(r"\D", "", frac))


def chart_data(table: Any, spec: Infographic, *, spec_file: Path | None = None,
               field: str = "infographics") -> ChartData:
    """Check a table against what the spec's kind needs and return its ChartData.

    Raises DataError: a missing column (naming the spec field `x`/`y`), an empty table, a cell that
    is not a number (with the decimal-comma hint), a blank label, a non-finite or negative value.
    """
    info = KINDS.get(spec.kind, file=str(spec_file) if spec_file else None, field=f"{field}.kind")
    path = Path(getattr(table, "path", "")) if getattr(table, "path", None) else None
    columns = [nfc(c) for c in table.columns]
    problems = []
    for name, cols in (("x", [spec.x] if spec.x else []), ("y", spec.y_columns)):
        for c in cols:
            if nfc(c).strip() not in columns:
                problems.append(DataError.fail(
                    f"bảng {path.name if path else ''} không có cột '{c}'", f"table {path.name if path else ''} "
                    f"has no column '{c}'", file=spec_file or path, field=f"{field}.{name}",
                    fix_vi="dùng một trong các cột: " + ", ".join(columns),
                    fix_en="use one of the columns: " + ", ".join(columns)).problems[0])
    if problems:
        raise DataError(*problems)
    if not table.rows:
        raise DataError.fail("bảng không có dòng dữ liệu nào", "table has no data rows", file=path,
                             field=f"{field}.data", fix_vi="thêm dữ liệu dưới dòng tiêu đề",
                             fix_en="add data rows under the header")
    n = len(table.rows)
    if spec.x:
        labels = [nfc(c).strip() for c in table.column(spec.x)]
        blank = [i for i, c in enumerate(labels) if not c]
        if blank:
            rows = ", ".join(str(i + 2) for i in blank[:5])
            raise DataError.fail(f"ô nhãn trống ở dòng {rows}, cột '{spec.x}'",
                                 f"empty label cell in row {rows}, column '{spec.x}'", file=path, field=spec.x,
                                 fix_vi="điền tên cho mọi dòng", fix_en="give every row a label")
    else:
        labels = [str(i + 1) for i in range(n)]
    cols = []
    decimal = getattr(table, "decimal", ".")
    for j, c in enumerate(spec.y_columns):
        cells = [nfc(v).strip() for v in table.column(c)]
        numeric = info.numeric_y or _numeric_role(spec.kind, j)
        values = None
        if numeric:
            values = table.numbers(c)  # DataError listing each bad cell (and the decimal hint)
            bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
            if bad:
                raise DataError.fail(f"ô '{cells[bad[0]]}' ở cột '{c}' không phải số hữu hạn",
                                     f"cell '{cells[bad[0]]}' in column '{c}' is not a finite number",
                                     file=path, field=c, fix_vi="ghi một số", fix_en="write a number")
            if spec.kind in NON_NEGATIVE and any(v < 0 for v in values):
                i = next(i for i, v in enumerate(values) if v < 0)
                raise DataError.fail(
                    f"giá trị âm '{cells[i]}' ở cột '{c}': biểu đồ '{spec.kind}' chỉ vẽ số không âm",
                    f"negative value '{cells[i]}' in column '{c}': a '{spec.kind}' chart draws non-negative values",
                    file=path, field=c, fix_vi="dùng kind: line hoặc table cho số âm",
                    fix_en="use kind: line or table for negative values")
        dec = min(2, max((_decimals_of(v, decimal) for v in cells), default=0)) if numeric else 0
        cols.append(Column(nfc(c).strip(), cells, values, dec))
    return ChartData(labels, cols, nfc(spec.x).strip() if spec.x else None, path, decimal,
                     {nfc(k).strip(): v for k, v in spec.labels.items()})


def _numeric_role(kind: str, j: int) -> bool:
    """Text kinds whose some columns are numbers anyway (none today; kept for new kinds)."""
    return False


# -- formatting -----------------------------------------------------------------------------------

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


def axis_formatter(ticks: Sequence[float], unit: str = "") -> FuncFormatter:
    """A FuncFormatter writing tick values the Vietnamese way with just enough decimals."""
    step = min((abs(b - a) for a, b in zip(ticks, ticks[1:], strict=False) if b != a), default=1.0)
    dec = 0 if step >= 1 or step == 0 else min(2, math.ceil(-math.log10(step) - 1e-9))
    return FuncFormatter(lambda v, pos: fmt_value(v, dec, unit))


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    ticks = [float(t) for t in MaxNLocator(nbins=n, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)]
    while len(ticks) > 1 and ticks[0] < lo - 1e-9 and lo >= 0:
        ticks = ticks[1:]
    if ticks and ticks[-1] < hi - 1e-9:  # tick_values normally spans hi; be safe
        ticks.append(ticks[-1] + (ticks[-1] - ticks[-2] if len(ticks) > 1 else 1))
    return ticks


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

@dataclass
class Panel:
    """Where a builder draws: a box of a canvas, the spec and the checked data."""

    canvas: Canvas
    box: Box
    spec: Infographic
    data: ChartData
    field: str = "infographics"
    spec_file: Path | None = None
    size_name: str = ""

    @property
    def theme(self) -> Theme:
        return self.canvas.theme

    @property
    def u(self) -> float:
        return self.canvas.u * self.canvas.scale

    @property
    def gap(self) -> float:
        return 0.018 * self.u

    @property
    def bg(self) -> str:
        return self.theme.background

    @property
    def unit(self) -> str:
        return (self.spec.unit or "").strip()

    def role(self, name: str) -> dict:
        return self.theme.chart_role(name)

    def size(self, name: str) -> float:
        return float(self.role(name)["size"]) * self.u

    def min_size(self, name: str) -> float:
        return float(self.role(name).get("min", self.role(name)["size"])) * self.u

    def font(self, name: str) -> Path:
        return self.theme.font(self.role(name)["font"])

    def color(self, name: str) -> str:
        return self.theme.chart_color(name, on=self.bg)

    def series(self, i: int) -> str:
        s = self.theme.series
        return s[i % len(s)]

    def fit(self, text: str, name: str, max_w: float, *, max_lines: int | None = None,
            max_h: float | None = None, size: float | None = None, min_size: float | None = None,
            font: Path | None = None) -> Fitted | None:
        r = self.role(name)
        s = self.size(name) if size is None else size
        mn = self.min_size(name) if min_size is None else min_size
        return fit_text(text, font or self.font(name), max(s, mn), mn, max_w,
                        max_lines=max_lines or int(r.get("max_lines", 1)), max_height=max_h,
                        line=float(r.get("line", 1.2)))

    def fit_all(self, texts: Sequence[str], name: str, max_w: float, *, max_lines: int | None = None,
                max_h: float | None = None, size: float | None = None, font: Path | None = None,
                min_size: float | None = None) -> list[Fitted] | None:
        """All `texts` at one common size (the largest at which each fits), or None."""
        s = self.size(name) if size is None else size
        mn = self.min_size(name) if min_size is None else min_size
        s = max(s, mn)
        while True:
            got = [self.fit(t, name, max_w, max_lines=max_lines, max_h=max_h, size=s, min_size=s, font=font)
                   for t in texts]
            if all(g is not None for g in got):
                return got  # type: ignore[return-value]
            if s <= mn + 1e-6:
                return None
            s = max(mn, s * 0.95)

    def text(self, x: float, y: float, s: str, name: str, *, size: float | None = None, font: Path | None = None,
             **kw: Any):  # noqa: ANN201
        kw.setdefault("field", f"{self.field}.data")
        kw.setdefault("box", self.box)
        return self.canvas.text(x, y, s, font=font or self.font(name), size=size or self.size(name), role=name, **kw)

    def lines(self, f: Fitted, x: float, top: float, name: str, **kw: Any) -> float:
        kw.setdefault("field", f"{self.field}.data")
        kw.setdefault("box", self.box)
        return self.canvas.lines(f, x, top, role=name, **kw)

    def fmt(self, v: float, col: int = 0, decimals: int | None = None, *, trim: bool = True) -> str:
        d = self.data.columns[col].decimals if decimals is None and col < len(self.data.columns) else decimals
        return fmt_value(v, d, self.unit, trim=trim)

    def baseline_mid(self, cy: float, size: float, name: str = "label") -> float:
        """Baseline that centres a line of digits/capitals on `cy`."""
        return cy + 0.36 * size

    def fail(self, vi: str, en: str, fix_vi: str, fix_en: str, column: str | None = None) -> DataError:
        where = f" ({self.size_name})" if self.size_name else ""
        return DataError.fail(vi + where, en + where, file=self.data.file or self.spec_file,
                              field=column or f"{self.field}.data", fix_vi=fix_vi, fix_en=fix_en)

    def too_long(self, what: str, column: str | None) -> DataError:
        return self.fail(
            f"nhãn '{what}' quá dài (hoặc quá nhiều dòng) để vừa khung biểu đồ",
            f"label '{what}' is too long (or there are too many rows) to fit the chart",
            "rút ngắn nhãn hoặc bớt dòng trong bảng, hoặc dùng kích thước lớn hơn",
            "shorten the label or use fewer rows, or a larger size", column)

    def too_many(self, n: int, most: int, column: str | None) -> DataError:
        return self.fail(
            f"{n} dòng là quá nhiều cho biểu đồ '{self.spec.kind}' (tối đa {most})",
            f"{n} rows are too many for a '{self.spec.kind}' chart (at most {most})",
            "gộp bớt dòng (vd. nhóm nhỏ thành 'Khác') hoặc dùng kind: table",
            "merge rows (e.g. small groups into 'Other') or use kind: table", column)

    def highlight_index(self, labels: Sequence[str], values: Sequence[float] | None) -> int | None:
        h = self.spec.highlight
        if h:
            key = nfc(h).strip()
            if key not in labels:
                raise DataError.fail(
                    f"highlight '{h}' không có trong cột '{self.data.x_name}'",
                    f"highlight '{h}' is not in column '{self.data.x_name}'",
                    file=self.spec_file, field=f"{self.field}.highlight",
                    fix_vi="ghi đúng một nhãn của bảng: " + ", ".join(labels[:8]),
                    fix_en="write one of the table's labels: " + ", ".join(labels[:8]))
            return list(labels).index(key)
        if values:
            return max(range(len(values)), key=lambda i: values[i])
        return None

    @property
    def unit_text(self) -> str:
        """'Đơn vị: …' when the unit is a word ('%' goes with each number instead), else ''."""
        return f"Đơn vị: {self.unit}" if self.unit and self.unit != "%" else ""

    def _unit_fit(self, width: float) -> Fitted:
        f = self.fit(self.unit_text, "note", width, max_lines=1)
        if f is None:
            raise SpecError.fail(f"đơn vị '{self.unit}' quá dài", f"unit '{self.unit}' is too long",
                                 file=self.spec_file, field=f"{self.field}.unit",
                                 fix_vi="rút ngắn đơn vị", fix_en="shorten the unit")
        return f

    def unit_note(self, box: Box, *, draw: bool = True) -> Box:
        """'Đơn vị: …' at the top when the unit is a word (not %); returns the rest of the box."""
        if not self.unit_text:
            return box
        f = self._unit_fit(box.w)
        if draw:
            self.lines(f, box.x0, box.y0, "note", color=self.theme.color("muted"), field=f"{self.field}.unit")
        return Box(box.x0, box.y0 + f.height + self.gap, box.x1, box.y1)

    def legend(self, names: Sequence[str], colors: Sequence[str], box: Box, note: str = "") -> float:
        """Swatches and names flowing in rows from the top of `box`; returns the height used.

        `note` (the unit, 'Đơn vị: …') goes at the right end of the first row when it has room, else above."""
        size = self.size("legend")
        font = self.font("legend")
        for _ in range(12):
            sw = size * 0.9
            rows: list[list[tuple[str, str, float]]] = [[]]
            x = 0.0
            for n, c in zip(names, colors, strict=True):
                w = sw + 0.4 * size + text_width(n, font, size)
                if rows[-1] and x + w > box.w * 0.985:
                    rows.append([])
                    x = 0.0
                rows[-1].append((n, c, w))
                x += w + 1.2 * size
            if all(sum(w for _, _, w in r) + 1.2 * size * (len(r) - 1) <= box.w * 0.985 for r in rows) \
                    and len(rows) <= 3:
                break
            if size <= self.min_size("legend"):
                raise self.too_long(max(names, key=len), None)
            size = max(self.min_size("legend"), size * 0.92)
        top = 0.0
        nf = self._unit_fit(box.w) if note else None
        beside = False
        if nf is not None:
            row1 = sum(w for _, _, w in rows[0]) + 1.2 * size * (len(rows[0]) - 1)
            beside = row1 + 2.0 * size + nf.width <= box.w * 0.985
            if not beside:
                self.lines(nf, box.x0, box.y0, "note", color=self.theme.color("muted"), field=f"{self.field}.unit")
                top = nf.height + self.gap * 0.6
        a, d = font_metrics(font)
        row_h = size * (a + d) * 1.15
        y = box.y0 + top
        for r in rows:
            x = box.x0
            for n, c, w in r:
                cy = y + row_h / 2
                self.canvas.rect(Box(x, cy - sw / 2, x + sw, cy + sw / 2), c, radius=sw * 0.15, zorder=3)
                self.text(x + sw + 0.4 * size, self.baseline_mid(cy, size), n, "legend", size=size,
                          color=self.theme.colors.text)
                x += w + 1.2 * size
            y += row_h
        if nf is not None and beside:
            cy = box.y0 + row_h / 2
            self.text(box.x1, self.baseline_mid(cy, nf.size), nf.lines[0], "note", size=nf.size, ha="right",
                      color=self.theme.color("muted"), field=f"{self.field}.unit")
        return y - box.y0

    def style_ticks(self, ax: Axes, axis: str, ticks: Sequence[float], box: Box) -> None:
        """Fixed ticks with the Vietnamese formatter, in the body font, recorded for the checks."""
        size = self.size("tick")
        color = self.theme.text_color(self.bg, preferred=self.color("axis"))
        fmt = axis_formatter(ticks, self.unit)
        ax_obj = ax.yaxis if axis == "y" else ax.xaxis
        ax_obj.set_major_locator(FixedLocator(list(ticks)))
        ax_obj.set_major_formatter(fmt)
        ax_obj.set_minor_locator(NullLocator())
        labels = [fmt(t, i) for i, t in enumerate(ticks)]
        self.canvas.check(labels, self.font("tick"), f"{self.field}.data")
        fp = prop(self.font("tick"), size)
        for tick in ax_obj.get_major_ticks(len(ticks)):
            tick.label1.set_fontproperties(fp)
            tick.label1.set_color(color)
            tick.label1.set_parse_math(False)
        ax.tick_params(axis=axis, pad=0.35 * size, length=0)
        self.canvas.record_axis_texts(ax, color, self.bg, self.box, f"{self.field}.data")

    def tick_labels(self, ticks: Sequence[float]) -> list[str]:
        fmt = axis_formatter(ticks, self.unit)
        return [fmt(t, i) for i, t in enumerate(ticks)]


Builder = Callable[[Panel], None]
CHARTS: Registry[Builder] = Registry("loại biểu đồ", "chart kind")

# How tall a chart would like its box, for the poster layout: `need(panel, k)` is the height the chart
# needs in the panel's width with its label text at `_need_size(p, k)` (k = 0: the style minimum,
# 1: the preferred size); 0 when any reasonable height will do. The layout shrinks the words around a
# chart that asks for more, lowering k with them.
Need = Callable[[Panel, float], float]
NEEDS: dict[str, Need] = {}


def _need_size(p: Panel, k: float) -> float:
    lo = p.min_size("label")
    return lo + (max(lo, p.size("label")) - lo) * min(1.0, max(0.0, k))


def chart_need(p: Panel, k: float = 0.0) -> float:
    """The height the chart of `p` asks for (see NEEDS); 0 for kinds that take any height, or when the data
    cannot be drawn at all (the builder then says why)."""
    fn = NEEDS.get(p.spec.kind)
    if fn is None:
        return 0.0
    try:
        return fn(p, k)
    except (DataError, SpecError, ValueError):
        return 0.0


# -- bar ------------------------------------------------------------------------------------------
#
# How many rows or columns fit is not a fixed number: it follows from the box and the style's minimum
# text sizes. Horizontal bars need a row per label at least `row_pitch` (style) label lines tall at the
# minimum label size; vertical columns need every label (and value) to fit its slot at its minimum size. What
# does not fit even then is a DataError saying how many would.

COL_LABEL = 0.92  # share of a column's slot its label may take
COL_VALUE = 0.88  # ... its value (the rest keeps neighbouring values apart)


def _line_box(p: Panel, name: str = "label") -> float:
    a, d = font_metrics(p.font(name))
    return a + d


def _pitch(p: Panel) -> float:
    """A row of horizontal bars is at least this many label line boxes (ascent + descent) tall."""
    return float(p.theme.style["chart"].get("row_pitch", 1.12))


def _row_pitch(p: Panel, size: float, lines: int = 1) -> float:
    """Height of one bar row whose label takes `lines` lines at `size`."""
    return size * (_line_box(p) + float(p.role("label").get("line", 1.15)) * (lines - 1)) * _pitch(p)


def _row_capacity(p: Panel, height: float) -> int:
    """How many one-line rows fit `height` at the smallest label size the style allows."""
    return max(1, int(height / _row_pitch(p, p.min_size("label")) + 1e-6))


def _density_cap(p: Panel, n: int) -> None:
    """A brand may cap the rows of a chart (`chart.max_items` in its poster.yml); the shipped style does not."""
    most = p.theme.style["chart"].get("max_items")
    if most is not None and n > int(most):
        raise p.too_many(n, int(most), p.data.x_name)


def _row_labels(p: Panel, labels: list[str], area: Box, share: float = 0.42) -> list[Fitted]:
    """Labels of horizontal bars (one row each, two lines when long) at one common size."""
    n = len(labels)
    row_h = area.h / n
    size = min(p.size("label"), row_h / _row_pitch(p, 1.0))
    if size < p.min_size("label") - 1e-6:
        raise p.too_many(n, _row_capacity(p, area.h), p.data.x_name)
    fl = p.fit_all(labels, "label", area.w * share, max_lines=2, max_h=row_h / _pitch(p) + 0.01, size=size)
    if fl is None:
        worst = max(labels, key=lambda s: text_width(s, p.font("label"), 1))
        raise p.too_long(worst, p.data.x_name)
    return fl


def _column_labels(p: Panel, labels: list[str], slot: float, ordinal: bool) -> list[Fitted] | None:
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
class _Columns:
    """A vertical layout: columns from `x0` in slots of `slot`; values above them or a value axis (`ticks`)."""

    x0: float
    slot: float
    labels: list[Fitted]
    values: list[Fitted] | None = None
    ticks: list[float] | None = None
    tick_size: float = 0.0


def _columns(p: Panel, labels: list[str], vtxt: list[str], area: Box, vmax: float) -> _Columns | None:
    """Vertical columns when they fit: few categories (style `columns_max`) or periods (any number), every
    label in its slot at its minimum size or above. Periods whose values do not fit above the columns
    get a value axis instead. None: draw horizontal bars."""
    n = len(labels)
    ordinal = is_ordinal(p.data.labels)
    if not ordinal and n > int(p.theme.style["chart"].get("columns_max", 8)):
        return None
    slot = area.w / n
    fl = _column_labels(p, labels, slot, ordinal)
    if fl is not None:
        fv = p.fit_all(vtxt, "value", slot * COL_VALUE, max_lines=1)
        if fv is not None and _plot_room(p, area, fl, fv[0].height):
            return _Columns(area.x0, slot, fl, fv)
    if not ordinal:
        return None
    ticks = nice_ticks(0.0, vmax or 1.0, 5)
    tsize = p.size("tick")
    tick_w = max(text_width(t, p.font("tick"), tsize) for t in p.tick_labels(ticks)) + 0.5 * tsize
    slot = (area.w - tick_w) / n
    fl = _column_labels(p, labels, slot, ordinal)
    if fl is None or not _plot_room(p, area, fl, tsize):
        return None
    return _Columns(area.x0 + tick_w, slot, fl, None, ticks, tsize)


def _plot_room(p: Panel, area: Box, fl: list[Fitted], head: float) -> bool:
    """Labels and values leave at least 40 % of the height to the columns themselves."""
    return area.h - max(f.height for f in fl) - head - p.gap * 1.3 >= 0.4 * area.h


@CHARTS.register("bar")
def bar(p: Panel) -> None:
    """Bars: vertical for a few short labels or for periods (months, years), else horizontal; sorted unless
    the labels are ordered (years, dates, months); one item highlighted (the spec's `highlight`, else the
    largest)."""
    labels = [show_label(s) for s in p.data.labels]
    vals = p.data.values(0)
    n = len(vals)
    _density_cap(p, n)
    hl = p.highlight_index(p.data.labels, vals)
    order = list(range(n)) if is_ordinal(p.data.labels) else sorted(range(n), key=lambda i: -vals[i])
    labels = [labels[i] for i in order]
    vals = [vals[i] for i in order]
    hl = order.index(hl) if hl is not None else None
    area = p.unit_note(p.box)
    vtxt = [p.fmt(v) for v in vals]
    base, high = p.color("base"), p.color("highlight")
    colors = [high if i == hl else base for i in range(n)]
    vmax = max(vals) or 1.0
    text_color = p.theme.colors.text
    cols = _columns(p, labels, vtxt, area, vmax)
    if cols is not None:
        _draw_columns(p, cols, area, vals, vtxt, colors, hl)
        return
    fl = _row_labels(p, labels, area)
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
        _bar(p, Box(x0, cy - thick / 2, x0 + w, cy + thick / 2), colors[i], "h")
        p.text(x0 + w + p.gap * 0.4, p.baseline_mid(cy, vsize), vtxt[i], "value", size=vsize,
               color=high if i == hl else text_color)
        f = fl[i]
        p.lines(f, x0 - p.gap * 0.8, cy - f.height / 2, "label", ha="right",
                color=high if i == hl else text_color)
    p.canvas.line(x0, area.y0, x0, area.y1, p.color("axis"), max(1.0, p.u * 0.0015), zorder=2.5)


def _draw_columns(p: Panel, cols: _Columns, area: Box, vals: list[float], vtxt: list[str], colors: list[str],
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
        _bar(p, Box(cx - bw / 2, bottom - h, cx + bw / 2, bottom), colors[i], "v")
        if fv is not None:
            p.text(cx, bottom - h - p.gap * 0.4, vtxt[i], "value", size=fv[i].size, ha="center",
                   color=high if i == hl else text_color)
        p.lines(fl[i], cx, bottom + p.gap * 0.8, "label", ha="center", color=high if i == hl else text_color)
    if fv is None and hl is not None:  # with a value axis, the highlighted column still says its value
        _column_value(p, cols, area, [v * scale for v in vals], bottom, vtxt[hl], hl, bw)
    p.canvas.line(cols.x0, bottom, area.x1, bottom, p.color("axis"), line_w, zorder=2.5)


def _column_value(p: Panel, cols: _Columns, area: Box, heights: list[float], bottom: float, txt: str, i: int,
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


def _bar(p: Panel, b: Box, color: str, orient: str) -> None:
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


def _bar_need(p: Panel, k: float) -> float:
    """Height a bar chart asks for at label size k × preferred: horizontal rows (columns take any height)."""
    labels = [show_label(s) for s in p.data.labels]
    vals = p.data.values(0)
    vtxt = [p.fmt(v) for v in vals]
    area = p.unit_note(p.box, draw=False)
    if _columns(p, labels, vtxt, area, max(vals) or 1.0) is not None:
        return 0.0
    return (area.y0 - p.box.y0) + _rows_need(p, labels, area.w * 0.42, k)


def _rows_need(p: Panel, labels: list[str], label_w: float, k: float) -> float:
    size = _need_size(p, k)
    font = p.font("label")
    lines = 1 if all(text_width(s, font, size) <= label_w for s in labels) else 2
    return len(labels) * _row_pitch(p, size, lines)


# -- grouped and stacked bars (value axis with ticks, or totals at the end of stacked rows) ----------

def _multi_bars(p: Panel, stacked: bool) -> None:
    labels = [show_label(s) for s in p.data.labels]
    n, k = len(labels), len(p.data.columns)
    series = [p.data.values(j) for j in range(k)]
    _density_cap(p, n)
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
    fl = _multi_columns(p, labels, vert_area)
    width = float(p.theme.style["chart"].get("bar_width", 0.68))
    edge = dict(edgecolor=p.bg, linewidth=max(1.0, 0.002 * p.u)) if stacked else {}
    if fl is not None:
        lab_h = max(f.height for f in fl)
        ab = Box(vert_area.x0, area.y0 + tsize * 0.6, vert_area.x1, area.y1 - lab_h - p.gap * 0.8)
        ax = p.canvas.axes(ab)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(0, ticks[-1])
        bottom = [0.0] * n
        for j, s in enumerate(series):
            if stacked:
                ax.bar(range(n), s, width, bottom=bottom, color=colors[j], zorder=2, **edge)
                bottom = [b + v for b, v in zip(bottom, s, strict=True)]
            else:
                off = (j - (k - 1) / 2) * width / k
                ax.bar([i + off for i in range(n)], s, width / k * 0.92, color=colors[j], zorder=2)
        ax.xaxis.set_major_locator(NullLocator())
        p.style_ticks(ax, "y", ticks, ab)
        ax.grid(axis="y", color=p.color("grid"), linewidth=max(1.0, 0.0015 * p.u), zorder=0)
        ax.axhline(0, color=p.color("axis"), linewidth=max(1.0, 0.0015 * p.u), zorder=3)
        slot = ab.w / n
        for i, f in enumerate(fl):
            p.lines(f, ab.x0 + (i + 0.5) * slot, ab.y1 + p.gap * 0.8, "label", ha="center",
                    color=p.theme.colors.text)
        if stacked:
            _totals(p, ab, [ab.x0 + (i + 0.5) * slot for i in range(n)], totals, ticks[-1], slot, "v")
        return
    if stacked:
        _stacked_rows(p, labels, series, totals, colors, area)
        return
    fl = _row_labels(p, labels, Box(area.x0, area.y0, area.x1, area.y1 - tick_h))
    lab_w = max(f.width for f in fl)
    ab = Box(area.x0 + lab_w + p.gap * 0.8, area.y0, area.x1 - tick_w * 0.5, area.y1 - tick_h)
    ax = p.canvas.axes(ab)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, ticks[-1])
    for j, s in enumerate(series):
        off = (j - (k - 1) / 2) * width / k
        ax.barh([i + off for i in range(n)], s, width / k * 0.92, color=colors[j], zorder=2)
    ax.yaxis.set_major_locator(NullLocator())
    p.style_ticks(ax, "x", ticks, ab)
    ax.grid(axis="x", color=p.color("grid"), linewidth=max(1.0, 0.0015 * p.u), zorder=0)
    ax.axvline(0, color=p.color("axis"), linewidth=max(1.0, 0.0015 * p.u), zorder=3)
    row = ab.h / n
    for i, f in enumerate(fl):
        p.lines(f, ab.x0 - p.gap * 0.8, ab.y0 + (i + 0.5) * row - f.height / 2, "label", ha="right",
                color=p.theme.colors.text)


def _multi_columns(p: Panel, labels: list[str], area: Box) -> list[Fitted] | None:
    """Column labels of grouped/stacked bars when they are drawn vertically (see `_columns`), else None."""
    n = len(labels)
    ordinal = is_ordinal(p.data.labels)
    if not ordinal and n > int(p.theme.style["chart"].get("columns_max", 8)):
        return None
    fl = _column_labels(p, labels, area.w / n, ordinal)
    if fl is None or area.h - max(f.height for f in fl) - p.gap * 2 < 0.4 * area.h:
        return None
    return fl


def _stacked_rows(p: Panel, labels: list[str], series: list[list[float]], totals: list[float], colors: list[str],
                  area: Box) -> None:
    """Horizontal stacked bars: each segment says its value when it has room, the total ends the bar."""
    n = len(labels)
    fl = _row_labels(p, labels, area)
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


def _totals(p: Panel, ab: Box, xs: list[float], totals: list[float], top: float, slot: float, orient: str) -> None:
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


def _multi_need(p: Panel, k: float) -> float:
    """Height grouped/stacked bars ask for: legend, then horizontal rows (columns take any height)."""
    labels = [show_label(s) for s in p.data.labels]
    if _multi_columns(p, labels, Box(p.box.x0, 0.0, p.box.x1, 1e6)) is not None:
        return 0.0
    legend = p.size("legend") * _line_box(p, "legend") * 1.15 + p.gap
    axis = 0.0
    if p.spec.kind != "stacked_bar":
        tsize = p.size("tick")
        axis = tsize * _line_box(p, "tick") + 0.35 * tsize
    return legend + axis + _rows_need(p, labels, p.box.w * 0.42, k)


NEEDS.update({"bar": _bar_need, "grouped_bar": _multi_need, "stacked_bar": _multi_need})


@CHARTS.register("grouped_bar")
def grouped_bar(p: Panel) -> None:
    """Several value columns side by side per category, with a value axis and a legend."""
    _multi_bars(p, stacked=False)


@CHARTS.register("stacked_bar")
def stacked_bar(p: Panel) -> None:
    """Value columns stacked per category: totals on top of columns, or at the end of horizontal bars with
    each segment's value inside it when it has room."""
    _multi_bars(p, stacked=True)


# -- line -----------------------------------------------------------------------------------------

@CHARTS.register("line")
def line(p: Panel) -> None:
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
    last_w = max([text_width(labels[-1], lfont, lsize)] + [text_width(p.fmt(s[-1], j), vfont, vsize)
                                                          for j, s in enumerate(series)])
    first_w = max([text_width(labels[0], lfont, lsize)] + [text_width(p.fmt(s[0], j), vfont, vsize)
                                                          for j, s in enumerate(series)])
    ab = Box(area.x0 + max(tick_w, 0.5 * first_w), area.y0 + head, area.x1 - 0.5 * last_w,
             area.y1 - lsize * (a + d) - p.gap * 0.8)

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
    ax.xaxis.set_major_locator(NullLocator())
    p.style_ticks(ax, "y", ticks, ab)
    ax.grid(axis="y", color=p.color("grid"), linewidth=max(1.0, 0.0015 * p.u), zorder=0)

    def py(v: float) -> float:
        return ab.y1 - (v - ticks[0]) / (ticks[-1] - ticks[0]) * ab.h

    for i in shown:
        p.text(px(xs[i]), ab.y1 + p.gap * 0.8 + lsize * a, labels[i], "tick", size=lsize, ha="center",
               color=p.theme.text_color(p.bg, preferred=p.color("axis")))
    if target is not None:
        tc = p.color("target")
        ax.axhline(target, color=tc, linewidth=max(1.5, 0.004 * p.u), linestyle=(0, (4, 3)), zorder=2)
        ttxt = f"Mục tiêu: {fmt_value(target, _dec_for(target, p.data.columns[0].decimals), p.unit)}"
        f = p.fit(ttxt, "note", ab.w * 0.6, max_lines=1)
        if f is None:
            raise p.too_long(ttxt, None)
        y = py(target)
        below = y - f.size * 0.4 - f.ascent < ab.y0
        ty = y + (f.size * 1.2 if below else -f.size * 0.4)
        tx = ab.x1 - f.width
        p.text(ab.x1, ty, f.lines[0], "note", size=f.size, color=tc, field=f"{p.field}.target", ha="right")
        target_box = Box(tx, ty - f.ascent, ab.x1, ty + f.size * 0.3)
    else:
        target_box = None
    # annotate first, last (and for one series the peak) points
    marks: list[tuple[int, int]] = []
    for j, s in enumerate(series):
        pts = {0, n - 1}
        if k == 1:
            pts.add(max(range(n), key=lambda i: s[i]))
        marks += [(j, i) for i in sorted(pts)]
    placed: list[Box] = [target_box] if target_box else []
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
        y = py(v) - lw * 2.5
        x0 = x - (w / 2 if ha == "center" else 0 if ha == "left" else w)
        bb = Box(x0, y - vsize, x0 + w, y)
        if y - vsize < area.y0 or any(_overlap(bb, q) for q in placed):
            y = py(v) + lw * 2.5 + vsize
            bb = Box(x0, y - vsize, x0 + w, y)
            if y > ab.y1 or any(_overlap(bb, q) for q in placed):
                continue
        placed.append(bb)
        p.text(x, y, t, "value", size=vsize, ha=ha, color=p.theme.text_color(p.bg, preferred=colors[j]))


def _dec_for(v: float, decimals: int) -> int:
    """Decimals for a single number from the spec: none when it is whole."""
    return 0 if float(v).is_integer() else max(1, decimals)


def _overlap(a: Box, b: Box) -> bool:
    return not (a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0)


# -- donut ----------------------------------------------------------------------------------------

@CHARTS.register("donut")
def donut(p: Panel) -> None:
    """Shares of a whole: a ring with the total in the middle and a legend with values and percents."""
    labels = [show_label(s) for s in p.data.labels]
    vals = p.data.values(0)
    n = len(vals)
    most = min(8, len(p.theme.series))
    if n > most:
        raise p.too_many(n, most, p.data.x_name)
    total = sum(vals)
    if total <= 0:
        raise p.fail("tổng các giá trị bằng 0: không vẽ được tỉ lệ", "the values add up to 0: no shares to draw",
                     "kiểm tra cột giá trị", "check the value column", p.data.columns[0].name)
    dec = 0 if min(v / total for v in vals if v > 0) >= 0.01 else 1
    pct = shares(vals, dec)
    colors = [p.series(i) for i in range(n)]
    area = p.box
    entries = [f"{lab}: {p.fmt(v)} ({format_percent(s, dec)})" for lab, v, s in zip(labels, vals, pct, strict=True)]
    side = area.w >= area.h * 1.2
    if side:
        d = min(area.h, area.w * 0.5)
        ring = Box(area.x0, area.y0 + (area.h - d) / 2, area.x0 + d, area.y0 + (area.h + d) / 2)
        leg = Box(ring.x1 + p.gap * 2, area.y0, area.x1, area.y1)
    else:
        d = min(area.w, area.h * 0.6)
        ring = Box(area.x0 + (area.w - d) / 2, area.y0, area.x0 + (area.w + d) / 2, area.y0 + d)
        leg = Box(area.x0, ring.y1 + p.gap * 1.5, area.x1, area.y1)
    sw_pad = 1.6
    fitted = None
    size = p.size("label")
    while fitted is None:
        sw = size * 0.9
        got = [p.fit(e, "legend", leg.w - sw * sw_pad, max_lines=2, size=size, min_size=size) for e in entries]
        if all(got):
            h = sum(g.height for g in got) + (n - 1) * size * 0.55  # type: ignore[union-attr]
            if h <= leg.h:
                fitted = got
                break
        if size <= p.min_size("legend"):
            raise p.too_long(max(labels, key=len), p.data.x_name)
        size = max(p.min_size("legend"), size * 0.94)
    ax = p.canvas.axes(ring)
    ax.pie(vals, colors=colors, startangle=90, counterclock=False, radius=1.0,
           wedgeprops=dict(width=0.36, edgecolor=p.bg, linewidth=max(1.5, 0.003 * p.u)))
    ax.set_xlim(-1.0, 1.0)
    ax.set_ylim(-1.0, 1.0)
    ax.set_aspect("equal")
    cx, cy = (ring.x0 + ring.x1) / 2, (ring.y0 + ring.y1) / 2
    inner = d * 0.64 * 0.78
    big = p.fit(p.fmt(total), "big", inner, max_lines=1, size=min(p.size("big"), d * 0.2),
                min_size=min(p.min_size("big"), d * 0.08))
    cap = "Tổng" if not p.unit or p.unit == "%" else p.unit
    capf = p.fit(cap, "note", inner, max_lines=2)
    if big is not None:
        bh = big.height + (capf.height + p.gap * 0.3 if capf else 0)
        top = cy - bh / 2
        p.lines(big, cx, top, "big", ha="center", color=p.theme.text_color(p.bg, preferred=p.theme.colors.primary))
        if capf:
            p.lines(capf, cx, top + big.height + p.gap * 0.3, "note", ha="center",
                    color=p.theme.text_color(p.bg, preferred=p.theme.colors.muted))
    y = leg.y0 + max(0.0, (leg.h - sum(g.height for g in fitted) - (n - 1) * size * 0.55) / 2) if side else leg.y0
    lx = leg.x0
    if not side:  # centred under the ring
        lx += max(0.0, (leg.w - size * 0.9 * sw_pad - max(g.width for g in fitted)) / 2)
    for g, c in zip(fitted, colors, strict=True):
        sw = g.size * 0.9
        cy0 = y + g.ascent - g.size * 0.36
        p.canvas.rect(Box(lx, cy0 - sw / 2, lx + sw, cy0 + sw / 2), c, radius=sw * 0.15, zorder=3)
        p.lines(g, lx + sw * sw_pad, y, "legend", color=p.theme.colors.text)
        y += g.height + g.size * 0.55


# -- KPI tiles ------------------------------------------------------------------------------------

def _grid(n: int, w: float, h: float, ideal: float = 1.5) -> tuple[int, int]:
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


@CHARTS.register("kpi")
def kpi(p: Panel) -> None:
    """Big numbers in tiles; with a second value column (the previous period) a change arrow."""
    labels = p.data.labels
    vals = p.data.values(0)
    prev = p.data.values(1) if len(p.data.columns) > 1 else None
    n = len(vals)
    if n > 6:
        raise p.too_many(n, 6, p.data.x_name)
    g = p.gap * 1.2
    tile_bg = p.theme.color("tint(primary, 0.92)")
    unit_word = p.unit if p.unit and p.unit != "%" else ""
    changes = [_change_text(v, q, p.unit, p.data.columns[0].decimals) for v, q in zip(vals, prev, strict=True)] \
        if prev is not None else []
    big_txt = [p.fmt(v, trim=False) for v in vals]  # tiles side by side: same decimals
    a, d = font_metrics(p.font("big"))
    widest = max(text_width(t, p.font("big"), 1.0) for t in big_txt)

    def plan(cols: int, rows: int) -> tuple[float, Any] | None:
        """The big-number size a grid allows (and its fitted texts), None when the words do not fit."""
        tw = (p.box.w - g * (cols - 1)) / cols
        th = (p.box.h - g * (rows - 1)) / rows
        pad = min(tw, th) * 0.08
        inner = tw - 2 * pad
        gap = p.gap * 0.5
        labs = p.fit_all(labels, "label", inner, max_lines=2, max_h=th * 0.3)
        if labs is None:
            return None
        units = p.fit(unit_word, "label", inner, max_lines=1, size=labs[0].size) if unit_word else None
        chs = p.fit_all([c[0] for c in changes], "label", inner - p.size("label") * 1.3, max_lines=2,
                        size=labs[0].size) if changes else []
        if chs is None:
            return None
        rest = th - 2 * pad - max(f.height for f in labs) - (units.height + gap if units else 0) \
            - (max(f.height for f in chs) + gap if chs else 0) - gap * 2
        size = min(p.size("big"), rest / (a + d), inner / widest)
        if size < p.min_size("big") * 0.6:
            return None
        bigs = p.fit_all(big_txt, "big", inner, max_lines=1, size=size, min_size=size)
        if bigs is None:
            return None
        need = 2 * pad + max(f.height for f in labs) + bigs[0].height + (units.height + gap if units else 0) \
            + (max(f.height for f in chs) + gap if chs else 0) + gap * 2
        th = min(th, need * 1.25)  # no tall empty tiles
        return size, (tw, th, pad, gap, labs, units, chs, bigs)

    options = []
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        if cols * rows - n >= cols:
            continue
        got = plan(cols, rows)
        if got is not None:
            options.append((got[0], cols, rows, got[1]))
    if not options:
        raise p.too_long(max(labels, key=len), p.data.x_name)
    _, cols, rows, (tw, th, pad, gap, labs, units, chs, bigs) = max(options, key=lambda o: o[0])
    y0 = p.box.y0 + (p.box.h - rows * th - (rows - 1) * g) / 2
    for i in range(n):
        r, c = divmod(i, cols)
        if r == rows - 1 and n % cols:  # centre a short last row
            c += (cols - n % cols) / 2
        t = Box(p.box.x0 + c * (tw + g), y0 + r * (th + g), p.box.x0 + c * (tw + g) + tw, y0 + r * (th + g) + th)
        p.canvas.rect(t, tile_bg, radius=min(tw, th) * 0.06, zorder=1)
        p.lines(labs[i], t.x0 + pad, t.y0 + pad, "label", bg=tile_bg, color=p.theme.colors.text, box=t)
        bf = bigs[i]
        block = bf.height + (units.height + gap if units else 0) + (chs[i].height + gap if chs else 0)
        y = t.y1 - pad - block
        y = p.lines(bf, t.x0 + pad, y, "big", bg=tile_bg, color=p.theme.colors.primary, box=t) + gap
        if units:
            y = p.lines(units, t.x0 + pad, y, "label", bg=tile_bg, color=p.theme.colors.text, box=t) + gap
        if chs and prev is not None:
            cf = chs[i]
            up = vals[i] >= prev[i]
            color = p.theme.text_color(tile_bg, preferred=p.color("up" if up else "down"))
            sz = cf.size
            if vals[i] != prev[i]:
                p.canvas.triangle(t.x0 + pad + sz * 0.45, y + cf.ascent - sz * 0.36, sz * 0.8, up, color)
            p.lines(cf, t.x0 + pad + sz * 1.3, y, "label", bg=tile_bg, color=color, box=t)


def _change_text(v: float, prev: float, unit: str, decimals: int) -> tuple[str, float]:
    delta = v - prev
    if delta == 0:
        return "không đổi so với kỳ trước", 0.0
    sign = "+" if delta > 0 else "-"
    if unit.strip() == "%":
        return f"{sign}{format_number(abs(delta), max(1, decimals))} điểm % so với kỳ trước", delta
    if prev == 0:
        return f"{sign}{format_number(abs(delta), decimals)} so với kỳ trước", delta
    rel = abs(delta) / abs(prev) * 100
    return f"{sign}{format_percent(rel, 1 if rel < 10 else 0)} so với kỳ trước", delta


# -- progress to a target -------------------------------------------------------------------------

PROGRESS_TEXT = 0.45  # share of a progress row taken by its line of text


def _progress_need(p: Panel, k: float) -> float:
    n = len(p.data.labels)
    if n == 1:
        return 0.0
    return n * _need_size(p, k) * _line_box(p) / PROGRESS_TEXT


def _ranking_need(p: Panel, k: float) -> float:
    return (len(p.data.labels) + 1) * _need_size(p, k) * _line_box(p) / 0.85


NEEDS.update({"progress": _progress_need, "ranking": _ranking_need})


@CHARTS.register("progress")
def progress(p: Panel) -> None:
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
    _density_cap(p, n)
    track, fill = p.color("track"), p.color("base")
    area = p.box
    dec = p.data.columns[0].decimals
    if n == 1:
        v, t = vals[0], targets[0]
        share = v / t * 100
        big = p.fit(p.fmt(v), "big", area.w, max_lines=1, size=min(p.size("big") * 1.3, area.h * 0.3))
        lab = p.fit(labels[0], "label", area.w, max_lines=2)
        cap = p.fit(f"Mục tiêu {fmt_value(t, dec, p.unit)} · đạt {format_percent(share, 0)} chặng đường",
                    "label", area.w, max_lines=2)
        if big is None or lab is None or cap is None:
            raise p.too_long(labels[0], p.data.x_name)
        thick = min(area.h * 0.12, 0.09 * p.u)
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


def _track(p: Panel, b: Box, share: float, track: str, fill: str) -> None:
    r = b.h / 2
    p.canvas.rect(b, track, radius=r, zorder=1.5)
    if share > 0:
        w = max(b.h, b.w * share)
        p.canvas.rect(Box(b.x0, b.y0, b.x0 + w, b.y1), fill, radius=r, zorder=2)


# -- ranking --------------------------------------------------------------------------------------

@CHARTS.register("ranking")
def ranking(p: Panel) -> None:
    """A ranking table: rank, name, extra values, change since the previous ranking (▲ up, ▼ down).

    `y`: [rank, previous rank?, more value columns…]."""
    names = p.data.labels
    ranks = p.data.values(0)
    prev = p.data.values(1) if len(p.data.columns) > 1 else None
    extra = p.data.columns[2:]
    n = len(names)
    _density_cap(p, n)
    order = sorted(range(n), key=lambda i: ranks[i])
    hl = p.highlight_index(names, None)
    area = p.box
    head_bg = p.color("header")
    stripe = p.color("stripe")
    heads = ["Hạng", p.data.heading(p.data.x_name), *[p.data.heading(c.name) for c in extra]] + \
        (["Thay đổi"] if prev is not None else [])
    rows_txt = []
    for i in order:
        cells = [format_number(ranks[i], 0), names[i], *[p.fmt(c.values[i], 2 + j) if c.values else c.cells[i]
                                                         for j, c in enumerate(extra)]]
        if prev is not None:
            d = prev[i] - ranks[i]
            cells.append(("+" if d > 0 else "") + format_number(d, 0) if d else "=")
        rows_txt.append(cells)
    a, dsc = font_metrics(p.font("label"))
    row_h = min(area.h / (n + 1), p.size("label") * (a + dsc) * 2.2)
    area = Box(area.x0, area.y0 + (area.h - row_h * (n + 1)) / 3, area.x1, area.y1)  # a short table sits high
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


# -- pictogram ------------------------------------------------------------------------------------

def _icon(kind: str) -> MPath:
    if kind == "house":
        verts = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.1), (0.0, 0.5), (-0.5, 0.1), (-0.5, -0.5)]
        return MPath(verts, [MPath.MOVETO] + [MPath.LINETO] * 4 + [MPath.CLOSEPOLY])
    if kind == "person":
        head = MPath.circle((0, 0.3), 0.2)
        body = MPath([(-0.38, -0.5), (0.38, -0.5), (0.38, -0.05), (0.2, 0.05), (-0.2, 0.05), (-0.38, -0.05),
                      (-0.38, -0.5)], [MPath.MOVETO] + [MPath.LINETO] * 5 + [MPath.CLOSEPOLY])
        return MPath.make_compound_path(head, body)
    return MPath.circle((0, 0), 0.5)


@CHARTS.register("pictogram")
def pictogram(p: Panel) -> None:
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
    cols, rows = _grid(icons, grid.w, grid.h, ideal=1.0)
    cell = min(grid.w / cols, grid.h / rows)
    if cell < 0.02 * p.u:
        raise p.too_many(icons, int(limit), p.data.columns[0].name)
    ax = p.canvas.axes(Box(grid.x0, grid.y0, grid.x0 + cell * cols, grid.y0 + cell * rows))
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    icon_name = "circle"
    for word, ic in (p.theme.style["chart"].get("pictogram_icons") or {}).items():
        if unit.lower().startswith(str(word).lower()):
            icon_name = ic
    marker = _icon(icon_name)
    xs, ys, cs = [], [], []
    k = 0
    for c_i, cnt in enumerate(counts):
        for _ in range(cnt):
            r, c = divmod(k, cols)
            xs.append(c + 0.5)
            ys.append(r + 0.5)
            cs.append(colors[c_i])
            k += 1
    ax.scatter(xs, ys, s=(cell * 0.78) ** 2, marker=marker, c=cs, linewidths=0, zorder=2)
    ax.set_axis_off()
    y = grid.y0 + cell * rows + p.gap
    for i, f in enumerate(leg):
        sw = f.size * 0.9
        cy = y + f.ascent - f.size * 0.36
        if i < n:
            p.canvas.rect(Box(area.x0, cy - sw / 2, area.x0 + sw, cy + sw / 2), colors[i], radius=sw * 0.2, zorder=3)
        p.lines(f, area.x0 + f.size * 1.6 if i < n else area.x0, y, "legend", color=p.theme.colors.text)
        y += f.height + p.gap * 0.4


# -- timeline -------------------------------------------------------------------------------------

@CHARTS.register("timeline")
def timeline(p: Panel) -> None:
    """Dated events on a line: `x` the dates (2024-04-18 or 18/4/2024), `y` what happens."""
    raw = p.data.labels
    events = p.data.columns[0].cells
    n = len(raw)
    _density_cap(p, n)
    dates = [parse_date(s) for s in raw]
    order = sorted(range(n), key=lambda i: dates[i]) if all(dates) else list(range(n))  # type: ignore[arg-type,return-value]
    when = [show_label(raw[i]) for i in order]
    what = [events[i] for i in order]
    area = p.box
    dot = p.color("highlight")
    line_c = p.color("grid")
    if area.w > area.h * 1.7 and n <= 6:  # across
        slot = area.w / n
        mid = area.y0 + area.h * 0.32
        fw = p.fit_all(when, "value", slot * 0.92, max_lines=1)
        ft = p.fit_all(what, "label", slot * 0.92, max_lines=4, max_h=area.y1 - mid - p.gap * 2)
        if fw is None or ft is None:
            raise p.too_long(max(what, key=len), p.data.columns[0].name)
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
# then does the text shrink, down to the style minimum; what still does not fit is a DataError.

CELL_PAD = 0.6  # horizontal padding of a cell, × the text size
CELL_VPAD = 0.3  # smallest vertical padding of a row, × the text size
TABLE_UNWRAP = 0.85  # the text may shrink this far below the largest size that fits to wrap fewer lines


def min_wrap_width(text: str, font: Path, size: float, lines: int) -> float:
    """The narrowest width at which `text` wraps between words into at most `lines` lines."""
    words = nfc(text).split()
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


def _table_plan(p: Panel, heads: list[str], cols: list[list[str]], numeric: list[bool], width: float,
                size: float) -> _TablePlan | str:
    """Column widths and wrapping at `size` for `width`; the name of the widest column when it cannot fit."""
    lfont, hfont = p.font("label"), p.font("value")
    line = float(p.role("label").get("line", 1.15))
    most = int(p.role("label").get("max_lines", 2))
    pad = size * CELL_PAD
    avail = width - 2 * pad * len(heads)
    options: list[list[float]] = []
    for h, col, num in zip(heads, cols, numeric, strict=True):
        head = [min_wrap_width(h, hfont, size, k) for k in (1, 2)]
        if num:
            cell = [max(text_width(v, lfont, size) for v in col)]
        else:
            cell = [max(min_wrap_width(v, lfont, size, k) for v in col) for k in range(1, most + 1)]
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


def _table_fit(p: Panel, heads: list[str], cols: list[list[str]], numeric: list[bool], area: Box,
               k: float = 1.0) -> _TablePlan | str | int:
    """The largest text size (≤ k × preferred, ≥ the minimum) at which the table fits `area`: its plan; or
    the widest column's name (too wide at the minimum size), or how many rows would fit (too many rows)."""
    size = max(p.min_size("label"), p.size("label") * k)
    best: _TablePlan | None = None
    while True:
        plan = _table_plan(p, heads, cols, numeric, area.w, size)
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


def _table_columns(p: Panel) -> tuple[list[str], list[list[str]], list[bool]]:
    cols_fmt = format_cells(p.data)
    heads = [p.data.heading(h) for h in ([p.data.x_name] if p.data.x_name else []) + [c.name for c in p.data.columns]]
    cols: list[list[str]] = ([p.data.labels] if p.data.x_name else []) + [c for c, _ in cols_fmt]
    numeric: list[bool] = ([False] if p.data.x_name else []) + [isnum for _, isnum in cols_fmt]
    return heads, cols, numeric


@CHARTS.register("table")
def table(p: Panel) -> None:
    """A plain table: header row in the brand colour, striped rows, numbers formatted and right-aligned,
    text wrapped within its column (widths balanced by content)."""
    heads, cols, numeric = _table_columns(p)
    n = len(p.data.labels)
    _density_cap(p, n)
    area = p.unit_note(p.box)
    plan = _table_fit(p, heads, cols, numeric, area)
    if isinstance(plan, str):
        raise p.fail(f"bảng quá rộng (cột '{plan}')", f"the table is too wide (column '{plan}')",
                     "bớt cột hoặc rút ngắn nội dung", "drop columns or shorten the cells", plan)
    if isinstance(plan, int):
        raise p.too_many(n, plan, p.data.x_name)
    size, pad = plan.size, plan.pad
    a, d = font_metrics(p.font("label"))
    content = plan.height(0.0)
    # rows breathe up to 2.2 line boxes for a one-line row; a short table sits high
    vpad = min((area.h - content) / (2 * (n + 1)), size * (a + d) * 0.6)
    total = plan.height(vpad)
    y = area.y0 + (area.h - total) / 3
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


def _table_need(p: Panel, k: float) -> float:
    """Height a table asks for with its text at k × preferred (tight rows)."""
    heads, cols, numeric = _table_columns(p)
    area = p.unit_note(p.box, draw=False)
    size = _need_size(p, k)
    while True:
        plan = _table_plan(p, heads, cols, numeric, area.w, size)
        if isinstance(plan, _TablePlan):
            return (area.y0 - p.box.y0) + plan.height(size * CELL_VPAD)
        if size <= p.min_size("label") + 1e-6:
            return 0.0
        size = max(p.min_size("label"), size * 0.95)


NEEDS["table"] = _table_need

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
            dec = min(2, max(_decimals_of(v, d.decimal) for v in c.cells))
            out.append(([fmt_value(v, dec, "", trim=False) for v in vals], True))
        except ValueError:
            out.append(([show_label(v) for v in c.cells], False))
    return out


# -- stand-alone figure ---------------------------------------------------------------------------

def build_figure(spec: Infographic, data: ChartData, theme: Theme, *, width: int = 1000, height: int = 750,
                 check: Callable[[list[str], Path, str | None], None] | None = None) -> Figure:
    """The chart alone on a `width` x `height` px Figure (72 dpi), e.g. for a notebook cell."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from .theme import mpl_rc

    with matplotlib.rc_context(mpl_rc()):
        fig = Figure(figsize=(width / 72, height / 72), dpi=72, facecolor=theme.background)
        FigureCanvasAgg(fig)
        u = min(width, height) * 0.9
        canvas = Canvas(fig, width, height, theme, check or (lambda texts, font, fld: None), u)
        box = Box(0, 0, width, height).inset(0.05 * min(width, height))
        canvas.text_area = box
        CHARTS.get(spec.kind)(Panel(canvas, box, spec, data))
    return fig
