"""Rendered promo pixels and files: motion, transitions, text in the safe zone, logo, probe facts, covers."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from promokit import testing
from promokit.catalog import Catalog, read_checks
from promokit.conform import gather
from promokit.errors import ToolError
from promokit.platforms import Preset, safe_zone
from promokit.testing import make_campaign
from promokit.video import make_plans, preview_frame, render_campaign
from promokit.video.captions import parse_captions
from promokit.video.compositor import Compositor
from promokit.video.encoder import render_video
from promokit.video.plan import plan_video
from promokit.video.yuv import planes_to_rgb

SMALL = Preset("test", "Test 9:16", 180, 320)

pytestmark = pytest.mark.slow


def setup(tmp_path: Path, video: dict, images: dict[str, Image.Image] | None = None, logo: Image.Image | None = None):
    """A campaign at tmp_path/campaigns/t with the given images (name -> picture), opened (outputs in tmp_path/out)."""
    folder = make_campaign(tmp_path, "t", images=0, clips=0, music=False, csv=False, article=False,
                           extra_yaml={"video": video})
    for name, im in (images or {}).items():
        (folder / "images").mkdir(exist_ok=True)
        im.save(folder / "images" / name, quality=95)
    if logo is not None:
        (tmp_path / "brand").mkdir(exist_ok=True)
        logo.save(tmp_path / "brand" / "logo.png")
        (tmp_path / "brand" / "brand.yml").write_text("logo: logo.png\n", encoding="utf-8")
    return testing.opened(folder)


def small_plan(ctx, preset: Preset = SMALL):
    from promokit.video.api import campaign_inputs

    inp = campaign_inputs(ctx)
    return plan_video(ctx.campaign, ctx.brand, preset, inp.media, captions=inp.captions, fonts=inp.fonts, logo=inp.logo,
                      style=inp.style)


def frame(plan, k: int) -> np.ndarray:
    with Compositor(plan, prefetch=False) as comp:
        return np.asarray(planes_to_rgb(comp.frame(k, sequential=False))).astype(float)


def decode(path: Path, size: tuple[int, int]) -> np.ndarray:
    """Every frame of a video as RGB (n, h, w, 3)."""
    w, h = size
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3).astype(float)


def flat(color) -> Image.Image:
    return Image.new("RGB", (640, 360), color)


def test_crossfade_midpoint_is_a_blend_of_the_two_shots(tmp_path):
    ctx = setup(tmp_path, {"duration": 3, "title": " ", "transition_duration": 0.5,
                                        "shots": [{"path": "images/a.jpg", "motion": "none"},
                                                  {"path": "images/b.jpg", "motion": "none"}]},
                             {"a.jpg": flat((220, 30, 30)), "b.jpg": flat((30, 40, 220))})
    p = small_plan(ctx)
    tr = p.transitions[0]
    mid = tr.first_frame + tr.frames // 2  # 15 frames: frame 7 is alpha 0.5
    assert tr.alpha(mid) == pytest.approx(0.5)
    before, at, after = frame(p, tr.first_frame - 1), frame(p, mid), frame(p, tr.first_frame + tr.frames)
    centre = (slice(140, 180), slice(70, 110))
    a, m, z = (f[centre].mean(axis=(0, 1)) for f in (before, at, after))
    assert np.allclose(a, (220, 30, 30), atol=4) and np.allclose(z, (30, 40, 220), atol=4)
    assert np.allclose(m, (a + z) / 2, atol=4)
    # and in the encoded file
    out, _ = render_video(p, tmp_path / "x.mp4")
    frames = decode(out, p.size)
    assert len(frames) == p.frames
    assert np.allclose(frames[mid][centre].mean(axis=(0, 1)), (a + z) / 2, atol=8)


def test_zoom_grows_monotonically_and_smoothly_on_a_still(tmp_path):
    im = Image.new("RGB", (1200, 2000), (0, 0, 0))
    ImageDraw.Draw(im).ellipse((450, 850, 750, 1150), fill=(255, 255, 255))
    ctx = setup(tmp_path, {"duration": 3, "title": " ", "shots": [{"path": "images/d.jpg", "motion": "zoom_in"}]},
                             {"d.jpg": im})
    p = small_plan(ctx)
    with Compositor(p, prefetch=False) as comp:
        areas = [(np.asarray(comp.frame(k).y, dtype=float) - 16).sum() for k in range(p.frames)]
    diffs = np.diff(areas)
    assert (diffs > 0).all(), "the disc must grow on every frame (sub-pixel zoom, no steps)"
    assert areas[-1] / areas[0] == pytest.approx(1.14 ** 2, rel=0.05)
    # smooth: no frame jumps much more than its neighbours (eased zoom)
    assert diffs.max() < 4 * np.median(diffs)


def test_title_and_captions_are_drawn_inside_the_safe_zone(tmp_path):
    ctx = setup(tmp_path, {
        "duration": 4, "title": "Lễ hội Giỗ Tổ Hùng Vương năm 2024", "subtitle": "Uống nước nhớ nguồn",
        "captions": [{"text": "Người dân và du khách về dự lễ hội rất đông vui", "start": 0.0, "end": 4.0}],
        "shots": [{"path": "images/k.jpg", "motion": "none"}]}, {"k.jpg": flat((0, 0, 0))})
    p = small_plan(ctx, Preset("t2", "t", 360, 640))
    bare = small_plan(setup(tmp_path / "bare", {"duration": 4, "title": " ", "shots": [
        {"path": "images/k.jpg", "motion": "none"}]}, {"k.jpg": flat((0, 0, 0))}), Preset("t2", "t", 360, 640))
    k = p.frame_at(2.0)
    diff = np.abs(frame(p, k) - frame(bare, k)).sum(axis=2) > 30
    ys, xs = np.nonzero(diff)
    assert len(ys) > 500, "title and caption must be visible"
    x0, y0, x1, y1 = safe_zone(360, 640)
    assert xs.min() >= x0 and xs.max() < x1 and ys.min() >= y0 and ys.max() < y1
    # the caption sits in the lower part of the safe zone, the title above it
    assert ys.max() > y0 + 0.75 * (y1 - y0) and ys.min() < y0 + 0.5 * (y1 - y0)


def test_logo_is_present(tmp_path):
    logo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(logo).rectangle((20, 20, 180, 180), fill=(0, 255, 0, 255))
    ctx = setup(tmp_path, {"duration": 2, "title": " ", "shots": [{"path": "images/k.jpg", "motion": "none"}]},
                             {"k.jpg": flat((0, 0, 0))}, logo=logo)
    p = small_plan(ctx, Preset("t2", "t", 360, 640))
    assert p.logo is not None
    f = frame(p, p.frame_at(1.0))
    x0, y0, x1, y1 = p.logo.box
    region = f[y0:y1, x0:x1]
    green = (region[..., 1] > 180) & (region[..., 0] < 80) & (region[..., 2] < 80)
    assert green.sum() > 0.2 * green.size
    assert not ((f[..., 1] > 180) & (f[..., 0] < 80)).any(axis=1)[y1 + 4:].any()  # nowhere else


def test_tiny_photo_is_upscaled_without_crash(tmp_path):
    ctx = setup(tmp_path, {"duration": 2, "title": " "}, {"tiny.jpg": flat((200, 120, 40)).resize((16, 12))})
    p = small_plan(ctx)
    f = frame(p, 10)
    assert np.allclose(f[100:220, 40:140].mean(axis=(0, 1)), (200, 120, 40), atol=12)


def test_a_cut_out_pictures_transparent_parts_show_the_brand_colour_not_white(tmp_path):
    cut = Image.new("RGBA", (180, 320), (0, 0, 0, 0))
    ImageDraw.Draw(cut).ellipse((40, 100, 140, 220), fill=(230, 150, 20, 255))  # a product on nothing
    ctx = setup(tmp_path, {"duration": 2, "title": " ", "shots": [{"path": "images/cut.png", "motion": "none"}]},
                {"cut.png": cut})
    p = small_plan(ctx)
    f = frame(p, 20)
    primary = tuple(int(ctx.brand.colors.primary[i:i + 2], 16) for i in (1, 3, 5))
    assert np.allclose(f[10:40, 10:40].mean(axis=(0, 1)), primary, atol=10), f[10:40, 10:40].mean(axis=(0, 1))
    assert np.allclose(f[150:170, 80:100].mean(axis=(0, 1)), (230, 150, 20), atol=12)


def test_slide_and_wipe_transitions(tmp_path):
    for kind in ("slide", "wipe"):
        ctx = setup(tmp_path / kind, {"duration": 3, "title": " ", "transition": kind,
                                                   "shots": [{"path": "images/a.jpg", "motion": "none"},
                                                             {"path": "images/b.jpg", "motion": "none"}]},
                                 {"a.jpg": flat((220, 30, 30)), "b.jpg": flat((30, 40, 220))})
        p = small_plan(ctx)
        tr = p.transitions[0]
        f = frame(p, tr.first_frame + tr.frames // 2)
        left, right = f[:, :40].mean(axis=(0, 1)), f[:, -40:].mean(axis=(0, 1))
        if kind == "slide":  # b comes in from the right
            assert left[0] > 150 and right[2] > 150
        else:  # b is revealed from the left
            assert left[2] > 150 and right[0] > 150


def test_every_platform_file_conforms_and_has_sidecars_and_cover(tmp_path):
    """One real render at full size (3 s: the shortest Facebook Reels takes), every platform of DESIGN §6."""
    video = {"duration": 3, "title": "Giỗ Tổ", "transition_duration": 0.3,
             "platforms": ["tiktok", "facebook_reels", "instagram_reels", "youtube_shorts", "youtube",
                           "facebook_feed", "zalo"],
             "captions": [{"text": "Chào mừng quý vị", "start": 0.2, "end": 1.8}], "caption_mode": "both"}
    ctx = setup(tmp_path, video, {"a.jpg": flat((200, 60, 40)), "b.jpg": flat((40, 120, 200)).resize((360, 640))})
    out = tmp_path / "out"
    results = render_campaign(ctx)
    c = ctx.campaign
    assert [r.platform for r in results] == video["platforms"]
    for r in results:
        assert r.ok, r.checks.failed
        f = gather(r.video)
        preset_size = {"youtube": (1920, 1080), "facebook_feed": (1080, 1350), "zalo": (1280, 720)}.get(
            r.platform, (1080, 1920))
        assert (f.width, f.height) == preset_size
        assert f.video_codec == "h264" and f.profile == "High" and f.chroma == "4:2:0" and f.bit_depth == 8
        assert f.colour_range == "tv" and f.matrix == f.primaries == f.transfer == "bt709" and f.progressive
        assert f.constant_rate and f.fps == pytest.approx(30, abs=1e-6) and f.open_gop_at is None
        assert f.audio_codec == "aac" and f.audio_profile == "LC" and f.sample_rate == 48000 and f.channels == 2
        assert f.moov_first and not f.edit_lists and not f.fragmented and abs(f.video_start - f.audio_start) < 0.01
        assert f.loudness is not None and f.loudness <= -70  # no music: a silent track, measured
        assert f.duration == pytest.approx(3.0, abs=0.1)
        cues = parse_captions(r.srt.read_text(encoding="utf-8"))
        assert [q.text for q in cues] == ["Chào mừng quý vị"]
        assert parse_captions(r.vtt.read_text(encoding="utf-8")) == cues
        assert r.vtt.read_text(encoding="utf-8").startswith("WEBVTT")
        with Image.open(r.cover) as cover:
            assert cover.format == "JPEG"
            assert cover.size == ((1280, 720) if r.platform == "youtube" else preset_size)
        record = read_checks(r.video)
        assert record is not None and record.ok and record.kind == "video" and record.facts["platform"] == r.platform
        assert r.video == Catalog(out).campaign(c.id).video(r.platform)
    folder_out = Catalog(out).campaign(c.id).folder("video")
    assert not [p for p in folder_out.iterdir() if ".part" in p.name or p.name.startswith(".")]


def test_a_failing_check_is_reported(tmp_path):
    from promokit.conform import check_file
    from promokit.platforms import PLATFORMS

    ctx = setup(tmp_path, {"duration": 1, "title": " "}, {"a.jpg": flat((200, 60, 40))})
    out, _ = render_video(small_plan(ctx), tmp_path / "short.mp4")
    checks = check_file(out, PLATFORMS.get("facebook_reels"))
    assert not checks.get("duration").ok and "3" in checks.get("duration").reason
    assert not checks.get("frame_size").ok  # 180x320 is under Reels' 540 px
    assert checks.get("video_codec").ok and checks.get("faststart").ok and checks.get("edit_list") is None
    assert checks.get("audio_bitrate").ok and checks.get("audio_bitrate").source == "packets"
    assert checks.get("profile").source == "avcC/SPS"


def test_draft_and_preview(tmp_path):
    ctx = setup(tmp_path, {"duration": 3, "title": "Giỗ Tổ"}, {"a.jpg": flat((200, 60, 40))})
    res = render_campaign(ctx, draft=True, platforms=["tiktok"])
    c = ctx.campaign
    assert res[0].video == tmp_path / "out" / c.id / "video" / "draft" / "tiktok.mp4"
    facts = gather(res[0].video, loudness=False)
    assert facts.width == 270 and facts.sample_rate == 24000 and facts.channels == 2 and res[0].ok, res[0].checks
    assert not (tmp_path / "out" / c.id / "video" / "tiktok.mp4").exists()  # a draft never replaces a final
    plan = make_plans(ctx, ["tiktok"])["tiktok"]
    im = preview_frame(plan, 1.0)
    assert im.size == (1080, 1920) and im.mode == "RGB"


def test_video_job_storyboard_preview_and_render(tmp_path):
    from promokit.project import open_campaign
    from promokit.video import VideoJob

    setup(tmp_path, {"duration": 3, "title": "Giỗ Tổ", "platforms": ["tiktok", "youtube"]},
          {"a.jpg": flat((200, 60, 40)), "b.jpg": flat((20, 60, 200))})
    job = VideoJob(open_campaign("t", tmp_path, tmp_path / "output"), draft=True)
    assert job.platforms == ["tiktok", "youtube"]
    sheet = job.storyboard()  # drawn from the draft-size plan, with each shot's colour
    px = np.asarray(sheet.convert("RGB")).reshape(-1, 3).astype(int)
    assert any(((px - (200, 60, 40)) ** 2).sum(axis=1) < 300) and any(((px - (20, 60, 200)) ** 2).sum(axis=1) < 300)
    assert job.preview(1.0, "youtube").size == (1920, 1080)  # previews are always full size
    res = job.render()
    assert [r.platform for r in res] == ["tiktok", "youtube"] and all(r.ok for r in res)
    assert {r.video.parent for r in res} == {tmp_path / "output" / "t" / "video" / "draft"}
    assert gather(res[1].video, loudness=False).width == 480


def test_video_job_dropped_before_rendering_leaves_no_sound_files(tmp_path):
    import gc

    from promokit.project import open_campaign
    from promokit.video import VideoJob

    setup(tmp_path, {"duration": 2, "title": "A"}, {"a.jpg": flat((200, 60, 40))})
    job = VideoJob(open_campaign("t", tmp_path, tmp_path / "output"), draft=True)
    files = [job._sound.wav, job._sound.m4a]  # started early, beside the looks
    assert files[0].exists()
    del job
    gc.collect()
    assert not any(f.exists() for f in files)


def test_killed_ffmpeg_leaves_no_file_at_the_final_path(tmp_path):
    import psutil

    ctx = setup(tmp_path, {"duration": 4, "title": " "}, {"a.jpg": flat((200, 60, 40))})
    p = small_plan(ctx)
    target = tmp_path / "out" / "v.mp4"
    me = psutil.Process()

    def kill_ffmpeg(done: int, total: int) -> None:
        if done == 10:
            for child in me.children(recursive=True):
                if child.name().startswith("ffmpeg"):
                    child.kill()

    with pytest.raises(ToolError):
        render_video(p, target, progress=kill_ffmpeg)
    assert not target.exists()
    assert list((tmp_path / "out").iterdir()) == []  # no temp file, no audio left behind
    assert not [ch for ch in me.children(recursive=True) if ch.status() != psutil.STATUS_ZOMBIE]


def test_fifty_renders_leak_no_files_threads_or_processes(tmp_path):
    """50 renders in one process (a still, a phone clip with its own ffmpeg, music, every 10th render killed
    mid-way): afterwards the same open files, threads and child processes as after the first."""
    import psutil

    folder = make_campaign(tmp_path, "t", images=1, clips=1, music=True, csv=False, article=False,
                           extra_yaml={"video": {"duration": 1.2, "title": "A", "transition_duration": 0.2,
                                                 "shots": ["images/anh-1.jpg", "clips/canh-1.mp4"],
                                                 "music": "music/nhac-nen.wav"}})
    p = small_plan(testing.opened(folder))
    assert {s.kind for s in p.shots} >= {"still", "clip"}
    me = psutil.Process()

    def kill_ffmpeg(done: int, total: int) -> None:
        if done == 5:
            for child in me.children(recursive=True):
                if child.name().startswith("ffmpeg"):
                    child.kill()

    render_video(p, tmp_path / "warm.mp4")
    fds, kids, before = me.num_fds(), len(me.children()), set(threading.enumerate())
    for i in range(50):
        target = tmp_path / "out" / f"v{i}.mp4"
        if i % 10 == 9:
            with pytest.raises(ToolError):
                render_video(p, target, progress=kill_ffmpeg)
            assert not target.exists()
        else:
            render_video(p, target)
    # Python threads compared by identity: a native library may start a lazy pool of its own (seen once in CI,
    # an OS thread count one higher with no Python thread behind it); ours all have Python names.
    assert [t.name for t in threading.enumerate() if t not in before and t.is_alive()] == []
    assert (me.num_fds(), len(me.children())) == (fds, kids)
    assert len(list((tmp_path / "out").iterdir())) == 45  # no temp files left beside the outputs
