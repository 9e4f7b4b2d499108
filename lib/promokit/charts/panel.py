"""Drawing surface of a poster: a matplotlib Figure addressed in px from the top-left corner.

At 72 dpi one px is one pt, so the same layout gives an exact raster (PNG) and a vector page
(PDF). Every text goes through `Canvas.text`, which checks the font covers it, picks a readable
colour on its background (WCAG AA) and records it, so the poster can prove afterwards that each
text is inside its box and legible. Widths are measured with the same font files (HarfBuzz
shaping via Pillow/raqm), at a reference size and scaled.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch, Polygon, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Transform
from PIL import Image, ImageDraw, ImageFont, features

from ..text import graphemes, nfc, wrap

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .theme import Theme

REF = 100  # px size at which widths are measured, then scaled
SLACK = 1.0  # share of a line's width that text may fill (widths below already err on the wide side)
OVER = 1.03  # raster hinting makes small text up to ~2.5 % wider than its unhinted advance


class Box(NamedTuple):
    """A rectangle in px, origin at the top-left of the poster (y grows downwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x0 + dx, self.y0 + dy, self.x1 - dx, self.y1 - dy)

    def contains(self, other: Box, tol: float = 0.5) -> bool:
        return (other.x0 >= self.x0 - tol and other.y0 >= self.y0 - tol
                and other.x1 <= self.x1 + tol and other.y1 <= self.y1 + tol)

    def rows(self, heights: list[float]) -> list[Box]:
        out, y = [], self.y0
        for h in heights:
            out.append(Box(self.x0, y, self.x1, y + h))
            y += h
        return out

    def as_list(self) -> list[float]:
        return [round(v, 2) for v in self]


# -- measuring ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=65536)
def _width_ref(s: str, font: str) -> float:
    return float(pil_font(Path(font), REF).getlength(s))


def text_width(s: str, font: Path | str, size: float) -> float:
    """Width in px of one line of `s` at `size` px: the shaped advance, rounded up for hinting and ink."""
    return _width_ref(s, str(font)) * size / REF * OVER + 0.06 * size


@functools.lru_cache(maxsize=64)
def font_metrics(font: Path | str) -> tuple[float, float]:
    """(ascent, descent) as fractions of the size: the room a line needs above and below its baseline."""
    a, d = pil_font(Path(font), REF).getmetrics()
    return a / REF, d / REF


@dataclass(frozen=True)
class Fitted:
    """Text broken into lines at a size: `height` from the first line's top to the last line's bottom."""

    lines: list[str]
    size: float
    line: float  # baseline-to-baseline, as a multiple of size
    font: Path
    width: float

    @property
    def height(self) -> float:
        a, d = font_metrics(self.font)
        return self.size * (a + d + self.line * (len(self.lines) - 1))

    @property
    def ascent(self) -> float:
        return self.size * font_metrics(self.font)[0]


def fit_text(text: str, font: Path, size: float, min_size: float, max_width: float, *, max_lines: int = 1,
             max_height: float | None = None, line: float = 1.2, step: float = 0.95,
             split_words: bool = False, balance: bool = False) -> Fitted | None:
    """Largest size in [min_size, size] at which `text` wraps into `max_lines` lines of `max_width`
    (and `max_height`), breaking only between words. None when it cannot fit.

    `balance`: lines of about equal length (no lone last word), same number of lines."""
    text = nfc(text).strip()
    s = size
    while True:
        measure = functools.partial(text_width, font=font, size=s)
        lines = wrap(text, measure, max_width * SLACK)
        ok = len(lines) <= max_lines
        if ok and not split_words:  # a word cut in two means this size is too big
            ok = len(" ".join(lines).split()) == len(text.split())
        if ok and balance and len(lines) > 1:
            lines = _balanced(text, measure, max_width * SLACK, len(lines))
        if ok:
            f = Fitted(lines, s, line, font, max((measure(ln) for ln in lines), default=0.0))
            if max_height is None or f.height <= max_height + 0.01:
                return f
        if s <= min_size + 1e-6:
            return None
        s = max(min_size, s * step)


def _balanced(text: str, measure: Callable[[str], float], width: float, n: int) -> list[str]:
    """The narrowest wrap of `text` that still takes `n` lines (binary search on the width)."""
    lo, hi = width * 0.4, width
    best = wrap(text, measure, width)
    for _ in range(10):
        mid = (lo + hi) / 2
        got = wrap(text, measure, mid)
        if len(got) <= n and len(" ".join(got).split()) == len(text.split()):
            best, hi = got, mid
        else:
            lo = mid
    return best


def shorten(text: str, font: Path, size: float, max_width: float) -> str:
    """`text` cut between grapheme clusters with '…' to fit (only for decoration, never for data)."""
    if text_width(text, font, size) <= max_width * SLACK:
        return text
    g = graphemes(text)
    while g and text_width("".join(g) + "…", font, size) > max_width * SLACK:
        g.pop()
    return "".join(g).rstrip() + "…"


# -- the canvas -----------------------------------------------------------------------------------

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
            self.texts.append(TextRecord(None, s, fg, bg, box, field, role, (x, y, Path(font), size, ha)))
            return None
        t = self.fig.text(x, y, s, fontproperties=_prop(str(font), round(size, 3)), transform=self.px,
                          color=fg, ha=ha, va=va, parse_math=False, zorder=zorder)
        self.texts.append(TextRecord(t, s, fg, bg, box, field, role))
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
        for ln in fitted.lines:
            self.text(x, y, ln, font=fitted.font, size=fitted.size, ha=ha, **kw)
            y += fitted.size * fitted.line
        return top + fitted.height

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


def pil_font(font: Path, size: float) -> ImageFont.FreeTypeFont:
    """The Pillow font (raqm layout when available) at a size rounded to 1/8 px, unhinted (cached)."""
    return _pil_font(str(font), round(size * 8) / 8)


@functools.lru_cache(maxsize=256)
def _pil_font(font: str, size: float) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(io.BytesIO(unhinted(font)), size=size, layout_engine=layout)


@functools.lru_cache(maxsize=16)
def unhinted(font: str) -> bytes:
    """The font file without TrueType hinting programs (same outlines, metrics and cmap).

    FreeType runs a font's bytecode hinting on every glyph Pillow loads, which for hinted fonts such
    as Noto Sans costs 5-10x the drawing itself; at poster sizes hinting changes nothing visible.
    Fonts that are not TrueType-outline (CFF .otf, collections) are returned as they are.
    """
    data = Path(font).read_bytes()
    try:
        return _strip_hinting(data)
    except Exception:  # an unusual font: use it hinted (slower, same look)
        return data


def _strip_hinting(data: bytes) -> bytes:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.sfnt import SFNTWriter

    tt = TTFont(io.BytesIO(data), lazy=True)
    if "glyf" not in tt or "loca" not in tt:
        return data
    glyf = tt.reader["glyf"]
    loca = list(tt["loca"])
    out = bytearray()
    offsets = [0]
    for i in range(len(loca) - 1):
        g = bytes(glyf[loca[i]:loca[i + 1]])
        if len(g) >= 10:
            n = int.from_bytes(g[:2], "big", signed=True)
            g = _simple(g, n) if n >= 0 else _composite(g)
        out += g
        out += b"\0" * (-len(out) % 4)
        offsets.append(len(out))
    head = bytearray(tt.reader["head"])
    head[50:52] = (1).to_bytes(2, "big")  # long loca offsets
    head[8:12] = b"\0\0\0\0"  # checkSumAdjustment: not checked by FreeType
    buf = io.BytesIO()
    tags = [t for t in tt.reader.keys() if t not in ("fpgm", "prep", "cvt ", "hdmx", "VDMX", "LTSH", "DSIG")]
    writer = SFNTWriter(buf, len(tags), tt.reader.sfntVersion)
    for tag in sorted(tags):
        if tag == "glyf":
            writer[tag] = bytes(out)
        elif tag == "loca":
            writer[tag] = b"".join(o.to_bytes(4, "big") for o in offsets)
        elif tag == "head":
            writer[tag] = bytes(head)
        else:
            writer[tag] = tt.reader[tag]
    writer.close()
    return buf.getvalue()


def _simple(g: bytes, n: int) -> bytes:
    at = 10 + 2 * n
    length = int.from_bytes(g[at:at + 2], "big")
    return g[:at] + b"\0\0" + g[at + 2 + length:]


def _composite(g: bytes) -> bytes:
    b = bytearray(g)
    at = 10
    while True:
        flags = int.from_bytes(b[at:at + 2], "big")
        b[at:at + 2] = (flags & ~0x0100).to_bytes(2, "big")  # WE_HAVE_INSTRUCTIONS off
        at += 4 + (4 if flags & 0x0001 else 2)
        at += 8 if flags & 0x0080 else 4 if flags & 0x0040 else 2 if flags & 0x0008 else 0
        if not flags & 0x0020:  # no MORE_COMPONENTS
            return bytes(b[:at])


@functools.lru_cache(maxsize=512)
def _prop(font: str, size: float):  # noqa: ANN202
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=font, size=size)


def prop(font: Path, size: float):  # noqa: ANN201 - FontProperties
    return _prop(str(font), round(size, 3))
