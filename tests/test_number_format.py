"""Numbers formatted value by value: a whole count never gains `,0`; decimals to the data's precision."""

from __future__ import annotations

from pathlib import Path

from promokit import testing
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
