"""A corpus of files a platform would reject, made with ffmpeg: each is flagged by its named rule, each comes
out of `--fix` conforming; and a second parser (Debian's mediainfo) agrees with the stream facts."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from promokit.cli import main
from promokit.conform import Facts, Target, gather, judge
from promokit.conform.fix import fix_file
from promokit.platforms import PLATFORMS

pytestmark = pytest.mark.slow

SIZE = "360x640"  # the smallest frame TikTok takes (360 px short side)
GOOD_AUDIO = (48000, 2, "volume=6dB")  # Hz, channels, gain: about -14 LUFS


def ffmpeg(*args: str) -> None:
    r = subprocess.run(["ffmpeg", "-hide_banner", "-v", "error", "-y", *args], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()


def clip(path: Path, *, seconds: float = 2.0, video: tuple[str, ...] = (), audio: tuple = GOOD_AUDIO,
         rate: str = "30", mux: tuple[str, ...] = ("-movflags", "+faststart+negative_cts_offsets", "-use_editlist", "0")) -> Path:
    """A test-pattern clip with a tone, every platform's taste except what `video`, `audio` and `mux` change."""
    hz, ch, gain = audio
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r={rate}:d={seconds}",
           "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={hz}:duration={seconds}",
           "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-g", "30", "-bf", "2", *video, "-af", gain, "-ac", str(ch), "-ar", str(hz), "-c:a", "aac", "-b:a", "160k",
           *mux, str(path))
    return path


def tiktok(**changes) -> Target:
    return Target(replace(PLATFORMS.get("tiktok"), **changes))


def short(platform: str, **changes) -> Target:
    """A platform's target with a 1 s minimum (the corpus clips are short to stay fast)."""
    return Target(replace(PLATFORMS.get(platform), min_duration=1.0, **changes))


def he_aac(src: Path, out: Path) -> Path:
    """ffmpeg's own AAC encoder makes no HE-AAC, so the AudioSpecificConfig of an AAC-LC 24 kHz file is changed
    to say "SBR present, 48 kHz" in its backward-compatible extension (ffmpeg writes that extension with the
    flag off): the implicit HE-AAC signalling phones write. Same size, so no box moves."""
    data = bytearray(src.read_bytes())
    esds = data.find(b"esds")
    tag5 = data.find(b"\x05\x80\x80\x80\x05", esds)
    assert esds > 0 and tag5 > 0, "no 5-byte AudioSpecificConfig with the SBR sync extension"
    asc = int.from_bytes(data[tag5 + 5:tag5 + 10], "big")
    assert (asc >> 13) & 0x7FF == 0x2B7 and (asc >> 8) & 0x1F == 5  # the sync extension, extension type SBR
    asc |= 1 << 7  # sbrPresentFlag
    asc |= 3 << 3  # extensionSamplingFrequencyIndex: 48 kHz
    data[tag5 + 5:tag5 + 10] = asc.to_bytes(5, "big")
    out.write_bytes(bytes(data))
    return out


def corpus(tmp: Path) -> list[tuple[str, Path, Target, str]]:
    """(case, file, target, the rule that must flag it)."""
    out = []
    out.append(("edit list", clip(tmp / "elst.mp4", mux=("-movflags", "+faststart")), short("instagram_reels"),
                "edit_list"))
    out.append(("moov at the end", clip(tmp / "moov-end.mp4", mux=("-use_editlist", "0", "-movflags",
                                                                        "+negative_cts_offsets")), tiktok(), "faststart"))
    out.append(("open GOP", clip(tmp / "open-gop.mp4", video=("-x264-params", "open_gop=1:keyint=15:scenecut=0",
                                                            "-bf", "3")), tiktok(), "gop"))
    out.append(("10 s key frames", clip(tmp / "keyint.mp4", seconds=12, video=("-g", "300", "-keyint_min", "300",
                                                                               "-sc_threshold", "0")),
                tiktok(), "keyframes"))
    out.append(("4:4:4", clip(tmp / "yuv444.mp4", video=("-pix_fmt", "yuv444p")), tiktok(), "chroma"))
    out.append(("10-bit", clip(tmp / "tenbit.mp4", video=("-pix_fmt", "yuv420p10le")), tiktok(), "bit_depth"))
    out.append(("VFR", clip(tmp / "vfr.mp4", video=("-vf", "select='not(eq(mod(n\\,3)\\,1))'", "-fps_mode", "vfr")),
                tiktok(), "constant_rate"))
    out.append(("29.97 where 30 is asked", clip(tmp / "ntsc.mp4", rate="30000/1001"),
                Target(PLATFORMS.get("tiktok"), fps=30.0), "frame_rate"))
    lc24 = clip(tmp / "lc24.mp4", audio=(24000, 2, "volume=6dB"))
    out.append(("HE-AAC", he_aac(lc24, tmp / "he-aac.mp4"), tiktok(), "audio_profile"))
    out.append(("44.1 kHz mono", clip(tmp / "mono44.mp4", audio=(44100, 1, "volume=9dB")),
                short("facebook_reels", min_side=360, aspect_range=None), "sample_rate"))
    noise = ("-vf", "geq=lum='random(1)*255':cb=128:cr=128", "-crf", "1")  # noise hardly compresses
    out.append(("26 Mb/s peaks for Instagram", clip(tmp / "peaks.mp4", video=noise), short("instagram_reels"),
                "peak_bitrate"))
    # Zalo's 50 MB scaled down (the rule is the same; 60 MB files would slow the suite): a 2 MB clip, 1 MB cap
    out.append(("over Zalo's size", clip(tmp / "big.mp4", video=noise[:2] + ("-crf", "10")),
                short("zalo", max_bytes=1024**2), "file_size"))
    out.append(("interlaced", clip(tmp / "interlaced.mp4", video=("-flags", "+ilme+ildct", "-x264-params",
                                                                 "tff=1")), tiktok(), "progressive"))
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return corpus(tmp_path_factory.mktemp("corpus"))


def test_every_reject_is_flagged_by_its_rule_and_fixed(files):
    remuxed = set()
    for case, path, target, rule in files:
        facts = gather(path)
        before = judge(facts, target)
        failed = {c.name for c in before.failed}
        assert rule in failed, (case, failed)
        result = fix_file(path, target, facts=facts)
        assert result.output is not None and result.output.parent == path.parent and result.output != path
        assert path.is_file()  # the original stays
        assert result.after is not None and result.after.ok, (case, result.after.failed, result.plan.changes)
        if result.plan.remux_only:
            remuxed.add(rule)
    assert {"edit_list", "faststart"} <= remuxed  # those needed no re-encode


def test_the_named_rule_is_the_only_complaint_for_each_fault(files):
    """Each corpus file differs from a good file in one way (4:4:4 also changes the profile; the noise clips
    carry their bits)."""
    also = {"chroma": {"profile"}, "bit_depth": {"profile"}, "file_size": {"peak_bitrate"},
            "constant_rate": {"frame_rate"},  # dropping every third frame also brings the mean to 20 fps
            "audio_profile": {"audio_bitrate"},  # a 24 kHz core holds fewer bits than 128 kb/s
            "sample_rate": {"channels"}}  # 44.1 kHz and mono: one phone file, two faults
    wrong = {}
    for case, path, target, rule in files:
        failed = {c.name for c in judge(gather(path), target).failed}
        if failed - also.get(rule, set()) != {rule}:
            wrong[case] = failed
    assert not wrong


def test_cli_prints_each_rule_and_fixes(files, capsys):
    case, path, target, rule = next(f for f in files if f[3] == "faststart")
    assert main(["conform", str(path), "--platform", "tiktok"]) == 1
    out = capsys.readouterr().out
    assert "✗ Chỉ mục ở đầu tệp / index first (moov before mdat)" in out and "[mp4 boxes]" in out
    assert "✓ Nhóm ảnh đóng / closed GOP" in out
    assert main(["conform", str(path), "--platform", "tiktok", "--fix"]) == 0
    out = capsys.readouterr().out
    assert "chỉ đóng gói lại / remux only" in out and "index (moov) moved first" in out
    assert main(["conform", str(path), "--platform", "nope"]) == 2


# -- a second parser ------------------------------------------------------------------------------

def mediainfo(path: Path) -> dict:
    r = subprocess.run(["mediainfo", "--Output=JSON", str(path)], capture_output=True, check=True, timeout=60)
    tracks = json.loads(r.stdout)["media"]["track"]
    return {t["@type"]: t for t in tracks}


def agree(f: Facts, mi: dict) -> list[str]:
    """Where mediainfo says otherwise than our facts (stream facts only)."""
    v, a = mi.get("Video", {}), mi.get("Audio", {})
    diffs = []

    def same(what: str, ours: object, theirs: object) -> None:
        if ours != theirs:
            diffs.append(f"{what}: ours {ours!r}, mediainfo {theirs!r}")

    same("codec", {"h264": "AVC", "hevc": "HEVC"}.get(f.video_codec or ""), v.get("Format"))
    same("profile", f.profile, v.get("Format_Profile", "").split("@")[0])
    same("level", f.level, float(v["Format_Level"]) if v.get("Format_Level") else None)
    same("size", (f.width, f.height), (int(v.get("Width", 0)), int(v.get("Height", 0))))
    same("fps mode", "CFR" if f.constant_rate else "VFR", v.get("FrameRate_Mode"))
    same("chroma", f.chroma, v.get("ChromaSubsampling"))
    same("bit depth", f.bit_depth, int(v["BitDepth"]) if v.get("BitDepth") else None)
    same("scan", "Progressive" if f.progressive else "Interlaced", "Progressive" if v.get("ScanType") == "Progressive"
         else "Interlaced")
    if a:
        same("sample rate", f.sample_rate, int(float(a.get("SamplingRate", 0))))
        same("channels", f.channels, int(a.get("Channels", 0)))
        same("audio profile", f.audio_profile, {"LC": "LC", "LC SBR": "HE-AAC", "LC SBR PS": "HE-AACv2"}.get(
            a.get("Format_AdditionalFeatures", ""), a.get("Format_AdditionalFeatures")))
    return diffs


@pytest.mark.skipif(shutil.which("mediainfo") is None, reason="mediainfo is installed by scripts/setup-system.sh")
def test_mediainfo_agrees_on_the_stream_facts(files):
    checked = 0
    for case, path, _, _ in files:
        f = gather(path)
        diffs = agree(f, mediainfo(path))
        assert not diffs, (case, diffs)
        checked += 1
        fixed = sorted(path.parent.glob(f"{path.stem}.*.mp4"))
        for copy in fixed:  # the fixed copies too
            assert not agree(gather(copy), mediainfo(copy)), (case, copy.name)
    assert checked == len(files)
