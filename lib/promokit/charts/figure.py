"""A chart alone on a matplotlib Figure (a notebook cell), outside any poster."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import DataError, SpecError
from .area import ChartArea
from .canvas import Canvas
from .kinds import KINDS
from .measure import Box
from .theme import mpl_rc

if TYPE_CHECKING:
    from ..spec.models import Infographic
    from .data import ChartData
    from .theme import Theme


def build_figure(spec: Infographic, data: ChartData, theme: Theme, *, width: int = 1000, height: int = 750,
                 check: Callable[[list[str], Path, str | None], None] | None = None) -> Figure:
    """The chart alone on a `width` x `height` px Figure (72 dpi), e.g. for a notebook cell."""
    with matplotlib.rc_context(mpl_rc()):
        fig = Figure(figsize=(width / 72, height / 72), dpi=72, facecolor=theme.background)
        FigureCanvasAgg(fig)
        u = min(width, height) * 0.9
        canvas = Canvas(fig, width, height, theme, check or (lambda texts, font, fld: None), u)
        box = Box(0, 0, width, height).inset(0.05 * min(width, height))
        canvas.text_area = box
        KINDS.get(spec.kind).build(ChartArea(canvas, box, spec, data))
    return fig


def chart_need(p: ChartArea, k: float = 0.0) -> float:
    """The height the chart of `p` asks for (its kind's `need`); 0 for kinds that take any height, or when
    the data cannot be drawn at all (the builder then says why)."""
    fn = KINDS.get(p.spec.kind).need
    if fn is None:
        return 0.0
    try:
        return fn(p, k)
    except (DataError, SpecError, ValueError):
        return 0.0
