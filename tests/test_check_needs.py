"""`promokit check` proves what the render will need; clips are as long as their pictures; warnings are seen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from promokit import testing
from promokit.assets import discover, probe_media
from promokit.checks import check_campaigns
from promokit.errors import UsageError
from promokit.project import open_campaign
from promokit.video.api import make_plan


def test_a_clip_whose_header_claims_more_than_its_pictures_has_their_real_length(tmp_path):
    clip = testing.make_short_video_clip(tmp_path / "c.mp4", video_seconds=3, audio_seconds=8)
    info = probe_media(clip)
    assert abs(info.duration - 3.0) < 0.1 and abs(info.header_duration - 8.0) < 0.1
    normal = probe_media(testing.make_clip(tmp_path / "n.mp4", 1.0))
    assert abs(normal.duration - 1.0) < 0.1 and normal.header_duration == pytest.approx(normal.duration, abs=0.1)


@pytest.fixture
def short_clip_campaign(tmp_path):
    assets = tmp_path / "assets"
    folder = testing.make_campaign(assets, "mot", clips=0, csv=False, article=False, extra_yaml={
        "video": {"duration": 10, "shots": [{"path": "images/anh-1.jpg"}, {"path": "clips/ngan.mp4", "duration": 6}]}})
    testing.make_short_video_clip(folder / "clips" / "ngan.mp4", video_seconds=3, audio_seconds=8)
    return assets, folder


def test_the_plan_shortens_the_shot_to_the_pictures_and_says_so(short_clip_campaign):
    assets, _ = short_clip_campaign
    ctx = open_campaign("mot", assets)
    plan = make_plan(ctx, "tiktok", draft=True)
    shot = next(s for s in plan.shots if s.source is not None and s.source.name == "ngan.mp4")
    assert shot.frames / plan.fps <= 3.0  # never longer than the pictures: no frozen frame
    text = " ".join(plan.warnings)
    assert "ngan.mp4" in text and "shortened" in text and "8.00 s" in text


def test_check_reports_the_short_clip_before_rendering(short_clip_campaign):
    assets, _ = short_clip_campaign
    report = check_campaigns(assets, ["mot"])
    assert report.ok
    assert any("ngan.mp4" in w and "shortened" in w for w in report.warnings["mot"])
    assert any("ngan.mp4" in line for line in report.warning_lines())


def test_check_warns_about_images_linked_from_outside_the_campaign(tmp_path):
    assets = tmp_path / "assets"
    folder = testing.make_campaign(assets, "mot", images=0, clips=1, csv=False, article=False)
    outside = tmp_path / "elsewhere"
    for i in range(3):
        testing.make_image(outside / f"anh-{i}.jpg")
    os.symlink(outside, folder / "images")
    assert discover(folder).images == [] and "3" in discover(folder).dropped[0]
    report = check_campaigns(assets, ["mot"])
    assert any("images/" in w and "outside the campaign" in w for w in report.warnings["mot"]), report.warnings


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity"])
def test_check_refuses_non_finite_numbers_in_data(tmp_path, value):
    assets = tmp_path / "assets"
    folder = testing.make_campaign(assets, "mot", clips=0, article=False)
    testing.make_csv(folder / "data" / "ocop.csv", ["xa", "so_san_pham"], [["Bình Thành", 12], ["Tân Mỹ", value]])
    report = check_campaigns(assets, ["mot"])
    assert not report.ok
    assert any("ocop.csv" in line and "so_san_pham" in line for line in report.lines()), report.lines()


def test_check_refuses_a_brand_font_without_vietnamese_glyphs(tmp_path):
    from fontTools import subset

    assets = tmp_path / "assets"
    testing.make_campaign(assets, "mot", clips=0, csv=False, article=False)
    brand = assets / "brand"
    brand.mkdir(parents=True)
    src = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not src.is_file():
        pytest.skip("DejaVu Sans is not installed")
    opts = subset.Options()
    font = subset.load_font(str(src), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text="".join(chr(c) for c in range(32, 127)))  # ASCII only: no "ỗ", "ữ", "ớ"
    sub.subset(font)
    subset.save_font(font, str(brand / "ascii.ttf"), opts)
    (brand / "brand.yml").write_text(yaml.safe_dump({"fonts": {"heading": "ascii.ttf", "body": "ascii.ttf"}}),
                                     encoding="utf-8")
    report = check_campaigns(assets, ["mot"])
    assert not report.ok
    text = "\n".join(report.lines())
    assert "ascii.ttf" in text and "ỗ" in text, text


def test_check_proves_the_output_folder_can_take_the_renders(tmp_path):
    assets = tmp_path / "assets"
    testing.make_campaign(assets, "mot", clips=0, csv=False, article=False)
    assert check_campaigns(assets, ["mot"], tmp_path / "out").ok
    import promokit.checks as checks

    real = checks.VIDEO_BYTES_PER_S
    try:
        checks.VIDEO_BYTES_PER_S = 1 << 60  # a render bigger than any disk
        report = check_campaigns(assets, ["mot"], tmp_path / "out")
    finally:
        checks.VIDEO_BYTES_PER_S = real
    assert not report.ok and "no space left" in "\n".join(report.lines())


def test_check_and_run_refuse_a_missing_assets_folder(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        check_campaigns(tmp_path / "nowhere")
    r = subprocess.run([sys.executable, "-m", "promokit.cli", "check", "--assets", str(tmp_path / "nowhere")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "nowhere" in r.stderr


@pytest.mark.slow
def test_a_run_carries_warnings_to_the_checks_record_the_manifest_and_the_summary(tmp_path):
    import json

    from promokit.batch.runner import RunOptions, run_batch, summary_table
    from promokit.catalog import Catalog, read_checks

    assets = tmp_path / "assets"
    folder = testing.make_campaign(assets, "mot", images=0, clips=1, csv=False, article=False,
                                   extra_yaml={"video": {"duration": 3}})
    outside = tmp_path / "elsewhere"
    testing.make_image(outside / "anh-1.jpg")
    os.symlink(outside, folder / "images")
    output = tmp_path / "out"
    res = run_batch(assets, output, RunOptions(notebooks=["promo_video"], draft=True, quiet=True))
    assert res.ok, [(r.job.label, r.error) for r in res.results]
    video = Catalog(output).campaign("mot").video("tiktok", draft=True)
    checks = read_checks(video)
    assert checks is not None and any("outside the campaign" in w for w in checks.warnings), checks
    manifest = json.loads((output / "mot" / "manifest.json").read_text(encoding="utf-8"))
    assert any("outside the campaign" in w["warning"] for w in manifest["warnings"])
    assert any("outside the campaign" in w for w in res.warnings)
    table = summary_table(res)
    assert f"{len(res.warnings)} cảnh báo/warnings" in table and "⚠ mot: images/" in table


def test_a_long_official_title_and_subtitle_fit_the_vertical_frame(tmp_path):
    """A 60-character title over a 54-character subtitle (usual for an office's campaigns) fits 9:16: the box's
    padding shrinks with its text and the title leaves the subtitle room. Before, check refused it."""
    assets = tmp_path / "assets"
    testing.make_campaign(assets, "mot", clips=0, csv=False, article=False, extra_yaml={"video": {
        "platforms": ["tiktok", "youtube"],
        "title": "Tỉnh táo trước tin giả, tin sai sự thật trên không gian mạng",
        "subtitle": "Đọc kỹ, kiểm tra nguồn, rồi mới chia sẻ cho người thân"}})
    report = check_campaigns(assets, ["mot"])
    assert report.ok, report.lines()


def test_a_text_that_cannot_fit_is_named_in_campaign_yml_with_its_platform(tmp_path):
    assets = tmp_path / "assets"
    testing.make_campaign(assets, "mot", clips=0, csv=False, article=False, extra_yaml={"video": {
        "platforms": ["tiktok"], "title": "Tin giả",
        "subtitle": "Đọc kỹ, kiểm tra nguồn, rồi mới chia sẻ cho người thân, bạn bè, hàng xóm, đồng nghiệp "
                    "trong cơ quan, đơn vị, trường học và cả những người mình chưa từng gặp mặt"}})
    report = check_campaigns(assets, ["mot"])
    assert not report.ok
    line = next(ln for ln in report.lines() if "[video.subtitle]" in ln)
    assert "campaign.yml:" in line and "tiktok 1080×1920" in line and "…»" in line and "Fix: shorten it" in line


@pytest.mark.parametrize(("kind", "rows", "said"), [
    ("donut", [["Nông sản", "3"], ["Thủ công", "-2"]], "'-2'"),  # a share below zero
    ("bar", [["Nông sản", "3"], ["", "2"]], "dòng 3"),  # a blank label
    ("ranking", [["Lấp Vò", "1"], ["Định Yên", "0"], ["Tân Mỹ", "9"]], "'0'"),  # no rank 0
    ("ranking", [["Lấp Vò", "1"], ["Định Yên", "2,5"]], "'2,5'"),  # a rank that is not whole
    ("pictogram", [["Có thẻ bảo hiểm y tế", "93"]], "'93/93'"),  # one row: a whole of itself
])
def test_check_refuses_what_the_chart_would_refuse(tmp_path, kind, rows, said):
    g = {"id": "g", "kind": kind, "data": "data/t.csv", "x": "ten", "y": "so", "title": "Số liệu",
         "sizes": ["square"], "decimal": ","}
    folder = testing.make_campaign(tmp_path / "assets", "mot", images=1, clips=0, music=False, article=False,
                                   csv=False, extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["ten", "so"], rows)
    report = check_campaigns(tmp_path / "assets", ["mot"])
    lines = report.lines()
    assert not report.ok and len(lines) == 1, lines
    assert "t.csv" in lines[0] and said in lines[0] and "Fix" in lines[0], lines


def test_ranks_with_ties_beyond_the_rows_and_a_previous_ranking_pass(tmp_path):
    g = {"id": "g", "kind": "ranking", "data": "data/t.csv", "x": "ten", "y": ["hang", "hang_truoc"],
         "title": "Xếp hạng", "sizes": ["square"]}
    folder = testing.make_campaign(tmp_path / "assets", "mot", images=1, clips=0, music=False, article=False,
                                   csv=False, extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["ten", "hang", "hang_truoc"],
                     [["Lấp Vò", "5", "2"], ["Định Yên", "7", "14"], ["Tân Mỹ", "7", "1"], ["Vĩnh Thạnh", "40", "3"]])
    assert check_campaigns(tmp_path / "assets", ["mot"]).ok


def test_a_broken_table_after_an_invalid_infographic_is_reported_once_under_its_own_index(tmp_path):
    bad = {"id": "a", "kind": "pictogram", "data": "data/a.csv", "x": "ten", "y": ["so", "khac"], "title": "A"}
    neg = {"id": "b", "kind": "donut", "data": "data/b.csv", "x": "ten", "y": "so", "title": "B"}
    broken = {"id": "c", "kind": "bar", "data": "data/c.csv", "x": "ten", "y": "so", "title": "C"}
    folder = testing.make_campaign(tmp_path / "assets", "mot", images=1, clips=0, music=False, article=False,
                                   csv=False, extra_yaml={"infographics": [bad, neg, broken]})
    testing.make_csv(folder / "data" / "a.csv", ["ten", "so", "khac"], [["Tân Mỹ", "3", "7"]])
    testing.make_csv(folder / "data" / "b.csv", ["ten", "so"], [["Tân Mỹ", "3"], ["Định Yên", "-1"]])
    (folder / "data" / "c.csv").write_text("ten,so\nTân Mỹ,1,5\n", encoding="utf-8")
    lines = check_campaigns(tmp_path / "assets", ["mot"]).lines()
    assert len(lines) == 3, lines
    assert sum("c.csv" in x for x in lines) == 1 and any("infographics[2].data" in x for x in lines), lines
    assert any("b.csv" in x and "'-1'" in x for x in lines), lines


@pytest.mark.parametrize(("decimal", "first"), [(None, None), (",", 1245.0), (".", 1.245)])
def test_vietnamese_thousands_without_a_stated_separator_are_asked_about_not_misread(tmp_path, decimal, first):
    from promokit.charts.render import load_data

    g = {"id": "g", "kind": "bar", "data": "data/t.csv", "x": "nam", "y": "ho", "title": "Hộ nghèo"}
    if decimal:
        g["decimal"] = decimal
    folder = testing.make_campaign(tmp_path / "assets", "mot", images=1, clips=0, music=False, article=False,
                                   csv=False, extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["nam", "ho"], [["2020", "1.245"], ["2021", "980"], ["2022", "1.102"]])
    report = check_campaigns(tmp_path / "assets", ["mot"])
    if decimal is None:  # 1.245 as one point two: a chart a thousand times too small; it is asked about
        (line,) = report.lines()
        assert "'1.245'" in line and "t.csv" in line and "decimal: ','" in line and "decimal: '.'" in line, line
    else:
        assert report.ok, report.lines()
        ctx = open_campaign("mot", tmp_path / "assets")
        assert load_data(folder, ctx.campaign.infographics[0], 0).values(0)[0] == pytest.approx(first)


def test_dotted_decimals_unstated_still_read_as_decimals(tmp_path):
    g = {"id": "g", "kind": "bar", "data": "data/t.csv", "x": "xa", "y": "ty_le", "title": "Tỉ lệ"}
    folder = testing.make_campaign(tmp_path / "assets", "mot", images=1, clips=0, music=False, article=False,
                                   csv=False, extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["xa", "ty_le"], [["Tân Mỹ", "1.250"], ["Định Yên", "3.5"]])
    assert check_campaigns(tmp_path / "assets", ["mot"]).ok  # 3.5 shows the dot is a decimal point
