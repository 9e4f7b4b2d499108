"""Bulletin scripts: Markdown and campaign.yml forms, errors with file, line, field and fix; the schedule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from promokit.errors import SpecError
from promokit.radio.plan import plan_bulletin, timeline
from promokit.radio.schedule import schedule
from promokit.radio.script import parse_script
from promokit.radio.speech import Dictionary
from promokit.radio.style import style
from promokit.spec.models import Radio

SCRIPT = """---
title: Bản tin OCOP
slot: 120
bed: music/nen.wav
jingles: {ident: music/hieu.wav, closing: music/hieu.wav}
slots: ["06:00", "17h30"]
---

<!-- ghi chú của biên tập viên -->
## ident
voice: voice/ident.wav

## tin chính: OCOP tăng
pause: 1.5

Năm 2024 huyện có **41.200** hộ tham gia, tăng 30 %.

## news
article: articles/01.md

## psa: Nhắc nhở
bed: false

Liên hệ UBND xã trước 7h30 ngày 18/4/2024.

## closing
Cảm ơn quý vị.
"""


def test_markdown_script_parses_segments_and_lines():
    s = parse_script(SCRIPT, Path("radio/ban-tin-ocop.md"))
    b = s.bulletin
    assert b.name == "ban-tin-ocop" and b.title == "Bản tin OCOP" and b.slot == 120
    assert [x.kind for x in b.segments] == ["ident", "headline", "news", "psa", "closing"]
    assert b.segments[0].voice == "voice/ident.wav" and b.segments[0].text == ""
    assert b.segments[1].title == "OCOP tăng" and b.segments[1].pause_after == 1.5
    assert b.segments[1].text == "Năm 2024 huyện có 41.200 hộ tham gia, tăng 30 %."
    assert b.segments[2].article == "articles/01.md"
    assert b.segments[3].bed is False
    assert s.line("segments", 3) == SCRIPT.splitlines().index("## psa: Nhắc nhở") + 1
    assert b.jingles.ident == "music/hieu.wav"


def _plan(text: str):
    s = parse_script(text, Path("/c/radio/b.md"))
    return plan_bulletin(s, resolve=lambda rel, f: Path("/c") / rel, article_text=lambda p: "Tiêu đề. Tóm tắt.",
                         dictionary=Dictionary({"UBND": "Ủy ban nhân dân"}), style=style(), station="Đài",
                         date=dt.date(2024, 4, 18))


def test_plan_draws_articles_and_ear_text_and_timeline():
    b = _plan(SCRIPT)
    assert b.segments[2].text == "Tiêu đề. Tóm tắt."
    assert "bốn mươi mốt nghìn hai trăm" in b.segments[1].ear.text
    assert b.segments[0].jingle == Path("/c/music/hieu.wav") and b.closing_jingle == Path("/c/music/hieu.wav")
    assert b.guide  # four segments have no recording
    assert not b.segments[3].bed and b.segments[1].bed
    tl = timeline(b, [2.0, 3.0, 4.0, 5.0, 1.0], {Path("/c/music/hieu.wav"): 3.0}, style())
    st = style()
    voices = tl.voices()
    assert voices[0].start == pytest.approx(3.0 + st["jingle"]["gap"])
    assert tl.jingles()[-1].start > voices[-1].start + 1.0
    assert tl.duration == pytest.approx(tl.jingles()[-1].start + 3.0)
    # the bed runs under headline and news (one span), not under the psa
    assert len(tl.bed) == 1 and tl.bed[0][1] <= voices[3].start + 0.01 + st["bed"]["fade_out"]


@pytest.mark.parametrize(("text", "line", "field", "needle"), [
    ("---\ntitle: X\n---\n\n## ident\n\n## news\nTin.\n", 5, "segments[0]", "needs text, a voice file"),
    ("---\ntitle: X\n---\n\n## bogus\nTin.\n", 5, "segments[0]", "unknown segment kind"),
    ("---\ntitle: X\n---\nLạc chỗ.\n## news\nTin.\n", 4, None, "outside any segment"),
    ("---\ntitle: X\nslot: -5\n---\n## news\nTin.\n", 3, "slot", "greater than 0"),
    ("---\ntitle: X\n## news\nTin.\n", 1, None, "closing '---'"),
    ("---\ntitle: X\nslots: ['25:00']\n---\n## news\nTin.\n", 3, "slots[0]", "pattern"),
])
def test_script_errors_name_file_line_field_and_fix(text, line, field, needle):
    with pytest.raises(SpecError) as e:
        parse_script(text, Path("radio/b.md"))
    p = e.value.problems[0]
    msg = str(e.value)
    assert "radio/b.md" in msg and p.where.line == line and (field is None or p.where.field == field)
    assert needle in msg and ("Fix:" in msg)


def test_schedule_slots_per_commune_and_unknown_bulletin():
    radio = Radio.model_validate({
        "bulletins": ["radio/a.md"], "communes": ["Bình Thành", "Tân Mỹ"],
        "schedule": [{"communes": ["Tân Mỹ"], "times": ["6h00"], "bulletins": ["a"], "days": ["2024-04-19"]}]})
    airs = schedule(radio, ["a", "b"], {"b": ("17:30",)}, dt.date(2024, 4, 18))
    assert [(a.day.day, a.time, a.commune, a.bulletin) for a in airs] == [
        (18, "17:30", "Bình Thành", "b"), (18, "17:30", "Tân Mỹ", "b"), (19, "06:00", "Tân Mỹ", "a")]
    bad = Radio.model_validate({"bulletins": ["radio/a.md"], "schedule": [{"times": ["06:00"], "bulletins": ["z"]}]})
    with pytest.raises(SpecError, match="radio.schedule"):
        schedule(bad, ["a"], {}, dt.date(2024, 4, 18), Path("campaign.yml"))


def test_promokit_check_reports_radio_script_problems(tmp_path):
    from promokit.checks import check_campaigns
    from promokit.testing import make_campaign

    folder = make_campaign(tmp_path, "mini", images=1, clips=0, csv=False,
                           extra_yaml={"radio": {"bulletins": ["radio/a.md", "radio/b.md"],
                                                 "schedule": [{"times": ["06:00"], "bulletins": ["a"]}]}})
    (folder / "radio").mkdir()
    (folder / "radio" / "a.md").write_text("---\ntitle: A\n---\n## news\nvoice: voice/khong-co.wav\n",
                                           encoding="utf-8")
    (folder / "radio" / "b.md").write_text("---\ntitle: B\n---\n## bogus\nTin.\n", encoding="utf-8")
    report = check_campaigns(tmp_path, ["mini"])
    lines = report.lines()
    assert not report.ok
    assert any("a.md:5" in line and "khong-co.wav" in line for line in lines)
    assert any("b.md:4" in line and "bogus" in line for line in lines)


def test_bulletin_written_in_campaign_yml_and_engine_registry(tmp_path):
    from promokit.errors import ToolError
    from promokit.project import open_campaign
    from promokit.radio import api, voice
    from promokit.testing import make_campaign

    make_campaign(tmp_path, "mini", images=1, clips=0, csv=False, extra_yaml={"radio": {"bulletins": [{
        "name": "nhac-nho", "title": "Nhắc nhở", "slot": 30,
        "segments": [{"kind": "psa", "text": "UBND xã nhắc bà con nộp hồ sơ trước 17h ngày 18/4/2024."},
                     {"kind": "news", "article": "articles/01-gioi-thieu.md"}]}]}})
    ctx = open_campaign("mini", tmp_path, tmp_path / "out")
    [b] = api.load_bulletins(ctx)
    assert b.name == "nhac-nho" and b.guide and b.file.name == "campaign.yml"
    assert b.segments[0].ear.text.startswith("Ủy ban nhân dân xã") and "mười bảy giờ" in b.segments[0].ear.text
    assert b.segments[1].text.startswith("Giới thiệu lễ hội.")  # the article's title and summary
    assert b.reading > 0
    assert "espeak-ng" in voice.ENGINES and "piper" in voice.ENGINES
    with pytest.raises(SpecError, match="espeak-ng, piper"):
        voice.engine("khong-co", style())
    with pytest.raises(ToolError, match=r"radio\.model"):
        voice.engine("piper", style())
