"""The layout audit of a drawn poster (`promokit.audit` rules on its real texts and pixels).

Every text block the poster drew (a title's lines together, each value, each tick) is measured where it
landed; the background is drawn again without the texts so contrast is measured on the pixels really
behind each line (photos, tints, bars), not on the intended colours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..audit import Defect, TextBox, empty_bands, ink_mask, low_contrast, outside, overlaps, split_words
from .layout import render_raster
from .theme import rgb

if TYPE_CHECKING:
    from .layout import Poster

BACKGROUND_SCALE = 0.5  # px of the re-drawn background per layout px (contrast needs no more)


def _rgb255(color: str) -> tuple[int, int, int]:
    r, g, b = rgb(color)
    return int(round(r * 255)), int(round(g * 255)), int(round(b * 255))


def text_boxes(poster: Poster) -> tuple[list[TextBox], list[TextBox]]:
    """(blocks, lines): every text block as drawn (lines of one block together), and every line."""
    fig = poster.fig
    renderer = fig.canvas.get_renderer()
    k = fig.dpi / 72
    H = poster.frame.height
    lines: list[TextBox] = []
    groups: dict[int, list[tuple[str, tuple[float, float, float, float], str, str, float]]] = {}
    for n, rec in enumerate(poster.canvas.all_texts()):
        b = rec.extent(renderer, H, k)
        box = (b.x0, b.y0, b.x1, b.y1)
        lines.append(TextBox(rec.text, box, rec.role, _rgb255(rec.fg), rec.size, (rec.text,)))
        key = rec.block if rec.block >= 0 else -1 - n
        groups.setdefault(key, []).append((rec.text, box, rec.role, rec.fg, rec.size))
    blocks = []
    for parts in groups.values():
        x0 = min(p[1][0] for p in parts)
        y0 = min(p[1][1] for p in parts)
        x1 = max(p[1][2] for p in parts)
        y1 = max(p[1][3] for p in parts)
        blocks.append(TextBox(" ".join(p[0] for p in parts), (x0, y0, x1, y1), parts[0][2], _rgb255(parts[0][3]),
                              parts[0][4], tuple(p[0] for p in parts)))
    return blocks, lines


def background(poster: Poster, scale: float = BACKGROUND_SCALE) -> np.ndarray:
    """The poster drawn without its texts (RGB, `scale` px per layout px)."""
    hidden = [r.artist for r in poster.canvas.texts if r.artist is not None and r.artist.get_visible()]
    axes = [lab for ax, *_ in poster.canvas._axes for axis in (ax.xaxis, ax.yaxis)
            for lab in axis.get_ticklabels() if lab.get_visible()]
    dpi = poster.fig.dpi
    for a in hidden + axes:
        a.set_visible(False)
    try:
        px = np.array(render_raster(poster, scale, texts=False)[..., :3])
    finally:
        for a in hidden + axes:
            a.set_visible(True)
        poster.fig.set_dpi(dpi)
    return px


def busy_rows(pixels: np.ndarray, top: int, bottom: int, x0: int, x1: int,
              bg: tuple[int, int, int]) -> list[tuple[float, float]]:
    """(top, bottom) runs of rows of `pixels[top:bottom, x0:x1]` that differ from the background colour `bg`."""
    area = pixels[top:bottom, x0:x1].astype(np.int16)
    if area.size == 0:
        return []
    diff = np.abs(area - np.array(bg, dtype=np.int16)).max(axis=2) > 10
    busy = diff.mean(axis=1) > 0.003
    runs, start = [], None
    for i, b in enumerate([*busy, False]):
        if b and start is None:
            start = i
        elif not b and start is not None:
            runs.append((float(top + start), float(top + i)))
            start = None
    return runs


def final(poster: Poster, scale: float = BACKGROUND_SCALE) -> np.ndarray:
    """The poster drawn with its texts (RGB, `scale` px per layout px)."""
    dpi = poster.fig.dpi
    try:
        return np.array(render_raster(poster, scale)[..., :3])
    finally:
        poster.fig.set_dpi(dpi)


def poster_defects(poster: Poster, drawn: np.ndarray | None = None) -> list[Defect]:
    """The audit of a drawn poster: overlaps, text outside the text area, split words, contrast on the real
    background (under each text's ink), empty bands inside the text area. `drawn`: the poster's raster
    at 1 px per layout px when it was just drawn (else it is drawn here, smaller)."""
    blocks, lines = text_boxes(poster)
    ta = poster.frame.text_area
    out = overlaps(blocks) + outside(blocks, (ta.x0, ta.y0, ta.x1, ta.y1)) + split_words(blocks)
    s = BACKGROUND_SCALE
    if drawn is not None:  # read before the background is drawn: `drawn` may be a view of the canvas buffer
        step = max(1, round(drawn.shape[1] / (poster.frame.width * s)))
        top = np.array(drawn[::step, ::step, :3])
    else:
        top = final(poster, s)
    bg = background(poster, s)
    if top.shape != bg.shape:
        h, w = min(top.shape[0], bg.shape[0]), min(top.shape[1], bg.shape[1])
        if abs(top.shape[0] - bg.shape[0]) <= 2 and abs(top.shape[1] - bg.shape[1]) <= 2:
            top, bg = top[:h, :w], bg[:h, :w]
        else:
            from PIL import Image

            top = np.asarray(Image.fromarray(top).resize((bg.shape[1], bg.shape[0])))
    out += low_contrast(lines, bg, scale=s, ink=ink_mask(top, bg))
    spans = busy_rows(bg, int(ta.y0 * s), int(ta.y1 * s), int(ta.x0 * s), int(ta.x1 * s),
                      _rgb255(poster.canvas.theme.background))
    spans = [(a / s - ta.y0, b / s - ta.y0) for a, b in spans]
    spans += [(t.box[1] - ta.y0, t.box[3] - ta.y0) for t in blocks]
    out += empty_bands(ta.h, spans)
    return out
