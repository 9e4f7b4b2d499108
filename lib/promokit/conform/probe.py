"""Gathering the facts of a file, in one place: its boxes (pure Python), one ffprobe call for the streams and
format, one for the packets, and one ffmpeg `ebur128` pass for loudness — the three tools run at once."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ToolError
from .facts import Facts, Packets, from_parts
from .mp4 import Mp4Error, read_mp4
from .tools import exe, finish, loudness_command, parse_loudness, start


def _f(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return None


def parse_packets(csv: bytes, bases: dict[int, float], video: int | None, audio: int | None) -> Packets:
    """ffprobe's packet CSV (stream_index, pts, dts, duration, size, flags) -> per-stream times in seconds."""
    vp, vd, vk, vs, ap, asz = [], [], [], [], [], []
    vend = aend = 0.0
    for line in csv.decode("ascii", "replace").splitlines():
        parts = line.split(",")
        if len(parts) < 6:
            continue
        try:
            idx = int(parts[0])
        except ValueError:
            continue
        if idx not in (video, audio):
            continue
        tb = bases[idx]
        pts, dts, dur = _f(parts[1]), _f(parts[2]), _f(parts[3]) or 0.0
        if pts is None:
            pts = dts
        if pts is None:
            continue
        size = int(parts[4]) if parts[4].isdigit() else 0
        if idx == video:
            vp.append(pts * tb)
            vd.append((dts if dts is not None else pts) * tb)
            vk.append("K" in parts[5])
            vs.append(size)
            vend = max(vend, (pts + dur) * tb)
        else:
            ap.append(pts * tb)
            asz.append(size)
            aend = max(aend, (pts + dur) * tb)
    return Packets(tuple(vp), tuple(vd), tuple(vk), tuple(vs), vend, tuple(ap), tuple(asz), aend)


def gather(path: Path, *, loudness: bool = True) -> Facts:
    """Every fact the rules look at, read from the file at `path` (see `Facts`; each names its source)."""
    path = Path(path)
    if not path.is_file():
        raise ToolError.fail("không có tệp video này", "no such video file", file=path,
                             fix_vi="kiểm tra đường dẫn", fix_en="check the path")
    probe_cmd = [exe("ffprobe"), "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)]
    packets_cmd = [exe("ffprobe"), "-v", "error", "-show_entries", "packet=stream_index,pts,dts,duration,size,flags",
                   "-of", "csv=p=0", str(path)]
    procs = [start(probe_cmd), start(packets_cmd)]
    loud = start(loudness_command(path)) if loudness else None
    try:
        try:
            mp4 = read_mp4(path)
        except (Mp4Error, OSError):
            mp4 = None
        out, _ = finish(procs[0], "ffprobe", "ffprobe", path)
        probe = json.loads(out or b"{}")
        streams = probe.get("streams", [])
        video = next((s for s in streams if s.get("codec_type") == "video"
                      and not (s.get("disposition") or {}).get("attached_pic")), None)
        audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
        bases = {int(s["index"]): _tb(s.get("time_base")) for s in streams}
        csv, _ = finish(procs[1], "ffprobe", "ffprobe", path)
        packets = parse_packets(csv, bases, video and int(video["index"]), audio and int(audio["index"]))
        level = None
        if loud is not None:
            if audio is None:
                loud.kill()
                loud.communicate()
            else:
                _, err = finish(loud, "đo độ lớn âm thanh", "loudness measurement", path)
                m = parse_loudness(err, path)
                level = (m.integrated, m.true_peak)
    finally:
        for p in [*procs, loud]:
            if p is not None and p.poll() is None:
                p.kill()
                p.communicate()
    return from_parts(path.name, path.stat().st_size, probe, packets, mp4, level)


def _tb(s: str | None) -> float:
    n, _, d = (s or "1/1").partition("/")
    try:
        return float(n) / float(d or 1)
    except (ValueError, ZeroDivisionError):
        return 1.0
