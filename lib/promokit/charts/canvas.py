"""Drawing surface of a poster: a matplotlib Figure addressed in px from the top-left corner.

At 72 dpi one px is one pt, so the same layout gives an exact raster (PNG) and a vector page
(PDF). Every text goes through `Canvas.text`, which checks the font covers it, picks a readable
colour on its background (WCAG AA) and records it, so the poster can prove afterwards that each
text is inside its box and legible. Matplotlib is used here and in `layout`/`figure` only: chart
kinds draw through the Canvas methods.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch, Polygon, Rectangle
from matplotlib.path import Path as MPath
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from matplotlib.transforms import Affine2D, Transform
from PIL import Image, ImageDraw

from ..text import nfc
from .measure import Box, Fitted, pil_font

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .theme import Theme


@dataclass
class TextRecord:
    """One drawn text: what, where it may go, its colours (for the contrast check) and its spec field."""

    artist: Text | None  # None: drawn with Pillow on the raster (`Canvas.pil`)
    text: str
    fg: str
    bg: str
    box: Box | None
    field: str | None
    role: str
    at: tuple[float, float, Path, float, str] | None = None  # Pillow: x, y (baseline), font, size, ha
    block: int = -1  # lines drawn together (`Canvas.lines`) share a block number
    size: float = 0.0  # px

    def extent(self, renderer, height: float, k: float = 1.0) -> Box:  # noqa: ANN001
        """Where the text's ink is, in px of the 72-dpi layout (top-left origin)."""
        if self.artist is None:
            assert self.at is not None
            x, y, font, size, ha = self.at
            x0, y0, x1, y1 = pil_font(font, size * k).getbbox(self.text, anchor=ANCHOR[ha])
            return Box(x + x0 / k, y + y0 / k, x + x1 / k, y + y1 / k)
        bb = self.artist.get_window_extent(renderer)
        return Box(bb.x0 / k, height - bb.y1 / k, bb.x1 / k, height - bb.y0 / k)


@dataclass
class Canvas:
    """A W x H px poster. Coordinates are px from the top-left; the figure is 72 dpi (px = pt)."""

    fig: Figure
    width: float
    height: float
    theme: Theme
    check: Callable[[list[str], Path, str | None], None]
    u: float  # the unit of the style file's lengths (px)
    scale: float = 1.0  # text size multiplier of this size (style `sizes.<name>.scale`)
    texts: list[TextRecord] = field(default_factory=list)
    text_area: Box | None = None
    pil: bool = False  # draw texts with Pillow/raqm after the Agg pass (raster: ~6x faster than Agg text)
    _axes: list[tuple] = field(default_factory=list, repr=False)
    _blocks: int = field(default=0, repr=False)
    _block: int = field(default=-1, repr=False)

    # coordinates: px from the top-left, through inches, so any dpi (previews) draws the same poster
    @functools.cached_property
    def px(self) -> Transform:
        return Affine2D().scale(1, -1).translate(0, self.height).scale(1 / 72) + self.fig.dpi_scale_trans

    def frac_rect(self, b: Box) -> list[float]:
        return [b.x0 / self.width, 1.0 - b.y1 / self.height, b.w / self.width, b.h / self.height]

    # shapes
    def rect(self, b: Box, color: str, *, radius: float = 0.0, zorder: float = 0.5, **kw) -> None:
        if radius > 0:
            r = min(radius, b.w / 2, b.h / 2)
            patch = FancyBboxPatch((b.x0, b.y0), b.w, b.h, boxstyle=f"round,pad=0,rounding_size={r}",
                                   transform=self.px, facecolor=color, edgecolor="none", zorder=zorder, **kw)
        else:
            patch = Rectangle((b.x0, b.y0), b.w, b.h, transform=self.px, facecolor=color, edgecolor="none",
                              zorder=zorder, **kw)
        self.fig.add_artist(patch)

    def polygon(self, points: list[tuple[float, float]], color: str, zorder: float = 2.0) -> None:
        self.fig.add_artist(Polygon(points, closed=True, transform=self.px, facecolor=color, edgecolor="none",
                                    zorder=zorder))

    def triangle(self, cx: float, cy: float, size: float, up: bool, color: str) -> None:
        """▲ or ▼ drawn as a shape (brand fonts often lack the glyphs)."""
        h = size * 0.85
        if up:
            pts = [(cx - size / 2, cy + h / 2), (cx + size / 2, cy + h / 2), (cx, cy - h / 2)]
        else:
            pts = [(cx - size / 2, cy - h / 2), (cx + size / 2, cy - h / 2), (cx, cy + h / 2)]
        self.polygon(pts, color, zorder=4.0)

    def circle(self, cx: float, cy: float, r: float, color: str, zorder: float = 2.0) -> None:
        self.fig.add_artist(Circle((cx, cy), r, transform=self.px, facecolor=color, edgecolor="none",
                                   zorder=zorder))

    def line(self, x0: float, y0: float, x1: float, y1: float, color: str, width: float,
             zorder: float = 1.5, **kw) -> None:
        self.fig.add_artist(Line2D([x0, x1], [y0, y1], transform=self.px, color=color, linewidth=width,
                                   zorder=zorder, solid_capstyle="butt", **kw))

    def axes(self, b: Box) -> Axes:
        ax = self.fig.add_axes(self.frac_rect(b))
        ax.set_facecolor("none")
        ax.patch.set_visible(False)
        for s in ax.spines.values():
            s.set_visible(False)
        ax.tick_params(length=0)
        return ax

    def image(self, b: Box, pixels, zorder: float = 3.0) -> None:  # noqa: ANN001 - numpy array
        ax = self.fig.add_axes(self.frac_rect(b), zorder=zorder)
        ax.imshow(pixels, interpolation="antialiased", aspect="auto")
        ax.set_axis_off()

    # text
    def text(self, x: float, y: float, s: str, *, font: Path, size: float, color: str | None = None,
             bg: str | None = None, ha: str = "left", va: str = "baseline", field: str | None = None,
             role: str = "", box: Box | None = None, zorder: float = 4.0) -> Text | None:
        """Draw one line at (x, y) px, `y` the baseline. `color` None = readable on `bg` automatically; a
        `color` that fails WCAG AA on `bg` is replaced by a readable one. Coverage of `font` is checked first.
        Texts sit above every shape (zorder 4)."""
        s = nfc(s)
        bg = bg or self.theme.background
        self.check([s], font, field)
        fg = self.theme.text_color(bg, preferred=color)
        if va != "baseline":
            raise ValueError("texts are placed by their baseline")
        if self.pil:
            self.texts.append(TextRecord(None, s, fg, bg, box, field, role, (x, y, Path(font), size, ha),
                                         self._block, size))
            return None
        t = self.fig.text(x, y, s, fontproperties=_prop(str(font), round(size, 3)), transform=self.px,
                          color=fg, ha=ha, va=va, parse_math=False, zorder=zorder)
        self.texts.append(TextRecord(t, s, fg, bg, box, field, role, None, self._block, size))
        return t

    def paint(self, img: Image.Image, k: float = 1.0) -> None:
        """Draw the Pillow texts on the rendered raster (`k` px per layout px)."""
        draw = ImageDraw.Draw(img)
        for rec in self.texts:
            if rec.artist is None and rec.at is not None:
                x, y, font, size, ha = rec.at
                draw.text((x * k, y * k), rec.text, font=pil_font(font, size * k), fill=rec.fg, anchor=ANCHOR[ha])

    def lines(self, fitted: Fitted, x: float, top: float, *, ha: str = "left", **kw) -> float:
        """Draw fitted lines with the first line's top at `top`; returns the bottom of the block."""
        y = top + fitted.ascent
        self._blocks += 1
        self._block = self._blocks
        for ln in fitted.lines:
            self.text(x, y, ln, font=fitted.font, size=fitted.size, ha=ha, **kw)
            y += fitted.size * fitted.line
        self._block = -1
        return top + fitted.height

    def value_axis(self, ax: Axes, axis: str, ticks: Sequence[float], fmt: Callable[[float], str], *,
                   font: Path, size: float, color: str, box: Box | None, field: str | None) -> None:
        """Fixed ticks on `axis` ('x' or 'y') written by `fmt`, in `font`, recorded for the checks."""
        ax_obj = ax.yaxis if axis == "y" else ax.xaxis
        ax_obj.set_major_locator(FixedLocator(list(ticks)))
        ax_obj.set_major_formatter(FuncFormatter(lambda v, pos: fmt(v)))
        ax_obj.set_minor_locator(NullLocator())
        self.check([fmt(t) for t in ticks], font, field)
        fp = prop(font, size)
        for tick in ax_obj.get_major_ticks(len(ticks)):
            tick.label1.set_fontproperties(fp)
            tick.label1.set_color(color)
            tick.label1.set_parse_math(False)
        ax.tick_params(axis=axis, pad=0.35 * size, length=0)
        self.record_axis_texts(ax, color, self.theme.background, box, field)

    def no_ticks(self, ax: Axes, axis: str) -> None:
        """No ticks nor tick labels on `axis` ('x' or 'y')."""
        (ax.yaxis if axis == "y" else ax.xaxis).set_major_locator(NullLocator())

    def icons(self, b: Box, cols: int, rows: int, cells: list[tuple[float, float, str]], shape: str,
              size: float) -> None:
        """Pictogram icons in a `cols` x `rows` grid over `b`: (column, row, colour) cell centres, `size` px."""
        ax = self.axes(b)
        ax.set_xlim(0, cols)
        ax.set_ylim(rows, 0)
        ax.scatter([c[0] for c in cells], [c[1] for c in cells], s=size ** 2, marker=icon_path(shape),
                   c=[c[2] for c in cells], linewidths=0, zorder=2)
        ax.set_axis_off()

    def record_axis_texts(self, ax: Axes, color: str, bg: str, box: Box | None, field: str | None) -> None:
        """Tick labels are made by matplotlib at draw time; remember how to find and check them."""
        self._axes.append((ax, color, bg, box, field))

    def all_texts(self) -> list[TextRecord]:
        """Drawn texts including tick labels (call after drawing)."""
        out = list(self.texts)
        for ax, color, bg, box, fld in self._axes:
            for axis in (ax.xaxis, ax.yaxis):
                for tick in axis.get_major_ticks():
                    for lab in (tick.label1, tick.label2):
                        if lab.get_visible() and lab.get_text() and tick.get_visible():
                            out.append(TextRecord(lab, lab.get_text(), color, bg, box, fld, "tick"))
        return out


ANCHOR = {"left": "ls", "center": "ms", "right": "rs"}


@functools.lru_cache(maxsize=512)
def _prop(font: str, size: float):  # noqa: ANN202
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=font, size=size)


def prop(font: Path, size: float):  # noqa: ANN201 - FontProperties
    return _prop(str(font), round(size, 3))


def icon_path(kind: str) -> MPath:
    """A pictogram icon as a path in a unit square centred on 0: house, person, else a circle."""
    if kind == "house":
        verts = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.1), (0.0, 0.5), (-0.5, 0.1), (-0.5, -0.5)]
        return MPath(verts, [MPath.MOVETO] + [MPath.LINETO] * 4 + [MPath.CLOSEPOLY])
    if kind == "person":
        head = MPath.circle((0, 0.3), 0.2)
        body = MPath([(-0.38, -0.5), (0.38, -0.5), (0.38, -0.05), (0.2, 0.05), (-0.2, 0.05), (-0.38, -0.05),
                      (-0.38, -0.5)], [MPath.MOVETO] + [MPath.LINETO] * 5 + [MPath.CLOSEPOLY])
        return MPath.make_compound_path(head, body)
    return MPath.circle((0, 0), 0.5)
