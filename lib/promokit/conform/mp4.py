"""The structure of an MP4/MOV file, read box by box in pure Python (ISO/IEC 14496-12 and -14, QuickTime).

Only the index is read (`moov`, the top-level box list, a fragment's `moof`); `mdat` is skipped by its size.
What comes out is what the file itself says: box order, edit lists, fragmentation, each track's sample entry
(`avc1`/`hvc1`/`mp4a` …) with its decoder configuration (`avcC`, `hvcC`, the `esds` AudioSpecificConfig),
colour (`colr`), field order (`fiel`) and the sample tables' frame durations.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .h264 import StreamConfig, parse_avcc, parse_hvcc

#: Boxes that only hold other boxes.
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"mvex", b"dinf", b"udta", b"moof", b"traf",
              b"wave"}
VISUAL = {b"avc1", b"avc3", b"hvc1", b"hev1", b"mp4v", b"av01", b"vp09", b"encv"}
AUDIO = {b"mp4a", b"enca", b"ac-3", b"ec-3", b"Opus", b"alac", b"lpcm", b"sowt", b"twos", b".mp3"}
AUDIO_OBJECT_TYPES = {1: "AAC Main", 2: "LC", 3: "AAC SSR", 4: "AAC LTP", 5: "HE-AAC", 29: "HE-AACv2",
                      23: "AAC LD", 39: "AAC ELD", 42: "xHE-AAC"}
SAMPLE_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)
MAX_INDEX = 256 * 1024 * 1024  # bytes of `moov` read at most


class Box(NamedTuple):
    """One box of the file: its four-letter kind, where it starts and its size (bytes, header included)."""

    kind: str
    offset: int
    size: int


class Mp4Error(ValueError):
    """The file is not an ISO base media (MP4/MOV) file, or its index is broken."""


@dataclass(frozen=True)
class EditList:
    """A track's `elst`: entries of (segment duration in movie timescale, media time in track timescale, rate)."""

    entries: tuple[tuple[int, int, float], ...]

    @property
    def trivial(self) -> bool:
        """One entry starting the media at 0 at normal speed (it changes nothing a player shows)."""
        return len(self.entries) == 1 and self.entries[0][1] == 0 and self.entries[0][2] == 1.0


@dataclass(frozen=True)
class AudioConfig:
    """An `mp4a` entry's esds: MPEG-4 object type indication and the AudioSpecificConfig."""

    object_type_indication: int  # 0x40 = MPEG-4 audio, 0x67/0x69/0x6B = MPEG-2/MP3
    audio_object_type: int | None  # 2 = AAC-LC, 5 = HE-AAC (SBR), 29 = HE-AACv2 (PS)
    sample_rate: int | None  # Hz, of the core (HE-AAC: half the output rate)
    channels: int | None
    sbr: bool = False  # explicit SBR/PS signalling
    max_bitrate: int = 0  # b/s, as the esds states
    avg_bitrate: int = 0

    @property
    def profile(self) -> str:
        return AUDIO_OBJECT_TYPES.get(self.audio_object_type or 0, f"object type {self.audio_object_type}")


@dataclass(frozen=True)
class Track:
    """One `trak`: handler ("vide", "soun"), timescale, sample entry and what its children say."""

    track_id: int
    handler: str
    timescale: int
    duration: int  # in timescale units (mdhd)
    entry: str  # sample entry fourcc ("avc1", "mp4a", …)
    width: int = 0  # px, from the sample entry
    height: int = 0
    video: StreamConfig | None = None
    audio: AudioConfig | None = None
    channels: int = 0  # from the audio sample entry
    sample_rate: int = 0  # Hz, from the audio sample entry
    colr: tuple[str, int, int, int, bool | None] | None = None  # (type, primaries, transfer, matrix, full range)
    fields: int | None = None  # `fiel` box: 1 progressive, 2 interlaced
    edit_list: EditList | None = None
    stts: tuple[tuple[int, int], ...] = ()  # (sample count, sample delta)
    sample_count: int = 0
    sync_samples: int | None = None  # number of `stss` entries (None: every sample is a sync sample)


@dataclass(frozen=True)
class Mp4:
    """What the boxes of one file say."""

    top: tuple[Box, ...]
    major_brand: str = ""
    brands: tuple[str, ...] = ()
    timescale: int = 0
    duration: int = 0  # movie timescale units (mvhd)
    tracks: tuple[Track, ...] = ()
    fragmented: bool = False  # `mvex` in moov or a top-level `moof`
    boxes_seen: frozenset[str] = field(default_factory=frozenset)

    @property
    def top_kinds(self) -> list[str]:
        return [b.kind for b in self.top]

    @property
    def moov_first(self) -> bool:
        """`moov` comes before the first `mdat` (the file can play while it downloads)."""
        kinds = self.top_kinds
        if "moov" not in kinds:
            return False
        return "mdat" not in kinds or kinds.index("moov") < kinds.index("mdat")

    @property
    def quicktime(self) -> bool:
        return self.major_brand == "qt  "

    def track(self, handler: str) -> Track | None:
        return next((t for t in self.tracks if t.handler == handler), None)


def _boxes(data: bytes, start: int = 0, end: int | None = None):
    """(kind, payload start, payload end) of the boxes in `data[start:end]`."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        head = 8
        if size == 1:
            if pos + 16 > end:
                return
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            head = 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            return
        yield kind, pos + head, pos + size
        pos += size


def top_level(path: Path, limit: int = 4096) -> tuple[list[Box], bytes | None, bytes]:
    """The top-level boxes of a file, the `moov` payload and the `ftyp` payload (read without `mdat`)."""
    boxes: list[Box] = []
    moov: bytes | None = None
    ftyp = b""
    with open(path, "rb") as f:
        total = f.seek(0, 2)
        pos = 0
        while pos + 8 <= total and len(boxes) < limit:
            f.seek(pos)
            head = f.read(16)
            size, kind = struct.unpack(">I4s", head[:8])
            hsize = 8
            if size == 1:
                if len(head) < 16:
                    break
                size, hsize = struct.unpack(">Q", head[8:16])[0], 16
            elif size == 0:
                size = total - pos
            if size < hsize or not kind.isascii():
                raise Mp4Error(f"box at byte {pos} has size {size}")
            name = kind.decode("latin-1")
            boxes.append(Box(name, pos, size))
            if kind == b"moov" and moov is None:
                if size > MAX_INDEX:
                    raise Mp4Error(f"moov of {size} bytes")
                f.seek(pos + hsize)
                moov = f.read(size - hsize)
            elif kind == b"ftyp":
                f.seek(pos + hsize)
                ftyp = f.read(min(size - hsize, 256))
            pos += size
    if not boxes or boxes[0].kind not in ("ftyp", "wide", "free", "skip", "mdat", "moov", "styp", "pnot"):
        raise Mp4Error("no ftyp/moov/mdat box at the start")
    return boxes, moov, ftyp


def _descriptor(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, payload start, payload end) of an MPEG-4 descriptor at `pos`."""
    tag = data[pos]
    pos += 1
    length = 0
    for _ in range(4):
        b = data[pos]
        pos += 1
        length = (length << 7) | (b & 0x7F)
        if not b & 0x80:
            break
    return tag, pos, min(pos + length, len(data))


def parse_audio_specific_config(asc: bytes) -> tuple[int, int | None, int | None, bool]:
    """(audio object type, core sample rate Hz, channel configuration, explicit SBR/PS) of an AudioSpecificConfig."""
    bits = int.from_bytes(asc, "big")
    n = len(asc) * 8
    pos = 0

    def take(k: int) -> int:
        nonlocal pos
        if pos + k > n:
            raise ValueError("AudioSpecificConfig too short")
        v = (bits >> (n - pos - k)) & ((1 << k) - 1)
        pos += k
        return v

    def aot() -> int:
        t = take(5)
        return 32 + take(6) if t == 31 else t

    def rate() -> int | None:
        i = take(4)
        return take(24) if i == 15 else (SAMPLE_RATES[i] if i < len(SAMPLE_RATES) else None)

    object_type = aot()
    sample_rate = rate()
    channels = take(4)
    sbr = False
    if object_type in (5, 29):  # explicit hierarchical signalling: the extension rate, then the core's type
        sbr = True
        rate()
        core = aot()
        return object_type, sample_rate, channels, sbr if core else sbr
    if object_type == 2 and n - pos >= 3 + 16:  # GASpecificConfig, then backward-compatible SBR/PS signalling
        take(3)
        if take(11) == 0x2B7 and aot() == 5 and take(1):  # sync extension: SBR present (HE-AAC)
            rate()
            object_type, sbr = 5, True
            if n - pos >= 12 and take(11) == 0x548 and take(1):  # PS present (HE-AACv2)
                object_type = 29
    return object_type, sample_rate, channels, sbr


def _esds(payload: bytes) -> AudioConfig | None:
    data = payload[4:]  # version + flags
    if not data or data[0] != 0x03:
        return None
    _, p, end = _descriptor(data, 0)
    flags = data[p + 2]
    p += 3
    if flags & 0x80:
        p += 2
    if flags & 0x40:
        p += 1 + data[p]
    if flags & 0x20:
        p += 2
    while p < end:
        tag, s, e = _descriptor(data, p)
        if tag == 0x04:
            oti = data[s]
            max_br, avg_br = struct.unpack_from(">II", data, s + 5)
            q = s + 13
            aot = rate = ch = None
            sbr = False
            while q < e:
                t2, s2, e2 = _descriptor(data, q)
                if t2 == 0x05 and oti == 0x40:
                    try:
                        aot, rate, ch, sbr = parse_audio_specific_config(data[s2:e2])
                    except ValueError:
                        pass
                q = e2
            return AudioConfig(oti, aot, rate, ch, sbr, max_br, avg_br)
        p = e
    return None


def _visual_entry(kind: bytes, payload: bytes) -> dict:
    out: dict = {"width": struct.unpack_from(">H", payload, 24)[0], "height": struct.unpack_from(">H", payload, 26)[0]}
    for k, s, e in _boxes(payload, 78):
        body = payload[s:e]
        try:
            if k == b"avcC":
                out["video"] = parse_avcc(body)
            elif k == b"hvcC":
                out["video"] = parse_hvcc(body)
        except (ValueError, IndexError):
            out["video"] = None
        if k == b"colr" and len(body) >= 10:
            ctype = body[:4].decode("latin-1")
            prim, trc, mat = struct.unpack_from(">HHH", body, 4)
            full = bool(body[10] & 0x80) if ctype == "nclx" and len(body) >= 11 else None
            out["colr"] = (ctype, prim, trc, mat, full)
        elif k == b"fiel" and body:
            out["fields"] = body[0]
    return out


def _audio_entry(payload: bytes) -> dict:
    version = struct.unpack_from(">H", payload, 8)[0]
    channels = struct.unpack_from(">H", payload, 16)[0]
    rate = struct.unpack_from(">I", payload, 24)[0] >> 16
    start = 28 + (16 if version == 1 else 36 if version == 2 else 0)
    if version == 2:
        rate = round(struct.unpack_from(">d", payload, 32)[0])
        channels = struct.unpack_from(">I", payload, 40)[0]
    out: dict = {"channels": channels, "sample_rate": rate}

    def find(s: int, e: int) -> None:
        for k, bs, be in _boxes(payload, s, e):
            if k == b"esds":
                out["audio"] = _esds(payload[bs:be])
            elif k == b"wave":
                find(bs, be)
    find(start, len(payload))
    return out


def _track(data: bytes, s: int, e: int, seen: set[str]) -> Track:
    info: dict = {"track_id": 0, "handler": "", "timescale": 0, "duration": 0, "entry": ""}

    def walk(s: int, e: int) -> None:
        for k, bs, be in _boxes(data, s, e):
            seen.add(k.decode("latin-1"))
            body = data[bs:be]
            if k in CONTAINERS:
                walk(bs, be)
            elif k == b"tkhd":
                info["track_id"] = struct.unpack_from(">I", body, 20 if body[0] == 1 else 12)[0]
            elif k == b"mdhd":
                if body[0] == 1:
                    info["timescale"], info["duration"] = struct.unpack_from(">IQ", body, 20)
                else:
                    info["timescale"], info["duration"] = struct.unpack_from(">II", body, 12)
            elif k == b"hdlr":
                info["handler"] = body[8:12].decode("latin-1")
            elif k == b"elst":
                n = struct.unpack_from(">I", body, 4)[0]
                entries = []
                p = 8
                for _ in range(min(n, 10000)):
                    if body[0] == 1:
                        dur, mt = struct.unpack_from(">Qq", body, p)
                        p += 16
                    else:
                        dur, mt = struct.unpack_from(">Ii", body, p)
                        p += 8
                    ri, rf = struct.unpack_from(">hH", body, p)
                    p += 4
                    entries.append((dur, mt, ri + rf / 65536))
                info["edit_list"] = EditList(tuple(entries))
            elif k == b"stsd":
                for ek, es, ee in _boxes(body, 8):
                    info["entry"] = ek.decode("latin-1")
                    entry = body[es:ee]
                    if ek in VISUAL:
                        info.update(_visual_entry(ek, entry))
                    elif ek in AUDIO:
                        info.update(_audio_entry(entry))
                    break
            elif k == b"stts":
                n = struct.unpack_from(">I", body, 4)[0]
                rows = tuple(struct.unpack_from(">II", body, 8 + 8 * i) for i in range(min(n, (len(body) - 8) // 8)))
                info["stts"] = rows
                info["sample_count"] = sum(c for c, _ in rows)
            elif k == b"stss":
                info["sync_samples"] = struct.unpack_from(">I", body, 4)[0]
    walk(s, e)
    return Track(**info)


def read_mp4(path: Path) -> Mp4:
    """Parse the index of the MP4/MOV file at `path` (Mp4Error when it is not one)."""
    boxes, moov, ftyp = top_level(Path(path))
    major = ftyp[:4].decode("latin-1") if len(ftyp) >= 4 else ""
    brands = tuple(ftyp[i:i + 4].decode("latin-1") for i in range(8, len(ftyp) - 3, 4))
    seen = {b.kind for b in boxes}
    if moov is None:
        return Mp4(tuple(boxes), major, brands, fragmented="moof" in seen, boxes_seen=frozenset(seen))
    timescale = duration = 0
    tracks = []
    fragmented = "moof" in seen
    try:
        for k, s, e in _boxes(moov):
            seen.add(k.decode("latin-1"))
            if k == b"mvhd":
                if moov[s] == 1:
                    timescale, duration = struct.unpack_from(">IQ", moov, s + 20)
                else:
                    timescale, duration = struct.unpack_from(">II", moov, s + 12)
            elif k == b"trak":
                tracks.append(_track(moov, s, e, seen))
            elif k == b"mvex":
                fragmented = True
    except (struct.error, IndexError) as err:
        raise Mp4Error(f"broken moov ({err})") from None
    return Mp4(tuple(boxes), major, brands, timescale, duration, tuple(tracks), fragmented, frozenset(seen))
