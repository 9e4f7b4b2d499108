"""Writing the editions: one writer per format (registered by name), each file atomically with its checks record."""

from __future__ import annotations

import base64
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

from ..atomic import atomic_path
from ..audit import Defect, audit_checks
from ..catalog import Check, Checks, write_checks
from ..errors import ToolError
from ..manifest import campaign_info, update_manifest
from ..project import CampaignContext
from .prepare import Prepared, _check_formats, _publication, build
from .results import EditionResult, Verdict
from .validate import epubcheck


def _html_edition(p: Prepared, ctx: CampaignContext) -> tuple[bytes, dict]:
    from .html import page_html, screen_pictures
    from .resources import subset_font
    from .templates import font_face_css, stylesheet

    texts = p.doc.body_texts() + p.doc.heading_texts()
    woff2 = {f.name: base64.b64encode(subset_font(f, texts, "woff2")).decode("ascii") for f in p.faces}
    faces_css = font_face_css(p.faces, lambda f: f"data:font/woff2;base64,{woff2[f.name]}", "woff2")
    css = stylesheet("html", ctx.brand, page=p.doc.meta.page, font_faces=faces_css)
    markup = page_html(p.doc, screen_pictures(p.images), css=css, edition="html", logo=p.logo)
    external = re.findall(r'(?:src|href)="((?!data:|#)[^"]*)"', markup)
    outbound = [u for u in external if u.startswith(("https:", "mailto:", "tel:"))]
    checks = {"images": len(p.images), "images_downscaled": sum(i.downscaled for i in p.images.values()),
              "max_image_px": max((max(i.width, i.height) for i in p.images.values()), default=0),
              "lang": p.doc.meta.lang, "chapters": len(p.doc.chapters),
              "self_contained": len(external) == len(outbound), "outbound_links": len(outbound)}
    return markup.encode("utf-8"), checks


def _pdf_edition(p: Prepared, ctx: CampaignContext) -> tuple[bytes, dict]:
    from .pdf import write_pdf

    pictures = {key: f.result for key, f in p.futures.items()}
    return write_pdf(p.doc, pictures, p.faces, ctx.brand, p.sandbox, page=p.doc.meta.page, logo=p.logo)


def _epub_edition(p: Prepared, ctx: CampaignContext) -> tuple[bytes, dict]:
    from .epub import write_epub

    return write_epub(p.doc, p.images, p.faces, ctx.brand, logo=p.logo)


WRITERS = {"html": _html_edition, "pdf": _pdf_edition, "epub": _epub_edition}


def render_publication(ctx: CampaignContext, *, formats: list[str] | None = None, page: str | None = None,
                       draft: bool = False, validate: bool = True) -> list[EditionResult]:
    """Write the campaign's publication in `formats` (default: the campaign's `publication.formats`).

    `page` a4/a5 overrides the spec; `draft` makes smaller pictures and marks every edition "BẢN NHÁP".
    With `validate` (default) each EPUB is checked by EPUBCheck when installed; errors or warnings raise
    a ToolError after the file and its checks are written. Raises PromokitError for bad input (the
    article file and line of a bad picture or link, a missing title, an empty article list, …).
    """
    chosen = _check_formats(formats or _publication(ctx).formats)
    t_start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="pk-pictures") as pool:
        try:
            prepared = build(ctx, page=page, draft=draft, pool=pool)
            # the PDF first: its layout overlaps the pictures still being prepared
            order = sorted(chosen, key=lambda f: f != "pdf")
            done = {fmt: _write_edition(fmt, prepared, ctx, draft, validate) for fmt in order}
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    ready = prepared.images_ready or time.perf_counter()
    for r in done.values():
        r.checks["prepare_seconds"] = round(prepared.seconds, 3)
        r.checks["pictures_ready_seconds"] = round(ready - t_start, 3)
        _write_checks(r)
    update_manifest(ctx.outputs, info=campaign_info(ctx.campaign))  # a notebook run by hand reaches the gallery
    for r in done.values():
        v = r.checks.get("epubcheck")
        if v and v.get("ran") and not v.get("ok"):
            raise ToolError.fail(
                f"EPUBCheck báo {v['fatals'] + v['errors']} lỗi, {v['warnings']} cảnh báo",
                f"EPUBCheck reports {v['fatals'] + v['errors']} errors, {v['warnings']} warnings",
                file=r.path, fix_vi="báo cho nhóm phát triển kèm tệp và: " + "; ".join(v["messages"][:3]),
                fix_en="report it to the developers with the file and: " + "; ".join(v["messages"][:3]))
    return [done[f] for f in chosen]


def _write_edition(fmt: str, prepared: Prepared, ctx: CampaignContext, draft: bool, validate: bool) -> EditionResult:
    t0 = time.perf_counter()
    data, checks = WRITERS[fmt](prepared, ctx)
    path = ctx.outputs.edition(fmt, draft=draft)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
        if fmt == "epub":
            verdict = epubcheck(tmp) if validate else Verdict(False, reason="validate=False")
            checks["epubcheck"] = verdict.as_dict()
    checks.update({"format": fmt, "draft": draft, "sample_data": ctx.campaign.sample_data})
    checks["audit"] = [c.to_dict() for c in audit_checks(edition_defects(fmt, data, prepared))]
    seconds = time.perf_counter() - t0
    checks["seconds"] = round(seconds, 3)
    result = EditionResult(fmt, path, len(data), seconds, checks)
    _write_checks(result)
    return result


#: Facts of an edition that are verdicts: name -> (what was wanted, reason when not met).
_VERDICTS = {
    "self_contained": ("no external files", "trang HTML dùng tệp bên ngoài / the HTML uses outside files"),
    "page_size_ok": ("the asked page size", "khổ trang sai / wrong page size"),
}


def edition_record(facts: dict) -> Checks:
    """The checks record of an edition: its verdicts (EPUBCheck, page size, self-contained) apart from facts."""
    verdicts = [Check(k, bool(facts[k]), facts[k], want, "" if facts[k] else why, "writer")
                for k, (want, why) in _VERDICTS.items() if k in facts]
    v = facts.get("epubcheck")
    if isinstance(v, dict) and v.get("ran"):
        verdicts.append(Check("epubcheck", bool(v.get("ok")), f"{v.get('errors', 0)} errors, {v.get('warnings', 0)} warnings",
                              "0 errors, 0 warnings", "; ".join(v.get("messages", [])[:3]), "EPUBCheck"))
    for a in facts.get("audit", []):  # the layout audit's verdicts (`promokit.audit`)
        verdicts.append(Check(a["name"], bool(a["ok"]), a.get("value"), a.get("expected"), a.get("reason", ""),
                              a.get("source", "")))
    warnings = [str(w) for w in facts.get("warnings", [])] if isinstance(facts.get("warnings"), list) else []
    rest = {k: v for k, v in facts.items() if k not in _VERDICTS and k not in ("warnings", "audit")}
    return Checks("publication", tuple(verdicts), rest, tuple(warnings))


def edition_defects(fmt: str, data: bytes, prepared: Prepared) -> list[Defect]:
    """The layout audit of one written edition (`publication.audit`)."""
    import io

    import numpy as np
    from PIL import Image

    from .audit import pdf_defects, picture_defects

    def pixels(key: str) -> np.ndarray | None:
        img = prepared.images.get(key)
        if img is None:
            return None
        with Image.open(io.BytesIO(img.data)) as im:
            im.thumbnail((64, 64))
            return np.asarray(im.convert("RGB"))

    out = picture_defects(prepared.doc, pixels)
    if fmt == "pdf":
        out += pdf_defects(data)
    return out


def _write_checks(r: EditionResult) -> None:
    write_checks(r.path, edition_record(r.checks))


