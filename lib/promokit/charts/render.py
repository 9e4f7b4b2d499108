"""Render a campaign's infographics: every `infographics:` entry at each of its sizes.

`render_posters(ctx)` writes each poster at the catalog's path (`infographics/<id>-<size>.png`, raster, exact
px, or `.pdf`, vector, fonts embedded, TrimBox/BleedBox; drafts under `infographics/draft/`), the alt text
beside it and its checks record (read into the manifest). Files appear atomically (temp file in the same folder,
then rename); `render_infographics(ctx)` (the notebook's call) then updates the manifest. `poster_image` and
`data_table` show one poster or its table inline.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from ..atomic import atomic_path, write_atomic
from ..audit import audit_checks
from ..catalog import CampaignOutputs, Check, Checks, alt_text_path, write_checks
from ..errors import SpecError
from ..fonts import check_coverage
from ..text import nfc
from .audit import poster_defects
from .data import ChartData, chart_data
from .describe import alt_text
from .labels import pretty
from .layout import MM, Poster, PosterText, build_poster, render_raster, texts_of, verify
from .sizes import SIZES
from .theme import Theme, make_theme, mpl_rc

if TYPE_CHECKING:
    from ..project import CampaignContext
    from ..spec.models import Brand, Campaign, Infographic

PREVIEW_LONG_SIDE = 1600  # px of a raster preview of a print size (draft, notebook)


@dataclass
class PosterResult:
    """One written poster: where, how big, its alt text and what was checked."""

    id: str
    size: str
    kind: str
    path: Path
    alt: str
    alt_path: Path
    width: float  # px (raster) or mm (vector, trim size)
    height: float
    unit: str  # "px" or "mm"
    vector: bool
    draft: bool = False
    seconds: float = 0.0
    checks: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # as in its checks record (a column shown under its CSV name)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"], d["alt_path"] = str(self.path), str(self.alt_path)
        d["warnings"] = list(self.warnings)
        return d


# -- inputs ---------------------------------------------------------------------------------------

def _select(campaign: Campaign, ids: list[str] | None, spec_file: Path) -> list[tuple[int, Infographic]]:
    known = [g.id for g in campaign.infographics]
    if ids:
        bad = [i for i in ids if i not in known]
        if bad:
            raise SpecError.fail(f"không có infographic '{', '.join(bad)}'", f"no infographic '{', '.join(bad)}'",
                                 file=spec_file, field="infographics",
                                 fix_vi="dùng một trong: " + (", ".join(known) or "(chưa có)"),
                                 fix_en="use one of: " + (", ".join(known) or "(none yet)"))
    return [(i, g) for i, g in enumerate(campaign.infographics) if not ids or g.id in ids]


def _sizes(g: Infographic, sizes: list[str] | None, spec_file: Path, i: int) -> list[str]:
    chosen = list(sizes) if sizes else list(g.sizes)
    for s in chosen:
        SIZES.get(s, file=str(spec_file), field=f"infographics[{i}].sizes")
    return chosen


def load_data(campaign_dir: Path, g: Infographic, index: int) -> ChartData:
    """Read and check the infographic's table (via promokit.assets) into ChartData."""
    from ..assets import read_table, require_columns, resolve

    spec_file = Path(campaign_dir) / "campaign.yml"
    fld = f"infographics[{index}]"
    path = resolve(Path(campaign_dir), g.data, field=f"{fld}.data", spec_file=spec_file)
    table = read_table(path, g.table_decimal)
    if g.x:
        require_columns(table, [g.x], spec_file=spec_file, field=f"{fld}.x")
    require_columns(table, g.y_columns, spec_file=spec_file, field=f"{fld}.y")
    return chart_data(table, g, spec_file=spec_file, field=fld)


def load_logo(brand: Brand, brand_dir: Path | None) -> np.ndarray | None:
    if not brand.logo or brand_dir is None:
        return None
    from ..assets import read_image, resolve

    path = resolve(Path(brand_dir), brand.logo, field="logo", spec_file=Path(brand_dir) / "brand.yml")
    return np.asarray(read_image(path, mode="RGBA", max_size=(1200, 1200)))


def _checker(spec_file: Path | None):  # noqa: ANN202
    def check(texts: list[str], font: Path, fld: str | None) -> None:
        check_coverage(font, texts, file=spec_file, field=fld)
    return check


def _words(campaign: Campaign, brand: Brand, g: Infographic, index: int, spec_file: Path | None,
           draft: bool) -> PosterText:
    return PosterText(title=nfc(g.title), subtitle=nfc(g.subtitle or campaign.slogan or ""),
                      takeaway=nfc(g.takeaway), source=nfc(g.source), brand=nfc(brand.organisation),
                      sample_data=campaign.sample_data, draft=draft, field=f"infographics[{index}]",
                      spec_file=spec_file)


def _precheck(theme: Theme, words: PosterText) -> None:
    """Every poster text against its font before anything is drawn (FontError names the field)."""
    st = theme.style["text"]
    for name, text, fld in (("title", words.title, f"{words.field}.title"),
                            ("subtitle", words.subtitle, f"{words.field}.subtitle"),
                            ("takeaway", words.takeaway, f"{words.field}.takeaway"),
                            ("source", words.source, f"{words.field}.source"),
                            ("brand", words.brand, "organisation")):
        if text:
            check_coverage(theme.font(st[name]["font"]), [text], file=words.spec_file if name != "brand"
                           else theme.brand_file, field=fld)


# -- output ---------------------------------------------------------------------------------------

def _draw(poster: Poster, dpi: float = 72.0) -> np.ndarray:
    """The poster's RGB pixels (h, w, 3) at `dpi` (72 = the layout's px)."""
    return render_raster(poster, dpi / 72)


def _raster(poster: Poster, dpi: float = 72.0) -> Image.Image:
    px = _draw(poster, dpi)
    return Image.frombuffer("RGBA", (px.shape[1], px.shape[0]), px, "raw", "RGBA", 0, 1).convert("RGB")


def png_bytes(pixels: np.ndarray, text: dict[str, str] | None = None, level: int = 3) -> bytes:
    """An 8-bit RGB PNG of `pixels` (h, w, 3 or 4; alpha dropped): unfiltered rows + zlib. Flat poster
    graphics compress about as well as with Pillow's adaptive filters, several times faster.
    `text` goes into UTF-8 iTXt chunks (e.g. Title, Description)."""
    h, w, c = pixels.shape
    mode = "RGBA" if c == 4 else "RGB"
    img = Image.frombuffer(mode, (w, h), np.ascontiguousarray(pixels), "raw", mode, 0, 1)
    rgb = (img.convert("RGB") if c == 4 else img).tobytes()
    view, stride = memoryview(rgb), w * 3
    z = zlib.compressobj(level)
    idat = []
    for r in range(h):  # filter type 0 (none) before each row
        idat.append(z.compress(b"\0"))
        idat.append(z.compress(view[r * stride:(r + 1) * stride]))
    idat.append(z.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    out = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)),
           chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1))]  # 72 dpi
    for key, value in (text or {}).items():
        out.append(chunk(b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + nfc(value).encode("utf-8")))
    out += [chunk(b"IDAT", b"".join(idat)), chunk(b"IEND", b"")]
    return b"".join(out)


def _pdf_bytes(poster: Poster, metadata: dict[str, str]) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(mpl_rc()):  # pdf.fonttype 42, no mathtext: read when saving
        poster.fig.savefig(buf, format="pdf", dpi=72, metadata=metadata)
    fr = poster.frame
    t = fr.trim
    return set_page_boxes(buf.getvalue(), trim=(t.x0, fr.height - t.y1, t.x1, fr.height - t.y0),
                          bleed=(0.0, 0.0, fr.width, fr.height), user_unit=fr.user_unit)


def set_page_boxes(pdf: bytes, *, trim: tuple[float, float, float, float],
                   bleed: tuple[float, float, float, float], user_unit: float = 1.0) -> bytes:
    """Add /TrimBox, /BleedBox (and /UserUnit) to the single page of a matplotlib PDF; fix the xref."""
    m = re.search(rb"/Type /Page\b[^>]*?/MediaBox \[[^\]]*\]", pdf)
    if m is None:
        raise RuntimeError("no page object with a MediaBox in the PDF")

    def arr(b: tuple[float, float, float, float]) -> bytes:
        return ("[ " + " ".join(f"{v:.3f}".rstrip("0").rstrip(".") for v in b) + " ]").encode()

    insert = b" /TrimBox " + arr(trim) + b" /BleedBox " + arr(bleed)
    if user_unit != 1.0:
        insert += f" /UserUnit {user_unit:g}".encode()
    pos = m.end()
    out = pdf[:pos] + insert + pdf[pos:]
    delta = len(insert)
    sx = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", out)
    if sx is None:
        raise RuntimeError("no startxref in the PDF")
    xref_at = int(sx.group(1)) + delta
    if out[xref_at:xref_at + 4] != b"xref":
        raise RuntimeError("the PDF has no classic xref table")
    head = re.match(rb"xref\s+(\d+) (\d+)\s+", out[xref_at:])
    assert head is not None
    first, count = int(head.group(1)), int(head.group(2))
    start = xref_at + head.end()
    entries = out[start:start + 20 * count]
    fixed = bytearray()
    for i in range(count):
        e = entries[20 * i:20 * i + 20]
        off, gen, kind = int(e[:10]), e[11:16], e[17:18]
        if kind == b"n" and off > pos:
            off += delta
        fixed += b"%010d " % off + gen + b" " + kind + e[18:20]
    del first
    out = out[:start] + bytes(fixed) + out[start + 20 * count:]
    return out[:sx.start(1)] + str(xref_at).encode() + out[sx.end(1):]


def pdf_facts(pdf: bytes) -> dict[str, Any]:
    """What a PDF says about itself: fonts (embedded or not), page boxes."""
    fonts = sorted({f.decode("latin1") for f in re.findall(rb"/BaseFont /([^\s/\]>]+)", pdf)})
    def box(name: bytes) -> list[float] | None:
        m = re.search(rb"/" + name + rb" \[([^\]]*)\]", pdf)
        return [float(v) for v in m.group(1).split()] if m else None
    return {"fonts": fonts, "fonts_embedded": b"/FontFile2" in pdf and b"/Subtype /Type1" not in pdf,
            "media_box": box(b"MediaBox"), "trim_box": box(b"TrimBox"), "bleed_box": box(b"BleedBox")}


def poster_record(facts: dict[str, Any]) -> Checks:
    """The checks record of a poster from what `verify` and the writer found (verdicts apart from facts)."""
    verdicts = [
        Check("text_inside", bool(facts.get("text_inside")), facts.get("texts"), "every text inside its box",
              "" if facts.get("text_inside") else "chữ tràn khung / text overflows its box", "layout"),
        Check("contrast", facts.get("contrast_min", 0) >= facts.get("contrast_required", 4.5) - 1e-9,
              facts.get("contrast_min"), f"≥ {facts.get('contrast_required')}", "", "layout"),
    ]
    if "fonts_embedded" in facts:
        verdicts.append(Check("fonts_embedded", bool(facts["fonts_embedded"]), facts.get("fonts"), "all embedded",
                              "" if facts["fonts_embedded"] else "phông chưa nhúng / fonts not embedded", "pdf"))
    skip = {"text_inside", "fonts_embedded"}
    return Checks("infographic", tuple(verdicts), {k: v for k, v in facts.items() if k not in skip})


# -- public ---------------------------------------------------------------------------------------

def render_posters(ctx: CampaignContext, *, ids: list[str] | None = None, sizes: list[str] | None = None,
                  draft: bool = False) -> list[PosterResult]:
    """Render the campaign's infographics (all, or `ids`) at their sizes (or at `sizes` instead).

    Writes each poster (`.png|.pdf`), its alt text and its checks record at the catalog's paths.
    `draft`: every size as a PNG preview marked "NHÁP" (print sizes at about 1600 px) under `draft/`,
    so a draft never replaces a final. The manifest is left alone (see `render_infographics`).
    Raises SpecError/DataError/FontError/AssetError naming the file and field of the first problem.
    """
    campaign, brand, spec_file = ctx.campaign, ctx.brand, ctx.folder / "campaign.yml"
    chosen = _select(campaign, ids, spec_file)
    plan = [(i, g, _sizes(g, sizes, spec_file, i)) for i, g in chosen]  # every size name checked first
    theme = make_theme(brand, ctx.brand_dir)
    logo = load_logo(brand, ctx.brand_dir)
    check = _checker(spec_file)
    results: list[PosterResult] = []
    for i, g, size_names in plan:
        data = load_data(ctx.folder, g, i)
        words = _words(campaign, brand, g, i, spec_file, draft)
        _precheck(theme, words)
        alt = alt_text(g, data, sample_data=campaign.sample_data)
        for size in size_names:
            t0 = time.perf_counter()
            results.append(_render_one(g, data, theme, size, words, check, logo, alt, ctx.outputs, draft, brand))
            results[-1].seconds = round(time.perf_counter() - t0, 3)
    return results


def render_infographics(ctx: CampaignContext, *, ids: list[str] | None = None, sizes: list[str] | None = None,
                        draft: bool = False) -> list[PosterResult]:
    """`render_posters`, then the campaign's manifest brought up to date, so a notebook run by hand reaches
    the gallery (the notebook's call)."""
    from ..manifest import campaign_info, update_manifest

    results = render_posters(ctx, ids=ids or None, sizes=sizes or None, draft=draft)
    update_manifest(ctx.outputs, info=campaign_info(ctx.campaign))
    return results


def _render_one(g: Infographic, data: ChartData, theme: Theme, size: str, words: PosterText, check: Any,
                logo: np.ndarray | None, alt: str, outputs: CampaignOutputs, draft: bool, brand: Brand) -> PosterResult:
    info = SIZES.get(size)
    poster = build_poster(g, data, theme, size, words, check=check, logo=logo)
    texts = texts_of(poster)
    fr = poster.frame
    stem = f"{g.id}-{size}"
    try:
        if info.vector and not draft:
            pdf = _pdf_bytes(poster, {"Title": words.title, "Author": brand.organisation, "Subject": alt,
                                      "Creator": "promokit"})
            checks = verify(poster)
            checks.update(pdf_facts(pdf))
            path = outputs.poster(g.id, size, "pdf", draft=draft)
            with atomic_path(path) as tmp:
                tmp.write_bytes(pdf)
            w, h = fr.mm if fr.mm else (fr.width / MM, fr.height / MM)
            unit = "mm"
            checks.update({"trim_mm": [w, h], "bleed_mm": info.bleed_mm, "user_unit": fr.user_unit})
        else:
            dpi = 72.0
            if info.vector:
                dpi = 72.0 * PREVIEW_LONG_SIDE / max(fr.width, fr.height)
            rgb = _draw(poster, dpi)
            checks = verify(poster)
            h, w = rgb.shape[:2]
            if not info.vector and (w, h) != (info.width, info.height):
                raise RuntimeError(f"{stem}: rendered {w}x{h}, expected {info.width}x{info.height}")
            path = outputs.poster(g.id, size, "png", draft=draft)
            png = png_bytes(rgb, {"Title": words.title, "Description": alt, "Software": "promokit"})
            with atomic_path(path) as tmp:
                tmp.write_bytes(png)
            unit = "px"
        drawn = None if info.vector else rgb  # a print preview's px do not fall on the audit's grid: drawn again
        audit = audit_checks(poster_defects(poster, drawn))
    finally:
        poster.fig.clear()
    checks.update({"kind": g.kind, "size": size, "draft": draft, "sample_data": words.sample_data,
                   "alt": alt, "width": w, "height": h, "unit": unit})
    alt_path = write_atomic(alt_text_path(path), alt + "\n")
    warnings = raw_headings(data, texts, words.field)
    write_checks(path, poster_record(checks).with_checks(*audit).with_warnings(*warnings))
    return PosterResult(g.id, size, g.kind, path, alt, alt_path, float(w), float(h), unit,
                        info.vector and not draft, draft, checks=checks, warnings=tuple(warnings))


_CSV_NAME = re.compile(r"[a-z0-9_]*[a-z][a-z0-9_]*")  # a column named like a variable: xa, so_san_pham


def raw_headings(data: ChartData, texts: list[str], field_name: str) -> list[str]:
    """Warnings for columns drawn under their CSV name (`xa`, `so_san_pham` as "So san pham"): Vietnamese
    without its diacritics on a poster, or an English word; `labels` gives each its display name."""
    shown = set(texts)
    out = []
    for name in ([data.x_name] if data.x_name else []) + [c.name for c in data.columns]:
        if name in data.headings or not _CSV_NAME.fullmatch(name) or pretty(name) not in shown:
            continue
        out.append(f"cột '{name}' hiện trên áp phích đúng như tên trong CSV ('{pretty(name)}', không dấu) — thêm "
                   f"{field_name}.labels, vd. {{{name}: Tên hiển thị}} / column '{name}' is shown as its CSV name "
                   f"'{pretty(name)}' — give it a display name in {field_name}.labels, e.g. {{{name}: Tên hiển thị}}")
    return out


def _find(ctx: CampaignContext, infographic_id: str) -> tuple[int, Infographic]:
    return _select(ctx.campaign, [infographic_id], ctx.folder / "campaign.yml")[0]


def poster_for(ctx: CampaignContext, infographic_id: str, size: str = "square", *, draft: bool = False,
               raster: bool | None = None) -> Poster:
    """The laid-out (not yet drawn) poster of one infographic at one size: its Figure, boxes and texts."""
    i, g = _find(ctx, infographic_id)
    spec_file = ctx.folder / "campaign.yml"
    SIZES.get(size, file=str(spec_file), field=f"infographics[{i}].sizes")
    theme = make_theme(ctx.brand, ctx.brand_dir)
    words = _words(ctx.campaign, ctx.brand, g, i, spec_file, draft)
    _precheck(theme, words)
    return build_poster(g, load_data(ctx.folder, g, i), theme, size, words, check=_checker(spec_file),
                        logo=load_logo(ctx.brand, ctx.brand_dir), raster=raster)


def poster_image(ctx: CampaignContext, infographic_id: str, size: str = "square", *,
                 draft: bool = False) -> Image.Image:
    """The poster as a PIL image for inline display (print sizes as a ~1600 px preview); writes nothing."""
    poster = poster_for(ctx, infographic_id, size, draft=draft)
    fr = poster.frame
    dpi = 72.0 * PREVIEW_LONG_SIDE / max(fr.width, fr.height) if fr.vector else 72.0
    try:
        img = _raster(poster, dpi)
        verify(poster)
    finally:
        poster.fig.clear()
    return img


@dataclass
class DataView:
    """A table for display: `columns`, `rows` (lists of strings); shows as HTML in a notebook."""

    columns: list[str]
    rows: list[list[str]]
    title: str = ""

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in self.rows)
        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def to_html(self) -> str:
        return self._repr_html_()

    def __len__(self) -> int:
        return len(self.rows)


def data_table(ctx: CampaignContext, infographic_id: str) -> DataView:
    """The infographic's table as read and checked (the columns the chart uses, values as written)."""
    i, g = _find(ctx, infographic_id)
    d = load_data(ctx.folder, g, i)
    cols = ([d.x_name] if d.x_name else []) + [c.name for c in d.columns]
    rows = [([d.labels[r]] if d.x_name else []) + [c.cells[r] for c in d.columns] for r in range(len(d.labels))]
    return DataView(cols, rows, title=g.data)
