"""From the campaign to the model: articles, meta, fonts and pictures prepared once for every edition;
the publication part of `promokit check`."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from pathlib import Path

from .. import assets
from ..errors import Problem, ProblemList, PromokitError, SpecError, UsageError
from ..project import CampaignContext
from ..spec.models import THEMES, Publication
from ..text import format_date, nfc
from .fetcher import Sandbox
from .model import ArticleSource, Document, Meta, build_document, clean
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

FORMATS = ("html", "pdf", "epub")
PAGES = ("a4", "a5")




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


