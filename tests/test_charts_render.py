"""Infographic posters: exact raster sizes, text inside the poster and the 9:16 safe zone, outputs
written atomically with alt text and checks, every chart kind at every raster size."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from promokit import testing
from promokit.catalog import read_checks
from promokit.charts.demo import write_demo_campaign
from promokit.charts.kinds import KINDS
from promokit.charts.layout import render_raster, verify
from promokit.charts.render import data_table, png_bytes, poster_for, poster_image, render_infographics
from promokit.charts.sizes import SIZES
from promokit.overview import show_posters
from promokit.platforms import safe_zone

RASTER = {"square": (1080, 1080), "portrait": (1080, 1350), "story": (1080, 1920), "landscape": (1920, 1080)}


def make(tmp: Path, infographics: list[dict], tables: dict[str, tuple[list, list]], **extra) -> Path:
    """A campaign folder with these infographics and CSV tables (name -> (header, rows))."""
    folder = testing.make_campaign(tmp, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": infographics, **extra})
    for name, (header, rows) in tables.items():
        testing.make_csv(folder / "data" / name, header, rows)
    return folder


OCOP = ("ocop.csv", (["xa", "so_san_pham"], [["Tân Khánh Trung", 12], ["Mỹ An Hưng A", 9], ["Định Yên", 5],
                                             ["Vĩnh Thạnh", 2]]))


def bar(**over) -> dict:
    g = {"id": "ocop", "kind": "bar", "data": "data/ocop.csv", "x": "xa", "y": "so_san_pham",
         "title": "Sản phẩm OCOP theo xã", "source": "Nguồn: Phòng Nông nghiệp", "unit": "sản phẩm",
         "takeaway": "Tân Khánh Trung dẫn đầu với 12 sản phẩm.", "sizes": ["square"]}
    g.update(over)
    return g


def render(folder: Path, **kw):
    return render_infographics(testing.opened(folder), **kw)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_exact_pixel_sizes_for_every_raster_size(tmp_path: Path) -> None:
    folder = make(tmp_path, [bar(sizes=list(RASTER))], dict([OCOP]))
    results = render(folder)
    assert [r.size for r in results] == list(RASTER)
    for r in results:
        assert png_size(r.path) == RASTER[r.size]
        assert Image.open(r.path).size == RASTER[r.size]
        assert (r.width, r.height, r.unit) == (*RASTER[r.size], "px")
        assert r.path.name == f"ocop-{r.size}.png"


def _diff_box(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(np.any(a != b, axis=2))
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


@pytest.mark.parametrize("size", ["story", "square", "landscape", "portrait"])
def test_text_stays_inside_the_safe_zone(tmp_path: Path, size: str) -> None:
    """Pixels that change when the words are painted all lie inside the text area: 5 % margins, and on a story
    poster the stories grid of poster.yml (clear of the top bar and the reply box, equal side margins)."""
    long_title = "Sản phẩm OCOP theo xã của huyện Lấp Vò năm 2024, " * 2 + "tăng mạnh so với năm trước"
    folder = make(tmp_path, [bar(sizes=[size], title=long_title, subtitle="Ứng dụng kỹ thuật số",
                                 takeaway="Tân Khánh Trung dẫn đầu với 12 sản phẩm OCOP đạt chuẩn ba sao.")],
                  dict([OCOP]))
    poster = poster_for(testing.opened(folder), "ocop", size)
    bare = render_raster(poster, texts=False).copy()
    full = render_raster(poster)
    assert full.shape[:2] == RASTER[size][::-1]
    x0, y0, x1, y1 = _diff_box(bare[..., :3], full[..., :3])
    zx0, zy0, zx1, zy1 = (round(v) for v in poster.frame.text_area)
    if size != "story":
        assert (zx0, zy0, zx1, zy1) == safe_zone(*RASTER[size])
    else:  # stories: top 12,5 %, bottom 17 % clear, sides equal
        assert zy0 >= 0.12 * 1920 and zy1 <= 0.84 * 1920 and zx0 == 1080 - zx1
    assert (x0, y0) >= (zx0, zy0) and x1 <= zx1 and y1 <= zy1, ((x0, y0, x1, y1), (zx0, zy0, zx1, zy1))
    # the words do reach the zone's edges, so an overflow would show
    assert x1 - x0 > 0.9 * (zx1 - zx0) and y1 - y0 > 0.85 * (zy1 - zy0)
    # and the layout's own account agrees with the pixels
    checks = verify(poster)
    assert checks["text_inside"] and checks["text_area"] == [float(v) for v in (zx0, zy0, zx1, zy1)]


def test_outputs_alt_text_and_checks_beside_each_poster(tmp_path: Path) -> None:
    folder = make(tmp_path, [bar(sizes=["square", "story"])], dict([OCOP]))
    results = render(folder)
    out = folder.parent.parent / "out" / folder.name / "infographics"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["ocop-square.png", "ocop-square.txt", "ocop-square.png.checks.json",
         "ocop-story.png", "ocop-story.txt", "ocop-story.png.checks.json"])
    r = results[0]
    assert r.alt_path.read_text(encoding="utf-8").strip() == r.alt
    assert r.alt.startswith("Biểu đồ cột: Sản phẩm OCOP theo xã.")
    assert "Cao nhất Tân Khánh Trung 12 sản phẩm" in r.alt and "thấp nhất Vĩnh Thạnh 2 sản phẩm" in r.alt
    assert r.alt.endswith("Số liệu minh họa.")  # make_campaign's data is sample data
    record = read_checks(out / "ocop-square.png")
    assert record.kind == "infographic" and record.ok and record.get("text_inside").ok
    assert record.get("contrast").value >= 4.5
    assert record.facts["alt"] == r.alt and (record.facts["width"], record.facts["height"]) == (1080, 1080)
    # the PNG carries its title and alt text too
    info = Image.open(r.path).info
    assert info.get("Description") == r.alt and info.get("Title") == "Sản phẩm OCOP theo xã"


def test_brand_logo_sits_in_the_header(tmp_path: Path) -> None:
    folder = make(tmp_path, [bar()], dict([OCOP]))
    (tmp_path / "brand").mkdir()
    logo = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    logo.paste((255, 0, 255, 255), (50, 50, 250, 150))  # magenta block on transparency
    logo.save(tmp_path / "brand" / "logo.png")
    (tmp_path / "brand" / "brand.yml").write_text("logo: logo.png\n", encoding="utf-8")
    px = np.asarray(Image.open(render(folder)[0].path)).astype(int)
    magenta = np.abs(px - np.array([255, 0, 255])).sum(axis=2) < 40
    ys, xs = np.nonzero(magenta)
    assert len(ys) > 500
    zx0, zy0, _, _ = safe_zone(1080, 1080)
    assert xs.min() >= zx0 and ys.min() >= zy0 and ys.max() < 160  # inside the header, left


def test_sample_data_badge_is_drawn_only_for_sample_data(tmp_path: Path) -> None:
    sample = make(tmp_path / "a", [bar()], dict([OCOP]))
    real = make(tmp_path / "b", [bar()], dict([OCOP]), sample_data=False)
    a = np.asarray(Image.open(render(sample)[0].path)).astype(int)
    b = np.asarray(Image.open(render(real)[0].path)).astype(int)
    accent = np.array([0xC8, 0x10, 0x2E])  # the badge's colour (brand accent), only in the footer row
    near = lambda img: np.abs(img - accent).sum(axis=2) < 30  # noqa: E731
    assert near(a)[900:].sum() > 2000 and near(b)[900:].sum() == 0
    assert "Số liệu minh họa" not in render(real)[0].alt


def test_no_partial_file_when_a_poster_fails(tmp_path: Path) -> None:
    folder = make(tmp_path, [bar(sizes=["square"]), bar(id="xau", data="data/xau.csv", sizes=["square"])],
                  {**dict([OCOP]), "xau.csv": (["xa", "so_san_pham"], [["A", "nhiều"]])})
    with pytest.raises(Exception, match="nhiều"):
        render(folder)
    out = folder.parent.parent / "out" / folder.name / "infographics"
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(".") or ".part" in n]
    assert "xau-square.png" not in names


def test_every_kind_renders_at_every_raster_size(tmp_path: Path) -> None:
    folder = write_demo_campaign(tmp_path / "campaigns")
    ctx = testing.opened(folder)
    assert {g.kind for g in ctx.campaign.infographics} == set(KINDS.names())
    results = render_infographics(ctx)
    assert len(results) == len(KINDS.names()) * len(RASTER)
    for r in results:
        assert png_size(r.path) == RASTER[r.size]
        assert r.checks["text_inside"] and r.checks["contrast_min"] >= 4.5
        assert r.checks["texts"] >= 5
        record = read_checks(r.path)  # the layout audit on the drawn poster, in its checks record
        layout = {c.name: c for c in record.checks if c.name.startswith("layout.")}
        assert {"layout.overlap", "layout.contrast", "layout.empty_band", "layout.split_word"} <= set(layout)
        assert all(c.ok for c in layout.values()), (r.path.name, [c for c in layout.values() if not c.ok])
    alts = {r.kind: r.alt for r in results}
    assert all(a.count("Số liệu minh họa") + a.count("số liệu minh họa") <= 1 for a in alts.values())
    assert "tăng từ 120,5 nghìn lượt (2019) đến 185,6 nghìn lượt (2023)" in alts["line"]
    assert "Mục tiêu: 150 nghìn lượt" in alts["line"]
    assert "3 sao 28 sản phẩm (68 %)" in alts["donut"].replace("\u00a0", " ")
    assert "hạng 3: PCI" in alts["ranking"] and "(tăng 3 bậc)" in alts["ranking"]
    assert "7/10 xã Đạt chuẩn nông thôn mới" in alts["pictogram"]
    assert alts["timeline"].index("1/3/2024") < alts["timeline"].index("18/4/2024")  # sorted by date
    assert "Hồ sơ trực tuyến: 78,5" in alts["kpi"]


def test_only_the_requested_ids_and_sizes(tmp_path: Path) -> None:
    folder = write_demo_campaign(tmp_path / "campaigns")
    ctx = testing.opened(folder)
    results = render_infographics(ctx, ids=["ocop-theo-sao"], sizes=["portrait"])
    assert [(r.id, r.size) for r in results] == [("ocop-theo-sao", "portrait")]
    out = ctx.outputs.folder("infographic")
    assert sorted(p.suffix for p in out.iterdir()) == [".json", ".png", ".txt"]


def test_draft_marks_and_previews_print_sizes_as_png(tmp_path: Path) -> None:
    folder = make(tmp_path, [bar(sizes=["square", "a3_print"])], dict([OCOP]))
    results = render(folder, draft=True)
    assert [r.path.name for r in results] == ["ocop-square.png", "ocop-a3_print.png"]
    assert all(r.draft and r.checks["draft"] for r in results)
    w, h = png_size(results[1].path)
    assert max(w, h) == 1600 and abs(w / h - (303 / 426)) < 0.01  # A3 + bleed, preview resolution
    assert all(r.path.parent.name == "draft" for r in results)  # drafts live apart from finals
    draft = np.asarray(Image.open(results[0].path))
    final_result = render(folder, sizes=["square"])[0]
    assert final_result.path.parent.name == "infographics" and results[0].path.is_file()
    final = np.asarray(Image.open(final_result.path))
    x0, y0, x1, y1 = _diff_box(final, draft)  # the "NHÁP" mark, in the header
    assert y1 < 200


def test_poster_image_and_data_table_for_the_notebook(tmp_path: Path) -> None:
    folder = make(tmp_path, [bar()], dict([OCOP]))
    ctx = testing.opened(folder)
    img = poster_image(ctx, "ocop", "portrait")
    assert img.size == (1080, 1350) and img.mode == "RGB"
    preview = poster_image(ctx, "ocop", "a3_print")
    assert max(preview.size) == 1600
    table = data_table(ctx, "ocop")
    assert table.columns == ["xa", "so_san_pham"] and table.rows[0] == ["Tân Khánh Trung", "12"]
    assert "<td>Tân Khánh Trung</td>" in table._repr_html_()
    assert not (tmp_path / "out").exists()


def test_png_writer_round_trips() -> None:
    rng = np.random.default_rng(1)
    px = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    img = Image.open(__import__("io").BytesIO(png_bytes(px, {"Title": "Lấp Vò"})))
    assert img.size == (53, 37) and img.mode == "RGB" and img.info["Title"] == "Lấp Vò"
    assert (np.asarray(img) == px[..., :3]).all()


def test_sizes_registry_matches_the_contract() -> None:
    assert {n: (SIZES.get(n).width, SIZES.get(n).height) for n in RASTER} == RASTER
    a3 = SIZES.get("a3_print")
    assert (a3.width, a3.height, a3.vector, a3.bleed_mm) == (297, 420, True, 3.0)


@pytest.mark.parametrize("labels", [{}, {"xa": "Xã, thị trấn"}])
def test_a_column_drawn_under_its_csv_name_is_a_warning_naming_the_fix(tmp_path, labels):
    g = {"id": "g", "kind": "ranking", "data": "data/t.csv", "x": "xa", "y": "hang", "title": "Xếp hạng",
         "sizes": ["square"], "labels": {"hang": "Hạng", **labels}}
    folder = testing.make_campaign(tmp_path, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["xa", "hang"], [["Định Yên", "1"], ["Tân Mỹ", "2"], ["Lấp Vò", "3"]])
    (result,) = render_infographics(testing.opened(folder))
    warnings = read_checks(result.path).warnings
    assert result.warnings == warnings
    shown = show_posters([result])._repr_html_()
    if labels:
        assert warnings == () and "⚠" not in shown
    else:
        assert len(warnings) == 1 and "'xa'" in warnings[0] and "infographics[0].labels" in warnings[0], warnings
        assert "⚠" in shown and "&#x27;xa&#x27;" in shown  # the notebook shows it under the poster
