"""The encoder: a plan's frames drawn by the compositor and piped as raw NV12 to one x264, the sound mixed
and AAC-encoded beside it, then one stream-copy mux with `+faststart`.

The main thread draws, a writer thread hands the arrays' memory to ffmpeg (H.264 High yuv420p, BT.709
limited range, closed 2 s GOP) without copies through a 1 MiB pipe, and `SoundJob` mixes and encodes the
sound in the background. Everything is written to a temp file beside the target that replaces it only
when all succeeded; on any error (KeyboardInterrupt too) ffmpeg is killed and the temp files removed.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..atomic import atomic_path
from ..errors import PromokitError, ToolError
from ..platforms import Preset
from ..resources import diagnose
from ..scratch import scratch_dir
from .audio import ffmpeg_exe, render_audio, run_ffmpeg
from .compositor import Compositor
from .layers import check_texts
from .plan import Plan, ffmpeg_rate


def encode_args(plan: Plan, out: Path, preset: Preset | None = None) -> list[str]:
    """The video encode: raw NV12 frames on stdin -> H.264 High 4:2:0, BT.709 tv range, closed 2 s GOP (MP4).

    x264 is handed the NV12 frames as they are (its own internal layout): no conversion to planar yuv420p
    in ffmpeg and back in x264, the same bitstream for about 4 % less encoder CPU (bench/video.py)."""
    enc = plan.style.draft if plan.draft else plan.style.encode
    fps = ffmpeg_rate(plan.fps)
    gop = max(1, int(round(float(plan.style.encode["gop_seconds"]) * plan.fps)))
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", "nv12", "-s", f"{plan.width}x{plan.height}", "-r", fps,
           "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
           "-i", "-", "-map", "0:v:0",
           "-c:v", "libx264", "-preset", str(enc["preset"]), "-crf", str(enc["crf"]), "-profile:v", "high",
           "-pix_fmt", "nv12", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", "-flags", "+cgop",
           "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"]
    threads = plan.style.encode.get("threads")
    if threads:
        cmd += ["-threads", str(threads)]
    abr = preset.audio_bitrate if preset is not None else 160_000
    maxrate = bufsize = None
    if preset is not None and not plan.draft:
        if preset.max_bytes:  # the average the file size allows
            maxrate = int(preset.max_bytes * 8 * 0.92 / max(plan.duration, 1.0)) - abr
            bufsize = maxrate * 2
        if preset.max_bitrate:  # a peak ceiling over any 1 s: the bits in 1 s are at most maxrate + bufsize
            peak = int(preset.max_bitrate * float(plan.style.encode.get("peak_share", 0.6)))
            if maxrate is None or peak < maxrate:
                maxrate, bufsize = peak, peak // 2
    if maxrate:  # x264 signals the level its VBV needs: stay within level 4.2 (style `vbv_limit`)
        limit = int(plan.style.encode.get("vbv_limit", 50_000_000))
        cmd += ["-maxrate", str(min(maxrate, limit)), "-bufsize", str(min(bufsize, limit))]
    return cmd + ["-an", "-f", "mp4", str(out)]


#: MP4 as the platforms ask: index first, no edit lists (the B-frame delay is written as negative composition
#: offsets instead, so the first picture is shown at 0 without an `elst`).
MP4_FLAGS = ["-use_editlist", "0", "-movflags", "+faststart+negative_cts_offsets"]
#: Samples the AAC encoder puts before the sound (ffmpeg's aac: 1024). Without an edit list a player plays
#: them, so the sound is encoded without its first 1024 samples and lands exactly in sync.
AAC_PRIMING = 1024
PRIMING_TRIM = ["-af", f"atrim=start_sample={AAC_PRIMING},asetpts=N/SR/TB"]


def mux_args(video: Path, audio: Path, out: Path, preset: Preset | None = None) -> list[str]:
    """Video stream copied; the sound copied when already AAC (.m4a), else encoded AAC-LC 48 kHz stereo
    (priming compensated); the index first, no edit lists (`MP4_FLAGS`)."""
    if Path(audio).suffix.lower() == ".m4a":
        codec = ["-c:a", "copy"]
    else:
        abr = preset.audio_bitrate if preset is not None else 160_000
        codec = [*PRIMING_TRIM, "-c:a", "aac", "-b:a", str(abr), "-ar", "48000", "-ac", "2"]
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", str(video), "-i", str(audio),
            "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", *codec, "-shortest", *MP4_FLAGS,
            "-f", "mp4", str(out)]


def encode_aac(wav: Path, out: Path, bitrate: int = 160_000) -> Path:
    """The finished sound as AAC-LC stereo in an .m4a, at the WAV's rate (48 kHz; a draft's 24 kHz), its first
    `AAC_PRIMING` samples dropped (the encoder's priming takes their place; see `MP4_FLAGS`).
    ffmpeg's AAC encoder is slow (~1.5 s for 30 s at 48 kHz), so this runs beside the frame drawing."""
    run_ffmpeg(["-v", "error", "-i", str(wav), *PRIMING_TRIM, "-c:a", "aac", "-b:a", str(bitrate), "-ac", "2",
                "-f", "ipod", str(out)], "mã hóa âm thanh AAC / encode the sound as AAC")
    return out


def _tail(f: object) -> str:
    try:
        f.seek(0)  # type: ignore[attr-defined]
        lines = f.read().decode("utf-8", "replace").strip().splitlines()  # type: ignore[attr-defined]
        return " | ".join(lines[-3:])
    except (OSError, ValueError):
        return ""


def _widen_pipe(stream: object) -> None:
    """Ask Linux for a 1 MiB pipe (default 64 KiB): a 3 MB frame then crosses in 3 wakeups, not 48."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)  # type: ignore[attr-defined]
    except (ImportError, OSError, AttributeError, ValueError):  # other systems, or a lower limit: keep the default
        pass


class _Writer(threading.Thread):
    """Writes finished frames to ffmpeg's stdin while the main thread draws the next ones.

    A blocked pipe (x264 busy) then no longer stalls the drawing. A write error is kept and raised in
    the main thread by the next `put`.
    """

    def __init__(self, stream: object, depth: int = 3) -> None:
        super().__init__(name="promokit-writer", daemon=True)
        self.stream = stream
        self.q: queue.Queue[tuple[memoryview, ...] | None] = queue.Queue(depth)
        self.error: BaseException | None = None

    def run(self) -> None:
        while True:
            item = self.q.get()
            if item is None:
                return
            if self.error is None:
                try:
                    for part in item:
                        self.stream.write(part)  # type: ignore[attr-defined]  # the array's memory, no copy
                except (OSError, ValueError) as e:  # BrokenPipeError: ffmpeg is gone
                    self.error = e

    def put(self, data: tuple[memoryview, ...]) -> None:
        """Queue one frame's parts (views of its arrays: the frame must not change afterwards)."""
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.q.put(data, timeout=0.2)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Let the queue drain and stop (after the process is done or killed, this cannot block)."""
        self.q.put(None)
        self.join()


def encode(plan: Plan, out: Path, audio: Path | Future, *, preset: Preset | None = None,
           progress: Callable[[int, int], None] | None = None) -> list[str]:
    """Draw every frame, encode, mux the sound and write `out` atomically. Returns warnings.

    `audio` is the finished WAV, or a Future of it (the sound is then mixed while the frames are drawn;
    it is needed only for the final mux).
    """
    out = Path(out)
    check_texts(plan)  # glyphs and fitting checked before ffmpeg starts
    with atomic_path(out) as tmp:
        video = tmp.with_name(tmp.name.replace(".part", ".video.part"))
        try:
            warnings = _encode_video(plan, video, out, preset, progress)
            wav = audio.result() if isinstance(audio, Future) else audio
            err = tempfile.TemporaryFile()
            try:
                r = subprocess.run(mux_args(video, Path(wav), tmp, preset), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=err, timeout=600)
                if r.returncode != 0:
                    raise diagnose(out.parent) or ToolError.fail(f"ffmpeg lỗi khi ghép âm thanh (mã {r.returncode}): {_tail(err)}",
                                         f"ffmpeg failed to mux the sound (exit {r.returncode}): {_tail(err)}",
                                         file=out, fix_vi="chạy lại; kiểm tra dung lượng đĩa",
                                         fix_en="run again; check the free disk space")
            finally:
                err.close()
        finally:
            video.unlink(missing_ok=True)
    return warnings


def _encode_video(plan: Plan, tmp: Path, out: Path, preset: Preset | None,
                  progress: Callable[[int, int], None] | None) -> list[str]:
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(encode_args(plan, tmp, preset), stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=err)
    _widen_pipe(proc.stdin)
    comp = None
    writer = _Writer(proc.stdin, int(plan.style.encode.get("queue", 8)))
    writer.start()

    def stopped() -> PromokitError:
        proc.wait()
        return diagnose(out.parent) or ToolError.fail(f"ffmpeg dừng giữa chừng (mã {proc.returncode}) {_tail(err)}",
                              f"ffmpeg stopped mid-render (exit {proc.returncode}) {_tail(err)}", file=out,
                              fix_vi="chạy lại; kiểm tra dung lượng đĩa", fix_en="run again; check the free disk space")

    try:
        comp = Compositor(plan)
        for k in range(plan.frames):
            data = comp.frame(k).parts()
            try:
                writer.put(data)
            except (OSError, ValueError):
                raise stopped() from None
            if progress is not None:
                progress(k + 1, plan.frames)
        writer.finish()
        if writer.error is not None:
            raise stopped()
        assert proc.stdin is not None
        proc.stdin.close()
        rc = proc.wait()
        if rc != 0:  # a full disk makes ffmpeg say odd things ("moov atom not found"): name the real cause
            raise diagnose(out.parent) or ToolError.fail(f"ffmpeg lỗi khi mã hóa (mã {rc}): {_tail(err)}",
                                 f"ffmpeg failed to encode (exit {rc}): {_tail(err)}", file=out,
                                 fix_vi="chạy lại; kiểm tra dung lượng đĩa", fix_en="run again; check the free disk space")
        comp.close()  # releases the last shot too, so a clip ending early there is reported
        return [f"{name}: the file ended early, its last frame is held" for name in sorted(comp.short_clips)]
    except BaseException:
        if proc.poll() is None:
            proc.kill()
        raise
    finally:
        if writer.is_alive():
            if proc.poll() is None:
                proc.kill()
            writer.finish()
        if comp is not None:
            comp.close()
        if proc.stdin is not None and not proc.stdin.closed:
            try:
                proc.stdin.close()
            except OSError:
                pass
        proc.wait()
        err.close()


def render_video(plan: Plan, out: Path, *, preset: Preset | None = None, audio_wav: Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> tuple[Path, list[str]]:
    """Render `plan` to `out` (MP4). The sound is mixed meanwhile unless a finished `audio_wav` is given."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if audio_wav is not None:
        return out, encode(plan, out, audio_wav, preset=preset, progress=progress)
    with SoundJob(plan, None, preset.audio_bitrate if preset is not None else 160_000) as sound:
        return out, encode(plan, out, sound.future, preset=preset, progress=progress)


class SoundJob:
    """The sound of a plan mixed, normalised and AAC-encoded in the background, into hidden temp files in
    `folder` (default: the job's scratch folder, `promokit.scratch`; removed by `close()`, and with the
    scratch folder however the job ends). `future` gives the .m4a."""

    def __init__(self, plan: Plan, folder: Path | None = None, bitrate: int = 160_000) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".audio.", suffix=".wav", dir=folder or scratch_dir())
        os.close(fd)
        self.wav = Path(tmp)
        self.m4a = self.wav.with_suffix(".m4a")
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="promokit-audio")
        self.future: Future = self.pool.submit(self._run, plan, bitrate)

    def _run(self, plan: Plan, bitrate: int) -> Path:
        from .moviepy_shots import with_code_sounds

        audio, scratch = with_code_sounds(plan, self.wav.parent)
        try:
            render_audio(audio, self.wav)
        finally:
            for tmp in scratch:
                shutil.rmtree(tmp, ignore_errors=True)
        return encode_aac(self.wav, self.m4a, bitrate)

    def __enter__(self) -> SoundJob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Wait for the sound (its ffmpeg must finish before its files go), then remove the files."""
        try:
            self.future.result()  # let its ffmpeg finish before the files are removed
        except BaseException:  # noqa: BLE001 - the error that matters is already propagating or raised
            pass
        finally:
            self.pool.shutdown(wait=True)
            self.wav.unlink(missing_ok=True)
            self.m4a.unlink(missing_ok=True)
