"""Does a rendered file meet its platform preset? Probe facts checked one by one (for the manifest).

Each check is (name, ok, detail); a failing check is reported, never dropped. The facts come from
ffprobe (streams, format, the key frames) and from the file's top-level MP4 boxes (faststart).
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import ToolError
from ..platforms import Preset
from ..resources import diagnose


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def _ffprobe(path: Path, *args: str) -> dict:
    exe = shutil.which("ffprobe")
    if exe is None:
        raise ToolError.fail("không tìm thấy ffprobe", "ffprobe not found", fix_vi="cài ffmpeg",
                             fix_en="install ffmpeg")
    r = subprocess.run([exe, "-v", "error", *args, "-of", "json", str(path)], capture_output=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:  # a file cut by a full disk has no index ("moov atom not found"): say the disk is full
        raise diagnose(path.parent) or ToolError.fail(f"ffprobe không đọc được {path.name}", f"ffprobe cannot read {path.name}",
                             file=path, fix_vi="render lại", fix_en="render again")
    return json.loads(r.stdout or b"{}")


def top_boxes(path: Path, limit: int = 64) -> list[str]:
    """The types of the top-level boxes of an MP4 file, in order."""
    out = []
    with open(path, "rb") as f:
        size_total = f.seek(0, 2)
        pos = 0
        while pos < size_total and len(out) < limit:
            f.seek(pos)
            head = f.read(16)
            if len(head) < 8:
                break
            size, kind = struct.unpack(">I4s", head[:8])
            if size == 1 and len(head) == 16:
                size = struct.unpack(">Q", head[8:16])[0]
            elif size == 0:
                size = size_total - pos
            out.append(kind.decode("latin-1"))
            if size < 8:
                break
            pos += size
    return out


def _rate(s: str | None) -> float:
    n, _, d = (s or "0/1").partition("/")
    try:
        return float(n) / float(d or 1) if float(d or 1) else 0.0
    except ValueError:
        return 0.0


def probe_facts(path: Path) -> dict:
    """The facts the checks use (also handy in tests)."""
    data = _ffprobe(path, "-show_streams", "-show_format")
    streams = data.get("streams", [])
    v = next((s for s in streams if s.get("codec_type") == "video"), {})
    a = next((s for s in streams if s.get("codec_type") == "audio"), {})
    keys = _ffprobe(path, "-select_streams", "v:0", "-skip_frame", "nokey", "-show_entries", "frame=pts_time",
                    "-show_frames")
    key_times = sorted(float(f["pts_time"]) for f in keys.get("frames", []) if f.get("pts_time") not in (None, "N/A"))
    fmt = data.get("format", {})
    return {
        "video_codec": v.get("codec_name"), "profile": v.get("profile"), "pix_fmt": v.get("pix_fmt"),
        "width": int(v.get("width") or 0), "height": int(v.get("height") or 0),
        "r_frame_rate": _rate(v.get("r_frame_rate")), "avg_frame_rate": _rate(v.get("avg_frame_rate")),
        "color_range": v.get("color_range"), "color_space": v.get("color_space"),
        "color_primaries": v.get("color_primaries"), "color_transfer": v.get("color_transfer"),
        "nb_frames": int(v.get("nb_frames") or 0),
        "audio_codec": a.get("codec_name"), "audio_profile": a.get("profile"),
        "sample_rate": int(a.get("sample_rate") or 0), "channels": int(a.get("channels") or 0),
        "audio_bit_rate": int(a.get("bit_rate") or 0),
        "duration": float(fmt.get("duration") or 0.0), "bytes": path.stat().st_size,
        "bit_rate": int(fmt.get("bit_rate") or 0), "key_times": key_times, "boxes": top_boxes(path),
    }


def check_file(path: Path, preset: Preset, *, size: tuple[int, int] | None = None, fps: float | None = None,
               audio_rate: int = 48_000, min_audio_bitrate: int = 128_000) -> list[Check]:
    """Check a rendered MP4 against `preset` (`size` px, `fps`, `audio_rate` Hz: what was asked, e.g. a
    draft's smaller frame and sound)."""
    f = probe_facts(Path(path))
    want_w, want_h = size or (preset.width, preset.height)
    checks: list[Check] = []

    def add(name: str, ok: bool, detail: str) -> None:
        checks.append(Check(name, bool(ok), detail))

    add("video_codec", f["video_codec"] == "h264" and f["profile"] == "High",
        f"{f['video_codec']} {f['profile']} (want h264 High)")
    add("pix_fmt", f["pix_fmt"] == "yuv420p", f"{f['pix_fmt']} (want yuv420p)")
    add("color", f["color_range"] == "tv" and f["color_space"] == "bt709",
        f"range {f['color_range']}, matrix {f['color_space']} (want tv, bt709)")
    add("size", (f["width"], f["height"]) == (want_w, want_h) and f["width"] % 2 == 0 and f["height"] % 2 == 0,
        f"{f['width']}x{f['height']} (want {want_w}x{want_h}, even)")
    r, avg = f["r_frame_rate"], f["avg_frame_rate"]
    constant = r > 0 and abs(r - avg) / r < 0.002
    in_range = preset.min_fps <= avg <= preset.max_fps
    add("frame_rate", constant and in_range and (fps is None or abs(avg - fps) < 0.01),
        f"{avg:.3f} fps, {'constant' if constant else 'variable'} (want {preset.min_fps:g}–{preset.max_fps:g}"
        + (f", {fps:g}" if fps else "") + ")")
    d = f["duration"]
    add("duration", preset.min_duration <= d <= preset.max_duration,
        f"{d:.2f} s (want {preset.min_duration:g}–{preset.max_duration:g} s)")
    keys = f["key_times"]
    gaps = [b - a for a, b in zip(keys, keys[1:], strict=False)]
    add("gop", bool(keys) and (not gaps or max(gaps) <= 2.5), f"key frames every {max(gaps, default=0):.2f} s (want ≤ 2.5)")
    add("audio", f["audio_codec"] == "aac" and f["audio_profile"] == "LC" and f["sample_rate"] == audio_rate
        and f["channels"] == 2,
        f"{f['audio_codec']} {f['audio_profile']} {f['sample_rate']} Hz {f['channels']} ch "
        f"(want aac LC {audio_rate} Hz 2 ch)")
    abr_ok = f["audio_bit_rate"] >= min_audio_bitrate * 0.95
    detail = f"{f['audio_bit_rate'] / 1000:.0f} kb/s (want ≥ {min_audio_bitrate / 1000:.0f})"
    if not abr_ok and f["audio_codec"]:
        # AAC spends almost nothing on digital silence: a silent track is not a low-quality one
        from .audio import loudness

        integrated, _ = loudness(Path(path))
        if integrated <= -70:
            abr_ok, detail = True, detail + "; silent track"
    add("audio_bitrate", abr_ok, detail)
    if preset.max_bytes:
        add("file_size", f["bytes"] <= preset.max_bytes, f"{f['bytes'] / 1e6:.1f} MB (limit {preset.max_bytes / 1e6:.0f} MB)")
    if preset.max_bitrate:
        add("bitrate", f["bit_rate"] <= preset.max_bitrate,
            f"{f['bit_rate'] / 1e6:.2f} Mb/s (limit {preset.max_bitrate / 1e6:.0f} Mb/s)")
    boxes = f["boxes"]
    fast = "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat")
    add("faststart", fast, "moov before mdat" if fast else f"boxes {' '.join(boxes[:6])}")
    return checks


def all_ok(checks: list[Check]) -> bool:
    return all(c.ok for c in checks)
