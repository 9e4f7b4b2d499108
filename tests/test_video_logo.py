"""The logo per shot (the quietest corner, clear of the texts, `logo:` overrides) and the reframing of a
landscape picture around its subject when a shot names no `focus` — decided at plan time from a small look."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from promokit import testing
from promokit.errors import SpecError
from promokit.platforms import PLATFORMS
from promokit.spec import Brand, Campaign, load_campaign
from promokit.spec.loader import load_defaults
from promokit.video.audit import video_defects
from promokit.video.look import look_of
from promokit.video.motion import base_window, window_at
from promokit.video.plan import MediaFacts, plan_video
from promokit.video.reading import read_look
from promokit.video.style import load_style

BRAND = Brand.model_validate(load_defaults()["brand"])
STYLE = load_style()
LOGO = Path("/x/logo.png")


def busy_at(corner: str, size: tuple[int, int] = (1080, 1920)) -> np.ndarray:
    """A flat picture with fine stripes (much detail) in one quarter: `corner` ("top-right", …)."""
    w, h = size
    px = np.full((h, w, 3), 90, np.uint8)
    ys = slice(0, h // 3) if corner.startswith("top") else slice(2 * h // 3, h)
    xs = slice(w // 2, w) if corner.endswith("right") else slice(0, w // 2)
    stripes = ((np.arange(w)[None, :] // 12 + np.arange(h)[:, None] // 12) % 2 * 200 + 20).astype(np.uint8)
    px[ys, xs] = stripes[ys, xs, None]
    return px


def campaign(shots: list, **video) -> Campaign:
    base = {"duration": 6, "platforms": ["tiktok"], "title": " ", "shots": shots, "transition": "cut"}
    base.update(video)
    return Campaign.model_validate({"id": "t", "title": "Lễ hội", "theme": "le-hoi", "video": base})


def plan(c: Campaign, pictures: dict[str, np.ndarray | None], preset: str = "tiktok"):  # noqa: ANN201
    media = {k: MediaFacts(Path("/x") / k, "image", v.shape[1] if v is not None else 1080,
                           v.shape[0] if v is not None else 1920, look=look_of(v) if v is not None else None)
             for k, v in pictures.items()}
    return plan_video(c, BRAND, PLATFORMS.get(preset), media, style=STYLE, logo=LOGO)


def test_the_logo_goes_to_the_quietest_corner_of_each_shot() -> None:
    c = campaign(["images/a.jpg", "images/b.jpg"])
    p = plan(c, {"images/a.jpg": busy_at("top-right"), "images/b.jpg": busy_at("top-left")})
    assert [lg.corner for lg in p.logos] == ["top-left", "top-right"]
    a, b = p.shots[:2]
    assert p.logos[0].start == 0 and p.logos[0].end == pytest.approx(a.end) and p.logos[1].start == pytest.approx(b.start)
    assert p.logos[-1].end == pytest.approx(p.duration)
    # a quiet corner in the same place on both shots: one layer, the logo does not blink at the cut
    one = plan(c, {"images/a.jpg": busy_at("top-right"), "images/b.jpg": busy_at("top-right")})
    assert [(lg.corner, lg.start, round(lg.end, 3)) for lg in one.logos] == [("top-left", 0.0, 6.0)]
    assert video_defects(p, frames=False) == []


def test_the_logo_never_sits_on_a_caption() -> None:
    size = (1920, 1080)  # landscape: every corner of the safe zone is near the frame's
    pic = busy_at("top-left", size)
    top_busy = np.where(np.arange(1080)[:, None, None] < 540, busy_at("top-right", size), pic)
    top_busy[:360, :960] = busy_at("top-left", size)[:360, :960]  # both top corners busy, the bottom flat
    free = plan(campaign(["images/a.jpg"], platforms=["youtube"]), {"images/a.jpg": top_busy}, "youtube")
    assert free.logos[0].corner.startswith("bottom")  # nothing under it at the bottom: the quiet place
    captioned = plan(campaign(["images/a.jpg"], platforms=["youtube"],
                              captions=[{"text": "Người dân về dự lễ hội", "start": 0, "end": 6}]),
                     {"images/a.jpg": top_busy}, "youtube")
    assert captioned.logos[0].corner.startswith("top")
    assert [d for d in video_defects(captioned, frames=False) if d.kind == "overlap"] == []


def test_on_9_16_auto_keeps_the_logo_in_the_top_row() -> None:
    """The safe zone's lower corners are at two thirds of a 9:16 frame, over the subject: `auto` keeps to the
    top corners there even when the top of the picture is busier (a shot's own `logo:` may still choose)."""
    top_busy = busy_at("top-left")
    top_busy[:640, 540:] = busy_at("top-right")[:640, 540:]
    p = plan(campaign(["images/a.jpg"]), {"images/a.jpg": top_busy})
    assert p.logos[0].corner.startswith("top")
    forced = plan(campaign([{"path": "images/a.jpg", "logo": "bottom-right"}]), {"images/a.jpg": top_busy})
    assert forced.logos[0].corner == "bottom-right"


def test_logo_overrides_per_shot_and_per_video() -> None:
    shots = [{"path": "images/a.jpg", "logo": "bottom_left"}, {"path": "images/b.jpg", "logo": "none"},
             "images/c.jpg"]
    pics = {k: busy_at("top-left") for k in ("images/a.jpg", "images/b.jpg", "images/c.jpg")}
    p = plan(campaign(shots), pics)
    # shot c (auto) keeps the corner the viewer last saw the logo in, as it is as quiet as any (on 16:9; on
    # 9:16 auto keeps to the top row)
    assert [lg.corner for lg in plan(campaign(shots, platforms=["youtube"]), pics, "youtube").logos] == \
        ["bottom-left", "bottom-left"]
    assert [lg.corner for lg in p.logos] == ["bottom-left", "top-right"]
    b = p.shots[1]
    assert not any(lg.start < b.end - 0.01 and lg.end > b.start + 0.01 for lg in p.logos)  # none on shot b
    assert plan(campaign(["images/a.jpg"], logo="none"), {"images/a.jpg": None}).logos == ()
    # the video's corner for every shot without its own
    assert {lg.corner for lg in plan(campaign(shots[2:], logo="top-left"), pics).logos} == {"top-left"}
    # a caption on screen, a corner forced onto it: the audit reports the overlap (the deliberately broken input)
    forced = plan(campaign([{"path": "images/a.jpg", "logo": "bottom-right"}],
                           captions=[{"text": "Người dân về dự lễ hội", "start": 0, "end": 6}]), {"images/a.jpg": None})
    assert [d.kind for d in video_defects(forced, frames=False)] == ["overlap"]


def test_a_wrong_logo_corner_is_refused_at_the_door(tmp_path: Path) -> None:
    folder = testing.make_campaign(tmp_path, "c", images=1, clips=0, extra_yaml={
        "video": {"duration": 4, "logo": "middle", "shots": [{"path": "images/anh-1.jpg", "logo": "top-rigth"}]}})
    with pytest.raises(SpecError) as e:
        load_campaign(folder)
    text = str(e.value)
    assert "video.logo" in text and "video.shots[0].logo" in text and "campaign.yml" in text
    assert "top-right" in text and "giá trị không được hỗ trợ" in text


def subject_photo(path: Path, at: tuple[float, float], size: tuple[int, int] = (1600, 900)) -> Path:
    """A landscape photo: sky and field, a red-and-yellow subject off-centre at `at` (fractions)."""
    w, h = size
    im = Image.new("RGB", size, (120, 170, 220))
    d = ImageDraw.Draw(im)
    d.rectangle((0, h // 2, w, h), fill=(90, 140, 70))
    x, y, r = at[0] * w, at[1] * h, 0.08 * w
    d.ellipse((x - r, y - 1.3 * r, x + r, y + 1.3 * r), fill=(200, 40, 30))
    d.rectangle((x - r / 4, y - r / 3, x + r / 4, y + r / 3), fill=(250, 230, 60))
    noise = np.random.default_rng(3).normal(0, 4, (h, w, 3))
    px = np.clip(np.asarray(im.filter(ImageFilter.GaussianBlur(2)), np.float64) + noise, 0, 255).astype(np.uint8)
    Image.fromarray(px).save(path, quality=90)
    return path


def test_a_landscape_photo_is_cropped_to_9_16_around_its_subject(tmp_path: Path) -> None:
    photo = subject_photo(tmp_path / "dong.jpg", (0.18, 0.55))
    look = read_look(photo, "image")
    assert look is not None and look.salient[0] == pytest.approx(0.18, abs=0.06)
    c = campaign([{"path": "images/dong.jpg", "motion": "none"}])
    facts = {"images/dong.jpg": MediaFacts(photo, "image", 1600, 900, look=look)}
    p = plan_video(c, BRAND, PLATFORMS.get("tiktok"), facts, style=STYLE)
    shot = p.shots[0]
    x0, _, x1, _ = window_at(shot.motion, 0.5, base_window(shot.src_size, p.size, shot.fit))
    assert shot.fit == "fill" and x0 <= 0.18 <= x1  # the subject is in the 9:16 crop
    blind = plan_video(c, BRAND, PLATFORMS.get("tiktok"),
                       {"images/dong.jpg": MediaFacts(photo, "image", 1600, 900)}, style=STYLE)
    bx0, _, bx1, _ = window_at(blind.shots[0].motion, 0.5, base_window(shot.src_size, p.size, shot.fit))
    assert not bx0 <= 0.18 <= bx1  # a centred crop would have lost it
    # a shot's own focus wins over the estimate; a 16:9 frame keeps the whole width (no estimate needed)
    own = plan_video(campaign([{"path": "images/dong.jpg", "motion": "none", "focus": [0.9, 0.5]}]), BRAND,
                     PLATFORMS.get("tiktok"), facts, style=STYLE).shots[0]
    ox0, _, ox1, _ = window_at(own.motion, 0.5, base_window(shot.src_size, p.size, shot.fit))
    assert ox0 <= 0.9 <= ox1
    wide = plan_video(c, BRAND, PLATFORMS.get("youtube"), facts, style=STYLE).shots[0]
    assert wide.motion.cx0 == pytest.approx(0.5)
