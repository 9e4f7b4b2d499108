"""The PDF edition with WeasyPrint: the HTML page laid out for print.

A4 or A5, a cover page, a table of contents with page numbers (`target-counter`), running headers
(publication and chapter title), page numbers, figures with captions, the brand fonts embedded (subsets),
document metadata (title, author, language vi, fixed dates) and a tagged PDF (`pdf_tags`). WeasyPrint
reads nothing but what the `StrictFetcher` serves from memory: any other address stops the rendering.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from ..errors import ToolError
from ..spec.models import Brand
from .fetcher import Refused, Resource, Sandbox, StrictFetcher
from .html import Pictures, page_html
from .model import Document
from .pagefit import Fix, chapter_ids, chapter_of, gaps, mend, number_figures, page_spans, stand_ins
from .resources import Face, PreparedImage, subset_font
from .templates import font_face_css, stylesheet

PT_PER_PX = 0.75  # CSS px -> PDF points
MEND_PASSES = 2  # layouts after the first at most, each mending the gaps the one before left (pagefit)
PAGE_PT = {"a4": (595.28, 841.89), "a5": (419.53, 595.28)}


@dataclass
class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings (unsupported CSS, missing glyphs) for the checks."""

    messages: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __hash__(self) -> int:
        return id(self)


def write_pdf(doc: Document, pictures: dict[str, Callable[[], PreparedImage]], faces: list[Face], brand: Brand,
              sandbox: Sandbox, *, page: str, logo: PreparedImage | None = None) -> tuple[bytes, dict]:
    """The PDF bytes and its checks (pages, page size, fonts, tags, WeasyPrint warnings).

    `pictures` gives each prepared picture when called: WeasyPrint asks for them in document order while
    it lays out, so the pictures still being prepared (in other threads) overlap with the layout.
    """
    for key, get in pictures.items():
        sandbox.add_lazy(f"img/{key}", lambda get=get: _resource(get()))
    if logo is not None:
        sandbox.add("img/logo", logo.data, logo.media_type)
    texts = doc.body_texts() + doc.heading_texts()
    for face in faces:
        sandbox.add(f"font/{face.name}.ttf", subset_font(face, texts), "font/ttf")
    faces_css = font_face_css(faces, lambda f: f"pk:font/{f.name}.ttf", "truetype")
    css = stylesheet("pdf", brand, page=page, font_faces=faces_css, draft=doc.meta.draft)
    markup = number_figures(page_html(doc, Pictures(lambda key: f"pk:img/{key}"), css=css, edition="pdf",
                                      logo=logo, logo_src=lambda p: "pk:img/logo"))
    fetcher = StrictFetcher(sandbox)
    collect = _Collect()
    log = logging.getLogger("weasyprint")
    log.addHandler(collect)
    ident = hashlib.sha256(f"{doc.meta.identifier}|{doc.meta.modified}".encode()).hexdigest()[:32].encode()
    options = {"pdf_tags": True, "pdf_identifier": ident}
    # one font configuration and one image cache for every layout: pages of two layouts go into one PDF
    # (pagefit's), a font configuration drops its fonts when it goes, and the pictures are decoded once
    shared = {"font_config": FontConfiguration(), "cache": {}}

    def layout(source: str) -> Any:
        return HTML(string=source, base_url="pk:/", url_fetcher=fetcher, media_type="print").render(
            **shared, **options)

    relaid = 0
    try:
        rendered = layout(markup)
        fixes: dict[int, Fix] = {}
        for _ in range(MEND_PASSES):  # a picture pushed to the next page left a gap: fit it back, or move it
            more = {f.n: f for f in gaps(rendered.pages) if f.n not in fixes}
            if not more:
                break
            fixes.update(more)
            rendered, kept = _relayout(markup, fixes, list(more), rendered, layout)
            relaid += len(rendered.pages) - kept
        data = rendered.write_pdf(**options)
    except Refused as e:
        raise e.error from None
    except Exception as e:  # WeasyPrint's own failures (Pango, a broken font): a tool error, not a traceback
        raise ToolError.fail(f"WeasyPrint không dựng được PDF ({type(e).__name__}: {e})",
                             f"WeasyPrint could not build the PDF ({type(e).__name__}: {e})",
                             fix_vi="chạy `make setup` (cài Pango) rồi thử lại",
                             fix_en="run `make setup` (installs Pango) and retry") from e
    finally:
        log.removeHandler(collect)
    first = rendered.pages[0]
    size_pt = [round(first.width * PT_PER_PX, 2), round(first.height * PT_PER_PX, 2)]
    want = PAGE_PT[page]
    checks = {
        "pages": len(rendered.pages),
        "page": page.upper(),
        "page_pt": size_pt,
        "page_size_ok": all(abs(a - b) < 1.0 for a, b in zip(size_pt, want, strict=True)),
        "tagged": options.get("pdf_tags", False),
        "lang": doc.meta.lang,
        "title": doc.meta.title,
        "fonts": sorted({f.path.name for f in faces}),
        "served": len(fetcher.served),
        "warnings": collect.messages[:20],
        "figures_fitted": sum(1 for f in fixes.values() if f.height > 0),
        "figures_moved": sum(1 for f in fixes.values() if f.height <= 0),
        "pages_laid_out_again": relaid,
    }
    return data, checks


def _relayout(markup: str, fixes: dict[int, Fix], new: list[int], before: Any,
              layout: Callable[[str], Any]) -> tuple[Any, int]:
    """The document laid out again with `fixes` mended, and how many of its pages were kept from `before`.

    The chapters before the first one a `new` fix touches are the same as in `before` (each starts a page and
    holds no new mend): they are laid out as empty stand-in pages with their anchors, and their pages are
    taken from `before`. When the stand-ins do not land on the same pages (the front matter grew or shrank),
    or the chapters cannot be told apart on the pages, everything is laid out again."""
    mended = mend(markup, list(fixes.values()))
    ids = chapter_ids(markup)
    touched = [c for c in (chapter_of(markup, n) for n in new) if c is not None]
    first = min(touched) if len(touched) == len(new) else 0
    spans = page_spans([list(p.anchors) for p in before.pages], ids) if first > 0 else None
    if not spans:
        return layout(mended), 0
    light = layout(stand_ins(mended, first, [[list(p.anchors) for p in before.pages[a:b]] for a, b in spans[:first]]))
    again = page_spans([list(p.anchors) for p in light.pages], ids)
    if again is None or again[:first] != spans[:first]:
        return layout(mended), 0
    a, b = spans[0][0], spans[first - 1][1]
    return light.copy(light.pages[:a] + before.pages[a:b] + light.pages[b:]), b - a


def _resource(p: PreparedImage) -> Resource:
    return Resource(p.data, p.media_type)


def verify_pdf(path: Path) -> dict:
    """Read a PDF back (pypdf): tagged?, language, title, author, page sizes (pt) and every font with whether
    it is embedded. Slow on big files (pypdf parses every object): for tests and the notebook, not renders."""
    try:
        import pypdf
    except ImportError:
        return {"verified": False, "reason": "pypdf not installed"}
    reader = pypdf.PdfReader(str(path))
    root = reader.trailer["/Root"]
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        res = page.get("/Resources") or {}
        for ref in (res.get("/Font") or {}).values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            fonts[name] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    meta = reader.metadata or {}
    sizes = sorted({(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages})
    tagged = "/StructTreeRoot" in root and bool((root.get("/MarkInfo") or {}).get("/Marked"))
    return {"verified": True, "pages": len(reader.pages), "page_sizes_pt": [list(s) for s in sizes], "tagged": tagged,
            "lang": str(root.get("/Lang", "")), "title": str(meta.get("/Title", "")),
            "author": str(meta.get("/Author", "")), "fonts": sorted(fonts),
            "fonts_embedded": bool(fonts) and all(fonts.values())}
