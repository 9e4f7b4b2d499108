"""`--fix`: a conforming copy of a video beside it, changing only what must change.

`plan_fix` is pure: from the facts and the failed checks it decides, per stream, copy or re-encode, and builds
the one ffmpeg command. A remux (copy both streams) is enough for the index position, edit lists, fragments,
the container and BT.709 tags; the picture is re-encoded only for its codec, profile, level, chroma, depth,
scan, size, frame rate, GOP, peak rate or the file size; the sound only for its codec, profile, rate,
channels, bit rate or loudness. Every copy is written without edit lists: the B-frame delay goes into
negative composition offsets, and a re-encoded sound drops the AAC encoder's 1024 priming samples so it
stays in sync (a copied AAC sound keeps its priming: about 21 ms at 48 kHz, below what anyone can see).
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_path
from ..catalog import Checks, conformed_copy
from ..errors import ToolError
from .facts import Facts
from .probe import gather
from .rules import HDR_TRANSFERS, RULES, Target, both, judge
from .tools import exe

MP4_FLAGS = ("-use_editlist", "0", "-movflags", "+faststart+negative_cts_offsets")
AAC_PRIMING = 1024  # samples ffmpeg's AAC encoder puts before the sound
STANDARD_RATES = (24.0, 25.0, 30.0, 48.0, 50.0, 60.0)
ENCODE = {"preset": "veryfast", "crf": 20, "gop_seconds": 2.0, "audio_bitrate": 160_000, "peak_share": 0.6}


class FixError(ToolError):
    """A file that no re-encode can make conform (too short, no picture), or ffmpeg failed."""


@dataclass(frozen=True)
class FixPlan:
    """What to do: per stream "copy" or "encode"; the filters; the ffmpeg arguments after `-i`."""

    video: str  # "copy" | "encode" | "none"
    audio: str  # "copy" | "encode" | "none"
    changes: tuple[str, ...]  # what will change, "vi / en"
    args: tuple[str, ...]
    trim: float | None = None  # s kept from the start

    @property
    def remux_only(self) -> bool:
        return self.video != "encode" and self.audio != "encode"


@dataclass(frozen=True)
class FixResult:
    source: Path
    output: Path | None  # None: the file already conforms, nothing written
    plan: FixPlan | None
    before: Checks
    after: Checks | None = None
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return (self.after or self.before).ok


def fixed_path(source: Path, platform: str) -> Path:
    """Where `promokit conform --fix` writes (the catalog's `conformed_copy`)."""
    return conformed_copy(source, platform)


def _target_fps(f: Facts, t: Target) -> float:
    """The constant rate a re-encode writes: the asked one, else the file's, snapped to a standard rate."""
    if t.fps:
        return t.fps
    p = t.preset
    # a phone's variable rate is its camera rate with frames held longer: take the rate of the shortest step
    rate = 1.0 / f.frame_step[0] if not f.constant_rate and f.frame_step[0] > 0 else f.fps
    near = min(STANDARD_RATES, key=lambda r: abs(r - rate)) if rate else p.fps
    if abs(near - f.fps) / near < 0.01 and f.constant_rate:
        near = f.fps  # 29.97 stays 29.97 where the platform takes it
    return min(max(near, p.min_fps), p.max_fps)


def _target_size(f: Facts, t: Target) -> tuple[int, int]:
    """The frame a re-encode writes (px, even): the asked one, else the file's, scaled into the limits."""
    if t.size:
        return t.size
    w, h = f.shown_size
    p = t.preset
    scale = 1.0
    if max(w, h) > p.max_side:
        scale = min(scale, p.max_side / max(w, h))
    if p.max_width and w * scale > p.max_width:
        scale = min(scale, p.max_width / w)
    if min(w, h) * scale < p.min_side:
        scale = p.min_side / min(w, h)
    return max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2)


def _bitrate_caps(f: Facts, t: Target, duration: float, audio_bps: int) -> tuple[int, int] | None:
    """x264 (maxrate, bufsize) b/s keeping any 1 s under the peak ceiling and the file under the size limit."""
    p = t.preset
    caps = []
    if p.max_bytes:  # bits written ≤ maxrate × duration + buffer; the buffer is 1 s of maxrate
        rate = int((p.max_bytes * 8 * 0.92 - audio_bps * duration) / (max(duration, 1.0) + 1.0))
        caps.append((rate, rate))
    if p.max_bitrate:
        rate = int(p.max_bitrate * ENCODE["peak_share"])
        caps.append((rate, rate // 2))
    return min(caps) if caps else None


def plan_fix(f: Facts, checks: Checks, t: Target) -> FixPlan:
    """The copy or re-encode per stream and the ffmpeg arguments that make `f` pass `t` (pure)."""
    failed = {c.name for c in checks.failed}
    kinds = {RULES.get(n).fix for n in failed if n in RULES}
    if "duration" in failed and f.duration < t.preset.min_duration:
        raise FixError.fail(f"video ngắn hơn {t.preset.min_duration:g} s: không sửa được",
                            f"the video is shorter than {t.preset.min_duration:g} s: cannot be fixed",
                            fix_vi="dựng lại đoạn phim dài hơn", fix_en="edit a longer clip")
    if not f.has_video:
        raise FixError.fail("tệp không có hình", "the file has no picture", fix_vi="chọn một tệp video",
                            fix_en="choose a video file")
    changes: list[str] = []
    trim = t.preset.max_duration if "duration" in failed and f.duration > t.preset.max_duration else None
    if trim:
        changes.append(both(f"cắt còn {trim:g} s đầu", f"cut to the first {trim:g} s"))
    duration = min(f.duration, trim or f.duration)
    video = "encode" if "video" in kinds or (f.video_codec not in t.preset.video_codecs) else "copy"
    hdr = f.transfer in HDR_TRANSFERS or f.primaries == "bt2020"
    if "colour" in failed and (hdr or f.colour_range == "pc" or f.video_codec != "h264"):
        video = "encode"
    audio = "none" if not f.has_audio else ("encode" if "audio" in kinds else "copy")
    args: list[str] = []
    if trim:
        args += ["-t", f"{trim:.3f}"]
    args += ["-map", "0:v:0"] + (["-map", "0:a:0"] if f.has_audio else [])
    abr = max(ENCODE["audio_bitrate"], t.min_audio_bitrate or t.preset.min_audio_bitrate)
    if video == "encode":
        fps = _target_fps(f, t)
        w, h = _target_size(f, t)
        vf = []
        if f.progressive is False:
            vf.append("bwdif=mode=send_frame")
            changes.append(both("khử xen kẽ", "deinterlaced"))
        if hdr:
            vf.append("zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=hable:desat=0,"
                      "zscale=t=bt709:m=bt709:r=tv")
            changes.append(both("chuyển HDR sang SDR BT.709", "HDR tone-mapped to SDR BT.709"))
        vf.append(f"fps={fps:.6g}")
        if not f.constant_rate or abs(f.fps - fps) > 0.01:
            changes.append(both(f"tốc độ khung cố định {fps:g} khung/giây".replace(".", ","),
                                f"constant {fps:g} fps"))
        if (w, h) != f.shown_size:
            vf.append(f"scale={w}:{h}:flags=lanczos")
            changes.append(both(f"khung {f.shown_size[0]}x{f.shown_size[1]} → {w}x{h}",
                                f"frame {f.shown_size[0]}x{f.shown_size[1]} → {w}x{h}"))
        vf.append("format=yuv420p")
        gop = max(1, round(ENCODE["gop_seconds"] * fps))
        args += ["-vf", ",".join(vf), "-c:v", "libx264", "-preset", ENCODE["preset"], "-crf", str(ENCODE["crf"]),
                 "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", str(gop),
                 "-sc_threshold", "0", "-flags", "+cgop", "-color_range", "tv", "-colorspace", "bt709",
                 "-color_primaries", "bt709", "-color_trc", "bt709"]
        caps = _bitrate_caps(f, t, duration, abr if f.has_audio else 0)
        if caps:
            args += ["-maxrate", str(caps[0]), "-bufsize", str(caps[1])]
        why = sorted(n for n in failed if n in RULES and RULES.get(n).fix in ("video", "remux") and n != "colour"
                     or n == "colour")
        changes.append(both("mã hóa lại hình: H.264 High 4:2:0 8 bit, nhóm ảnh đóng 2 s",
                            "picture re-encoded: H.264 High 4:2:0 8-bit, closed 2 s GOP") + f" ({', '.join(why)})")
    else:
        args += ["-c:v", "copy"]
        if "colour" in failed and f.video_codec == "h264":
            args += ["-bsf:v", "h264_metadata=colour_primaries=1:transfer_characteristics=1:matrix_coefficients=1"
                     ":video_full_range_flag=0"]
            changes.append(both("ghi thẻ màu BT.709", "BT.709 colour tags written"))
    if audio == "encode":
        rate = t.audio_rate or (f.sample_rate if f.sample_rate in t.preset.audio_rates else 48_000)
        channels = 2 if (t.need_audio or f.channels not in t.preset.audio_channels) else f.channels
        af = [f"aresample={rate}"]
        if f.loudness is not None and math.isfinite(f.loudness) and f.loudness > -70:
            gain = t.loudness - f.loudness
            if f.true_peak is not None and math.isfinite(f.true_peak) and f.true_peak + gain <= t.true_peak - 0.3:
                af.append(f"volume={gain:.2f}dB")
            else:
                af.append(f"loudnorm=I={t.loudness:g}:TP={t.true_peak - 0.5:g}:LRA=11:measured_I={f.loudness}:"
                          f"measured_TP={f.true_peak}:measured_LRA=7:measured_thresh={f.loudness - 10}:linear=true,"
                          f"aresample={rate}")
            if abs(gain) > t.loudness_tolerance or (f.true_peak or 0) > t.true_peak:
                changes.append(both(f"độ lớn {f.loudness:.1f} → {t.loudness:g} LUFS".replace(".", ","),
                                    f"loudness {f.loudness:.1f} → {t.loudness:g} LUFS"))
        af.append(f"atrim=start_sample={AAC_PRIMING},asetpts=N/SR/TB")
        args += ["-af", ",".join(af), "-c:a", "aac", "-b:a", str(abr), "-ar", str(rate), "-ac", str(channels)]
        changes.append(both(f"mã hóa lại tiếng: AAC-LC {rate} Hz {channels} kênh {abr // 1000} kb/s",
                            f"sound re-encoded: AAC-LC {rate} Hz {channels} ch {abr // 1000} kb/s"))
    elif audio == "copy":
        args += ["-c:a", "copy"]
    for name, vi, en in (("faststart", "chỉ mục (moov) lên đầu tệp", "index (moov) moved first"),
                         ("edit_list", "bỏ danh sách chỉnh sửa (elst)", "edit lists removed"),
                         ("fragmented", "gộp các mảnh thành một chỉ mục", "fragments joined under one index"),
                         ("container", "đóng gói lại thành MP4", "repackaged as MP4")):
        if name in failed:
            changes.append(both(vi, en))
    if video != "encode" and audio != "encode":
        remuxed = [n for n in ("faststart", "edit_list", "fragmented", "container", "av_start") if n in failed]
        changes.append(both("chỉ ghi lại hộp MP4 (không mã hóa lại)", "boxes rewritten only (no re-encode)")
                       + (f" ({', '.join(remuxed)})" if remuxed else ""))
    args += [*MP4_FLAGS, "-f", "mp4"]
    return FixPlan(video, audio, tuple(changes), tuple(args), trim)


def run_plan(source: Path, plan: FixPlan, out: Path, timeout: float = 3600.0) -> Path:
    """Run the plan's ffmpeg into `out` atomically (a failure leaves nothing there)."""
    cmd = [exe("ffmpeg"), "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", str(source), *plan.args]
    with atomic_path(Path(out)) as tmp:
        try:
            r = subprocess.run([*cmd, str(tmp)], stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise FixError.fail("ffmpeg chạy quá lâu khi sửa", "ffmpeg timed out while fixing", file=source) from None
        if r.returncode != 0:
            tail = " | ".join(r.stderr.decode("utf-8", "replace").strip().splitlines()[-2:])
            raise FixError.fail(f"ffmpeg lỗi khi sửa: {tail}", f"ffmpeg failed while fixing: {tail}", file=source,
                                fix_vi="kiểm tra tệp gốc", fix_en="check the original file")
    return Path(out)


def fix_file(source: Path, target: Target, out: Path | None = None, *, facts: Facts | None = None) -> FixResult:
    """Check `source`; when it fails, write a conforming copy (`out`, default `fixed_path`) and check that."""
    import time

    t0 = time.perf_counter()
    source = Path(source)
    f = facts or gather(source)
    before = judge(f, target)
    if before.ok:
        return FixResult(source, None, None, before, seconds=time.perf_counter() - t0)
    plan = plan_fix(f, before, target)
    out = Path(out) if out is not None else fixed_path(source, target.preset.id)
    if out.resolve() == source.resolve():
        raise FixError.fail("không ghi đè tệp gốc", "the original is never overwritten", file=source,
                            fix_vi="chọn tên khác", fix_en="choose another name")
    run_plan(source, plan, out)
    if plan.audio != "encode" and plan.trim is None:  # the same sound packets: the same loudness, not measured again
        g = gather(out, loudness=False)
        g = g.with_(loudness=f.loudness, true_peak=f.true_peak,
                    sources={**g.sources, **{k: f.sources[k] for k in ("loudness", "true_peak") if k in f.sources}})
    else:
        g = gather(out)
    after = judge(g, target)
    return FixResult(source, out, plan, before, after, time.perf_counter() - t0)
