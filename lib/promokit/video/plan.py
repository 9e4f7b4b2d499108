"""The timeline of a promo video, pure: spec + preset + media facts -> `Plan` (no media or file I/O).

A plan says everything the renderer draws and the mixer plays: the frame size and rate, each shot
(still, clip or end card) with its frames on the timeline, source in-point and Ken Burns motion, the
transitions, the text layers with the boxes they must fit in (inside the safe zone), the logo and the
audio. The same inputs always give the same plan; each platform preset gets its own plan from the same
timeline (only the frame, and so the framing and text boxes, differ).

Shot lengths share out the asked duration (or the music's length with `fit_to_music`). Clips are trimmed,
never stretched: a clip shorter than its share keeps its own length and the rest goes to the others.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SpecError
from ..platforms import Preset, safe_zone
from ..spec.models import Brand, Campaign, Caption, Shot
from ..text import format_number, nfc
from .logo import AUTO, LogoLayer, plan_logos
from .look import CORNERS, Look
from .motion import STILL, Motion, base_window, coverage, fit_mode, make_motion
from .style import VideoStyle, resolve_color
from .timing import share_frames

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class MediaFacts:
    """What the plan needs to know of a file (probed by the caller). `kind`: image | clip | audio | moviepy
    (a campaign's .py file, whose size and length are known only when it runs; or a notebook's clip, `clip`)."""

    path: Path
    kind: str
    width: int = 0
    height: int = 0
    duration: float = 0.0  # s; for clips and audio the readable length
    has_audio: bool = False
    fps: float = 0.0
    clip: ClipRef | None = None
    look: Look | None = field(default=None, compare=False, repr=False)  # busyness, brightness, subject (look.py)


@dataclass(frozen=True)
class Cue:
    """A caption: text shown from `start` to `end` (s)."""

    start: float
    end: float
    text: str


class ClipRef:
    """A moviepy clip made in a notebook, held by identity (moviepy's `==` compares every frame)."""

    def __init__(self, clip: object) -> None:
        self.clip = clip

    def __repr__(self) -> str:
        return f"ClipRef({type(self.clip).__name__} at {id(self.clip):#x})"


@dataclass(frozen=True)
class CodeShot:
    """What a moviepy shot draws from: a campaign file defining `make_clip(ctx)`, or a notebook's clip;
    and what its `ctx` tells it beyond the frame (the campaign folder, texts, the colour behind its mask)."""

    script: Path | None
    clip: ClipRef | None
    folder: Path | None
    texts: tuple[tuple[str, str], ...]
    background: tuple[int, int, int]


@dataclass(frozen=True)
class ShotPlan:
    index: int
    kind: str  # still | clip | moviepy | card
    name: str  # as the spec wrote it (or "end_card")
    source: Path | None
    first_frame: int
    frames: int
    fps: float
    src_in: float = 0.0  # s into a clip
    src_size: tuple[int, int] = (0, 0)  # picture px (as displayed)
    fit: str = "fill"  # fill | fit
    motion: Motion = STILL
    clip_audio: bool = False
    code: CodeShot | None = None  # kind "moviepy"

    @property
    def start(self) -> float:
        return self.first_frame / self.fps

    @property
    def end(self) -> float:
        return (self.first_frame + self.frames) / self.fps

    @property
    def last_frame(self) -> int:  # exclusive
        return self.first_frame + self.frames

    def progress(self, frame: int) -> float:
        """0..1 through the shot at `frame` (the motion's clock)."""
        return (frame - self.first_frame + 0.5) / self.frames


@dataclass(frozen=True)
class Transition:
    kind: str  # crossfade | slide | wipe | cut
    a: int  # shot index going out
    b: int  # shot index coming in
    first_frame: int
    frames: int

    def alpha(self, frame: int) -> float:
        """How far the incoming shot has come in at `frame` (0..1; 0.5 at the midpoint)."""
        return min(1.0, max(0.0, (frame - self.first_frame + 0.5) / self.frames))


@dataclass(frozen=True)
class TextLayer:
    """Text drawn over the picture. `box` (px) is where it must fit; `anchor` places it in the box."""

    role: str  # title | lower_third | caption
    text: str
    start: float
    end: float
    box: Box
    anchor: str = "center"  # center | bottom | top
    sub: str = ""  # title: the subtitle line
    fade: float = 0.3


@dataclass(frozen=True)
class EndCardPlan:
    text: str
    contact: str
    url: str
    background: tuple[int, int, int]
    box: Box  # content area (safe zone less the caption band)
    logo: Path | None
    shot: int  # index of the card's shot


@dataclass(frozen=True)
class ClipSound:
    source: Path
    src_in: float
    start: float
    end: float


@dataclass(frozen=True)
class AudioPlan:
    duration: float
    rate: int
    music: Path | None = None
    music_duration: float = 0.0
    music_loop: bool = False
    fade_in: float = 1.0
    fade_out: float = 2.0
    music_gain_db: float = 0.0
    voice: Path | None = None
    voice_start: float = 0.0
    voice_duration: float = 0.0
    duck_db: float = 12.0
    duck_ramp: float = 0.3
    clips: tuple[ClipSound, ...] = ()
    clip_gain_db: float = -3.0
    target_lufs: float = -14.0
    target_tp: float = -1.5
    target_lra: float = 11.0

    @property
    def silent(self) -> bool:
        return self.music is None and self.voice is None and not self.clips


@dataclass(frozen=True)
class Fonts:
    """Font files for the text roles (`TextStyle.font` names one of these)."""

    heading: Path | None = None
    heading_bold: Path | None = None
    body: Path | None = None
    body_bold: Path | None = None

    def get(self, name: str) -> Path | None:
        return getattr(self, name)


@dataclass(frozen=True)
class Plan:
    platform: str
    width: int
    height: int
    fps: float
    frames: int
    shots: tuple[ShotPlan, ...]
    transitions: tuple[Transition, ...]
    texts: tuple[TextLayer, ...]
    logos: tuple[LogoLayer, ...]  # the logo per run of shots in one corner (logo.py)
    end_card: EndCardPlan | None
    audio: AudioPlan
    safe: Box
    style: VideoStyle
    colors: dict[str, str]
    fonts: Fonts
    title: str
    draft: bool = False
    warnings: tuple[str, ...] = field(default=())
    caption_mode: str = "burned"  # burned | sidecar | both (spec video.caption_mode)
    sidecar_only: tuple[TextLayer, ...] = ()  # captions for the sidecar files only (mode "sidecar")

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def logo(self) -> LogoLayer | None:
        """The logo of the first shot (the cover's)."""
        return self.logos[0] if self.logos else None

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    def time(self, frame: int) -> float:
        return frame / self.fps

    def frame_at(self, t: float) -> int:
        return min(self.frames - 1, max(0, int(math.floor(t * self.fps + 1e-6))))

    def active(self, frame: int) -> list[ShotPlan]:
        """The shots on screen at `frame` (two during a transition), outgoing first."""
        return [s for s in self.shots if s.first_frame <= frame < s.last_frame]

    def transition_at(self, frame: int) -> Transition | None:
        return next((t for t in self.transitions if t.first_frame <= frame < t.first_frame + t.frames), None)

    def captions(self) -> list[TextLayer]:
        return [t for t in self.texts if t.role == "caption"]


# --------------------------------------------------------------------------------------------


def _even(x: float) -> int:
    return max(2, int(round(x / 2)) * 2)


def frame_size(preset: Preset, style: VideoStyle, draft: bool) -> tuple[int, int]:
    if not draft:
        return _even(preset.width), _even(preset.height)
    scale = float(style.draft["long_side"]) / max(preset.width, preset.height)
    return _even(preset.width * scale), _even(preset.height * scale)


def _fail(vi: str, en: str, field: str, fix_vi: str, fix_en: str) -> SpecError:
    return SpecError.fail(vi, en, file="campaign.yml", field=field, fix_vi=fix_vi, fix_en=fix_en)


def _shots(campaign: Campaign, media: dict[str, MediaFacts]) -> list[tuple[Shot, MediaFacts]]:
    video = campaign.video
    assert video is not None
    listed = video.shot_list()
    if listed is None:
        listed = [Shot(path=k) for k, m in media.items() if m.kind in ("image", "clip")]
    out = []
    for i, shot in enumerate(listed):
        facts = media.get(nfc(shot.file))
        if facts is None or facts.kind not in ("image", "clip", "moviepy"):
            raise _fail(f"không có thông tin về '{shot.file}' (không phải ảnh hay video)",
                        f"no facts for '{shot.file}' (not an image or clip)", f"video.shots[{i}]",
                        "kiểm tra đường dẫn tới ảnh/video", "check the path of the image or clip")
        out.append((shot, facts))
    if not out:
        raise _fail("video không có ảnh hay đoạn phim nào", "the video has no images or clips", "video.shots",
                    "thêm ảnh vào images/ hoặc video vào clips/", "add photos to images/ or clips to clips/")
    return out


def display_url(url: str) -> str:
    """A web address as people read it: no "https://", no "www." is kept, no trailing "/" (never a bare scheme)."""
    u = url.strip()
    for scheme in ("https://", "http://"):
        if u.lower().startswith(scheme):
            u = u[len(scheme):]
    return u.rstrip("/")


def _text_box(safe: Box, top: float, bottom: float) -> Box:
    x0, y0, x1, y1 = safe
    h = y1 - y0
    return x0, int(round(y0 + top * h)), x1, int(round(y0 + bottom * h))


def plan_video(
    campaign: Campaign,
    brand: Brand,
    preset: Preset,
    media: dict[str, MediaFacts],
    *,
    music_duration: float | None = None,
    captions: list[Cue] | list[Caption] | None = None,
    fonts: Fonts | None = None,
    logo: Path | None = None,
    logo_luma: float = 0.5,
    style: VideoStyle,
    draft: bool = False,
) -> Plan:
    """The timeline of `campaign.video` for one platform `preset`.

    `media` maps each campaign-relative path (NFC; shots, music, voice-over) to its facts, in the default
    shot order; `captions` are the parsed cues when the spec names a caption file (a list in the spec is
    used as is); `fonts` and `logo` are resolved files carried for the renderer (`logo_luma`: the logo's
    brightness, 0–1, for its contrast with each corner). A shot without `focus` that is cropped to another
    shape is framed around its picture's salient point (`MediaFacts.look`). Raises SpecError when the
    shots cannot fit the duration.
    """
    video = campaign.video
    if video is None:
        raise _fail("chiến dịch không có phần video", "the campaign has no video section", "video",
                    "thêm mục video: vào campaign.yml", "add a video: section to campaign.yml")
    style = style.with_sizes(brand.sizes)
    colors = brand.colors.model_dump(exclude={"series"})
    warnings: list[str] = []
    width, height = frame_size(preset, style, draft)
    fps = min(preset.max_fps, max(preset.min_fps, float(video.fps)))
    timing = style.timing

    # --- duration and audio facts
    music = media.get(nfc(video.music)) if video.music else None
    voice = media.get(nfc(video.voiceover)) if video.voiceover else None
    if music is not None and music_duration is None:
        music_duration = music.duration
    duration = float(video.duration)
    if video.fit_to_music and music is not None and music_duration:
        duration = min(600.0, float(music_duration))
    total = max(1, int(round(duration * fps)))

    # --- shots and their lengths (frames)
    pairs = _shots(campaign, media)
    end_card = video.end_card
    n = len(pairs) + (1 if end_card is not None else 0)
    tdur = 0.0 if video.transition == "cut" else float(video.transition_duration)
    overlap = int(round(tdur * fps))
    min_frames = max(1, int(math.ceil(float(timing["min_shot"]) * fps)))
    fixed: dict[int, int] = {}
    caps: dict[int, int] = {}
    for i, (shot, facts) in enumerate(pairs):
        if facts.kind == "clip":
            avail = facts.duration - shot.start
            if avail <= 1.0 / fps:
                raise _fail(f"điểm bắt đầu {shot.start:g} s nằm ngoài đoạn phim dài {facts.duration:.2f} s",
                            f"start {shot.start:g} s is past the end of the {facts.duration:.2f} s clip",
                            f"video.shots[{i}].start", "giảm start", "lower start")
            # one frame of margin: the last frame a decoder gives can be short
            caps[i] = max(1, int(math.floor(avail * fps)) - 1)
        elif facts.kind == "moviepy" and facts.duration > 0:  # a notebook's clip: never stretched either
            caps[i] = max(1, int(math.floor(facts.duration * fps + 1e-6)))
        if shot.duration is not None:
            want = int(round(shot.duration * fps))
            if i in caps and want > caps[i]:
                # the cap keeps one frame of margin: losing that one frame is rounding, not worth a word
                if want > caps[i] + 1:
                    warnings.append(f"{shot.file}: cảnh cần {shot.duration:g} s, đoạn phim chỉ có "
                                    f"{format_number(caps[i] / fps, 2)} s: cảnh được rút ngắn theo đoạn phim / "
                                    f"{shot.duration:g} s asked, the clip has {caps[i] / fps:.2f} s: "
                                    "the shot is shortened to the clip")
                want = caps[i]
            fixed[i] = want
    if end_card is not None:
        fixed[n - 1] = int(round(end_card.duration * fps))
    # transitions may not eat a whole shot: shorten them when shots are short
    while True:
        try:
            lengths = share_frames(total, overlap, fixed, caps, n, max(min_frames, 2 * overlap + 1))
            break
        except ValueError:
            if overlap > 0:
                overlap = overlap // 2
                continue
            raise _fail(
                f"quá nhiều cảnh cho {duration:g} s: mỗi cảnh cần ít nhất {timing['min_shot']} s",
                f"too many shots for {duration:g} s: each needs at least {timing['min_shot']} s",
                "video.shots", "bớt ảnh/video hoặc tăng video.duration", "use fewer shots or a longer video.duration",
            ) from None
    # the first shot's caption comes after the title: that shot gets the time to show it when the shots
    # without a length of their own can give it (else the caption's warning below says what to set)
    if pairs and pairs[0][0].caption and (video.title or campaign.title).strip() and 0 not in fixed:
        need = int(math.ceil((float(timing["title_seconds"]) + float(timing["fade"])
                              + float(style.layout.get("lower_third_min", 1.2))
                              + float(timing["lower_third_inset"])) * fps))
        need = min(need, caps.get(0, need))
        if lengths[0] < need:
            with contextlib.suppress(ValueError):
                lengths = share_frames(total, overlap, {**fixed, 0: need}, caps, n, max(min_frames, 2 * overlap + 1))
    if overlap != int(round(tdur * fps)):
        warnings.append(f"chuyển cảnh rút còn {format_number(overlap / fps, 2)} s cho vừa các cảnh ngắn / "
                        f"transitions shortened to {overlap / fps:.2f} s to fit short shots")
    frames = sum(lengths) - overlap * (n - 1)
    if frames != total:
        warnings.append(f"video dài {format_number(frames / fps, 2)} s, không phải {format_number(duration, 2)} s "
                        f"(đoạn phim không bao giờ bị kéo giãn) / video is {frames / fps:.2f} s, not {duration:g} s "
                        "(clips are never stretched)")

    motion_style = style.motion
    pattern = list(motion_style["pattern"])
    texts_for_code = tuple((k, nfc(v)) for k, v in (
        ("title", video.title or campaign.title), ("subtitle", video.subtitle or campaign.slogan),
        ("campaign_title", campaign.title), ("slogan", campaign.slogan), ("description", campaign.description)))
    shots: list[ShotPlan] = []
    first = 0
    still_count = 0
    for i, (shot, facts) in enumerate(pairs):
        pic = (max(1, facts.width), max(1, facts.height))
        if facts.kind == "moviepy" and not (facts.width and facts.height):
            pic = (width, height)  # a campaign's code makes its clip at the frame's size
        # material (photos, clips) is re-framed around its focus; a hand-made moviepy shot was composed whole by
        # its author, so another shape is shown whole over a fill unless it is nearly the frame's shape
        threshold = float(motion_style["code_fit_threshold" if facts.kind == "moviepy" else "fit_threshold"])
        fit = fit_mode(pic, (width, height), threshold)
        focus = shot.focus
        if focus is None and facts.look is not None and fit == "fill" and \
                coverage(pic, (width, height)) < float(motion_style.get("saliency_below", 0.75)):
            focus = facts.look.salient  # a crop to another shape keeps the picture's subject
        if facts.kind == "image":
            kind = shot.motion if shot.motion != "auto" else pattern[still_count % len(pattern)]
            still_count += 1
            zoom = float(motion_style["zoom"] if fit == "fill" else motion_style["fit_zoom"])
            motion = make_motion(kind, pic, (width, height), fit, zoom=zoom, pan=float(motion_style["pan"]),
                                 focus=focus, ease=bool(motion_style["ease"]))
        else:
            motion = make_motion("none", pic, (width, height), fit, zoom=0.0, pan=0.0, focus=focus)
        scale = (max if fit == "fill" else min)(width / pic[0], height / pic[1])
        most = float(motion_style.get("upscale_warn", 3.0))
        if facts.kind in ("image", "clip") and scale > most:  # one wording for every platform: said once
            warnings.append(f"{shot.file}: {pic[0]}×{pic[1]} px quá nhỏ, phóng to hơn {format_number(most, 0 if most.is_integer() else 1)} lần "
                            "nên sẽ mờ — dùng bản gốc lớn hơn (cạnh ngắn từ 1080 px) / "
                            f"{shot.file}: {pic[0]}×{pic[1]} px is too small: enlarged more than {most:g}× it will "
                            "look soft — use a larger original (1080 px or more on its short side)")
        code = None
        if facts.kind == "moviepy":
            rel = Path(shot.file)
            folder = facts.path.parents[len(rel.parts) - 1] if facts.clip is None else None
            code = CodeShot(facts.path if facts.clip is None else None, facts.clip, folder, texts_for_code,
                            resolve_color(style.layout["end_card"]["background"], colors) or (0, 0, 0))
        shots.append(ShotPlan(
            index=i, kind={"image": "still"}.get(facts.kind, facts.kind), name=shot.file, source=facts.path,
            first_frame=first, frames=lengths[i], fps=fps, src_in=shot.start if facts.kind == "clip" else 0.0,
            src_size=pic, fit=fit, motion=motion, clip_audio=facts.kind == "clip" and video.clip_audio
            and facts.has_audio, code=code,
        ))
        first += lengths[i] - overlap
    safe = safe_zone(width, height)
    card_plan = None
    if end_card is not None:
        idx = n - 1
        shots.append(ShotPlan(index=idx, kind="card", name="end_card", source=None, first_frame=first,
                              frames=lengths[idx], fps=fps))
        bg = resolve_color(style.layout["end_card"]["background"], colors)
        contact = end_card.contact or brand.contacts.phone or brand.contacts.address or brand.contacts.email
        url = display_url(end_card.url or brand.contacts.web or "")
        card_plan = EndCardPlan(text=end_card.text or campaign.slogan or campaign.title, contact=contact, url=url,
                                background=bg or (0, 0, 0), box=_text_box(safe, 0.0, 0.78), logo=logo, shot=idx)
    transitions = []
    for a, b in zip(shots, shots[1:], strict=False):
        if overlap > 0:
            kind = "crossfade" if b.kind == "card" or a.kind == "card" else video.transition
            transitions.append(Transition(kind, a.index, b.index, b.first_frame, overlap))
    content_end = shots[-1].start if card_plan is not None else frames / fps

    # --- text layers
    texts: list[TextLayer] = []
    fade = float(timing["fade"])
    lay = style.layout
    title = video.title or campaign.title
    subtitle = video.subtitle or campaign.slogan
    bands = {k: (float(v[0]), float(v[1])) for k, v in lay["bands"].items()}
    title_end = 0.0
    if title.strip():
        title_end = min(float(timing["title_seconds"]), content_end)
        texts.append(TextLayer("title", nfc(title), 0.0, title_end, _text_box(safe, *bands["title"]),
                               "center", nfc(subtitle or ""), fade))
    inset = float(timing["lower_third_inset"])
    least = float(lay.get("lower_third_min", 1.2))
    for i, ((shot, _), sp) in enumerate(zip(pairs, shots, strict=False)):
        if not shot.caption:
            continue
        start = max(sp.start + inset, title_end + fade if title_end else 0.0)  # never under the title
        stop = sp.end - inset
        if stop - start >= least:
            texts.append(TextLayer("lower_third", nfc(shot.caption), start, stop,
                                   _text_box(safe, *bands["lower_third"]), "bottom", "", fade))
        else:  # what the staff wrote is never dropped unsaid
            short = nfc(shot.caption)[:40] + ("…" if len(shot.caption) > 40 else "")
            need = math.ceil(least + (start - sp.start) + inset)
            under = start > sp.start + inset  # the title, not the shot's length, is in the way
            why_vi = f"tiêu đề chiếm cảnh đến {format_number(title_end, 1)} s, " if under else "cảnh quá ngắn, "
            why_en = f"the title holds the shot until {title_end:.1f} s, leaving" if under else "the shot leaves"
            left = max(0.0, stop - start)
            warnings.append(
                f"chú thích cảnh {i + 1} ({short!r}) không hiện: {why_vi}còn {format_number(left, 1)} s, cần "
                f"{format_number(least, 1)} s — cách sửa: video.shots[{i}].duration: {need} hoặc chuyển chú thích "
                f"sang cảnh khác / the caption of shot {i + 1} ({short!r}) is not shown: {why_en} {left:.1f} s of "
                f"the {least:g} s it needs — fix: video.shots[{i}].duration: {need}, or move the caption to another shot")
    cues: list[Cue] = []
    if isinstance(video.captions, list):
        cues = [Cue(c.start, c.end, c.text) for c in video.captions]
    elif captions:
        cues = [c if isinstance(c, Cue) else Cue(c.start, c.end, c.text) for c in captions]
    end_s = frames / fps
    min_cap = float(timing["min_caption"])
    for c in cues:
        start, stop = max(0.0, c.start), min(end_s, c.end)
        if stop - start < min_cap:
            stop = min(end_s, start + min_cap)
        if start >= end_s or stop <= start:
            warnings.append(f"phụ đề {c.text[:30]!r} lúc {format_number(c.start, 2)} s nằm sau khi video kết thúc / "
                            f"caption {c.text[:30]!r} at {c.start:g} s is past the end of the video")
            continue
        texts.append(TextLayer("caption", nfc(c.text), start, stop, _text_box(safe, *bands["caption"]), "bottom",
                               "", min(fade, (stop - start) / 4)))

    logos: tuple[LogoLayer, ...] = ()
    if logo is not None:
        lg = lay["logo"]
        size = (int(round((safe[2] - safe[0]) * float(lg["width"]))), int(round(height * float(lg["max_height"]))))
        content = shots[:len(pairs)]
        choices = [shot.logo if shot.logo != AUTO else video.logo for shot, _ in pairs]
        vertical = abs(width / height - 9 / 16) < 0.01  # the safe zone's lower corners float mid-frame there
        logos = plan_logos(logo, content, choices, [f.look for _, f in pairs], texts, safe=safe,
                           frame=(width, height), size=size, default=str(lg["corner"]), opacity=float(lg["opacity"]),
                           end=content_end, logo_luma=logo_luma,
                           corners=tuple(lg.get("auto_corners_vertical", CORNERS)) if vertical else CORNERS,
                           clearance=int(round(float(lg.get("clearance", 0.0)) * height)))

    # --- sound
    a = style.audio
    clips = tuple(ClipSound(sp.source, sp.src_in, sp.start, sp.end) for sp in shots
                  if sp.clip_audio and sp.source is not None)
    mdur = float(music_duration or 0.0)
    audio = AudioPlan(
        duration=end_s, rate=int(style.draft.get("audio_rate", a["rate"]) if draft else a["rate"]),
        music=music.path if music is not None else None, music_duration=mdur,
        music_loop=music is not None and 0 < mdur < end_s - 0.05,
        fade_in=min(float(a["music_fade_in"]), end_s / 4), fade_out=min(float(a["music_fade_out"]), end_s / 3),
        music_gain_db=float(a["music_gain_db"]),
        voice=voice.path if voice is not None else None, voice_start=float(a["voice_start"]) if voice else 0.0,
        voice_duration=min(voice.duration, max(0.0, end_s - float(a["voice_start"]))) if voice else 0.0,
        duck_db=float(a["duck_db"]), duck_ramp=float(a["duck_ramp"]), clips=clips,
        clip_gain_db=float(a["clip_gain_db"]), target_lufs=float(a["target_lufs"]),
        target_tp=float(a["target_tp"]), target_lra=float(a["target_lra"]),
    )
    if voice is not None and voice.duration > end_s - float(a["voice_start"]) + 0.05:
        warnings.append(f"lời bình ({format_number(voice.duration, 1)} s) bị cắt khi video kết thúc / "
                        f"voice-over ({voice.duration:.1f} s) is cut at the end of the video")

    mode = getattr(video, "caption_mode", "burned")
    sidecar_only: tuple[TextLayer, ...] = ()
    if mode == "sidecar":  # the captions go to the platform's subtitle track only, not into the picture
        sidecar_only = tuple(t for t in texts if t.role == "caption")
        texts = [t for t in texts if t.role != "caption"]
    return Plan(
        platform=preset.id, width=width, height=height, fps=fps, frames=frames, shots=tuple(shots),
        transitions=tuple(transitions), texts=tuple(texts), logos=logos, end_card=card_plan, audio=audio,
        safe=safe, style=style, colors=colors, fonts=fonts or Fonts(), title=nfc(title).strip(), draft=draft,
        warnings=tuple(warnings), caption_mode=mode, sidecar_only=sidecar_only,
    )


def window_base(shot: ShotPlan, size: tuple[int, int]) -> tuple[float, float]:
    """The base window of a shot in a frame of `size` (see motion.base_window)."""
    return base_window(shot.src_size, size, shot.fit)


def ffmpeg_rate(fps: float) -> str:
    """A frame rate as ffmpeg reads it exactly: `30`, `30000/1001`."""
    from fractions import Fraction

    f = Fraction(fps).limit_denominator(1001)
    return f"{f.numerator}/{f.denominator}" if f.denominator != 1 else str(f.numerator)
