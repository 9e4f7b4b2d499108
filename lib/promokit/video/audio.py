"""The sound of a promo: music bed, voice-over with the music ducked under it, clip sound, loudness.

One ffmpeg filter graph mixes everything to a 48 kHz stereo WAV of exactly the video's length (music
trimmed or looped, faded in and out, ducked at least `duck_db` under the voice-over by a volume envelope,
any input rate or channel count resampled); then loudness is normalised to the target (EBU R128, -14 LUFS
integrated, true peak below -1 dBTP) in two passes: measure (`ebur128`), then one linear gain when the
peaks allow it, else ffmpeg's `loudnorm` with the measured values. The video encode muxes the WAV as AAC.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import tools
from ..errors import ToolError
from ..scratch import scratch_dir
from ..tools import tool
from .plan import AudioPlan

TIMEOUT = 600.0  # s for one audio pass


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP
    lra: float  # LU
    threshold: float


def ffmpeg_exe() -> str:
    return tool("ffmpeg")


def run_ffmpeg(args: list[str], what: str, timeout: float = TIMEOUT) -> str:
    """Run ffmpeg to completion; its stderr (for filters that print there). ToolError on failure."""
    return tools.run_ffmpeg(args, what, timeout=timeout, fix_vi="kiểm tra các tệp âm thanh/video của chiến dịch",
                            fix_en="check the campaign's audio and video files")[1]


def _fmt(rate: int) -> str:
    return f"aformat=sample_fmts=fltp:sample_rates={rate}:channel_layouts=stereo"


def duck_expression(start: float, end: float, duck_db: float, ramp: float) -> str:
    """Volume (linear) of the music: 1, ramping to 10^(-duck_db/20) over `ramp` s around [start, end]."""
    g = 10 ** (-duck_db / 20)
    r = max(ramp, 1e-3)
    return f"max({g:.6f},min(1,max(({start:.4f}-t)/{r:.4f},(t-{end:.4f})/{r:.4f})))"


def mix_graph(plan: AudioPlan) -> tuple[list[str], str]:
    """ffmpeg input arguments and the filter graph (output label [out]) of the mix."""
    d = plan.duration
    rate = plan.rate
    inputs = ["-f", "lavfi", "-t", f"{d:.6f}", "-i", f"anullsrc=r={rate}:cl=stereo"]
    chains: list[str] = []
    labels = ["[0:a]"]
    n = 1
    if plan.music is not None:
        if plan.music_loop:
            inputs += ["-stream_loop", "-1"]
        inputs += ["-i", str(plan.music)]
        f = [_fmt(rate), f"atrim=0:{d:.6f}", "asetpts=N/SR/TB"]
        if plan.fade_in > 0:
            f.append(f"afade=t=in:st=0:d={plan.fade_in:.3f}")
        if plan.fade_out > 0:
            f.append(f"afade=t=out:st={max(0.0, d - plan.fade_out):.3f}:d={plan.fade_out:.3f}")
        if plan.music_gain_db:
            f.append(f"volume={plan.music_gain_db:.2f}dB")
        if plan.voice is not None and plan.voice_duration > 0:
            expr = duck_expression(plan.voice_start, plan.voice_start + plan.voice_duration, plan.duck_db,
                                   plan.duck_ramp)
            f.append(f"volume=eval=frame:volume='{expr}'")
        chains.append(f"[{n}:a]" + ",".join(f) + "[music]")
        labels.append("[music]")
        n += 1
    if plan.voice is not None and plan.voice_duration > 0:
        inputs += ["-i", str(plan.voice)]
        ms = int(round(plan.voice_start * 1000))
        chains.append(f"[{n}:a]{_fmt(rate)},atrim=0:{plan.voice_duration:.6f},asetpts=N/SR/TB,"
                      f"adelay=delays={ms}:all=1[voice]")
        labels.append("[voice]")
        n += 1
    for k, c in enumerate(plan.clips):
        length = c.end - c.start
        inputs += ["-ss", f"{c.src_in:.6f}", "-t", f"{length:.6f}", "-i", str(c.source)]
        fade = min(0.15, length / 4)
        ms = int(round(c.start * 1000))
        chains.append(f"[{n}:a]{_fmt(rate)},atrim=0:{length:.6f},asetpts=N/SR/TB,afade=t=in:d={fade:.3f},"
                      f"afade=t=out:st={max(0.0, length - fade):.3f}:d={fade:.3f},volume={plan.clip_gain_db:.2f}dB,"
                      f"adelay=delays={ms}:all=1[clip{k}]")
        labels.append(f"[clip{k}]")
        n += 1
    mix = (f"{''.join(labels)}amix=inputs={len(labels)}:duration=first:dropout_transition=0:normalize=0,"
           f"atrim=0:{d:.6f},{_fmt(rate)}[out]")
    return inputs, ";".join(chains + [mix])


def mix(plan: AudioPlan, out: Path) -> Path:
    """The un-normalised mix as a 32-bit float WAV (exactly `plan.duration` long)."""
    inputs, graph = mix_graph(plan)
    run_ffmpeg(["-v", "error", *inputs, "-filter_complex", graph, "-map", "[out]", "-c:a", "pcm_f32le",
                "-ar", str(plan.rate), "-ac", "2", str(out)], "trộn âm thanh / mix the sound")
    return out




def _num(v: str) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return -math.inf


def measure(path: Path, plan: AudioPlan | None = None) -> Loudness:
    """EBU R128 measurement of a file (ffmpeg `ebur128`, true peak by 4x oversampling)."""
    err = run_ffmpeg(["-v", "info", "-nostats", "-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true",
                      "-f", "null", "-"], "đo độ lớn âm thanh / measure loudness")
    tail = err[err.rfind("Summary:"):]
    vals = {k: _SUMMARY[k].search(tail) for k in _SUMMARY}
    if not vals["I"] or not vals["TP"]:
        raise ToolError.fail("không đọc được kết quả ebur128", "cannot read the ebur128 summary",
                             fix_vi="cập nhật ffmpeg", fix_en="update ffmpeg")
    return Loudness(*(_num(vals[k].group(1)) if vals[k] else 0.0 for k in ("I", "TP", "LRA", "thresh")))


def normalise(src: Path, out: Path, plan: AudioPlan) -> Loudness | None:
    """Bring the mix to the target loudness. One linear gain when the true peak allows it (the ducking
    and fades stay exactly as mixed); otherwise loudnorm with the measured values (it then limits the
    peaks). None when the mix is silent."""
    m = measure(src)
    if not math.isfinite(m.integrated) or m.integrated <= -70:
        shutil.copyfile(src, out)
        return None
    gain = plan.target_lufs - m.integrated
    if math.isfinite(m.true_peak) and m.true_peak + gain <= plan.target_tp:
        af = f"volume={gain:.3f}dB"
    else:
        lra = min(50.0, max(plan.target_lra, m.lra + 0.5))
        af = (f"loudnorm=I={plan.target_lufs}:TP={plan.target_tp}:LRA={lra}:measured_I={m.integrated}:"
              f"measured_TP={m.true_peak}:measured_LRA={m.lra}:measured_thresh={m.threshold}:linear=true,"
              f"aresample={plan.rate},{_fmt(plan.rate)}")
    run_ffmpeg(["-v", "error", "-i", str(src), "-af", af, "-c:a", "pcm_s16le", "-ar", str(plan.rate), "-ac", "2",
                "-t", f"{plan.duration:.6f}", str(out)], "chuẩn hóa độ lớn / normalise loudness")
    return m


def render_audio(plan: AudioPlan, out: Path) -> Path:
    """The finished 48 kHz stereo WAV for the video (normalised; silence when there is no sound)."""
    out = Path(out)
    fd, name = tempfile.mkstemp(prefix=".audio.", suffix=".mix.wav", dir=scratch_dir())  # the job's scratch
    os.close(fd)
    premix = Path(name)
    try:
        mix(plan, premix)
        if plan.silent:
            run_ffmpeg(["-v", "error", "-i", str(premix), "-c:a", "pcm_s16le", str(out)], "ghi âm thanh / write audio")
        else:
            normalise(premix, out, plan)
    finally:
        premix.unlink(missing_ok=True)
    return out


_SUMMARY = {
    "I": re.compile(r"Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf)\s*LUFS"),
    "thresh": re.compile(r"Integrated loudness:\s*\n\s*I:.*\n\s*Threshold:\s*(-?[\d.]+|-inf)\s*LUFS"),
    "LRA": re.compile(r"Loudness range:\s*\n\s*LRA:\s*(-?[\d.]+)\s*LU"),
    "TP": re.compile(r"True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS"),
}


def loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of the first audio stream of a file, by ffmpeg's ebur128."""
    m = measure(Path(path))
    return m.integrated, m.true_peak
