"""Article front matter: one documented shape, validated; dates and hashtags normalised."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from promokit import assets, testing
from promokit.checks import campaign_problems
from promokit.errors import AssetError
from promokit.spec import json_schema


def _article(tmp_path, front: str):
    p = tmp_path / "bai.md"
    p.write_text(f"---\n{front}---\n\nNội dung bài viết.\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("written", ["13/04/2024", "13/4/2024", "2024-04-13", "13-4-2024", "13.04.2024"])
def test_dates_in_common_vietnamese_forms_become_one_date(tmp_path, written):
    a = assets.read_article(_article(tmp_path, f"title: Bài\ndate: {written}\n"))
    assert a.meta["date"] == dt.date(2024, 4, 13)


def test_dates_print_one_way_in_the_article_table(tmp_path):
    from promokit.project import open_campaign
    from promokit.publication import article_table

    folder = testing.make_campaign(tmp_path, "mot", images=1, clips=0, music=False, csv=False, article=False,
                                   extra_yaml={"publication": {"articles": ["articles/a.md", "articles/b.md"]}})
    (folder / "articles").mkdir(exist_ok=True)
    (folder / "articles" / "a.md").write_text("---\ntitle: A\ndate: 13/04/2024\n---\n\nMột.\n", encoding="utf-8")
    (folder / "articles" / "b.md").write_text("---\ntitle: B\ndate: 2024-4-12\n---\n\nHai.\n", encoding="utf-8")
    markup = article_table(open_campaign("mot", tmp_path, tmp_path / "out"))._repr_html_()
    assert "<td>13/4/2024</td>" in markup and "<td>12/4/2024</td>" in markup


def test_a_date_that_is_not_one_is_refused_in_plain_words(tmp_path):
    with pytest.raises(AssetError) as e:
        assets.read_article(_article(tmp_path, "title: Bài\ndate: 31/02/2024\n"))
    (p,) = e.value.problems
    assert p.where.line == 3 and p.where.field == "date"
    assert "12/4/2024" in p.fix_vi and "2024-04-12" in p.fix_en and "Input should" not in p.en


def test_cover_without_description_names_cover_alt_in_front_matter_syntax(tmp_path):
    with pytest.raises(AssetError) as e:
        assets.read_article(_article(tmp_path, "title: Bài\ncover: ../images/anh.jpg\n"))
    (p,) = e.value.problems
    assert p.where.field == "cover_alt" and p.where.line == 3
    assert "cover_alt: " in p.fix_vi and "cover_alt: " in p.fix_en
    assert "![" not in str(p)


def test_hashtags_lose_their_leading_hash(tmp_path):
    a = assets.read_article(_article(tmp_path, "title: Bài\nhashtags: ['#DacSanDongThap', LapVo]\n"))
    assert a.meta["hashtags"] == ["DacSanDongThap", "LapVo"]


def test_misspelt_front_matter_key_gets_a_suggestion_and_all_problems_come_together(tmp_path):
    with pytest.raises(AssetError) as e:
        assets.read_article(_article(tmp_path, "title: Bài\ncoveralt: Ảnh\ndate: 32/1/2024\n"))
    text = str(e.value)
    assert "did you mean 'cover_alt'" in text and "[date]" in text
    assert len(e.value.problems) == 2


def test_check_reports_front_matter_problems_with_the_spec_problems(tmp_path):
    folder = testing.make_campaign(tmp_path, "hai", images=1, clips=0, music=False, csv=False, article=True,
                                   extra_yaml={"video": {"endcard": {"text": "x"}}})
    (folder / "articles" / "01-gioi-thieu.md").write_text("---\ntitle: A\ncover: ../images/anh-1.jpg\n---\n\nMột.\n",
                                                          encoding="utf-8")
    _, problems = campaign_problems("hai", tmp_path)
    fields = {p.where.field for p in problems}
    assert {"video.endcard", "cover_alt"} <= fields, [str(p) for p in problems]


def test_json_schema_documents_the_front_matter():
    schema = json.loads(json_schema())
    front = schema["$defs"]["ArticleFrontMatter"]
    assert {"title", "date", "cover", "cover_alt", "hashtags"} <= set(front["properties"])
    assert front["required"] == ["title"]
