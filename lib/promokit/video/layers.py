"""Text and picture layers of a promo video, drawn once with Pillow (raqm shaping) as RGBA.

Every string is checked against its font's glyphs first (a missing glyph is a FontError listing the
characters). Text is wrapped between words with `promokit.text.wrap`, measured with the font, to at most
the role's number of lines; when it does not fit, the size shrinks step by step down to the role's
`min_scale`; if it still does not fit, a SpecError says so. Text is never cut.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .. import fonts as _fonts
from ..errors import SpecError
from ..text import nfc, splits_word, wrap
from .plan import EndCardPlan, LogoLayer, Plan, TextLayer
from .style import TextStyle, reference_height, resolve_color
from .yuv import Overlay

FIELDS = {"title": "video.title", "lower_third": "video.shots[].caption", "caption": "video.captions",
          "end_card": "video.end_card.text", "end_contact": "video.end_card.contact", "end_url": "video.end_card.url",
          "subtitle": "video.subtitle"}
SHRINK = 0.94  # each step when text does not fit
#: How to make a text that cannot fit shorter, per field (vi, en)
SHORTEN = {
    "video.captions": ("rút ngắn câu hoặc tách thành hai phụ đề nối tiếp",
                       "shorten it or split it into two captions one after the other"),
    "video.title": ("rút ngắn tiêu đề (ý phụ đưa sang video.subtitle)",
                    "shorten the title (move the rest to video.subtitle)"),
    "": ("rút ngắn câu", "shorten it"),
}
BALANCED = {"title", "subtitle", "end_card", "lower_third"}  # roles set as titles: even lines, no lone last word


def font_file(plan: Plan, role_style: TextStyle) -> Path:
    """The font of a text role: the plan's file, else the installed fallback (Vietnamese coverage)."""
    path = plan.fonts.get(role_style.font)
    if path is not None:
        return Path(path)
    return _fonts.find_font("Noto Sans", bold=role_style.font.endswith("_bold"))


@dataclass(frozen=True)
class Fitted:
    lines: list[str]
    font: ImageFont.FreeTypeFont
    size: int
    line_height: int


def fit_text(text: str, font_path: Path, size: int, max_width: int, style: TextStyle, *, field: str,
             max_height: int | None = None, balance: bool = False, pad: float = 0.0) -> Fitted:
    """Wrap `text` into at most `style.max_lines` lines no wider than `max_width` px, shrinking if needed.

    `pad`: the box's padding as a share of the font size, on every side inside `max_width` x `max_height`
    (it shrinks with the text, so a long title gets its room from smaller margins too).

    Vietnamese words and names stay whole at any size that allows it (`promokit.text.wrap`); `balance`
    (titles): lines of about equal length and no one-word last line."""
    text = nfc(text).strip()
    _fonts.check_coverage(font_path, [text], field=field)
    min_size = max(6, int(size * style.min_scale))
    for keep in (True, False):
        s = max(6, int(size))
        while True:
            font = _fonts.load(font_path, s)
            p = 2 * int(round(pad * s))
            lines = wrap(text, font.getlength, max_width - p, balance=balance)
            lh = int(round(s * style.line_spacing))
            words_whole = all(w in " ".join(lines).split() for w in text.split())
            fits = (len(lines) <= style.max_lines and all(font.getlength(ln) <= max_width - p + 0.5 for ln in lines)
                    and (max_height is None or lh * len(lines) + p <= max_height) and words_whole
                    and not (keep and splits_word(lines)))
            if fits:
                return Fitted(lines, font, s, lh)
            if s <= min_size:
                break
            s = max(min_size, int(s * SHRINK))
    shown = text if len(text) <= 60 else text[:60].rstrip() + "…"
    raise SpecError.fail(
        f"chữ quá dài, không vừa {style.max_lines} dòng kể cả khi thu nhỏ: «{shown}»",
        f"text too long for {style.max_lines} lines even when shrunk: «{shown}»",
        field=field,
        fix_vi=SHORTEN.get(field, SHORTEN[""])[0], fix_en=SHORTEN.get(field, SHORTEN[""])[1],
    )


def _draw_lines(fit: Fitted, width: int, align: str, pad_x: int, pad_y: int) -> Image.Image:
    """The text as an L mask (255 = ink) of `width` x lines*line_height + 2*pad_y."""
    height = fit.line_height * len(fit.lines) + 2 * pad_y
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    ascent, descent = fit.font.getmetrics()
    for i, line in enumerate(fit.lines):
        top = pad_y + i * fit.line_height + (fit.line_height - (ascent + descent)) / 2 + ascent
        if align == "left":
            x, anchor = pad_x, "ls"
        elif align == "right":
            x, anchor = width - pad_x, "rs"
        else:
            x, anchor = width / 2, "ms"
        draw.text((x, top), line, fill=255, font=fit.font, anchor=anchor)
    return mask


def text_block(text: str, role: str, plan: Plan, max_width: int, *, max_height: int | None = None,
               size_scale: float = 1.0, size: int | None = None) -> Image.Image:
    """One role's text as RGBA: a rounded box behind it when the style has one, else a soft shadow.

    `size` (px): start fitting from this size instead of the role's (the video's one caption size).
    The image's `info["lines"]` holds the lines as broken, `info["size"]` the size drawn (px)."""
    st = plan.style.text[role]
    ref = reference_height(plan.width, plan.height)
    nominal = int(round(st.size * ref * size_scale))
    ratio = st.padding if st.box else 0.0
    fit = fit_text(text, font_file(plan, st), size or nominal, max_width, st, field=FIELDS.get(role, role),
                   max_height=max_height, balance=role in BALANCED, pad=ratio)
    pad = int(round(ratio * fit.size))
    widest = max(int(fit.font.getlength(ln) + 0.999) for ln in fit.lines)
    width = min(max_width, widest + 2 * pad) if st.box else max_width
    if not st.box:
        width = max_width
    mask = _draw_lines(fit, width, st.align if st.box else st.align, pad, pad)
    color = resolve_color(st.color, plan.colors) or (255, 255, 255)
    layer = Image.new("RGBA", mask.size, color + (0,))
    if st.box:
        box_rgb = resolve_color(st.box, plan.colors) or (0, 0, 0)
        radius = int(plan.style.layout["box_radius"] * fit.size)
        box_mask = Image.new("L", mask.size, 0)
        ImageDraw.Draw(box_mask).rounded_rectangle((0, 0, mask.width - 1, mask.height - 1), radius,
                                                   fill=int(round(255 * st.box_opacity)))
        bg = Image.new("RGBA", mask.size, box_rgb + (0,))
        bg.putalpha(box_mask)
        fg = Image.new("RGBA", mask.size, color + (0,))
        fg.putalpha(mask)
        out = Image.alpha_composite(bg, fg)
        out.info["lines"], out.info["size"] = tuple(fit.lines), fit.size
        return out
    # shadow: a blurred dark copy under the text, for reading over any picture
    blur = max(1.0, fit.size * 0.06)
    shadow = mask.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: int(v * 0.75))
    sh = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    sh.putalpha(shadow)
    layer.putalpha(mask)
    out = Image.alpha_composite(sh, layer)
    out.info["lines"], out.info["size"] = tuple(fit.lines), fit.size
    return out


def _place(im: Image.Image, box: tuple[int, int, int, int], anchor: str, align: str = "center") -> tuple[int, int]:
    x0, y0, x1, y1 = box
    if align == "left":
        x = x0
    elif align == "right":
        x = x1 - im.width
    else:
        x = x0 + (x1 - x0 - im.width) // 2
    if anchor == "bottom":
        y = y1 - im.height
    elif anchor == "top":
        y = y0
    else:
        y = y0 + (y1 - y0 - im.height) // 2
    # even positions: chroma lines up; round inwards so the layer stays inside the box
    x += x % 2
    y += y % 2 if anchor != "bottom" else -(y % 2)
    return x, y


TITLE_SHARES = (0.72, 0.62, 0.52)  # of the title band the title may take, tried in turn to leave the subtitle room


def _title_parts(layer: TextLayer, plan: Plan, w: int, h: int) -> list[Image.Image]:
    """The title block's images (title, gap, subtitle) within `w` x `h` px: the title takes the largest share
    of the band with which the subtitle still fits below it near its own size (not shrunk below 0.9 of it);
    else the first share where it fits at all; the subtitle's error if none does."""
    ref = reference_height(plan.width, plan.height)
    gap = int(plan.style.layout["subtitle_gap"] * plan.style.text["title"].size * ref)
    fallback: list[Image.Image] | None = None
    for i, share in enumerate(TITLE_SHARES):
        title = text_block(layer.text, "title", plan, w, max_height=int(h * share))
        if not layer.sub:
            return [title]
        # a long title shrinks; its subtitle never outgrows it (the hierarchy reads title first)
        most = int(title.info["size"] * float(plan.style.layout["subtitle_max"]))
        size = min(int(round(plan.style.text["subtitle"].size * ref)), most)
        try:
            sub = text_block(layer.sub, "subtitle", plan, w, max_height=max(10, h - title.height - gap), size=size)
        except SpecError:
            if i == len(TITLE_SHARES) - 1 and fallback is None:
                raise
            continue
        parts = [title, Image.new("RGBA", (1, gap), (0, 0, 0, 0)), sub]
        if sub.info["size"] >= 0.9 * size:
            return parts
        fallback = fallback or parts
    assert fallback is not None
    return fallback


def text_layer_image(layer: TextLayer, plan: Plan) -> tuple[Image.Image, int, int]:
    """A text layer as RGBA and its even position inside `layer.box`."""
    x0, y0, x1, y1 = layer.box
    w, h = x1 - x0, y1 - y0
    w -= w % 2
    if layer.role == "title":
        parts = _title_parts(layer, plan, w, h)
        width = max(p.width for p in parts)
        im = Image.new("RGBA", (width, sum(p.height for p in parts)), (0, 0, 0, 0))
        y = 0
        for p in parts:
            im.alpha_composite(p, ((width - p.width) // 2, y))
            y += p.height
        im.info["lines"] = parts[0].info.get("lines", ())
    else:
        size = caption_size(plan, w, h) if layer.role == "caption" else None
        im = text_block(layer.text, layer.role, plan, w, max_height=h, size=size)
    align = plan.style.text[layer.role].align if layer.role == "lower_third" else "center"
    x, y = _place(im, layer.box, layer.anchor, align)
    return im, x, y


def caption_size(plan: Plan, width: int, height: int) -> int | None:
    """One size (px) for every caption of the video: the largest at which each of them fits its box."""
    caps = tuple(t.text for t in plan.texts if t.role == "caption")
    if not caps:
        return None
    st = plan.style.text["caption"]
    nominal = int(round(st.size * reference_height(plan.width, plan.height)))
    pad = int(round(st.padding * nominal)) if st.box else 0
    return _common_size(caps, str(font_file(plan, st)), nominal, width - 2 * pad, height - 2 * pad, st)


@functools.lru_cache(maxsize=64)
def _common_size(texts: tuple[str, ...], font: str, size: int, width: int, height: int, st: TextStyle) -> int | None:
    sizes = []
    for t in texts:
        try:
            sizes.append(fit_text(t, Path(font), size, width, st, field="video.captions", max_height=height).size)
        except SpecError:
            continue  # reported when that caption is drawn
    return min(sizes) if sizes else None


def text_overlay(layer: TextLayer, plan: Plan) -> Overlay:
    im, x, y = text_layer_image(layer, plan)
    return Overlay.from_rgba(im, x, y)


def read_logo(path: Path, box: tuple[int, int]) -> Image.Image:
    """The brand logo (RGBA, transparency kept) scaled to fit `box` (w, h)."""
    from ..assets import read_image

    im = read_image(Path(path), mode="RGBA", max_size=(box[0] * 2, box[1] * 2))
    scale = min(box[0] / im.width, box[1] / im.height)
    size = (max(2, int(im.width * scale)), max(2, int(im.height * scale)))
    return im.resize(size, Image.Resampling.LANCZOS)


def logo_overlay(logo: LogoLayer) -> Overlay:
    x0, y0, x1, y1 = logo.box
    im = read_logo(logo.path, (x1 - x0, y1 - y0))
    if logo.opacity < 1:
        im.putalpha(im.getchannel("A").point(lambda v: int(round(v * logo.opacity))))
    x = x1 - im.width if logo.corner.endswith("right") else x0
    y = y0 if logo.corner.startswith("top") else y1 - im.height
    x -= x % 2 if logo.corner.endswith("right") else -(x % 2)
    y += y % 2
    return Overlay.from_rgba(im, x, y)


def end_card_image(card: EndCardPlan, plan: Plan) -> Image.Image:
    """The end card as a full RGB frame: logo, message, contact and web address, centred."""
    im = Image.new("RGB", plan.size, card.background)
    x0, y0, x1, y1 = card.box
    w = (x1 - x0) - (x1 - x0) % 2
    lay = plan.style.layout["end_card"]
    parts: list[Image.Image] = []
    if card.logo is not None:
        lw = int(w * float(lay["logo_width"]))
        parts.append(read_logo(card.logo, (lw, int((y1 - y0) * 0.3))))
    if card.text:
        parts.append(text_block(card.text, "end_card", plan, w, max_height=int((y1 - y0) * 0.45)))
    if card.contact:
        parts.append(text_block(card.contact, "end_contact", plan, w))
    if card.url:
        parts.append(text_block(card.url, "end_url", plan, w))
    if not parts:
        return im
    gap = int(float(lay["gap"]) * plan.style.text["end_card"].size * reference_height(plan.width, plan.height))
    total = sum(p.height for p in parts) + gap * (len(parts) - 1)
    if len(parts) > 1 and total < 0.7 * (y1 - y0):  # the block fills its box: logo high, address low
        gap = int((0.7 * (y1 - y0) - sum(p.height for p in parts)) / (len(parts) - 1))
        total = sum(p.height for p in parts) + gap * (len(parts) - 1)
    cy = y0 + float(lay["y"]) * (y1 - y0)
    y = int(max(y0, min(y1 - total, cy - total / 2)))
    for p in parts:
        x = x0 + (x1 - x0 - p.width) // 2
        im.paste(p, (x, y), p if p.mode == "RGBA" else None)
        y += p.height + gap
    _end_card_band(im, card, plan)
    return im


def _end_card_band(im: Image.Image, card: EndCardPlan, plan: Plan) -> None:
    """Under the safe zone (the platform's own buttons and description go there) a darker band with the
    brand's accent stripe: the frame is composed to its bottom, nothing needed to read is put there."""
    below = plan.height - plan.safe[3]
    if below < 0.12 * plan.height:
        return
    draw = ImageDraw.Draw(im)
    top = plan.safe[3] + int(0.04 * plan.height)
    shade = tuple(int(c * 0.72) for c in card.background)
    draw.rectangle((0, top, plan.width, plan.height), fill=shade)
    stripe = resolve_color("secondary", plan.colors) or (255, 255, 255)
    draw.rectangle((0, top, plan.width, top + max(2, int(0.006 * plan.height))), fill=stripe)


def check_texts(plan: Plan) -> None:
    """Every string of the plan checked against its font and fitted, before anything is drawn.

    Raises FontError (missing glyphs, listing them) or SpecError (text that cannot fit).
    """
    from ..fonts import check_coverage

    for layer in plan.texts:
        roles = [(layer.role, layer.text)] + ([("subtitle", layer.sub)] if layer.sub else [])
        for role, text in roles:
            check_coverage(font_file(plan, plan.style.text[role]), [text], field=FIELDS.get(role, role))
        text_layer_image(layer, plan)
    if plan.end_card is not None:
        card = plan.end_card
        for role, text in (("end_card", card.text), ("end_contact", card.contact), ("end_url", card.url)):
            if text:
                check_coverage(font_file(plan, plan.style.text[role]), [text], field=FIELDS.get(role, role))


def _caption_chunks(layer: TextLayer, plan: Plan) -> list[str]:
    """A caption too long for its lines, cut between words into pieces of at most `max_lines` lines each,
    wrapped at a comfortable size (the role's size, shrunk halfway to its minimum)."""
    st = plan.style.text["caption"]
    nominal = st.size * reference_height(plan.width, plan.height)
    size = max(6, int(nominal * (1 + st.min_scale) / 2))
    pad = int(round(st.padding * size)) if st.box else 0
    width = (layer.box[2] - layer.box[0]) - 2 * pad
    font = _fonts.load(font_file(plan, st), size)
    lines = wrap(layer.text, font.getlength, width)
    if " ".join(lines).split() != layer.text.split():  # a word wider than a line: no clean split
        return [layer.text]
    return [" ".join(lines[i:i + st.max_lines]) for i in range(0, len(lines), st.max_lines)]


def split_long_captions(plan: Plan) -> Plan:
    """The plan with each caption that cannot fit its lines (even shrunk) split into consecutive captions.

    The time of the cue is shared by the pieces in proportion to their length; text is never cut.
    A caption that still cannot fit (a single word wider than the line) is left for `check_texts` to
    report.
    """
    from dataclasses import replace

    texts: list[TextLayer] = []
    changed = False
    for layer in plan.texts:
        if layer.role != "caption":
            texts.append(layer)
            continue
        try:
            text_layer_image(layer, plan)
            texts.append(layer)
            continue
        except SpecError:
            chunks = _caption_chunks(layer, plan)
        if len(chunks) <= 1:
            texts.append(layer)
            continue
        changed = True
        total = sum(len(c) for c in chunks)
        t = layer.start
        for i, chunk in enumerate(chunks):
            end = layer.end if i == len(chunks) - 1 else t + (layer.end - layer.start) * len(chunk) / total
            texts.append(replace(layer, text=chunk, start=t, end=end, fade=min(layer.fade, (end - t) / 4)))
            t = end
    return replace(plan, texts=tuple(texts)) if changed else plan
