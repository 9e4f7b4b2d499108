"""How much data fits a poster follows from its space and the style's minimum text sizes: a district's
12 months as columns, its 13 communes as stacked bars, a 6-column table of long Vietnamese names on A3
and landscape, and a clear DataError (with an honest "at most N") when the data truly cannot fit."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from promokit import testing
from promokit.catalog import read_checks
from promokit.charts.kinds.table import min_wrap_width
from promokit.charts.labels import is_ordinal, short_period
from promokit.charts.layout import Poster, render_raster, texts_of, verify
from promokit.charts.measure import text_width
from promokit.charts.render import poster_for, render_infographics
from promokit.errors import DataError
from promokit.fonts import find_font
from promokit.text import units

RASTER = {"square": (1080, 1080), "portrait": (1080, 1350), "story": (1080, 1920), "landscape": (1920, 1080)}

MONTHS = [["T1", 9800], ["T2", 14200], ["T3", 8600], ["T4", 9100], ["T5", 8200], ["T6", 7900], ["T7", 8400],
          ["T8", 8800], ["T9", 9300], ["T10", 15600], ["T11", 13900], ["T12", 16800]]
XA = ["Thị trấn Lấp Vò", "Mỹ An Hưng A", "Mỹ An Hưng B", "Tân Mỹ", "Tân Khánh Trung", "Long Hưng A", "Long Hưng B",
      "Vĩnh Thạnh", "Bình Thạnh Trung", "Bình Thành", "Hội An Đông", "Định An", "Định Yên"]
OCOP = [[x, s3, s4] for x, s3, s4 in zip(XA, [3, 2, 2, 3, 2, 1, 2, 3, 2, 2, 1, 2, 4],
                                         [1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 2], strict=True)]
CUM_HEAD = ["Tên cụm công nghiệp", "Địa điểm", "Diện tích (ha)", "Tỉ lệ lấp đầy (%)", "Ngành nghề thu hút",
            "Năm thành lập"]
CUM = [["Cụm công nghiệp Vàm Cống", "Xã Bình Thành", "48,2", "85,0", "Chế biến nông sản, thủy sản", "2012"],
       ["Cụm công nghiệp Bình Thành", "Xã Bình Thành", "52,6", "72,5", "Cơ khí, vật liệu xây dựng", "2015"],
       ["Cụm công nghiệp Tân Mỹ", "Xã Tân Mỹ", "35,4", "40,0", "Chế biến lương thực, bao bì", "2019"],
       ["Cụm công nghiệp Mỹ An Hưng", "Xã Mỹ An Hưng B", "30,0", "12,5", "Dệt may, da giày, thiết bị điện tử",
        "2021"]]


def make(tmp: Path, kind: str, header: list[str], rows: list[list], sizes: list[str], **over) -> Path:
    y = header[1:] if len(header) > 2 else header[1]
    g = {"id": "g", "kind": kind, "data": "data/t.csv", "x": header[0], "y": y,
         "title": "Số liệu huyện Lấp Vò", "source": "Nguồn: UBND huyện Lấp Vò", "sizes": sizes, **over}
    folder = testing.make_campaign(tmp, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", header, rows)
    return folder


def render(folder: Path, **kw):
    return render_infographics(testing.opened(folder), **kw)


def poster(folder: Path, size: str) -> Poster:
    return poster_for(testing.opened(folder), "g", size)


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def records(p: Poster, role: str):
    return [r for r in p.canvas.texts if r.role == role]


def size_of(rec) -> float:  # noqa: ANN001
    return rec.at[3] if rec.at is not None else rec.artist.get_fontsize()


def min_px(p: Poster, role: str) -> float:
    cv = p.canvas
    return float(cv.theme.chart_role(role)["min"]) * cv.u * cv.scale


def drawn(p: Poster) -> Poster:
    """The poster drawn (raster at its px, vector at 72 dpi) and checked: every text in its box and the
    safe zone, WCAG AA contrast."""
    render_raster(p)
    checks = verify(p)
    assert checks["text_inside"] and checks["contrast_min"] >= 4.5
    return p


@pytest.mark.parametrize("size", ["square", "story"])
def test_twelve_months_are_vertical_columns_in_month_order(tmp_path: Path, size: str) -> None:
    folder = make(tmp_path, "bar", ["thang", "luot_khach"], MONTHS, [size], unit="lượt khách", highlight="T10")
    r = render(folder)[0]
    assert png_size(r.path) == RASTER[size] and r.checks["text_inside"]
    p = drawn(poster(folder, size))
    labels = records(p, "label")
    assert [t.text for t in labels] == [m for m, _ in MONTHS]  # every month, in calendar order
    assert len({round(t.at[1], 2) for t in labels}) == 1  # on one baseline: columns, not rows
    xs = [t.at[0] for t in labels]
    assert xs == sorted(xs)
    assert [t.text for t in records(p, "value")] == ["9.800", "14.200", "8.600", "9.100", "8.200", "7.900",
                                                     "8.400", "8.800", "9.300", "15.600", "13.900", "16.800"]
    assert all(size_of(t) >= min_px(p, "label") - 0.01 for t in labels)
    assert all(size_of(t) >= min_px(p, "value") - 0.01 for t in records(p, "value"))
    hl = next(t for t in labels if t.text == "T10")
    assert hl.fg != next(t for t in labels if t.text == "T9").fg  # the highlighted month stands out
    assert "Theo thứ tự: T1: 9.800 lượt khách" in r.alt


def test_month_names_are_shortened_or_wrapped_not_dropped(tmp_path: Path) -> None:
    rows = [[f"Tháng {i}", 1000 * i] for i in range(1, 13)]
    folder = make(tmp_path, "bar", ["thang", "so_luot"], rows, ["story"])
    p = drawn(poster(folder, "story"))
    shown = " ".join(t.text for t in records(p, "label"))
    assert shown in (" ".join(f"T{i}" for i in range(1, 13)), " ".join(f"Tháng {i}" for i in range(1, 13)))
    assert len({round(t.at[1], 2) for t in records(p, "label")}) <= 2


@pytest.mark.parametrize("size", ["square", "portrait", "story", "landscape"])
def test_thirteen_communes_fit_a_stacked_bar(tmp_path: Path, size: str) -> None:
    folder = make(tmp_path, "stacked_bar", ["xa", "sao_3", "sao_4"], OCOP, [size], unit="sản phẩm",
                  takeaway="Định Yên dẫn đầu nhờ các sản phẩm từ nghề dệt chiếu truyền thống.",
                  subtitle="Số sản phẩm đạt 3 sao và 4 sao (tính đến tháng 6/2024)")
    r = render(folder)[0]
    assert png_size(r.path) == RASTER[size] and r.checks["text_inside"]
    p = drawn(poster(folder, size))
    labels = records(p, "label")
    assert [t.text for t in labels] == XA
    assert all(size_of(t) >= min_px(p, "label") - 0.01 for t in labels)
    # rows top to bottom, each ending with its total (segment values inside the bars when they have room)
    ys = [t.at[1] for t in labels]
    assert ys == sorted(ys)
    values = [t for t in records(p, "value") if t.bg == p.canvas.theme.background]
    assert [t.text for t in values] == [str(a + b) for _, a, b in OCOP]
    inside = [t for t in records(p, "value") if t.bg != p.canvas.theme.background]
    assert inside and all(size_of(t) >= min_px(p, "value") - 0.01 for t in inside)
    texts = texts_of(p)
    assert "Đơn vị: sản phẩm" in texts and "Sao 3" in texts and "Sao 4" in texts


@pytest.mark.parametrize("size", ["a3_print", "landscape"])
def test_six_column_table_of_long_names_wraps_within_its_columns(tmp_path: Path, size: str) -> None:
    folder = make(tmp_path, "table", CUM_HEAD, CUM, [size], decimal=",",
                  title="Cụm công nghiệp trên địa bàn huyện Lấp Vò",
                  subtitle="Diện tích, tỉ lệ lấp đầy và ngành nghề thu hút")
    r = render(folder)[0]
    if size == "a3_print":
        assert r.path.suffix == ".pdf" and (r.width, r.height, r.unit) == (297.0, 420.0, "mm")
        assert r.checks["fonts_embedded"] and r.checks["text_inside"]
    else:
        assert png_size(r.path) == RASTER[size] and r.checks["text_inside"]
    p = drawn(poster(folder, size))
    cells = records(p, "label")
    assert all(size_of(t) >= min_px(p, "label") - 0.01 for t in cells)
    joined = " ".join(t.text for t in cells)  # a cell's lines are drawn one after the other
    for row in CUM:
        for cell in row:
            assert cell in joined, cell
    head = " ".join(t.text for t in records(p, "value"))
    for h in CUM_HEAD:
        assert h in head, h
    assert "2012" in joined and "2.012" not in joined  # a year stays a year
    # every line stays inside its column: no text of one column reaches the next
    body = p.boxes["chart"]
    assert all(body.x0 - 1 <= t.extent(p.fig.canvas.get_renderer(), p.frame.height, p.fig.dpi / 72).x1 <= body.x1 + 1
               for t in cells)


def test_the_sample_cluster_table_fits_a3(tmp_path: Path) -> None:
    """Four columns of which two are long names: wrapped, not refused (was 'the table is too wide')."""
    rows = [[r[0], r[2], r[3], r[4]] for r in CUM[:3]]
    folder = make(tmp_path, "table", ["ten_cum", "dien_tich_ha", "ty_le_lap_day", "nganh_nghe"], rows,
                  ["a3_print"], decimal=",")
    r = render(folder)[0]
    assert r.checks["text_inside"] and r.path.suffix == ".pdf"


@pytest.mark.parametrize("rows", [2, 3])
def test_a_short_table_fills_its_frame_at_every_size(tmp_path: Path, rows: int) -> None:
    """Three rows of a four-column table in a tall box: the text grows and the rows open up, so the poster has
    no empty band above or below the table (it used to float, centred, in small text), at every size."""
    data = [[r[0], r[2], r[3], r[4]] for r in CUM[:rows]]
    folder = make(tmp_path, "table", ["ten_cum", "dien_tich_ha", "ty_le_lap_day", "nganh_nghe"], data,
                  ["square", "portrait", "story", "landscape", "a3_print", "banner"], decimal=",",
                  title="Cụm công nghiệp trên địa bàn huyện Lấp Vò",
                  subtitle="Diện tích (ha), tỉ lệ lấp đầy (%) và ngành nghề thu hút")
    for r in render(folder, draft=True):
        bands = next(c for c in read_checks(r.path).checks if c.name == "layout.empty_band")
        assert bands.ok, (r.size, bands.reason)
    p = drawn(poster(folder, "landscape"))
    if rows <= 2:  # two rows are two cards side by side, their numbers big
        assert min(size_of(t) for t in records(p, "big")) > p.canvas.u * p.canvas.scale * 0.030 * 3
    else:
        assert max(size_of(t) for t in records(p, "label")) > p.canvas.u * p.canvas.scale * 0.030  # grown


@pytest.mark.parametrize(("kind", "header", "rows", "size"), [
    ("donut", ["loai", "so"], [["Nam", 12], ["Nữ", 4]], "story"),
    ("timeline", ["ngay", "su_kien"], [["2024-09-01", "Khai mạc"], ["2024-09-02", "Vòng loại"],
                                       ["2024-09-03", "Chung kết"]], "banner"),
])
def test_little_data_still_fills_the_frame(tmp_path: Path, kind: str, header: list[str], rows: list, size: str) -> None:
    """Two slices on a story (the ring and its legend centred together, not pinned to the top), three events
    on a banner (type as large as the slots allow): no empty band under the chart."""
    folder = make(tmp_path, kind, header, rows, [size], title="Đua ghe", subtitle="Vui")
    r = render(folder, draft=True)[0]
    bands = next(c for c in read_checks(r.path).checks if c.name == "layout.empty_band")
    assert bands.ok, bands.reason


def _capacity(err: pytest.ExceptionInfo) -> int:
    m = re.search(r"at most (\d+)", str(err.value))
    assert m, str(err.value)
    return int(m.group(1))


def test_forty_rows_on_a_story_bar_is_still_an_error_with_an_honest_limit(tmp_path: Path) -> None:
    rows = [[f"Ấp số {i} thuộc xã Tân Khánh Trung", i] for i in range(1, 41)]
    folder = make(tmp_path / "a", "bar", ["xa", "so_ho"], rows, ["story"])
    with pytest.raises(DataError) as e:
        render(folder)
    p = e.value.problems[0]
    assert str(p.where.field) == "xa" and "40" in str(e.value) and "t.csv" in str(e.value)
    most = _capacity(e)
    assert 12 <= most < 40  # derived from the space, not a small fixed cap
    out = tmp_path / "a" / "out"
    assert not out.exists() or not any(out.iterdir())
    # the limit it states is the real one: that many rows render, one more does not
    ok = make(tmp_path / "b", "bar", ["xa", "so_ho"], rows[:most], ["story"])
    assert render(ok)[0].checks["text_inside"]
    over = make(tmp_path / "c", "bar", ["xa", "so_ho"], rows[:most + 1], ["story"])
    with pytest.raises(DataError, match=f"{most + 1} rows are too many"):
        render(over)


def test_periods_keep_their_order_and_have_short_forms() -> None:
    assert is_ordinal(["T1", "T2", "T12"]) and is_ordinal(["Tháng 1", "tháng 12"])
    assert is_ordinal(["Quý I", "Quý IV"]) and is_ordinal(["Q1/2024", "Q2/2024"]) and is_ordinal(["2019", "2020"])
    assert not is_ordinal(["Tân Mỹ", "Định Yên"]) and not is_ordinal(["Xi", "vi"])
    assert short_period("Tháng 12") == "T12" and short_period("Tháng 1/2024") == "T1/2024"
    assert short_period("Quý III") == "Q3" and short_period("Định Yên") == "Định Yên"


def test_min_wrap_width_finds_the_narrowest_even_break() -> None:
    font = find_font("Noto Sans")
    text = "Cụm công nghiệp Vàm Cống"
    one = min_wrap_width(text, font, 20, 1)
    two = min_wrap_width(text, font, 20, 2)
    assert one == pytest.approx(text_width(text, font, 20))
    assert two == pytest.approx(max(text_width("Cụm công nghiệp", font, 20), text_width("Vàm Cống", font, 20)))
    # words and names are kept whole ("công nghiệp", "Vàm Cống"), as `wrap` keeps them; syllables only as a last resort
    assert min_wrap_width(text, font, 20, 9) == pytest.approx(max(text_width(w, font, 20) for w in units(text)))
    assert min_wrap_width(text, font, 20, 9) > min_wrap_width(text, font, 20, 9, whole=False) == \
        pytest.approx(max(text_width(w, font, 20) for w in text.split()))


def test_spec_labels_title_the_columns():
    from promokit.charts.data import ChartData, Column

    data = ChartData(["Tân Mỹ"], [Column("so_luong", ["1"], [1.0])], "ten_xa", headings={"so_luong": "Số lượng"})
    assert data.heading("so_luong") == "Số lượng"
    assert data.heading("ten_xa") == "Ten xa"  # no label given: the name made readable


ALL_SIZES = ["square", "portrait", "story", "landscape", "a3_print", "banner"]


@pytest.mark.parametrize(("header", "rows"), [
    (["ten_cum", "dien_tich_ha", "ty_le_lap_day", "nganh_nghe"], CUM[:1]),  # one row, numbers and words
    (["xa", "so_ho"], [["Bình Thành", "120"]]),  # one row, one number: a big number
    (["xa", "so_ho"], [["Bình Thành", "120"], ["Tân Mỹ", "80"]]),  # two rows, one number each
])
def test_a_one_or_two_row_table_fills_every_poster_size(tmp_path: Path, header: list[str], rows: list) -> None:
    """A table of one or two rows does not float as a short table in an empty frame: each row becomes a card
    whose tiles fill the chart's box (numbers as big numbers), so the audit finds no empty band at any size,
    final PDFs included, and every text stays in its box."""
    data = [[r[0], r[2], r[3], r[4]] for r in rows] if len(header) == 4 else rows
    folder = make(tmp_path, "table", header, data, ALL_SIZES, decimal=",",
                  labels={"xa": "Xã", "so_ho": "Số hộ", "ten_cum": "Tên cụm", "dien_tich_ha": "Diện tích (ha)",
                          "ty_le_lap_day": "Lấp đầy (%)", "nganh_nghe": "Ngành nghề"})
    results = render(folder)
    assert sorted(r.size for r in results) == sorted(ALL_SIZES)
    for r in results:
        checks = {c.name: c for c in read_checks(r.path).checks}
        assert checks["layout.empty_band"].ok, (r.size, checks["layout.empty_band"].reason)
        assert r.checks["text_inside"], r.size
    p = drawn(poster(folder, "story"))
    assert min(size_of(t) for t in records(p, "big")) > min_px(p, "big")  # numbers drawn big, not as cells


@pytest.mark.parametrize(("kind", "header", "rows"), [
    ("kpi", ["xa", "so_ho"], [["Bình Thành", 120]]),  # one big number
    ("ranking", ["xa", "hang"], [["Bình Thành", 1], ["Tân Mỹ", 2]]),
    ("timeline", ["ngay", "su_kien"], [["2024-09-01", "Khai mạc"]]),
    ("bar", ["xa", "so_ho"], [["Bình Thành", 120], ["Tân Mỹ", 80]]),
])
def test_one_or_two_items_of_any_kind_pass_the_layout_audit(tmp_path: Path, kind: str, header: list[str],
                                                             rows: list) -> None:
    """One number, two places, one event, two bars: every size (print sizes as draft previews) passes every
    layout check, empty bands included (one number grows, one or two places or events are cards)."""
    folder = make(tmp_path, kind, header, rows, ALL_SIZES)
    for r in render(folder, draft=True):
        bad = [(c.name, c.reason) for c in read_checks(r.path).checks if c.name.startswith("layout.") and not c.ok]
        assert not bad, (r.size, bad)
