"""Text of promo videos: captions in and out (SRT/WebVTT, NFC), fitting to two lines, missing glyphs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from promokit import fonts as F
from promokit.errors import AssetError, FontError, SpecError
from promokit.platforms import PLATFORMS
from promokit.spec import Brand, Campaign
from promokit.spec.loader import load_defaults
from promokit.text import wrap
from promokit.video.captions import parse_captions, sidecar_cues, to_srt, to_vtt
from promokit.video.layers import check_texts, fit_text, font_file, split_long_captions, text_layer_image
from promokit.video.plan import Cue, Fonts, MediaFacts, plan_video
from promokit.video.style import load_style, reference_height

BRAND = Brand.model_validate(load_defaults()["brand"])
STYLE = load_style()

SRT = ("\ufeff1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>Lễ hội</i> Giỗ Tổ\r\nHùng Vương\r\n\r\n"
       "2\r\n00:00:04,250 --> 00:00:06,000\r\nUống nước nhớ nguồn\r\n")
VTT = ("WEBVTT\n\nNOTE a comment\n\nintro\n00:01.000 --> 00:03.500 line:80%\nLễ hội Giỗ Tổ\nHùng Vương\n\n"
       "00:00:04.250 --> 00:00:06.000\nUống nước nhớ nguồn\n")


def plan(captions=None, shots=None, fonts: Fonts | None = None, preset="tiktok", **video):
    spec = {"duration": 8, "platforms": ["tiktok"], "title": "Giỗ Tổ Hùng Vương", **video}
    if shots:
        spec["shots"] = shots
    c = Campaign.model_validate({"id": "t", "title": "Lễ hội", "theme": "le-hoi", "video": spec})
    media = {"images/a.jpg": MediaFacts(Path("/x/a.jpg"), "image", 1600, 1200)}
    return plan_video(c, BRAND, PLATFORMS.get(preset), media, captions=captions, fonts=fonts, style=STYLE)


def test_srt_and_webvtt_parse_to_the_same_cues():
    a, b = parse_captions(SRT), parse_captions(VTT)
    assert a == b
    assert a == [Cue(1.0, 3.5, "Lễ hội Giỗ Tổ\nHùng Vương"), Cue(4.25, 6.0, "Uống nước nhớ nguồn")]


def test_nfd_captions_come_out_nfc():
    import unicodedata

    cues = parse_captions(unicodedata.normalize("NFD", SRT))
    assert cues[0].text == "Lễ hội Giỗ Tổ\nHùng Vương"
    p = plan(captions=cues)
    assert all(unicodedata.is_normalized("NFC", t.text) for t in p.captions())
    check_texts(p)  # every glyph found: NFC text against the font's composed characters
    srt = to_srt(sidecar_cues(p))
    assert unicodedata.is_normalized("NFC", srt) and "Giỗ Tổ" in srt


def test_bad_timing_line_names_the_line():
    with pytest.raises(AssetError) as e:
        parse_captions("1\n00:00:01,000 --> soon\nxin chào\n", file="c.srt")
    assert "c.srt:2" in str(e.value)
    with pytest.raises(AssetError):
        parse_captions("1\n00:00:03,000 --> 00:00:01,000\nngược\n")


def test_sidecars_round_trip():
    p = plan(captions=parse_captions(SRT))
    cues = sidecar_cues(p)
    assert parse_captions(to_srt(cues)) == cues == parse_captions(to_vtt(cues))
    assert to_vtt(cues).startswith("WEBVTT\n")
    # without captions the sidecars carry the title and lower thirds
    q = plan(shots=[{"path": "images/a.jpg", "caption": "Đình làng Bình Thành"}])
    assert [c.text.split("\n")[0] for c in sidecar_cues(q)] == ["Giỗ Tổ Hùng Vương", "Đình làng Bình Thành"]


def test_a_caption_too_long_for_two_lines_is_shrunk_not_cut():
    long = "Lễ hội Giỗ Tổ Hùng Vương năm nay thu hút hàng nghìn người dân và du khách về dự"
    p = plan(captions=[Cue(0.5, 4, long)])
    st = p.style.text["caption"]
    font = font_file(p, st)
    layer = p.captions()[0]
    nominal = int(round(st.size * reference_height(p.width, p.height)))
    inner = layer.box[2] - layer.box[0] - 2 * int(round(st.padding * nominal))
    # at the nominal size it would need more than two lines
    assert len(wrap(long, F.load(font, nominal).getlength, inner)) > 2
    fit = fit_text(long, font, nominal, inner, st, field="video.captions")
    assert len(fit.lines) <= 2 and fit.size < nominal
    assert " ".join(fit.lines).split() == long.split()  # every word, whole, in order
    im, x, y = text_layer_image(layer, p)
    x0, y0, x1, y1 = layer.box
    assert x0 <= x and x + im.width <= x1 and y0 <= y and y + im.height <= y1


def test_a_caption_too_long_even_shrunk_is_split_in_time_not_cut():
    long = ("Lễ hội Giỗ Tổ Hùng Vương năm nay thu hút hàng nghìn người dân và du khách thập phương "
            "về dâng hương tưởng nhớ các Vua Hùng đã có công dựng nước, cùng nhiều hoạt động văn hóa")
    p = plan(captions=[Cue(1.0, 7.0, long)])
    with pytest.raises(SpecError):
        check_texts(p)  # as one caption it cannot fit two lines
    q = split_long_captions(p)
    caps = q.captions()
    assert len(caps) >= 2
    assert " ".join(c.text for c in caps).split() == long.split()
    assert caps[0].start == 1.0 and caps[-1].end == 7.0
    assert all(a.end == pytest.approx(b.start) for a, b in zip(caps, caps[1:], strict=False))
    check_texts(q)
    assert [c.text for c in sidecar_cues(q)] == [c.text for c in caps]  # sidecars follow the split


def test_a_caption_that_cannot_fit_is_a_clear_error():
    word = "Giỗ" * 60  # one word wider than the line at any allowed size
    p = split_long_captions(plan(captions=[Cue(0.5, 4, word)]))
    with pytest.raises(SpecError) as e:
        check_texts(p)
    msg = str(e.value)
    assert "video.captions" in msg and "2" in msg and ("tách" in msg or "split" in msg)


@pytest.fixture(scope="module")
def latin_only_font(tmp_path_factory) -> Path:
    """A copy of the body font cut down to ASCII: it lacks 'ỹ' and every Vietnamese letter."""
    from fontTools import subset

    src = F.find_font("Noto Sans")
    out = tmp_path_factory.mktemp("fonts") / "LatinOnly.ttf"
    options = subset.Options()
    font = subset.load_font(str(src), options)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=range(0x20, 0x7F))
    sub.subset(font)
    subset.save_font(font, str(out), options)
    return out


def test_a_font_lacking_a_glyph_is_a_clear_font_error(latin_only_font):
    fonts = Fonts(heading=latin_only_font, heading_bold=latin_only_font, body=latin_only_font,
                  body_bold=latin_only_font)
    p = plan(captions=[Cue(0.5, 3, "Mỹ An Hưng")], fonts=fonts, title="Hello")
    with pytest.raises(FontError) as e:
        check_texts(p)
    msg = str(e.value)
    assert "'ỹ' (U+1EF9)" in msg and "LatinOnly.ttf" in msg and "video.captions" in msg
    # plain ASCII passes with the same font
    check_texts(dataclasses.replace(p, texts=tuple(t for t in p.texts if t.role == "title")))


# -- layout: reserved bands, two blocks at most, caption modes -----------------------------------------

def _at(p, t: float):
    return [x for x in p.texts if x.start <= t < x.end]


@pytest.mark.parametrize("preset", ["tiktok", "youtube", "facebook_feed"])
def test_text_blocks_keep_to_their_bands_and_never_stack_more_than_two(preset: str) -> None:
    p = plan(captions=parse_captions(SRT), preset=preset,
             shots=[{"path": "images/a.jpg", "caption": "Đền Hùng, Lấp Vò"}, {"path": "images/a.jpg",
                                                                              "caption": "Rước kiệu"}])
    for a in p.texts:
        for b in p.texts:
            if a.role != b.role and a.start < b.end and b.start < a.end:  # on screen together
                assert a.box[3] <= b.box[1] or b.box[3] <= a.box[1], (a.role, a.box, b.role, b.box)
        x0, y0, x1, y1 = p.safe
        assert x0 <= a.box[0] and y0 <= a.box[1] and a.box[2] <= x1 and a.box[3] <= y1
    for t in [i / 10 for i in range(int(p.duration * 10))]:
        assert len(_at(p, t)) <= 2, (t, [x.role for x in _at(p, t)])
    title = next(x for x in p.texts if x.role == "title")
    assert all(x.start >= title.end for x in p.texts if x.role == "lower_third")


def test_caption_modes_and_sidecars(tmp_path: Path) -> None:
    from promokit.video.captions import write_sidecars

    burned = plan(captions=parse_captions(SRT))
    assert burned.captions() and write_sidecars(burned, tmp_path / "a.srt", tmp_path / "a.vtt") == (None, None)
    side = plan(captions=parse_captions(SRT), caption_mode="sidecar")
    assert not side.captions() and [c.text for c in sidecar_cues(side)][0].startswith("Lễ hội")
    srt, vtt = write_sidecars(side, tmp_path / "b.srt", tmp_path / "b.vtt")
    assert srt is not None and "Uống nước nhớ nguồn" in srt.read_text(encoding="utf-8")
    both = plan(captions=parse_captions(SRT), caption_mode="both")
    assert both.captions() and all(p is not None for p in write_sidecars(both, tmp_path / "c.srt", tmp_path / "c.vtt"))


def test_end_card_shows_the_address_without_its_scheme() -> None:
    from promokit.video.plan import display_url

    assert display_url("https://laptv.vn/") == "laptv.vn" and display_url("http://a.b/c") == "a.b/c"
    assert display_url("https://") == ""


@pytest.mark.parametrize("preset", ["tiktok", "youtube", "facebook_feed"])
def test_a_shrunk_title_keeps_its_subtitle_smaller_than_itself(preset: str) -> None:
    from promokit.video.layers import _title_parts

    p = plan(preset=preset, title="Chung tay vì người nghèo – Không để ai bị bỏ lại phía sau, cùng xây dựng quê hương",
             subtitle="Giảm nghèo bền vững, nâng cao đời sống nhân dân")
    layer = next(t for t in p.texts if t.role == "title")
    x0, y0, x1, y1 = layer.box
    title, _, sub = _title_parts(layer, p, (x1 - x0) // 2 * 2, y1 - y0)
    nominal_title = STYLE.text["title"].size * reference_height(p.width, p.height)
    assert title.info["size"] < nominal_title  # the long title did shrink
    assert sub.info["size"] <= 0.8 * title.info["size"] + 1, (title.info["size"], sub.info["size"])
