"""The three editions of one rich campaign: EPUBCheck 0/0, PDF pages/fonts/text/metadata, self-contained HTML.

The campaign has photos (one larger than the edition's 1600 px, one EXIF-rotated, a PNG with transparency),
NFD text, `$` and `<script>` in prose, a table, links between articles, an infographic and a video cover
placed from the output folder through the manifest. EPUBCheck (Debian `epubcheck`) runs on every EPUB.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import re
import shutil
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pypdf
import pytest
import yaml
from PIL import Image

from promokit import testing
from promokit.catalog import Catalog, Checks, write_checks
from promokit.manifest import read_manifest, update_manifest
from promokit.project import CampaignContext, open_campaign
from promokit.publication import epubcheck, render_publication
from promokit.publication.pdf import verify_pdf

pytestmark = pytest.mark.slow

TITLE = "Lễ hội Giỗ Tổ Hùng Vương năm 2024"
A4, A5 = (595.28, 841.89), (419.53, 595.28)
INFO_ALT = "Biểu đồ cột: số sản phẩm OCOP theo xã; Mỹ An Hưng A nhiều nhất với 15 sản phẩm."


def need_epubcheck() -> None:
    if shutil.which("epubcheck") is None and not Path("/usr/share/java/epubcheck.jar").is_file():
        (pytest.fail if os.environ.get("CI") else pytest.skip)("EPUBCheck not installed (make system-test)")


ARTICLE_2 = """Lễ hội diễn ra tại đình làng. Giá vé $5 — không phải công thức $x$. <script>alert("x")</script>

![Đình làng buổi sáng](../images/dinh.jpg "Đình làng Tân Mỹ")

## Hoạt động

- Rước kiệu
- Hát bội, **đua ghe** và *múa lân*

| Xã | Sản phẩm | Tỷ lệ |
|:--|--:|--:|
| Bình Thành | 12 | 30,5 % |
| Tân Mỹ | 8 | 20 % |

> Uống nước nhớ nguồn.

Xem lại [bài giới thiệu](01-gioi-thieu.md) hoặc trang [huyện Lấp Vò](https://lapvo.dongthap.gov.vn).

![Bản đồ xã](../images/ban-do.png "Bản đồ các xã")

Ảnh xoay: ![Ảnh dọc chụp bằng điện thoại](../images/xoay.jpg)

```
mã $1 <b>
```
"""

ARTICLE_3 = """Số liệu sản xuất năm 2024.

![](output:infographics/ocop-theo-xa-square.png)

## Video

![Ảnh bìa video lễ hội](video-cover:youtube "Xem video trên YouTube")

![](infographic:ocop-theo-xa "Biểu đồ OCOP (tìm theo tên)")
"""


def make_rich(root: Path) -> Path:
    folder = testing.make_campaign(root, "rich", images=2, clips=0, music=False, extra_yaml={
        "description": "Ấn phẩm thử nghiệm",
        "publication": {"formats": ["html", "pdf", "epub"], "page": "a4", "cover": "images/anh-1.jpg",
                        "articles": ["articles/01-gioi-thieu.md", "articles/02-le-hoi.md", "articles/03-so-lieu.md"]}})
    testing.make_image(folder / "images" / "dinh.jpg", (2400, 1800), (150, 90, 40))  # larger than 1600: downscaled
    testing.make_palette_png_with_alpha(folder / "images" / "ban-do.png", (120, 80))
    testing.make_image(folder / "images" / "xoay.jpg", (64, 48), exif_orientation=6)
    nfd = unicodedata.normalize("NFD", "Lễ hội đình làng Tân Mỹ")
    testing.make_article(folder / "articles" / "02-le-hoi.md", nfd, body=unicodedata.normalize("NFD", ARTICLE_2),
                         author="Tổ biên tập", date="2024-04-12", summary="Rước kiệu, hát bội, đua ghe.")
    testing.make_article(folder / "articles" / "03-so-lieu.md", "Số liệu OCOP", body=ARTICLE_3)
    out = Catalog(root / "output").campaign("rich")
    png = testing.make_image(out.poster("ocop-theo-xa", "square", "png"), (1080, 1080), (11, 93, 59))
    write_checks(png, Checks("infographic", facts={"alt": INFO_ALT}))
    testing.make_image(out.cover("youtube"), (1280, 720), (200, 16, 46))
    update_manifest(out)
    testing.make_palette_png_with_alpha(root / "brand" / "logo.png", (96, 48))  # the brand logo, with alpha
    (root / "brand" / "brand.yml").write_text("logo: logo.png\n", encoding="utf-8")
    assert read_manifest(out)["outputs"]
    return folder


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> dict:
    need_epubcheck()
    root = tmp_path_factory.mktemp("pub")
    make_rich(root)
    ctx = open_campaign("rich", root, root / "output")
    results = {r.format: r for r in render_publication(ctx)}
    return {"root": root, "ctx": ctx, **results}


def elsewhere(rich: dict, tmp_path: Path) -> CampaignContext:
    """The same campaign writing to another output folder (a copy): the module's editions stay as rendered."""
    shutil.copytree(rich["root"] / "output", tmp_path / "output")
    return dataclasses.replace(rich["ctx"], output=tmp_path / "output")


# -- EPUB ----------------------------------------------------------------------------------------------------


def test_epubcheck_reports_zero_errors_and_zero_warnings(rich: dict) -> None:
    v = rich["epub"].checks["epubcheck"]
    assert v["ran"], v
    assert (v["fatals"], v["errors"], v["warnings"]) == (0, 0, 0), v["messages"]


def test_epub_package_layout_metadata_and_alt_texts(rich: dict) -> None:
    path = rich["epub"].path
    z = zipfile.ZipFile(path)
    first = z.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED and not first.extra
    assert z.read("mimetype") == b"application/epub+zip"
    opf = z.read("OEBPS/content.opf").decode("utf-8")
    assert "<dc:language>vi</dc:language>" in opf
    assert f"<dc:title id=\"title\">{TITLE}</dc:title>" in opf
    ident = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "promokit:campaign:rich"))
    assert f">{ident}</dc:identifier>" in opf
    assert re.search(r'<meta property="dcterms:modified">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</meta>', opf)
    for prop in ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard",
                 "schema:accessibilitySummary"):
        assert f'property="{prop}"' in opf
    assert 'properties="cover-image"' in opf and 'properties="nav"' in opf
    nav = z.read("OEBPS/nav.xhtml").decode("utf-8").replace("\u00a0", " ")  # headings: no-break spaces
    assert 'epub:type="toc"' in nav and "Lễ hội đình làng Tân Mỹ" in nav
    xhtml = [n for n in z.namelist() if n.endswith(".xhtml")]
    imgs = 0
    for name in xhtml:
        text = z.read(name).decode("utf-8")
        assert unicodedata.is_normalized("NFC", text), name
        tree = ET.fromstring(text)  # well-formed XML
        for img in tree.iter("{http://www.w3.org/1999/xhtml}img"):
            assert (img.get("alt") or "").strip(), f"{name}: img without alt"
            imgs += 1
    assert imgs >= 8
    assert "OEBPS/images/logo.png" in z.namelist()
    ch2 = z.read("OEBPS/chapter-02.xhtml").decode("utf-8")
    assert "$5" in ch2 and "&lt;script&gt;" in ch2 and "<script" not in ch2
    assert INFO_ALT in z.read("OEBPS/chapter-03.xhtml").decode("utf-8")
    for name in z.namelist():
        if name.startswith("OEBPS/images/"):
            im = Image.open(io.BytesIO(z.read(name)))
            assert max(im.size) <= 1600, name


def test_every_edition_is_byte_identical_when_rendered_again(rich: dict, tmp_path: Path) -> None:
    for again in render_publication(elsewhere(rich, tmp_path), validate=False):
        first = rich[again.format].path
        assert again.path != first and again.path.read_bytes() == first.read_bytes(), again.format
        if again.format == "epub":
            assert again.checks["epubcheck"]["ran"] is False


def test_epubcheck_helper_catches_a_broken_epub(rich: dict, tmp_path: Path) -> None:
    """The validator really validates: an EPUB whose nav points nowhere fails."""
    src = zipfile.ZipFile(rich["epub"].path)
    bad = tmp_path / "bad.epub"
    with zipfile.ZipFile(bad, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "OEBPS/nav.xhtml":
                data = data.replace(b"chapter-01.xhtml", b"chapter-99.xhtml")
            z.writestr(info, data)
    v = epubcheck(bad)
    assert v.ran and not v.ok and v.errors >= 1


# -- PDF -----------------------------------------------------------------------------------------------------


def _fonts_embedded(reader: pypdf.PdfReader) -> dict[str, bool]:
    out = {}
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            fonts = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for f in fonts:
                desc = f["/FontDescriptor"].get_object()
                out[str(f["/BaseFont"])] = "/FontFile2" in desc or "/FontFile3" in desc
    return out


def test_pdf_a4_pages_fonts_text_and_metadata(rich: dict) -> None:
    r = rich["pdf"]
    reader = pypdf.PdfReader(str(r.path))
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - A4[0]) < 1 and abs(float(page.mediabox.height) - A4[1]) < 1
    embedded = _fonts_embedded(reader)
    assert embedded and all(embedded.values()), embedded
    text = "\n".join(p.extract_text() for p in reader.pages).replace("\u00a0", " ")  # headings: no-break spaces
    assert unicodedata.is_normalized("NFC", text)
    for title in (TITLE, "Giới thiệu lễ hội", "Lễ hội đình làng Tân Mỹ", "Số liệu OCOP", "Mục lục"):
        assert title in text, title
    assert "$5" in text and '<script>alert(“x”)</script>' in text
    assert reader.metadata.title == TITLE
    assert "Lấp Vò" in reader.metadata.author
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "vi"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged PDF
    assert len(reader.outline) >= 3  # bookmarks: ToC and chapters
    assert r.checks["page_size_ok"] and r.checks["pages"] == len(reader.pages) >= 5


def test_pdf_toc_has_page_numbers_and_running_headers(rich: dict) -> None:
    reader = pypdf.PdfReader(str(rich["pdf"].path))
    toc = reader.pages[1].extract_text().replace("\u00a0", " ")
    assert re.search(r"Lễ hội đình làng Tân Mỹ\s*\.+\s*\d+", toc), toc
    # a chapter page carries the publication title (running header) and its page number
    later = reader.pages[3].extract_text().replace("\u00a0", " ")
    assert TITLE in later
    assert re.search(r"(?:^|\s)4$", later.strip()), later[-80:]


def test_pdf_a5_from_the_page_option(rich: dict, tmp_path: Path) -> None:
    r = render_publication(elsewhere(rich, tmp_path), formats=["pdf"], page="a5")[0]
    facts = verify_pdf(r.path)
    assert facts["page_sizes_pt"] == [[A5[0], A5[1]]]
    assert facts["fonts_embedded"] and facts["tagged"] and facts["lang"] == "vi"


# -- HTML ----------------------------------------------------------------------------------------------------


def test_html_is_self_contained_vietnamese_and_escapes_prose(rich: dict) -> None:
    html = rich["html"].path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi"' in html
    assert unicodedata.is_normalized("NFC", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses and all(a.startswith(("data:", "#", "https://lapvo.dongthap.gov.vn")) for a in addresses), \
        [a[:40] for a in addresses if not a.startswith(("data:", "#"))]
    assert "<script" not in html and "&lt;script&gt;alert" in html and "$5" in html
    for img in re.findall(r"<img [^>]*>", html):
        assert re.search(r'alt="[^"]+"', img), img[:120]
    ids = set(re.findall(r' id="([^"]+)"', html))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target
    assert '<nav class="toc"' in html and "<main" in html and html.count('<article class="chapter"') == 3
    assert "Số liệu minh họa" in html
    assert re.search(r'<img class="logo" src="data:image/png;base64,[^"]+" alt="Logo [^"]+"', html)


def test_html_pictures_are_downscaled_and_placed_from_the_output(rich: dict) -> None:
    html = rich["html"].path.read_text(encoding="utf-8")
    sizes = [Image.open(io.BytesIO(base64.b64decode(b))).size
             for b in re.findall(r'data:image/(?:jpeg|png);base64,([A-Za-z0-9+/=]+)', html)]
    assert (960, 720) in sizes and (480, 360) in sizes  # 2400x1800 photo: desktop and phone versions
    assert (48, 64) in sizes  # EXIF orientation 6 applied: 64x48 stored, shown portrait
    assert all(max(s) <= 960 for s in sizes)
    assert f'alt="{INFO_ALT}"' in html  # the infographic's own alt text, from the manifest
    assert "Ảnh bìa video lễ hội" in html and "Xem video trên YouTube" in html
    assert "Biểu đồ OCOP (tìm theo tên)" in html
    assert rich["html"].checks["images_downscaled"] >= 1 and rich["html"].checks["self_contained"]


def test_checks_files_are_written_for_the_manifest(rich: dict) -> None:
    outs = rich["ctx"].outputs
    manifest = update_manifest(outs)
    entries = {e["path"]: e for e in json.loads(manifest.read_text(encoding="utf-8"))["outputs"]}
    epub = Checks.from_dict(entries["publication/rich.epub"]["checks"])
    assert epub.kind == "publication" and epub.get("epubcheck").ok and epub.get("epubcheck").source == "EPUBCheck"
    assert Checks.from_dict(entries["publication/rich.pdf"]["checks"]).facts["page"] == "A4"
    assert entries["publication/rich.html"]["kind"] == "publication"
    assert not list(outs.folder("publication").glob(".*part*"))  # no temp files left


def test_campaign_spec_is_untouched(rich: dict) -> None:
    spec = yaml.safe_load((rich["ctx"].folder / "campaign.yml").read_text(encoding="utf-8"))
    assert spec["publication"]["page"] == "a4"


# -- layout audit ----------------------------------------------------------------------------------------------


def _layout(r) -> dict:  # noqa: ANN001 - an EditionResult
    return {c["name"]: c for c in r.checks["audit"]}


@pytest.mark.parametrize("page", ["a4", "a5"])
def test_cover_fits_one_page_and_the_audit_is_clean(rich: dict, tmp_path: Path, page: str) -> None:
    r = render_publication(elsewhere(rich, tmp_path), formats=["pdf"], page=page)[0]
    layout = _layout(r)
    assert layout["layout.page_fill"]["ok"] and layout["layout.duplicate"]["ok"], layout
    reader = pypdf.PdfReader(str(r.path))
    first_chapter = min(reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list))
    assert first_chapter == 1  # the cover is page 1 alone; the contents start on page 2


def test_an_overflowing_cover_is_caught(rich: dict, tmp_path: Path) -> None:
    ctx = elsewhere(rich, tmp_path)
    long = "Lễ hội văn hóa, thể thao và du lịch huyện Lấp Vò " * 9  # a cover that cannot fit one A5 page
    ctx = dataclasses.replace(ctx, campaign=ctx.campaign.model_copy(update={"title": long.strip()}))
    pub = ctx.campaign.publication.model_copy(update={"title": long.strip()})
    ctx = dataclasses.replace(ctx, campaign=ctx.campaign.model_copy(update={"publication": pub}))
    r = render_publication(ctx, formats=["pdf"], page="a5")[0]
    fill = _layout(r)["layout.page_fill"]
    assert not fill["ok"] and "bìa" in fill["reason"], fill


def test_the_html_edition_is_light_and_offers_two_sizes(rich: dict) -> None:
    html = rich["html"].path.read_text(encoding="utf-8")
    big = [m for m in re.findall(r"<img [^>]*>", html) if "srcset=" in m]
    assert big and all(" 480w, " in m and " 960w" in m for m in big)  # phone and desktop versions inside
    assert rich["html"].path.stat().st_size < 1_500_000
    assert "background: #FFFFFF" not in html.split(".cover .logo", 1)[1].split("}", 1)[0]  # the logo keeps its alpha
