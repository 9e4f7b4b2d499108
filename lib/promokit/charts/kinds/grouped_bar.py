"""Grouped bars: several value columns side by side per category, a value axis and a legend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._bars import multi_bars, multi_need
from .base import ChartKind
from .stacked_bar import describe_series

if TYPE_CHECKING:
    from ...spec.models import Infographic
    from ..area import ChartArea
    from ..data import ChartData


def build(p: ChartArea) -> None:
    """Several value columns side by side per category, with a value axis and a legend."""
    multi_bars(p, stacked=False)


def describe(spec: Infographic, d: ChartData) -> list[str]:
    return describe_series(spec, d, False)


KIND = ChartKind("grouped_bar", "cột nhóm", "Biểu đồ cột nhóm", build, describe, need=multi_need, max_y=8,
                 non_negative=True, y_doc="one column per series, side by side")
