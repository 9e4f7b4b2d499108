"""The layout audit: each rule catches a deliberately broken input and passes a good one."""

from __future__ import annotations

import numpy as np

from promokit.audit import (
    TextBox,
    audit_checks,
    contrast_on,
    crowded,
    duplicates,
    empty_bands,
    fingerprint,
    low_contrast,
    outside,
    overlaps,
    page_fill,
    split_words,
)


def test_overlapping_text_blocks_are_caught() -> None:
    title = TextBox("Giỗ Tổ Hùng Vương", (60, 499, 1020, 883), "title")
    lower = TextBox("Đền Hùng", (60, 829, 700, 998), "lower_third")
    assert [d.kind for d in overlaps([title, lower])] == ["overlap"]
    moved = TextBox("Đền Hùng", (60, 900, 700, 998), "lower_third")
    assert overlaps([title, moved]) == []


def test_text_outside_the_safe_zone_is_caught() -> None:
    safe = (60.0, 160.0, 1020.0, 1400.0)
    assert outside([TextBox("ok", (100, 200, 500, 300))], safe) == []
    assert [d.kind for d in outside([TextBox("low", (100, 1350, 500, 1500))], safe)] == ["safe_zone"]


def test_contrast_is_measured_on_the_real_pixels() -> None:
    wall = np.full((40, 200, 3), (235, 200, 120), np.uint8)  # a lamp-lit wall
    white = TextBox("Phụ đề", (0, 0, 200, 40), "subtitle", (255, 255, 255), 30.0)
    got = low_contrast([white], wall)
    assert [d.kind for d in got] == ["contrast"] and "1." in got[0].detail
    dark = np.full((40, 200, 3), 20, np.uint8)
    assert low_contrast([white], dark) == []
    # one bright spot under the text is what matters, not the average
    spotted = dark.copy()
    spotted[5:30, 40:120] = 250
    assert contrast_on((255, 255, 255), spotted) < 3.0 < contrast_on((255, 255, 255), dark)


def test_a_word_split_across_lines_is_caught() -> None:
    bad = TextBox("Giỗ Tổ Hùng Vương 2024", (0, 0, 1, 1), "title", lines=("Giỗ Tổ Hùng", "Vương 2024"))
    good = TextBox("Giỗ Tổ Hùng Vương 2024", (0, 0, 1, 1), "title", lines=("Giỗ Tổ Hùng Vương", "2024"))
    assert [d.kind for d in split_words([bad, good])] == ["split_word"]


def test_an_overflowing_cover_and_half_empty_pages_are_caught() -> None:
    assert [d.kind for d in page_fill([1.0, 0.0, 0.9, 0.95], chapter_ends=[3], cover_pages=2)] == \
        ["page_fill", "page_fill"]  # the cover on two pages, the blank second page
    assert page_fill([1.0, 0.95, 0.4, 0.9, 0.3], chapter_ends=[2, 4]) == []
    assert [d.where for d in page_fill([1.0, 0.95, 0.4, 0.9], chapter_ends=[3])] == ["trang / page 3"]


def test_the_same_picture_twice_in_a_row_is_caught() -> None:
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(1)

    def photo() -> np.ndarray:  # smooth shapes, like a photo at thumbnail size
        im = Image.fromarray((rng.random((9, 16, 3)) * 255).astype(np.uint8)).resize((320, 180), Image.BICUBIC)
        return np.asarray(im.filter(ImageFilter.GaussianBlur(4)))

    a, b = photo(), photo()
    a_small = np.asarray(Image.fromarray(a).resize((160, 90)))  # the same picture at another size
    assert [d.kind for d in duplicates([("cover", fingerprint(a)), ("first", fingerprint(a_small))])] == ["duplicate"]
    assert duplicates([("a", fingerprint(a)), ("b", fingerprint(b)), ("a again", fingerprint(a))]) == []


def test_empty_bands_and_crowding() -> None:
    assert [d.kind for d in empty_bands(1000, [(0, 300), (700, 1000)])] == ["empty_band"]
    assert empty_bands(1000, [(0, 300), (450, 1000)]) == []
    blocks = [TextBox(str(i), (0, i * 10, 1, i * 10 + 5), r) for i, r in enumerate(["title", "lower", "cap", "sub"])]
    assert [d.kind for d in crowded(blocks)] == ["crowded"] and crowded(blocks[:2]) == []


def test_checks_record_one_verdict_per_kind() -> None:
    checks = {c.name: c for c in audit_checks(overlaps([TextBox("a", (0, 0, 10, 10)), TextBox("b", (5, 5, 15, 15))]))}
    assert not checks["layout.overlap"].ok and checks["layout.overlap"].value == 1
    assert checks["layout.contrast"].ok and checks["layout.contrast"].value == 0
