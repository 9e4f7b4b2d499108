"""Text for the ear: the normalisation table, unknown forms kept and reported, reading time."""

from __future__ import annotations

import pytest

from promokit.radio.speech import Dictionary, for_ear, number_words, reading_time, syllables
from promokit.radio.style import dictionary, read_dictionary

D = dictionary()

NUMBERS = [
    (0, "không"), (1, "một"), (4, "bốn"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"),
    (15, "mười lăm"), (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"),
    (55, "năm mươi lăm"), (100, "một trăm"), (101, "một trăm linh một"), (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"), (110, "một trăm mười"), (115, "một trăm mười lăm"), (121, "một trăm hai mươi mốt"),
    (1000, "một nghìn"), (1005, "một nghìn không trăm linh năm"), (1010, "một nghìn không trăm mười"),
    (2024, "hai nghìn không trăm hai mươi tư"), (41200, "bốn mươi mốt nghìn hai trăm"),
    (1_000_000, "một triệu"), (2_500_000, "hai triệu năm trăm nghìn"),
    (2_000_000_005, "hai tỷ không trăm linh năm"), (-7, "âm bảy"),
]


@pytest.mark.parametrize(("n", "words"), NUMBERS)
def test_number_words(n, words):
    assert number_words(n) == words


TABLE = [
    ("41.200", "bốn mươi mốt nghìn hai trăm"),
    ("3,5", "ba phẩy năm"),
    ("0,05", "không phẩy không năm"),
    ("85,12 điểm", "tám mươi lăm phẩy mười hai điểm"),
    ("30 %", "ba mươi phần trăm"),
    ("30%", "ba mươi phần trăm"),
    ("12,5\u00a0%", "mười hai phẩy năm phần trăm"),
    ("năm 2024", "năm hai nghìn không trăm hai mươi tư"),
    ("1.000.000 đồng", "một triệu đồng"),
    ("20.000 đ", "hai mươi nghìn đồng"),
    ("15 ha lúa", "mười lăm héc ta lúa"),
    ("18/4/2024", "ngày mười tám tháng tư năm hai nghìn không trăm hai mươi tư"),
    ("ngày 18/4/2024", "ngày mười tám tháng tư năm hai nghìn không trăm hai mươi tư"),
    ("từ 18/4 đến 20/4", "từ ngày mười tám tháng tư đến ngày hai mươi tháng tư"),
    ("tháng 6/2024", "tháng sáu năm hai nghìn không trăm hai mươi tư"),
    ("1/1/2025", "ngày một tháng một năm hai nghìn không trăm hai mươi lăm"),
    ("7h30", "bảy giờ ba mươi phút"),
    ("07:30", "bảy giờ ba mươi phút"),
    ("17h", "mười bảy giờ"),
    ("17h00", "mười bảy giờ"),
    ("lần thứ 4", "lần thứ tư"),
    ("hạng thứ 1", "hạng thứ nhất"),
    ("tháng 4", "tháng tư"),
    ("2023–2025", "hai nghìn không trăm hai mươi ba đến hai nghìn không trăm hai mươi lăm"),
    ("gọi 0277.3680.123", "gọi không hai bảy bảy, ba sáu tám không, một hai ba"),
    ("0901234567", "không chín không một, hai ba bốn, năm sáu bảy"),
    ("UBND xã", "Ủy ban nhân dân xã"),
    ("HĐND huyện", "Hội đồng nhân dân huyện"),
    ("sản phẩm OCOP", "sản phẩm Ô cốp"),
    ("chỉ số PCI", "chỉ số chỉ số năng lực cạnh tranh cấp tỉnh"),
    ("PAPI và SIPAS", "chỉ số hiệu quả quản trị và hành chính công cấp tỉnh và chỉ số hài lòng về sự phục vụ "
                      "hành chính"),
    ("PAR Index 2023", "chỉ số cải cách hành chính hai nghìn không trăm hai mươi ba"),
    ("TP. Sa Đéc", "thành phố Sa Đéc"),
    ("TX. Hồng Ngự", "thị xã Hồng Ngự"),
    ("KT-XH", "kinh tế – xã hội"),
    ("lapvo.dongthap.gov.vn", "lapvo chấm dongthap chấm gov chấm vn"),
]


@pytest.mark.parametrize(("written", "spoken"), TABLE)
def test_normalisation_table(written, spoken):
    ear = for_ear(written, D)
    assert ear.text == spoken
    assert not ear.notes


@pytest.mark.parametrize("form", ["3.5", "1,2,3", "12/2024/5", "32/13"])
def test_unknown_number_form_is_kept_and_reported(form):
    ear = for_ear(f"Tăng {form} lần", D)
    assert form in ear.text  # left as written, never dropped
    assert ear.text.startswith("Tăng ") and ear.text.endswith(" lần")
    assert [n.form for n in ear.notes] == [form]
    assert "left as written" in ear.notes[0].reason


def test_unknown_abbreviation_is_kept_and_reported():
    ear = for_ear("Hội nghị XYZ tại UBND xã", D)
    assert ear.text == "Hội nghị XYZ tại Ủy ban nhân dân xã"
    assert [n.form for n in ear.notes] == ["XYZ"]


def test_office_dictionary_extends_and_wins(tmp_path):
    f = tmp_path / "radio-abbreviations.yml"
    f.write_text("words:\n  XYZ: Hội Xờ Y Dét\n  OCOP: Mỗi xã một sản phẩm\n", encoding="utf-8")
    brand = tmp_path
    d = dictionary(brand)
    assert for_ear("XYZ và OCOP", d).text == "Hội Xờ Y Dét và Mỗi xã một sản phẩm"
    assert for_ear("XYZ", D).notes  # the shipped dictionary is unchanged


def test_bad_dictionary_names_the_file(tmp_path):
    from promokit.errors import SpecError

    f = tmp_path / "radio-abbreviations.yml"
    f.write_text("words: [UBND]\n", encoding="utf-8")
    with pytest.raises(SpecError) as e:
        read_dictionary(f)
    assert "radio-abbreviations.yml" in str(e.value) and "[words]" in str(e.value)


def test_nfd_input_is_read_as_nfc():
    import unicodedata

    assert for_ear(unicodedata.normalize("NFD", "HĐND tỉnh"), D).text == "Hội đồng nhân dân tỉnh"


def test_reading_time_counts_syllables_and_pauses():
    text = "Một hai ba bốn năm sáu bảy tám chín mười."
    assert syllables(text) == 10
    t = reading_time(text, 200, sentence_pause=0.5, comma_pause=0.2)
    assert t == pytest.approx(10 * 60 / 200 + 0.5)
    assert reading_time("a, b, c", 120, sentence_pause=0, comma_pause=0.25) == pytest.approx(1.5 + 0.5)
    with pytest.raises(ValueError):
        reading_time(text, 0)


def test_empty_dictionary_still_reads_numbers():
    assert for_ear("có 3 xã", Dictionary()).text == "có ba xã"
