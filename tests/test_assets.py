"""promokit.assets: every kind of bad phone media and table in DESIGN §9, each with a real check."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import unicodedata

import pytest
from PIL import Image, ImageFile

from promokit import assets, testing
from promokit.assets import (
    check_campaign_files,
    discover,
    image_info,
    probe_media,
    read_article,
    read_image,
    read_table,
    read_text,
    require_columns,
    resolve,
)
from promokit.errors import AssetError, DataError, PromokitError, ToolError
from promokit.spec import load_campaign

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


def near(a: tuple, b: tuple, tol: int) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def is_marker(px: tuple) -> bool:
    return px[1] > 200 and px[0] < 80 and px[2] < 80


@pytest.fixture(autouse=True)
def pillow_globals_untouched():
    before = (ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS)
    yield
    assert (ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS) == before


# ---------------------------------------------------------------- images

# where the stored top-left corner is shown after each EXIF orientation
CORNER = {1: "tl", 2: "tr", 3: "br", 4: "bl", 5: "tl", 6: "tr", 7: "br", 8: "bl"}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_applied(tmp_path, orientation):
    p = testing.make_image(tmp_path / f"o{orientation}.jpg", (64, 48), exif_orientation=orientation)
    im = read_image(p)
    turned = orientation >= 5
    assert im.size == ((48, 64) if turned else (64, 48))
    info = image_info(p)
    assert (info.width, info.height, info.orientation) == (*im.size, orientation)
    w, h = im.size
    corners = {"tl": (2, 2), "tr": (w - 3, 2), "bl": (2, h - 3), "br": (w - 3, h - 3)}
    marked = {name for name, xy in corners.items() if is_marker(im.getpixel(xy))}
    assert marked == {CORNER[orientation]}
    assert "exif" not in im.info  # orientation must not be applied twice downstream


def test_max_size_shrinks_on_read_after_orientation(tmp_path):
    p = testing.make_image(tmp_path / "lon.jpg", (640, 480), exif_orientation=6)
    im = read_image(p, max_size=(120, 200))
    assert im.size == (120, 160)  # portrait after orientation, inside the box, aspect kept
    assert is_marker(im.getpixel((im.width - 3, 2)))


def test_cmyk_jpeg_becomes_rgb_with_the_right_colour(tmp_path):
    p = testing.make_cmyk_jpeg(tmp_path / "in-an.jpg", color=(200, 60, 40))
    assert image_info(p).mode == "CMYK"
    im = read_image(p)
    assert im.mode == "RGB"
    assert near(im.getpixel((10, 10)), (200, 60, 40), 12)


@pytest.mark.parametrize("channels", [1, 3])
def test_16bit_png_scaled_not_clipped(tmp_path, channels):
    p = testing.make_16bit_png(tmp_path / "16bit.png", (65, 8), channels=channels)
    im = read_image(p)
    assert im.mode == "RGB"
    red = [im.getpixel((x, 4))[0] for x in (0, 16, 32, 48, 64)]
    assert red[0] == 0 and red[-1] == 255
    assert abs(red[2] - 128) <= 2  # 32768 / 257; a clipping reader gives 255
    assert abs(red[1] - 64) <= 2 and abs(red[3] - 191) <= 2


def test_palette_with_transparency(tmp_path):
    p = testing.make_palette_png_with_alpha(tmp_path / "logo.png", (64, 48))
    rgba = read_image(p, mode="RGBA")
    assert rgba.mode == "RGBA"
    assert rgba.getpixel((2, 2))[3] == 0 and rgba.getpixel((60, 2)) == (255, 0, 0, 255)
    rgb = read_image(p)
    assert rgb.mode == "RGB"
    assert rgb.getpixel((2, 2)) == (255, 255, 255) and rgb.getpixel((60, 2)) == (255, 0, 0)


def test_truncated_jpeg_names_the_file(tmp_path):
    p = testing.make_truncated_jpeg(tmp_path / "hong.jpg")
    image_info(p)  # the header is fine ...
    with pytest.raises(AssetError) as e:
        read_image(p)  # ... the pixels are not
    assert e.value.file == str(p) and "hong.jpg" in str(e.value) and "truncated" in str(e.value)


def test_text_named_jpg_is_not_an_image(tmp_path):
    p = testing.make_text_as_image(tmp_path / "chu.jpg")
    for reader in (read_image, image_info):
        with pytest.raises(AssetError) as e:
            reader(p)
        assert "không phải tệp ảnh" in str(e.value) and "not an image" in str(e.value)
        assert "chu.jpg" in str(e.value)


def test_heic_named_jpg_decoded_by_content(tmp_path):
    pytest.importorskip("pillow_heif")
    p = testing.make_heic(tmp_path / "iphone.jpg", (64, 48), color=(200, 60, 40))
    assert assets.is_heif(p.read_bytes()[:64])
    info = image_info(p)
    assert (info.format, info.width, info.height) == ("HEIF", 64, 48)
    im = read_image(p)
    assert im.size == (64, 48) and im.mode == "RGB"
    assert is_marker(im.getpixel((2, 2)))


def test_heic_without_pillow_heif_says_what_to_install(tmp_path, monkeypatch):
    p = testing.make_fake_heic(tmp_path / "iphone.jpg")
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # import now raises ImportError
    with pytest.raises(AssetError) as e:
        read_image(p)
    assert "pip install pillow-heif" in str(e.value) and "iphone.jpg" in str(e.value)


def test_fake_heic_is_recognised_and_refused_clearly(tmp_path):
    pytest.importorskip("pillow_heif")
    p = testing.make_fake_heic(tmp_path / "hong.heic")
    with pytest.raises(AssetError) as e:
        read_image(p)
    assert "HEIC" in str(e.value) and "hong.heic" in str(e.value)


def test_decompression_bomb_refused_before_decoding(tmp_path):
    p = testing.make_bomb_png(tmp_path / "khong-lo.png", megapixels=400)
    assert p.stat().st_size < 10_000
    t = time.perf_counter()
    for reader in (read_image, image_info):
        with pytest.raises(AssetError) as e:
            reader(p)
        msg = str(e.value)
        assert "400 MP" in msg and "khong-lo.png" in msg and "resize to under 100 MP" in msg
    # under Pillow's own hard limit our max_pixels still refuses, from the header
    p2 = testing.make_bomb_png(tmp_path / "lon.png", megapixels=120)
    with pytest.raises(AssetError, match="120 MP"):
        read_image(p2)
    assert time.perf_counter() - t < 1.0
    small = testing.make_image(tmp_path / "nho.png", (64, 48))
    with pytest.raises(AssetError, match="MP"):
        read_image(small, max_pixels=1000)


def test_missing_image(tmp_path):
    with pytest.raises(AssetError, match="not found"):
        read_image(tmp_path / "khong-co.jpg")


# ---------------------------------------------------------------- paths and discovery


def test_resolve_finds_nfd_names_from_nfc_spec_and_back(tmp_path):
    folder = tmp_path / "c"
    disk = testing.make_image(folder / NFD("ảnh") / NFD("đình-làng.jpg"))
    got = resolve(folder, "ảnh/đình-làng.jpg", field="video.shots[0]")
    assert got.exists() and got.samefile(disk)
    nfc_disk = testing.make_image(folder / "images" / "Bà Chúa Xứ.png")
    assert resolve(folder, NFD("images/Bà Chúa Xứ.png")).samefile(nfc_disk)


def test_resolve_missing_names_spec_field_path_and_fix(tmp_path):
    folder = tmp_path / "c"
    testing.make_image(folder / "images" / "dinh-lang.jpg")
    spec = folder / "campaign.yml"
    with pytest.raises(AssetError) as e:
        resolve(folder, "images/dinh-lang.jpeg", field="video.shots[2]", spec_file=spec)
    msg = str(e.value)
    assert str(spec) in msg and "[video.shots[2]]" in msg and "images/dinh-lang.jpeg" in msg
    assert "Cách sửa" in msg and "Fix" in msg and "dinh-lang.jpg" in msg  # near match offered
    assert msg.index("không tìm thấy") < msg.index("not found")


@pytest.mark.parametrize("bad", ["../ngoai.jpg", "images/../../ngoai.jpg", "/etc/passwd"])
def test_resolve_refuses_paths_leaving_the_folder(tmp_path, bad):
    folder = tmp_path / "c"
    folder.mkdir()
    testing.make_image(tmp_path / "ngoai.jpg")
    with pytest.raises(PromokitError):
        resolve(folder, bad, field="video.music")


def test_resolve_refuses_symlink_out(tmp_path):
    folder = tmp_path / "c"
    (folder / "images").mkdir(parents=True)
    outside = testing.make_image(tmp_path / "bi-mat.jpg")
    (folder / "images" / "lien-ket.jpg").symlink_to(outside)
    with pytest.raises(PromokitError, match="leaves the campaign folder"):
        resolve(folder, "images/lien-ket.jpg")
    assert discover(folder).images == []


def test_discover_sorts_vietnamese_and_ignores_junk(tmp_path):
    folder = tmp_path / "c"
    names = ["đình.jpg", "anh-10.jpg", "anh-2.jpg", "ăn.png", "dao.jpg", "Ảnh.jpg", "bé.webp", "be.JPG"]
    for n in names:
        testing.make_image(folder / "images" / NFD(n) if n == "đình.jpg" else folder / "images" / n)
    (folder / "images" / ".DS_Store").write_bytes(b"x")
    (folder / "images" / "._anh-2.jpg").write_bytes(b"x")
    (folder / "images" / "ghi-chu.txt").write_text("x")
    testing.make_csv(folder / "data" / "a.csv", ["x", "y"], [["a", 1]])
    files = discover(folder)
    got = [unicodedata.normalize("NFC", p.name) for p in files.images]
    assert got == ["anh-2.jpg", "anh-10.jpg", "Ảnh.jpg", "ăn.png", "be.JPG", "bé.webp", "dao.jpg", "đình.jpg"]
    assert [p.name for p in files.data] == ["a.csv"] and files.clips == [] and files.music == []


# ---------------------------------------------------------------- tables


def test_nfd_csv_normalised(tmp_path):
    p = tmp_path / "ocop.csv"
    p.write_text(NFD("xã , số sản phẩm\nMỹ An Hưng A, 12\n Tân Mỹ ,8\n"), encoding="utf-8-sig")
    t = read_table(p)
    assert t.columns == ["xã", "số sản phẩm"]
    assert t.column("xã") == ["Mỹ An Hưng A", "Tân Mỹ"]
    assert all(unicodedata.is_normalized("NFC", c) for row in t.rows for c in [*row, *row.values()])
    assert t.numbers("số sản phẩm") == [12.0, 8.0]
    require_columns(t, [NFD("xã"), "số sản phẩm"], spec_file=None, field="infographics[0].x")


def test_csv_lacking_a_declared_column(tmp_path):
    p = testing.make_csv(tmp_path / "so-lieu.csv", ["ten_xa", "gia_tri"], [["A", 1]])
    spec = tmp_path / "campaign.yml"
    with pytest.raises(DataError) as e:
        require_columns(read_table(p), ["xa", "gia_tri"], spec_file=spec, field="infographics[0].x")
    msg = str(e.value)
    assert "so-lieu.csv" in msg and "'xa'" in msg and "[infographics[0].x]" in msg and str(spec) in msg
    assert "ten_xa, gia_tri" in msg  # the columns that exist


def test_text_in_a_number_column(tmp_path):
    p = testing.make_csv(tmp_path / "d.csv", ["xa", "so"], [["A", "12"], ["B", "mười hai"], ["C", "3"]])
    with pytest.raises(DataError) as e:
        read_table(p).numbers("so")
    (problem,) = e.value.problems
    assert problem.where.line == 3 and problem.where.field == "so"  # header = row 1
    msg = str(e.value)
    assert "d.csv:3" in msg and "'mười hai'" in msg and "row 3" in msg and "dòng 3" in msg


def test_undeclared_decimal_comma_fix_mentions_decimal(tmp_path):
    p = testing.make_csv(tmp_path / "gia.csv", ["xa", "ty_le"], [["A", "3,5"], ["B", "12,25"]], delimiter=";")
    t = read_table(p)
    assert t.columns == ["xa", "ty_le"]  # ';' sniffed
    with pytest.raises(DataError) as e:
        t.numbers("ty_le")
    assert len(e.value.problems) == 2
    assert "decimal: ','" in e.value.problems[0].fix_vi and "declare decimal: ','" in e.value.problems[0].fix_en
    assert read_table(p, decimal=",").numbers("ty_le") == [3.5, 12.25]
    p2 = testing.make_csv(tmp_path / "lon.csv", ["xa", "dan_so"], [["A", "1.234,5"], ["B", "41.200"]], delimiter=";")
    assert read_table(p2, decimal=",").numbers("dan_so") == [1234.5, 41200.0]


@pytest.mark.parametrize("text, words", [
    ("", "no header"),
    ("xa,so\n", "no data rows"),
    ("\n\nxa,so\n,\n", "no data rows"),
    ("xa,xa\nA,1\n", "duplicate column"),
    ("xa,,so\nA,1,2\n", "column 2 has no name"),
])
def test_bad_tables(tmp_path, text, words):
    p = tmp_path / "t.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=words) as e:
        read_table(p)
    assert e.value.file == str(p)


def test_non_utf8_table_says_save_as_utf8(tmp_path):
    p = tmp_path / "cp1258.csv"
    p.write_bytes("xa,so\nTân,1\n".encode("cp1258"))
    with pytest.raises(DataError, match="UTF-8") as e:
        read_table(p)
    assert "CSV UTF-8" in str(e.value)


def test_excel_unicode_text_utf16_with_its_mark_is_read(tmp_path):
    p = tmp_path / "unicode-text.csv"  # Excel's "Unicode Text": UTF-16 LE with a byte-order mark, tab-separated
    p.write_bytes(b"\xff\xfe" + NFD("chi_so\tgia_tri\r\nHộ nghèo\t432\r\nĐịnh Yên\t1.245\r\n").encode("utf-16-le"))
    t = read_table(p, ",")
    assert t.columns == ["chi_so", "gia_tri"] and t.column("chi_so") == ["Hộ nghèo", "Định Yên"]
    assert t.numbers("gia_tri") == [432.0, 1245.0]


# ---------------------------------------------------------------- articles and text


def test_nfd_markdown_normalised(tmp_path):
    p = tmp_path / "bai.md"
    p.write_text(NFD("---\ntitle: Lễ hội đình làng\nauthor: Phòng Văn hóa\n---\n\nRước kiệu về đình.\n"),
                 encoding="utf-8")
    a = read_article(p)
    assert a.title == "Lễ hội đình làng" and a.meta["author"] == "Phòng Văn hóa"
    assert a.body == "Rước kiệu về đình.\n" and a.words == 4
    assert unicodedata.is_normalized("NFC", read_text(p))


def test_article_without_title(tmp_path):
    p = testing.make_article(tmp_path / "bai.md", title="")
    with pytest.raises(AssetError, match="title") as e:
        read_article(p)
    assert "bai.md" in str(e.value)


def test_article_title_from_its_opening_heading(tmp_path):
    """No front matter, or one without a title: the '# heading' opening the body is the title, taken out of the
    body (else the publication would print it twice); a '## heading' or a later '# heading' is not."""
    p = tmp_path / "bai.md"
    p.write_text(NFD("\n# Nhận diện tin giả: năm bước #\n\nĐọc kỹ, kiểm tra nguồn.\n"), encoding="utf-8")
    a = read_article(p)
    assert a.title == "Nhận diện tin giả: năm bước" and unicodedata.is_normalized("NFC", a.title)
    assert a.body == "Đọc kỹ, kiểm tra nguồn.\n" and a.meta["title"] == a.title
    p.write_text("---\nauthor: Phòng Văn hóa\ndate: 12/4/2024\n---\n# Tin giả\n\nNội dung.\n", encoding="utf-8")
    a = read_article(p)
    assert (a.title, a.meta["author"], a.body) == ("Tin giả", "Phòng Văn hóa", "Nội dung.\n")
    p.write_text("---\ntitle: Tiêu đề\n---\n# Mục một\n\nx\n", encoding="utf-8")  # the front matter wins
    assert read_article(p).title == "Tiêu đề" and read_article(p).body.startswith("# Mục một")
    for body in ("## Mục một\n\nx\n", "Mở đầu.\n\n# Mục một\n", "#Không phải tiêu đề\n"):
        p.write_text(body, encoding="utf-8")
        with pytest.raises(AssetError, match="'# The title'"):
            read_article(p)


def test_article_front_matter_refuses_python_tags(tmp_path):
    p = tmp_path / "bai.md"
    p.write_text("---\ntitle: !!python/object/apply:os.getcwd []\n---\nx\n", encoding="utf-8")
    with pytest.raises(AssetError, match="'!!…'"):
        read_article(p)


# ---------------------------------------------------------------- audio and video


def test_rotated_clip_reports_display_size(tmp_path):
    p = testing.make_clip(tmp_path / "doc.mp4", 0.5, size=(64, 48), rotation=90)
    m = probe_media(p)
    assert m.rotation == 90
    assert (m.coded_width, m.coded_height) == (64, 48) and (m.width, m.height) == (48, 64)
    assert m.has_video and m.has_audio and abs(m.duration - 0.5) < 0.1


def test_variable_frame_rate_clip(tmp_path):
    vfr = probe_media(testing.make_clip(tmp_path / "vfr.mp4", 1.0, fps=30, vfr=True))
    assert vfr.variable_fps and abs(vfr.fps - 20) < 1
    cfr = probe_media(testing.make_clip(tmp_path / "cfr.mp4", 1.0, fps=30))
    assert not cfr.variable_fps and cfr.fps == 30 and cfr.frames == 30 and cfr.video_codec == "h264"


def test_audio_44k_mono_and_48k_stereo(tmp_path):
    mono = probe_media(testing.make_tone(tmp_path / "giong.wav", 0.5, rate=44100, channels=1))
    assert (mono.sample_rate, mono.channels, mono.has_video) == (44100, 1, False)
    assert abs(mono.duration - 0.5) < 0.01
    clip = probe_media(testing.make_clip(tmp_path / "c.mp4", 0.5, audio_rate=44100, audio_channels=1))
    assert (clip.sample_rate, clip.channels, clip.audio_codec) == (44100, 1, "aac")
    m4a = probe_media(testing.make_tone(tmp_path / "nhac.m4a", 0.5))
    assert (m4a.sample_rate, m4a.channels) == (48000, 2)


def test_lying_clip_reports_the_readable_length(tmp_path):
    p = testing.make_lying_clip(tmp_path / "cat-cut.mp4", 2.0)
    m = probe_media(p)
    assert m.truncated and m.frames is None
    assert 0.2 < m.duration < 1.5  # not the 2 s the header claims
    ok = probe_media(testing.make_clip(tmp_path / "du.mp4", 1.0, faststart=True))
    assert not ok.truncated and abs(ok.duration - 1.0) < 0.05


def test_unreadable_media_names_the_file(tmp_path):
    p = testing.make_text_as_image(tmp_path / "khong-phai.mp4")
    with pytest.raises(AssetError) as e:
        probe_media(p)
    assert "khong-phai.mp4" in str(e.value)


def test_missing_ffprobe_is_a_tool_error(tmp_path, monkeypatch):
    p = testing.make_tone(tmp_path / "a.wav", 0.1)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(ToolError, match="apt-get install ffmpeg"):
        probe_media(p)


def test_probe_is_cached_by_mtime_and_size(tmp_path, monkeypatch):
    p = testing.make_tone(tmp_path / "a.wav", 0.2)
    first = probe_media(p)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("ffprobe ran again"))
    assert probe_media(p) == first
    monkeypatch.undo()
    testing.make_tone(p, 0.4)  # changed file: probed again
    assert abs(probe_media(p).duration - 0.4) < 0.01


# ---------------------------------------------------------------- promokit check


def test_check_campaign_files_ok(tmp_campaign):
    assert check_campaign_files(load_campaign(tmp_campaign), tmp_campaign) == []


def test_check_campaign_files_reports_every_broken_file(tmp_path):
    folder = testing.make_campaign(tmp_path, "hong", images=1, clips=1)
    testing.make_truncated_jpeg(folder / "images" / "hong.jpg")
    testing.make_text_as_image(folder / "images" / "chu.jpg")
    testing.make_lying_clip(folder / "clips" / "cat-cut.mp4")
    testing.make_csv(folder / "data" / "ocop.csv", ["xa", "so_san_pham"], [["A", "1"], ["B", "hai"]])
    testing.make_article(folder / "articles" / "01-gioi-thieu.md", title="")
    (folder / "music" / "nhac-nen.wav").unlink()
    problems = check_campaign_files(load_campaign(folder), folder)
    text = [str(p) for p in problems]
    expected = ["hong.jpg", "chu.jpg", "cat-cut.mp4", "ocop.csv", "01-gioi-thieu.md", "music/nhac-nen.wav"]
    assert len(problems) == len(expected), text
    for name in expected:
        assert sum(name in t for t in text) == 1, (name, text)
    music = next(p for p in problems if "nhac-nen" in str(p))
    assert music.where.field == "video.music" and music.where.line is not None
    assert all(" / " in t for t in text)


def test_check_campaign_files_missing_columns_one_problem(tmp_path):
    folder = testing.make_campaign(tmp_path, "cot", images=1, clips=0, music=False, article=False)
    testing.make_csv(folder / "data" / "ocop.csv", ["ten", "gia_tri"], [["A", "1"]])
    (problem,) = check_campaign_files(load_campaign(folder), folder)
    assert "ocop.csv" in str(problem) and problem.where.field == "infographics[0].x"


def test_check_campaign_files_needs_something_to_show(tmp_path):
    folder = testing.make_campaign(tmp_path, "trong", images=0, clips=0, music=False, csv=False, article=False)
    (problem,) = check_campaign_files(load_campaign(folder), folder)
    assert problem.where.field == "video.shots" and "images" in str(problem)
