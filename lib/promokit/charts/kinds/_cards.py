"""Cards: a table of one or two rows drawn as cards that fill their box, not as a short table floating in it
(also a ranking of one or two places, a timeline of one or two events).

Each row is a card. With several columns, its label heads the card on a band of the header colour and each
column is a tile below it: the numbers side by side, the column's name at the top of the tile and the number at
its bottom, big; each column of words a tile across the card, the words under their column's name. With one
column, the card is a single tile: the row's label at the top, the value (a number with its column's name under
it). Tiles share one set of text sizes, the largest (up to `card_grow` × the `big` size for numbers, less for
names and words) at which every card fits with Vietnamese words whole; rows of tiles take the height their
texts need and share out the rest, so the cards fill the whole box: a poster with one row of data has no empty
band. When even the smallest sizes do not fit, `plan_cards` returns None and the caller draws its usual chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..measure import Box, Fitted

if TYPE_CHECKING:
    from ..area import ChartArea

CARD_ROWS = 2  # tables of at most this many rows may be drawn as cards
SPARSE = 0.85  # ... when drawn the usual way they would fill less than this share of their box
CARD_GROW = 4.0  # the most a card's big numbers may grow, × the `big` role's size (style `chart.card_grow`)
CAPTION_GROW = 1.7  # ... its column names and labels, × the `label` role's size
WORDS_GROW = 1.9  # ... the words of a text column, × the `value` role's size
WORDS_ONLY_GROW = 6.0  # ... the words of a card without numbers (an event, a description)
WORDS_ONLY_CAPTION_GROW = 3.0  # ... and its labels
STEP = 0.94  # each try at a smaller size
TEXT_LINES = 3  # lines of a text value in a tile
IDEAL = 1.4  # the shape (width / height) of a card that reads best
SHAPE_WEIGHT = 0.25  # a card of the ideal shape may have text this much smaller (log) than a worse-shaped one


@dataclass
class CardField:
    """One column shown on the cards: its display name, its cells as written (one per card), numbers or words."""

    caption: str
    cells: list[str]
    numeric: bool


@dataclass
class _Tile:
    box: Box
    top: Fitted | None
    value: Fitted
    foot: Fitted | None
    numeric: bool
    pad: float
    bold: bool = False


@dataclass
class _Card:
    box: Box
    head: Box | None
    title: Fitted | None
    tiles: list[_Tile]


def _sizes(p: ChartArea, k: float, words_only: bool) -> dict[str, float]:
    """The text sizes at growth `k` (each role between its minimum and its own growth cap; cards of words alone
    have no big number to stand beside, so their words and captions grow further)."""
    def at(role: str, cap: float) -> float:
        return max(p.min_size(role), p.size(role) * min(k, cap))
    caption = WORDS_ONLY_CAPTION_GROW if words_only else CAPTION_GROW
    return {"caption": at("label", caption), "big": at("big", k),
            "words": at("value", WORDS_ONLY_GROW if words_only else WORDS_GROW), "head": at("value", caption)}


def _content(p: ChartArea, width: float, top: str, value: str, numeric: bool, foot: str, s: dict[str, float],
             pad: float, bold: bool) -> tuple[Fitted | None, Fitted, Fitted | None, float] | None:
    """A tile's texts fitted to `width` at sizes `s` and the height they need with the padding, or None.
    `bold`: the top line is the row's label (a one-column card), not a column's name."""
    iw = width - 2 * pad
    gap = p.gap * 0.6
    tf = p.fit(top, "value" if bold else "label", iw, max_lines=2, size=s["caption"], min_size=s["caption"], keep_words=True) \
        if top else None
    if top and tf is None:
        return None
    if numeric:
        vf = p.fit(value, "big", iw, max_lines=1, size=s["big"], min_size=s["big"], keep_words=True)
    else:
        vf = p.fit(value, "value", iw, max_lines=TEXT_LINES, size=s["words"], min_size=s["words"], keep_words=True)
    ff = p.fit(foot, "label", iw, max_lines=2, size=s["caption"], min_size=s["caption"], keep_words=True) if foot else None
    if vf is None or (foot and ff is None):
        return None
    used = (tf.height + gap if tf else 0.0) + vf.height + (gap + ff.height if ff else 0.0)
    return tf, vf, ff, used + 2 * pad


def _card(p: ChartArea, box: Box, title: str, fields: list[tuple[str, str, bool]], s: dict[str, float],
          cols: int) -> _Card | None:
    """One card at sizes `s`, or None when something does not fit: its numbers as tiles `cols` to a row, each of
    its words columns a tile across the card; rows as tall as their texts need, the room left shared out in
    proportion, so the tiles fill the card."""
    g = p.gap
    head = None
    tf = None
    area = box
    one = len(fields) == 1
    if title and not one:
        hpad = s["head"] * 0.55
        tf = p.fit(title, "value", box.w - 2 * hpad * 1.6, max_lines=2, size=s["head"], min_size=s["head"], keep_words=True)
        if tf is None:
            return None
        head = Box(box.x0, box.y0, box.x1, box.y0 + tf.height + 2 * hpad)
        area = Box(box.x0, head.y1 + g * 0.8, box.x1, box.y1)
    pad = s["caption"] * 0.9
    nums = [f for f in fields if f[2]]
    words = [f for f in fields if not f[2]]
    rows: list[list[tuple[str, str, bool]]] = [nums[i:i + cols] for i in range(0, len(nums), cols)]
    rows += [[f] for f in words]
    fitted: list[list[tuple[float, tuple]]] = []  # per row: (tile width, texts)
    needs = []
    for row in rows:
        k = cols if row[0][2] else 1
        tw = (area.w - g * (k - 1)) / k
        got = []
        for caption, value, numeric in row:
            c = _content(p, tw, title if one else caption, value, numeric, caption if one and title and numeric
                         else "", s, pad, one and bool(title))
            if c is None:
                return None
            got.append((tw, c))
        fitted.append(got)
        needs.append(max(c[3] for _, c in got))
    spare = area.h - g * (len(rows) - 1) - sum(needs)
    if spare < -0.01:
        return None
    tiles = []
    y = area.y0
    for row, got, h in zip(rows, fitted, needs, strict=True):
        h += spare * h / sum(needs)
        k = cols if row[0][2] else 1
        x = area.x0 + (k - len(row)) * (got[0][0] + g) / 2  # a short last row of numbers is centred
        for (tw, (top, value, foot, _)), (_, _, numeric) in zip(got, row, strict=True):
            tiles.append(_Tile(Box(x, y, x + tw, y + h), top, value, foot, numeric, pad, one and bool(title)))
            x += tw + g
        y += h + g
    return _Card(box, head, tf, tiles)


def _arrangements(box: Box, n: int, g: float) -> list[list[Box]]:
    """The cards' boxes: side by side, or one above the other."""
    if n == 1:
        return [[box]]
    w = (box.w - g * (n - 1)) / n
    h = (box.h - g * (n - 1)) / n
    return [[Box(box.x0 + i * (w + g), box.y0, box.x0 + i * (w + g) + w, box.y1) for i in range(n)],
            [Box(box.x0, box.y0 + i * (h + g), box.x1, box.y0 + i * (h + g) + h) for i in range(n)]]


def _shape_cost(cards: list[_Card]) -> float:
    """How far the cards and their tiles are from the shape that reads best (0: all at IDEAL)."""
    def off(b: Box) -> float:
        return abs(math.log(b.w / b.h / IDEAL))
    tiles = [t.box for c in cards for t in c.tiles]
    return off(cards[0].box) + sum(off(b) for b in tiles) / len(tiles) * 0.5


def plan_cards(p: ChartArea, box: Box, titles: list[str] | None, fields: list[CardField]) -> list[_Card] | None:
    """The cards filling `box`, or None when they do not fit even at the smallest sizes. Each way of placing
    them (side by side or stacked, numbers so many to a row) is taken at the largest common size at which every
    card fits; the chosen way weighs that size against how far its cards and tiles are from a good shape."""
    n = len(fields[0].cells) if fields else 0
    if not fields or n == 0 or n > CARD_ROWS:
        return None
    grow = float(p.theme.style["chart"].get("card_grow", CARD_GROW))
    floor = min(p.min_size(r) / p.size(r) for r in ("label", "big", "value")) * STEP
    numbers = sum(f.numeric for f in fields)
    best: tuple[float, list[_Card]] | None = None
    for boxes in _arrangements(box, n, p.gap * 1.5):
        for cols in range(1, max(1, numbers) + 1):
            k = grow if numbers else max(grow, WORDS_ONLY_GROW)
            while k >= floor:
                s = _sizes(p, k, words_only=not numbers)
                cards = [_card(p, cb, titles[i] if titles else "",
                               [(f.caption, f.cells[i], f.numeric) for f in fields], s, cols)
                         for i, cb in enumerate(boxes)]
                if all(c is not None for c in cards):
                    score = math.log(k) - SHAPE_WEIGHT * _shape_cost(cards)  # type: ignore[arg-type]
                    if best is None or score > best[0]:
                        best = (score, cards)  # type: ignore[assignment]
                    break
                k *= STEP
    return best[1] if best else None


def draw_cards(p: ChartArea, cards: list[_Card]) -> None:
    """Draw planned cards: the label band, then the tiles (tinted, number or words at the bottom)."""
    head_bg = p.color("header")
    tile_bg = p.theme.color("tint(primary, 0.92)")
    text = p.theme.colors.text
    for card in cards:
        if card.head is not None and card.title is not None:
            hb = card.head
            p.canvas.rect(hb, head_bg, radius=min(hb.h, card.title.size * 2.5) * 0.12, zorder=1)
            p.lines(card.title, hb.x0 + card.title.size * 0.55 * 1.6, hb.y0 + (hb.h - card.title.height) / 2,
                    "value", bg=head_bg, box=hb)
        for t in card.tiles:
            b = t.box
            pad = t.pad
            gap = p.gap * 0.6
            p.canvas.rect(b, tile_bg, radius=min(b.w, b.h) * 0.06, zorder=1)
            top = b.y0 + pad
            if not t.numeric:  # words follow their label, the two centred in the tile
                top = b.y0 + (b.h - (t.top.height + gap if t.top else 0.0) - t.value.height) / 2
            if t.top is not None:
                top = p.lines(t.top, b.x0 + pad, top, "value" if t.bold else "label", bg=tile_bg, color=text, box=b) + gap
            # a number sits at the bottom of its tile (its column's name under it), as on the KPI tiles
            y = b.y1 - pad - t.value.height - (gap + t.foot.height if t.foot else 0.0) if t.numeric else top
            if t.numeric:
                y = p.lines(t.value, b.x0 + pad, y, "big", bg=tile_bg, color=p.theme.colors.primary, box=b)
            else:
                y = p.lines(t.value, b.x0 + pad, y, "value", bg=tile_bg, color=p.theme.colors.primary, box=b)
            if t.foot is not None:
                p.lines(t.foot, b.x0 + pad, y + gap, "label", bg=tile_bg, color=p.theme.color("muted"), box=b)
