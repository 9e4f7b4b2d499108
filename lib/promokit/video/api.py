"""What notebooks and the CLI call: plans from a campaign folder, renders, drafts, previews, storyboards."""

from __future__ import annotations

import copy
import dataclasses
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageDraw

from ..atomic import atomic_path
from ..audit import audit_checks
from ..catalog import CampaignOutputs, Checks, write_checks
from ..conform import check_render
from ..errors import SpecError, UsageError
from ..lab import Skipped, in_batch
from ..platforms import PLATFORMS, Preset
from ..spec.models import Shot
from ..text import format_duration, nfc
from .audit import video_defects
from .captions import read_captions, write_sidecars
from .compositor import Compositor
from .encoder import SoundJob, encode
from .layers import check_texts, split_long_captions
from .plan import ClipRef, Cue, Fonts, MediaFacts, Plan, plan_video
from .style import VideoStyle, load_style
from .yuv import planes_to_rgb

if TYPE_CHECKING:
    from ..project import CampaignContext


@dataclass(frozen=True)
class Inputs:
    """A campaign's video inputs, probed and resolved once (shared by every platform's plan)."""

    media: dict[str, MediaFacts]
    captions: list[Cue] | None
    fonts: Fonts
    logo: Path | None
    style: VideoStyle
    warnings: tuple[str, ...] = ()  # about the inputs: files left out, clips shorter than their header
    logo_luma: float = 0.5  # the logo's brightness (0–1), for its contrast with each shot's corners


def media_warnings(ctx: CampaignContext, media: dict[str, MediaFacts]) -> tuple[str, ...]:
    """What a run must say about its inputs: files left out of the shots, clips whose pictures stop early."""
    from ..assets import discover, probe_media

    out: list[str] = []
    video = ctx.campaign.video
    if video is not None and video.shot_list() is None:
        out += [d for d in discover(ctx.folder).dropped if d.startswith(("images/", "clips/"))]
    for key, m in media.items():
        if m.kind == "clip":
            info = probe_media(m.path)
            if info.header_duration > info.duration + 0.25:
                out.append(f"{key}: hình chỉ dài {info.duration:.2f} s dù tệp ghi {info.header_duration:.2f} s; "
                           f"cảnh được rút ngắn / the pictures stop at {info.duration:.2f} s although the file says "
                           f"{info.header_duration:.2f} s: its shot is shortened to the pictures")
    return tuple(out)


def campaign_media(ctx: CampaignContext) -> dict[str, MediaFacts]:
    """Facts of every file the video uses, keyed by campaign-relative path, in default shot order."""
    from ..assets import discover, image_info, probe_media, resolve, sort_key
    from .reading import read_look

    video, folder = ctx.campaign.video, ctx.folder
    if video is None:
        raise SpecError.fail("chiến dịch không có phần video", "the campaign has no video section",
                             file=folder / "campaign.yml", field="video",
                             fix_vi="thêm mục video: vào campaign.yml", fix_en="add a video: section to campaign.yml")
    rels: list[tuple[str, Path, str]] = []  # (key, file, field)
    shots = video.shot_list()
    if shots is None:
        files = discover(folder)
        found = sorted(files.images + files.clips, key=lambda p: sort_key(p.name))
        rels += [(nfc(p.relative_to(folder).as_posix()), p, "video.shots") for p in found]
    else:
        for i, s in enumerate(shots):
            rels.append((nfc(s.file), resolve(folder, s.file, field=f"video.shots[{i}]"), f"video.shots[{i}]"))
    for name in ("music", "voiceover"):
        rel = getattr(video, name)
        if rel:
            rels.append((nfc(rel), resolve(folder, rel, field=f"video.{name}"), f"video.{name}"))
    media: dict[str, MediaFacts] = {}
    for key, path, fld in rels:
        if key in media:
            continue
        if path.suffix.lower() == ".py" and fld.startswith("video.shots"):
            media[key] = MediaFacts(path, "moviepy")  # its size and length are known when it runs
        elif fld in ("video.music", "video.voiceover"):
            m = probe_media(path)
            media[key] = MediaFacts(path, "audio", duration=m.duration, has_audio=m.has_audio)
        elif path.suffix.lower() in (".mp4", ".mov", ".m4v", ".webm"):
            m = probe_media(path)
            media[key] = MediaFacts(path, "clip", m.width, m.height, m.duration, m.has_audio, m.fps,
                                    look=read_look(path, "clip", m.duration / 2))
        else:
            info = image_info(path)
            media[key] = MediaFacts(path, "image", info.width, info.height, look=read_look(path, "image"))
    return media


def campaign_inputs(ctx: CampaignContext) -> Inputs:
    """Probe the campaign's media, read its caption file, resolve the brand's fonts and logo.

    A campaign naming its own code (moviepy shots) is refused unless code is allowed (`ctx.allow_code`:
    `--allow-code`, brand.yml's `allow_code`, PROMOKIT_ALLOW_CODE=1)."""
    from .. import fonts as F
    from ..assets import resolve
    from ..project import code_allowed, code_refusals

    campaign, brand, folder = ctx.campaign, ctx.brand, ctx.folder
    if campaign.code_files() and not code_allowed(brand, ctx.allow_code):
        raise SpecError(*code_refusals(campaign, folder))
    video = campaign.video
    media = campaign_media(ctx)
    cues = None
    if video is not None and isinstance(video.captions, str):
        cues = read_captions(resolve(folder, video.captions, field="video.captions"))
    bf = F.brand_fonts(brand.fonts.heading, brand.fonts.body, ctx.brand_dir)
    fonts = Fonts(**bf.as_dict())
    logo = None
    if brand.logo:
        cand = ctx.brand_dir / brand.logo
        if cand.is_file():
            logo = cand
    from .reading import logo_luma

    return Inputs(media, cues, fonts, logo, load_style(), media_warnings(ctx, media),
                  logo_luma(logo) if logo is not None else 0.5)


def make_plan(ctx: CampaignContext, platform: str, *, draft: bool = False, inputs: Inputs | None = None) -> Plan:
    """The plan of one platform (probing the campaign's files unless `inputs` are given).

    Captions too long for their lines even when shrunk are split into consecutive captions here.
    """
    inputs = inputs or campaign_inputs(ctx)
    preset = PLATFORMS.get(platform, field="video.platforms")
    plan = plan_video(ctx.campaign, ctx.brand, preset, inputs.media, captions=inputs.captions, fonts=inputs.fonts,
                      logo=inputs.logo, logo_luma=inputs.logo_luma, style=inputs.style, draft=draft)
    if inputs.warnings:
        plan = replace(plan, warnings=(*inputs.warnings, *plan.warnings))
    return split_long_captions(plan)


def make_plans(ctx: CampaignContext, platforms: list[str] | None = None, *, draft: bool = False) -> dict[str, Plan]:
    """One plan per platform (the campaign's list by default), all from one probe of the files."""
    inputs = campaign_inputs(ctx)
    video = ctx.campaign.video
    names = platforms or (video.platforms if video else [])
    return {p: make_plan(ctx, p, draft=draft, inputs=inputs) for p in names}


class VideoJob:
    """A campaign's promo as a notebook works on it: the files probed once, a plan per platform and size.

        job = VideoJob(ctx, platforms=["tiktok"], draft=True)
        job.storyboard()      # each shot's times over a small frame
        job.preview(2.0)      # any frame at full size
        job.render()          # -> list[RenderResult] (drafts in video/draft/)
    """

    def __init__(self, ctx: CampaignContext, platforms: list[str] | None = None, *, draft: bool = False) -> None:
        self.ctx = ctx
        self.draft = draft
        video = ctx.campaign.video
        self.platforms = list(platforms or (video.platforms if video else []))
        self.inputs = campaign_inputs(ctx)
        self._plans: dict[tuple[str, bool], Plan] = {}
        self._boards: dict[str, Image.Image] = {}
        # The sound is the same for every frame shape and takes seconds of one core (mix, loudness, AAC):
        # start it now, so it is ready or nearly so by the time `render()` is called after the looks.
        self._sound = self._start_sound() if self.platforms else None

    def _start_sound(self) -> SoundJob:
        plan = self.plan()
        job = SoundJob(plan, None, sound_bitrate(plan, [PLATFORMS.get(p) for p in self.platforms]))
        weakref.finalize(self, job.close)  # a job dropped without rendering leaves no ffmpeg or files
        return job

    def plan(self, platform: str | None = None, *, draft: bool | None = None) -> Plan:
        """The plan of `platform` (default: the first), at draft size when `draft` (default: the job's)."""
        name = platform or (self.platforms[0] if self.platforms else "")
        small = self.draft if draft is None else draft
        key = (name, small)
        if key not in self._plans:
            self._plans[key] = make_plan(self.ctx, name, draft=small, inputs=self.inputs)
        return self._plans[key]

    @property
    def plans(self) -> dict[str, Plan]:
        """Every platform's plan, at the job's size."""
        return {p: self.plan(p) for p in self.platforms}

    def storyboard(self, platform: str | None = None) -> Image.Image | Skipped:
        """The storyboard of `platform` (default: the first), drawn from draft-size frames (quick; kept, so a
        second call is instant). In a batch run (PROMOKIT_BATCH=1, set by `promokit run`) nobody looks at
        it: nothing is drawn."""
        if in_batch():
            return Skipped("kịch bản dựng", "storyboard")
        key = platform or (self.platforms[0] if self.platforms else "")
        if key not in self._boards:
            self._boards[key] = storyboard(self.plan(platform, draft=True))
        return self._boards[key]

    def preview(self, t: float, platform: str | None = None) -> Image.Image | Skipped:
        """The frame at `t` s of `platform` (default: the first) at full size, as the final render draws it.
        Not drawn in a batch run (PROMOKIT_BATCH=1)."""
        if in_batch():
            return Skipped("khung hình xem trước", "preview frame")
        return preview_frame(self.plan(platform, draft=False), t)

    def render(self, progress: Callable[[str, int, int], None] | None = None) -> list[RenderResult]:
        """Render every platform into `<output>/<id>/video/` (drafts: `video/draft/`)."""
        from ..manifest import campaign_info, update_manifest

        sound, self._sound = self._sound or self._start_sound(), None
        results = render_plans(self.plans, self.ctx.outputs, progress=progress, sound=sound)
        update_manifest(self.ctx.outputs, info=campaign_info(self.ctx.campaign))  # a hand run reaches the gallery
        return results

    # -- moviepy: any clip as a shot, and the planned video as a clip

    def shots(self) -> list[Shot]:
        """The shots in order as the spec models them (the campaign's list, else every picture and clip)."""
        video = self.ctx.campaign.video
        listed = video.shot_list() if video is not None else None
        if listed is None:
            listed = [Shot(path=k) for k, m in self.inputs.media.items() if m.kind in ("image", "clip")]
        return listed

    def with_shot(self, index: int, clip: Any) -> VideoJob:
        """A new job with shot `index` (0-based, as `storyboard()` numbers from 1) replaced by a moviepy clip.

        The clip keeps its own length (never stretched); another size is fitted like a photo. This job is
        unchanged."""
        shots = self.shots()
        if not 0 <= index < len(shots):
            raise UsageError.fail(f"không có cảnh số {index} (có {len(shots)} cảnh, đếm từ 0)",
                                  f"there is no shot {index} ({len(shots)} shots, counted from 0)",
                                  field="with_shot", fix_vi=f"dùng 0..{len(shots) - 1}",
                                  fix_en=f"use 0..{len(shots) - 1}")
        return self._with_clip(shots, index, clip, replace_shot=True)

    def add_shot(self, clip: Any, at: int | None = None) -> VideoJob:
        """A new job with a moviepy clip inserted as a shot before shot `at` (0-based; default: last)."""
        shots = self.shots()
        at = len(shots) if at is None else at
        if not 0 <= at <= len(shots):
            raise UsageError.fail(f"vị trí {at} ngoài 0..{len(shots)}", f"position {at} is outside 0..{len(shots)}",
                                  field="add_shot", fix_vi=f"dùng 0..{len(shots)}", fix_en=f"use 0..{len(shots)}")
        return self._with_clip(shots, at, clip, replace_shot=False)

    def _with_clip(self, shots: list[Shot], index: int, clip: Any, *, replace_shot: bool) -> VideoJob:
        from moviepy import VideoClip

        if not isinstance(clip, VideoClip):
            raise UsageError.fail(f"{type(clip).__name__} không phải clip moviepy",
                                  f"a {type(clip).__name__} is not a moviepy clip", field="clip",
                                  fix_vi="đưa vào một moviepy.VideoClip", fix_en="pass a moviepy.VideoClip")
        n = sum(1 for m in self.inputs.media.values() if m.clip is not None) + 1
        key = f"notebook/clip-{n}"
        dur = float(clip.duration) if clip.duration is not None else 0.0
        facts = MediaFacts(Path(key), "moviepy", int(clip.w), int(clip.h), dur, clip.audio is not None,
                           clip=ClipRef(clip))
        shot = Shot(moviepy=key, duration=dur if 0 < dur <= 120 else None)
        new = list(shots)
        new[index:index + (1 if replace_shot else 0)] = [shot]
        c = self.ctx
        video = c.campaign.video
        assert video is not None
        campaign = c.campaign.model_copy(update={"video": video.model_copy(update={"shots": new})})
        job = copy.copy(self)
        job.ctx = dataclasses.replace(c, campaign=campaign)
        job.inputs = dataclasses.replace(self.inputs, media={**self.inputs.media, key: facts})
        job._plans, job._boards = {}, {}
        job._sound = job._start_sound() if job.platforms else None
        return job

    def to_moviepy(self, platform: str | None = None) -> Any:
        """The planned video of `platform` (default: the first) as a moviepy clip: frames drawn by promokit
        (at the job's size), the mixed and normalised sound attached. For what moviepy does well in a
        notebook: `ipython_display`, `subclipped`, `write_gif`, compositing with other clips."""
        from moviepy import AudioArrayClip, VideoClip

        plan = self.plan(platform)
        player = _Player(plan)
        clip = VideoClip(frame_function=player.rgb, duration=plan.duration).with_fps(plan.fps)
        return clip.with_audio(AudioArrayClip(mixed_sound(plan), fps=plan.audio.rate))


class _Player:
    """Frames of a plan for moviepy: sequential while asked in order (as moviepy writes), else one by one.
    Its sources (a clip's ffmpeg, a moviepy shot's process) end when the last clip using it is dropped."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.open: list[Compositor] = []  # the one compositor in use, in a list the finalizer can see
        self.last: tuple[int, np.ndarray] | None = None
        weakref.finalize(self, _close_all, self.open)

    def rgb(self, t: float) -> np.ndarray:
        k = self.plan.frame_at(float(t))
        if self.last is not None and self.last[0] == k:
            return self.last[1]
        if not self.open or self.last is None or k < self.last[0]:
            _close_all(self.open)
            self.open.append(Compositor(self.plan))
        out = np.asarray(planes_to_rgb(self.open[0].frame(k)))
        self.last = (k, out)
        return out


def _close_all(comps: list[Compositor]) -> None:
    while comps:
        comps.pop().close()


def mixed_sound(plan: Plan) -> np.ndarray:
    """The plan's finished sound as float samples (n, 2), −1..1, at `plan.audio.rate` Hz."""
    import wave

    from .audio import render_audio
    from .moviepy_shots import with_code_sounds

    with tempfile.TemporaryDirectory(prefix="promokit-sound-") as tmp:
        audio, scratch = with_code_sounds(plan, Path(tmp))
        wav = render_audio(audio, Path(tmp) / "sound.wav")
        with wave.open(str(wav), "rb") as w:
            data = np.frombuffer(w.readframes(w.getnframes()), np.int16).reshape(-1, w.getnchannels())
    return data.astype(np.float32) / 32768.0


# --------------------------------------------------------------------------------------------


def preview_frame(plan: Plan, t: float) -> Image.Image:
    """The frame at `t` s, full size, as RGB (only the shots and layers on screen are loaded)."""
    with Compositor(plan, prefetch=False) as comp:
        return planes_to_rgb(comp.frame(plan.frame_at(t), sequential=False))


def cover_time(plan: Plan) -> float:
    """When the cover is taken: the title card fully shown, else the middle of the first shot."""
    title = next((t for t in plan.texts if t.role == "title"), None)
    if title is not None:
        return min(title.end - title.fade - 0.05, title.start + title.fade + 0.6)
    s = plan.shots[0]
    return (s.start + s.end) / 2


def storyboard(plan: Plan, *, thumb: int = 240, columns: int | None = None) -> Image.Image:
    """A contact sheet: each shot's middle frame with its number, times and source."""
    from .. import fonts as F

    shots = plan.shots
    tw = thumb if plan.width <= plan.height else int(thumb * 1.5)
    th = int(round(tw * plan.height / plan.width))
    cols = columns or min(len(shots), 5 if plan.width <= plan.height else 3)
    rows = (len(shots) + cols - 1) // cols
    label_h = 44
    gap = 12
    sheet = Image.new("RGB", (cols * (tw + gap) + gap, rows * (th + label_h + gap) + gap), (245, 245, 245))
    font = F.load(F.find_font("Noto Sans"), 14)
    draw = ImageDraw.Draw(sheet)
    for n, s in enumerate(shots):
        nxt = shots[n + 1].start if n + 1 < len(shots) else s.end
        prev = shots[n - 1].end if n > 0 else s.start
        t = (max(s.start, prev) + min(s.end, nxt)) / 2
        im = preview_frame(plan, t).resize((tw, th), Image.Resampling.LANCZOS)
        x = gap + (n % cols) * (tw + gap)
        y = gap + (n // cols) * (th + label_h + gap)
        sheet.paste(im, (x, y))
        name = s.name if s.kind != "card" else "end card / thẻ kết"
        draw.text((x, y + th + 4), f"#{n + 1}  {format_duration(s.start)}–{format_duration(s.end)}"
                  f"  ({s.end - s.start:.1f} s)", fill=(20, 20, 20), font=font)
        draw.text((x, y + th + 22), name if len(name) <= 34 else "…" + name[-33:], fill=(90, 90, 90), font=font)
    return sheet


# --------------------------------------------------------------------------------------------


@dataclass
class RenderResult:
    platform: str
    video: Path
    srt: Path | None  # None: captions burned in only (video.caption_mode)
    vtt: Path | None
    cover: Path
    checks: Checks
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.checks.ok


def video_record(platform: str, plan: Plan, checks: Checks, warnings: list[str], seconds: float) -> Checks:
    """The checks record of a rendered video: the conformance verdicts with the plan's facts and warnings."""
    return checks.with_facts(platform=platform, draft=plan.draft, planned_duration=plan.duration,
                             seconds=round(seconds, 3)).with_warnings(*warnings)


def _same_frames(a: Plan, b: Plan) -> bool:
    return (a.width, a.height, a.fps, a.frames, a.texts, a.shots, a.logos, a.end_card) == \
        (b.width, b.height, b.fps, b.frames, b.texts, b.shots, b.logos, b.end_card)


def _strictest(presets: list[Preset]) -> Preset:
    """One preset whose encoding limits satisfy all of `presets` (same frame)."""
    from dataclasses import replace

    rates = [p.max_bitrate for p in presets if p.max_bitrate]
    sizes = [p.max_bytes for p in presets if p.max_bytes]
    return replace(presets[0], max_bitrate=min(rates) if rates else None, max_bytes=min(sizes) if sizes else None,
                   audio_bitrate=max(p.audio_bitrate for p in presets))


def sound_bitrate(plan: Plan, presets: list[Preset]) -> int:
    """AAC bit rate (b/s) of the shared sound: the highest the presets ask; a draft's from the style."""
    if plan.draft:
        return int(plan.style.draft.get("audio_bitrate", 64_000))
    return max(p.audio_bitrate for p in presets)


def cover_plan(plan: Plan) -> tuple[Plan, float]:
    """The cover as a designed frame: the sharpest moment of the first shot with the title (and its
    subtitle) and the logo over it, no captions or lower thirds; (its plan, its time in s)."""
    from dataclasses import replace

    first = plan.shots[0]
    title = next((t for t in plan.texts if t.role == "title"), None)
    bare = replace(plan, texts=())
    times = [first.start + (first.end - first.start) * k for k in (0.3, 0.55, 0.8)]
    best = max(times, key=lambda t: _sharpness(preview_frame(bare, t))) if first.kind != "card" else times[0]
    texts = (replace(title, start=0.0, end=plan.duration, fade=0.0),) if title is not None else ()
    logos = (replace(plan.logos[0], start=0.0, end=plan.duration),) if plan.logos and plan.logos[0].start <= 0 \
        else ()
    return replace(plan, texts=texts, logos=logos), best


def _sharpness(im: Image.Image) -> float:
    """How much detail a frame has (variance of its edges): blurred or dark frames score low."""
    import numpy as np
    from PIL import ImageFilter

    g = im.convert("L").resize((max(1, im.width // 4), max(1, im.height // 4)))
    return float(np.asarray(g.filter(ImageFilter.FIND_EDGES), dtype=np.float32).var())


def write_cover(plan: Plan, preset: Preset, path: Path) -> Path:
    """`<platform>-cover.jpg`: a designed cover (see `cover_plan`); YouTube: its thumbnail size."""
    cp, t = cover_plan(plan)
    im = preview_frame(cp, t)
    if preset.thumbnail and not plan.draft:
        im = im.resize(preset.thumbnail, Image.Resampling.LANCZOS)
    with atomic_path(Path(path)) as tmp:
        im.save(tmp, "JPEG", quality=90, optimize=True, progressive=True)
    return Path(path)


def render_campaign(ctx: CampaignContext, *, platforms: list[str] | None = None, draft: bool = False,
                    progress: Callable[[str, int, int], None] | None = None) -> list[RenderResult]:
    """Render the promo for each platform into `<output>/<id>/video/` (`draft`: a small, fast version in
    `video/draft/`). See `render_plans`; unlike `VideoJob.render`, the manifest is left alone."""
    return render_plans(make_plans(ctx, platforms, draft=draft), ctx.outputs, progress=progress)


def render_plans(plans: dict[str, Plan], outputs: CampaignOutputs, *,
                 progress: Callable[[str, int, int], None] | None = None,
                 sound: SoundJob | None = None) -> list[RenderResult]:
    """Render each platform's plan: video, captions and cover at the catalog's paths (drafts in `video/draft/`).

    Platforms with the same frame share one render (copied). The sound is mixed once, while the first
    video's frames are drawn. After each file, the conformance checks are written beside it as
    `<platform>.mp4.checks.json` (the manifest picks them up). `sound`: the first plan's sound, already
    started (a `VideoJob` starts it early); it is closed here.
    """
    results: list[RenderResult] = []
    if not plans:
        return results
    first = next(iter(plans.values()))
    draft = first.draft
    out_dir = outputs.folder("video", draft=draft)
    out_dir.mkdir(parents=True, exist_ok=True)
    for plan in plans.values():
        check_texts(plan)  # glyphs and fitting, before any long work
    bitrate = sound_bitrate(first, [PLATFORMS.get(n) for n in plans])
    names = list(plans)
    leader: dict[str, str] = {}  # platform -> the platform whose render it shares (same frames)
    for name in names:
        leader[name] = next((n for n in names[:names.index(name)] if leader[n] == n
                             and _same_frames(plans[n], plans[name])), name)
    encoded: dict[str, tuple[list[str], float]] = {}

    def encode_one(name: str, sound_file: Future) -> tuple[list[str], float]:
        t0 = time.perf_counter()
        group = [PLATFORMS.get(n) for n in names if leader[n] == name]
        cb = (lambda k, n, _name=name: progress(_name, k, n)) if progress else None
        warnings = encode(plans[name], outputs.video(name, draft=draft), sound_file, preset=_strictest(group), progress=cb)
        return warnings, time.perf_counter() - t0

    with sound or SoundJob(first, None, bitrate) as sound:
        own = [n for n in names if leader[n] == n]
        # A draft's frames are small, so drawing them (one core) limits it, not x264: two shapes at once
        # use both cores. Final renders stay one at a time (x264 already uses every core).
        workers = min(len(own), int(first.style.draft.get("parallel", 2))) if draft else 1
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="promokit-draft") as pool:
                futures = {n: pool.submit(encode_one, n, sound.future) for n in own}
                encoded = {n: f.result() for n, f in futures.items()}
        for name in names:
            plan = plans[name]
            preset = PLATFORMS.get(name)
            t0 = time.perf_counter()
            video = outputs.video(name, draft=draft)
            warnings = list(plan.warnings)
            if leader[name] != name:
                with atomic_path(video) as part:
                    shutil.copyfile(outputs.video(leader[name], draft=draft), part)
            else:
                more, took = encoded[name] if name in encoded else encode_one(name, sound.future)
                warnings += more
                t0 -= took if name in encoded else 0.0
            srt, vtt = write_sidecars(plan, outputs.captions(name, "srt", draft=draft),
                                      outputs.captions(name, "vtt", draft=draft))
            cover = write_cover(plan, preset, outputs.cover(name, draft=draft))
            checks = check_render(video, preset, size=plan.size, fps=plan.fps, audio_rate=plan.audio.rate,
                                  min_audio_bitrate=min(128_000, bitrate))
            seconds = time.perf_counter() - t0
            checks = video_record(name, plan, checks, warnings, seconds)
            checks = checks.with_checks(*audit_checks(video_defects(plan)))  # the layout audit
            write_checks(video, checks)
            results.append(RenderResult(name, video, srt, vtt, cover, checks, seconds, warnings))
    return results
