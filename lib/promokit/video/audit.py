"""The layout audit of a promo video (`promokit.audit` rules on the plan's drawn text and real frames).

Every text layer is drawn as the renderer draws it (its real box, its lines as broken); at each moment of
the timeline the blocks on screen must not overlap (the logo included), stay inside the safe zone and be
two at most. Contrast is read on the rendered frame in the middle of each layer: the pixels around the
letters inside the layer's box (its backing box, or the picture and the shadow) against the text colour.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from ..audit import Defect, TextBox, contrast_on, crowded, outside, overlaps, split_words
from .layers import text_layer_image
from .plan import Plan
from .style import reference_height, resolve_color

MOST_BLOCKS = 2  # text blocks on screen at once


def _boxes(plan: Plan) -> list[tuple[TextBox, Image.Image, float, float]]:
    out = []
    ref = reference_height(plan.width, plan.height)
    for layer in plan.texts:
        im, x, y = text_layer_image(layer, plan)
        st = plan.style.text[layer.role]
        color = resolve_color(st.color, plan.colors) or (255, 255, 255)
        full = max(1.0, 1080 / min(plan.width, plan.height))  # a draft is judged at its final size
        tb = TextBox(layer.text, (x, y, x + im.width, y + im.height), layer.role, color, st.size * ref * full,
                     tuple(im.info.get("lines", ())))
        out.append((tb, im, layer.start, layer.end))
    return out


def _moments(spans: list[tuple[float, float]]) -> list[float]:
    edges = sorted({t for s in spans for t in s})
    return [(a + b) / 2 for a, b in zip(edges, edges[1:], strict=False)]


def video_defects(plan: Plan, *, frames: bool = True) -> list[Defect]:
    """The audit of one platform's video plan; `frames`: also measure contrast on rendered frames."""
    drawn = _boxes(plan)
    out: list[Defect] = split_words([tb for tb, *_ in drawn])
    out += outside([tb for tb, *_ in drawn], tuple(float(v) for v in plan.safe))
    logos = [(TextBox("logo", tuple(float(v) for v in lg.box), "logo"), lg.start, lg.end) for lg in plan.logos]
    seen: set[tuple[str, ...]] = set()
    for t in _moments([(s, e) for _, _, s, e in drawn] + [(s, e) for _, s, e in logos]):
        on = [tb for tb, _, s, e in drawn if s <= t < e]
        logo_on = [b for b, s, e in logos if s <= t < e]
        key = tuple(sorted(f"{b.role}:{b.text}:{b.box}" for b in on + logo_on))
        if key in seen:
            continue
        seen.add(key)
        where = f"{t:.1f} s"
        out += crowded(on, MOST_BLOCKS, where)
        out += overlaps(on + logo_on, where)
    if frames:
        out += _contrast(plan, drawn)
    return out


def _contrast(plan: Plan, drawn: list[tuple[TextBox, Image.Image, float, float]]) -> list[Defect]:
    from ..audit import AA_LARGE, AA_NORMAL, LARGE_PX
    from .api import preview_frame

    out = []
    for tb, im, start, end in drawn:
        t = (start + end) / 2
        frame = np.asarray(preview_frame(plan, t))
        x0, y0, x1, y1 = (int(v) for v in tb.box)
        crop = frame[max(0, y0):y1, max(0, x0):x1]
        if crop.size == 0:
            continue
        rgba = np.asarray(im)[: crop.shape[0], : crop.shape[1]]
        color = np.array(tb.color, dtype=np.int16)
        ink = (rgba[..., 3] > 200) & (np.abs(rgba[..., :3].astype(np.int16) - color).max(axis=-1) < 40)
        mask = Image.fromarray((ink * 255).astype(np.uint8))
        near = np.asarray(mask.filter(ImageFilter.MaxFilter(5))) > 0
        if plan.style.text[tb.role].box:  # backed text: what is behind is the box over the picture
            around = rgba[..., 3] > 0
        else:  # shadowed text: the picture (and the shadow) around the letters
            around = np.asarray(mask.filter(ImageFilter.MaxFilter(11))) > 0
        behind = crop[around & ~near]
        if behind.size == 0 or not ink.any():
            continue
        c = contrast_on(tb.color, behind)
        need = AA_LARGE if tb.size >= LARGE_PX else AA_NORMAL
        if c < need - 1e-6:
            out.append(Defect("contrast", f"{tb.role} {t:.1f} s",
                              f"'{tb.text[:40]}' tương phản {c:.1f}:1 trên khung hình thật, cần {need:g}:1 / "
                              f"contrast {c:.1f}:1 on the real frame, needs {need:g}:1"))
    return out
