"""Alt text in Vietnamese: what the chart says and its numbers, for the web, EPUB and screen readers.

One describer per kind, registered by name like the builders; `alt_text` adds the title,
subtitle, takeaway, source and the sample-data note around it. Pure (no drawing, no files).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..registry import Registry
from ..text import format_number, format_percent, nfc
from .figures import ChartData, fmt_value, format_cells, is_ordinal, parse_date, shares, show_label

if TYPE_CHECKING:
    from ..spec.models import Infographic

KIND_WORDS = {
    "bar": "Biểu đồ cột", "grouped_bar": "Biểu đồ cột nhóm", "stacked_bar": "Biểu đồ cột chồng",
    "line": "Biểu đồ đường", "donut": "Biểu đồ vành khuyên", "kpi": "Các chỉ số chính",
    "progress": "Biểu đồ tiến độ", "ranking": "Bảng xếp hạng", "pictogram": "Biểu đồ biểu tượng",
    "timeline": "Dòng thời gian", "table": "Bảng số liệu",
}
MAX_ITEMS = 12  # items named one by one; beyond that the highest and lowest

Describer = Callable[["Infographic", ChartData], list[str]]
DESCRIBE: Registry[Describer] = Registry("mô tả biểu đồ", "chart description")


def _sentence(s: str) -> str:
    s = nfc(s).strip()
    return s if not s or s[-1] in ".!?…:;" else s + "."


def _val(spec: Infographic, d: ChartData, v: float, col: int = 0, *, from_spec: bool = False) -> str:
    unit = (spec.unit or "").strip()
    dec = d.columns[col].decimals if col < len(d.columns) else 0
    if from_spec and float(v).is_integer():  # a target written as 30 reads "30", not "30,0"
        dec = 0
    s = fmt_value(v, dec, unit)
    return f"{s} {unit}" if unit and unit != "%" else s


def alt_text(spec: Infographic, data: ChartData, *, sample_data: bool = False) -> str:
    """The poster's alt text: kind and title, the numbers, the takeaway, the source."""
    parts = [_sentence(f"{KIND_WORDS.get(spec.kind, 'Biểu đồ')}: {spec.title}")]
    if spec.subtitle:
        parts.append(_sentence(spec.subtitle))
    if spec.kind in DESCRIBE:
        parts += [_sentence(s) for s in DESCRIBE.get(spec.kind)(spec, data) if s]
    if spec.takeaway:
        parts.append(_sentence(spec.takeaway))
    if spec.source:
        parts.append(_sentence(spec.source))
    if sample_data:
        parts.append("Số liệu minh họa.")
    return nfc(" ".join(p for p in parts if p))


def _listing(items: list[str]) -> str:
    if len(items) <= MAX_ITEMS:
        return "; ".join(items)
    return "; ".join(items[:MAX_ITEMS - 2]) + f"; … (còn {len(items) - MAX_ITEMS + 1} mục); " + items[-1]


@DESCRIBE.register("bar")
def _bar(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    labels = [show_label(s) for s in d.labels]
    out = []
    if is_ordinal(d.labels):
        out.append("Theo thứ tự: " + _listing([f"{lab}: {_val(spec, d, v)}" for lab, v in zip(labels, vals, strict=True)]))
        hi = max(range(len(vals)), key=lambda i: vals[i])
        out.append(f"Cao nhất {labels[hi]}: {_val(spec, d, vals[hi])}")
    else:
        order = sorted(range(len(vals)), key=lambda i: -vals[i])
        items = [f"{labels[i]} {_val(spec, d, vals[i])}" for i in order]
        if len(items) == 1:
            out.append(items[0])
        else:
            out.append(f"Cao nhất {items[0]}; " + ("tiếp theo " + _listing(items[1:-1]) + "; " if len(items) > 2 else "")
                       + f"thấp nhất {items[-1]}")
    if spec.highlight:
        out.append(f"Nổi bật: {spec.highlight}")
    if spec.unit != "%" and len(vals) > 1:
        out.append(f"Tổng cộng {_val(spec, d, sum(vals))}")
    return out


def _multi(spec: Infographic, d: ChartData, stacked: bool) -> list[str]:
    labels = [show_label(s) for s in d.labels]
    items = []
    for i, lab in enumerate(labels):
        vals = [f"{c.name} {_val(spec, d, c.values[i], j)}" for j, c in enumerate(d.columns) if c.values]
        tot = f" (tổng {_val(spec, d, sum(c.values[i] for c in d.columns if c.values))})" if stacked else ""
        items.append(f"{lab}: {', '.join(vals)}{tot}")
    return ["Các nhóm: " + ", ".join(c.name for c in d.columns), _listing(items)]


@DESCRIBE.register("grouped_bar")
def _grouped(spec: Infographic, d: ChartData) -> list[str]:
    return _multi(spec, d, False)


@DESCRIBE.register("stacked_bar")
def _stacked(spec: Infographic, d: ChartData) -> list[str]:
    return _multi(spec, d, True)


@DESCRIBE.register("line")
def _line(spec: Infographic, d: ChartData) -> list[str]:
    labels = [show_label(s) for s in d.labels]
    out = []
    for j, c in enumerate(d.columns):
        v = c.values or []
        hi = max(range(len(v)), key=lambda i: v[i])
        name = f"{c.name}: " if len(d.columns) > 1 else ""
        trend = "tăng" if v[-1] > v[0] else "giảm" if v[-1] < v[0] else "không đổi"
        out.append(f"{name}{trend} từ {_val(spec, d, v[0], j)} ({labels[0]}) đến {_val(spec, d, v[-1], j)} "
                   f"({labels[-1]}); cao nhất {_val(spec, d, v[hi], j)} ({labels[hi]})")
        if len(v) <= MAX_ITEMS:
            out.append("Các điểm: " + "; ".join(f"{lab}: {_val(spec, d, x, j)}" for lab, x in zip(labels, v, strict=True)))
    if spec.target is not None:
        out.append(f"Mục tiêu: {_val(spec, d, spec.target, from_spec=True)}")
    return out


@DESCRIBE.register("donut")
def _donut(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    total = sum(vals) or 1.0
    dec = 0 if min((v / total for v in vals if v > 0), default=1) >= 0.01 else 1
    pct = shares(vals, dec)
    order = sorted(range(len(vals)), key=lambda i: -vals[i])
    items = [f"{show_label(d.labels[i])} {_val(spec, d, vals[i])} ({format_percent(pct[i], dec)})" for i in order]
    return [f"Tổng {_val(spec, d, sum(vals))}", _listing(items)]


@DESCRIBE.register("kpi")
def _kpi(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    prev = d.values(1) if len(d.columns) > 1 else None
    items = []
    for i, lab in enumerate(d.labels):
        s = f"{lab}: {_val(spec, d, vals[i])}"
        if prev is not None:
            delta = vals[i] - prev[i]
            if delta == 0:
                s += ", không đổi so với kỳ trước"
            else:
                word = "tăng" if delta > 0 else "giảm"
                s += f", {word} {_val(spec, d, abs(delta))} so với kỳ trước ({_val(spec, d, prev[i], 1)})"
        items.append(s)
    return [_listing(items)]


@DESCRIBE.register("progress")
def _progress(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    per_row = len(d.columns) > 1
    targets = d.values(1) if per_row else [spec.target or 0.0] * len(vals)
    items = []
    for lab, v, t in zip(d.labels, vals, targets, strict=True):
        share = f", đạt {format_percent(v / t * 100, 0)} mục tiêu" if t else ""
        items.append(f"{lab}: {_val(spec, d, v)} trên mục tiêu {_val(spec, d, t, 1 if per_row else 0, from_spec=not per_row)}{share}")
    return [_listing(items)]


@DESCRIBE.register("ranking")
def _ranking(spec: Infographic, d: ChartData) -> list[str]:
    ranks = d.values(0)
    prev = d.values(1) if len(d.columns) > 1 else None
    items = []
    for i in sorted(range(len(ranks)), key=lambda i: ranks[i]):
        s = f"hạng {format_number(ranks[i], 0)}: {d.labels[i]}"
        for c in d.columns[2:]:
            s += f", {c.name} {fmt_value(c.values[i], c.decimals, '') if c.values else c.cells[i]}"
        if prev is not None:
            delta = prev[i] - ranks[i]
            s += (f" (tăng {format_number(delta, 0)} bậc)" if delta > 0 else
                  f" (giảm {format_number(-delta, 0)} bậc)" if delta < 0 else " (giữ nguyên)")
        items.append(s)
    return [_listing(items)]


@DESCRIBE.register("pictogram")
def _pictogram(spec: Infographic, d: ChartData) -> list[str]:
    vals = d.values(0)
    total = sum(vals)
    unit = spec.unit if spec.unit and spec.unit != "%" else ""
    head = f"{fmt_value(vals[0], d.columns[0].decimals)}/{fmt_value(total, d.columns[0].decimals)} {unit} {d.labels[0]}"
    items = [f"{lab}: {_val(spec, d, v)}" for lab, v in zip(d.labels, vals, strict=True)]
    return [" ".join(head.split()), _listing(items)]


@DESCRIBE.register("timeline")
def _timeline(spec: Infographic, d: ChartData) -> list[str]:
    dates = [parse_date(s) for s in d.labels]
    order = sorted(range(len(d.labels)), key=lambda i: dates[i]) if all(dates) else range(len(d.labels))  # type: ignore[arg-type,return-value]
    return [_listing([f"{show_label(d.labels[i])}: {d.columns[0].cells[i]}" for i in order])]


@DESCRIBE.register("table")
def _table(spec: Infographic, d: ChartData) -> list[str]:
    cols = ", ".join(c.name for c in d.columns)
    shown = [cells for cells, _ in format_cells(d)]
    rows = [f"{show_label(lab)}: " + ", ".join(f"{c.name} {shown[j][i]}" for j, c in enumerate(d.columns))
            for i, lab in enumerate(d.labels)]
    return [f"{len(d.labels)} dòng; các cột {cols}", _listing(rows)]
