"""Writers (atomic, idempotent): pictures, clips, music synthesized with numpy, voices, the brand logo."""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .base import ESPEAK, F32, FFMPEG, SR, SYNTH_SR, Canvas, font
from .media import ClipSpec, MusicSpec

# ---------------------------------------------------------------------------------------------
# Writers (atomic, idempotent)
# ---------------------------------------------------------------------------------------------


def seed_of(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode("utf-8"))


def atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, then os.replace (no partial file at `path`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{os.getpid()}-{seed_of(str(path)) % 10000}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def render_scene(scene: Callable[..., dict], size: tuple[int, int], seed: int,
                 opts: tuple[tuple[str, object], ...] = ()) -> Image.Image:
    w, h = size
    c = Canvas(w, h, np.random.default_rng(seed))
    look = scene(c, **dict(opts)) or {}
    return c.finish(**look)


def write_jpeg(img: Image.Image, path: Path, title: str = "") -> None:
    exif = Image.Exif()
    exif[0x0112] = 1  # Orientation: top-left (normal)
    exif[0x0131] = "promokit make_samples.py"  # Software
    if title:
        exif[0x010E] = title.encode("ascii", "replace").decode("ascii")  # ImageDescription
    exif[0x8298] = "Anh minh hoa (procedural sample)"  # Copyright
    img.save(path, format="JPEG", quality=85, optimize=True, progressive=True, exif=exif.tobytes())


def _run(cmd: list[str], stdin: bytes | None = None) -> None:
    r = subprocess.run(cmd, input=stdin, capture_output=True)
    if r.returncode != 0:
        tail = r.stderr.decode("utf-8", "replace").strip().splitlines()[-6:]
        raise RuntimeError(f"ffmpeg failed ({r.returncode}): " + " | ".join(tail))


def write_clip(spec: ClipSpec, source: Path, path: Path, seed: int) -> None:
    """Pan over `source` with ffmpeg: H.264 High yuv420p 30 fps + AAC 48 kHz stereo (pink-noise ambience)."""
    dur = spec.seconds
    frames = int(round(dur * 30))
    portrait = spec.layout in ("portrait", "rotated")
    # decode once, scale to cover the work area, repeat the frame in memory, move a crop window over it
    if portrait:
        vf = "scale=-2:1440"
    else:
        vf = "scale=1600:900:force_original_aspect_ratio=increase"
    vf += f",loop=loop={frames - 1}:size=1:start=0,setpts=N/30/TB,"
    if portrait:
        vf += f"crop=720:1280:x='(in_w-out_w)*(0.15+0.7*t/{dur})':y='(in_h-out_h)*(1-t/{dur})'"
    else:
        vf += f"crop=1280:720:x='(in_w-out_w)*t/{dur}':y='(in_h-out_h)*(0.5+0.3*t/{dur})'"
    extra: list[str] = ["-r", "30"]
    if spec.layout == "rotated":
        vf += ",transpose=cclock"  # stored sideways; the display matrix (set below) turns it upright
    if spec.layout == "vfr":
        # drop frames irregularly but keep timestamps: variable frame rate, like phone footage
        vf += ",select='not(eq(mod(n\\,7)\\,3))*not(eq(mod(n\\,11)\\,5))'"
        extra = ["-fps_mode", "vfr"]
    vf += ",format=yuv420p"
    cmd = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
           "-f", "lavfi", "-t", f"{dur}",
           "-i", f"anoisesrc=color=pink:amplitude=0.04:sample_rate=48000:seed={seed % 100000},"
                 "lowpass=f=900,volume=0.8",
           "-filter_complex", f"[0:v]{vf}[v]", "-map", "[v]", "-map", "1:a",
           "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high",
           "-g", "60", "-threads", "2",
           "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2",
           "-t", f"{dur}", "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact",
           *extra, str(path)]
    _run(cmd)
    if spec.layout == "rotated":
        set_mp4_rotation(path, 90)


def set_mp4_rotation(path: Path, degrees: int) -> None:
    """Write a display rotation into the video track header (tkhd matrix), as phones do.

    ffmpeg 5.1 cannot set it when encoding (-display_rotation came in 6.0), so patch the
    36-byte matrix in place; players then turn the picture `degrees` clockwise.
    """
    import struct

    data = bytearray(path.read_bytes())

    def boxes(start: int, end: int):
        i = start
        while i + 8 <= end:
            size, kind = struct.unpack(">I4s", data[i:i + 8])
            hdr = 8
            if size == 1:
                size, hdr = struct.unpack(">Q", data[i + 8:i + 16])[0], 16
            elif size == 0:
                size = end - i
            yield kind, i + hdr, i + size
            i += size

    def find(start: int, end: int, kind: bytes):
        return next(((b, e) for k, b, e in boxes(start, end) if k == kind), None)

    moov = find(0, len(data), b"moov")
    if moov is None:
        raise RuntimeError(f"{path}: no moov box")
    for kind, b, e in boxes(*moov):
        if kind != b"trak":
            continue
        mdia = find(b, e, b"mdia")
        hdlr = find(*mdia, b"hdlr") if mdia else None
        if not hdlr or data[hdlr[0] + 8:hdlr[0] + 12] != b"vide":
            continue
        tb, _ = find(b, e, b"tkhd")
        version = data[tb]
        off = tb + (4 + 8 + 8 + 4 + 4 + 8 if version == 1 else 4 + 4 + 4 + 4 + 4 + 4) + 8 + 2 + 2 + 2 + 2
        w, h = struct.unpack(">II", data[off + 36:off + 44])
        w, h = w >> 16, h >> 16
        a, bb, c, d, tx, ty = {90: (0, 1, -1, 0, h, 0), 180: (-1, 0, 0, -1, w, h), 270: (0, -1, 1, 0, 0, w),
                               0: (1, 0, 0, 1, 0, 0)}[degrees % 360]
        data[off:off + 36] = struct.pack(">9i", a << 16, bb << 16, 0, c << 16, d << 16, 0, tx << 16, ty << 16, 1 << 30)
        path.write_bytes(bytes(data))
        return
    raise RuntimeError(f"{path}: no video track")


# ---------------------------------------------------------------------------------------------
# Music: a pentatonic tune over soft chords, synthesized with numpy
# ---------------------------------------------------------------------------------------------

PENTA = [0, 2, 4, 7, 9]  # major pentatonic (cung Bắc): do re mi sol la


def _note_hz(root: float, semis: float) -> float:
    return root * 2 ** (semis / 12)


def synth_music(spec: MusicSpec, seed: int) -> np.ndarray:
    """Stereo float32 (n, 2) at SYNTH_SR: pad chords, plucked bass, a pentatonic melody, light percussion."""
    rng = np.random.default_rng(seed)
    SR = SYNTH_SR  # noqa: N806 - the synthesis rate, resampled to 48 kHz on encoding
    n = int(spec.seconds * SR)
    out = np.zeros((n, 2), F32)
    beat = 60 / spec.bpm
    bar = 4 * beat
    progression = [[0, 4, 7], [9, 12, 16], [5, 9, 12], [7, 11, 14]]  # I vi IV V
    if spec.mood == "night":
        progression = [[9, 12, 16], [5, 9, 12], [0, 4, 7], [7, 11, 14]]
    t_all = np.arange(int((2 * bar + 2) * SR), dtype=F32) / SR

    def add(sig: np.ndarray, start: float, pan: float) -> None:
        i0 = int(start * SR)
        if i0 >= n:
            return
        sig = sig[: n - i0]
        out[i0:i0 + len(sig), 0] += sig * math.cos((pan + 1) * math.pi / 4)
        out[i0:i0 + len(sig), 1] += sig * math.sin((pan + 1) * math.pi / 4)

    # pad: two bars per chord, detuned sines, slow swell
    t = 0.0
    k = 0
    while t < spec.seconds:
        chord = progression[k % len(progression)]
        length = 2 * bar
        tt = t_all[: int((length + 1.5) * SR)]
        env = np.minimum(tt / 1.2, 1) * np.clip((length + 1.5 - tt) / 1.5, 0, 1)
        for j, semi in enumerate(chord):
            hz = _note_hz(spec.root, semi - 12)
            for det, pan in ((-0.7, -0.6), (0.7, 0.6)):
                s = np.sin(2 * np.pi * (hz + det) * tt) + 0.25 * np.sin(2 * np.pi * 2 * (hz + det) * tt)
                add((0.045 * env * s).astype(F32), t, pan * (0.5 + 0.2 * j))
        # bass on beats 1 and 3
        for b in (0, 2, 4, 6):
            hz = _note_hz(spec.root, chord[0] - 24)
            tb = t_all[: int(1.2 * SR)]
            s = np.sin(2 * np.pi * hz * tb) + 0.3 * np.sin(2 * np.pi * 2 * hz * tb)
            add((0.16 * np.exp(-tb * 3.5) * np.minimum(tb / 0.01, 1) * s).astype(F32), t + b * beat, 0.0)
        t += length
        k += 1
    # melody: a random walk on the pentatonic scale, plucked like a đàn tranh
    scale = [p + 12 * o for o in (0, 1) for p in PENTA] + [24]
    idx = rng.integers(3, 7)
    t = 2 * bar if spec.mood != "festive" else bar
    while t < spec.seconds - 2:
        dur = rng.choice([0.5, 0.5, 1.0, 1.0, 1.5, 2.0]) * beat
        if rng.random() < 0.15:
            t += dur
            continue
        idx = int(np.clip(idx + rng.choice([-2, -1, -1, 0, 1, 1, 2]), 0, len(scale) - 1))
        hz = _note_hz(spec.root, scale[idx])
        tn = t_all[: int((dur + 1.2) * SR)]
        bend = 1 + 0.004 * np.sin(2 * np.pi * 5.5 * tn) * np.clip(tn - 0.15, 0, 1)
        ph = 2 * np.pi * hz * np.cumsum(bend) / SR
        s = (np.sin(ph) * np.exp(-tn * 2.2) + 0.45 * np.sin(2 * ph) * np.exp(-tn * 4.5)
             + 0.2 * np.sin(3 * ph) * np.exp(-tn * 7) + 0.08 * np.sin(5 * ph) * np.exp(-tn * 12))
        s *= np.minimum(tn / 0.004, 1)
        add((0.2 * s).astype(F32), t, float(rng.uniform(-0.35, 0.35)))
        t += dur
    # percussion: soft shaker on eighths; a low drum on the downbeat for festive moods
    noise = rng.normal(0, 1, int(0.08 * SR)).astype(F32)
    shaker = np.diff(noise, prepend=0) * np.exp(-np.arange(len(noise)) / SR * 60)
    tb = t_all[: int(0.4 * SR)]
    drum = np.sin(2 * np.pi * (70 + 60 * np.exp(-tb * 30)) * tb) * np.exp(-tb * 9)
    t = bar
    i = 0
    while t < spec.seconds - 1:
        add((0.03 * shaker * (1.0 if i % 2 == 0 else 0.6)).astype(F32), t, 0.3)
        if spec.mood == "festive" and i % 8 == 0:
            add((0.3 * drum).astype(F32), t, 0.0)
        t += beat / 2
        i += 1
    # room: convolution with a decaying noise tail
    ir_n = int(1.3 * SR)
    ir = rng.normal(0, 1, (ir_n, 2)).astype(F32) * np.exp(-np.arange(ir_n) / SR * 4.0)[:, None]
    ir[0] = 0
    size = 1 << (n + ir_n - 1).bit_length()
    wet = np.stack([np.fft.irfft(np.fft.rfft(out[:, ch], size) * np.fft.rfft(ir[:, ch], size), size)[:n]
                    for ch in range(2)], -1).astype(F32)
    wet /= max(np.sqrt(np.mean(wet**2)), 1e-9) / max(np.sqrt(np.mean(out**2)), 1e-9)
    mixd = out * 0.78 + wet * 0.32
    # fades, loudness about -20 dBFS RMS (a bed, around -18 LUFS), soft peak limit
    tt = np.arange(n, dtype=F32) / SR
    fade = np.minimum(tt / 1.5, 1) * np.clip((spec.seconds - tt) / 3.0, 0, 1)
    mixd *= fade[:, None]
    rms = float(np.sqrt(np.mean(mixd**2)))
    mixd *= 10 ** (-20 / 20) / max(rms, 1e-9)
    mixd = np.tanh(mixd * 1.4) / 1.4
    return mixd.astype(F32)


def write_music(spec: MusicSpec, path: Path, seed: int) -> None:
    """Encode the tune with ffmpeg at 48 kHz stereo (.mp3, .m4a, .wav, .ogg or .flac by the name)."""
    pcm = (np.clip(synth_music(spec, seed), -1, 1) * 32767).astype("<i2")
    codec = {".mp3": ["-c:a", "libmp3lame", "-b:a", "160k"],
             ".m4a": ["-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart"],
             ".wav": ["-c:a", "pcm_s16le"],
             ".ogg": ["-c:a", "libvorbis", "-q:a", "4"],
             ".flac": ["-c:a", "flac"]}[path.suffix.lower()]
    _run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(SYNTH_SR), "-ac", "2",
          "-i", "pipe:0", "-af", f"aresample={SR}",
          *codec, "-map_metadata", "-1", "-fflags", "+bitexact", str(path)], stdin=pcm.tobytes())


def write_voice(text: str, path: Path, rate: int = SR, channels: int = 2) -> None:
    """Optional voice-over with espeak-ng (Vietnamese voice), resampled to a WAV (48 kHz stereo by default)."""
    with tempfile.TemporaryDirectory(prefix="promokit-voice-") as td:
        raw = Path(td) / "raw.wav"
        _run([ESPEAK or "espeak-ng", "-v", "vi", "-s", "140", "-w", str(raw), text])
        _run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-i", str(raw), "-ar", str(rate), "-ac",
              str(channels), "-c:a", "pcm_s16le", str(path)])


# ---------------------------------------------------------------------------------------------
# Brand logo
# ---------------------------------------------------------------------------------------------


def make_logo(size: int = 512) -> Image.Image:
    """A round emblem: green disc, golden ring, a lotus over the river, 'LẤP VÒ' below."""
    S = size * 4
    im = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    green, gold, white = (11, 93, 59, 255), (242, 183, 5, 255), (255, 255, 255, 255)
    d.ellipse([S * 0.02, S * 0.02, S * 0.98, S * 0.98], fill=gold)
    d.ellipse([S * 0.055, S * 0.055, S * 0.945, S * 0.945], fill=green)
    d.ellipse([S * 0.075, S * 0.075, S * 0.925, S * 0.925], outline=(255, 255, 255, 90), width=int(S * 0.006))
    cx, base = S * 0.5, S * 0.55
    petals = [(0, 0.30, 0.085), (-28, 0.25, 0.075), (28, 0.25, 0.075), (-56, 0.19, 0.065), (56, 0.19, 0.065)]
    for ang, length, width in sorted(petals, key=lambda p: -abs(p[0])):
        a = math.radians(ang)
        L, W = S * length, S * width
        tip = (cx + math.sin(a) * L, base - math.cos(a) * L)
        pts = []
        for t in np.linspace(0, 1, 30):
            r = W * math.sin(math.pi * t) ** 0.8
            px, py = cx + math.sin(a) * L * t, base - math.cos(a) * L * t
            pts.append((px + math.cos(a) * r, py + math.sin(a) * r))
        for t in np.linspace(1, 0, 30):
            r = W * math.sin(math.pi * t) ** 0.8
            px, py = cx + math.sin(a) * L * t, base - math.cos(a) * L * t
            pts.append((px - math.cos(a) * r, py - math.sin(a) * r))
        fill = (255, 255, 255, 255) if ang == 0 else (255, 236, 200, 255)
        d.polygon(pts, fill=fill)
        d.line([(cx, base), tip], fill=(242, 183, 5, 200), width=int(S * 0.006))
    for i, (y, amp) in enumerate(((0.6, 0.018), (0.665, 0.015))):
        pts = [(x, S * y + math.sin((x / S) * 4 * math.pi + i) * S * amp) for x in np.linspace(S * 0.16, S * 0.84, 80)]
        d.line(pts, fill=(120, 200, 230, 255) if i == 0 else white, width=int(S * 0.022))
    f = font(int(S * 0.13))
    d.text((cx, S * 0.8), "LẤP VÒ", font=f, fill=white, anchor="mm")
    return im.resize((size, size), Image.LANCZOS)


