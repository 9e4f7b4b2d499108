"""Phone clips and sound: rotation, variable frame rate, lying headers, any audio rate, loudness, ducking."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from promokit.assets import probe_media
from promokit.conform import gather
from promokit.platforms import Preset
from promokit.testing import _set_rotation, make_campaign, make_clip, make_tone, opened
from promokit.video.api import campaign_inputs
from promokit.video.audio import loudness, render_audio
from promokit.video.compositor import Compositor
from promokit.video.encoder import render_video
from promokit.video.plan import plan_video
from promokit.video.yuv import planes_to_rgb

pytestmark = pytest.mark.slow
SMALL = Preset("test", "Test 9:16", 180, 320)


def setup(tmp_path: Path, video: dict, preset: Preset = SMALL):
    folder = tmp_path / "campaigns" / "t"
    ctx = opened(folder)
    inp = campaign_inputs(ctx)
    return plan_video(ctx.campaign, ctx.brand, preset, inp.media, captions=inp.captions, fonts=inp.fonts, logo=inp.logo,
                      style=inp.style)


def campaign(tmp_path: Path, video: dict) -> Path:
    folder = make_campaign(tmp_path, "t", images=0, clips=0, music=False, csv=False, article=False,
                           extra_yaml={"video": {"title": " ", **video}})
    for sub in ("images", "clips", "music", "voice"):
        (folder / sub).mkdir(exist_ok=True)
    return folder


def decode(path: Path, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3).astype(float)


def wav_samples(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as w:
        rate, ch = w.getframerate(), w.getnchannels()
        a = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, ch).astype(float) / 32768
    return a, rate


def tone_level(x: np.ndarray, rate: int, freq: float) -> float:
    """Amplitude of one frequency in a stretch of samples (dB)."""
    n = len(x)
    spec = np.abs(np.fft.rfft(x * np.hanning(n)))
    k = int(round(freq * n / rate))
    return 20 * np.log10(spec[k - 2:k + 3].max() + 1e-12)


def test_rotated_portrait_clip_comes_out_upright(tmp_path):
    folder = campaign(tmp_path, {"duration": 1.5, "shots": ["clips/r.mp4"]})
    src = tmp_path / "upright.png"
    im = Image.new("RGB", (96, 160), (220, 30, 30))
    im.paste((30, 40, 220), (0, 80, 96, 160))  # top red, bottom blue, as the phone held it
    im.save(src)
    clip = folder / "clips" / "r.mp4"
    clip.parent.mkdir(parents=True, exist_ok=True)
    # stored as phones store it: turned a quarter counter-clockwise, with "rotate 90° clockwise" metadata
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", str(src), "-t", "2", "-r", "30",
                    "-vf", "transpose=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)], check=True)
    _set_rotation(clip, 90)
    info = probe_media(clip)
    assert info.rotation == 90 and (info.coded_width, info.coded_height) == (160, 96)
    assert (info.width, info.height) == (96, 160)
    p = setup(tmp_path, {})
    assert p.shots[0].fit == "fill"
    with Compositor(p, prefetch=False) as comp:
        f = np.asarray(planes_to_rgb(comp.frame(5))).astype(float)
    top, bottom = f[20:100].mean(axis=(0, 1)), f[-100:-20].mean(axis=(0, 1))
    assert top[0] > 150 and top[2] < 90, top
    assert bottom[2] > 150 and bottom[0] < 90, bottom


def test_variable_frame_rate_clip_gives_constant_rate_without_drift(tmp_path):
    folder = campaign(tmp_path, {"duration": 2.5, "shots": ["clips/v.mp4"], "clip_audio": True})
    clip = make_clip(folder / "clips" / "v.mp4", 3.0, size=(120, 160), fps=30, vfr=True, audio_rate=44100,
                     audio_channels=1)
    assert probe_media(clip).variable_fps
    p = setup(tmp_path, {})
    out, _ = render_video(p, tmp_path / "o.mp4")
    f = gather(out, loudness=False)
    assert f.constant_rate and f.fps == pytest.approx(30, abs=1e-6) and f.frames == p.frames
    assert f.duration == pytest.approx(p.duration, abs=0.05)
    frames = decode(out, p.size)

    def source_at(t: float) -> np.ndarray:  # what the clip shows at t, framed the same way
        raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{t}", "-i", str(clip), "-frames:v", "1", "-vf",
                              "scale=240:320,crop=180:320:30:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             capture_output=True, check=True).stdout
        return np.frombuffer(raw, np.uint8).reshape(320, 180, 3).astype(float)

    # late in the clip the picture still matches the source at the same time (no drift)
    k = p.frame_at(2.0)
    same = np.abs(frames[k] - source_at(2.0)).mean()
    earlier = np.abs(frames[k] - source_at(1.5)).mean()
    assert same < 12 and same < earlier / 2, (same, earlier)


def lying_ramp_clip(path: Path, seconds: float = 3.0) -> Path:
    """Like testing.make_lying_clip (header promises `seconds`, data stops at ~40 %), but every frame's
    brightness differs from the one before, so a repeated frame shows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c=black:s=64x48:r=30:d={seconds},geq=lum='32+mod(N*12\\,192)':cb=128:cr=128",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                    str(path)], check=True)
    data = path.read_bytes()
    mdat = data.index(b"mdat") + 4
    path.write_bytes(data[: mdat + int((len(data) - mdat) * 0.4)])
    return path


def test_clip_whose_header_lies_gives_no_frozen_frames(tmp_path):
    folder = campaign(tmp_path, {"duration": 3, "shots": ["clips/l.mp4", "images/a.jpg"]})
    lying = lying_ramp_clip(folder / "clips" / "l.mp4", 3.0)
    Image.new("RGB", (64, 48), (200, 60, 40)).save(folder / "images" / "a.jpg")
    info = probe_media(lying)
    assert info.truncated and info.duration < 2.0
    p = setup(tmp_path, {})
    clip = p.shots[0]
    assert clip.end <= info.duration  # the slot follows what can be read, not the header
    out, warnings = render_video(p, tmp_path / "o.mp4")
    assert not warnings
    frames = decode(out, p.size)
    x0, y0, x1, y1 = 60, 140, 120, 180  # inside the picture (shown whole over its blurred copy)
    levels = frames[clip.first_frame:p.shots[1].first_frame, y0:y1, x0:x1].mean(axis=(1, 2, 3))
    steps = np.abs(np.diff(levels))
    assert steps.min() > 3, f"a frozen frame inside the clip's slot: {np.round(steps, 1)}"


def test_music_44k_mono_shorter_than_the_video_loops_and_is_normalised(tmp_path):
    folder = campaign(tmp_path, {"duration": 4, "music": "music/m.wav", "shots": ["images/a.jpg"]})
    make_tone(folder / "music" / "m.wav", 1.3, freq=330, rate=44100, channels=1)
    Image.new("RGB", (64, 48), (200, 60, 40)).save(folder / "images" / "a.jpg")
    p = setup(tmp_path, {})
    assert p.audio.music_loop
    wav = render_audio(p.audio, tmp_path / "a.wav")
    x, rate = wav_samples(wav)
    assert rate == 48000 and x.shape[1] == 2 and len(x) == pytest.approx(4 * 48000, abs=2)
    # still playing after the music's own 1.3 s (looped), before the fade-out
    late = x[int(2.0 * rate):int(2.6 * rate), 0]
    assert np.sqrt((late ** 2).mean()) > 0.05
    i, tp = loudness(wav)
    assert i == pytest.approx(-14, abs=1) and tp <= -1.0
    out, _ = render_video(p, tmp_path / "o.mp4", audio_wav=wav)
    i2, tp2 = loudness(out)
    assert i2 == pytest.approx(-14, abs=1) and tp2 <= -1.0
    f = gather(out, loudness=False)
    assert f.sample_rate == 48000 and f.channels == 2 and f.audio_bitrate >= 128_000


def test_music_is_ducked_at_least_10_db_under_the_voice_over(tmp_path):
    folder = campaign(tmp_path, {"duration": 8, "music": "music/m.wav", "voiceover": "voice/v.wav",
                                 "shots": ["images/a.jpg"]})
    make_tone(folder / "music" / "m.wav", 9, freq=440, rate=48000, channels=2)
    make_tone(folder / "voice" / "v.wav", 2.5, freq=1000, rate=22050, channels=1)
    Image.new("RGB", (64, 48), (200, 60, 40)).save(folder / "images" / "a.jpg")
    p = setup(tmp_path, {})
    a = p.audio
    wav = render_audio(a, tmp_path / "a.wav")
    x, rate = wav_samples(wav)
    mono = x.mean(axis=1)

    def seg(t0: float, t1: float) -> np.ndarray:
        return mono[int(t0 * rate):int(t1 * rate)]

    v0, v1 = a.voice_start, a.voice_start + a.voice_duration
    during = tone_level(seg(v0 + 0.6, v1 - 0.6), rate, 440)
    assert v1 + 1.6 < a.duration - a.fade_out  # measured before the music fades out
    after = tone_level(seg(v1 + 0.6, v1 + 1.6), rate, 440)
    assert after - during >= 10, (after, during)
    assert tone_level(seg(v0 + 0.6, v1 - 0.6), rate, 1000) > during + 10  # the voice is on top
    i, tp = loudness(wav)
    assert i == pytest.approx(-14, abs=1) and tp <= -1.0


def test_clip_sound_is_mixed_when_asked(tmp_path):
    folder = campaign(tmp_path, {"duration": 2, "shots": ["clips/c.mp4"], "clip_audio": True})
    make_clip(folder / "clips" / "c.mp4", 2.5, size=(96, 160), audio_rate=44100, audio_channels=1)
    p = setup(tmp_path, {})
    assert p.audio.clips and not p.audio.silent
    wav = render_audio(p.audio, tmp_path / "a.wav")
    x, rate = wav_samples(wav)
    assert tone_level(x[int(0.5 * rate):int(1.5 * rate), 0], rate, 440) > tone_level(
        x[int(0.5 * rate):int(1.5 * rate), 0], rate, 2000) + 20


def test_a_stopped_ffmpeg_while_reading_a_clip_frame_fails_the_job_not_the_look(tmp_path, monkeypatch):
    """The plan reads one frame of each clip (the logo's corner): an ffmpeg killed there (a fault) must fail
    the job, so it is retried — not be read as "no look", which silently draws another video (chaos test)."""
    from promokit.assets import media
    from promokit.errors import ToolError
    from promokit.video.reading import read_look

    clip = make_clip(tmp_path / "c.mp4", seconds=1.0)
    assert read_look(clip, "clip", 0.5) is not None
    real = subprocess.run

    def killed(cmd, *a, **kw):
        if "rawvideo" in cmd:  # the frame grab, not the probe
            return subprocess.CompletedProcess(cmd, -9, b"", b"")
        return real(cmd, *a, **kw)

    monkeypatch.setattr(media.subprocess, "run", killed)
    with pytest.raises(ToolError, match="signal 9"):
        read_look(clip, "clip", 0.5)
    monkeypatch.setattr(media.subprocess, "run", lambda cmd, *a, **kw: (
        subprocess.CompletedProcess(cmd, 1, b"", b"broken") if "rawvideo" in cmd else real(cmd, *a, **kw)))
    assert read_look(clip, "clip", 0.5) is None  # a frame the file cannot give: the style's corner, no error


def test_a_decoder_killed_mid_clip_fails_the_render_not_holds_a_frame(tmp_path):
    """The clip's own ffmpeg killed while it streams frames (a fault, chaos test round 95): the source raises,
    so the job fails and is retried — never "a clip shorter than its header" whose last frame is held, which
    ended the job ok with another video. A clip that really ends early still holds its last frame."""
    from promokit.errors import ToolError
    from promokit.video.sources import ClipSource

    folder = campaign(tmp_path, {"duration": 2, "shots": ["clips/c.mp4"]})
    make_clip(folder / "clips" / "c.mp4", 2.0, size=(96, 160))
    p = setup(tmp_path, {})
    shot = next(s for s in p.shots if s.kind == "clip")
    src = ClipSource.open(shot, p, from_frame=shot.first_frame, sequential=True)
    try:
        src.frame(shot.first_frame)
        src.proc.kill()
        with pytest.raises(ToolError, match="signal 9"):
            for k in range(shot.first_frame + 1, shot.last_frame):
                src.frame(k)
        assert not src.short
    finally:
        src.close()
