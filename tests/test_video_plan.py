"""The promo timeline (video/plan.py): pure, deterministic, clips never stretched, text inside the safe zone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from promokit.errors import SpecError
from promokit.platforms import PLATFORMS, Preset, safe_zone
from promokit.spec import Brand, Campaign
from promokit.spec.loader import load_defaults
from promokit.video.motion import base_window, make_motion, window_at
from promokit.video.plan import Cue, MediaFacts, plan_video, share_frames
from promokit.video.style import load_style

BRAND = Brand.model_validate(load_defaults()["brand"])
STYLE = load_style()


def campaign(**video) -> Campaign:
    base = {"duration": 10, "platforms": ["tiktok"], "title": "Giỗ Tổ Hùng Vương"}
    base.update(video)
    return Campaign.model_validate({"id": "t", "title": "Lễ hội", "theme": "le-hoi", "slogan": "Uống nước nhớ nguồn",
                                    "video": base})


def stills(n: int, size=(1600, 1200)) -> dict[str, MediaFacts]:
    return {f"images/a{i}.jpg": MediaFacts(Path(f"/x/a{i}.jpg"), "image", *size) for i in range(n)}


def plan(c: Campaign, media: dict, preset: str | Preset = "tiktok", **kw):
    p = PLATFORMS.get(preset) if isinstance(preset, str) else preset
    return plan_video(c, BRAND, p, media, style=STYLE, **kw)


def test_plan_module_is_pure():
    # plan.py imports neither moviepy nor the asset reader (no file I/O at plan time)
    import promokit.video.plan  # noqa: F401

    assert "moviepy" not in sys.modules or "promokit.video.encoder" in sys.modules
    src = Path(promokit.video.plan.__file__).read_text(encoding="utf-8")
    assert "import moviepy" not in src and "from ..assets" not in src and "open(" not in src


def test_shots_share_the_duration_with_overlapping_transitions():
    p = plan(campaign(duration=10), stills(4))
    assert p.frames == 300 and p.duration == pytest.approx(10.0)
    overlap = 15  # 0.5 s at 30 fps
    assert sum(s.frames for s in p.shots) - overlap * 3 == 300
    assert max(s.frames for s in p.shots) - min(s.frames for s in p.shots) <= 1
    for a, b in zip(p.shots, p.shots[1:], strict=False):
        assert b.first_frame == a.last_frame - overlap
    assert [t.kind for t in p.transitions] == ["crossfade"] * 3
    assert p.transitions[0].alpha(p.transitions[0].first_frame + 7) == pytest.approx(0.5)


def test_plan_is_deterministic_and_motion_varies():
    a = plan(campaign(), stills(5))
    b = plan(campaign(), stills(5))
    assert a == b
    kinds = [s.motion.kind for s in a.shots]
    assert len(set(kinds)) >= 3


def test_clip_shorter_than_its_share_is_trimmed_never_stretched():
    media = stills(2)
    media["clips/c.mp4"] = MediaFacts(Path("/x/c.mp4"), "clip", 1920, 1080, duration=1.2, has_audio=True, fps=30)
    c = campaign(duration=9, shots=["images/a0.jpg", "clips/c.mp4", "images/a1.jpg"])
    p = plan(c, media)
    clip = p.shots[1]
    assert clip.kind == "clip"
    assert clip.frames / p.fps <= 1.2  # not stretched to a third of 9 s
    assert p.frames == 270  # the rest went to the stills
    assert p.shots[0].frames > clip.frames and p.shots[2].frames > clip.frames


def test_clip_in_point_and_explicit_duration():
    media = {"clips/c.mp4": MediaFacts(Path("/x/c.mp4"), "clip", 1080, 1920, duration=10.0, fps=30)}
    c = campaign(duration=4, shots=[{"path": "clips/c.mp4", "start": 2.5, "duration": 9.0}])
    p = plan(c, media)
    assert p.shots[0].src_in == 2.5
    assert p.shots[0].frames <= int((10.0 - 2.5) * 30)  # explicit 9 s capped at what is left
    assert any("asked" in w for w in p.warnings)


def test_fit_to_music_follows_the_music_and_short_music_loops():
    media = stills(3)
    media["music/m.wav"] = MediaFacts(Path("/x/m.wav"), "audio", duration=12.5)
    p = plan(campaign(duration=30, music="music/m.wav", fit_to_music=True), media)
    assert p.duration == pytest.approx(12.5, abs=1 / 30)
    assert not p.audio.music_loop
    q = plan(campaign(duration=30, music="music/m.wav"), media)
    assert q.audio.music_loop and q.audio.duration == pytest.approx(30)


def test_too_many_shots_for_the_duration_is_a_clear_error():
    with pytest.raises(SpecError) as e:
        plan(campaign(duration=2), stills(12))
    assert "video.shots" in str(e.value)


def test_share_frames_is_exact():
    assert share_frames(100, 10, {}, {}, 4, 1) == [33, 33, 32, 32]
    assert sum(share_frames(301, 15, {3: 90}, {1: 20}, 5, 1)) - 15 * 4 == 301


@pytest.mark.parametrize("name", PLATFORMS.names())
def test_text_boxes_lie_inside_the_safe_zone(name):
    c = campaign(duration=10, captions=[{"text": "Chào mừng", "start": 1, "end": 3}],
                 shots=[{"path": "images/a0.jpg", "caption": "Đình làng", "duration": 6}, "images/a1.jpg"],
                 end_card={"text": "Cảm ơn", "url": "lapvo.gov.vn"})
    p = plan(c, stills(2), name)
    assert p.width % 2 == 0 and p.height % 2 == 0
    sx0, sy0, sx1, sy1 = safe_zone(p.width, p.height)
    assert {t.role for t in p.texts} == {"title", "caption", "lower_third"}
    for t in p.texts:
        x0, y0, x1, y1 = t.box
        assert sx0 <= x0 < x1 <= sx1 and sy0 <= y0 < y1 <= sy1, (t.role, t.box)
    assert p.end_card is not None and p.shots[-1].kind == "card"


def test_framing_per_shape():
    media = stills(1, (3000, 2000))  # landscape photo: 9:16 crops it around its focus, no blurred bands
    assert plan(campaign(), media, "tiktok").shots[0].fit == "fill"
    assert plan(campaign(), media, "youtube").shots[0].fit == "fill"
    panorama = stills(1, (6000, 1500))  # a crop would keep too little of it: shown whole over a blurred fill
    assert plan(campaign(), panorama, "tiktok").shots[0].fit == "fit"
    media = stills(1, (2000, 3000))
    assert plan(campaign(), media, "tiktok").shots[0].fit == "fill"


def test_draft_is_small_and_even():
    p = plan(campaign(), stills(2), "tiktok", draft=True)
    assert (p.width, p.height) == (270, 480)
    q = plan(campaign(), stills(2), "facebook_feed", draft=True)
    assert q.width % 2 == 0 and q.height % 2 == 0 and max(q.size) == 480


def test_captions_nfc_and_clipped_to_the_video():
    nfd = "Le\u0302\u0303 ho\u0323\u0302i"
    p = plan(campaign(duration=5), stills(2), captions=[Cue(1, 2, nfd), Cue(4.5, 9, "cuối"), Cue(7, 8, "ngoài")])
    caps = p.captions()
    assert caps[0].text == "Lễ hội"
    assert caps[1].end == pytest.approx(5.0)
    assert len(caps) == 2 and any("past the end" in w for w in p.warnings)


@pytest.mark.parametrize("kind", ["zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down"])
def test_motion_windows_stay_inside_the_picture(kind):
    for pic, fit in (((3000, 2000), "fill"), ((2000, 3000), "fill"), ((3000, 2000), "fit")):
        m = make_motion(kind, pic, (1080, 1920), fit, zoom=0.14, pan=0.1, focus=(0.9, 0.1))
        base = base_window(pic, (1080, 1920), fit)
        for i in range(11):
            x0, y0, x1, y1 = window_at(m, i / 10, base)
            if x1 - x0 <= 1:
                assert -1e-9 <= x0 and x1 <= 1 + 1e-9
            if y1 - y0 <= 1:
                assert -1e-9 <= y0 and y1 <= 1 + 1e-9


def test_zoom_in_window_shrinks_monotonically():
    m = make_motion("zoom_in", (3000, 2000), (1080, 1920), "fill", zoom=0.14, pan=0.1)
    base = base_window((3000, 2000), (1080, 1920), "fill")
    widths = [window_at(m, i / 50, base)[2] - window_at(m, i / 50, base)[0] for i in range(51)]
    assert all(b < a for a, b in zip(widths[1:-1], widths[2:-1], strict=False))
    assert widths[0] / widths[-1] == pytest.approx(1.14, rel=1e-3)


def test_the_first_shots_caption_gets_time_after_the_title_or_a_warning_naming_the_duration_that_shows_it():
    cap = "Cầu Vàm Cống nối đôi bờ sông Hậu"
    shots = [{"path": "images/a0.jpg", "caption": cap}, "images/a1.jpg", {"path": "images/a2.jpg", "caption": "OCOP"}]
    # the other shots give the first the time: its caption shows after the title, nothing to warn
    p = plan(campaign(duration=12, shots=shots), stills(3))
    shown = [t for t in p.texts if t.role == "lower_third"]
    title = next(t for t in p.texts if t.role == "title")
    assert [t.text for t in shown] == [cap, "OCOP"] and shown[0].start >= title.end, shown
    assert not [w for w in p.warnings if "Cầu Vàm Cống" in w] and p.frames == 12 * p.fps
    # every shot has its own length: the caption cannot show; the warning names the length that shows it
    fixed = [{**s, "duration": 4} if isinstance(s, dict) else {"path": s, "duration": 4} for s in shots]
    q = plan(campaign(duration=12, shots=fixed), stills(3))
    assert [t.text for t in q.texts if t.role == "lower_third"] == ["OCOP"]
    (w,) = [w for w in q.warnings if "Cầu Vàm Cống" in w]
    assert "shots[0].duration" in w and "không hiện" in w and "is not shown" in w
    need = int(w.split("video.shots[0].duration: ")[1].split()[0])
    fixed[0] = {**fixed[0], "duration": need}
    r = plan(campaign(duration=8 + need, shots=fixed), stills(3))
    assert cap in [t.text for t in r.texts if t.role == "lower_third"]
    assert not [w for w in r.warnings if "Cầu Vàm Cống" in w]


def test_a_picture_enlarged_past_the_styles_limit_is_a_warning_said_the_same_on_every_platform():
    small = {"images/nho.jpg": MediaFacts(Path("/x/nho.jpg"), "image", 360, 240)}
    said = [[w for w in plan(campaign(duration=6), small, preset).warnings if "nho.jpg" in w]
            for preset in ("tiktok", "youtube", "facebook_feed")]
    assert all(len(ws) == 1 for ws in said) and said[0] == said[1] == said[2], said  # `check` says it once
    assert "360×240" in said[0][0] and "phóng to hơn 3 lần" in said[0][0] and "1080 px" in said[0][0]
    assert not [w for w in plan(campaign(duration=6), stills(1)).warnings if "small" in w]  # 1600×1200: fine
