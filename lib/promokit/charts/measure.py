"""Measuring text for layout: boxes in px, shaped widths, fitting text by wrapping and shrinking.

Widths are measured with the same font files the poster draws with (HarfBuzz shaping via
Pillow/raqm) at a reference size and scaled. Pure of matplotlib: chart kinds and the spec can
import this without the drawing machinery.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from PIL import ImageFont, features

from ..text import graphemes, nfc, splits_word, wrap

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

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share some area (touching edges do not count)."""
        return not (self.x1 <= other.x0 or other.x1 <= self.x0 or self.y1 <= other.y0 or other.y1 <= self.y0)

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
             split_words: bool = False, balance: bool = False, keep_words: bool | None = None) -> Fitted | None:
    """Largest size in [min_size, size] at which `text` wraps into `max_lines` lines of `max_width`
    (and `max_height`), breaking only between words. None when it cannot fit.

    Vietnamese words and names are kept whole (`promokit.text.wrap`) at any size that allows it; only
    when none does is a name broken (`keep_words` True: never; False: do not try to keep them).
    `balance`: lines of about equal length, no one-word last line."""
    text = nfc(text).strip()
    for keep in (True, False) if keep_words is None else (keep_words,):
        got = _fit(text, font, size, min_size, max_width, max_lines, max_height, line, step, split_words,
                   balance, keep)
        if got is not None or len(text.split()) < 2:
            return got
    return None


def _fit(text: str, font: Path, size: float, min_size: float, max_width: float, max_lines: int,
         max_height: float | None, line: float, step: float, split_words: bool, balance: bool,
         keep: bool) -> Fitted | None:
    s = size
    while True:
        measure = functools.partial(text_width, font=font, size=s)
        lines = wrap(text, measure, max_width * SLACK, balance=balance)
        ok = len(lines) <= max_lines
        if ok and not split_words:  # a word cut in two means this size is too big
            ok = len(" ".join(lines).split()) == len(text.split())
        if ok and keep and len(lines) > 1:
            ok = not splits_word(lines)
        if ok:
            f = Fitted(lines, s, line, font, max((measure(ln) for ln in lines), default=0.0))
            if max_height is None or f.height <= max_height + 0.01:
                return f
        if s <= min_size + 1e-6:
            return None
        s = max(min_size, s * step)


def shorten(text: str, font: Path, size: float, max_width: float) -> str:
    """`text` cut between grapheme clusters with '…' to fit (only for decoration, never for data)."""
    if text_width(text, font, size) <= max_width * SLACK:
        return text
    g = graphemes(text)
    while g and text_width("".join(g) + "…", font, size) > max_width * SLACK:
        g.pop()
    return "".join(g).rstrip() + "…"


# -- the canvas -----------------------------------------------------------------------------------


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
