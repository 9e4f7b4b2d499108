"""The publication model (pure): Markdown to chapters, pictures, links, headings; errors name article and line."""

from __future__ import annotations

import unicodedata

import pytest

from promokit.errors import AssetError
from promokit.publication.body import RenderEnv, render_body
from promokit.publication.model import (
    ArticleSource,
    Meta,
    build_document,
    clean,
    esc,
    image_target,
    slug,
)

META = Meta(title="Lễ hội Giỗ Tổ Hùng Vương năm 2024")


def art(body: str, rel: str = "articles/01-bai.md", title: str = "Giới thiệu", body_line: int = 5,
        **meta: object) -> ArticleSource:
    return ArticleSource(rel, f"/c/{rel}", {"title": title, **meta}, body, title, len(body.split()), body_line)


def env(base: int = 3) -> RenderEnv:
    return RenderEnv(base, figure=lambda u: f'<figure data-key="{u.key}" data-alt="{esc(u.alt)}">'
                     f"<figcaption>{esc(u.caption)}</figcaption></figure>",
                     inline_image=lambda u: f'<img data-key="{u.key}" alt="{esc(u.alt)}" />',
                     href=lambda link: ("#" + link.url) if link.kind == "anchor" else link.url)


def body_html(body: str, **kw: object) -> str:
    doc = build_document([art(body, **kw)], META)  # type: ignore[arg-type]
    return render_body(doc.chapters[0], env())


def test_slug_drops_marks_and_starts_with_a_letter() -> None:
    assert slug("Hoạt động chính") == "hoat-dong-chinh"
    assert slug("Đường đến Lấp Vò") == "duong-den-lap-vo"
    assert slug("2024: năm mới") == "m-2024-nam-moi"
    assert slug("!!!") == "muc"


def test_clean_is_nfc_without_xml_forbidden_controls() -> None:
    nfd = unicodedata.normalize("NFD", "Lễ hội\x0b\x0c\x00 đình")
    assert clean(nfd) == "Lễ hội đình"
    assert unicodedata.is_normalized("NFC", clean(nfd))


def test_dollar_and_script_in_prose_stay_text() -> None:
    html = body_html("Giá vé $5, không phải $math$. <script>alert(1)</script> <b>đậm</b>\n")
    assert "$5" in html and "$math$" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<b>" not in html


def test_headings_shift_to_the_edition_level_and_get_unique_ids() -> None:
    a = art("# Hoạt động\n\nA\n\n## Chi tiết\n\nB\n", rel="articles/a.md", title="Bài A")
    b = art("## Hoạt động\n\nC\n", rel="articles/b.md", title="Bài B")
    doc = build_document([a, b], META)
    html_a = render_body(doc.chapters[0], env(3))
    assert '<h3 id="hoat-dong">Hoạt\u00a0động</h3>' in html_a  # one word: never broken
    assert '<h4 id="chi-tiet">Chi tiết</h4>' in html_a
    assert '<h3 id="hoat-dong-2">' in render_body(doc.chapters[1], env(3))  # ids unique in the publication
    assert '<h2 id="hoat-dong">' in render_body(doc.chapters[0], env(2))  # EPUB: chapter title is h1
    assert [h.text for h in doc.toc()[0][1]] == ["Hoạt động"]


def test_a_body_repeating_the_title_as_first_heading_is_not_doubled() -> None:
    doc = build_document([art("# Giới thiệu\n\nNội dung.\n")], META)
    assert "Giới thiệu" not in render_body(doc.chapters[0], env())


def test_picture_alone_is_a_figure_inside_a_sentence_inline() -> None:
    html = body_html('![Đình làng](../images/dinh.jpg "Đình làng Tân Mỹ")\n\nCó ![logo](../images/logo.png) ở đây.\n')
    assert '<figure data-key="img-001" data-alt="Đình làng"><figcaption>Đình làng Tân Mỹ</figcaption>' in html
    assert '<p>Có <img data-key="img-002" alt="logo" /> ở đây.</p>' in html


def test_picture_path_is_relative_to_the_article_then_the_campaign() -> None:
    assert image_target("../images/a.jpg", "articles/x.md", "f", 1) == ("asset", ("images/a.jpg",))
    assert image_target("images/a.jpg", "articles/x.md", "f", 1) == ("asset", ("articles/images/a.jpg",
                                                                               "images/a.jpg"))
    assert image_target("../images/%E1%BA%A3nh.jpg", "articles/x.md", "f", 1) == ("asset", ("images/ảnh.jpg",))
    assert image_target("output:infographics/a-square.png", "articles/x.md", "f", 1) == (
        "output", ("output:infographics/a-square.png",))
    assert image_target("infographic:ocop/portrait", "articles/x.md", "f", 1) == ("output", ("infographic:ocop/portrait",))


@pytest.mark.parametrize("src", ["../../secret.jpg", "/etc/passwd", "file:///etc/passwd", "http://example.com/a.jpg",
                                 "https://192.168.1.10/a.jpg", "//example.com/a.jpg", "C:\\anh.jpg",
                                 "data:image/png;base64,AAAA", "output:../../etc/passwd", "~/anh.jpg"])
def test_pictures_outside_the_campaign_are_refused_with_article_and_line(src: str) -> None:
    body = f"Dòng một.\n\n![Ảnh]({src})\n"
    with pytest.raises(AssetError) as e:
        build_document([art(body, body_line=5)], META)
    assert "/c/articles/01-bai.md:7" in str(e.value)  # body starts on line 5; picture on the body's line 3


def test_missing_alt_uses_the_caption_else_names_article_and_line() -> None:
    doc = build_document([art('![](../images/a.jpg "Chú thích ảnh")\n')], META)
    assert doc.uses[0].alt == "Chú thích ảnh"
    with pytest.raises(AssetError) as e:
        build_document([art("Một.\nHai ![](../images/a.jpg) ba.\n", body_line=10)], META)
    msg = str(e.value)
    assert "/c/articles/01-bai.md:11" in msg and "alt" in msg


@pytest.mark.parametrize("href", ["file:///etc/passwd", "http://example.com/", "https://192.168.1.1/admin",
                                  "https://localhost/x", "https://intranet/x", "https://printer.local/",
                                  "https://user@example.com/", "https://example.com:8080/", "javascript:alert(1)",
                                  "//example.com/x", "/etc/passwd", "../../campaign.yml", "data:text/html,x"])
def test_links_to_files_and_network_addresses_are_refused(href: str) -> None:
    with pytest.raises(AssetError) as e:
        build_document([art(f"Đoạn đầu.\n\nXem [đây]({href}).\n", body_line=3)], META)
    msg = str(e.value)
    assert "/c/articles/01-bai.md:5" in msg
    assert "từ chối" in msg or "refused" in msg or "không trỏ" in msg


def test_allowed_links_public_https_mail_phone_anchor_and_other_article() -> None:
    a = art("## Hoạt động\n\n[huyện](https://lapvo.dongthap.gov.vn/tin) [thư](mailto:a@b.vn) [gọi](tel:+842773)"
            " [mục](#hoat-dong) [bài B](b.md) [mục B](b.md#ket-qua)\n", rel="articles/a.md", title="A")
    b = art("## Kết quả\n\nX\n", rel="articles/b.md", title="Bài B")
    doc = build_document([a, b], META)
    html = render_body(doc.chapters[0], env())
    assert 'href="https://lapvo.dongthap.gov.vn/tin" class="external"' in html
    assert 'href="mailto:a@b.vn"' in html and 'href="tel:+842773"' in html
    assert 'href="#hoat-dong"' in html and 'href="#bai-b"' in html and 'href="#ket-qua"' in html
    assert doc.anchors["ket-qua"] == 2


def test_unknown_anchor_is_an_error() -> None:
    with pytest.raises(AssetError, match="khong-co"):
        build_document([art("[x](#khong-co)\n")], META)


def test_front_matter_cover_date_and_infographic_alt_defaults() -> None:
    a = art('![](output:infographics/ocop-square.png)\n', cover="../images/bia.jpg", cover_alt="Bìa",
            date="2024-04-18", summary="Tóm tắt")
    doc = build_document([a], META)
    ch = doc.chapters[0]
    assert ch.date == "18/4/2024" and ch.summary == "Tóm tắt"
    assert ch.cover is not None and ch.cover.alt == "Bìa"
    key = doc.uses[0].key
    doc.apply_picture_defaults({key: ("Biểu đồ cột: OCOP theo xã", "Sản phẩm OCOP theo xã")})
    assert doc.uses[0].alt == "Biểu đồ cột: OCOP theo xã" and doc.uses[0].caption == "Sản phẩm OCOP theo xã"
    doc2 = build_document([art("![](output:infographics/x.png)\n", body_line=4)], META)
    with pytest.raises(AssetError, match=r"01-bai\.md:4"):
        doc2.apply_picture_defaults({})


def test_tables_render_alignment_as_classes_in_a_scrolling_wrapper() -> None:
    html = body_html("| Xã | Số |\n|:--|--:|\n| Bình Thành | 1.234,5 |\n")
    assert '<div class="table-wrap"><table>' in html
    assert '<td class="align-right">1.234,5</td>' in html and "style=" not in html


def test_empty_article_list_is_refused() -> None:
    with pytest.raises(ValueError):
        build_document([], META)


def test_an_article_cover_is_not_repeated_as_its_first_picture() -> None:
    from promokit.publication.audit import picture_defects

    body = "![Đình làng](../images/dinh.jpg)\n\nChữ.\n\n![Chợ quê](../images/cho.jpg)\n"
    doc = build_document([art(body, cover="../images/dinh.jpg", cover_alt="Đình làng")], META)
    html = render_body(doc.chapters[0], env())
    assert html.count("<figure") == 1 and doc.chapters[0].cover is not None  # the cover, then only cho.jpg
    assert picture_defects(doc, lambda key: None) == []
    # a deliberately repeated picture (two figures of one file in a row) is caught
    twice = build_document([art("![A](../images/a.jpg)\n\n![B](../images/a.jpg)\n")], META)
    assert [d.kind for d in picture_defects(twice, lambda key: None)] == ["duplicate"]


def test_prose_gets_curly_quotes() -> None:
    assert "“Chợ ma”" in body_html('Thực cảnh "Chợ ma" Định Yên.\n')
