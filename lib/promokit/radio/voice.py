"""Voices: recorded files cleaned (decoded at any rate and channel count to mono 48 kHz, trimmed of
silence, de-clicked, levelled) and guide tracks from an offline speech engine behind a registry.

A missing, unreadable or silent voice file is an error naming the file and the segment; a clipped one is
used and reported. Guide engines: `espeak-ng` (Vietnamese voice, installed by `scripts/setup-system.sh`) and
`piper` (a neural voice the office installs once: `radio: {engine: piper, model: voices/vi.onnx}` in
brand.yml, the model path relative to assets/brand/). A new engine is one class and one `register` line.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import AssetError, ToolError
from ..registry import Registry
from ..tools import tool

TIMEOUT = 300.0  # s for one decode or synthesis


def _exe(name: str, package: str) -> str:
    return tool(name)


def decode(path: Path, rate: int, *, field: str | None = None, spec_file: Path | None = None) -> np.ndarray:
    """Any audio file as mono float32 samples at `rate` Hz. AssetError when missing or unreadable."""
    path = Path(path)
    if not path.is_file():
        raise AssetError.fail(f"không có tệp giọng đọc '{path.name}'", f"voice file '{path.name}' not found",
                              file=spec_file or path, field=field,
                              fix_vi=f"chép tệp vào {path.parent} hoặc bỏ dòng 'voice:' để dùng giọng đọc thử",
                              fix_en=f"copy the file to {path.parent} or remove the 'voice:' line to use a guide track")
    cmd = [_exe("ffmpeg", "ffmpeg"), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0",
           "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ToolError.fail("giải mã âm thanh quá lâu", "decoding took too long", file=path,
                             fix_vi="xuất lại tệp WAV hoặc MP3", fix_en="export the file again as WAV or MP3") from None
    samples = np.frombuffer(r.stdout, dtype="<f4")
    if r.returncode != 0 or samples.size == 0:
        why = " | ".join(r.stderr.decode("utf-8", "replace").strip().splitlines()[-2:]) or "no audio"
        raise AssetError.fail(f"không đọc được tệp âm thanh ({why})", f"cannot read the audio file ({why})",
                              file=path, field=field, fix_vi="xuất lại tệp dạng WAV hoặc MP3 (mở được bằng trình phát)",
                              fix_en="export it again as WAV or MP3 (one that plays)")
    return samples.astype(np.float32, copy=True)


@dataclass(frozen=True)
class Take:
    """A cleaned voice: mono float32 `samples` at `rate` Hz, what was done, and warnings."""

    samples: np.ndarray
    rate: int
    source: Path | None
    guide: bool
    facts: dict
    warnings: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        return self.samples.size / self.rate


def _db(x: float) -> float:
    return 20 * np.log10(max(x, 1e-12))


def _frames_rms(x: np.ndarray, n: int) -> np.ndarray:
    m = x.size // n
    if m == 0:
        return np.array([float(np.sqrt(np.mean(x ** 2))) if x.size else 0.0])
    return np.sqrt(np.mean(x[: m * n].reshape(m, n) ** 2, axis=1))


def declick(x: np.ndarray, ratio: float) -> tuple[np.ndarray, int]:
    """Single-sample clicks (a jump far above the local median jump, going and coming back) replaced by
    the mean of their neighbours. Returns (samples, clicks removed)."""
    if x.size < 64:
        return x, 0
    y = x.copy()
    resid = np.abs(x[1:-1] - 0.5 * (x[:-2] + x[2:]))
    win = 512
    m = resid.size // win
    local = np.repeat(np.median(resid[: max(m, 1) * win].reshape(max(m, 1), -1), axis=1), win)
    local = np.pad(local, (0, resid.size - local.size), mode="edge")[: resid.size]
    clicks = np.nonzero(resid > ratio * np.maximum(local, 1e-4) + 0.05)[0] + 1
    y[clicks] = 0.5 * (x[clicks - 1] + x[clicks + 1])
    return y, int(clicks.size)


def clean(samples: np.ndarray, rate: int, style: dict, *, source: Path | None, guide: bool = False,
          field: str | None = None, spec_file: Path | None = None) -> Take:
    """Trim silence at both ends, de-click, level the speech to `level_db` RMS (peaks under `max_peak_db`).
    A silent file is an AssetError; a clipped one a warning."""
    v = style["voice"]
    name = source.name if source else "guide"
    win = max(1, int(0.05 * rate))
    rms = _frames_rms(samples, win)
    if samples.size == 0 or _db(float(rms.max(initial=0.0))) < v["silent_db"]:
        raise AssetError.fail(f"tệp giọng đọc '{name}' im lặng (không nghe thấy tiếng)",
                              f"voice file '{name}' is silent", file=spec_file or source, field=field,
                              fix_vi="thu âm lại (kiểm tra micro) hoặc bỏ dòng 'voice:' để dùng giọng đọc thử",
                              fix_en="record it again (check the microphone) or remove 'voice:' for a guide track")
    warnings: list[str] = []
    clipped = float(np.mean(np.abs(samples) >= v["clip_level"]))
    if clipped > v["clip_fraction"]:
        warnings.append(f"{name}: {clipped:.2%} mẫu bị méo (clipping) — nên thu âm lại nhỏ hơn / "
                        f"{clipped:.2%} of samples clipped — record again at a lower level")
    loud = np.nonzero(20 * np.log10(np.maximum(rms, 1e-12)) >= v["trim_db"])[0]
    keep = int(v["keep"] * rate)
    a = max(0, loud[0] * win - keep)
    b = min(samples.size, (loud[-1] + 1) * win + keep)
    x, clicks = declick(samples[a:b], float(v["click_ratio"]))
    voiced = _frames_rms(x, win)
    voiced = voiced[20 * np.log10(np.maximum(voiced, 1e-12)) >= v["trim_db"]]
    speech_rms = float(np.sqrt(np.mean(voiced ** 2))) if voiced.size else float(np.sqrt(np.mean(x ** 2)))
    gain = 10 ** ((v["level_db"] - _db(speech_rms)) / 20)
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    gain = min(gain, 10 ** (v["max_peak_db"] / 20) / max(peak, 1e-9))
    x = (x * gain).astype(np.float32)
    n = min(int(0.005 * rate), x.size // 2)  # 5 ms fades: no click at the cut
    if n:
        ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    facts = {"trimmed_start_s": round(a / rate, 3), "trimmed_end_s": round((samples.size - b) / rate, 3),
             "clicks_removed": clicks, "gain_db": round(_db(gain), 2), "clipped_fraction": round(clipped, 5),
             "duration_s": round(x.size / rate, 3)}
    return Take(x, rate, source, guide, facts, tuple(warnings))


# -- guide engines -------------------------------------------------------------------------------

class Engine(Protocol):
    """An offline speech engine: Vietnamese text → a WAV file (any rate)."""

    name: str

    def synthesize(self, text: str, out: Path) -> None: ...


@dataclass(frozen=True)
class Espeak:
    """espeak-ng's Vietnamese voice (formant synthesis: intelligible, clearly not a final voice)."""

    voice: str = "vi"
    speed: int = 150  # words per minute
    pitch: int = 45
    name: str = "espeak-ng"

    def synthesize(self, text: str, out: Path) -> None:
        exe = _exe("espeak-ng", "espeak-ng")
        r = subprocess.run([exe, "-v", self.voice, "-s", str(self.speed), "-p", str(self.pitch), "-w", str(out),
                            "--stdin"], input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT)
        if r.returncode != 0 or not Path(out).is_file():
            raise ToolError.fail(f"espeak-ng lỗi: {r.stderr.decode('utf-8', 'replace').strip()[:200]}",
                                 f"espeak-ng failed: {r.stderr.decode('utf-8', 'replace').strip()[:200]}",
                                 fix_vi="cài espeak-ng (scripts/setup-system.sh)", fix_en="install espeak-ng")


@dataclass(frozen=True)
class Piper:
    """A Piper neural voice: the model (.onnx, its .onnx.json beside it) named in brand.yml `radio.model`."""

    model: Path
    name: str = "piper"

    def synthesize(self, text: str, out: Path) -> None:
        exe = _exe("piper", "piper-tts (pip) and a Vietnamese voice model")
        if not Path(self.model).is_file():
            raise ToolError.fail(f"không có mô hình giọng đọc {self.model}", f"voice model {self.model} not found",
                                 file=self.model, field="radio.model",
                                 fix_vi="tải mô hình giọng tiếng Việt vào assets/brand/ và ghi đường dẫn trong brand.yml",
                                 fix_en="put a Vietnamese voice model in assets/brand/ and name it in brand.yml")
        r = subprocess.run([exe, "--model", str(self.model), "--output_file", str(out)], input=text.encode("utf-8"),
                           capture_output=True, timeout=TIMEOUT)
        if r.returncode != 0:
            raise ToolError.fail("piper lỗi", "piper failed", file=self.model,
                                 fix_vi="kiểm tra mô hình giọng đọc", fix_en="check the voice model")


ENGINES: Registry[type] = Registry("bộ đọc", "speech engine")
ENGINES.add("espeak-ng", Espeak)
ENGINES.add("piper", Piper)


def engine(name: str, style: dict, model: Path | None = None) -> Engine:
    """The registered engine `name`, configured from the style (espeak) or the brand's model path."""
    cls = ENGINES.get(name, field="radio.engine")
    if cls is Espeak:
        return Espeak(**style["guide"]["espeak"])
    if model is None:
        raise ToolError.fail(f"bộ đọc {name} cần 'radio.model' trong brand.yml", f"engine {name} needs 'radio.model'",
                             field="radio.model", fix_vi="ghi đường dẫn mô hình giọng đọc trong brand.yml",
                             fix_en="name the voice model file in brand.yml")
    return cls(model=model)


def guide_take(text: str, eng: Engine, rate: int, style: dict) -> Take:
    """A synthetic guide track of `text` (its ear form), cleaned like a recording."""
    with tempfile.TemporaryDirectory(prefix="promokit-guide-") as td:
        out = Path(td) / "guide.wav"
        eng.synthesize(text, out)
        samples = decode(out, rate)
    take = clean(samples, rate, style, source=None, guide=True)
    return Take(take.samples, rate, None, True, {**take.facts, "engine": eng.name}, take.warnings)
