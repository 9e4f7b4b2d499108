"""Every bad input of issue #5, end to end through `render_publication` (HTML edition: fast), plus the strict
URL fetcher WeasyPrint uses."""

from __future__ import annotations

import base64
import io
import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from PIL import Image

from promokit import testing
from promokit.errors import AssetError, PromokitError, SpecError, UsageError
from promokit.project import open_campaign
from promokit.publication import article_table, html_preview, render_publication
from promokit.publication.fetcher import Refused, Sandbox, StrictFetcher


def campaign(root: Path, body: str, *, title: str | None = "Bài thử", extra: dict | None = None,
             images: int = 2) -> Path:
    """A campaign whose publication is the default article plus `articles/02-thu.md` with `body`."""
    folder = testing.make_campaign(root, "thu", images=images, clips=0, music=False, csv=False, extra_yaml={
        "publication": {"formats": ["html"],
                        "articles": ["articles/01-gioi-thieu.md", "articles/02-thu.md"]}, **(extra or {})})
    art = folder / "articles" / "02-thu.md"
    if title is None:
        art.write_text(f"---\nauthor: Tổ biên tập\n---\n\n{body}", encoding="utf-8")
    else:
        testing.make_article(art, title, body=body)  # front matter: 3 lines, blank line, body from line 5
    return folder


def render(root: Path, **kw: object) -> str:
    ctx = open_campaign("thu", root, root / "output", check_files=False)
    result = render_publication(ctx, **{"formats": ["html"], **kw})[0]  # type: ignore[arg-type]
    return result.path.read_text(encoding="utf-8")


def data_images(html: str) -> list[tuple[int, int]]:
    return [Image.open(io.BytesIO(base64.b64decode(b))).size
            for b in re.findall(r"data:image/(?:jpeg|png);base64,([A-Za-z0-9+/=]+)", html)]


def test_missing_image_names_article_and_line(tmp_path: Path) -> None:
    campaign(tmp_path, "Đoạn một.\n\n![Đình làng](../images/dinh-lang.jpg)\n")
    with pytest.raises(AssetError) as e:
        render(tmp_path)
    msg = str(e.value)
    assert "02-thu.md:7" in msg and "dinh-lang.jpg" in msg


def test_missing_image_suggests_a_near_name(tmp_path: Path) -> None:
    campaign(tmp_path, "![Ảnh](../images/anh-l.jpg)\n")
    with pytest.raises(AssetError, match=r"did you mean 'images/anh-\d\.jpg'"):
        render(tmp_path)


def test_image_without_alt_takes_the_caption(tmp_path: Path) -> None:
    campaign(tmp_path, '![](../images/anh-1.jpg "Rước kiệu qua cầu")\n')
    html = render(tmp_path)
    assert 'alt="Rước kiệu qua cầu"' in html and "<figcaption>Rước kiệu qua cầu</figcaption>" in html


def test_image_without_alt_or_caption_names_article_and_line(tmp_path: Path) -> None:
    campaign(tmp_path, "Một.\n\nHai.\n\n![](../images/anh-1.jpg)\n")
    with pytest.raises(AssetError) as e:
        render(tmp_path)
    msg = str(e.value)
    assert "02-thu.md:9" in msg and "alt" in msg


def test_article_without_title_is_an_error_naming_the_file(tmp_path: Path) -> None:
    campaign(tmp_path, "Không có tiêu đề.\n", title=None)
    with pytest.raises(AssetError) as e:
        render(tmp_path)
    assert "02-thu.md" in str(e.value) and "title" in str(e.value)


def test_nfd_text_comes_out_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Lễ hội Đền Hùng: rước kiệu, hát bội")
    assert not unicodedata.is_normalized("NFC", nfd)
    heading = unicodedata.normalize("NFD", "Hoạt động chính")
    campaign(tmp_path, f"## {heading}\n\n{nfd}.\n", title=nfd)
    html = render(tmp_path)
    assert unicodedata.is_normalized("NFC", html)
    text = html.replace("\u00a0", " ")  # headings join a word's syllables with no-break spaces
    assert text.count("Lễ hội Đền Hùng: rước kiệu, hát bội") == 3  # ToC, chapter title, paragraph
    assert text.count("Hoạt động chính") == 2 and 'id="hoat-dong-chinh"' in html  # ToC and heading


def test_dollar_and_script_in_prose_are_shown_as_text(tmp_path: Path) -> None:
    campaign(tmp_path, 'Vé $5 và $10; <script>alert("x")</script> <img src=x onerror=alert(1)>\n')
    html = render(tmp_path)
    assert "Vé $5 và $10;" in html
    assert "&lt;script&gt;alert(“x”)&lt;/script&gt;" in html  # shown as text (quotes typeset)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")


@pytest.mark.parametrize("href", ["file:///etc/passwd", "http://example.com/", "http://192.168.1.1/",
                                  "https://10.0.0.5/admin", "https://localhost:8888/"])
def test_links_to_local_files_and_network_addresses_are_refused(tmp_path: Path, href: str) -> None:
    campaign(tmp_path, f"Một.\n\nXem [chi tiết]({href}) nhé.\n")
    with pytest.raises(AssetError) as e:
        render(tmp_path)
    msg = str(e.value)
    assert "02-thu.md:7" in msg and href.rstrip("/") in msg


@pytest.mark.parametrize("src", ["file:///etc/passwd", "http://example.com/a.jpg", "/etc/passwd",
                                 "../../../../etc/passwd"])
def test_images_from_files_outside_or_the_network_are_refused(tmp_path: Path, src: str) -> None:
    campaign(tmp_path, f"![Ảnh]({src})\n")
    with pytest.raises(AssetError) as e:
        render(tmp_path)
    assert "02-thu.md:5" in str(e.value)
    assert not (tmp_path / "output" / "thu" / "publication" / "thu.html").exists()


def test_a_symlink_out_of_the_campaign_is_refused(tmp_path: Path) -> None:
    folder = campaign(tmp_path, "![Ảnh ngoài](../images/ngoai.jpg)\n")
    outside = testing.make_image(tmp_path / "ngoai" / "bi-mat.jpg")
    os.symlink(outside, folder / "images" / "ngoai.jpg")
    with pytest.raises(PromokitError) as e:
        render(tmp_path)
    assert "02-thu.md:5" in str(e.value)


def test_enormous_image_is_downscaled_for_the_edition(tmp_path: Path) -> None:
    folder = campaign(tmp_path, "![Ảnh rất lớn](../images/rat-lon.jpg)\n")
    testing.make_image(folder / "images" / "rat-lon.jpg", (6000, 4000), (90, 140, 60))
    html = render(tmp_path)
    sizes = data_images(html)  # the HTML edition's screen versions (srcset: phone and desktop)
    assert (960, 640) in sizes and (480, 320) in sizes and max(max(s) for s in sizes) <= 1600
    draft = render(tmp_path, draft=True)
    assert max(max(s) for s in data_images(draft)) <= 800 and "BẢN NHÁP" in draft


def test_decompression_bomb_is_refused_naming_the_article(tmp_path: Path) -> None:
    folder = campaign(tmp_path, "![Ảnh](../images/bom.png)\n")
    testing.make_bomb_png(folder / "images" / "bom.png", 400)
    with pytest.raises(AssetError) as e:
        render(tmp_path)
    assert "02-thu.md:5" in str(e.value) and "MP" in str(e.value)


def test_empty_article_list_is_a_clear_error(tmp_path: Path) -> None:
    testing.make_campaign(tmp_path, "thu", images=1, clips=0, music=False, csv=False, article=False,
                          extra_yaml={"publication": {"articles": [], "formats": ["html"]}})
    with pytest.raises(SpecError) as e:
        render(tmp_path)
    msg = str(e.value)
    assert "campaign.yml" in msg and "publication.articles" in msg and "no articles" in msg


def test_without_a_list_every_article_in_the_folder_is_used_in_name_order(tmp_path: Path) -> None:
    folder = testing.make_campaign(tmp_path, "thu", images=1, clips=0, music=False, csv=False, article=False,
                                   extra_yaml={"publication": {"formats": ["html"]}})
    testing.make_article(folder / "articles" / "10-sau.md", "Bài sau")
    testing.make_article(folder / "articles" / "2-truoc.md", "Bài trước")
    html = render(tmp_path)
    assert html.index("Bài trước") < html.index("Bài sau")
    assert "2-truoc.md" in repr(article_table(open_campaign("thu", tmp_path, tmp_path / "output")))


def test_missing_infographic_output_says_to_render_it_first(tmp_path: Path) -> None:
    testing.make_campaign(tmp_path, "thu", images=1, clips=0, music=False, csv=True, article=False,
                          extra_yaml={"publication": {"formats": ["html"], "articles": ["articles/02-thu.md"]}})
    testing.make_article(tmp_path / "campaigns" / "thu" / "articles" / "02-thu.md", "Số liệu",
                         body="![](infographic:ocop-theo-xa)\n")
    with pytest.raises(AssetError) as e:
        render(tmp_path)
    msg = str(e.value)
    assert "02-thu.md:5" in msg and "--notebook infographic" in msg


def test_unknown_infographic_lists_the_known_ones(tmp_path: Path) -> None:
    campaign(tmp_path, "![](infographic:khong-co)\n")
    with pytest.raises(AssetError, match="khong-co"):
        render(tmp_path)


def test_unknown_format_and_page_are_usage_errors(tmp_path: Path) -> None:
    campaign(tmp_path, "Nội dung.\n")
    with pytest.raises(UsageError, match="docx"):
        render(tmp_path, formats=["docx"])
    with pytest.raises(UsageError, match="a3"):
        render(tmp_path, formats=["html"], page="a3")


def test_font_without_a_needed_glyph_is_refused(tmp_path: Path) -> None:
    campaign(tmp_path, "Chữ Thái: ภาษาไทย.\n")
    with pytest.raises(PromokitError) as e:
        render(tmp_path)
    assert "02-thu.md" in str(e.value) and "U+0E20" in str(e.value)


def test_html_preview_is_an_inline_frame(tmp_path: Path) -> None:
    campaign(tmp_path, "Nội dung.\n")
    ctx = open_campaign("thu", tmp_path, tmp_path / "output", check_files=False)
    r = render_publication(ctx, formats=["html"])[0]
    frame = html_preview(r)._repr_html_()
    assert frame.startswith("<iframe") and "srcdoc=" in frame and "&lt;html lang=&quot;vi&quot;" in frame


# -- the strict fetcher --------------------------------------------------------------------------------------


def test_strict_fetcher_serves_memory_and_allowed_files_only(tmp_path: Path) -> None:
    inside = testing.make_image(tmp_path / "campaign" / "images" / "a.png")
    sandbox = Sandbox.of(tmp_path / "campaign")
    url = sandbox.add("img/x.png", b"PNGDATA", "image/png")
    fetcher = StrictFetcher(sandbox)
    assert fetcher.fetch(url).read() == b"PNGDATA"
    assert fetcher.fetch(inside.as_uri()).read() == inside.read_bytes()
    for bad in ("file:///etc/passwd", "http://127.0.0.1:8000/x.png", "https://example.com/a.png",
                "data:image/png;base64,AAAA", "pk:img/unknown.png", (tmp_path / "campaign" / ".." / "x").as_uri()):
        with pytest.raises(Refused) as e:
            fetcher.fetch(bad)
        assert isinstance(e.value.error, AssetError)


def test_weasyprint_stops_on_a_refused_address(tmp_path: Path) -> None:
    from weasyprint import HTML

    sandbox = Sandbox.of(tmp_path)
    html = '<html lang="vi"><body><p>x</p><img src="file:///etc/passwd" alt="x"></body></html>'
    with pytest.raises(Refused, match="etc/passwd"):
        HTML(string=html, base_url="pk:/", url_fetcher=StrictFetcher(sandbox)).write_pdf()


def test_spec_with_cover_outside_campaign_is_refused(tmp_path: Path) -> None:
    folder = campaign(tmp_path, "Nội dung.\n")
    spec = yaml.safe_load((folder / "campaign.yml").read_text(encoding="utf-8"))
    spec["publication"]["cover"] = "../../../etc/passwd"
    (folder / "campaign.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError, match="publication.cover"):
        render(tmp_path)


def test_a_picture_failing_while_the_pdf_is_laid_out_names_the_article(tmp_path: Path) -> None:
    """In the PDF the pictures are prepared while WeasyPrint lays out: the error still names article and line."""
    folder = campaign(tmp_path, "Một.\n\n![Ảnh hỏng](../images/hong.jpg)\n")
    testing.make_truncated_jpeg(folder / "images" / "hong.jpg", (640, 480))
    with pytest.raises(AssetError) as e:
        render(tmp_path, formats=["pdf"])
    assert "02-thu.md:7" in str(e.value) and "hong.jpg" in str(e.value)
    assert not (tmp_path / "output" / "thu" / "publication" / "thu.pdf").exists()


def test_check_publication_lists_every_problem_without_rendering(tmp_path: Path) -> None:
    from promokit.publication import check_publication

    campaign(tmp_path, "![Thiếu](../images/thieu.jpg)\n\n[x](file:///etc/passwd)\n\n![](../images/anh-1.jpg)\n\n"
                       "![](infographic:ocop-theo-xa)\n")
    ctx = open_campaign("thu", tmp_path, tmp_path / "output", check_files=False)
    problems = [str(p) for p in check_publication(ctx)]
    assert len(problems) == 4, problems
    for line, word in ((5, "thieu.jpg"), (7, "/etc/passwd"), (9, "alt"), (11, "ocop-theo-xa")):
        assert any(f"02-thu.md:{line}" in p and word in p for p in problems), (line, problems)
    assert not (tmp_path / "output" / "thu" / "publication").exists()


def test_check_publication_is_quiet_for_a_good_campaign(tmp_path: Path) -> None:
    from promokit.publication import check_publication

    campaign(tmp_path, '![Ảnh](../images/anh-1.jpg "Chú thích")\n')
    assert check_publication(open_campaign("thu", tmp_path, tmp_path / "output")) == []
