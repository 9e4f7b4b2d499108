"""Numbers formatted value by value: a whole count never gains `,0`; decimals to the data's precision."""

from __future__ import annotations

from pathlib import Path

from promokit import testing
from promokit.assets import read_table
from promokit.charts.data import chart_data
from promokit.charts.describe import alt_text
from promokit.charts.layout import texts_of
from promokit.charts.render import poster_for
from promokit.text import format_values


def test_format_values_per_value():
    assert format_values([317, 52, 18500, 3.5]) == ["317", "52", "18.500", "3,5"]
    assert format_values([317.0, 52.0, 78.5], 1) == ["317", "52", "78,5"]
    assert format_values([2.5, 2.25]) == ["2,50", "2,25"]  # one precision within a series
    assert format_values([1.25, 3.0], 1) == ["1,25", "3"]  # the data's precision wins over a smaller one
    assert format_values([0.1 + 0.2]) == ["0,3"]
    assert format_values([]) == []
    # a table cell written "85,0" keeps its written decimal; a count written "317" never gains one
    assert format_values([85.0, 72.5, 317.0], 1, written=[1, 1, 0]) == ["85,0", "72,5", "317"]


def _kpi(tmp: Path) -> Path:
    g = {"id": "g", "kind": "kpi", "data": "data/t.csv", "x": "chi_so", "y": "gia_tri",
         "title": "Kết quả chuyển đổi số", "source": "Nguồn: UBND huyện", "sizes": ["square"]}
    folder = testing.make_campaign(tmp, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["chi_so", "gia_tri"],
                     [["Hồ sơ trực tuyến", "78.5"], ["Điểm wifi", "317"], ["Tài khoản", "18500"], ["Xã", "52"]])
    return folder


def test_kpi_with_mixed_integer_and_decimal_rows_shows_no_comma_zero(tmp_path):
    folder = _kpi(tmp_path)
    poster = poster_for(testing.opened(folder), "g", "square")
    texts = texts_of(poster)
    assert "317" in texts and "52" in texts and "18.500" in texts and "78,5" in texts, texts
    assert not [t for t in texts if t.endswith(",0")], texts


def test_bar_labels_share_one_precision_and_counts_stay_whole(tmp_path):
    g = {"id": "g", "kind": "bar", "data": "data/t.csv", "x": "xa", "y": "ty_le",
         "title": "Tỉ lệ hộ dùng nước sạch", "source": "Nguồn: UBND huyện", "sizes": ["square"]}
    folder = testing.make_campaign(tmp_path, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["xa", "ty_le"],
                     [["Tân Mỹ", "2.5"], ["Bình Thành", "2.25"], ["Định Yên", "3"]])
    texts = texts_of(poster_for(testing.opened(folder), "g", "square"))
    assert "2,50" in texts and "2,25" in texts and "3" in texts, texts
    assert "2,5" not in texts and "3,00" not in texts


def test_kpi_rows_of_unlike_measures_each_carry_their_own_unit(tmp_path):
    g = {"id": "g", "kind": "kpi", "data": "data/t.csv", "x": "chi_so", "y": "gia_tri", "units": "don_vi",
         "unit": "lượt", "title": "Hội chợ trong 4 con số", "source": "Nguồn: Ban tổ chức", "sizes": ["square"]}
    folder = testing.make_campaign(tmp_path, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["chi_so", "gia_tri", "don_vi"],
                     [["Khách tham quan", "128450", ""], ["Doanh thu", "12.6", "tỷ đồng"],
                      ["Hài lòng", "96", "%"], ["Biên bản ký kết", "27", "biên bản"]])
    c = testing.opened(folder)
    texts = [t.replace("\u00a0", " ") for t in texts_of(poster_for(c, "g", "square"))]
    # a blank cell takes the chart's unit; '%' goes with its number; a word sits under its number
    assert {"128.450", "lượt", "12,6", "tỷ đồng", "96 %", "27", "biên bản"} <= set(texts), texts
    assert "96" not in texts and "%" not in texts and texts.count("lượt") == 1
    spec = c.campaign.infographics[0]
    alt = alt_text(spec, chart_data(read_table(folder / "data" / "t.csv"), spec)).replace("\u00a0", " ")
    assert "Khách tham quan: 128.450 lượt" in alt and "Doanh thu: 12,6 tỷ đồng" in alt, alt
    assert "Hài lòng: 96 %" in alt and "Biên bản ký kết: 27 biên bản" in alt, alt


def test_a_units_column_on_a_kind_with_one_unit_is_refused_at_the_door(tmp_path):
    import pytest

    from promokit.errors import SpecError

    g = {"id": "g", "kind": "bar", "data": "data/t.csv", "x": "xa", "y": "so", "units": "don_vi",
         "title": "Số liệu", "sizes": ["square"]}
    folder = testing.make_campaign(tmp_path, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    with pytest.raises(SpecError) as e:
        testing.opened(folder)
    assert "units" in str(e.value) and "kpi" in str(e.value) and "campaign.yml" in str(e.value)


def test_a_rankings_value_column_keeps_one_precision_down_it(tmp_path):
    g = {"id": "g", "kind": "ranking", "data": "data/t.csv", "x": "xa", "y": ["hang", "hang_truoc", "diem"],
         "decimal": ",", "title": "Xếp hạng", "sizes": ["square"],
         "labels": {"xa": "Xã", "hang": "Hạng", "hang_truoc": "Hạng trước", "diem": "Điểm"}}
    folder = testing.make_campaign(tmp_path, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "t.csv", ["xa", "hang", "hang_truoc", "diem"],
                     [["Định Yên", "1", "3", "91,25"], ["Lấp Vò", "2", "1", "90,80"], ["Tân Mỹ", "3", "2", "89,1"]])
    texts = texts_of(poster_for(testing.opened(folder), "g", "square"))
    assert {"91,25", "90,80", "89,10"} <= set(texts), texts
