"""The facts of one video file, each with the source it was read from (pure data, no I/O).

`Facts` is what every verdict looks at; `from_parts` builds it from the three readings (the file's boxes,
ffprobe's streams and format, ffprobe's packets) and the loudness measurement, so tests can build facts
without a file and the verdict functions stay pure.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .mp4 import Mp4

#: ISO/IEC 23091-2 colour codes -> the names ffprobe and the platforms use.
PRIMARIES = {1: "bt709", 5: "bt470bg", 6: "smpte170m", 9: "bt2020", 12: "smpte432", 2: None}
TRANSFERS = {1: "bt709", 6: "smpte170m", 13: "iec61966-2-1", 14: "bt2020-10", 16: "smpte2084", 18: "arib-std-b67",
             2: None}
MATRICES = {1: "bt709", 5: "bt470bg", 6: "smpte170m", 9: "bt2020nc", 2: None}

# where facts come from
BOXES, SPS, ESDS, FFPROBE, PACKETS, EBUR128, STAT = ("mp4 boxes", "avcC/SPS", "esds", "ffprobe", "packets",
                                                     "ebur128", "file size")


@dataclass(frozen=True)
class Packets:
    """Per-packet timing of the first video and audio streams, in seconds, in file (decode) order."""

    video_pts: tuple[float, ...] = ()
    video_dts: tuple[float, ...] = ()
    video_key: tuple[bool, ...] = ()
    video_size: tuple[int, ...] = ()  # bytes
    video_end: float = 0.0  # end of the last video packet (pts + duration), s
    audio_pts: tuple[float, ...] = ()
    audio_size: tuple[int, ...] = ()
    audio_end: float = 0.0


@dataclass(frozen=True)
class Facts:
    """What a video file is, as read from itself. Times in s, rates in fps / Hz / b/s, sizes in px / bytes."""

    name: str = ""
    bytes: int = 0
    duration: float = 0.0
    container: str = ""  # "mp4" | "mov" | ffprobe's format name when it is not ISO-BMFF
    boxes: tuple[str, ...] = ()  # top-level box types in order
    moov_first: bool | None = None
    fragmented: bool | None = None
    edit_lists: tuple[str, ...] = ()  # handlers of the tracks with an `elst` ("vide", "soun")
    # video
    video_codec: str | None = None
    profile: str | None = None
    level: float | None = None
    chroma: str | None = None  # "4:2:0"
    bit_depth: int | None = None
    progressive: bool | None = None
    field_order: str | None = None
    width: int = 0
    height: int = 0
    rotation: int = 0  # degrees (display matrix)
    primaries: str | None = None
    transfer: str | None = None
    matrix: str | None = None
    colour_range: str | None = None  # "tv" | "pc"
    # packets
    fps: float = 0.0
    constant_rate: bool | None = None
    frame_step: tuple[float, float] = (0.0, 0.0)  # shortest and longest frame duration, s
    key_interval: float = 0.0  # longest time between key frames (or from the last one to the end), s
    key_frames: int = 0
    frames: int = 0  # video packets
    open_gop_at: float | None = None  # pts of the first key frame followed by pictures shown before it
    peak_bitrate: int = 0  # video b/s over the busiest 1-s window
    video_bitrate: int = 0
    video_start: float = 0.0
    audio_start: float = 0.0
    # audio
    audio_codec: str | None = None
    audio_profile: str | None = None  # "LC", "HE-AAC", …
    sample_rate: int = 0
    channels: int = 0
    audio_bitrate: int = 0
    loudness: float | None = None  # LUFS integrated
    true_peak: float | None = None  # dBTP
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    @property
    def shown_size(self) -> tuple[int, int]:
        """(width, height) as played: a 90° rotation swaps them."""
        return (self.height, self.width) if self.rotation % 180 == 90 else (self.width, self.height)

    def source(self, name: str) -> str:
        return self.sources.get(name, "")

    def with_(self, **changes: Any) -> Facts:
        """A copy with some facts replaced (tests, fakes of a huge file)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(s: str | None) -> float:
    n, _, d = (s or "0/1").partition("/")
    try:
        return float(n) / float(d or 1) if float(d or 1) else 0.0
    except ValueError:
        return 0.0


def timing(p: Packets) -> dict[str, Any]:
    """Frame rate, constancy, key-frame interval, GOP closure, peak and average bit rates from the packets."""
    out: dict[str, Any] = {}
    pts = sorted(p.video_pts)
    if len(pts) >= 2:
        steps = [b - a for a, b in zip(pts, pts[1:], strict=False)]
        body = steps[:-1] if len(steps) > 2 else steps  # the last frame's step is often cut short
        med = statistics.median(body)
        tol = max(0.004 * med, 0.0011)  # ±0.4 %, and ≥ 1.1 ms for 1/600 s (QuickTime) timescales
        out["constant_rate"] = all(abs(s - med) <= tol for s in body)
        out["frame_step"] = (min(body), max(body))
        span = pts[-1] - pts[0]
        out["fps"] = (1.0 / med) if out["constant_rate"] and med > 0 else ((len(pts) - 1) / span if span > 0 else 0.0)
    if pts:
        keys = sorted(t for t, k in zip(p.video_pts, p.video_key, strict=False) if k)
        out["key_frames"] = len(keys)
        out["open_gop_at"] = None
        out["frames"] = len(pts)
        end = max(p.video_end, pts[-1])
        gaps = [b - a for a, b in zip(keys, keys[1:], strict=False)] + ([end - keys[-1]] if keys else [end - pts[0]])
        out["key_interval"] = max(gaps) if gaps else 0.0
        key_pts = None
        for t, k in zip(p.video_pts, p.video_key, strict=False):
            if k:
                key_pts = t
            elif key_pts is not None and t < key_pts - 1e-6:
                out["open_gop_at"] = key_pts
                break
        out["video_start"] = pts[0]
        dts = list(p.video_dts) if len(p.video_dts) == len(p.video_size) else pts
        order = sorted(range(len(dts)), key=dts.__getitem__)
        times = [dts[i] for i in order]
        csum = [0]
        for i in order:
            csum.append(csum[-1] + p.video_size[i])
        peak = 0
        for i, t in enumerate(times):
            j = bisect.bisect_left(times, t + 1.0 - 1e-6)  # [t, t + 1 s)
            peak = max(peak, csum[j] - csum[i])
        dur = end - pts[0]
        out["peak_bitrate"] = int(peak * 8 if dur >= 1.0 else (csum[-1] * 8 / dur if dur > 0 else 0))
        out["video_bitrate"] = int(csum[-1] * 8 / dur) if dur > 0 else 0
    if p.audio_pts:
        start = max(0.0, min(p.audio_pts))
        out["audio_start"] = start
        dur = max(p.audio_end, max(p.audio_pts)) - min(p.audio_pts)
        out["audio_bitrate"] = int(sum(p.audio_size) * 8 / dur) if dur > 0 else 0
    return out


def from_parts(name: str, size: int, probe: dict, packets: Packets, mp4: Mp4 | None,
               loudness: tuple[float, float] | None) -> Facts:
    """Facts from ffprobe's `-show_streams -show_format` JSON, the packets, the boxes and the loudness."""
    src: dict[str, str] = {}
    streams = probe.get("streams", [])
    v = next((s for s in streams if s.get("codec_type") == "video"
              and not (s.get("disposition") or {}).get("attached_pic")), None)
    a = next((s for s in streams if s.get("codec_type") == "audio"), None)
    fmt = probe.get("format", {})
    f: dict[str, Any] = {"name": name, "bytes": int(size), "duration": float(fmt.get("duration") or 0.0)}
    src.update(bytes=STAT, duration=FFPROBE)
    if mp4 is not None:
        vt, at = mp4.track("vide"), mp4.track("soun")
        f.update(container="mov" if mp4.quicktime else "mp4", boxes=tuple(mp4.top_kinds), moov_first=mp4.moov_first,
                 fragmented=mp4.fragmented,
                 edit_lists=tuple(t.handler for t in mp4.tracks if t.edit_list is not None and t.handler in ("vide", "soun")))
        src.update(container=BOXES, boxes=BOXES, moov_first=BOXES, fragmented=BOXES, edit_lists=BOXES)
    else:
        f["container"] = str(fmt.get("format_name") or "?").split(",")[0]
        src["container"] = FFPROBE
        vt = at = None
    if v is not None:
        f.update(video_codec=v.get("codec_name"), profile=v.get("profile"), width=int(v.get("width") or 0),
                 height=int(v.get("height") or 0), field_order=v.get("field_order"),
                 primaries=v.get("color_primaries"), transfer=v.get("color_transfer"), matrix=v.get("color_space"),
                 colour_range=v.get("color_range"))
        lvl = v.get("level")
        if isinstance(lvl, int) and lvl > 0:
            f["level"] = round(lvl / 30, 1) if v.get("codec_name") == "hevc" else lvl / 10
        pix = str(v.get("pix_fmt") or "")
        f["chroma"] = ("4:4:4" if "444" in pix else "4:2:2" if "422" in pix else "4:2:0" if "420" in pix or pix in
                       ("nv12", "nv21") else "4:0:0" if pix.startswith("gray") else None)
        depth = v.get("bits_per_raw_sample")
        f["bit_depth"] = int(depth) if str(depth or "").isdigit() else (10 if "10" in pix else 12 if "12" in pix
                                                                         else 8 if pix else None)
        f["progressive"] = None if f["field_order"] in (None, "unknown") else f["field_order"] == "progressive"
        for side in v.get("side_data_list") or []:
            if "rotation" in side:
                f["rotation"] = int(side["rotation"]) % 360
        src.update({k: FFPROBE for k in ("video_codec", "profile", "level", "width", "height", "field_order",
                                         "primaries", "transfer", "matrix", "colour_range", "chroma", "bit_depth",
                                         "progressive", "rotation")})
        cfg = vt.video if vt is not None else None
        if cfg is not None:  # the decoder configuration in the file wins over ffprobe's reading
            f.update(profile=cfg.profile, level=cfg.level)
            src.update(profile=SPS, level=SPS)
            if cfg.chroma:
                f["chroma"], src["chroma"] = cfg.chroma, SPS
            if cfg.bit_depth:
                f["bit_depth"], src["bit_depth"] = cfg.bit_depth, SPS
            if cfg.progressive is not None:  # frame_mbs_only_flag = 1: every picture is a progressive frame
                f["progressive"] = cfg.progressive or f["field_order"] == "progressive"
                src["progressive"] = SPS + " + " + FFPROBE if not cfg.progressive else SPS
            if cfg.primaries is not None:
                f.update(primaries=PRIMARIES.get(cfg.primaries, str(cfg.primaries)),
                         transfer=TRANSFERS.get(cfg.transfer or 2, str(cfg.transfer)),
                         matrix=MATRICES.get(cfg.matrix or 2, str(cfg.matrix)))
                src.update(primaries=SPS, transfer=SPS, matrix=SPS)
            if cfg.full_range is not None:
                f["colour_range"], src["colour_range"] = ("pc" if cfg.full_range else "tv"), SPS
        if vt is not None and vt.fields is not None:
            f["progressive"] = vt.fields == 1 and f.get("progressive") is not False
            src["progressive"] = src.get("progressive", "") + " + fiel"
    if a is not None:
        f.update(audio_codec=a.get("codec_name"), audio_profile=a.get("profile"),
                 sample_rate=int(a.get("sample_rate") or 0), channels=int(a.get("channels") or 0))
        src.update(audio_codec=FFPROBE, audio_profile=FFPROBE, sample_rate=FFPROBE, channels=FFPROBE)
        cfg = at.audio if at is not None else None
        if cfg is not None and cfg.audio_object_type is not None:
            f["audio_profile"], src["audio_profile"] = cfg.profile, ESDS
            if cfg.channels:
                f["channels"], src["channels"] = cfg.channels, ESDS
            if cfg.sample_rate and not cfg.sbr:
                f["sample_rate"], src["sample_rate"] = cfg.sample_rate, ESDS
    t = timing(packets)
    f.update(t)
    src.update({k: PACKETS for k in t})
    if loudness is not None:
        f["loudness"], f["true_peak"] = loudness
        src.update(loudness=EBUR128, true_peak=EBUR128)
    return Facts(**f, sources=src)
