"""Articles and campaign metadata -> one `Document` that the three writers render. Pure: no file I/O.

Markdown is CommonMark plus tables and strikethrough (markdown-it-py). Raw HTML is never passed through:
`<script>` and `$` in prose come out as the text the author typed. Every string is NFC with control
characters removed (they are not allowed in XML), at the door.

Pictures in an article:

* `![mô tả](../images/dinh.jpg "Chú thích")` — a file of the campaign, relative to the article (Markdown's
  own rule, so editors preview it), or to the campaign folder (`images/dinh.jpg`). It may not leave the
  campaign folder. The alt text is required; without it the caption is used; without both, an error names
  the article and line.
* `![mô tả](output:infographics/ocop-theo-xa-square.png)` — a rendered output of this campaign
  (`output/<id>/...`), found through its manifest. Short forms: `infographic:ocop-theo-xa` (best raster
  size), `infographic:ocop-theo-xa/portrait`, `video-cover:` (first platform's cover) and
  `video-cover:youtube`. Alt text and caption default to what the infographic says about itself.
* A picture alone in its paragraph becomes a figure with its caption; one inside a sentence stays inline.

Links: `#id` (a heading of the publication), another article of the publication (`02-le-hoi.md`,
`02-le-hoi.md#id`), `https://` to a public host name, `mailto:` and `tel:`. Everything else (`file:`,
`http:`, IP addresses, `localhost`, intranet names, `javascript:`, `data:`, absolute paths) is refused with
an error naming the article and line.
"""

from __future__ import annotations

import datetime as dt
import html
import ipaddress
import posixpath
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..errors import AssetError, ProblemList
from ..text import curly_quotes, format_date, keep_together, nfc

# ----------------------------------------------------------------------------------------------------------
# Text at the door
# ----------------------------------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean(value: Any) -> str:
    """NFC text without the control characters XML forbids (tabs and newlines stay)."""
    if value is None:
        return ""
    return _CONTROL.sub("", nfc(str(value)))


def slug(text: str) -> str:
    """`Hoạt động chính` -> `hoat-dong-chinh`: ASCII, lowercase, dashes; starts with a letter."""
    s = unicodedata.normalize("NFD", clean(text).replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if not s:
        return "muc"
    return s if s[0].isalpha() else f"m-{s}"


def esc(s: str) -> str:
    """Escape for HTML and XHTML text and attribute values."""
    return html.escape(s, quote=True)


def esc_title(s: str) -> str:
    """A heading's text escaped, curly quotes, no-break spaces inside Vietnamese words and names (never
    "Lấp / Vò")."""
    return html.escape(keep_together(curly_quotes(s)), quote=True)


# ----------------------------------------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSource:
    """An article as `promokit.assets.read_article` gave it, plus where it is (for messages)."""

    rel: str  # campaign-relative path, e.g. articles/01-gioi-thieu.md
    file: str  # shown in messages
    meta: dict
    body: str
    title: str
    words: int
    body_line: int = 1  # line of the file where `body` starts


@dataclass(frozen=True)
class Picture:
    """A picture file the publication needs (one per distinct reference)."""

    key: str  # img-001: name inside the editions
    kind: str  # "asset" (campaign file) | "output" (a rendered output of the campaign)
    target: str  # as written, decoded
    candidates: tuple[str, ...]  # asset: campaign-relative paths to try in order; output: the reference
    file: str  # first use, for messages
    line: int | None
    field: str | None = None


@dataclass
class ImageUse:
    """One place a picture is shown, with its alt text and caption."""

    key: str
    alt: str
    caption: str
    file: str
    line: int | None
    field: str | None = None


@dataclass(frozen=True)
class Link:
    kind: str  # "anchor" (an id of the publication) | "external"
    url: str


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = the article's top level of sub-headings
    text: str
    id: str


@dataclass
class Chapter:
    """One article: its header facts, headings, pictures and parsed body."""

    number: int  # 1-based
    id: str
    source: ArticleSource
    title: str
    subtitle: str
    summary: str
    author: str
    date: str
    cover: ImageUse | None
    headings: list[Heading]
    tokens: list[Token] = field(repr=False)
    words: int = 0

    def texts(self) -> Iterator[str]:
        """Every string drawn for this chapter (for font coverage)."""
        yield from (self.title, self.subtitle, self.summary, self.author, self.date)
        if self.cover:
            yield self.cover.caption
        for t in self.tokens:
            if t.type == "pk_figure":
                yield from (u.caption for u in t.meta["uses"])
            for c in t.children or []:
                if c.content and c.type not in ("image",):
                    yield c.content
            if t.type in ("fence", "code_block"):
                yield t.content


@dataclass(frozen=True)
class Meta:
    """Campaign-level facts of the publication."""

    title: str
    subtitle: str = ""
    author: str = ""
    publisher: str = ""
    lang: str = "vi"
    identifier: str = ""  # urn:uuid:…
    modified: str = ""  # 2024-04-10T00:00:00Z
    date: str = ""  # shown: 18/4/2024
    date_iso: str = ""  # 2024-04-18
    theme: str = ""
    description: str = ""
    sample_data: bool = False
    brand: str = ""
    contacts: tuple[str, ...] = ()
    page: str = "a4"
    draft: bool = False
    cover: str | None = None  # campaign-relative path of the cover picture
    cover_alt: str = ""
    spec_file: str = "campaign.yml"  # shown in messages about the cover


@dataclass
class Document:
    meta: Meta
    chapters: list[Chapter]
    pictures: dict[str, Picture]
    uses: list[ImageUse]
    cover: ImageUse | None
    anchors: dict[str, int]  # id -> chapter number

    def toc(self) -> list[tuple[Chapter, list[Heading]]]:
        """Chapters with their top-level sub-headings."""
        return [(ch, [h for h in ch.headings if h.level == 1]) for ch in self.chapters]

    def apply_picture_defaults(self, defaults: dict[str, tuple[str, str]]) -> None:
        """Fill missing alt text / captions from what a picture says about itself (infographics).

        Raises the missing-alt error (article and line) for a picture still without alt text.
        """
        for use in self.uses:
            alt, caption = defaults.get(use.key, ("", ""))
            if not use.alt:
                use.alt = clean(alt) or use.caption
            if not use.caption:
                use.caption = clean(caption)
            if not use.alt:
                raise _no_alt(use, self.pictures[use.key].target)

    def heading_texts(self) -> list[str]:
        m = self.meta
        out = [m.title, m.subtitle, m.brand]
        for ch in self.chapters:
            out.append(ch.title)
            out.extend(h.text for h in ch.headings)
        return [t for t in out if t]

    def body_texts(self) -> list[str]:
        m = self.meta
        out = [m.title, m.subtitle, m.author, m.publisher, m.date, m.theme, m.description, *m.contacts]
        if self.cover:
            out.append(self.cover.caption)
        for ch in self.chapters:
            out.extend(ch.texts())
        return [t for t in out if t]


# ----------------------------------------------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------------------------------------------

MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True, "quotes": "“”‘’",
                                "xhtmlOut": True})
MD.enable(["table", "strikethrough", "smartquotes"])  # "Chợ ma" is printed “Chợ ma”
MD.validateLink = lambda url: True  # every address reaches our checks below, which name the article and line

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
OUTPUT_SCHEMES = ("output", "infographic", "video-cover")
LINK_SCHEMES = ("https", "mailto", "tel")
_PRIVATE_SUFFIXES = (".local", ".localhost", ".lan", ".internal", ".intranet", ".corp", ".home", ".arpa", ".test",
                     ".invalid", ".example")


def _err(vi: str, en: str, file: str, line: int | None, fix_vi: str, fix_en: str, fld: str | None = None
         ) -> AssetError:
    return AssetError.fail(vi, en, file=file, line=line, field=fld, fix_vi=fix_vi, fix_en=fix_en)


def _no_alt(use: ImageUse, target: str) -> AssetError:
    if use.field == "cover":  # the cover is named in the front matter, where image syntax does not work
        return _err(
            f"ảnh bìa '{target}' không có mô tả (cover_alt)", f"cover '{target}' has no description (cover_alt)",
            use.file, use.line,
            "thêm một dòng dưới 'cover:' trong phần đầu bài, vd. cover_alt: Mái đình Tân An Trung buổi sáng",
            "add a line under 'cover:' in the front matter, e.g. cover_alt: The temple roof in the morning", "cover_alt")
    return _err(
        f"ảnh '{target}' không có mô tả (alt) hay chú thích", f"image '{target}' has no alt text and no caption",
        use.file, use.line,
        f"viết mô tả trong ngoặc vuông: ![Mô tả ảnh]({target} \"Chú thích\")",
        f"write a description in the brackets: ![What the picture shows]({target} \"Caption\")", use.field)


def _short(s: str) -> str:
    return s if len(s) <= 100 else s[:97] + "…"


def _network_host_problem(url: str) -> str | None:
    """Why an https address is not a public host name, or None when it is."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        port = parts.port
    except ValueError:
        return "địa chỉ không hợp lệ / invalid address"
    if not host:
        return "không có tên máy / no host name"
    if parts.username is not None or parts.password is not None:
        return "có tên đăng nhập / carries a user name"
    if port is not None:
        return "có cổng riêng / has an explicit port"
    try:
        ipaddress.ip_address(host.strip("[]"))
        return "là địa chỉ IP / is an IP address"
    except ValueError:
        pass
    if host == "localhost" or "." not in host or host.endswith(_PRIVATE_SUFFIXES):
        return "là máy nội bộ / is a local or intranet host"
    return None


def _refused_link(raw: str, file: str, line: int | None, why_vi: str, why_en: str) -> AssetError:
    return _err(
        f"liên kết '{_short(raw)}' bị từ chối: {why_vi}", f"link '{_short(raw)}' refused: {why_en}",
        file, line,
        "chỉ dùng liên kết https:// tới trang công khai, mailto:, tel:, hoặc tới bài khác của ấn phẩm",
        "use only https:// links to public sites, mailto:, tel:, or links to another article of the publication")


def _join(article_rel: str, path: str) -> list[str]:
    """Campaign-relative candidates for `path` written in an article: beside the article, then from the root."""
    out = []
    for base in (posixpath.dirname(article_rel), ""):
        p = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
        if p != ".." and not p.startswith("../") and p not in out and p != ".":
            out.append(p)
    return out


def image_target(src: str, article_rel: str, file: str, line: int | None, fld: str | None = None
                 ) -> tuple[str, tuple[str, ...]]:
    """(kind, candidates) of a picture address written in an article; AssetError when it is not allowed."""
    raw = clean(unquote(src)).strip()
    if not raw:
        raise _err("ảnh không có đường dẫn", "image has no path", file, line,
                   "ghi đường dẫn ảnh, vd. ![Mô tả](../images/anh.jpg)", "write the image path, "
                   "e.g. ![Description](../images/photo.jpg)", fld)
    m = _SCHEME.match(raw)
    if m:
        scheme = m.group(1).lower()
        if scheme in OUTPUT_SCHEMES:
            rest = raw[len(m.group(0)):].strip().replace("\\", "/")
            if scheme == "output":
                p = posixpath.normpath(rest) if rest else ""
                if not p or p.startswith(("/", "../")) or p in (".", ".."):
                    raise _err(f"'{_short(raw)}' không chỉ tới một tệp trong output của chiến dịch",
                               f"'{_short(raw)}' does not name a file in the campaign's output", file, line,
                               "vd. output:infographics/ocop-theo-xa-square.png",
                               "e.g. output:infographics/ocop-theo-xa-square.png", fld)
                return "output", (f"output:{p}",)
            return "output", (f"{scheme}:{rest}",)
        network = scheme in ("http", "https", "ftp", "ftps", "sftp", "ws", "wss", "smb", "rtsp") or raw.startswith("//")
        vi = ("ảnh từ địa chỉ mạng không được phép (ấn phẩm không tải gì từ mạng)" if network
              else "ảnh phải là tệp trong thư mục chiến dịch")
        en = ("images from a network address are not allowed (a publication fetches nothing from the network)"
              if network else "an image must be a file inside the campaign folder")
        raise _err(f"'{_short(raw)}': {vi}", f"'{_short(raw)}': {en}", file, line,
                   "chép ảnh vào images/ của chiến dịch và ghi ![Mô tả](../images/ten-anh.jpg)",
                   "copy the picture into the campaign's images/ and write ![Description](../images/name.jpg)", fld)
    if raw.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", raw):
        raise _err(f"đường dẫn tuyệt đối '{_short(raw)}' không được phép", f"absolute path '{_short(raw)}' not allowed",
                   file, line, "chép ảnh vào images/ và ghi đường dẫn tương đối, vd. ../images/anh.jpg",
                   "copy the picture into images/ and use a relative path, e.g. ../images/photo.jpg", fld)
    cands = _join(article_rel, raw.replace("\\", "/"))
    if not cands:
        raise _err(f"đường dẫn '{_short(raw)}' ra ngoài thư mục chiến dịch", f"path '{_short(raw)}' leaves the "
                   "campaign folder", file, line, "chép ảnh vào images/ của chiến dịch",
                   "copy the picture into the campaign's images/", fld)
    return "asset", tuple(cands)


@dataclass
class _Builder:
    articles: list[ArticleSource]
    pictures: dict[str, Picture] = field(default_factory=dict)
    by_target: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)
    uses: list[ImageUse] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    pending_links: list[tuple[Token, str, str, str, int | None]] = field(default_factory=list)
    problems: ProblemList | None = None  # collect problems instead of raising at the first (promokit check)

    def unique_id(self, base: str) -> str:
        i, out = 1, base
        while out in self.ids:
            i += 1
            out = f"{base}-{i}"
        self.ids.add(out)
        return out

    def use(self, src: str, alt: str, caption: str, art: ArticleSource, line: int | None,
            fld: str | None = None) -> ImageUse:
        try:
            return self._use(src, alt, caption, art, line, fld)
        except AssetError as e:
            if self.problems is None:
                raise
            self.problems.add(e)
            return ImageUse("", "", "", art.file, line, fld)  # checking only: nothing is rendered

    def _use(self, src: str, alt: str, caption: str, art: ArticleSource, line: int | None,
             fld: str | None = None) -> ImageUse:
        kind, cands = image_target(src, art.rel, art.file, line, fld)
        key = self.by_target.get((kind, cands))
        if key is None:
            key = f"img-{len(self.pictures) + 1:03d}"
            self.by_target[(kind, cands)] = key
            self.pictures[key] = Picture(key, kind, clean(unquote(src)).strip(), cands, art.file, line, fld)
        alt, caption = clean(alt).strip(), clean(caption).strip()
        u = ImageUse(key, alt or caption, caption, art.file, line, fld)
        if not u.alt and kind == "asset":
            raise _no_alt(u, self.pictures[key].target)
        self.uses.append(u)
        return u


def _inline_text(tok: Token) -> str:
    return clean("".join(c.content for c in tok.children or [] if c.type in ("text", "code_inline")
                         or (c.type == "image" and c.content))).strip()


def _line_of(tokens: list[Token], i: int, body_line: int) -> int | None:
    for j in range(i, -1, -1):
        if tokens[j].map:
            return body_line + tokens[j].map[0]
    return None


def _is_figure(inline: Token) -> bool:
    kids = inline.children or []
    return any(c.type == "image" for c in kids) and all(
        c.type in ("image", "softbreak", "hardbreak") or (c.type == "text" and not c.content.strip()) for c in kids)


def _front(meta: dict, key: str) -> str:
    v = meta.get(key)
    if v is None:
        return ""
    if isinstance(v, dt.date) or (isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip())):
        try:
            return format_date(v)
        except ValueError:
            pass
    return clean(v).strip()


def _chapter(b: _Builder, art: ArticleSource, number: int) -> Chapter:
    tokens = MD.parse(clean(art.body))
    title = clean(art.title).strip()
    # a body that repeats the title as its first heading: drop the repeat
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and _inline_text(tokens[1]).casefold() == title.casefold():
        tokens = tokens[3:]
    chapter_id = b.unique_id(slug(title))
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    top = min(levels) if levels else 1
    headings: list[Heading] = []
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            text = _inline_text(tokens[i + 1])
            hid = b.unique_id(slug(text))
            rel = int(t.tag[1]) - top + 1
            t.meta["rel"] = tokens[i + 2].meta["rel"] = rel
            t.attrs = {"id": hid}
            headings.append(Heading(rel, text, hid))
        if t.type == "paragraph_open" and i + 2 < len(tokens) and _is_figure(tokens[i + 1]):
            inline = tokens[i + 1]
            line0 = _line_of(tokens, i + 1, art.body_line)
            uses, breaks = [], 0
            for c in inline.children or []:
                if c.type in ("softbreak", "hardbreak"):
                    breaks += 1
                elif c.type == "image":
                    uses.append(b.use(str(c.attrGet("src") or ""), c.content, str(c.attrGet("title") or ""), art,
                                      None if line0 is None else line0 + breaks))
            fig = Token("pk_figure", "figure", 0, block=True)
            fig.meta["uses"] = uses
            out.append(fig)
            i += 3
            continue
        if t.type == "inline":
            line0 = _line_of(tokens, i, art.body_line)
            breaks = 0
            for c in t.children or []:
                line = None if line0 is None else line0 + breaks
                if c.type in ("softbreak", "hardbreak"):
                    breaks += 1
                elif c.type == "image":
                    c.meta["use"] = b.use(str(c.attrGet("src") or ""), c.content, str(c.attrGet("title") or ""), art,
                                          line)
                elif c.type == "link_open":
                    b.pending_links.append((c, str(c.attrGet("href") or ""), art.rel, art.file, line))
        out.append(t)
        i += 1
    cover = None
    raw_cover = art.meta.get("cover")
    if raw_cover:
        if isinstance(raw_cover, dict):
            src, alt, cap = raw_cover.get("src", ""), raw_cover.get("alt", ""), raw_cover.get("caption", "")
        else:
            src, alt, cap = raw_cover, art.meta.get("cover_alt", ""), art.meta.get("cover_caption", "")
        cover = b.use(clean(src), clean(alt), clean(cap), art, None, "cover")
        first = next((t for t in out if t.type == "pk_figure"), None)
        if cover.key and first is not None and first.meta["uses"] and first.meta["uses"][0].key == cover.key:
            first.meta["uses"] = first.meta["uses"][1:]  # the cover is not shown again as the first picture
            if not first.meta["uses"]:
                out.remove(first)
    return Chapter(number, chapter_id, art, title, _front(art.meta, "subtitle"), _front(art.meta, "summary"),
                   _front(art.meta, "author"), _front(art.meta, "date"), cover, headings, out, art.words)


def _resolve_link(b: _Builder, chapters: list[Chapter], href: str, article_rel: str, file: str,
                  line: int | None) -> Link:
    raw = clean(unquote(href)).strip()
    if raw.startswith("#"):
        frag = raw[1:]
        if frag in b.ids:
            return Link("anchor", frag)
        near = [i for i in sorted(b.ids) if i.startswith(slug(frag)[:6])][:3]
        raise _err(f"liên kết '{raw}' không trỏ tới đề mục nào của ấn phẩm", f"link '{raw}' points to no heading "
                   "of the publication", file, line,
                   "dùng mã đề mục: " + (", ".join("#" + n for n in near) or "#" + slug(frag)),
                   "use a heading id: " + (", ".join("#" + n for n in near) or "#" + slug(frag)))
    m = _SCHEME.match(raw)
    if raw.startswith("//"):
        raise _refused_link(raw, file, line, "địa chỉ mạng không rõ giao thức", "a network address without a scheme")
    if m:
        scheme = m.group(1).lower()
        if scheme not in LINK_SCHEMES:
            if scheme == "http":
                vi, en = "địa chỉ mạng http:// (không mã hóa)", "a plain http:// network address"
            elif scheme == "file":
                vi, en = "tệp trên máy, ngoài ấn phẩm", "a file on this computer, outside the publication"
            else:
                vi, en = f"giao thức '{scheme}:' không được phép", f"scheme '{scheme}:' is not allowed"
            raise _refused_link(raw, file, line, vi, en)
        if scheme == "https":
            why = _network_host_problem(href)
            if why:
                vi, _, en = why.partition(" / ")
                raise _refused_link(raw, file, line, f"địa chỉ mạng nội bộ ({vi})", f"a private network address ({en})")
        return Link("external", href)
    if raw.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", raw):
        raise _refused_link(raw, file, line, "đường dẫn tuyệt đối", "an absolute path")
    path, _, frag = raw.partition("#")
    targets = {c.source.rel: c for c in chapters}
    for cand in _join(article_rel, path.replace("\\", "/")):
        ch = targets.get(cand)
        if ch is not None:
            if frag and frag not in b.ids:
                raise _err(f"liên kết '{raw}' không trỏ tới đề mục nào của bài", f"link '{raw}' points to no heading "
                           "of that article", file, line, "bỏ phần #… hoặc sửa mã đề mục",
                           "drop the #… part or correct the heading id")
            return Link("anchor", frag or ch.id)
    raise _refused_link(raw, file, line, "tệp không thuộc ấn phẩm", "a file that is not part of the publication")


def build_document(articles: list[ArticleSource], meta: Meta, *, problems: ProblemList | None = None) -> Document:
    """Parse every article into chapters; check pictures, alt text and links. Raises AssetError (article, line).

    With `problems`, every bad picture and link is added to it instead (the document is then for checking
    only, not for rendering)."""
    if not articles:
        raise ValueError("build_document needs at least one article")  # callers raise the user-facing error
    b = _Builder(list(articles), problems=problems)
    b.ids.update({"cover", "toc", "toc-title", "main", "colophon"})
    chapters = [_chapter(b, a, n) for n, a in enumerate(articles, 1)]
    for tok, href, rel, file, line in b.pending_links:
        try:
            tok.meta["link"] = _resolve_link(b, chapters, href, rel, file, line)
        except AssetError as e:
            if problems is None:
                raise
            problems.add(e)
    anchors = {ch.id: ch.number for ch in chapters}
    anchors.update({h.id: ch.number for ch in chapters for h in ch.headings})
    cover = None
    if meta.cover:
        front = ArticleSource("campaign.yml", meta.spec_file, {}, "", meta.title, 0)
        cover = b.use(meta.cover, meta.cover_alt or f"Ảnh bìa: {meta.title}", "", front, None, "publication.cover")
    return Document(meta, chapters, b.pictures, b.uses, cover, anchors)
