"""One round of validation: every problem of a campaign at once, each with a line and a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit.checks import campaign_problems, check_campaigns
from promokit.errors import SpecError
from promokit.spec import load_campaign
from promokit.testing import make_campaign


def _write(folder: Path, text: str) -> None:
    (folder / "campaign.yml").write_text(text, encoding="utf-8")


SPEC = """\
id: mot
title: Lễ hội
theme: le-hoi
video:
  duration: 6
  platforms: [tik-tok]
  music: music/nhac-nen-sai.wav
  endcard:
    text: Hẹn gặp lại
infographics:
  - id: ocop-theo-xa
    kind: bar
    data: data/ocop.csv
    x: xa
    y: so_san_pham_sai
    title: Sản phẩm OCOP
    sizes: [square]
publication:
  articles: [articles/01-gioi-thieu.md]
  formats: [html]
  page: A5
"""


@pytest.fixture()
def assets(tmp_path):
    folder = make_campaign(tmp_path, "mot", images=1, clips=0, music=True, csv=True, article=True)
    _write(folder, SPEC)
    return tmp_path


def test_four_different_mistakes_reported_in_one_check(assets):
    report = check_campaigns(assets, ["mot"])
    lines = [str(p) for p in report.campaigns["mot"]]
    text = "\n".join(lines)
    # spec: a misspelt field name, with the name it should be
    assert any("[video.endcard]" in ln and "did you mean 'end_card'" in ln and "có phải 'end_card'" in ln
               for ln in lines), text
    # spec: a platform name, with a suggestion and a Fix part
    assert any("[video.platforms[0]]" in ln and "did you mean 'tiktok'" in ln and "— Fix:" in ln
               and "— Cách sửa:" in ln for ln in lines), text
    # files: the music path that does not exist (checked although the spec has mistakes)
    assert any("[video.music]" in ln and "nhac-nen-sai.wav" in ln for ln in lines), text
    # data: the column the CSV does not have
    assert any("so_san_pham_sai" in ln for ln in lines), text
    # each names campaign.yml with its line, with the same path prefix
    spec = str(assets / "campaigns" / "mot" / "campaign.yml")
    for ln in lines:
        assert ln.startswith(spec + ":") or ln.startswith("campaigns/") or "campaign.yml:" in ln, ln
    lines_no = {ln.split(" ")[0].rsplit(":", 1)[-1] for ln in lines if "campaign.yml:" in ln}
    assert {"6", "7", "8", "15"} <= lines_no, text
    # an enum in another case is accepted when unambiguous: page A5 is no problem
    assert not any("publication.page" in ln for ln in lines), text


def test_articles_and_spec_problems_come_together(assets):
    folder = assets / "campaigns" / "mot"
    (folder / "articles" / "01-gioi-thieu.md").write_text("---\nauthor: X\n---\n\nKhông có tiêu đề.\n",
                                                          encoding="utf-8")
    _, problems = campaign_problems("mot", assets)
    text = "\n".join(map(str, problems))
    assert "article has no title" in text and "did you mean 'end_card'" in text


def test_enum_refused_lists_the_values_in_both_halves(tmp_path):
    folder = make_campaign(tmp_path, "hai", images=1, clips=0, music=False, csv=False, article=True,
                           extra_yaml={"publication": {"page": "A9"}})
    with pytest.raises(SpecError) as e:
        load_campaign(folder)
    (p,) = e.value.problems
    assert "a4, a5" in p.fix_vi and "a4, a5" in p.fix_en, str(p)
    assert p.where.line is not None and p.where.field == "publication.page"


def test_enum_case_variants_accepted(tmp_path):
    folder = make_campaign(tmp_path, "ba", images=1, clips=0, music=False, csv=False, article=True,
                           extra_yaml={"publication": {"page": "A5", "formats": ["HTML", "Pdf"]},
                                       "video": {"transition": "Crossfade", "platforms": ["TikTok"]}})
    c = load_campaign(folder)
    assert c.publication.page == "a5" and c.publication.formats == ["html", "pdf"]
    assert c.video.transition == "crossfade" and c.video.platforms == ["tiktok"]


def test_field_typo_suggestions_at_any_depth(tmp_path):
    folder = make_campaign(tmp_path, "bon", images=1, clips=0, music=False, csv=True, article=False,
                           extra_yaml={"titel": "x", "infographics": [{"id": "a", "kind": "bar", "data": "data/ocop.csv",
                                                                       "x": "xa", "y": "so_san_pham", "title": "T",
                                                                       "sorce": "Nguồn"}]})
    with pytest.raises(SpecError) as e:
        load_campaign(folder)
    text = str(e.value)
    assert "[titel]" in text and "did you mean 'title'" in text
    assert "[infographics[0].sorce]" in text and "did you mean 'source'" in text
    assert "rename 'sorce' to 'source'" in text


def test_kind_and_theme_typos_suggested(tmp_path):
    folder = make_campaign(tmp_path, "nam", images=1, clips=0, music=False, csv=True, article=False,
                           extra_yaml={"theme": "le-hoy"})
    spec = (folder / "campaign.yml").read_text(encoding="utf-8").replace("kind: bar", "kind: barr")
    (folder / "campaign.yml").write_text(spec, encoding="utf-8")
    with pytest.raises(SpecError) as e:
        load_campaign(folder)
    text = str(e.value)
    assert "did you mean 'le-hoi'" in text and "did you mean 'bar'" in text
    assert len(e.value.problems) == 2


def test_date_error_speaks_no_library_words(tmp_path):
    folder = make_campaign(tmp_path, "sau", images=1, clips=0, music=False, csv=False, article=False,
                           extra_yaml={"dates": {"from": "18/04/2024x"}})
    with pytest.raises(SpecError) as e:
        load_campaign(folder)
    (p,) = e.value.problems
    assert "invalid character" not in p.en and "Input should" not in p.en
    assert "2024-04-12" in p.fix_en and "2024-04-12" in p.fix_vi and "12/4/2024" in p.fix_vi


def test_problems_about_campaign_yml_get_the_fields_line(assets):
    from promokit.errors import Problem, Where
    from promokit.spec.loader import with_lines

    spec = assets / "campaigns" / "mot" / "campaign.yml"
    other = Problem(Where(assets / "x.md", None, "title"), "a", "b")
    fixed = with_lines([Problem(Where(spec, None, "publication.page"), "a", "b"), other], spec)
    assert fixed[0].where.line == 21 and fixed[1] is other


def test_one_path_form_per_message(assets, monkeypatch):
    """A message names the campaign folder one way: as its file prefix is written (relative to the working
    folder), never once relative and once absolute."""
    monkeypatch.chdir(assets.parent)
    report = check_campaigns(assets.relative_to(assets.parent), ["mot"])
    music = next(str(p) for p in report.campaigns["mot"] if p.where.field == "video.music")
    assert str(assets) not in music, music
    assert music.count(f"{assets.name}/campaigns/mot/") == 3, music  # the file, both halves of the fix


def test_notebook_load_checks_front_matter_without_loading_the_publication_room(tmp_path):
    """A video or poster notebook's load cell reports an article's front-matter problem too, without paying for
    WeasyPrint (the publication's own deep checks belong to its notebook and `promokit check`)."""
    import subprocess
    import sys

    folder = make_campaign(tmp_path, "bay", images=1, clips=0, music=False, csv=False, article=True)
    (folder / "articles" / "01-gioi-thieu.md").write_text("---\ntitle: A\ncover: ../images/anh-1.jpg\n---\n\nMột.\n",
                                                          encoding="utf-8")
    code = ("import sys\nfrom promokit.checks import campaign_problems\n"
            f"_, ps = campaign_problems('bay', {str(tmp_path)!r}, deep=())\n"
            "print([p.where.field for p in ps]); print('weasyprint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert "cover_alt" in out[0] and out[1] == "False", out
