"""The layout audit of a publication's editions (`promokit.audit` rules on what was written).

Every edition: the same picture twice in a row (an article's cover and then its first picture, or two
figures of one file or of the same photo under two names). The PDF: its pages drawn small, how far down
each page's content reaches; the cover must take one page, and a page more than a third empty must end a
chapter (the chapters' first pages come from the PDF's bookmarks).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import numpy as np

from ..audit import Defect, duplicates, fingerprint, page_fill
from .model import Document

MARGIN = 0.085  # share of the page height at top and bottom kept for running headers and page numbers
DPI = 36


def reading_order(doc: Document) -> list[tuple[str, str]]:
    """(where, picture key) of every picture in reading order: each chapter's cover, then its figures."""
    out = []
    for ch in doc.chapters:
        if ch.cover is not None and ch.cover.key:
            out.append((f"{ch.source.rel} (bìa / cover)", ch.cover.key))
        for t in ch.tokens:
            for u in t.meta.get("uses", []) if t.type == "pk_figure" else []:
                if u.key:
                    out.append((f"{ch.source.rel}:{u.line or ''}", u.key))
        out.append(("—", ""))  # a chapter break: pictures of two articles are not "in a row"
    return out


def picture_defects(doc: Document, pixels: Callable[[str], np.ndarray | None]) -> list[Defect]:
    """The same picture twice in a row within an article: by file, or by look (`pixels(key)` gives a
    picture's pixels; a picture without pixels is compared by file)."""
    prints: dict[str, int] = {}
    out: list[Defect] = []
    run: list[tuple[str, int]] = []
    for where, key in [*reading_order(doc), ("—", "")]:
        if not key:  # a chapter ends: pictures of two articles are not "in a row"
            out += duplicates(run)
            run = []
            continue
        if key not in prints:
            px = pixels(key)
            prints[key] = fingerprint(px) if px is not None else int(hashlib.sha1(key.encode()).hexdigest()[:15], 16)
        run.append((where, prints[key]))
    return out


def pdf_defects(pdf: bytes) -> list[Defect]:
    """Pages of the PDF: a cover on more than one page, blank pages, pages left more than a third empty
    before the end of a chapter."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        n = len(doc)
        starts = sorted({d.get_index() for d in (b.get_dest() for b in doc.get_toc() if b.level == 0)
                         if d is not None and d.get_index() is not None})
        fills = [_fill(doc[i]) for i in range(n)]
    finally:
        doc.close()
    cover_pages = starts[0] if starts else 1
    ends = {s - 1 for s in starts} | {n - 1, n - 2}
    return page_fill(fills, ends, cover_pages=cover_pages)


def _fill(page) -> float:  # noqa: ANN001 - a pypdfium2 page
    """How far down the page's content area its content reaches (0–1)."""
    w, h = page.get_size()
    im = page.render(scale=DPI / 72, grayscale=True).to_numpy()
    g = im if im.ndim == 2 else im[..., 0]
    top, bottom = int(g.shape[0] * MARGIN), int(g.shape[0] * (1 - MARGIN))
    area = g[top:bottom].astype(np.int16)
    bg = int(np.median(g))
    busy = np.nonzero((np.abs(area - bg) > 24).mean(axis=1) > 0.002)[0]
    if busy.size == 0:
        return 0.0
    return float((busy[-1] + 1) / max(1, area.shape[0]))
