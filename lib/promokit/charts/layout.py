"""The poster around a chart, at every registered size: brand header and logo, title, subtitle,
the chart, the takeaway, the source line and the "Số liệu minh họa" badge.

Sizes come from the SIZES registry. Raster sizes are laid out in px on a 72-dpi Figure (exact to
the pixel); vector sizes in pt on a page of trim + bleed (TrimBox/BleedBox are set when the PDF is
written). Text sits inside the text area: the DESIGN §6 safe zone on 9:16, 5 % margins otherwise,
the trim box less margins in print. Every text is fitted by wrapping, then shrinking down to its
style minimum; what still cannot fit is an error naming its spec field, never clipped. After
drawing, `verify` measures every text matplotlib drew against its box and checks WCAG contrast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import DataError, SpecError
from ..platforms import safe_zone
from ..text import nfc
from .area import ChartArea
from .canvas import Canvas
from .figure import chart_need
from .kinds import KINDS
from .measure import Box, Fitted, fit_text, font_metrics, text_width
from .sizes import SIZES, SizeInfo
from .theme import contrast, mpl_rc

if TYPE_CHECKING:
    import numpy as np

    from ..spec.models import Infographic
    from .data import ChartData
    from .theme import Theme

MM = 72 / 25.4  # pt per mm
MAX_PDF_PT = 14400  # PDF viewers' page limit (200 in); larger pages use /UserUnit


@dataclass(frozen=True)
class Frame:
    """Geometry of one size in layout units (px for raster, pt / user_unit for vector)."""

    name: str
    width: float
    height: float
    vector: bool
    text_area: Box
    trim: Box  # = the whole frame for raster
    bleed: float = 0.0  # units
    user_unit: float = 1.0  # PDF /UserUnit (pt per unit) for pages over 200 in
    mm: tuple[float, float] | None = None  # trim size in mm (vector)


def frame_for(size: SizeInfo | str, spec: Infographic | None = None, style: dict | None = None) -> Frame:
    """The frame of a registered size; `banner` takes `spec.banner_mm` when given."""
    info = SIZES.get(size) if isinstance(size, str) else size
    area = ((style or {}).get("sizes") or {}).get(info.name, {}).get("area")
    if not info.vector:
        w, h = info.width, info.height
        ta = Box(*(float(round(f * s)) for f, s in zip(area, (w, h, w, h), strict=True))) if area \
            else Box(*safe_zone(w, h))
        return Frame(info.name, float(w), float(h), False, ta, Box(0, 0, w, h))
    w_mm, h_mm = float(info.width), float(info.height)
    if info.name == "banner" and spec is not None and spec.banner_mm:
        w_mm, h_mm = float(spec.banner_mm[0]), float(spec.banner_mm[1])
        if w_mm <= 0 or h_mm <= 0:
            raise SpecError.fail("banner_mm phải là hai số dương", "banner_mm must be two positive numbers",
                                 field="banner_mm", fix_vi="vd. banner_mm: [3000, 1000]",
                                 fix_en="e.g. banner_mm: [3000, 1000]")
    b = info.bleed_mm
    W, H = (w_mm + 2 * b) * MM, (h_mm + 2 * b) * MM
    unit = float(math.ceil(max(W, H) / MAX_PDF_PT)) if max(W, H) > MAX_PDF_PT else 1.0
    W, H, bleed = W / unit, H / unit, b * MM / unit
    trim = Box(bleed, bleed, W - bleed, H - bleed)
    mx, my = 0.05 * trim.w, 0.05 * trim.h
    m = min(mx, my) if info.name != "banner" else my
    return Frame(info.name, W, H, True, trim.inset(max(m, 0.035 * trim.w) if info.name == "banner" else m),
                 trim, bleed, unit, (w_mm, h_mm))


@dataclass
class Poster:
    """A laid-out poster: the Figure, its frame, the boxes of each block and the drawn texts."""

    fig: Figure
    canvas: Canvas
    frame: Frame
    boxes: dict[str, Box] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)


@dataclass
class PosterText:
    """The words of a poster (NFC) and where each came from, for error messages."""

    title: str
    spec_file: Path | None = None  # where the words came from, for error messages
    field: str = "infographics"
    subtitle: str = ""
    takeaway: str = ""
    source: str = ""
    brand: str = ""
    sample_data: bool = False
    draft: bool = False


def _fail(text: str, fld: str, spec_file: Path | None, size: str) -> SpecError:
    short = text if len(text) <= 60 else text[:57] + "…"
    return SpecError.fail(
        f"nội dung quá dài, không vừa khung '{size}' kể cả khi thu nhỏ chữ tối đa: '{short}' ({len(text)} ký tự)",
        f"text too long to fit the '{size}' poster even at the smallest allowed size: '{short}' ({len(text)} chars)",
        file=spec_file, field=fld, fix_vi="rút ngắn nội dung này", fix_en="shorten this text")


def build_poster(spec: Infographic, data: ChartData, theme: Theme, size: SizeInfo | str, words: PosterText, *,
                 check: Any, logo: np.ndarray | None = None, raster: bool | None = None) -> Poster:
    """Lay out and draw the poster of `spec` at `size` (inside the promokit matplotlib style).

    `raster` (default: the size is raster): texts are painted with Pillow after the Agg pass
    (`render_raster`); else they are matplotlib texts (vector PDF, a notebook Figure)."""
    frame = frame_for(size, spec, theme.style)
    with matplotlib.rc_context(mpl_rc()):
        return _build(spec, data, theme, frame, words, check, logo, not frame.vector if raster is None else raster)


def render_raster(poster: Poster, scale: float = 1.0, *, texts: bool = True) -> np.ndarray:
    """Draw the poster: Agg for shapes and charts, then Pillow for the texts (into Agg's own buffer).
    RGBA pixels (h, w, 4), opaque; a view of the canvas buffer, valid until the next draw."""
    import numpy as np
    from PIL import Image

    fig = poster.fig
    with matplotlib.rc_context(mpl_rc()):
        if fig.dpi != 72 * scale:
            fig.set_dpi(72 * scale)
        fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    if texts and any(r.artist is None for r in poster.canvas.texts):
        img = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)
        img.readonly = False  # draw straight into the shared buffer, no copy
        poster.canvas.paint(img, scale)
    return rgba


def _build(spec: Infographic, data: ChartData, theme: Theme, fr: Frame, words: PosterText, check: Any,
           logo: np.ndarray | None, pil: bool) -> Poster:
    st = theme.style
    ta = fr.text_area
    u = min(ta.w, ta.h)
    own = (st.get("sizes") or {}).get(fr.name, {})  # this size's own grid: layout numbers and text roles
    scale = float(own.get("scale", 1.0))
    fig = Figure(figsize=(fr.width / 72 + 1e-9, fr.height / 72 + 1e-9), dpi=72, facecolor=theme.background)
    FigureCanvasAgg(fig)
    cv = Canvas(fig, fr.width, fr.height, theme, check, u, scale, pil=pil)
    cv.text_area = ta
    poster = Poster(fig, cv, fr)
    def L(name: str) -> float:
        return float((own.get("layout") or {}).get(name, theme.layout(name)))

    G = L("gap") * u
    colors = theme.colors
    side = ta.w / ta.h > L("side_aspect")

    def role(name: str) -> dict:
        return {**theme.text_role(name), **((own.get("text") or {}).get(name) or {})}

    def fit(name: str, text: str, width: float, f: float = 1.0, extra_lines: int = 0) -> Fitted | None:
        r = role(name)
        size = float(r["size"]) * u * scale * f
        mn = float(r.get("min", r["size"])) * u * scale
        return fit_text(text, theme.font(r["font"]), max(size, mn), mn, width,
                        max_lines=int(r.get("max_lines", 1)) + extra_lines, line=float(r.get("line", 1.2)),
                        balance=bool(r.get("balance", False)))

    def need(name: str, text: str, width: float, fld: str, f: float = 1.0, extra: int = 0) -> Fitted:
        got = fit(name, text, width, f, extra)
        if got is None:
            raise _fail(text, fld, words.spec_file, fr.name)
        return got

    pf = words.field
    # -- header band: logo + organisation ---------------------------------------------------
    # On 9:16 the safe zone starts low: the band then carries the title too (a "hero" block).
    hero = not side and ta.y0 > 0.12 * fr.height
    header_h = L("header_height") * u * scale
    band_color = colors.primary
    hbox = Box(ta.x0, ta.y0, ta.x1, ta.y0 + header_h)
    poster.boxes["header"] = hbox
    x = hbox.x0
    if logo is not None:
        lh = hbox.h
        lw = min(lh * logo.shape[1] / logo.shape[0], hbox.w * 0.3)
        lh = lw * logo.shape[0] / logo.shape[1]
        lb = Box(x, hbox.y0 + (hbox.h - lh) / 2, x + lw, hbox.y0 + (hbox.h + lh) / 2)
        cv.image(lb, logo)
        poster.boxes["logo"] = lb
        x = lb.x1 + G * 0.8
    draft_w = 0.0
    if words.draft:
        dr = role("draft")
        dsize = min(hbox.h * 0.5, float(dr["size"]) * u * 0.3)
        dfont = theme.font(dr["font"])
        draft_w = text_width(dr["label"], dfont, dsize) + G
        cv.text(hbox.x1, hbox.y0 + hbox.h / 2 + 0.36 * dsize, dr["label"], font=dfont, size=dsize, bg=band_color,
                color=theme.color("secondary"), ha="right", role="draft", box=hbox, field="draft")
    if words.brand:
        bf = fit("brand", words.brand, hbox.x1 - x - draft_w)
        if bf is None:
            raise _fail(words.brand, "organisation", theme.brand_file, fr.name)
        while bf.height > hbox.h and bf.size > 1:
            bf = fit_text(words.brand, bf.font, bf.size * 0.93, 1, hbox.x1 - x - draft_w,
                          max_lines=len(bf.lines), line=bf.line) or bf
        cv.lines(bf, x, hbox.y0 + (hbox.h - bf.height) / 2, bg=band_color, role="brand", box=hbox,
                 field="organisation", color=theme.color(role("brand").get("color", "auto"), on=band_color))
    top = hbox.y1 + (G * 0.9 if hero else L("header_pad") * u + G * 1.1)
    # -- bottom decoration -------------------------------------------------------------------
    if fr.height - ta.y1 > 0.15 * fr.height:  # story: the band under the safe zone frames the poster
        cv.rect(Box(0, ta.y1 + G, fr.width, fr.height), band_color, zorder=0.4)
        cv.rect(Box(0, ta.y1 + G, fr.width, ta.y1 + G + L("stripe") * u), theme.color("secondary"), zorder=0.45)
    else:
        stripe = L("stripe") * u
        cv.rect(Box(0, fr.height - fr.bleed - stripe, fr.width, fr.height), theme.color("secondary"), zorder=0.4)
    # -- footer: source + badge ------------------------------------------------------------------
    badge = None
    badge_w = 0.0
    if words.sample_data:
        br = role("badge")
        bsize = float(br["size"]) * u * scale
        bfont = theme.font(br["font"])
        a, d = font_metrics(bfont)
        pad = L("badge_pad") * u
        badge_w = text_width(br["label"], bfont, bsize) + 2 * pad * 1.6
        badge = (br["label"], bfont, bsize, badge_w, bsize * (a + d) + 2 * pad)
    source_w = ta.w - (badge_w + G if badge else 0)
    sf = need("source", words.source, source_w, f"{pf}.source") if words.source else None
    foot_h = max(sf.height if sf else 0.0, badge[4] if badge else 0.0)
    foot = Box(ta.x0, ta.y1 - foot_h, ta.x1, ta.y1)
    poster.boxes["footer"] = foot
    bottom = foot.y0 - (G if foot_h else 0)
    # -- the words ---------------------------------------------------------------------------------
    col_w = ta.w * L("side_text_width") if side else ta.w
    extra = 2 if side else 0  # the narrow column of the side layout may take more lines
    tpad = L("takeaway_pad") * u
    tbar = L("takeaway_bar") * u
    chart_min = (L("chart_min_side") if side else L("chart_min")) * ta.h
    after_head = G * 2.0 if hero else G * 1.3
    # a chart with many rows asks for more height: the words shrink to make room while the chart's
    # request drops from halfway between its minimum and preferred text size (f = 1) to its minimum (f = 0.5)
    probe = None if side else ChartArea(cv, Box(ta.x0, 0.0, ta.x1, fr.height), spec, data, field=pf,
                                    spec_file=words.spec_file, size_name=fr.name)
    f = 1.0
    while True:
        tf = need("title", words.title, col_w, f"{pf}.title", f, extra)
        sub = need("subtitle", words.subtitle, col_w, f"{pf}.subtitle", f, extra) if words.subtitle else None
        tk = need("takeaway", words.takeaway, col_w - 2 * tpad - tbar, f"{pf}.takeaway", f, extra) \
            if words.takeaway else None
        rule_h = L("rule_height") * u
        head_h = tf.height + (G * 0.6 + sub.height if sub else 0) + G * 0.9 + rule_h
        take_h = tk.height + 2 * tpad if tk else 0.0
        if side:
            chart_h = bottom - top
            words_h = head_h + (G * 1.5 + take_h if tk else 0)
            fits = words_h <= bottom - top
        else:
            chart_h = bottom - top - head_h - after_head - (take_h + G * 1.2 if tk else 0)
            fits = chart_h >= max(chart_min, chart_need(probe, f - 0.5) if probe is not None else 0.0)
        if fits:
            break
        if f <= 0.5 and not side and chart_h >= chart_min:
            break  # the words are as small as they go: the chart fits its data in this box or says why
        if f <= 0.5:
            heights = {f"{pf}.title": tf.height, f"{pf}.subtitle": sub.height if sub else 0,
                       f"{pf}.takeaway": take_h}
            worst = max(heights, key=lambda k: heights[k])
            text = {f"{pf}.title": words.title, f"{pf}.subtitle": words.subtitle,
                    f"{pf}.takeaway": words.takeaway}[worst]
            raise _fail(text, worst, words.spec_file, fr.name)
        f *= 0.93
    head_bg = band_color if hero else theme.background
    title_color = theme.color(role("title").get("color", "primary"))
    y = top
    poster.boxes["title"] = Box(ta.x0, y, ta.x0 + col_w, y + tf.height)
    y = cv.lines(tf, ta.x0, y, color=title_color, bg=head_bg, role="title", field=f"{pf}.title",
                 box=poster.boxes["title"])
    if sub:
        y += G * 0.6
        poster.boxes["subtitle"] = Box(ta.x0, y, ta.x0 + col_w, y + sub.height)
        y = cv.lines(sub, ta.x0, y, color=theme.color(role("subtitle").get("color", "text")), bg=head_bg,
                     role="subtitle", field=f"{pf}.subtitle", box=poster.boxes["subtitle"])
    y += G * 0.9
    cv.rect(Box(ta.x0, y - rule_h, ta.x0 + L("rule_width") * u, y), theme.color("secondary"), zorder=1)
    band = Box(0, 0, fr.width, y + G * 0.9 if hero else hbox.y1 + L("header_pad") * u)
    cv.rect(band, band_color, zorder=0.5)
    poster.boxes["band"] = band
    if side:
        chart_box = Box(ta.x0 + col_w + G * 2, top, ta.x1, bottom)
        take_top = bottom - take_h
    else:
        y += after_head
        chart_box = Box(ta.x0, y, ta.x1, y + chart_h)
        take_top = chart_box.y1 + G * 1.2
    if tk:
        tr = role("takeaway")
        tb = Box(ta.x0, take_top, ta.x0 + col_w, take_top + take_h)
        tbg = theme.color(tr.get("background", "tint(secondary, 0.8)"))
        cv.rect(tb, tbg, radius=tpad * 0.5, zorder=1)
        cv.rect(Box(tb.x0, tb.y0, tb.x0 + tbar, tb.y1), theme.color(tr.get("bar", "secondary")), zorder=1.1)
        poster.boxes["takeaway"] = tb
        cv.lines(tk, tb.x0 + tbar + tpad, tb.y0 + tpad, bg=tbg,
                 color=None if tr.get("color", "auto") == "auto" else theme.color(tr["color"]),
                 role="takeaway", field=f"{pf}.takeaway", box=tb)
    poster.boxes["chart"] = chart_box
    # -- footer drawing --------------------------------------------------------------------------
    if sf:
        cv.lines(sf, foot.x0, foot.y1 - sf.height, color=theme.color(role("source").get("color", "muted")),
                 role="source", field=f"{pf}.source", box=foot)
    if badge:
        label, bfont, bsize, bw, bh = badge
        bb = Box(foot.x1 - bw, foot.y1 - bh, foot.x1, foot.y1)
        bbg = theme.color(role("badge").get("background", "accent"))
        cv.rect(bb, bbg, radius=bh / 2, zorder=1)
        cv.text((bb.x0 + bb.x1) / 2, bb.y1 - L("badge_pad") * u - bsize * font_metrics(bfont)[1], label,
                font=bfont, size=bsize, bg=bbg, ha="center", role="badge", field="sample_data", box=bb)
        poster.boxes["badge"] = bb
    # -- the chart -------------------------------------------------------------------------------
    area = ChartArea(cv, chart_box, spec, data, field=pf, spec_file=words.spec_file, size_name=fr.name)
    KINDS.get(spec.kind, file=str(words.spec_file) if words.spec_file else None, field=f"{pf}.kind").build(area)
    return poster


def verify(poster: Poster) -> dict[str, Any]:
    """After drawing: every text inside the text area (and its own box), WCAG AA contrast.

    Raises DataError naming the field of a text that left its box (too much data for the size).
    Returns the checks for the manifest.
    """
    cv = poster.canvas
    fig = poster.fig
    renderer = fig.canvas.get_renderer()
    ta = poster.frame.text_area
    k = fig.dpi / 72
    H = poster.frame.height
    worst = 21.0
    count = 0
    minimum = cv.theme.contrast_min
    for rec in cv.all_texts():
        box = rec.extent(renderer, H, k)
        count += 1
        for allowed, what in ((ta, "vùng chữ an toàn / text area"), (rec.box, "khung / box")):
            if allowed is not None and not allowed.contains(box, tol=1.0):
                raise DataError.fail(
                    f"chữ '{rec.text}' tràn ra ngoài {what.split(' / ')[0]} ở khổ '{poster.frame.name}'",
                    f"text '{rec.text}' overflows the {what.split(' / ')[1]} of the '{poster.frame.name}' poster",
                    field=rec.field, fix_vi="rút ngắn nội dung hoặc bớt dữ liệu",
                    fix_en="shorten the text or use less data")
        c = contrast(rec.fg, rec.bg)
        if c < minimum - 1e-9:
            raise cv.theme.contrast_error(rec.fg, rec.bg, rec.role)
        worst = min(worst, c)
    return {"texts": count, "text_inside": True, "contrast_min": round(worst, 2),
            "contrast_required": minimum, "text_area": ta.as_list()}


def texts_of(poster: Poster) -> list[str]:
    """Every text drawn on the poster (NFC), top to bottom as drawn."""
    return [nfc(r.text) for r in poster.canvas.all_texts()]
