"""Chart kinds and poster sizes by name, with what each needs from its table (pure data).

The figure builders (matplotlib) register against these names; the spec validates against them
so a campaign is checked without importing matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..registry import Registry


@dataclass(frozen=True)
class KindInfo:
    """What a chart kind reads: a label column `x` (or not) and how many value columns `y`.

    `y_doc` says what each `y` column means, for the docs and the error messages."""

    name: str
    label_vi: str
    needs_x: bool = True
    min_y: int = 1
    max_y: int = 1
    numeric_y: bool = True
    y_doc: str = "values"


KINDS: Registry[KindInfo] = Registry("loại biểu đồ", "chart kind")
for _k in (
    KindInfo("bar", "cột / thanh", y_doc="one value per label; `highlight` names the item to stress"),
    KindInfo("grouped_bar", "cột nhóm", max_y=8, y_doc="one column per series, side by side"),
    KindInfo("stacked_bar", "cột chồng", max_y=8, y_doc="one column per series, stacked"),
    KindInfo("line", "đường", max_y=6, y_doc="one column per line over ordered x (years, dates); `target`"),
    KindInfo("donut", "vành khuyên", y_doc="one share per label"),
    KindInfo("kpi", "ô chỉ số", max_y=2, y_doc="[value, previous value?]: the change arrow compares them"),
    KindInfo("progress", "tiến độ tới mục tiêu", max_y=2, y_doc="[value, target?]; else the spec's `target`"),
    KindInfo("ranking", "bảng xếp hạng", max_y=4, y_doc="[rank, previous rank?, more value columns]"),
    KindInfo("table", "bảng", min_y=1, max_y=8, numeric_y=False, y_doc="columns shown after x"),
    KindInfo("pictogram", "biểu đồ biểu tượng", y_doc="a count per category: '7/10 xã đạt chuẩn'"),
    KindInfo("timeline", "dòng thời gian", numeric_y=False, y_doc="the event text; x holds the dates"),
):
    KINDS.add(_k.name, _k)


@dataclass(frozen=True)
class SizeInfo:
    """A poster size: raster px, or a vector page in mm (print)."""

    name: str
    width: int  # px, or mm for vector sizes
    height: int
    vector: bool = False
    bleed_mm: float = 0.0


SIZES: Registry[SizeInfo] = Registry("kích thước", "size")
for _s in (
    SizeInfo("square", 1080, 1080),
    SizeInfo("portrait", 1080, 1350),
    SizeInfo("story", 1080, 1920),
    SizeInfo("landscape", 1920, 1080),
    SizeInfo("a3_print", 297, 420, vector=True, bleed_mm=3.0),
    SizeInfo("banner", 3000, 1000, vector=True, bleed_mm=3.0),  # default panô 3 x 1 m; spec may set
):
    SIZES.add(_s.name, _s)
