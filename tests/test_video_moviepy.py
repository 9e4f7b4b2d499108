"""Moviepy shots: a campaign's make_clip(ctx) or a notebook's clip drawn on the fast path; the planned video
as a moviepy clip; campaign code only where the office allowed it; every bad shot named."""

from __future__ import annotations

import dataclasses
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from promokit import testing
from promokit.cli import main as cli
from promokit.errors import PromokitError, SpecError, ToolError
from promokit.platforms import Preset
from promokit.project import open_campaign
from promokit.testing import make_campaign
from promokit.video.api import VideoJob, campaign_inputs
from promokit.video.compositor import Compositor
from promokit.video.encoder import render_video
from promokit.video.plan import plan_video
from promokit.video.yuv import planes_to_rgb

SMALL = Preset("test", "Test 9:16", 180, 320)

RED_BOX = '''
import numpy as np
from moviepy import VideoClip


def make_clip(ctx):
    w, h = ctx.size

    def frame(t):
        a = np.zeros((h, w, 3), np.uint8)
        a[:] = (20, 200, 40)            # green
        x = int(t * 40) % (w - 20)      # a red box moving right
        a[h // 2 - 10:h // 2 + 10, x:x + 20] = (230, 20, 20)
        return a

    return VideoClip(frame_function=frame, duration=ctx.duration)
'''


def campaign_with_code(tmp_path: Path, code: str, *, allow: bool = True, shot: dict | None = None,
                       duration: float = 3) -> Path:
    """A campaign at tmp_path/campaigns/t: one flat blue photo, then the moviepy shot `code`."""
    spec = {"duration": duration, "title": " ", "transition": "cut",
            "shots": [{"path": "images/a.jpg", "motion": "none"}, {"moviepy": "shots/canh.py", **(shot or {})}]}
    folder = make_campaign(tmp_path, "t", images=0, clips=0, music=False, csv=False, article=False,
                           extra_yaml={"video": spec})
    (folder / "images").mkdir(exist_ok=True)
    Image.new("RGB", (640, 360), (30, 40, 220)).save(folder / "images" / "a.jpg", quality=95)
    (folder / "shots").mkdir(exist_ok=True)
    (folder / "shots" / "canh.py").write_text(code, encoding="utf-8")
    if allow:
        (tmp_path / "brand").mkdir(exist_ok=True)
        (tmp_path / "brand" / "brand.yml").write_text("allow_code: true\n", encoding="utf-8")
    return folder


def small_plan(tmp_path: Path, folder: Path, preset: Preset = SMALL, **style_code):
    ctx = testing.opened(folder)
    inp = campaign_inputs(ctx)
    style = inp.style if not style_code else dataclasses.replace(inp.style, code={**inp.style.code, **style_code})
    return plan_video(ctx.campaign, ctx.brand, preset, inp.media, fonts=inp.fonts, style=style)


def rgb(plan, k: int) -> np.ndarray:
    with Compositor(plan, prefetch=False) as comp:
        return np.asarray(planes_to_rgb(comp.frame(k, sequential=False))).astype(float)


# -- campaign code is off unless the office turns it on (fast: no code runs)

def test_campaign_code_is_refused_unless_allowed(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PROMOKIT_ALLOW_CODE", raising=False)
    campaign_with_code(tmp_path, RED_BOX, allow=False)
    with pytest.raises(SpecError) as e:
        open_campaign("t", tmp_path)
    msg = str(e.value)
    assert "shots/canh.py" in msg and "video.shots[1].moviepy" in msg and "allow_code" in msg
    assert cli(["check", "--assets", str(tmp_path), "t"]) == 1
    assert "shots/canh.py" in capsys.readouterr().err
    assert cli(["check", "--assets", str(tmp_path), "--allow-code", "t"]) == 0
    assert open_campaign("t", tmp_path, allow_code=True).allow_code
    # the renderer refuses too (a notebook opened without the permission)
    with pytest.raises(SpecError, match="shots/canh.py"):
        campaign_inputs(testing.opened(tmp_path / "campaigns" / "t"))
    # brand.yml turns it on for every campaign
    (tmp_path / "brand").mkdir(exist_ok=True)
    (tmp_path / "brand" / "brand.yml").write_text("allow_code: true\n", encoding="utf-8")
    assert open_campaign("t", tmp_path).allow_code


def test_a_moviepy_shot_must_name_a_python_file_and_only_one_source(tmp_path):
    folder = campaign_with_code(tmp_path, RED_BOX)
    (folder / "shots" / "canh.txt").write_text("x", encoding="utf-8")
    spec = (folder / "campaign.yml").read_text(encoding="utf-8")
    (folder / "campaign.yml").write_text(spec.replace("shots/canh.py", "shots/canh.txt"), encoding="utf-8")
    with pytest.raises(PromokitError, match="not a Python file"):
        open_campaign("t", tmp_path)
    data = yaml.safe_load(spec)
    data["video"]["shots"][1]["path"] = "images/a.jpg"
    (folder / "campaign.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PromokitError, match="not both"):
        open_campaign("t", tmp_path)


# -- rendering (slow: each shot runs in a child process)

@pytest.mark.slow
def test_moviepy_shot_is_drawn_at_the_render_size_and_moves(tmp_path):
    folder = campaign_with_code(tmp_path, RED_BOX)
    p = small_plan(tmp_path, folder)
    shot = p.shots[1]
    assert shot.kind == "moviepy" and shot.code is not None and shot.code.script == folder / "shots" / "canh.py"
    a, b = rgb(p, shot.first_frame + 2), rgb(p, shot.first_frame + 30)
    assert np.abs(a[10, 10] - (20, 200, 40)).max() < 12  # green, edge to edge at 180x320 (no bars)
    assert np.abs(a[-3, -3] - (20, 200, 40)).max() < 12

    def red_x(f):
        xs = np.where((f[160, :, 0] > 150) & (f[160, :, 1] < 90))[0]
        return xs.mean()

    assert red_x(b) - red_x(a) == pytest.approx(28 * 40 / 30, abs=3)  # 40 px/s for 28 frames at 30 fps
    out = tmp_path / "out.mp4"
    render_video(p, out, preset=SMALL)
    probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                            "stream=nb_read_frames,width,height", "-of", "csv=p=0", str(out)],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert probe == f"180,320,{p.frames}"


@pytest.mark.slow
def test_clip_mask_audio_and_another_size(tmp_path):
    code = '''
import numpy as np
from moviepy import AudioClip, ColorClip, CompositeVideoClip

def make_clip(ctx):
    # a 16:9 clip (another shape than the 9:16 frame): a white disc on a transparent ground, with a tone
    w, h = 320, 180
    disc = ColorClip((w, h), (255, 255, 255), duration=ctx.duration)
    yy, xx = np.mgrid[0:h, 0:w]
    from moviepy import ImageClip
    mask = ImageClip(((xx - w / 2) ** 2 + (yy - h / 2) ** 2 < 60 ** 2).astype(float), is_mask=True,
                     duration=ctx.duration)
    tone = AudioClip(lambda t: np.stack([np.sin(2 * np.pi * 440 * t)] * 2, axis=-1) * 0.3,
                     duration=ctx.duration, fps=48000)
    return disc.with_mask(mask).with_audio(tone)
'''
    folder = campaign_with_code(tmp_path, code)
    p = small_plan(tmp_path, folder)
    f = rgb(p, p.shots[1].first_frame + 5)
    card = np.array(p.shots[1].code.background, float)
    # 16:9 in 9:16 is shown whole over a blurred copy of itself (not letterboxed): the disc is in the middle,
    # the masked ground is the brand's card colour, and the rows above it are the dimmed blur, not black
    assert np.abs(f[160, 90] - 255).max() < 20
    assert np.abs(f[160, 10] - card).max() < 25
    assert f[20, 90].max() > 8
    out = tmp_path / "out.mp4"
    render_video(p, out, preset=SMALL)
    from promokit.video.audio import loudness

    lufs, _ = loudness(out)
    assert lufs > -20  # the clip's tone is mixed (the campaign has no music)


def expect_shot_error(tmp_path, code: str, match: str, **kw) -> ToolError:
    folder = campaign_with_code(tmp_path, code, **kw.pop("campaign", {}))
    p = small_plan(tmp_path, folder, **kw)
    with pytest.raises(ToolError, match=match) as e:
        rgb(p, p.shots[1].first_frame + 1)
    assert "shots/canh.py" in str(e.value)
    return e.value


@pytest.mark.slow
def test_a_shot_file_that_raises_is_named_with_its_line(tmp_path):
    err = expect_shot_error(tmp_path, "def make_clip(ctx):\n    x = 1\n    raise RuntimeError('hỏng rồi')\n",
                            "RuntimeError: hỏng rồi")
    assert "line 3" in str(err)


@pytest.mark.slow
def test_a_shot_that_returns_no_clip(tmp_path):
    expect_shot_error(tmp_path, "def make_clip(ctx):\n    return 'not a clip'\n", "not a moviepy.VideoClip")
    expect_shot_error(tmp_path / "b", "x = 1\n", "no make_clip")


@pytest.mark.slow
def test_a_clip_shorter_than_its_slot(tmp_path):
    code = RED_BOX.replace("duration=ctx.duration", "duration=ctx.duration / 2")
    expect_shot_error(tmp_path, code, "shorter than its slot")


@pytest.mark.slow
def test_a_shot_that_never_finishes_a_frame_is_stopped_and_named(tmp_path):
    code = RED_BOX.replace("    def frame(t):\n", "    def frame(t):\n        while t > 0.01:\n            pass\n")
    t0 = time.monotonic()
    expect_shot_error(tmp_path, code, "did not finish the frame at", frame_timeout=2)
    assert time.monotonic() - t0 < 20


@pytest.mark.slow
def test_a_shot_may_not_write_outside_its_scratch_folder(tmp_path):
    victim = tmp_path / "campaigns" / "t" / "images" / "ghi-de.txt"
    code = f"def make_clip(ctx):\n    open({str(victim)!r}, 'w').write('x')\n" + RED_BOX.split("def make_clip")[0]
    expect_shot_error(tmp_path, code, "scratch folder")
    assert not victim.exists()
    # inside its working folder it may (a scratch file, removed afterwards)
    ok = RED_BOX.replace("    w, h = ctx.size\n", "    w, h = ctx.size\n    open('tmp.txt', 'w').write('x')\n")
    folder = campaign_with_code(tmp_path / "ok", ok)
    p = small_plan(tmp_path / "ok", folder)
    assert rgb(p, p.shots[1].first_frame)[10, 10][1] > 150


# -- notebooks: any clip as a shot, and the video as a clip

@pytest.mark.slow
def test_with_shot_add_shot_and_to_moviepy(tmp_path):
    from moviepy import ColorClip

    campaign_with_code(tmp_path, RED_BOX, allow=True)
    ctx = open_campaign("t", tmp_path, tmp_path / "out")
    job = VideoJob(ctx, ["tiktok"], draft=True)
    yellow = ColorClip((270, 480), (240, 200, 20), duration=1.5)
    job2 = job.with_shot(0, yellow)
    job3 = job.add_shot(yellow, at=0)
    assert [s.file for s in job.shots()] == ["images/a.jpg", "shots/canh.py"]  # not changed
    assert job2.shots()[0].moviepy == "notebook/clip-1" and len(job2.shots()) == 2
    assert len(job3.shots()) == 3 and job3.shots()[1].file == "images/a.jpg"
    plan = job2.plan()
    assert plan.shots[0].kind == "moviepy" and plan.shots[0].frames == 45  # the clip keeps its 1,5 s
    with pytest.raises(PromokitError, match="no shot 5"):
        job.with_shot(5, yellow)
    with pytest.raises(PromokitError, match="not a moviepy clip"):
        job.add_shot("yellow")

    clip = job2.to_moviepy()
    assert tuple(clip.size) == plan.size and clip.duration == pytest.approx(plan.duration)
    for t in (0.5, 2.2):
        mine = np.asarray(job2.preview(t) if not job2.draft else _draft_preview(job2, t)).astype(float)
        theirs = clip.get_frame(t).astype(float)
        assert np.abs(mine - theirs).mean() < 1.0
    assert np.abs(clip.get_frame(0.5)[240, 135] - (240, 200, 20)).max() < 12
    part = clip.subclipped(2.0, 2.5)
    assert part.duration == pytest.approx(0.5)
    assert np.abs(part.get_frame(0.2).astype(float) - clip.get_frame(2.2).astype(float)).mean() < 1.0
    sound = clip.audio.to_soundarray(fps=clip.audio.fps)
    assert sound.shape[1] == 2 and abs(len(sound) / clip.audio.fps - plan.duration) < 0.05
    # dropping the clips ends what drew them (a moviepy shot's process included)
    import gc

    import psutil

    del clip, part, job, job2, job3
    gc.collect()
    assert not [ch for ch in psutil.Process().children(recursive=True) if ch.status() != psutil.STATUS_ZOMBIE]


def _draft_preview(job, t):
    from promokit.video.api import preview_frame

    return preview_frame(job.plan(), t)


@pytest.mark.slow
def test_batch_runs_draw_no_storyboard_and_a_second_storyboard_is_instant(tmp_path, monkeypatch):
    from PIL import Image as PILImage

    from promokit.lab import Skipped
    from promokit.notebook import contact_sheet

    campaign_with_code(tmp_path, RED_BOX)
    ctx = open_campaign("t", tmp_path, tmp_path / "out")
    monkeypatch.setenv("PROMOKIT_BATCH", "1")
    job = VideoJob(ctx, ["tiktok"], draft=True)
    assert isinstance(job.storyboard(), Skipped) and isinstance(job.preview(1.0), Skipped)
    assert "batch" in repr(job.storyboard())
    assert isinstance(contact_sheet(ctx), Skipped)
    monkeypatch.delenv("PROMOKIT_BATCH")
    first = job.storyboard()
    assert isinstance(first, PILImage.Image)
    t0 = time.perf_counter()
    assert job.storyboard() is first and time.perf_counter() - t0 < 0.1
