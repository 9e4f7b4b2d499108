"""E-publications: a campaign's articles, pictures and infographics as HTML, PDF and EPUB from one model.

    results = render_publication(ctx)                 # every format the campaign asks for
    results = render_publication(ctx, formats=["epub"], page="a5", draft=True)

writes the catalog's `publication/<id>.html|.pdf|.epub` (drafts under `publication/draft/`) atomically (with the checks record beside each,
read into the manifest) and returns one `EditionResult` per edition: format, path, bytes, seconds,
checks (the EPUBCheck verdict for EPUB, pages/page size/fonts/tags for PDF, pictures for HTML).

For the notebook: `article_table(ctx)`, `html_preview(result)`, `pdf_pages(path, n=2)`, `epubcheck(path)`.

How articles refer to pictures, infographics and the video cover: see `promokit.publication.model`.
"""

from __future__ import annotations

import base64
import datetime as dt
import html as _html
import io
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from .. import assets
from ..atomic import atomic_path
from ..catalog import Check, Checks, write_checks
from ..errors import Problem, ProblemList, PromokitError, SpecError, ToolError, UsageError
from ..manifest import campaign_info, update_manifest
from ..overview import HTML
from ..project import CampaignContext
from ..spec.models import THEMES, Publication
from ..text import format_date, format_number, nfc
from .fetcher import Sandbox
from .model import MD, ArticleSource, Document, Meta, build_document, clean
from .resources import (
    DRAFT,
    FINAL,
    PreparedImage,
    brand_faces,
    check_fonts,
    find_pictures,
    prepare_images,
    prepare_logo,
    start_images,
)

__all__ = ["FORMATS", "EditionResult", "Verdict", "article_table", "build", "check_publication", "epubcheck", "files_written", "html_preview",
           "pdf_pages", "render_publication"]

FORMATS = ("html", "pdf", "epub")
PAGES = ("a4", "a5")
EPUBCHECK_TIMEOUT = 300  # s


# ----------------------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What EPUBCheck said about one EPUB."""

    ran: bool
    errors: int = 0
    warnings: int = 0
    fatals: int = 0
    messages: list[str] = field(default_factory=list)
    version: str = ""
    seconds: float = 0.0
    reason: str = ""  # why it did not run

    @property
    def ok(self) -> bool:
        return self.ran and self.errors == 0 and self.warnings == 0 and self.fatals == 0

    def as_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        d["messages"] = self.messages[:20]
        return d

    def __str__(self) -> str:
        if not self.ran:
            return f"EPUBCheck chưa chạy / not run: {self.reason}"
        head = (f"EPUBCheck {self.version}: {self.fatals} lỗi nghiêm trọng / fatal, {self.errors} lỗi / errors, "
                f"{self.warnings} cảnh báo / warnings")
        return "\n".join([head, *self.messages[:20]])

    def _repr_html_(self) -> str:
        colour = "#0B5D3B" if self.ok else "#C8102E"
        items = "".join(f"<li>{_html.escape(m)}</li>" for m in self.messages[:20])
        return (f'<p style="color:{colour};font-weight:bold">{"✔" if self.ok else "✘"} '
                f"{_html.escape(str(self).splitlines()[0])}</p>" + (f"<ul>{items}</ul>" if items else ""))


@dataclass
class EditionResult:
    """One edition written: its format, file, size, time and checks."""

    format: str
    path: Path
    bytes: int
    seconds: float
    checks: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.format}: {self.path} ({format_number(self.bytes / 1e6, 2)} MB, {self.seconds:.2f} s)"

    @property
    def verdict(self) -> Verdict | None:
        """The EPUBCheck verdict recorded when the EPUB was written (None for other formats)."""
        v = self.checks.get("epubcheck")
        if not isinstance(v, dict):
            return None
        names = ("ran", "errors", "warnings", "fatals", "messages", "version", "seconds", "reason")
        return Verdict(**{k: v[k] for k in names if k in v})

    def _repr_html_(self) -> str:
        return f"<code>{_html.escape(str(self))}</code>"


# ----------------------------------------------------------------------------------------------------------
# From the campaign to the model
# ----------------------------------------------------------------------------------------------------------


def _publication(ctx: CampaignContext) -> Publication:
    return ctx.campaign.publication or Publication()


def article_paths(ctx: CampaignContext) -> list[str]:
    """The articles in order: `publication.articles`, else every .md in articles/ by name. SpecError if none."""
    pub = _publication(ctx)
    rels = list(pub.articles)
    if not rels:
        rels = [p.relative_to(ctx.folder).as_posix() for p in assets.discover(ctx.folder).articles]
    if not rels:
        raise SpecError.fail(
            "ấn phẩm chưa có bài viết nào", "the publication has no articles",
            file=ctx.folder / "campaign.yml", field="publication.articles",
            fix_vi=f"viết bài Markdown vào {ctx.folder / 'articles'} và liệt kê ở publication.articles",
            fix_en=f"write Markdown articles in {ctx.folder / 'articles'} and list them in publication.articles")
    return [nfc(r) for r in rels]


def article_sources(ctx: CampaignContext) -> list[ArticleSource]:
    """Every article read (UTF-8, NFC, front matter) through `promokit.assets`, with the line its body starts."""
    return [_source(ctx, i, rel) for i, rel in enumerate(article_paths(ctx))]


def _source(ctx: CampaignContext, i: int, rel: str) -> ArticleSource:
    path = assets.resolve(ctx.folder, rel, field=f"publication.articles[{i}]")
    art = assets.read_article(path)
    text = assets.read_text(path)  # the whole file: the line where the body starts, for messages
    body_line = text[: len(text) - len(art.body)].count("\n") + 1 if text.endswith(art.body) else 1
    return ArticleSource(rel, str(path), art.meta, art.body, art.title, art.words, body_line)


def _modified(ctx: CampaignContext, files: list[Path]) -> str:
    """`dcterms:modified`: $SOURCE_DATE_EPOCH, else the newest input file (same inputs, same date)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        t = int(epoch)
    else:
        stamps = [p.stat().st_mtime for p in files if p.exists()]
        t = int(max(stamps)) if stamps else 0
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _contacts(ctx: CampaignContext) -> tuple[str, ...]:
    c = ctx.brand.contacts
    labels = (("Địa chỉ", c.address), ("Điện thoại", c.phone), ("Email", c.email), ("Website", c.web),
              ("Facebook", c.facebook), ("Zalo", c.zalo))
    return tuple(f"{k}: {clean(v)}" for k, v in labels if v)


def publication_meta(ctx: CampaignContext, *, page: str, draft: bool, modified: str = "") -> Meta:
    c, pub = ctx.campaign, _publication(ctx)
    date_iso = c.dates.from_.isoformat() if c.dates else modified[:10]
    cover = pub.cover
    if cover is None:
        images = assets.discover(ctx.folder).images
        cover = images[0].relative_to(ctx.folder).as_posix() if images else None
    return Meta(
        title=clean(pub.title or c.title), subtitle=clean(pub.subtitle or c.slogan),
        author=clean(pub.author or ctx.brand.organisation), publisher=clean(ctx.brand.organisation),
        identifier="urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"promokit:campaign:{c.id}")),
        modified=modified, date=format_date(date_iso) if date_iso else "", date_iso=date_iso,
        theme=THEMES.get(c.theme, ""), description=clean(c.description or c.slogan), sample_data=c.sample_data,
        brand=clean(ctx.brand.name), contacts=_contacts(ctx), page=page, draft=draft,
        cover=nfc(cover) if cover else None, spec_file=str(ctx.folder / "campaign.yml"))


@dataclass
class Prepared:
    """Everything the writers need, computed once for all editions.

    The pictures are prepared in a thread pool started by `build`; `images` waits for them all (the PDF
    writer takes them one by one as WeasyPrint asks, so the layout overlaps their preparation).
    """

    doc: Document
    futures: dict[str, Future]
    logo: PreparedImage | None
    faces: list
    sandbox: Sandbox
    seconds: float  # reading and checking: articles, pictures found, fonts
    _images: dict[str, PreparedImage] | None = None
    images_ready: float = 0.0  # perf_counter() when the last picture was ready

    @property
    def images(self) -> dict[str, PreparedImage]:
        if self._images is None:
            self._images = {key: f.result() for key, f in self.futures.items()}  # first failure in document order
            self.images_ready = time.perf_counter()
        return self._images


def build(ctx: CampaignContext, *, page: str | None = None, draft: bool = False, pool: Executor | None = None
          ) -> Prepared:
    """Read and check the articles, find the pictures, check the fonts, start preparing the pictures.

    Without `pool` the pictures are prepared before this returns. Raises PromokitError.
    """
    t0 = time.perf_counter()
    page = _check_page(page or _publication(ctx).page)
    sources = article_sources(ctx)
    sandbox = Sandbox.of(ctx.folder, ctx.brand_dir, ctx.out_dir)
    meta = publication_meta(ctx, page=page, draft=draft)
    doc = build_document(sources, meta)
    paths = find_pictures(doc, ctx, sandbox)
    inputs = [ctx.folder / "campaign.yml", ctx.brand_dir / "brand.yml", *(Path(s.file) for s in sources),
              *paths.values()]
    doc.meta = replace(meta, modified=_modified(ctx, inputs))
    faces = brand_faces(ctx)
    check_fonts(faces, doc)
    where = {u.key: u for u in reversed(doc.uses)}
    quality = DRAFT if draft else FINAL
    if pool is None:
        images = prepare_images(paths, quality, where=where)
        futures: dict[str, Future] = {}
        for key, im in images.items():
            futures[key] = Future()
            futures[key].set_result(im)
    else:
        futures = start_images(paths, quality, pool, where)
    logo = prepare_logo(ctx, sandbox)
    return Prepared(doc, futures, logo, faces, sandbox, time.perf_counter() - t0)


def check_publication(ctx: CampaignContext, *, outputs: bool = True) -> list[Problem]:
    """Every problem of the publication's articles, found without rendering (for `promokit check`):
    unreadable articles and missing titles, pictures that are missing, outside the campaign or without alt
    text, refused links, outputs (infographics, video covers) not rendered yet — unless `outputs=False`,
    as before a first run, when they cannot exist yet. Pictures are not decoded."""
    found = ProblemList()
    pub = _publication(ctx)
    if not pub.articles and not assets.discover(ctx.folder).articles:
        if ctx.campaign.publication is None:
            return []  # no publication asked for, none possible: not a problem for `check`
    try:
        rels = article_paths(ctx)
    except PromokitError as e:
        return list(e.problems)
    sources = []
    for i, rel in enumerate(rels):
        try:
            sources.append(_source(ctx, i, rel))
        except PromokitError as e:
            found.add(e)
    if not sources:
        return found.problems
    try:
        meta = publication_meta(ctx, page=_publication(ctx).page, draft=False)
        doc = build_document(sources, meta, problems=found)
    except PromokitError as e:
        found.add(e)
        return found.problems
    sandbox = Sandbox.of(ctx.folder, ctx.brand_dir, ctx.out_dir)
    for key, pic in doc.pictures.items():
        if pic.kind == "output" and not outputs:
            continue
        single = Document(doc.meta, [], {key: pic}, [u for u in doc.uses if u.key == key], None, {})
        try:
            find_pictures(single, ctx, sandbox)
        except PromokitError as e:
            found.add(e)
    return found.problems


def _check_page(page: str) -> str:
    p = str(page).lower()
    if p not in PAGES:
        raise UsageError.fail(f"khổ giấy '{page}' không hỗ trợ", f"unsupported page size '{page}'",
                              field="page", fix_vi="dùng a4 hoặc a5", fix_en="use a4 or a5")
    return p


def _check_formats(formats: list[str] | tuple[str, ...]) -> list[str]:
    out = []
    for f in formats:
        f = str(f).lower().lstrip(".")
        if f not in FORMATS:
            raise UsageError.fail(f"định dạng '{f}' không hỗ trợ", f"unsupported format '{f}'", field="formats",
                                  fix_vi="dùng html, pdf, epub", fix_en="use html, pdf, epub")
        if f not in out:
            out.append(f)
    if not out:
        raise UsageError.fail("chưa chọn định dạng nào", "no format chosen", field="formats",
                              fix_vi="dùng html, pdf, epub", fix_en="use html, pdf, epub")
    return out


# ----------------------------------------------------------------------------------------------------------
# Writing the editions
# ----------------------------------------------------------------------------------------------------------


def _html_edition(p: Prepared, ctx: CampaignContext) -> tuple[bytes, dict]:
    from .html import Pictures, data_uri, page_html
    from .resources import subset_font
    from .templates import font_face_css, stylesheet

    texts = p.doc.body_texts() + p.doc.heading_texts()
    woff2 = {f.name: base64.b64encode(subset_font(f, texts, "woff2")).decode("ascii") for f in p.faces}
    faces_css = font_face_css(p.faces, lambda f: f"data:font/woff2;base64,{woff2[f.name]}", "woff2")
    css = stylesheet("html", ctx.brand, page=p.doc.meta.page, font_faces=faces_css)
    markup = page_html(p.doc, Pictures.of(p.images, data_uri), css=css, edition="html", logo=p.logo)
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
    warnings = [str(w) for w in facts.get("warnings", [])] if isinstance(facts.get("warnings"), list) else []
    rest = {k: v for k, v in facts.items() if k not in _VERDICTS and k != "warnings"}
    return Checks("publication", tuple(verdicts), rest, tuple(warnings))


def _write_checks(r: EditionResult) -> None:
    write_checks(r.path, edition_record(r.checks))


# ----------------------------------------------------------------------------------------------------------
# Validators and notebook helpers
# ----------------------------------------------------------------------------------------------------------


def _epubcheck_command() -> list[str] | None:
    exe = shutil.which("epubcheck")
    candidates = [Path(os.path.realpath(exe))] if exe else []
    candidates.append(Path("/usr/share/java/epubcheck.jar"))
    for c in candidates:
        if c.suffix == ".jar" and c.is_file():
            java = shutil.which("java")
            # C1 only and the serial collector: a short run starts in about half the time
            return [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(c)] if java else None
        if c.is_file() and os.access(c, os.X_OK):
            return [str(c)]
    return None


def epubcheck(path: Path) -> Verdict:
    """Run EPUBCheck on `path`; a Verdict with `ran=False` (and the reason) when it is not installed."""
    cmd = _epubcheck_command()
    if cmd is None:
        return Verdict(False, reason="EPUBCheck chưa cài / not installed (sudo apt-get install epubcheck)")
    t0 = time.perf_counter()
    try:
        r = subprocess.run([*cmd, str(path), "--json", "-"], capture_output=True, timeout=EPUBCHECK_TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Verdict(False, reason=f"EPUBCheck failed to run: {e}")
    seconds = time.perf_counter() - t0
    out = r.stdout.decode("utf-8", "replace")
    start = out.find("{")
    try:
        report = json.loads(out[start:]) if start >= 0 else None
    except ValueError:
        report = None
    if report is None:
        return Verdict(False, reason="EPUBCheck output unreadable: " + (r.stderr.decode("utf-8", "replace")[-500:]),
                       seconds=seconds)
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0}
    messages = []
    for msg in report.get("messages", []):
        sev = msg.get("severity", "")
        if sev in counts:
            n = max(1, len(msg.get("locations") or []))
            counts[sev] += n
            loc = (msg.get("locations") or [{}])[0]
            messages.append(f"{sev} {msg.get('ID', '')} {loc.get('path', '')}:{loc.get('line', '')}: {msg.get('message', '')}")
    version = str((report.get("checker") or {}).get("checkerVersion", ""))
    return Verdict(True, counts["ERROR"], counts["WARNING"], counts["FATAL"], messages, version, round(seconds, 2))


def article_table(ctx: CampaignContext) -> HTML:
    """The publication's articles in order: file, title, author, date, words, pictures."""
    rows, texts = [], []
    for src in article_sources(ctx):
        pictures = sum(1 for t in MD.parse(src.body) for c in (t.children or []) if c.type == "image")
        rows.append([src.rel, src.title, _str(src.meta.get("author")), _str(src.meta.get("date")),
                     format_number(src.words), str(pictures)])
        texts.append(f"{src.rel}: {src.title} ({src.words} từ, {pictures} ảnh)")
    total = sum(int(r[4].replace(".", "")) for r in rows)
    head = "".join(f"<th>{_html.escape(c)}</th>" for c in
                   ("Tệp / file", "Tiêu đề / title", "Tác giả / author", "Ngày / date", "Số từ / words", "Ảnh / pictures"))
    body = "".join("<tr>" + "".join(f"<td>{_html.escape(v)}</td>" for v in r) + "</tr>" for r in rows)
    caption = f"{len(rows)} bài · {format_number(total)} từ / words"
    return HTML(f"<table><caption>{_html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>", "\n".join([caption, *texts]))


def _str(v: Any) -> str:
    if v is None:
        return ""
    return format_date(v) if isinstance(v, dt.date) else clean(v)


_DATA_IMG = re.compile(r'data:image/(?:jpeg|png);base64,([A-Za-z0-9+/=]+)')


def _thumb(m: re.Match) -> str:
    try:
        im = Image.open(io.BytesIO(base64.b64decode(m.group(1))))
        im.thumbnail((480, 480))
        if im.mode in ("RGBA", "LA", "P"):
            rgba = im.convert("RGBA")
            im = Image.new("RGB", rgba.size, (255, 255, 255))
            im.paste(rgba, mask=rgba.getchannel("A"))
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "JPEG", quality=60)
        return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    except Exception:
        return m.group(0)


def html_preview(result: EditionResult | Path, *, height: int = 640) -> HTML:
    """The HTML edition inline in a notebook: an iframe holding the page (pictures thumbnailed, so the
    notebook stays small); it works in executed copies too (no server path needed)."""
    path = Path(result.path if isinstance(result, EditionResult) else result)
    markup = path.read_text(encoding="utf-8")
    markup = _DATA_IMG.sub(_thumb, markup)
    frame = (f'<iframe title="{_html.escape(path.name)}" srcdoc="{_html.escape(markup, quote=True)}" '
             f'style="width:100%;height:{int(height)}px;border:1px solid #ccc" sandbox="allow-same-origin"></iframe>')
    return HTML(frame, f"{path} ({format_number(path.stat().st_size / 1e6, 2)} MB)")


def pdf_pages(path: Path | EditionResult, n: int = 2, *, width: int = 900) -> list[Image.Image]:
    """The first `n` pages of a PDF as pictures `width` px wide (rendered by PDFium: pypdfium2)."""
    path = Path(path.path if isinstance(path, EditionResult) else path)
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise ToolError.fail("cần gói pypdfium2 để xem trang PDF", "pypdfium2 is needed to show PDF pages",
                             fix_vi="chạy `make setup`", fix_en="run `make setup`") from None
    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for i in range(min(n, len(pdf))):
            page = pdf[i]
            bitmap = page.render(scale=width / page.get_width())
            pages.append(bitmap.to_pil().convert("RGB"))
            page.close()
        return pages
    finally:
        pdf.close()


def files_written(results: list[EditionResult]) -> HTML:
    """The files written, with sizes and checks in one line each (for the notebook's last cell)."""
    rows = []
    for r in results:
        c = r.checks
        if r.format == "epub":
            v = c.get("epubcheck", {})
            note = (f"EPUBCheck {v.get('version', '')}: {v.get('errors', 0)} lỗi, {v.get('warnings', 0)} cảnh báo"
                    if v.get("ran") else f"EPUBCheck: {v.get('reason', 'không chạy')}")
        elif r.format == "pdf":
            note = f"{c.get('pages')} trang {c.get('page')} · tagged={c.get('tagged')} · {len(c.get('fonts', []))} phông"
        else:
            note = f"{c.get('images')} ảnh, tự chứa / self-contained={c.get('self_contained')}"
        rows.append([r.format, str(r.path), f"{format_number(r.bytes / 1e6, 2)} MB", f"{r.seconds:.2f} s", note])
    head = "".join(f"<th>{h}</th>" for h in ("Định dạng", "Tệp / file", "Dung lượng", "Thời gian", "Kiểm tra / checks"))
    body = "".join("<tr>" + "".join(f"<td>{_html.escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    return HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
                "\n".join(" · ".join(r) for r in rows))
