"""PDF pages that do not end a third empty: a picture pushed to the next page is fitted back or lets the text pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit import testing
from promokit.project import open_campaign
from promokit.publication import pdf, render_publication
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


def test_a_picture_that_cannot_shrink_enough_moves_below_the_next_paragraph() -> None:
    markup = number_figures('<style>p{}</style><p>một</p>\n<figure class="figure"><img src="a"></figure>\n'
                            '<p>hai <em>ba</em></p>\n<figure class="figure"><img src="b"></figure>\n<h3>Bốn</h3>\n')
    assert markup.count("data-fig=") == 2
    moved = mend(markup, [Fix(0)])
    assert moved.index("<p>hai") < moved.index('data-fig="0"') < moved.index('data-fig="1"')
    fitted = mend(markup, [Fix(1, 150.0)])
    assert 'figure[data-fig="1"] img { max-height: 150.0px; }' in fitted.split("</style>")[0]
    assert mend(markup, [Fix(1)]) == markup  # a heading follows: the picture stays before it
