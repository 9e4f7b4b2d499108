"""Radio bulletins written for real: loudness and true peak (ffmpeg ebur128), band limits (numpy FFT),
duration against the script, ID3 tags read back, and bad voice files."""

from __future__ import annotations

import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from promokit.catalog import read_checks
from promokit.errors import AssetError, SpecError
from promokit.project import open_campaign
from promokit.radio import api
from promokit.testing import make_campaign, make_tone

pytestmark = pytest.mark.slow


def _wav(path: Path, seconds: float, freqs: list[float], *, rate: int = 48000, channels: int = 1,
         amp: float = 0.3, square: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    x = sum(np.sin(2 * np.pi * f * t) for f in freqs) / max(len(freqs), 1)
    x = np.sign(x) if square else x * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))  # syllable-like amplitude
    pcm = (np.clip(x * amp, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.repeat(pcm[:, None], channels, axis=1).tobytes())
    return path


def _campaign(tmp_path: Path, script: str, **radio) -> Path:
    folder = make_campaign(tmp_path, "radio-mini", images=1, clips=0, csv=False,
                           extra_yaml={"radio": {"bulletins": ["radio/ban-tin.md"], "station": "Đài Lấp Vò", **radio}})
    # the bed has energy far outside the horn band (80 Hz, 9 kHz) that the loudspeaker mix must remove
    _wav(folder / "music" / "nen.wav", 4.0, [80, 440, 9000], rate=44100, channels=2)
    _wav(folder / "music" / "hieu.wav", 2.0, [660, 880], rate=44100, channels=2)
    _wav(folder / "voice" / "mo-dau.wav", 2.0, [150, 700, 1400], rate=44100, channels=1)
    _wav(folder / "voice" / "tin.wav", 3.0, [180, 900, 2500], rate=48000, channels=2)
    (folder / "radio").mkdir(exist_ok=True)
    (folder / "radio" / "ban-tin.md").write_text(script, encoding="utf-8")
    return folder


SCRIPT = """---
title: Bản tin thử nghiệm
slot: {slot}
bed: music/nen.wav
jingles: {{ident: music/hieu.wav, closing: music/hieu.wav}}
slots: ["06:00"]
---

## ident
voice: voice/mo-dau.wav

## news: Tin chính
voice: {voice}

## closing
{closing}
"""


def _measure(path: Path) -> tuple[float, float]:
    err = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true",
                          "-f", "null", "-"], capture_output=True, text=True).stderr
    tail = err[err.rfind("Summary:"):]
    i = float(tail.split("I:")[1].split("LUFS")[0])
    tp = float(tail.split("True peak:")[1].split("Peak:")[1].split("dBFS")[0])
    return i, tp


def _outside(path: Path, low: float, high: float) -> float:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", "48000", "-f", "f32le", "-"],
                         capture_output=True).stdout
    x = np.frombuffer(raw, "<f4").astype(float)
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size))) ** 2
    f = np.fft.rfftfreq(x.size, 1 / 48000)
    return float(spec[(f < low) | (f > high)].sum() / spec.sum())


def test_bulletin_meets_loudness_peak_band_duration_and_tags(tmp_path):
    _campaign(tmp_path, SCRIPT.format(slot=120, voice="voice/tin.wav", closing="Cảm ơn quý vị đã lắng nghe."),
              presets=["loudspeaker", "online"])
    ctx = open_campaign("radio-mini", tmp_path, tmp_path / "out")
    bulletins = api.load_bulletins(ctx)
    results = {r.preset: r for r in api.render_bulletins(ctx, bulletins)}
    loud, online = results["loudspeaker"], results["online"]
    # the closing has no recording: a guide track, said so in the file name, the tags and the checks
    assert loud.guide and loud.mp3.name == "ban-tin-guide.mp3" and loud.wav.name == "ban-tin-guide.wav"
    assert online.mp3.name == "ban-tin-online-guide.mp3"
    for r, preset in ((loud, "loudspeaker"), (online, "online")):
        for f in (r.wav, r.mp3):
            i, tp = _measure(f)
            assert abs(i - -16.0) <= 1.0, (f, i)
            assert tp <= -1.0, (f, tp)
            rec = read_checks(f)
            assert rec is not None and rec.ok and rec.facts["guide"] is True and rec.facts["preset"] == preset
            assert any("guide" in w for w in rec.warnings)
    # duration: the script's timeline (voices trimmed of silence, jingles, pauses) is what was written
    dur = float(json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json",
                                           str(loud.wav)], capture_output=True, text=True).stdout)["format"]["duration"])
    assert abs(dur - loud.timeline.duration) < 0.1
    assert dur > 2 + 3 + 2 * 2.0  # two voices and two jingles at least
    # band limits: the loudspeaker mix keeps little energy outside 200 Hz - 5 kHz; the online mix keeps the bed's
    assert _outside(loud.wav, 168, 5950) < 0.03
    assert _outside(online.wav, 168, 5950) > 0.05
    tags = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json",
                                      str(loud.mp3)], capture_output=True, text=True).stdout)["format"]["tags"]
    assert tags["title"].startswith("Bản tin thử nghiệm") and "guide" in tags["title"]
    assert tags["album"] == ctx.campaign.title and tags["artist"] == "Đài Lấp Vò" and tags["date"] == "2024-04-18"
    # the run sheet: one PDF for the day, with the text to read live
    sheets = api.write_run_sheets(ctx, bulletins, list(results.values()))
    assert [p.name for p in sheets] == ["lich-phat-2024-04-18.pdf"]
    assert sheets[0].read_bytes().startswith(b"%PDF")


def test_all_recorded_is_final_and_over_slot_is_reported(tmp_path):
    _campaign(tmp_path, SCRIPT.format(slot=6, voice="voice/tin.wav", closing="voice: voice/mo-dau.wav"))
    ctx = open_campaign("radio-mini", tmp_path, tmp_path / "out")
    [r] = api.render_bulletins(ctx, api.load_bulletins(ctx))
    assert not r.guide and r.mp3.name == "ban-tin.mp3"
    slot = r.checks.get("slot")
    assert slot is not None and not slot.ok and "slot" in slot.reason
    assert not read_checks(r.wav).ok


@pytest.mark.parametrize(("make", "error"), [
    (None, "hong.wav"),
    (lambda p: _wav(p, 2.0, [440], amp=0.0), "silent"),
    (lambda p: p.write_text("không phải âm thanh", encoding="utf-8"), "cannot read"),
])
def test_bad_voice_files_name_script_segment_and_fix(tmp_path, make, error):
    folder = _campaign(tmp_path, SCRIPT.format(slot=60, voice="voice/hong.wav", closing="Hết."))
    if make is not None:
        make(folder / "voice" / "hong.wav")
    ctx = open_campaign("radio-mini", tmp_path, tmp_path / "out")
    with pytest.raises(AssetError) as e:  # a missing file is found when the script is read, the others when voiced
        api.voice_takes(ctx, api.load_bulletins(ctx)[0])
    msg = str(e.value)
    assert error in msg and "ban-tin.md:" in msg and "[segments[1].voice]" in msg and "Fix:" in msg


def test_clipped_and_odd_format_voices_are_used(tmp_path):
    folder = _campaign(tmp_path, SCRIPT.format(slot=60, voice="voice/meo.wav", closing="voice: voice/la.ogg"))
    _wav(folder / "voice" / "meo.wav", 2.0, [300], amp=1.0, square=True, rate=22050, channels=2)
    make_tone(folder / "voice" / "la.ogg", 1.5, freq=500, rate=8000, channels=1)
    ctx = open_campaign("radio-mini", tmp_path, tmp_path / "out")
    takes = api.voice_takes(ctx, api.load_bulletins(ctx)[0])
    assert all(t.rate == 48000 and t.samples.ndim == 1 for t in takes)
    assert takes[2].duration == pytest.approx(1.5, abs=0.3)
    assert any("clipped" in w for w in takes[1].warnings)
    assert not takes[0].warnings


def test_segment_without_text_or_voice_is_refused(tmp_path):
    _campaign(tmp_path, "---\ntitle: T\n---\n## ident\nvoice: voice/mo-dau.wav\n\n## news\n")
    ctx = open_campaign("radio-mini", tmp_path, tmp_path / "out")
    with pytest.raises(SpecError, match=r"ban-tin.md:7 \[segments\[1\]\]"):
        api.load_bulletins(ctx)


def test_promokit_run_radio_bulletin_notebook_writes_outputs_in_the_manifest(tmp_path):
    import os
    import sys

    _campaign(tmp_path, SCRIPT.format(slot=60, voice="voice/tin.wav", closing="voice: voice/mo-dau.wav"))
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "promokit.cli", "run", "--assets", str(tmp_path), "--output", str(out),
                        "--notebook", "radio_bulletin", "--workers", "1"], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert r.returncode == 0, r.stdout + r.stderr
    manifest = json.loads((out / "radio-mini" / "manifest.json").read_text(encoding="utf-8"))
    radio = {o["path"]: o for o in manifest["outputs"] if o["kind"] == "radio"}
    assert {"radio/ban-tin.mp3", "radio/ban-tin.wav", "radio/lich-phat-2024-04-18.pdf"} <= set(radio)
    assert (out / "radio-mini" / "notebooks" / "radio_bulletin.ipynb").is_file()
