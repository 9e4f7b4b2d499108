"""promokit.conform: the parsers on real bytes, the pure verdicts on facts, and a render's A/V alignment."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import numpy as np
import pytest

from promokit.conform import RULES, Facts, Target, gather, judge, label
from promokit.conform.facts import Packets, timing
from promokit.conform.fix import fixed_path, plan_fix
from promokit.conform.h264 import parse_sps
from promokit.conform.mp4 import parse_audio_specific_config, read_mp4
from promokit.platforms import PLATFORMS
from promokit.testing import make_clip

TIKTOK = PLATFORMS.get("tiktok")

#: The facts of a file every platform takes (what a good render says about itself).
GOOD = Facts(name="good.mp4", bytes=5_000_000, duration=10.0, container="mp4", boxes=("ftyp", "moov", "mdat"),
             moov_first=True, fragmented=False, video_codec="h264", profile="High", level=4.0, chroma="4:2:0",
             bit_depth=8, progressive=True, field_order="progressive", width=1080, height=1920, primaries="bt709",
             transfer="bt709", matrix="bt709", colour_range="tv", fps=30.0, constant_rate=True,
             frame_step=(1 / 30, 1 / 30), key_interval=2.0, key_frames=5, frames=300, peak_bitrate=6_000_000,
             video_bitrate=4_000_000, audio_codec="aac", audio_profile="LC", sample_rate=48_000, channels=2,
             audio_bitrate=160_000, loudness=-14.2, true_peak=-1.5, sources={"bytes": "file size"})


def test_good_facts_pass_every_platform_and_as_a_render():
    for name in PLATFORMS:
        preset = PLATFORMS.get(name)
        assert judge(GOOD, Target(preset)).ok, (name, judge(GOOD, Target(preset)).failed)
    render = Target.render(TIKTOK, (1080, 1920), 30.0)
    checks = judge(GOOD, render)
    assert checks.ok and {"edit_list", "audio", "colour", "gop", "keyframes"} <= {c.name for c in checks.checks}


@pytest.mark.parametrize("platform, change, rule", [
    ("zalo", {"bytes": 60 * 2**20}, "file_size"),  # a 60 MB file for Zalo, without writing 60 MB
    ("instagram_reels", {"peak_bitrate": 26_000_000}, "peak_bitrate"),
    ("instagram_reels", {"edit_lists": ("vide", "soun")}, "edit_list"),
    ("tiktok", {"moov_first": False, "boxes": ("ftyp", "mdat", "moov")}, "faststart"),
    ("tiktok", {"open_gop_at": 2.0}, "gop"),
    ("tiktok", {"key_interval": 10.0}, "keyframes"),
    ("tiktok", {"chroma": "4:4:4"}, "chroma"),
    ("tiktok", {"bit_depth": 10}, "bit_depth"),
    ("tiktok", {"constant_rate": False, "frame_step": (0.016, 0.05)}, "constant_rate"),
    ("tiktok", {"progressive": False, "field_order": "tt"}, "progressive"),
    ("tiktok", {"audio_profile": "HE-AAC"}, "audio_profile"),
    ("facebook_reels", {"sample_rate": 44_100}, "sample_rate"),
    ("facebook_reels", {"channels": 1}, "channels"),
    ("tiktok", {"loudness": -23.0}, "loudness"),
    ("tiktok", {"true_peak": 0.3}, "true_peak"),
    ("tiktok", {"level": 5.1}, "level"),
    ("tiktok", {"transfer": "arib-std-b67", "primaries": "bt2020"}, "colour"),
    ("youtube", {"fragmented": True}, "fragmented"),
    ("facebook_reels", {"duration": 120.0}, "duration"),
    ("tiktok", {"video_start": 0.067}, "av_start"),
])
def test_each_fault_is_flagged_by_its_rule_only(platform, change, rule):
    checks = judge(GOOD.with_(**change), Target(PLATFORMS.get(platform)))
    assert [c.name for c in checks.failed] == [rule]
    bad = checks.get(rule)
    assert " / " in bad.reason and bad.reason.split(" / ")[0] != bad.reason.split(" / ")[1]  # Vietnamese / English


def test_29_97_where_30_is_asked():
    f = GOOD.with_(fps=30000 / 1001)
    assert judge(f, Target(TIKTOK)).ok  # the platform takes 29.97
    checks = judge(f, Target(TIKTOK, fps=30.0))
    assert [c.name for c in checks.failed] == ["frame_rate"] and "29,97" in checks.get("frame_rate").reason


def test_labels_are_for_staff_and_every_rule_has_one():
    assert label("gop") == "Nhóm ảnh đóng / closed GOP"
    for name in RULES:
        r = RULES.get(name)
        assert r.label_vi and r.label_en and r.label_vi != r.label_en and r.fix in ("remux", "video", "audio", "trim", "")
    from promokit.overview import check_labels  # the notebooks' and gallery's table names them the same way
    assert {n: check_labels().get(n) for n in RULES} == {n: RULES.get(n).label_vi for n in RULES}


def test_checks_name_the_source_of_their_fact():
    f = GOOD.with_(sources={"profile": "avcC/SPS", "edit_lists": "mp4 boxes", "key_interval": "packets"})
    checks = judge(f, Target(PLATFORMS.get("youtube")))
    assert checks.get("profile").source == "avcC/SPS" and checks.get("edit_list").source == "mp4 boxes"
    assert checks.get("keyframes").source == "packets"
    assert checks.facts["platform"] == "youtube" and checks.facts["sources"]["profile"] == "avcC/SPS"


def test_a_silent_track_passes_bit_rate_and_loudness():
    f = GOOD.with_(audio_bitrate=3_000, loudness=-120.0, true_peak=float("-inf"))
    assert judge(f, Target(TIKTOK)).ok


def test_fix_plans_remux_when_enough_and_re_encode_only_what_must_change():
    t = Target(PLATFORMS.get("instagram_reels"))
    remux = plan_fix(GOOD.with_(edit_lists=("vide",), moov_first=False), judge(GOOD.with_(edit_lists=("vide",),
                     moov_first=False), t), t)
    assert remux.remux_only and "-c:v" in remux.args and remux.args[remux.args.index("-c:v") + 1] == "copy"
    assert "-use_editlist" in remux.args and "+faststart+negative_cts_offsets" in remux.args
    quiet = GOOD.with_(loudness=-25.0, true_peak=-15.0)
    sound = plan_fix(quiet, judge(quiet, t), t)
    assert sound.video == "copy" and sound.audio == "encode" and "volume=11.00dB" in " ".join(sound.args)
    big = GOOD.with_(bytes=60 * 2**20, duration=60.0)
    zalo = Target(PLATFORMS.get("zalo"))
    p = plan_fix(big, judge(big, zalo), zalo)
    assert p.video == "encode" and p.audio == "copy"
    maxrate = int(p.args[p.args.index("-maxrate") + 1])
    assert (maxrate + 160_000) * 60 / 8 < 50 * 2**20  # the budget fits the 50 MB


def test_fixed_copy_sits_beside_and_never_replaces(tmp_path):
    src = tmp_path / "clip.mov"
    src.write_bytes(b"x")
    assert fixed_path(src, "tiktok") == tmp_path / "clip.tiktok.mp4"
    (tmp_path / "clip.tiktok.mp4").write_bytes(b"y")
    assert fixed_path(src, "tiktok") == tmp_path / "clip.tiktok-2.mp4"


def test_audio_specific_config_and_sps_parsers():
    assert parse_audio_specific_config(bytes([0x11, 0x90])) == (2, 48000, 2, False)  # AAC-LC 48 kHz stereo
    # HE-AAC explicit: AOT 5, core 24 kHz mono, extension 48 kHz, core AOT 2
    assert parse_audio_specific_config(bytes([0x2B, 0x09, 0x88, 0x00]))[0] == 5
    # x264's SPS for High 4.0 progressive 4:2:0 8-bit
    sps = bytes.fromhex("6764002aacd940780227e5c04400000303000400000300f03c60c658")
    cfg = parse_sps(sps)
    assert (cfg.profile, cfg.level, cfg.chroma, cfg.bit_depth, cfg.progressive) == ("High", 4.2, "4:2:0", 8, True)


def test_packet_timing_measures_rate_gop_and_peak():
    pts = [i / 30 for i in range(90)]
    # decode order of an open GOP: key at 1.0 s followed by a picture shown before it
    order = pts[:30] + [1.0 + 2 / 30, 1.0 - 1 / 30 + 0.001] + pts[32:]
    p = Packets(tuple(order), tuple(order), tuple(i % 30 == 0 for i in range(90)), tuple([10_000] * 90),
                3.0)
    t = timing(p)
    assert t["constant_rate"] is False and t["open_gop_at"] == pytest.approx(1 + 2 / 30)
    steady = Packets(tuple(pts), tuple(pts), tuple(i % 60 == 0 for i in range(90)), tuple([10_000] * 90), 3.0)
    t = timing(steady)
    assert t["constant_rate"] and t["fps"] == pytest.approx(30) and t["key_interval"] == pytest.approx(2.0)
    assert t["peak_bitrate"] == 30 * 10_000 * 8 and t.get("open_gop_at") is None


def test_real_file_boxes_and_facts(tmp_path):
    clip = make_clip(tmp_path / "c.mp4", 1.0, size=(64, 48), faststart=False)
    m = read_mp4(clip)
    assert m.top_kinds[0] == "ftyp" and "moov" in m.top_kinds and not m.moov_first
    v, a = m.track("vide"), m.track("soun")
    assert v.entry == "avc1" and v.video.chroma == "4:2:0" and a.audio.profile == "LC" and a.audio.sample_rate == 48000
    assert v.edit_list is not None  # ffmpeg's default mp4 muxing writes one
    f = gather(clip)
    assert f.edit_lists == ("vide", "soun") and f.sources["edit_lists"] == "mp4 boxes" and f.frames == 30


@pytest.mark.slow
def test_render_has_no_edit_list_and_sound_starts_with_the_picture(tmp_path):
    """A flash at 1.0 s in the frames and a click at 1.0 s in the sound land together once decoded."""
    from promokit.video.encoder import encode_aac, mux_args

    fps, rate = 30, 48000
    video = tmp_path / "v.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=black:s=64x64:r={fps}:d=2,geq=lum='if(eq(N\\,{fps})\\,255\\,0)':cb=128:cr=128",
                    "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-pix_fmt", "yuv420p", str(video)], check=True)
    x = np.zeros((2 * rate, 2), dtype="<i2")
    x[rate:rate + 48] = 20000
    wav = tmp_path / "a.wav"
    import wave
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.tobytes())
    m4a = encode_aac(wav, tmp_path / "a.m4a")
    out = tmp_path / "o.mp4"
    subprocess.run(mux_args(video, m4a, out), check=True)
    f = gather(out)
    assert not f.edit_lists and f.moov_first and f.video_start == 0.0 == f.audio_start
    pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-map", "0:a", "-f", "s16le", "-ac", "1", "-"],
                         capture_output=True, check=True).stdout
    samples = np.abs(np.frombuffer(pcm, "<i2").astype(int))
    click = int(np.argmax(samples > 5000)) / rate
    lum = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "gray",
                          "-"], capture_output=True, check=True).stdout
    frames = np.frombuffer(lum, np.uint8).reshape(-1, 64 * 64).mean(axis=1)
    flash = int(np.argmax(frames > 128)) / fps
    assert flash == pytest.approx(1.0, abs=1e-6)
    assert click == pytest.approx(flash, abs=0.003)  # within 3 ms: the encoder's priming was compensated
    assert replace(f, sources={}).audio_profile == "LC"
