"""CSV tables: UTF-8, header row, delimiter sniffed, decimal commas where declared, cells checked."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError, Problem, Where
from ..text import format_number, nfc, parse_number
from .files import _decode

if TYPE_CHECKING:
    pass


_MAX_CELL_PROBLEMS = 5
_DOT_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+%?")  # 1.245, 12.500.000


@dataclass(frozen=True)
class Table:
    """A CSV table: NFC, stripped header and cells (strings). `decimal` is its decimal separator."""

    path: Path
    columns: list[str]
    rows: list[dict[str, str]]
    decimal: str
    lines: list[int] = field(default_factory=list, repr=False)  # file row of each data row (header = 1)
    declared: bool = True  # the decimal separator was stated; when not, a dot-thousands cell is asked about

    def _row_number(self, i: int) -> int:
        return self.lines[i] if i < len(self.lines) else i + 2

    def _need(self, column: str) -> str:
        col = nfc(column).strip()
        if col not in self.columns:
            raise DataError.fail(
                f"bảng không có cột '{col}'", f"table has no column '{col}'", file=self.path, field=col,
                fix_vi="dùng một trong các cột: " + ", ".join(self.columns),
                fix_en="use one of the columns: " + ", ".join(self.columns),
            )
        return col

    def column(self, name: str) -> list[str]:
        """The cells of one column, top to bottom."""
        col = self._need(name)
        return [row[col] for row in self.rows]

    def numbers(self, column: str) -> list[float]:
        """The cells of one column as numbers, read with the table's decimal separator.

        Raises DataError listing every bad cell (file, row, column, cell, fix).
        """
        col = self._need(column)
        other = "," if self.decimal == "." else "."
        out: list[float] = []
        problems: list[Problem] = []
        for i, row in enumerate(self.rows):
            cell = row[col]
            try:
                out.append(parse_number(cell, self.decimal))
                continue
            except ValueError:
                pass
            n = self._row_number(i)
            where = Where(self.path, n, col)
            if not cell:
                problems.append(Problem(where, f"ô trống ở dòng {n}, cột '{col}'", f"empty cell in row {n}, column '{col}'",
                                        "điền số vào ô", "fill in a number"))
                continue
            try:
                parse_number(cell, other)
                looks_other = True
            except ValueError:
                looks_other = False
            if looks_other:
                fix_vi = f"khai báo decimal: '{other}' trong campaign.yml (infographics) hoặc sửa số"
                fix_en = f"declare decimal: '{other}' in campaign.yml (infographics) or correct the number"
            else:
                fix_vi, fix_en = "ghi một số, vd. 1234 hoặc 3,5 (khi decimal: ',')", \
                    "write a number, e.g. 1234 or 3.5 (with decimal: '.')"
            problems.append(Problem(
                where, f"ô '{cell}' ở dòng {n}, cột '{col}' không phải số (dấu thập phân '{self.decimal}')",
                f"cell '{cell}' in row {n}, column '{col}' is not a number (decimal separator '{self.decimal}')",
                fix_vi, fix_en,
            ))
        if len(problems) > _MAX_CELL_PROBLEMS:  # the same mistake down a long column: show a few
            more = len(problems) - _MAX_CELL_PROBLEMS
            problems = problems[:_MAX_CELL_PROBLEMS] + [Problem(
                Where(self.path, None, col), f"và {more} ô khác ở cột '{col}'", f"and {more} more cells in column '{col}'",
                problems[0].fix_vi, problems[0].fix_en)]
        if problems:
            raise DataError(*problems)
        if not self.declared and self.decimal == ".":
            self._refuse_dot_thousands(col)
        return out

    def _refuse_dot_thousands(self, col: str) -> None:
        """A column whose every dotted cell reads as Vietnamese thousands (`1.245`, `12.500`), with no separator
        stated: 1.245 would be drawn as one point two four five, a thousand times too small. Refused, asking."""
        cells = [row[col].replace("\u00a0", "").replace(" ", "") for row in self.rows]
        dotted = [(i, c) for i, c in enumerate(cells) if "." in c]
        if not dotted or not all(_DOT_THOUSANDS.fullmatch(c) for _, c in dotted):
            return
        i, cell = dotted[0]
        n = self._row_number(i)
        whole = format_number(parse_number(cell, ","), 0)
        raise DataError(Problem(
            Where(self.path, n, col),
            f"ô '{cell}' ở dòng {n}, cột '{col}': dấu chấm là phân cách hàng nghìn ({whole}) hay dấu thập phân?",
            f"cell '{cell}' in row {n}, column '{col}': is the dot a thousands mark ({cell.replace('.', ',')}) or a "
            "decimal point?",
            "thêm decimal: ',' cho biểu đồ này trong campaign.yml nếu bảng viết số kiểu Việt Nam (1.245 là một nghìn "
            "hai trăm bốn mươi lăm; 3,5 là ba phẩy năm), hoặc decimal: '.' nếu đó là số thập phân",
            "add decimal: ',' to this chart in campaign.yml if the table writes numbers the Vietnamese way (1.245 is "
            "one thousand two hundred forty-five), or decimal: '.' if it is a decimal number"))


def _delimiter(first_line: str) -> str:
    """`,` or `;` (or tab) by count in the header outside quotes (Excel in Vietnamese locale writes `;`)."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path: Path, decimal: str | None = ".") -> Table:
    """Read a UTF-8 CSV with a header row; `,`/`;`/tab delimiters are sniffed. Raises DataError.

    `decimal` None: not stated (a chart without `decimal:`): '.', but a column whose dotted cells all read as
    Vietnamese thousands (`1.245`) is refused by `Table.numbers`, asking which it is."""
    path = Path(path)
    declared = decimal is not None
    decimal = decimal or "."
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    text = _decode(path, DataError)
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header: list[str] | None = None
    header_line = 0
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    try:
        for raw in reader:
            cells = [c.strip() for c in raw]  # NFC already (the whole text)
            if not any(cells):
                continue  # blank lines and Excel's ",,," rows
            if header is None:
                header, header_line = cells, reader.line_num
                while header and not header[-1]:  # trailing delimiter on the header line
                    header.pop()
                _check_header(path, header, header_line)
                continue
            extra = [c for c in cells[len(header):] if c]
            if extra:
                raise DataError.fail(
                    f"dòng {reader.line_num} có {len(cells)} ô nhưng tiêu đề chỉ có {len(header)} cột",
                    f"row {reader.line_num} has {len(cells)} cells but the header has {len(header)} columns",
                    file=path, line=reader.line_num,
                    fix_vi="bỏ ô thừa, hoặc đặt số có dấu phẩy trong ngoặc kép", fix_en="remove the extra cells, "
                    "or quote numbers that contain the delimiter",
                )
            cells += [""] * (len(header) - len(cells))
            rows.append(dict(zip(header, cells, strict=False)))
            lines.append(reader.line_num)
    except csv.Error as e:
        raise DataError.fail(f"CSV không hợp lệ: {e}", f"invalid CSV: {e}", file=path, line=reader.line_num,
                             fix_vi="kiểm tra dấu ngoặc kép ở dòng này", fix_en="check the quotes on this line") from None
    if header is None:
        raise DataError.fail("bảng trống (không có dòng tiêu đề)", "empty table (no header row)", file=path,
                             fix_vi="thêm dòng tiêu đề và dữ liệu", fix_en="add a header row and data rows")
    if not rows:
        raise DataError.fail("bảng không có dòng dữ liệu nào", "table has no data rows", file=path,
                             fix_vi="thêm dữ liệu dưới dòng tiêu đề", fix_en="add data rows under the header")
    return Table(path, header, rows, decimal, lines, declared)


def _check_header(path: Path, header: list[str], line: int) -> None:
    if not header:
        raise DataError.fail("dòng tiêu đề trống", "empty header row", file=path, line=line,
                             fix_vi="ghi tên cột ở dòng đầu", fix_en="write the column names on the first row")
    for i, name in enumerate(header, 1):
        if not name:
            raise DataError.fail(f"cột {i} không có tên", f"column {i} has no name", file=path, line=line,
                                 fix_vi="đặt tên cho mọi cột ở dòng tiêu đề", fix_en="name every column in the header")
    dups = sorted({h for h in header if header.count(h) > 1})
    if dups:
        raise DataError.fail("tên cột bị lặp: " + ", ".join(dups), "duplicate column names: " + ", ".join(dups),
                             file=path, line=line, fix_vi="đặt tên cột khác nhau", fix_en="give each column its own name")


def require_columns(table: Table, columns: list[str], *, spec_file: Path | None, field: str) -> None:
    """Raise DataError when `table` lacks any of `columns` (named by the spec at `field`).

    One problem for the table, listing every missing column, the columns it has and a near match.
    """
    missing = [c for c in (nfc(c).strip() for c in columns) if c not in table.columns]
    if not missing:
        return
    near = [m for c in missing for m in difflib.get_close_matches(c, table.columns, n=1, cutoff=0.5)]
    hint_vi = f" (có phải '{near[0]}'?)" if near else ""
    hint_en = f" (did you mean '{near[0]}'?)" if near else ""
    names = ", ".join(f"'{c}'" for c in missing)
    raise DataError.fail(
        f"bảng {table.path.name} không có cột {names}", f"table {table.path.name} has no column {names}",
        file=spec_file if spec_file is not None else table.path, field=field,
        fix_vi=f"sửa tên cột trong campaign.yml hoặc {table.path.name}; các cột hiện có: "
        + ", ".join(table.columns) + hint_vi,
        fix_en=f"correct the column name in campaign.yml or {table.path.name}; existing columns: "
        + ", ".join(table.columns) + hint_en,
    )

