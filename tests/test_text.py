"""Vietnamese text: NFC, numbers, dates, wrapping that keeps marks with their letters, glyph coverage."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from promokit import fonts
from promokit.errors import FontError
from promokit.text import (
    VIETNAMESE_LETTERS,
    add_words,
    format_date,
    format_date_long,
    format_number,
    format_percent,
    graphemes,
    keep_together,
    needed_chars,
    nfc,
    nfc_deep,
    parse_number,
    splits_word,
    units,
    wrap,
)


@pytest.mark.parametrize(("value", "kw", "want"), [
    (41200, {}, "41.200"), (3.5, {}, "3,5"), (1234567.891, {}, "1.234.567,89"), (-1234.5, {}, "-1.234,5"),
    (0.0, {}, "0"), (7, {"decimals": 1}, "7,0"), (999.999, {"decimals": 2}, "1.000,00"), (-0.001, {}, "0"),
])
def test_format_number(value, kw, want):
    assert format_number(value, **kw) == want


def test_percent_and_dates():
    assert format_percent(30) == "30\u00a0%"
    assert format_percent(12.5) == "12,5\u00a0%"
    assert format_date(dt.date(2024, 4, 18)) == "18/4/2024"
    assert format_date("2024-01-05") == "5/1/2024"
    assert format_date_long(dt.date(2024, 4, 18)) == "ngày 18 tháng 4 năm 2024"


@pytest.mark.parametrize(("cell", "dec", "want"), [
    ("41.200", ",", 41200), ("3,5", ",", 3.5), ("1.234,5", ",", 1234.5), ("1,234.5", ".", 1234.5),
    ("12 %", ".", 12), ("-7", ".", -7), (" 2\u00a0000 ", ",", 2000),
])
def test_parse_number(cell, dec, want):
    assert parse_number(cell, dec) == want


@pytest.mark.parametrize(("cell", "dec"), [("3,5", "."), ("abc", "."), ("1.2.3", ","), ("", "."), ("12,34", ".")])
def test_parse_number_refuses(cell, dec):
    with pytest.raises(ValueError):
        parse_number(cell, dec)


def test_nfc_deep_keys_and_values():
    nfd = unicodedata.normalize("NFD", "Hùng Vương")
    out = nfc_deep({nfd: [nfd, {"k": nfd}], "n": 3})
    assert out == {"Hùng Vương": ["Hùng Vương", {"k": "Hùng Vương"}], "n": 3}


def test_wrap_breaks_between_words_only():
    lines = wrap("Lễ hội Giỗ Tổ Hùng Vương năm 2024 tại đình Tân An Trung", 12)
    assert all(len(graphemes(ln)) <= 12 for ln in lines)
    assert " ".join(lines) == "Lễ hội Giỗ Tổ Hùng Vương năm 2024 tại đình Tân An Trung"


def test_wrap_never_separates_a_mark_from_its_letter():
    text = unicodedata.normalize("NFD", "Nghiễmmmmmmmmmmmm")  # one long word, decomposed marks
    lines = wrap(text, 4)
    for ln in lines:
        assert not unicodedata.combining(ln[0]), lines  # no line starts with a bare mark
    assert "".join(lines) == nfc(text)


def test_wrap_with_a_measure():
    font = fonts.load(fonts.find_font("Noto Sans"), 40)
    lines = wrap("Giá trị xanh từ những tiềm năng xanh", font.getlength, 300)
    assert len(lines) > 1 and all(font.getlength(ln) <= 300 for ln in lines)


def test_vietnamese_alphabet_complete():
    assert len(VIETNAMESE_LETTERS) == 146 and "ỹ" in VIETNAMESE_LETTERS and "Ỹ" in VIETNAMESE_LETTERS
    assert needed_chars(["a b\n\tc"]) == {"a", "b", "c"}


@pytest.fixture(scope="module")
def font_without_y_tilde(tmp_path_factory):
    """Noto Sans subset to everything Vietnamese except ỹ/Ỹ."""
    src = fonts.find_font("Noto Sans")
    out = tmp_path_factory.mktemp("fonts") / "NoY.ttf"
    keep = set(VIETNAMESE_LETTERS + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,") - {"ỹ", "Ỹ"}
    opts = subset.Options()
    font = TTFont(str(src))
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in keep])
    sub.subset(font)
    font.save(str(out))
    return out


def test_coverage_lists_the_exact_missing_characters(font_without_y_tilde):
    assert fonts.missing_chars(font_without_y_tilde, ["Mỹ An Hưng", "MỸ"]) == {"ỹ", "Ỹ"}
    with pytest.raises(FontError) as e:
        fonts.check_coverage(font_without_y_tilde, ["Xã Mỹ An Hưng A"], file="campaign.yml", field="video.title")
    msg = str(e.value)
    assert "'ỹ' (U+1EF9)" in msg and "NoY.ttf" in msg and "video.title" in msg and "Noto Sans" in msg
    assert not fonts.covers_vietnamese(font_without_y_tilde)


def test_installed_fallback_covers_vietnamese():
    f = fonts.find_font("Some Font Nobody Has")
    assert fonts.covers_vietnamese(f)
    assert fonts.find_font("Noto Sans", bold=True).name.lower().endswith("bold.ttf")


def test_brand_font_file_first(tmp_path, font_without_y_tilde):
    (tmp_path / "fonts").mkdir()
    target = tmp_path / "fonts" / "Brand.ttf"
    target.write_bytes(font_without_y_tilde.read_bytes())
    assert fonts.find_font("Brand.ttf", brand_dir=tmp_path) == target
    with pytest.raises(FontError, match="Missing.ttf"):
        fonts.find_font("Missing.ttf", brand_dir=tmp_path)


def test_raqm_shapes_vietnamese():
    font = fonts.load(fonts.find_font("Noto Sans"), 48)
    # NFC and NFD spellings must render to the same width once normalised; raqm positions the marks
    word = "Nguyễn"
    assert font.getlength(nfc(unicodedata.normalize("NFD", word))) == font.getlength(word)


# -- Vietnamese line breaking: words and names kept whole ---------------------------------------------

PHRASES = [
    "Giỗ Tổ Hùng Vương 2024 tưởng nhớ công đức các Vua Hùng",
    "Xã Tân Khánh Trung đón du khách về Lấp Vò dự lễ hội bánh giầy",
    "Thực cảnh Chợ ma Định Yên về đêm, về với cội nguồn dân tộc",
    "Ông Nguyễn Văn Bảy ở ấp Bình Hòa kể chuyện làng nghề dệt chiếu",  # names the word list does not know
]


@pytest.mark.parametrize("text", PHRASES)
def test_no_line_breaks_inside_a_word_or_name_when_the_word_fits(text: str) -> None:
    longest = max(len(u) for u in units(text))
    for width in range(longest, len(text) + 1):
        lines = wrap(text, width)
        assert all(len(ln) <= width for ln in lines)
        assert " ".join(lines) == text
        assert not splits_word(lines), (width, lines)


def test_units_know_dictionary_words_and_capitalised_runs() -> None:
    got = units("Về Lấp Vò, du khách thăm xã Tân Khánh Trung và ông Trần Văn Tư")
    assert "Lấp Vò," in got[0] and "du khách" in got and "Tân Khánh Trung" in got
    assert "Trần Văn Tư" in got  # not in the word list: a capitalised run
    assert "và" in got and "thăm" in got  # ordinary syllables stay breakable
    assert splits_word(["Giỗ Tổ Hùng", "Vương 2024"]) and splits_word(["các du", "khách"])
    assert not splits_word(["Giỗ Tổ Hùng Vương", "2024"])


def test_office_can_add_words() -> None:
    assert splits_word(["cá lóc", "nướng trui"]) is False
    add_words(["cá lóc nướng trui"])
    assert splits_word(["cá lóc", "nướng trui"])


def test_titles_are_balanced_without_a_one_word_last_line() -> None:
    title = "Lễ hội văn hóa ẩm thực đồng quê năm nay rất vui"
    for width in range(18, 40):
        lines = wrap(title, width, balance=True)
        if len(lines) > 1:
            assert len(lines[-1].split()) > 1, (width, lines)
            assert max(map(len, lines)) - min(map(len, lines)) <= width * 0.6, (width, lines)


def test_keep_together_joins_word_syllables_with_no_break_spaces() -> None:
    s = keep_together("Giỗ Tổ Hùng Vương tại xã Tân Khánh Trung ")
    assert s == "Giỗ\u00a0Tổ\u00a0Hùng\u00a0Vương tại xã Tân\u00a0Khánh\u00a0Trung "


def test_a_break_falls_at_the_phrase_pause_and_no_line_starts_with_a_dash() -> None:
    title = "Chung tay vì người nghèo – Không để ai bị bỏ lại phía sau"
    assert wrap(title, 32, balance=True) == ["Chung tay vì người nghèo –", "Không để ai bị bỏ lại phía sau"]
    for width in range(14, 40):
        lines = wrap(title, width, balance=True)
        assert not any(ln.startswith("–") for ln in lines[1:]), (width, lines)
        assert "người nghèo" in " / ".join(lines), (width, lines)  # a word of the office's dictionary
    caption = "Hơn 42 tỷ đồng vốn vay ưu đãi, đến với 1.200 hộ dân khó khăn"
    assert wrap(caption, 34)[0] == "Hơn 42 tỷ đồng vốn vay ưu đãi,", wrap(caption, 34)
