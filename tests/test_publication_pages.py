"""PDF pages that do not end a third empty: a picture pushed to the next page is fitted back or lets the text pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit import testing
from promokit.project import open_campaign
from promokit.publication import pagefit, pdf, render_publication
from promokit.publication.pagefit import Fix, mend, number_figures

PARA = ("Đất phù sa ven sông Hậu đã cho Lấp Vò những cánh đồng lúa trù phú, những vườn xoài, vườn cây ăn trái "
        "sum suê và những làng nghề truyền thống được gìn giữ qua nhiều thế hệ.")


def _pushed(root: Path):  # noqa: ANN202 - a CampaignContext
    """An A5 article whose tall picture comes just after most of a page of text: it does not fit what is left."""
    folder = testing.make_campaign(root, "g", images=0, clips=0, music=False, csv=False, article=False,
                                   extra_yaml={"publication": {"title": "Ấn phẩm thử", "articles": ["articles/a.md"],
                                                                "formats": ["pdf"], "page": "a5"}})
    testing.make_image(folder / "images" / "doc.jpg", (600, 900), (60, 160, 90))
    lines = [PARA] * 5 + [f"Dòng ngắn thứ {i}." for i in range(2)]
    body = "\n\n".join(lines) + '\n\n![Cánh đồng](../images/doc.jpg "Nông dân thăm đồng")\n\n' + \
        "\n\n".join([PARA] * 6) + "\n"
    testing.make_article(folder / "articles" / "a.md", "Bài thử", body)
    return open_campaign("g", root, root / "out")


def _two_chapters(root: Path):  # noqa: ANN202 - a CampaignContext
    """Two A5 articles: the first plain text over two pages, the second with the pushed picture of `_pushed`."""
    folder = testing.make_campaign(root, "g", images=0, clips=0, music=False, csv=False, article=False,
                                   extra_yaml={"publication": {"title": "Ấn phẩm thử", "formats": ["pdf"], "page": "a5",
                                                                "articles": ["articles/a.md", "articles/b.md"]}})
    testing.make_image(folder / "images" / "doc.jpg", (600, 900), (60, 160, 90))
    testing.make_article(folder / "articles" / "a.md", "Bài mở đầu", "\n\n".join([PARA] * 9) + "\n\n## Phần hai\n\n"
                         + "\n\n".join([PARA] * 4) + "\n")
    lines = [PARA] * 5 + [f"Dòng ngắn thứ {i}." for i in range(2)]
    body = "\n\n".join(lines) + '\n\n![Cánh đồng](../images/doc.jpg "Nông dân thăm đồng")\n\n' + \
        "\n\n".join([PARA] * 6) + "\n"
    testing.make_article(folder / "articles" / "b.md", "Bài thử", body)
    return open_campaign("g", root, root / "out")


def _fill(r) -> dict:  # noqa: ANN001 - an EditionResult
    return {c["name"]: c for c in r.checks["audit"]}["layout.page_fill"]


@pytest.mark.slow
def test_a_pushed_picture_is_fitted_back_onto_its_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = render_publication(_pushed(tmp_path / "a"), formats=["pdf"])[0]
    assert _fill(r)["ok"], _fill(r)
    assert r.checks["figures_fitted"] + r.checks["figures_moved"] == 1
    monkeypatch.setattr(pdf, "MEND_PASSES", 0)  # the same article laid out once: the gap the audit reports
    r = render_publication(_pushed(tmp_path / "b"), formats=["pdf"])[0]
    assert not _fill(r)["ok"] and "empty mid-chapter" in _fill(r)["reason"]


@pytest.mark.slow
def test_only_the_mended_chapter_onwards_is_laid_out_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pushed picture is in the second chapter: the first is laid out once (its pages kept from the first
    layout, stand-in pages in the second), and the PDF reads page by page as when everything is laid out again —
    the contents' page numbers and the outline included."""
    pypdf = pytest.importorskip("pypdf")
    r = render_publication(_two_chapters(tmp_path / "a"), formats=["pdf"])[0]
    assert _fill(r)["ok"], _fill(r)
    assert r.checks["figures_fitted"] + r.checks["figures_moved"] == 1
    assert 0 < r.checks["pages_laid_out_again"] <= r.checks["pages"] - 2  # not the first chapter's two pages
    assert not any("twice" in w for w in r.checks["warnings"]), r.checks["warnings"]
    monkeypatch.setattr(pdf, "_relayout", lambda markup, fixes, new, before, layout:
                        (layout(pdf.mend(markup, list(fixes.values()))), 0))
    full = render_publication(_two_chapters(tmp_path / "b"), formats=["pdf"])[0]
    assert full.checks["pages_laid_out_again"] == full.checks["pages"] == r.checks["pages"]

    def read(path: Path) -> tuple[list[str], list]:
        doc = pypdf.PdfReader(str(path))
        return ([pg.extract_text() for pg in doc.pages],
                [(o.title, doc.get_destination_page_number(o)) for o in doc.outline if not isinstance(o, list)])

    assert read(r.path) == read(full.path)


def test_stand_ins_keep_each_page_and_anchor_of_the_chapters_before() -> None:
    markup = ('<style>p{}</style><main>\n<article class="chapter" aria-labelledby="a">\n<h2 id="a">A</h2><p>x</p>'
              '</article>\n<article class="chapter" aria-labelledby="b">\n<h2 id="b">B</h2>'
              '<figure data-fig="0" class="figure"><img src="p"></figure></article>\n</main>')
    assert pagefit.chapter_ids(markup) == ["a", "b"] and pagefit.chapter_of(markup, 0) == 1
    assert pagefit.page_spans([[], ["a", "x"], ["y"], ["b"], ["colophon"]], ["a", "b"]) == [(1, 3), (3, 4)]
    assert pagefit.page_spans([["b"], ["a"]], ["a", "b"]) is None  # out of order: laid out in full
    light = pagefit.stand_ins(markup.replace("<p>x</p>", '<p id="x">x</p><p id="y">y</p>'), 1,
                              [[["main", "a", "x"], ["y"]]])
    assert "<p" not in light.split("</style>")[1] and '<h2 id="b">B</h2>' in light
    assert light.count(f'class="{pagefit.STAND_IN}') == 2 and 'id="a"' in light and 'id="y"' in light
    assert 'id="main"' not in light  # an id of what holds the chapters is not repeated
    assert "break-before: page" in light.split("</style>")[0]


def test_a_picture_that_cannot_shrink_enough_moves_below_the_next_paragraph() -> None:
    markup = number_figures('<style>p{}</style><p>một</p>\n<figure class="figure"><img src="a"></figure>\n'
                            '<p>hai <em>ba</em></p>\n<figure class="figure"><img src="b"></figure>\n<h3>Bốn</h3>\n')
    assert markup.count("data-fig=") == 2
    moved = mend(markup, [Fix(0)])
    assert moved.index("<p>hai") < moved.index('data-fig="0"') < moved.index('data-fig="1"')
    fitted = mend(markup, [Fix(1, 150.0)])
    assert 'figure[data-fig="1"] img { max-height: 150.0px; }' in fitted.split("</style>")[0]
    assert mend(markup, [Fix(1)]) == markup  # a heading follows: the picture stays before it


def test_long_titles_run_as_one_header_line_each_ending_in_an_ellipsis(tmp_path: Path) -> None:
    import pypdf

    from promokit import testing
    from promokit.project import open_campaign
    from promokit.publication import render_publication

    long_pub = "Hội chợ Xúc tiến thương mại và đầu tư huyện Lấp Vò năm 2024 – Kết nối cung cầu, lan tỏa OCOP"
    long_art = "Khai mạc Hội chợ Xúc tiến thương mại và đầu tư huyện Lấp Vò năm 2024 với hơn một trăm gian hàng"
    folder = testing.make_campaign(tmp_path, "dai", images=1, clips=0, music=False, extra_yaml={
        "publication": {"title": long_pub, "formats": ["pdf"], "articles": ["articles/01.md"]}})
    testing.make_article(folder / "articles" / "01.md", long_art, body="Đoạn văn thử nghiệm. " * 600)
    (r,) = render_publication(open_campaign("dai", tmp_path, tmp_path / "out"))
    page = pypdf.PdfReader(str(r.path)).pages[3]
    top = float(page.mediabox.top)
    heads: list[tuple[float, str]] = []

    def seen(text: str, cm: list, tm: list, font: object, size: float) -> None:
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and y > top - 0.085 * top:  # the running-head band at the top of the page
            heads.append((round(y), text))
    page.extract_text(visitor_text=seen)
    assert heads, "no running head"
    # one line, not wrapped into two (what overflows is clipped and ends in "…" on the page; the text layer
    # keeps the whole title for search and screen readers)
    assert len({y for y, _ in heads}) == 1, heads
    joined = "".join(t for _, t in heads).replace("\u00a0", " ")
    assert long_pub[:20] in joined and long_art[:20] in joined, joined
