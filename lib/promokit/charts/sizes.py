"""Poster sizes by name: raster px for screens, vector pages in mm for print (pure data)."""

from __future__ import annotations

from dataclasses import dataclass

from ..registry import Registry


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
