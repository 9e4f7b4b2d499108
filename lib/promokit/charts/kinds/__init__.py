"""Chart kinds by name: each kind is one module here (its `KIND`), registered by one line below.

Pure at import (no matplotlib): the spec validates a campaign's `kind` and its columns against these.
"""

from __future__ import annotations

from ...registry import Registry
from . import bar, donut, grouped_bar, kpi, line, pictogram, progress, ranking, stacked_bar, table, timeline
from .base import ChartKind

KINDS: Registry[ChartKind] = Registry("loại biểu đồ", "chart kind")
KINDS.add("bar", bar.KIND)
KINDS.add("grouped_bar", grouped_bar.KIND)
KINDS.add("stacked_bar", stacked_bar.KIND)
KINDS.add("line", line.KIND)
KINDS.add("donut", donut.KIND)
KINDS.add("kpi", kpi.KIND)
KINDS.add("progress", progress.KIND)
KINDS.add("ranking", ranking.KIND)
KINDS.add("table", table.KIND)
KINDS.add("pictogram", pictogram.KIND)
KINDS.add("timeline", timeline.KIND)

__all__ = ["KINDS", "ChartKind"]
