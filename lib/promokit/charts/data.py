"""A chart's data: the table checked against what its kind needs, as labels and value columns.

`chart_data(table, spec)` accepts any object with `.columns`, `.rows`, `.path`, `.decimal`,
`.column(c)` and `.numbers(c)`, such as `promokit.assets.Table`. Pure (no drawing, no files).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError
from ..text import nfc
from .kinds import KINDS
from .labels import decimals_of, pretty

if TYPE_CHECKING:
    from ..spec.models import Infographic

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
    units: list[str] | None = None  # each row's own unit (the spec's `units` column); '' takes the chart's

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
            dec = max((decimals_of(repr(c), ".") for c in cells), default=0) if nums else 0
            cols.append(Column(nfc(str(name)), [nfc(str(c)) for c in cells], values, min(dec, 2)))
        return cls([nfc(str(v)) for v in labels], cols, x_name)



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
    for name, cols in (("x", [spec.x] if spec.x else []), ("y", spec.y_columns),
                       ("units", [spec.units] if spec.units else [])):
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
    if n < info.min_rows:
        raise DataError.fail(
            f"bảng {path.name if path else ''} có {n} dòng; biểu đồ '{spec.kind}' cần ít nhất {info.min_rows}",
            f"table {path.name if path else ''} has {n} rows; a '{spec.kind}' chart needs at least {info.min_rows}",
            file=path, field=f"{field}.data", fix_vi="thêm dòng dữ liệu hoặc đổi loại biểu đồ",
            fix_en="add data rows or use another kind")
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
    for c in spec.y_columns:
        cells = [nfc(v).strip() for v in table.column(c)]
        numeric = info.numeric_y
        values = None
        if numeric:
            values = table.numbers(c)  # DataError listing each bad cell (and the decimal hint)
            bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
            if bad:
                raise DataError.fail(f"ô '{cells[bad[0]]}' ở cột '{c}' không phải số hữu hạn",
                                     f"cell '{cells[bad[0]]}' in column '{c}' is not a finite number",
                                     file=path, field=c, fix_vi="ghi một số", fix_en="write a number")
            if info.non_negative and any(v < 0 for v in values):
                i = next(i for i, v in enumerate(values) if v < 0)
                raise DataError.fail(
                    f"giá trị âm '{cells[i]}' ở cột '{c}': biểu đồ '{spec.kind}' chỉ vẽ số không âm",
                    f"negative value '{cells[i]}' in column '{c}': a '{spec.kind}' chart draws non-negative values",
                    file=path, field=c, fix_vi="dùng kind: line hoặc table cho số âm",
                    fix_en="use kind: line or table for negative values")
        dec = min(2, max((decimals_of(v, decimal) for v in cells), default=0)) if numeric else 0
        cols.append(Column(nfc(c).strip(), cells, values, dec))
    units = [nfc(c).strip() for c in table.column(spec.units)] if spec.units else None
    data = ChartData(labels, cols, nfc(spec.x).strip() if spec.x else None, path, decimal,
                     {nfc(k).strip(): v for k, v in spec.labels.items()}, units)
    refusal = info.rules(data) if info.rules else None
    if refusal is not None:
        raise DataError.fail(refusal.vi, refusal.en, file=path, field=refusal.column or f"{field}.data",
                             fix_vi=refusal.fix_vi, fix_en=refusal.fix_en)
    return data
