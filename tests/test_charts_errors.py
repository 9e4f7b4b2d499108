"""Every bad input of issue 4 is a clear error naming the file and field (never a clipped poster), and
the Vietnamese details: number formats, `$` as a dollar, NFD text, a font without `ỹ`, contrast."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from fontTools import subset

from promokit import testing
from promokit.charts.data import ChartData
from promokit.charts.figure import build_figure
from promokit.charts.kinds import KINDS
from promokit.charts.labels import fmt_value, shares, tick_format
from promokit.charts.render import render_infographics
from promokit.charts.theme import contrast, make_theme, mpl_rc
from promokit.errors import DataError, FontError, SpecError
from promokit.fonts import find_font
from promokit.spec import load_brand, load_campaign
from promokit.spec.models import Infographic

ROWS = [["Tân Khánh Trung", 12], ["Mỹ An Hưng A", 9], ["Định Yên", 5]]


def campaign(tmp: Path, header=("xa", "so_san_pham"), rows=ROWS, delimiter=",", **over) -> Path:
    g = {"id": "ocop", "kind": "bar", "data": "data/ocop.csv", "x": "xa", "y": "so_san_pham",
         "title": "Sản phẩm OCOP theo xã", "source": "Nguồn: Phòng Nông nghiệp", "sizes": ["square"], **over}
    folder = testing.make_campaign(tmp, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "ocop.csv", list(header), [list(r) for r in rows], delimiter=delimiter)
    return folder


def render(folder: Path, **kw):
    return render_infographics(testing.opened(folder), **kw)


def one_problem(err: pytest.ExceptionInfo) -> tuple[str, str]:
    p = err.value.problems[0]
    return str(p.where.field), str(p)


def nothing_written(folder: Path) -> bool:
    out = folder.parent.parent / "out"
    return not out.exists() or not any(out.iterdir())


def test_missing_column_names_the_spec_field(tmp_path: Path) -> None:
    folder = campaign(tmp_path, y="so_sp")
    with pytest.raises(DataError) as e:
        render(folder)
    field, msg = one_problem(e)
    assert field == "infographics[0].y"
    assert "so_sp" in msg and "so_san_pham" in msg and "campaign.yml" in msg
    assert nothing_written(folder)


def test_text_in_a_number_column_lists_the_cell(tmp_path: Path) -> None:
    folder = campaign(tmp_path, rows=[["Tân Khánh Trung", 12], ["Định Yên", "khoảng 5"]])
    with pytest.raises(DataError) as e:
        render(folder)
    _, msg = one_problem(e)
    assert "'khoảng 5'" in msg and "ocop.csv:3" in msg and "so_san_pham" in msg
    assert nothing_written(folder)


def test_empty_table(tmp_path: Path) -> None:
    folder = campaign(tmp_path, rows=[])
    with pytest.raises(DataError, match="không có dòng dữ liệu|no data rows"):
        render(folder)
    # a Table-like object with no rows, straight to the pure layer, is refused the same way
    spec = load_campaign(folder).infographics[0]

    class Empty:
        columns, rows, path, decimal = ["xa", "so_san_pham"], [], Path("t.csv"), "."

    from promokit.charts.data import chart_data
    with pytest.raises(DataError, match="no data rows"):
        chart_data(Empty(), spec)


def test_decimal_commas_undeclared_say_how_to_declare_them(tmp_path: Path) -> None:
    folder = campaign(tmp_path, rows=[["Tân Khánh Trung", "12,5"], ["Định Yên", "3,25"]], delimiter=";")
    with pytest.raises(DataError) as e:
        render(folder)
    _, msg = one_problem(e)
    assert "'12,5'" in msg and "decimal: ','" in msg
    # declared, the same table renders and reads 12,5
    folder2 = campaign(tmp_path / "ok", rows=[["Tân Khánh Trung", "12,5"], ["Định Yên", "3,25"]], delimiter=";",
                       decimal=",", unit="tấn")
    alt = render(folder2)[0].alt
    assert "Tân Khánh Trung 12,5 tấn" in alt and "Định Yên 3,25 tấn" in alt


def test_a_400_character_title_is_an_error_naming_the_field(tmp_path: Path) -> None:
    title = ("Kết quả thực hiện chương trình Mỗi xã một sản phẩm " * 10)[:400]
    folder = campaign(tmp_path, title=title, sizes=["square", "story"])
    with pytest.raises(SpecError) as e:
        render(folder)
    field, msg = one_problem(e)
    assert field == "infographics[0].title" and "400" in msg and "campaign.yml" in msg
    assert nothing_written(folder)


def test_too_many_rows_for_the_size_is_an_error_not_a_clipped_chart(tmp_path: Path) -> None:
    rows = [[f"Ấp số {i} thuộc xã Tân Khánh Trung", i] for i in range(1, 41)]
    folder = campaign(tmp_path, rows=rows)
    with pytest.raises(DataError) as e:
        render(folder)
    field, msg = one_problem(e)
    assert field == "xa" and "40" in msg and "ocop.csv" in msg


def test_a_dollar_is_a_dollar(tmp_path: Path) -> None:
    assert mpl_rc()["text.parse_math"] is False
    folder = campaign(tmp_path, header=("xa", "Giá ($)"), y="Giá ($)", title="Giá $5 đến $10 một hộp",
                      rows=[["Hộp $A$", 10], ["Định Yên", 5]], kind="grouped_bar", unit="$")
    r = render(folder)[0]
    assert "Giá $5 đến $10 một hộp" in r.alt and "Hộp $A$" in r.alt
    # as drawn: matplotlib Texts (the notebook Figure) never parse math
    spec = load_campaign(folder).infographics[0]
    brand, brand_dir = load_brand(tmp_path)
    fig = build_figure(spec, ChartData.from_columns(["Hộp $A$", "B"], {"Giá ($)": [10, 5]}),
                       make_theme(brand, brand_dir))
    fig.canvas.draw()
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_parse_math")) if t.get_text()]
    assert any(t.get_text() == "Hộp $A$" for t in texts)
    assert all(not t.get_parse_math() for t in texts)


def test_nfd_text_is_normalised(tmp_path: Path) -> None:
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    folder = campaign(tmp_path, title=nfd("Sản phẩm OCOP – Mỹ An Hưng"),
                      rows=[[nfd("Mỹ An Hưng A"), 9], [nfd("Định Yên"), 5]])
    r = render(folder)[0]
    assert unicodedata.is_normalized("NFC", r.alt)
    assert "Sản phẩm OCOP – Mỹ An Hưng" in r.alt and "Mỹ An Hưng A 9" in r.alt
    d = ChartData.from_columns([nfd("Kỹ thuật")], {nfd("Số lượng"): [1]})
    assert d.labels == ["Kỹ thuật"] and d.columns[0].name == "Số lượng"


def font_without(tmp: Path, char: str) -> Path:
    """Noto Sans (or the fallback) without one character, as a brand font file."""
    src = find_font("Noto Sans")
    out = tmp / "brand" / "fonts" / "ThieuY.ttf"
    out.parent.mkdir(parents=True, exist_ok=True)
    opts = subset.Options()
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    font = subset.load_font(str(src), opts)
    keep = {cp for t in font["cmap"].tables for cp in t.cmap} - {ord(char)}
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=keep)
    sub.subset(font)
    font.save(str(out))
    return out


def test_a_font_lacking_y_tilde_lists_it_and_the_field(tmp_path: Path) -> None:
    font = font_without(tmp_path, "ỹ")
    (tmp_path / "brand" / "brand.yml").write_text(f"fonts:\n  heading: {font.name}\n  body: {font.name}\n",
                                                  encoding="utf-8")
    folder = campaign(tmp_path, title="Ứng dụng kỹ thuật số")
    with pytest.raises(FontError) as e:
        render(folder)
    field, msg = one_problem(e)
    assert field == "infographics[0].title"
    assert "'ỹ' (U+1EF9)" in msg and "ThieuY.ttf" in msg
    # a label in the data: the error names the data, not the title
    folder2 = campaign(tmp_path / "b", rows=[["Mỹ An Hưng", 3]])
    shutil.copytree(tmp_path / "brand", tmp_path / "b" / "brand")  # the same brand, lacking ỹ
    with pytest.raises(FontError) as e2:
        render_infographics(testing.opened(folder2, tmp_path / "out2"))
    field2, msg2 = one_problem(e2)
    assert field2 == "infographics[0].data" and "'ỹ' (U+1EF9)" in msg2
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").iterdir())


def test_unknown_kind_or_size(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="bieu-do-la"):
        load_campaign(campaign(tmp_path / "a", kind="bieu-do-la"))
    with pytest.raises(SpecError, match="khổ-lạ"):
        load_campaign(campaign(tmp_path / "b", sizes=["khổ-lạ"]))
    folder = campaign(tmp_path / "c")
    with pytest.raises(SpecError) as e:
        render(folder, sizes=["billboard"])
    field, msg = one_problem(e)
    assert field == "infographics[0].sizes" and "square" in msg and "a3_print" in msg
    with pytest.raises(SpecError, match="pie3d"):
        KINDS.get("pie3d")
    with pytest.raises(SpecError, match="khong-co"):
        render(folder, ids=["khong-co"])


def test_highlight_must_name_a_row(tmp_path: Path) -> None:
    folder = campaign(tmp_path, highlight="Bình Thành")
    with pytest.raises(DataError) as e:
        render(folder)
    field, msg = one_problem(e)
    assert field == "infographics[0].highlight" and "Tân Khánh Trung" in msg


def test_progress_needs_a_target(tmp_path: Path) -> None:
    folder = campaign(tmp_path, kind="progress")
    with pytest.raises(SpecError) as e:
        render(folder)
    assert one_problem(e)[0] == "infographics[0].target"


def test_negative_values_are_refused_where_they_cannot_be_drawn(tmp_path: Path) -> None:
    folder = campaign(tmp_path, kind="donut", rows=[["A", 3], ["B", -1]])
    with pytest.raises(DataError, match="-1"):
        render(folder)


def test_vietnamese_number_formats() -> None:
    assert fmt_value(41200, 0) == "41.200"
    assert fmt_value(3.5, 1) == "3,5"
    assert fmt_value(30, 0, "%") == "30\u00a0%"
    fmt = tick_format([0, 10000, 20000, 30000, 40000])
    assert [fmt(v) for v in [0, 20000, 40000]] == ["0", "20.000", "40.000"]
    fmt = tick_format([0, 0.5, 1.0, 1.5])
    assert fmt(1.5) == "1,5"
    assert tick_format([0, 25, 50], "%")(25) == "25\u00a0%"
    assert shares([28, 11, 2]) == [68, 27, 5] and sum(shares([1, 1, 1])) == 100


def test_wcag_contrast_is_computed_and_enforced(tmp_path: Path) -> None:
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast("#595959", "#FFFFFF") == pytest.approx(7.0, abs=0.05)
    (tmp_path / "brand").mkdir()
    # a pale "muted" colour for the source line and a light title colour: picked over automatically
    (tmp_path / "brand" / "brand.yml").write_text(
        'colors:\n  muted: "#C8C8C8"\n  primary: "#F2B705"\n', encoding="utf-8")
    theme = make_theme(*load_brand(tmp_path))
    assert theme.text_color("#FFFFFF", preferred="#C8C8C8") == "#1A1A1A"
    assert theme.text_color("#0B5D3B") == "#FFFFFF"
    r = render(campaign(tmp_path))[0]
    assert r.checks["contrast_min"] >= 4.5
    # a brand whose own contrast requirement cannot be met is refused, naming brand.yml
    theme.style = {**theme.style, "contrast_min": 22}
    with pytest.raises(SpecError) as e:
        theme.text_color("#777777")
    assert "brand.yml" in str(e.value) and one_problem(e)[0] == "colors"


def test_spec_kind_contract() -> None:
    spec = Infographic(id="k", kind="kpi", data="d.csv", x="a", y=["b", "c"], title="t")
    assert spec.y_columns == ["b", "c"]  # kpi: value and previous value
