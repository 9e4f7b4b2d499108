"""Where a chart kind draws: `ChartArea`, a box of a poster `Canvas` with the spec, the checked data and
the style's text roles (sizes, fonts, colours), plus fitting, legends, unit notes and value axes.

Pure of matplotlib (the Canvas does the drawing), so chart kinds import it freely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError, SpecError
from ..text import format_values, nfc
from .labels import decimals_of, fmt_value, tick_format
from .measure import Box, Fitted, fit_text, font_metrics, text_width

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..spec.models import Infographic
    from .canvas import Canvas
    from .data import ChartData
    from .theme import Theme


@dataclass
class ChartArea:
    """Where a chart kind draws: a box of a canvas, the spec and the checked data."""

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
            font: Path | None = None, keep_words: bool | None = None) -> Fitted | None:
        r = self.role(name)
        s = self.size(name) if size is None else size
        mn = self.min_size(name) if min_size is None else min_size
        return fit_text(text, font or self.font(name), max(s, mn), mn, max_w,
                        max_lines=max_lines or int(r.get("max_lines", 1)), max_height=max_h,
                        line=float(r.get("line", 1.2)), keep_words=keep_words)

    def fit_all(self, texts: Sequence[str], name: str, max_w: float, *, max_lines: int | None = None,
                max_h: float | None = None, size: float | None = None, font: Path | None = None,
                min_size: float | None = None) -> list[Fitted] | None:
        """All `texts` at one common size (the largest at which each fits, Vietnamese words kept whole at
        any size that allows it), or None."""
        s = self.size(name) if size is None else size
        mn = self.min_size(name) if min_size is None else min_size
        for keep in (True, False):
            s2 = max(s, mn)
            while True:
                got = [self.fit(t, name, max_w, max_lines=max_lines, max_h=max_h, size=s2, min_size=s2, font=font,
                                keep_words=keep) for t in texts]
                if all(g is not None for g in got):
                    return got  # type: ignore[return-value]
                if s2 <= mn + 1e-6:
                    break
                s2 = max(mn, s2 * 0.95)
        return None

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

    def fmt_all(self, values: list[float], col: int = 0) -> list[str]:
        """A series side by side (tiles, a table column): whole numbers without `,0`, the others to one
        precision (the column's, or what the values need), with the unit ('%' as `30 %`)."""
        column = self.data.columns[col] if col < len(self.data.columns) else None
        written = None
        if column is not None and column.values is not None:  # the decimals each value is written with, by value
            by_value: dict[float, int] = {}
            for v, cell in zip(column.values, column.cells, strict=False):
                by_value[float(v)] = max(by_value.get(float(v), 0), decimals_of(cell, self.data.decimal))
            written = [by_value.get(float(v), 0) for v in values]
        texts = format_values(values, column.decimals if column is not None else None, written=written)
        return [f"{t}\u00a0%" for t in texts] if self.unit.strip() == "%" else texts

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
        self.canvas.value_axis(ax, axis, ticks, tick_format(ticks, self.unit), font=self.font("tick"),
                               size=self.size("tick"), color=self.theme.text_color(self.bg, preferred=self.color("axis")),
                               box=self.box, field=f"{self.field}.data")

    def tick_labels(self, ticks: Sequence[float]) -> list[str]:
        fmt = tick_format(ticks, self.unit)
        return [fmt(t) for t in ticks]
