"""The report's charts, drawn by the charts room's kinds (`charts.figure.build_figure`) from specs and data
made in memory: PNG bytes per chart (empty when the period has nothing to draw)."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

from ..charts.data import ChartData
from ..charts.figure import build_figure
from ..charts.theme import make_theme
from ..spec.loader import default_brand, load_brand
from ..spec.models import Infographic
from .model import Report

WIDTH, HEIGHT = 1000, 520  # px of each chart (72 dpi figure, saved at 2x for print)


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    png: bytes


def _spec(name: str, kind: str, x: str, y: str | list[str], title: str, unit: str,
          labels: dict[str, str] | None = None) -> Infographic:
    return Infographic(id=name, kind=kind, data="report.csv", x=x, y=y, title=title, unit=unit,
                       labels=labels or {}, sizes=["square"])


def chart_specs(report: Report) -> list[tuple[Infographic, ChartData]]:
    """What to draw: posts and products per content area, views per channel (only non-empty series)."""
    out = []
    areas = [a for a in report.areas if a.products or a.posts]
    if areas:
        out.append((_spec("linh-vuc", "grouped_bar", "area", ["products", "posts"],
                          "Sản phẩm và bài đăng theo lĩnh vực", "", {"products": "Sản phẩm", "posts": "Bài đăng"}),
                    replace(ChartData.from_columns([a.code for a in areas], {"products": [a.products for a in areas],
                                                                             "posts": [a.posts for a in areas]}, "area"),
                            headings={"products": "Sản phẩm", "posts": "Bài đăng"})))
    chans = [c for c in report.channels if c.audience.now["views"] > 0]
    if chans:
        out.append((_spec("kenh", "bar", "channel", "views", "Lượt xem theo kênh", "lượt xem"),
                    ChartData.from_columns([c.title for c in chans], {"views": [round(c.audience.now["views"])
                                                                                for c in chans]}, "channel")))
    return out


def draw_charts(report: Report, assets: Path | None = None) -> list[Chart]:
    """Every chart of the report as PNG (the brand of `assets` when it has one)."""
    specs = chart_specs(report)
    if not specs:
        return []
    brand, brand_dir = load_brand(assets) if assets is not None else default_brand(Path("assets"))
    theme = make_theme(brand, brand_dir if (brand_dir / "brand.yml").is_file() else None)
    charts = []
    for spec, data in specs:
        fig = build_figure(spec, data, theme, width=WIDTH, height=HEIGHT)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=144)
        charts.append(Chart(spec.id, spec.title, buf.getvalue()))
    return charts
