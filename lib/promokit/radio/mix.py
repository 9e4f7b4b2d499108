"""The mix for horn loudspeakers (or online): one ffmpeg filter graph, loudness in two passes, MP3 + WAV.

Graph: the voices laid on one track (numpy, exact sample positions) → split as the side-chain; the music
bed looped, shaped to its spans with fades and ducked under the speech (`sidechaincompress`); jingles
cut to length with a fade and delayed to their place; everything summed; then the preset's band-pass
(high-pass and low-pass sections, 12 dB/octave each) and compressor; `ebur128` measures on the way out.
Then, in numpy on the mixed samples: one gain to the target loudness and a look-ahead peak limiter that keeps
sample peaks 1 dB under the true-peak ceiling. The WAV master (PCM 16-bit 48 kHz) is encoded to MP3 with ID3 tags. Every written file is
measured again for its checks record (loudness, true peak, duration, band limits).
"""

from __future__ import annotations

import math
import re
import subprocess
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ToolError
from ..tools import run_ffmpeg, tool
from .plan import Timeline

RATE = 48_000
TIMEOUT = 900.0


def _ffmpeg() -> str:
    return tool("ffmpeg")


_FIX = {"fix_vi": "kiểm tra nhạc nền, nhạc hiệu và giọng đọc", "fix_en": "check the bed, jingles and voices"}


def run(args: list[str], what: str) -> str:
    """ffmpeg to completion; its stderr. ToolError naming `what` on failure."""
    return run_ffmpeg(args, what, timeout=TIMEOUT, **_FIX)[1]


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP


_I = re.compile(r"I:\s*(-?[\d.]+|-inf)\s*LUFS")
_TP = re.compile(r"True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS")


def parse_ebur128(stderr: str, *, peak: bool = True) -> Loudness:
    """The integrated loudness and (with `peak`) true peak of ebur128's summary; -inf for silence."""
    tail = stderr[stderr.rfind("Summary:"):]
    i, tp = _I.search(tail), _TP.search(tail)
    if not i or (peak and not tp):
        raise ToolError.fail("không đọc được kết quả ebur128", "cannot read the ebur128 summary",
                             fix_vi="cập nhật ffmpeg", fix_en="update ffmpeg")
    return Loudness(float(i.group(1)), float(tp.group(1)) if tp else math.nan)


def measure(path: Path) -> Loudness:
    """EBU R128 integrated loudness (LUFS) and true peak (dBTP, 4x oversampling) of a file by ffmpeg's ebur128."""
    return parse_ebur128(run(["-v", "info", "-nostats", "-i", str(path), "-map", "0:a:0",
                              "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"], "đo độ lớn / measure loudness"))


def voice_track(timeline: Timeline, takes: list[np.ndarray], rate: int = RATE) -> np.ndarray:
    """Every voice at its place on one mono track as long as the timeline."""
    out = np.zeros(int(round(timeline.duration * rate)) + 1, dtype=np.float32)
    for item, x in zip(timeline.voices(), takes, strict=True):
        a = int(round(item.start * rate))
        n = min(x.size, out.size - a)
        out[a:a + n] += x[:n]
    return out


def _envelope(spans: tuple[tuple[float, float], ...], fade_in: float, fade_out: float) -> str:
    """A volume expression: 1 inside each span, ramping in/out at its ends, 0 elsewhere."""
    if not spans:
        return "0"
    parts = [f"max(0,min(1,min((t-{a:.3f})/{max(fade_in, 1e-3):.3f},({b:.3f}-t)/{max(fade_out, 1e-3):.3f})))"
             for a, b in spans]
    expr = parts[0]
    for p in parts[1:]:
        expr = f"max({expr},{p})"
    return expr


def _lin(db: float) -> float:
    return 10 ** (db / 20)


def graph(timeline: Timeline, voice_wav: Path, bed: Path | None, style: dict, preset: dict, *,
          peak: bool = False) -> tuple[list[str], str]:
    """ffmpeg input arguments and the filter graph (output [out]) of a bulletin."""
    d = timeline.duration
    rate = int(preset.get("rate", RATE))
    fmt = f"aformat=sample_fmts=fltp:sample_rates={rate}:channel_layouts=mono"
    inputs = ["-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", str(voice_wav)] if voice_wav.suffix == ".f32" \
        else ["-i", str(voice_wav)]
    chains = [f"[0:a]{fmt},asplit=2[sp][sc]"]
    mix = ["[sp]"]
    n = 1
    if bed is not None and timeline.bed:
        b = style["bed"]
        dk = b["duck"]
        inputs += ["-stream_loop", "-1", "-i", str(bed)]
        chains.append(
            f"[{n}:a]{fmt},atrim=0:{d:.6f},asetpts=N/SR/TB,volume={b['gain_db']}dB,"
            f"volume=eval=frame:volume='{_envelope(timeline.bed, b['fade_in'], b['fade_out'])}'[bedraw];"
            f"[bedraw][sc]sidechaincompress=threshold={dk['threshold']}:ratio={dk['ratio']}:attack={dk['attack']}"
            f":release={dk['release']}:makeup={dk['makeup']}[bed]")
        mix.append("[bed]")
        n += 1
    else:
        chains[0] = f"[0:a]{fmt}[sp]"
    j = style["jingle"]
    for k, item in enumerate(timeline.jingles()):
        fade = min(float(j["fade"]), item.duration / 2)
        delay = int(round(item.start * 1000))
        inputs += ["-i", str(item.source)]
        chains.append(f"[{n}:a]{fmt},atrim=0:{item.duration:.6f},asetpts=N/SR/TB,"
                      f"afade=t=out:st={item.duration - fade:.6f}:d={fade:.6f},volume={j['gain_db']}dB,"
                      f"adelay={delay}:all=1[j{k}]")
        mix.append(f"[j{k}]")
        n += 1
    bus = (f"{''.join(mix)}amix=inputs={len(mix)}:duration=first:normalize=0" if len(mix) > 1 else f"{mix[0]}anull")
    shape = [f"highpass=f={preset['highpass']}:poles=2"] * int(preset["filter_order"]) + \
        [f"lowpass=f={preset['lowpass']}:poles=2"] * int(preset["filter_order"])
    c = preset["compressor"]
    shape.append(f"acompressor=threshold={_lin(c['threshold']):.5f}:ratio={c['ratio']}:attack={c['attack']}"
                 f":release={c['release']}:makeup={_lin(c['makeup']):.4f}")
    layout = "stereo" if int(preset["channels"]) == 2 else "mono"
    chains.append(f"{bus},apad=whole_dur={d:.6f},atrim=0:{d:.6f},{','.join(shape)},"
                  f"aformat=sample_fmts=fltp:sample_rates={rate}:channel_layouts={layout},"
                  f"ebur128={'peak=true:' if peak else ''}framelog=verbose[out]")
    return inputs, ";".join(chains)


def limit(x: np.ndarray, ceiling: float, rate: int, *, release: float = 0.06) -> tuple[np.ndarray, int]:
    """Peak limiter (samples × channels, in place): a gain that dips ahead of every peak above `ceiling`
    (linear) and recovers over `release` s; no sample exceeds the ceiling. Returns (x, blocks limited)."""
    block = max(1, int(0.005 * rate))
    n = x.shape[0]
    peak = np.abs(x[:, 0] if x.ndim == 2 and x.shape[1] == 1 else x.max(axis=1) if x.ndim == 2 else x)
    if x.ndim == 2 and x.shape[1] > 1:
        peak = np.maximum(np.abs(x.max(axis=1)), np.abs(x.min(axis=1)))
    pad = (-n) % block
    need = np.minimum(1.0, ceiling / np.maximum(np.pad(peak, (0, pad)), 1e-12)).reshape(-1, block).min(axis=1)
    if need.min() >= 1.0:
        return x, 0
    g = need.copy()
    g[1:] = np.minimum(g[1:], need[:-1])  # each block's gain covers its neighbours: no overshoot in between
    g[:-1] = np.minimum(g[:-1], need[1:])
    # release: after a dip the gain recovers exponentially towards 1 (time constant `release`)
    keep = 1.0 - (1.0 - g)
    decay = np.exp(-block / (release * rate))
    for k in range(1, int(4 * release * rate / block) + 1):
        keep[k:] = np.minimum(keep[k:], 1.0 - (1.0 - g[:-k]) * decay ** k)
    hit = int(np.count_nonzero(g < 1.0))
    g = keep
    low = np.nonzero(g < 1.0)[0]
    # runs of limited blocks (with a block either side): the gain is interpolated there only
    starts = low[np.r_[True, np.diff(low) > 2]]
    ends = low[np.r_[np.diff(low) > 2, True]]
    mono = x if x.ndim == 1 else None
    for a0, b0 in zip(starts, ends, strict=True):
        lo, hi = max(0, a0 - 1), min(g.size - 1, b0 + 1)
        s0, s1 = lo * block, min(n, (hi + 1) * block)
        centres = np.arange(lo, hi + 1) * block + block / 2
        gain = np.interp(np.arange(s0, s1), centres, g[lo:hi + 1]).astype(np.float32)
        if mono is not None:
            mono[s0:s1] *= gain
        else:
            x[s0:s1] *= gain[:, None]
    return x, hit


def _pipe(args: list[str], what: str, stdin: bytes | None = None) -> tuple[bytes, str]:
    """ffmpeg with its output on stdout (and optional input on stdin): (stdout bytes, stderr text)."""
    return run_ffmpeg(args, what, stdin=stdin, timeout=TIMEOUT, **_FIX)


def master(timeline: Timeline, takes: list[np.ndarray], bed: Path | None, style: dict, preset: dict,
           out_wav: Path, out_mp3: Path, tags: dict[str, str]) -> dict:
    """Mix (the ffmpeg graph, measuring on the way out), then one gain to the preset's loudness and a peak
    limiter under its true-peak ceiling (numpy); write the 16-bit WAV `out_wav` and, at the same time on the
    other core, the MP3 `out_mp3` with ID3 `tags`. Returns what was done."""
    channels, rate = int(preset["channels"]), int(preset.get("rate", RATE))
    with tempfile.TemporaryDirectory(prefix="promokit-radio-") as td:
        vw = Path(td) / "voices.f32"
        voice_track(timeline, takes).astype("<f4").tofile(vw)
        inputs, g = graph(timeline, vw, bed, style, preset)
        raw, err = _pipe(["-v", "info", "-nostats", *inputs, "-filter_complex", g, "-map", "[out]", "-f", "f32le",
                          "-c:a", "pcm_f32le", "-"], "trộn bản tin / mix the bulletin")
    first = parse_ebur128(err, peak=False)
    if not math.isfinite(first.integrated) or first.integrated < -70:
        raise ToolError.fail("bản tin im lặng sau khi trộn", "the mixed bulletin is silent",
                             fix_vi="kiểm tra các tệp giọng đọc", fix_en="check the voice files")
    x = np.frombuffer(raw, dtype="<f4").reshape(-1, channels).copy()
    del raw
    gain = float(preset["lufs"]) - first.integrated
    ceiling = _lin(float(preset["true_peak"]) - float(preset.get("peak_margin", 1.0)))
    # sample peaks `peak_margin` dB under the true-peak ceiling leave room for the peaks between samples
    y, limited = limit(x * np.float32(_lin(gain)), ceiling, rate)
    if limited:  # the limiter took some loudness: once more with that much more gain (energy ratio, dB)
        loss = 10 * math.log10(float(np.mean((x * np.float32(_lin(gain))) ** 2)) / max(float(np.mean(y ** 2)), 1e-20))
        if loss > 0.05:
            gain += min(loss, 3.0)
            y, limited = limit(x * np.float32(_lin(gain)), ceiling, rate)
    x = y
    pcm = (np.clip(x, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()
    with ThreadPoolExecutor(max_workers=1) as pool:
        mp3 = pool.submit(encode_mp3, pcm, out_mp3, tags, str(preset["mp3_bitrate"]), rate, channels)
        with wave.open(str(out_wav), "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm)
        margin = 2 ** float(preset.get("band_margin", 0.0))
        band = band_fraction(x.mean(axis=1), rate, float(preset["highpass"]) / margin,
                             float(preset["lowpass"]) * margin)
        mp3.result()
    return {"mix_lufs": first.integrated, "gain_db": round(gain, 2), "limited_blocks": limited,
            "out_of_band": round(band, 5), "rate": rate}


def encode_mp3(pcm: bytes | Path, out: Path, tags: dict[str, str], bitrate: str, rate: int, channels: int,
               gain_db: float = 0.0) -> None:
    """16-bit PCM (bytes, or a WAV file) as MP3 (LAME CBR) with ID3v2.3 tags (title, album = campaign,
    artist = station, date, …); `gain_db` corrects the encoder's loudness change."""
    meta = [a for k, v in tags.items() if v for a in ("-metadata", f"{k}={v}")]
    src = ["-i", str(pcm)] if isinstance(pcm, Path) else ["-f", "s16le", "-ar", str(rate), "-ac", str(channels),
                                                          "-i", "pipe:0"]
    _pipe(["-v", "error", *src, *(["-af", f"volume={gain_db:.2f}dB"] if gain_db else []), "-c:a", "libmp3lame",
           "-b:a", bitrate, "-compression_level", "7", "-id3v2_version", "3", "-write_id3v1", "1", *meta,
           "-f", "mp3", str(out)], "mã hóa MP3 / encode MP3", stdin=None if isinstance(pcm, Path) else pcm)


def band_energy_outside(path: Path, low: float, high: float) -> float:
    """Fraction of the spectral energy below `low` or above `high` Hz (numpy FFT of the decoded mono file)."""
    r = subprocess.run([_ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-ac", "1",
                        "-ar", str(RATE), "-f", "f32le", "-"], capture_output=True, timeout=TIMEOUT)
    return band_fraction(np.frombuffer(r.stdout, dtype="<f4"), RATE, low, high)


def band_fraction(x: np.ndarray, rate: int, low: float, high: float) -> float:
    """Fraction of the spectral energy of mono samples `x` below `low` or above `high` Hz (Welch-style
    average of Hann-windowed 32768-point FFT frames)."""
    x = np.asarray(x, dtype=np.float32)
    if x.size < 1024:
        return 0.0
    n = 1 << 15
    frames = x[: x.size // n * n].reshape(-1, n) if x.size >= n else np.pad(x, (0, n - x.size))[None, :]
    power = (np.abs(np.fft.rfft(frames * np.hanning(n).astype(np.float32), axis=1)) ** 2).sum(axis=0)
    freqs = np.fft.rfftfreq(n, 1 / rate)
    total = float(power.sum())
    return float(power[(freqs < low) | (freqs > high)].sum() / total) if total > 0 else 0.0
