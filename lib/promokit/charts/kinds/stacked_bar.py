"""Stacked bars: value columns stacked per category, with totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labels import show_label
from ._bars import multi_bars, multi_need
from .base import ChartKind, listing, say

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def build(p: ChartArea) -> None:
    """Value columns stacked per category: totals on top of columns, or at the end of horizontal bars with
    each segment's value inside it when it has room."""
    multi_bars(p, stacked=True)


# -- line -----------------------------------------------------------------------------------------


def describe_series(spec: Infographic, d: ChartData, stacked: bool) -> list[str]:
    labels = [show_label(s) for s in d.labels]
    items = []
    for i, lab in enumerate(labels):
        vals = [f"{d.heading(c.name)} {say(spec, d, c.values[i], j)}" for j, c in enumerate(d.columns) if c.values]
        tot = f" (tổng {say(spec, d, sum(c.values[i] for c in d.columns if c.values))})" if stacked else ""
        items.append(f"{lab}: {', '.join(vals)}{tot}")
    return ["Các nhóm: " + ", ".join(d.heading(c.name) for c in d.columns), listing(items)]


def describe(spec: Infographic, d: ChartData) -> list[str]:
    return describe_series(spec, d, True)


KIND = ChartKind("stacked_bar", "cột chồng", "Biểu đồ cột chồng", build, describe, need=multi_need, max_y=8,
                 non_negative=True, y_doc="one column per series, stacked")
