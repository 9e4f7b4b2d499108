"""The EPUB 3 edition, written by hand with zipfile, to pass EPUBCheck with no error and no warning.

Layout of the archive (deterministic: fixed order and timestamps):

    mimetype                      first, stored (not compressed), no extra field
    META-INF/container.xml
    OEBPS/content.opf             metadata (dc:title, dc:language vi, dc:identifier urn:uuid stable per
                                  campaign, dcterms:modified, accessibility metadata), manifest, spine
    OEBPS/nav.xhtml               the navigation document (toc + landmarks), also in the spine
    OEBPS/cover.xhtml  title.xhtml  chapter-NN.xhtml  colophon.xhtml
    OEBPS/style.css  images/  fonts/   (font subsets of the brand fonts)
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from ..spec.models import Brand
from .body import render_body
from .html import (
    DRAFT_NOTE,
    TOC_TITLE,
    Pictures,
    body_env,
    chapter_header,
    colophon_block,
    cover_block,
    toc_list,
)
from .model import Chapter, Document, Heading, Link, esc, esc_title
from .resources import Face, PreparedImage, subset_font
from .templates import fill, font_face_css, stylesheet

MIMETYPE = b"application/epub+zip"


def chapter_file(n: int) -> str:
    return f"chapter-{n:02d}.xhtml"


def _zip_time(modified: str) -> tuple[int, int, int, int, int, int]:
    try:
        t = dt.datetime.strptime(modified, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        t = dt.datetime(2000, 1, 1)
    t = max(t, dt.datetime(1980, 1, 1))
    return (t.year, t.month, t.day, t.hour, t.minute, t.second)


def _content(doc: Document, title: str, body: str, body_class: str, body_type: str) -> str:
    return fill("content.xhtml", lang=esc(doc.meta.lang), title=esc(title), body=body, body_class=body_class,
                body_type=body_type)


def write_epub(doc: Document, images: dict[str, PreparedImage], faces: list[Face], brand: Brand, *,
               logo: PreparedImage | None = None) -> tuple[bytes, dict]:
    """The EPUB bytes and a few facts about it (the EPUBCheck verdict is added by the caller)."""
    m = doc.meta
    pics = Pictures.of(images, lambda p: f"images/{p.key}{p.ext}")
    files: dict[str, bytes] = {}
    manifest: list[str] = []
    spine: list[str] = []

    def add(name: str, data: str | bytes, media: str, item_id: str, *, props: str = "", linear: bool | None = None
            ) -> None:
        files[f"OEBPS/{name}"] = data.encode("utf-8") if isinstance(data, str) else data
        p = f' properties="{props}"' if props else ""
        manifest.append(f'<item id="{item_id}" href="{esc(name)}" media-type="{media}"{p}/>')
        if linear is not None:
            spine.append(f'<itemref idref="{item_id}"' + ("" if linear else ' linear="no"') + "/>")

    def href(link: Link) -> str:
        if link.kind != "anchor":
            return link.url
        return f"{chapter_file(doc.anchors[link.url])}#{link.url}"

    def toc_href(ch: Chapter, h: Heading | None) -> str:
        return f"{chapter_file(ch.number)}#{h.id if h else ch.id}"

    # cover
    cover_key = doc.cover.key if doc.cover is not None else None
    if doc.cover is not None:
        body = (f'<section class="cover-page" epub:type="cover" aria-label="{esc("Bìa")}">\n'
                f"{pics.img(doc.cover)}\n</section>")
    else:
        body = (f'<section class="cover-page" epub:type="cover" aria-labelledby="cover-title">\n'
                f'<h1 id="cover-title">{esc_title(m.title)}</h1>\n<p>{esc_title(m.subtitle)}</p>\n</section>')
    add("cover.xhtml", _content(doc, m.title, body, "cover-body", "frontmatter"), "application/xhtml+xml", "cover",
        props="", linear=True)

    # title page: the HTML edition's cover block without the cover picture (the cover page has it)
    body = cover_block(doc, pics, logo, lambda im: f"images/logo{im.ext}", cover=False)
    if m.draft:
        body += f'<p class="draft-banner">{esc(DRAFT_NOTE)}</p>\n'
    add("title.xhtml", _content(doc, m.title, f'<section class="title-page" epub:type="titlepage">\n{body}</section>',
                                "title-body", "frontmatter"),
        "application/xhtml+xml", "title-page", linear=True)

    # navigation document
    landmarks = [f'<li><a epub:type="cover" href="cover.xhtml">{esc("Bìa")}</a></li>',
                 f'<li><a epub:type="toc" href="nav.xhtml#toc">{esc(TOC_TITLE)}</a></li>',
                 f'<li><a epub:type="bodymatter" href="{chapter_file(1)}">{esc("Nội dung")}</a></li>']
    nav = fill("nav.xhtml", lang=esc(m.lang), toc_title=esc(TOC_TITLE),
               toc=toc_list(doc, toc_href), landmarks="\n".join(landmarks))
    add("nav.xhtml", nav, "application/xhtml+xml", "nav", props="nav", linear=True)

    # chapters
    env = body_env(2, pics, href)
    for ch in doc.chapters:
        body = (f'<section class="chapter" epub:type="chapter" aria-labelledby="{esc(ch.id)}">\n'
                + chapter_header(ch, 1, pics) + render_body(ch, env) + "</section>")
        add(chapter_file(ch.number), _content(doc, ch.title, body, "chapter-body", "bodymatter"),
            "application/xhtml+xml", f"ch{ch.number:02d}", linear=True)

    add("colophon.xhtml", _content(doc, "Thông tin xuất bản", '<section class="colophon" epub:type="colophon">\n'
                                   + colophon_block(doc, 1) + "</section>", "colophon-body", "backmatter"),
        "application/xhtml+xml", "colophon", linear=True)

    # style, fonts, images
    texts = doc.body_texts() + doc.heading_texts()
    seen: dict[str, str] = {}
    for i, face in enumerate(faces, 1):
        if face.name not in seen:
            seen[face.name] = f"fonts/{face.name}.ttf"
            add(seen[face.name], subset_font(face, texts), "font/ttf", f"font-{i}")
    css = stylesheet("epub", brand, font_faces=font_face_css(faces, lambda f: seen[f.name], "truetype"))
    add("style.css", css, "text/css", "css")
    for key, p in sorted(images.items()):
        add(f"images/{key}{p.ext}", p.data, p.media_type, key, props="cover-image" if key == cover_key else "")
    if logo is not None:
        add(f"images/logo{logo.ext}", logo.data, logo.media_type, "logo")

    opt = []
    if m.date_iso:
        opt.append(("date", f"<dc:date>{esc(m.date_iso)}</dc:date>"))
    summary = (f"Ấn phẩm điện tử gồm {len(doc.chapters)} bài viết, có mục lục và đề mục để điều hướng; "
               f"mọi hình ảnh đều có mô tả thay thế (alt).")
    opf = fill(
        "package.opf", lang=esc(m.lang), identifier=esc(m.identifier), title=esc(m.title),
        author=esc(m.author or m.publisher or m.brand), publisher=esc(m.publisher or m.author or m.brand),
        date="\n".join(x for _, x in opt),
        description=f"<dc:description>{esc(m.description or m.subtitle)}</dc:description>"
        if (m.description or m.subtitle) else "",
        subject=f"<dc:subject>{esc(m.theme)}</dc:subject>" if m.theme else "",
        modified=esc(m.modified), a11y_summary=esc(summary),
        cover_meta=f'<meta name="cover" content="{cover_key}"/>' if cover_key else "",
        manifest="\n".join(manifest), spine="\n".join(spine))

    stamp = _zip_time(m.modified)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", stamp), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        ordered = [("META-INF/container.xml", fill("container.xml").encode("utf-8")),
                   ("OEBPS/content.opf", opf.encode("utf-8"))] + sorted(files.items())
        for name, data in ordered:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_STORED if name.endswith((".jpg", ".png")) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compresslevel=6 if info.compress_type == zipfile.ZIP_DEFLATED else None)
    data = buf.getvalue()
    facts = {"chapters": len(doc.chapters), "images": len(images), "files": len(files) + 3,
             "identifier": m.identifier, "modified": m.modified, "cover": cover_key is not None}
    return data, facts
