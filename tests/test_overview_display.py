"""What the notebooks show: square pictures called square, videos inline from the server, alt text once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from promokit import assets, overview
from promokit.testing import make_image


def test_a_square_picture_is_called_square(tmp_path):
    facts = overview.image_facts(assets.image_info(make_image(tmp_path / "a.jpg", (64, 64))))
    assert "vuông / square" in facts[1] and "landscape" not in facts[1]
    assert "ngang / landscape" in overview.image_facts(assets.image_info(make_image(tmp_path / "b.jpg", (64, 48))))[1]


def test_every_video_plays_inline_from_the_jupyter_server(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOKIT_LAB_ROOT", str(tmp_path))
    vids = []
    for name in ("tiktok", "youtube", "zalo"):
        v = tmp_path / "output" / "mot" / "video" / f"{name}.mp4"
        v.parent.mkdir(parents=True, exist_ok=True)
        v.write_bytes(b"\0" * 10)
        vids.append((v, None, name))
    markup = overview.show_videos(vids)._repr_html_()
    for name in ("tiktok", "youtube", "zalo"):
        assert f'<video controls preload="metadata" width="270" src="/files/output/mot/video/{name}.mp4"' in markup
    assert "file://" not in markup and "base64" not in markup


def test_pdf_and_epub_open_through_the_server_not_file_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOKIT_LAB_ROOT", str(tmp_path))
    items = []
    for ext in ("pdf", "epub"):
        f = tmp_path / "output" / "mot" / "publication" / f"mot.{ext}"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"x")
        items.append((f, ext))
    markup = overview.show_outputs(items)._repr_html_() + overview.files_table([f for f, _ in items])._repr_html_()
    assert 'href="/files/output/mot/publication/mot.pdf"' in markup
    assert 'href="/files/output/mot/publication/mot.epub"' in markup
    assert "file://" not in markup


@dataclass
class _Poster:
    id: str
    size: str
    path: Path
    alt: str
    draft: bool = False


def test_each_posters_alt_text_is_printed_once(tmp_path):
    alt = "Biểu đồ cột: số sản phẩm OCOP của 13 xã, " * 8
    posters = [_Poster("ocop", size, make_image(tmp_path / f"ocop-{size}.png", (40, 40)), alt)
               for size in ("square", "portrait", "story")]
    posters.append(_Poster("khac", "square", make_image(tmp_path / "khac-square.png", (40, 40)), "Khác", True))
    shown = overview.show_posters(posters)
    visible = re.sub(r'alt="[^"]*"', "", shown._repr_html_())  # the img alt attributes are not printed text
    assert visible.count(alt) == 1 and repr(shown).count(alt) == 1
    assert "<details>" in shown._repr_html_()  # a long alt text is folded
    assert "NHÁP / DRAFT" in shown._repr_html_()


def test_check_names_are_vietnamese_with_the_id(tmp_path):
    @dataclass
    class C:
        name: str
        ok: bool
        detail: str = ""

    table = overview.checks_table([("tiktok.mp4", [C("gop", True), C("pix_fmt", False, "yuv444p")])])
    markup = table._repr_html_()
    assert "/ gop" in markup and "/ pix_fmt" in markup
    label = overview.check_label("gop")
    assert label.endswith(" / gop") and label != "gop"
    assert "<details open>" in markup  # a failure unfolds the table


def test_a_records_warnings_show_in_the_notebook_once_with_their_files():
    from promokit.catalog import Check, Checks

    small = "images/nho.jpg: 360×240 px quá nhỏ / is too small"
    rows = [(f"{p}.mp4", Checks("video", (Check("gop", True),), warnings=(small,))) for p in ("tiktok", "zalo")]
    table = overview.checks_table(rows)
    markup = table._repr_html_()
    assert "⚠ 1 cảnh báo / warnings" in markup and markup.count("360×240") == 1 and "tiktok.mp4, zalo.mp4" in markup
    assert "⚠ images/nho.jpg" in repr(table)  # the batch run's executed copy (text) says it too
    assert "cảnh báo" not in overview.checks_table([("a.mp4", Checks("video", (Check("gop", True),)))])._repr_html_()


def test_a_long_data_table_is_summarised_with_the_rest_folded(tmp_path):
    from promokit.project import open_campaign
    from promokit.testing import make_campaign, make_csv

    folder = make_campaign(tmp_path, "mot", images=1, clips=0, music=False, article=False)
    make_csv(folder / "data" / "ocop.csv", ["xa", "so_san_pham"], [[f"Xã {i}", i] for i in range(1, 14)])
    markup = overview.data_tables(open_campaign("mot", tmp_path, tmp_path / "out"))._repr_html_()
    head, _, folded = markup.partition("<details>")
    assert "Xã 5" in head and "Xã 6" not in head and "Xã 13" in folded
