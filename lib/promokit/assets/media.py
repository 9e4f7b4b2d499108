"""Audio and video probed with ffprobe (never loaded): streams, rotation, the readable length, frames."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from ..errors import AssetError, ToolError
from ..tools import tool

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class MediaInfo:
    """What ffprobe says about a clip or an audio file.

    `duration` s (the readable part when the file is truncated); `width`/`height` px as displayed
    (after rotation and pixel aspect); `coded_*` px as stored; `rotation` degrees clockwise to turn
    the stored picture for display (0/90/180/270); `fps` average frames per second.
    """

    path: Path
    duration: float
    has_video: bool
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int
    fps: float
    variable_fps: bool
    frames: int | None
    video_codec: str | None
    has_audio: bool
    sample_rate: int | None
    channels: int | None
    audio_codec: str | None
    truncated: bool = False  # the header promises more than the file holds (copy interrupted)
    header_duration: float = 0.0  # s the header claims (more than `duration` when the pictures stop early)


_PROBE_CACHE: dict[tuple[str, int, int], MediaInfo] = {}
_PROBE_LOCK = threading.Lock()
_PROBE_CACHE_MAX = 2048
PROBE_TIMEOUT = 60.0  # s per ffprobe call




def _unreadable(path: Path, why: str) -> AssetError:
    return AssetError.fail(
        f"không đọc được tệp âm thanh/video ({why})", f"cannot read the audio/video file ({why})",
        file=path, fix_vi="kiểm tra tệp mở được bằng trình phát, hoặc xuất lại (MP4 H.264, MP3, WAV)",
        fix_en="check that the file plays, or export it again (MP4 H.264, MP3, WAV)",
    )


def stopped_error(path: Path, name: str, returncode: int) -> ToolError | None:
    """A tool killed by a signal (a fault, not the file's): a ToolError, so the job fails and is retried
    rather than going on as if the file could not be read."""
    if returncode >= 0:
        return None
    return ToolError.fail(f"{name} bị dừng giữa chừng (tín hiệu {-returncode}) khi đọc tệp",
                          f"{name} was stopped (signal {-returncode}) while reading the file", file=path,
                          fix_vi="chạy lại", fix_en="run again")


def _ffprobe(path: Path, *args: str) -> tuple[dict, str]:
    cmd = [tool("ffprobe"), "-v", "error", *args, "-print_format", "json", "--", str(path)]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=PROBE_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise _unreadable(path, f"ffprobe quá {PROBE_TIMEOUT:g} s / ffprobe took over {PROBE_TIMEOUT:g} s") from None
    except OSError as e:
        raise ToolError.fail(f"không chạy được ffprobe ({e})", f"cannot run ffprobe ({e})",
                             fix_vi="cài lại ffmpeg", fix_en="reinstall ffmpeg") from None
    err = r.stderr.decode("utf-8", "replace").strip()
    if r.returncode != 0:
        stopped = stopped_error(path, "ffprobe", r.returncode)
        if stopped is not None:
            raise stopped
        last = err.splitlines()[-1] if err else f"exit {r.returncode}"
        raise _unreadable(path, last.split("] ", 1)[-1])
    try:
        return json.loads(r.stdout.decode("utf-8", "replace") or "{}"), err
    except json.JSONDecodeError:
        raise _unreadable(path, "ffprobe output is not JSON") from None


def _rate(text: str | None) -> float:
    try:
        n, _, d = (text or "0/0").partition("/")
        return float(n) / float(d or 1) if float(d or 1) else 0.0
    except ValueError:
        return 0.0


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f and f >= 0 else None


def _rotation(stream: dict) -> int:
    """Clockwise display rotation. ffprobe's Display Matrix `rotation` is counter-clockwise."""
    for sd in stream.get("side_data_list") or []:
        if "rotation" in sd:
            try:
                return int(round(-float(sd["rotation"]) / 90.0)) * 90 % 360
            except (TypeError, ValueError):
                break
    tag = (stream.get("tags") or {}).get("rotate")  # legacy tag (older ffmpeg): already clockwise
    try:
        return int(round(float(tag) / 90.0)) * 90 % 360 if tag is not None else 0
    except ValueError:
        return 0


def _readable_end(path: Path, claimed: float, start: float, video: bool = False) -> tuple[float | None, bool]:
    """(end of the last packet that can be read (s), demuxer error seen) — reads packets, never decodes.

    Only the last second is read: a file cut short (the phone copy was interrupted) has an index
    that points past its end, which shows up there as a read error and an early end. With `video`,
    only the picture's packets count: a clip whose sound runs on after its pictures (3 s of video,
    8 s of audio, the header saying 8) ends where its pictures end.
    """
    def scan(seek: float | None) -> tuple[float | None, bool]:
        args = [*(["-select_streams", "v:0"] if video else []),
                "-show_entries", "packet=pts_time,dts_time,duration_time"]
        if seek:
            args = ["-read_intervals", f"{seek:.3f}%", *args]
        data, err = _ffprobe(path, *args)
        end = None
        for p in data.get("packets", []):
            t = _float(p.get("pts_time"))
            t = _float(p.get("dts_time")) if t is None else t
            if t is not None:
                e = t + (_float(p.get("duration_time")) or 0.0) - start
                end = e if end is None else max(end, e)
        return end, bool(err)

    end, err = scan(max(0.0, claimed - 1.0) + start)
    if end is None:  # the seek landed past the data (or past the pictures): read from the start
        end, err = scan(None)
    return end, err


def _probe(path: Path) -> MediaInfo:
    data, _ = _ffprobe(path, "-show_format", "-show_streams")
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")), None)  # mp3 cover art
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise _unreadable(path, "không có hình hay tiếng / no video or audio stream")
    durations = [_float(s.get("duration")) for s in (video, audio) if s]
    claimed = _float(fmt.get("duration")) or max((d for d in durations if d), default=0.0)
    start = _float(fmt.get("start_time")) or 0.0

    truncated = False
    duration = claimed
    if claimed > 0:
        end, err = _readable_end(path, claimed, start, video=video is not None)
        if end is None and err:
            raise _unreadable(path, "không đọc được dữ liệu nào / no readable data")
        # small gaps are normal (last frame durations, VBR estimates); only a clear shortfall counts
        if end is not None and end < claimed - max(0.25, 0.02 * claimed):
            duration, truncated = max(end, 0.0), err  # the real length; `header_duration` keeps the claim

    kw: dict[str, Any] = dict(has_video=False, width=0, height=0, coded_width=0, coded_height=0, rotation=0,
                              fps=0.0, variable_fps=False, frames=None, video_codec=None)
    if video is not None:
        cw, ch = int(video.get("width") or 0), int(video.get("height") or 0)
        rot = _rotation(video)
        dw, dh = cw, ch
        sar = _rate((video.get("sample_aspect_ratio") or "1:1").replace(":", "/"))
        if sar > 0 and abs(sar - 1.0) > 1e-3:  # non-square pixels: display width differs
            dw = int(round(cw * sar))
        if rot in (90, 270):
            dw, dh = dh, dw
        avg, r = _rate(video.get("avg_frame_rate")), _rate(video.get("r_frame_rate"))
        nb = video.get("nb_frames")
        kw.update(
            has_video=True, width=dw, height=dh, coded_width=cw, coded_height=ch, rotation=rot,
            fps=avg or r, variable_fps=bool(avg and r and abs(r - avg) / r > 0.01),
            frames=int(nb) if nb and str(nb).isdigit() and not truncated else None,
            video_codec=video.get("codec_name"),
        )
    return MediaInfo(
        path=path, duration=duration, **kw,
        has_audio=audio is not None,
        sample_rate=int(audio["sample_rate"]) if audio and str(audio.get("sample_rate", "")).isdigit() else None,
        channels=int(audio["channels"]) if audio and audio.get("channels") else None,
        audio_codec=audio.get("codec_name") if audio else None,
        truncated=truncated, header_duration=claimed,
    )


def probe_media(path: Path) -> MediaInfo:
    """Probe a clip or audio file with ffprobe (cached by path, mtime and size)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise AssetError.fail("không tìm thấy tệp", "file not found", file=path,
                              fix_vi="kiểm tra tên và vị trí tệp", fix_en="check the file name and place") from None
    key = (os.path.realpath(path), st.st_mtime_ns, st.st_size)
    with _PROBE_LOCK:
        hit = _PROBE_CACHE.get(key)
    if hit is not None:
        return hit if hit.path == path else replace(hit, path=path)
    info = _probe(path)
    with _PROBE_LOCK:
        if len(_PROBE_CACHE) >= _PROBE_CACHE_MAX:
            _PROBE_CACHE.pop(next(iter(_PROBE_CACHE)))
        _PROBE_CACHE[key] = info
    return info


def clip_frame(path: Path, t: float = 0.0, *, max_size: tuple[int, int] | None = None) -> Image.Image:
    """One upright RGB frame of a clip at `t` s (clamped inside the clip), scaled to fit `max_size` px.

    ffmpeg applies the rotation metadata, so a portrait phone clip comes out portrait.
    """
    info = probe_media(path)
    if not info.has_video:
        raise AssetError.fail("tệp không có hình", "file has no video stream", file=path,
                              fix_vi="chọn một đoạn phim có hình", fix_en="choose a clip with pictures")
    t = max(0.0, min(t, max(info.duration - 0.1, 0.0)))
    w, h = info.width, info.height
    if max_size:
        scale = min(max_size[0] / w, max_size[1] / h, 1.0)
        w, h = max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)
    cmd = [tool("ffmpeg"), "-v", "error", "-ss", f"{t:.3f}", "-i", str(path), "-frames:v", "1",
           "-vf", f"scale={w}:{h}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=PROBE_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise _unreadable(path, "ffmpeg timed out") from None
    stopped = stopped_error(path, "ffmpeg", r.returncode)
    if stopped is not None:
        raise stopped
    if r.returncode != 0 or len(r.stdout) < w * h * 3:
        raise _unreadable(path, (r.stderr.decode("utf-8", "replace").strip().splitlines() or ["no frame"])[-1])
    return Image.frombytes("RGB", (w, h), r.stdout[: w * h * 3])


