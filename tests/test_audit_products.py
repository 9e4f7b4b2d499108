"""The layout audit on real products given deliberately broken inputs (the rules themselves: test_audit.py;
an overflowing cover: test_publication_editions; a logo forced onto a caption: test_video_logo; a short table
floating in its box: test_charts_capacity; a page left empty by a pushed picture: test_publication_pages)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PIL import Image

from promokit import testing
from promokit.platforms import Preset
from promokit.project import open_campaign
from promokit.publication import render_publication
from promokit.video.api import campaign_inputs
from promokit.video.audit import video_defects
from promokit.video.plan import plan_video


def test_an_unbacked_caption_on_a_bright_picture_is_caught_on_the_real_frame(tmp_path: Path) -> None:
    folder = testing.make_campaign(tmp_path, "t", images=0, clips=0, music=False, csv=False, article=False,
                                   extra_yaml={"video": {"duration": 3, "title": " ", "shots": ["images/k.jpg"],
                                                         "captions": [{"text": "Người dân về dự lễ hội", "start": 0,
                                                                       "end": 3}]}})
    testing.make_image(folder / "images" / "k.jpg", (360, 640), (250, 248, 240), pattern="flat")
    ctx = testing.opened(folder)
    c, b = ctx.campaign, ctx.brand
    inp = campaign_inputs(ctx)
    preset = Preset("t", "t", 360, 640)
    backed = plan_video(c, b, preset, inp.media, captions=inp.captions, fonts=inp.fonts, style=inp.style)
    assert [d for d in video_defects(backed) if d.kind == "contrast"] == []  # the caption's box carries it
    bare = replace(inp.style, text={**inp.style.text, "caption": replace(inp.style.text["caption"], box=None)})
    broken = plan_video(c, b, preset, inp.media, captions=inp.captions, fonts=inp.fonts, style=bare)
    found = [d for d in video_defects(broken) if d.kind == "contrast"]
    assert found and "caption" in found[0].where and ":1" in found[0].detail


def test_the_same_photo_under_two_names_in_a_row_is_caught_by_its_look(tmp_path: Path) -> None:
    folder = testing.make_campaign(tmp_path, "p", images=0, clips=0, music=False, csv=False, article=False,
                                   extra_yaml={"publication": {"title": "Ấn phẩm", "articles": ["articles/a.md"],
                                                               "formats": ["html"]}})
    testing.make_image(folder / "images" / "dinh.jpg", (800, 600), (60, 120, 200))
    Image.open(folder / "images" / "dinh.jpg").resize((400, 300)).save(folder / "images" / "dinh-nho.jpg", quality=80)
    testing.make_image(folder / "images" / "khac.jpg", (800, 600), (200, 60, 40))
    body = "Lễ hội.\n\n![Đình](../images/dinh-nho.jpg \"Đình làng\")\n\nRước kiệu.\n\n![Khác](../images/khac.jpg)\n"
    testing.make_article(folder / "articles" / "a.md", "Lễ hội đình làng", body, author="Đài", date="2024-04-10",
                         summary="Lễ hội.", cover="../images/dinh.jpg", cover_alt="Đình làng")
    r = render_publication(open_campaign("p", tmp_path, tmp_path / "out"), formats=["html"])[0]
    dup = {c["name"]: c for c in r.checks["audit"]}["layout.duplicate"]
    assert not dup["ok"] and dup["value"] == 1, dup
    assert "a.md (bìa / cover) → articles/a.md:" in dup["reason"], dup["reason"]  # the cover, then the copy
