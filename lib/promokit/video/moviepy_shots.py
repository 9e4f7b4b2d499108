"""Moviepy shots: a shot drawn by any moviepy 2.x clip, on the fast path.

A shot is a campaign file (`{moviepy: shots/dem-nguoc.py}` in campaign.yml) defining
`make_clip(ctx) -> moviepy.VideoClip`, or a clip made in a notebook (`VideoJob.with_shot`). Its frames are
asked of the clip at the render's size and frame rate in a child process (forked: a notebook's clip needs
no pickling), converted there to NV12 (its mask, if any, laid over the brand's card colour; a clip of
another size is fitted like a photo: filled when its shape is close to the frame's, else shown whole over a
blurred copy of itself — never letterboxed, never stretched) and written into a ring of frame slots in
shared memory (`code.frames_ahead`, styles/video.yml), the pipe carrying only which slot is ready: the child
starts when the shot before begins and works ahead while the main process draws and x264 encodes — one
bespoke shot does not make the render slow. The clip's sound, if it
has one, is written by the child as a WAV and mixed like a phone clip's sound.

Rules (each an error naming the shot): the file must define `make_clip(ctx)` and run without raising; it
must return a `moviepy.VideoClip`; the clip must last at least its slot (`ctx.duration`, within half a
frame; a longer clip gives its first `ctx.duration` seconds); one frame may take at most
`code.frame_timeout` s (styles/video.yml), the clip itself `code.start_timeout` s.

Containment, honestly: the child runs with its working directory in a fresh scratch folder (removed
afterwards) and an audit hook that refuses, in Python, opening a file for writing, removing, renaming or
making anything outside that folder. This stops mistakes (a script writing `out.mp4` or `../x` or into
the assets), not a hostile script: it is not a sandbox — code can start programs (ffmpeg, which moviepy
itself needs), use ctypes or the network. That is why campaign code runs only where the office turned
it on (`allow_code: true` in brand.yml, or `--allow-code`).
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import runpy
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image, ImageFilter

from ..errors import ToolError
from .motion import fit_mode
from .plan import AudioPlan, Plan, ShotPlan
from .sources import SOURCES
from .yuv import RGB_TO_YUV, Planes, rgb_to_planes


@dataclass(frozen=True)
class ShotContext:
    """What `make_clip(ctx)` is told: make a clip of `size` px at `fps`, at least `duration` s long.

    `colors`: brand colours '#RRGGBB' by role (primary, secondary, accent, background, text, muted);
    `fonts`: font files by role (heading, heading_bold, body, body_bold; '' when none) — pass them to
    `moviepy.TextClip(font=...)`; `texts`: the campaign's title, subtitle, campaign_title, slogan,
    description; `folder`: the campaign folder (read from it with `file()` and `table()`).
    """

    size: tuple[int, int]
    fps: float
    duration: float
    colors: dict[str, str] = field(default_factory=dict)
    fonts: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    def rgb(self, role: str) -> tuple[int, int, int]:
        """A brand colour as an (r, g, b) tuple, e.g. `ctx.rgb("accent")`."""
        h = self.colors[role]
        return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)

    def file(self, rel: str) -> Path:
        """A file of the campaign (the same path rules as campaign.yml: it may not leave the folder)."""
        from ..assets import resolve

        if self.folder is None:
            raise ValueError("this shot has no campaign folder")
        return resolve(self.folder, rel)

    def table(self, rel: str, decimal: str = ".") -> Any:
        """A CSV of the campaign as promokit reads it (`.columns`, `.rows`, `.numbers(column)`)."""
        from ..assets import read_table

        return read_table(self.file(rel), decimal)


def shot_context(plan: Plan, shot: ShotPlan) -> ShotContext:
    """The `ctx` of a moviepy shot in `plan`."""
    code = shot.code
    assert code is not None
    fonts = {k: str(getattr(plan.fonts, k) or "") for k in ("heading", "heading_bold", "body", "body_bold")}
    return ShotContext(plan.size, plan.fps, shot.frames / plan.fps, dict(plan.colors), fonts, dict(code.texts),
                       code.folder)


# --------------------------------------------------------------------------------------------
# The child process


class ShotCodeError(Exception):
    """Raised in the child for a broken rule; its (vi, en, fix_vi, fix_en) reach the parent."""

    def __init__(self, vi: str, en: str, fix_vi: str, fix_en: str) -> None:
        super().__init__(en)
        self.parts = (vi, en, fix_vi, fix_en)


_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {"os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1), "os.link": (1,),
                "os.symlink": (1,), "shutil.rmtree": (0,), "os.chmod": (0,), "os.truncate": (0,)}


def _contain(root: str) -> None:
    """Refuse, from now on in this process, writes and removals outside `root` (see the module docstring)."""
    root = os.path.realpath(root)
    allowed = {os.path.realpath(os.devnull)}

    def inside(path: object) -> bool:
        if isinstance(path, int) or path is None:
            return True  # an open file descriptor
        real = os.path.realpath(os.fsdecode(path))  # type: ignore[arg-type]
        return real == root or real.startswith(root + os.sep) or real in allowed

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            writes = (isinstance(flags, int) and flags & _WRITE) or (isinstance(mode, str) and any(
                c in mode for c in "wax+"))
            paths: tuple = (path,) if writes else ()
        elif event in _PATH_EVENTS:
            paths = tuple(args[i] for i in _PATH_EVENTS[event] if i < len(args))
        else:
            return
        for p in paths:
            if not inside(p):
                raise PermissionError(f"cảnh moviepy chỉ được ghi trong thư mục nháp của nó, không ghi '{p}' / "
                                      f"a moviepy shot may write only inside its scratch folder, not '{p}'")

    sys.addaudithook(hook)


def _make(shot: ShotPlan, ctx: ShotContext) -> Any:
    """The shot's clip: the notebook's, or the campaign file's `make_clip(ctx)` (checked)."""
    from moviepy import VideoClip

    code = shot.code
    assert code is not None
    if code.clip is not None:
        clip = code.clip.clip
    else:
        assert code.script is not None
        sys.path.insert(0, str(code.script.parent))
        names = runpy.run_path(str(code.script), run_name="promokit_shot")
        make_clip = names.get("make_clip")
        if not callable(make_clip):
            raise ShotCodeError("tệp không định nghĩa hàm make_clip(ctx)", "the file defines no make_clip(ctx)",
                                "thêm def make_clip(ctx): ... trả về một moviepy.VideoClip",
                                "add def make_clip(ctx): ... returning a moviepy.VideoClip")
        clip = make_clip(ctx)
    if not isinstance(clip, VideoClip):
        raise ShotCodeError(f"make_clip trả về {type(clip).__name__}, không phải moviepy.VideoClip",
                            f"make_clip returned a {type(clip).__name__}, not a moviepy.VideoClip",
                            "trả về một clip moviepy (VideoClip, ImageClip, CompositeVideoClip…)",
                            "return a moviepy clip (VideoClip, ImageClip, CompositeVideoClip…)")
    dur = clip.duration
    if dur is not None and dur * ctx.fps < shot.frames - 0.5:
        raise ShotCodeError(f"clip dài {dur:.2f} s, ngắn hơn chỗ của nó trong video ({ctx.duration:.2f} s)",
                            f"the clip lasts {dur:.2f} s, shorter than its slot in the video ({ctx.duration:.2f} s)",
                            "làm clip dài ít nhất ctx.duration giây, hoặc đặt duration: cho cảnh này",
                            "make the clip at least ctx.duration s long, or set duration: for this shot")
    return clip


def _rgb(frame: np.ndarray) -> np.ndarray:
    """A moviepy frame as (h, w, 3) uint8."""
    a = np.asarray(frame)
    if a.dtype != np.uint8:
        a = np.clip(np.rint(a), 0, 255).astype(np.uint8)
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    return a[..., :3]


def frame_planes(rgb: np.ndarray, mask: np.ndarray | None, size: tuple[int, int], background: tuple[int, int, int],
                 style_motion: dict) -> Planes:
    """One clip frame (RGB, its mask 0..1 or None) as NV12 planes of `size` (w, h) px: the mask laid over
    `background`, another size fitted like a photo (filled when close in shape, else whole over a blurred
    copy of itself)."""
    rgb = _rgb(rgb)
    if mask is not None:
        a = np.asarray(mask, np.float32)[..., None]
        rgb = np.rint(rgb * a + np.asarray(background, np.float32) * (1.0 - a)).astype(np.uint8)
    w, h = size
    if (rgb.shape[1], rgb.shape[0]) == size:  # the usual case (a campaign's clip is made at ctx.size)
        return _nv12(rgb)
    im = Image.fromarray(np.ascontiguousarray(rgb))
    if im.size != size:
        pw, ph = im.size
        if fit_mode(im.size, size, float(style_motion["code_fit_threshold"])) == "fill":
            s = max(w / pw, h / ph)
            sw, sh = max(w, round(pw * s)), max(h, round(ph * s))
            x, y = (sw - w) / 2 / s, (sh - h) / 2 / s
            im = im.resize(size, Image.Resampling.BILINEAR, box=(x, y, x + w / s, y + h / s))
        else:
            s = min(w / pw, h / ph)
            fw, fh = max(2, round(pw * s)), max(2, round(ph * s))
            small = im.resize((max(8, w // 8), max(8, h // 8)), Image.Resampling.BILINEAR)
            small = small.filter(ImageFilter.GaussianBlur(max(1.0, float(style_motion["background_blur"]) * w / 8)))
            dim = float(style_motion["background_dim"])
            bg = small.point(lambda v: int(v * dim)).resize(size, Image.Resampling.BILINEAR)
            bg.paste(im.resize((fw, fh), Image.Resampling.LANCZOS), ((w - fw) // 2, (h - fh) // 2))
            im = bg
    return rgb_to_planes(im)


_TO_YUV = np.array(RGB_TO_YUV, np.float32).reshape(3, 4)


def _nv12(rgb: np.ndarray) -> Planes:
    """An (h, w, 3) RGB frame as NV12 planes (BT.709 limited, as `rgb_to_planes`): luma by one OpenCV
    transform, chroma from the frame averaged 2x2 first (the transform is linear: the same values within
    rounding, on a quarter of the pixels) — about 5x quicker than the Pillow path at 1080x1920."""
    import cv2

    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    y = cv2.transform(rgb, _TO_YUV[:1])  # uint8, saturated and rounded
    uv = cv2.transform(cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA), _TO_YUV[1:])
    return Planes(y, uv)


@dataclass
class _Ring:
    """Frame slots in memory shared with the forked child: `free` counts the slots the parent has emptied."""

    slots: int
    frame_bytes: int
    memory: mmap.mmap
    free: Any  # multiprocessing.Semaphore

    def view(self, slot: int) -> np.ndarray:
        return np.frombuffer(self.memory, np.uint8, count=self.frame_bytes, offset=slot * self.frame_bytes)


def _child(conn: Any, shot: ShotPlan, ctx: ShotContext, frames: list[int], mode: str, scratch: str,
           style_motion: dict, ring: _Ring | None) -> None:
    """The child process: make the clip, then put each asked frame's NV12 bytes in the next free slot of
    `ring` and say which (or write its sound)."""
    log = open(os.path.join(scratch, "shot.log"), "wb", buffering=0)  # noqa: SIM115 - lives as long as the process
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = open(1, "w", closefd=False)  # noqa: SIM115
    os.chdir(scratch)
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch
    _contain(scratch)
    where = "make_clip"
    try:
        clip = _make(shot, ctx)
        background = shot.code.background if shot.code is not None else (0, 0, 0)
        if mode == "sound":
            if clip.audio is None:
                conn.send(("none",))
                return
            audio = clip.audio.with_duration(min(ctx.duration, clip.duration or ctx.duration))
            audio.write_audiofile("sound.wav", fps=48000, nbytes=2, codec="pcm_s16le", logger=None)
            conn.send(("sound", os.path.join(scratch, "sound.wav")))
            return
        conn.send(("ok", tuple(clip.size), clip.duration))
        assert ring is not None
        for i, k in enumerate(frames):
            t = (k - shot.first_frame) / ctx.fps
            where = f"t = {t:.2f} s"
            rgb = clip.get_frame(t)
            mask = clip.mask.get_frame(t) if clip.mask is not None else None
            p = frame_planes(rgb, mask, ctx.size, background, style_motion)
            ring.free.acquire()  # a slot the parent has copied out (it kills this process when it stops)
            slot = ring.view(i % ring.slots)
            n_y = p.y.size
            slot[:n_y] = p.y.reshape(-1)
            slot[n_y:] = p.uv.reshape(-1)
            conn.send(("frame", i % ring.slots))
    except ShotCodeError as e:
        conn.send(("error", where, *e.parts))
    except BaseException as e:  # noqa: BLE001 - everything the campaign's code raises goes to the parent
        tb = traceback.extract_tb(e.__traceback__)
        mine = [f for f in tb if shot.code is not None and shot.code.script is not None
                and f.filename == str(shot.code.script)]
        line = f" (dòng/line {mine[-1].lineno})" if mine else ""
        msg = f"{type(e).__name__}: {e}"[:300]
        conn.send(("error", where, f"mã của cảnh lỗi{line}: {msg}", f"the shot's code failed{line}: {msg}",
                   "sửa tệp của cảnh (thử trong sổ tay trước)", "fix the shot's file (try it in a notebook first)"))
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# The parent side


def _fail(shot: ShotPlan, vi: str, en: str, fix_vi: str = "", fix_en: str = "") -> ToolError:
    file = shot.code.script if shot.code is not None and shot.code.script is not None else None
    return ToolError.fail(f"cảnh moviepy {shot.name}: {vi}", f"moviepy shot {shot.name}: {en}", file=file,
                          fix_vi=fix_vi or "sửa mã của cảnh", fix_en=fix_en or "fix the shot's code")


class _Child:
    """A forked child drawing one shot, with its scratch folder, its pipe and its timeouts."""

    def __init__(self, plan: Plan, shot: ShotPlan, frames: list[int], mode: str, folder: Path | None = None) -> None:
        self.shot = shot
        self.timeouts = (float(plan.style.code.get("start_timeout", 120)),
                         float(plan.style.code.get("frame_timeout", 60)))
        self.scratch = tempfile.mkdtemp(prefix=".promokit-shot-", dir=folder)
        mp = multiprocessing.get_context("fork")
        self.conn, theirs = mp.Pipe(duplex=False)
        self.ring: _Ring | None = None
        if mode == "frames":
            w, h = plan.size
            slots = max(1, min(len(frames), int(plan.style.code.get("frames_ahead", 8))))
            size = w * h * 3 // 2
            self.ring = _Ring(slots, size, mmap.mmap(-1, slots * size), mp.Semaphore(slots))
        self.proc = mp.Process(target=_child, name=f"promokit-shot-{shot.index}", daemon=True,
                               args=(theirs, shot, shot_context(plan, shot), frames, mode, self.scratch,
                                     plan.style.motion, self.ring))
        self.proc.start()
        theirs.close()

    def _wait(self, timeout: float, what_vi: str, what_en: str) -> None:
        if not self.conn.poll(timeout):
            self.close()
            raise _fail(self.shot, f"không xong {what_vi} sau {timeout:g} s (mã bị treo?)",
                        f"did not finish {what_en} within {timeout:g} s (is the code stuck?)",
                        "kiểm tra vòng lặp/chờ trong mã của cảnh", "look for a loop or a wait in the shot's code")

    def message(self, timeout: float | None = None, what: tuple[str, str] = ("việc tạo clip", "making its clip")) -> tuple:
        """The child's next message (within `timeout` s, the start timeout by default); a ToolError for its
        errors, a hang or an early exit."""
        self._wait(self.timeouts[0] if timeout is None else timeout, *what)
        try:
            msg = self.conn.recv()
        except EOFError:
            raise self._died() from None
        if msg[0] == "error":
            _, where, vi, en, fix_vi, fix_en = msg
            raise _fail(self.shot, f"{vi} ({where})", f"{en} ({where})", fix_vi, fix_en)
        return msg

    def frame_into(self, buf: np.ndarray, t: float) -> None:
        """The next frame's bytes (luma then chroma) copied into `buf`, its slot handed back to the child."""
        assert self.ring is not None
        _, slot = self.message(self.timeouts[1], (f"khung hình tại {t:.2f} s", f"the frame at {t:.2f} s"))
        np.copyto(buf, self.ring.view(slot))
        self.ring.free.release()

    def _died(self) -> ToolError:
        self.proc.join(5)
        tail = ""
        try:
            with open(os.path.join(self.scratch, "shot.log"), "rb") as f:
                tail = " | ".join(f.read().decode("utf-8", "replace").strip().splitlines()[-3:])
        except OSError:
            pass
        return _fail(self.shot, f"tiến trình dừng (mã {self.proc.exitcode}) {tail}",
                     f"its process ended (exit {self.proc.exitcode}) {tail}")

    def close(self, *, keep: bool = False) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()
        if self.ring is not None:
            self.ring.memory.close()
        if not keep:
            shutil.rmtree(self.scratch, ignore_errors=True)


class MoviepySource:
    """A moviepy shot's frames, drawn ahead by its child process (see the module docstring). Opened one shot
    early on the compositor's helper thread, so making the clip does not hold up the render."""

    prefetch: ClassVar[bool] = True
    short = False

    @classmethod
    def open(cls, shot: ShotPlan, plan: Plan, *, from_frame: int, sequential: bool) -> MoviepySource:
        return cls(shot, plan, list(range(from_frame, shot.last_frame)) if sequential else [from_frame])

    def __init__(self, shot: ShotPlan, plan: Plan, frames: list[int]) -> None:
        self.shot, self.size, self.fps = shot, plan.size, plan.fps
        self.frames = frames
        self.pos = 0
        self.child = _Child(plan, shot, frames, "frames")
        try:
            self.child.message()  # ("ok", size, duration): the clip was made and checked
        except BaseException:
            self.child.close()
            raise

    def frame(self, k: int) -> Planes:
        """Frame `k` (writable, the caller's); asked for in rising order, each once (frames skipped are
        read and dropped)."""
        w, h = self.size
        while self.pos < len(self.frames) and self.frames[self.pos] <= k:
            buf = np.empty(w * h * 3 // 2, np.uint8)
            kk = self.frames[self.pos]
            self.child.frame_into(buf, (kk - self.shot.first_frame) / self.fps)
            self.pos += 1
            if kk == k:
                return Planes.frombuffer(buf.data, self.size)
        raise ValueError(f"frame {k} of {self.shot.name} was already handed out or not asked for")

    def close(self) -> None:
        self.child.close()


SOURCES.add("moviepy", MoviepySource)


def code_sound(plan: Plan, shot: ShotPlan, folder: Path | None = None) -> tuple[Path | None, Path]:
    """The sound of a moviepy shot as a 48 kHz WAV (None when its clip has none) and the scratch folder
    holding it (the caller removes it)."""
    child = _Child(plan, shot, [], "sound", folder)
    try:
        msg = child.message()
    except BaseException:
        child.close()
        raise
    child.close(keep=True)
    return (Path(msg[1]) if msg[0] == "sound" else None), Path(child.scratch)


def with_code_sounds(plan: Plan, folder: Path | None = None) -> tuple[AudioPlan, list[Path]]:
    """`plan.audio` with the sound of each moviepy shot that has one mixed in like a phone clip's, and the
    scratch folders holding those WAVs (the caller removes them after mixing)."""
    from dataclasses import replace

    from .plan import ClipSound

    extra, scratch = [], []
    try:
        for shot in plan.shots:
            if shot.kind == "moviepy":
                wav, tmp = code_sound(plan, shot, folder)
                scratch.append(tmp)
                if wav is not None:
                    extra.append(ClipSound(wav, 0.0, shot.start, shot.end))
    except BaseException:
        for tmp in scratch:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    audio = replace(plan.audio, clips=plan.audio.clips + tuple(extra)) if extra else plan.audio
    return audio, scratch
