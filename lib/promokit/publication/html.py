"""The HTML edition: one self-contained file (pictures and font subsets as data: addresses, no script,
a Content-Security-Policy that forbids any network request), `lang="vi"`, responsive, with a table of
contents, semantic headings and print styles. The PDF writer lays out the same page (`page_html`).

The fragment builders here (`figure`, `chapter_header`, `toc_list`, `cover_block`, `colophon_block`) are
shared with the EPUB writer so the three editions come from the same templates.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from .. import __version__
from .body import RenderEnv, render_body
from .model import Chapter, Document, Heading, ImageUse, Link, esc, esc_title
from .resources import PreparedImage
from .templates import fill

TOC_TITLE = "Mục lục"
SAMPLE_NOTE = "Số liệu minh họa"
DRAFT_NOTE = "BẢN NHÁP — DRAFT"


@dataclass(frozen=True)
class Pictures:
    """How an edition addresses its pictures: an address per key, and the size when it is known
    (the PDF's markup is written while the pictures are still being prepared: WeasyPrint reads their size)."""

    src: Callable[[str], str]
    size: Callable[[str], tuple[int, int] | None] = lambda key: None
    srcset: Callable[[str], str] = lambda key: ""

    @classmethod
    def of(cls, images: dict[str, PreparedImage], src: Callable[[PreparedImage], str]) -> Pictures:
        return cls(lambda key: src(images[key]), lambda key: (images[key].width, images[key].height))

    def img(self, use: ImageUse, cls: str = "") -> str:
        c = f' class="{cls}"' if cls else ""
        wh = self.size(use.key)
        dims = f' width="{wh[0]}" height="{wh[1]}"' if wh else ""
        ss = self.srcset(use.key)
        sizes = f' srcset="{esc(ss)}" sizes="(max-width: 40rem) 100vw, 36rem"' if ss else ""
        return f'<img src="{esc(self.src(use.key))}"{sizes} alt="{esc(use.alt)}"{dims}{c} />'


def data_uri(p: PreparedImage) -> str:
    return f"data:{p.media_type};base64," + base64.b64encode(p.data).decode("ascii")


SCREEN_PX = (480, 960)  # longest side of the HTML edition's two versions of a picture (phone, desktop)
SCREEN_QUALITY = 70  # JPEG quality on screen


PHOTO_COLOURS = 4096  # a PNG with more colours than this is a photograph (a cut-out), not a graphic


def _screen(p: PreparedImage, longest: int) -> tuple[str, int, int]:
    """`p` re-encoded for screens at most `longest` px: data URI, w, h. A photo is JPEG; a PNG graphic (a
    poster, a logo, a screenshot: few colours, sharp edges) stays PNG; a PNG photograph with transparency
    (a cut-out product) becomes WebP with its alpha, about a twentieth of the PNG's bytes."""
    import io

    from PIL import Image

    im = Image.open(io.BytesIO(p.data))
    im.load()
    scale = min(1.0, longest / max(im.width, im.height))
    if scale < 1.0:
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    media = p.media_type
    if media == "image/png" and im.mode in ("RGBA", "LA") and im.getcolors(PHOTO_COLOURS) is None:
        im.save(buf, "WEBP", quality=SCREEN_QUALITY, method=4)
        media = "image/webp"
    elif media == "image/png":
        im.save(buf, "PNG", optimize=True)
    else:
        im.convert("RGB").save(buf, "JPEG", quality=SCREEN_QUALITY, optimize=True, progressive=True,
                               subsampling="4:2:0")
    return f"data:{media};base64," + base64.b64encode(buf.getvalue()).decode("ascii"), im.width, im.height


def screen_pictures(images: dict[str, PreparedImage]) -> Pictures:
    """The HTML edition's pictures: two sizes each (`srcset`), compressed for screens, inside the file."""
    versions = {k: [_screen(p, n) for n in SCREEN_PX] for k, p in images.items()}

    def srcset(key: str) -> str:
        vs = versions[key]
        if vs[0][1] == vs[-1][1]:  # a small picture: one version
            return ""
        return ", ".join(f"{uri} {w}w" for uri, w, _ in vs)

    # `src` is the small version (each picture's data is in the file once per size)
    return Pictures(lambda key: versions[key][0][0], lambda key: versions[key][-1][1:], srcset)


def figure(use: ImageUse, pics: Pictures, cls: str = "figure") -> str:
    caption = use.caption or use.alt
    return (f'<figure class="{cls}">{pics.img(use)}'
            + (f"<figcaption>{esc(caption)}</figcaption>" if caption else "") + "</figure>\n")


def chapter_header(ch: Chapter, level: int, pics: Pictures) -> str:
    parts = [f'<header class="chapter-head">\n<h{level} id="{esc(ch.id)}" class="chapter-title">{esc_title(ch.title)}'
             f"</h{level}>\n"]
    if ch.subtitle:
        parts.append(f'<p class="chapter-subtitle">{esc_title(ch.subtitle)}</p>\n')
    by = " · ".join(esc(s) for s in (ch.author, ch.date) if s)
    if by:
        parts.append(f'<p class="byline">{by}</p>\n')
    if ch.summary:
        parts.append(f'<p class="summary">{esc(ch.summary)}</p>\n')
    parts.append("</header>\n")
    if ch.cover:
        parts.append(figure(ch.cover, pics, "figure chapter-cover"))
    return "".join(parts)


def toc_list(doc: Document, href: Callable[[Chapter, Heading | None], str]) -> str:
    items = []
    for ch, subs in doc.toc():
        inner = "".join(f'<li><a href="{esc(href(ch, h))}">{esc_title(h.text)}</a></li>\n' for h in subs)
        items.append(f'<li><a href="{esc(href(ch, None))}">{esc_title(ch.title)}</a>'
                     + (f"\n<ol>\n{inner}</ol>\n" if inner else "") + "</li>\n")
    return "<ol>\n" + "".join(items) + "</ol>"


def cover_block(doc: Document, pics: Pictures, logo: PreparedImage | None, logo_src: Callable[[PreparedImage], str],
                level: int = 1, *, cover: bool = True) -> str:
    """Logo, brand, title, subtitle, the cover picture (unless not `cover`), publisher, date, sample-data badge."""
    m = doc.meta
    parts = []
    if logo is not None:
        parts.append(f'<img class="logo" src="{esc(logo_src(logo))}" alt="{esc("Logo " + (m.publisher or m.brand))}"'
                     f' width="{logo.width}" height="{logo.height}" />\n')
    if m.brand:
        parts.append(f'<p class="brand">{esc(m.brand)}</p>\n')
    parts.append(f'<h{level} class="title">{esc_title(m.title)}</h{level}>\n')
    if m.subtitle:
        parts.append(f'<p class="subtitle">{esc_title(m.subtitle)}</p>\n')
    if cover and doc.cover is not None:
        parts.append(f'<figure class="cover-figure">{pics.img(doc.cover)}</figure>\n')
    if m.publisher:
        parts.append(f'<p class="publisher">{esc(m.publisher)}</p>\n')
    if m.date:
        parts.append(f'<p class="date">{esc(m.date)}</p>\n')
    if m.sample_data:
        parts.append(f'<p class="badge">{esc(SAMPLE_NOTE)}</p>\n')
    return "".join(parts)


def colophon_block(doc: Document, level: int = 2) -> str:
    m = doc.meta
    parts = [f'<h{level} class="colophon-title">Thông tin xuất bản</h{level}>\n',
             f"<p><strong>{esc(m.title)}</strong></p>\n"]
    for label, value in (("Đơn vị thực hiện", m.publisher), ("Tác giả", m.author if m.author != m.publisher else ""),
                         ("Chủ đề", m.theme), ("Ngày", m.date)):
        if value:
            parts.append(f"<p>{esc(label)}: {esc(value)}</p>\n")
    parts.extend(f"<p>{esc(c)}</p>\n" for c in m.contacts)
    if m.sample_data:
        parts.append(f'<p class="sample-note">{esc(SAMPLE_NOTE)}: các số liệu trong ấn phẩm chỉ để minh họa.</p>\n')
    if m.draft:
        parts.append(f'<p class="sample-note">{esc(DRAFT_NOTE)}</p>\n')
    parts.append(f"<p>Ấn phẩm được dựng bằng promokit {esc(__version__)}.</p>\n")
    return "".join(parts)


def body_env(base_level: int, pics: Pictures, href: Callable[[Link], str]) -> RenderEnv:
    return RenderEnv(base_level=base_level, figure=lambda u: figure(u, pics),
                     inline_image=lambda u: pics.img(u, "inline"), href=href)


def page_html(doc: Document, pics: Pictures, *, css: str, edition: str, logo: PreparedImage | None = None,
              logo_src: Callable[[PreparedImage], str] = lambda p: data_uri(p)) -> str:
    """The whole publication as one HTML page (the HTML edition, and the PDF's source)."""
    m = doc.meta

    def anchor(link: Link) -> str:
        return f"#{link.url}" if link.kind == "anchor" else link.url

    env = body_env(3, pics, anchor)
    chapters = []
    for ch in doc.chapters:
        chapters.append(f'<article class="chapter" aria-labelledby="{esc(ch.id)}">\n'
                        + chapter_header(ch, 2, pics) + render_body(ch, env) + "</article>\n")
    toc = toc_list(doc, lambda ch, h: f"#{(h.id if h else ch.id)}")
    draft = f'<p class="draft-banner" role="note">{esc(DRAFT_NOTE)}</p>' if m.draft else ""
    return fill(
        "page.html", lang=esc(m.lang), edition=esc(edition), title=esc(m.title), author=esc(m.author),
        description=esc(m.description or m.subtitle or m.title), generator=esc(f"promokit {__version__}"),
        modified=esc(m.modified), css=css, draft=draft,
        cover=cover_block(doc, pics, logo, logo_src), toc=toc, chapters="".join(chapters),
        colophon=colophon_block(doc))
