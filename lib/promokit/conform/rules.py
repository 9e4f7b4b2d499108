"""The rules: pure verdicts over a file's facts for one target (a platform preset, plus what a render asked).

Each rule is one small class registered by name in `RULES`, with the label a staffer reads (Vietnamese /
English), the fact it looks at (whose source the check names) and what `--fix` must do when it fails:
`remux` (rewrite the boxes only), `video` or `audio` (re-encode that stream), `trim`, or nothing possible.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..catalog import Check, Checks, checks_from
from ..platforms import Preset
from ..registry import Registry
from .facts import Facts

KIND = "video"
SILENT_LUFS = -70.0  # ebur128's gate: quieter than this is silence
H264_PROFILES = ("Constrained Baseline", "Baseline", "Main", "High")
HDR_TRANSFERS = ("smpte2084", "arib-std-b67", "bt2020-10", "bt2020-12")
FIXES = ("remux", "video", "audio", "trim", "")


@dataclass(frozen=True)
class Target:
    """What a file must be: a platform preset, and for a render the exact frame (px), rate (fps) and sound rate
    (Hz) it asked for plus the house's stricter rules (H.264 High, BT.709 tags, ≤ 2.5 s GOP, sound, no edit lists)."""

    preset: Preset
    size: tuple[int, int] | None = None
    fps: float | None = None
    audio_rate: int | None = None
    profile: str | None = None
    max_gop: float | None = None
    edit_lists: bool | None = None  # None: as the preset says
    colour_tags: bool = False  # BT.709 tv range must be written in the file
    need_audio: bool = False
    min_audio_bitrate: int | None = None
    loudness: float = -14.0  # LUFS (EBU R128 integrated), the office's target for everything it posts
    loudness_tolerance: float = 2.0  # LU
    true_peak: float = -1.0  # dBTP

    @classmethod
    def render(cls, preset: Preset, size: tuple[int, int], fps: float, audio_rate: int = 48_000,
               min_audio_bitrate: int = 128_000) -> Target:
        """A promokit render: exact frame, rate and sound; the house's rules (DESIGN §6 common line)."""
        return cls(preset, tuple(size), float(fps), int(audio_rate), profile="High", max_gop=2.5, edit_lists=False,
                   colour_tags=True, need_audio=True, min_audio_bitrate=int(min_audio_bitrate), loudness_tolerance=1.0)

    def with_fps(self, fps: float | None) -> Target:
        return replace(self, fps=fps)

    @property
    def gop_limit(self) -> float:
        return self.max_gop if self.max_gop is not None else self.preset.max_gop

    @property
    def allow_edit_lists(self) -> bool:
        return self.preset.edit_lists if self.edit_lists is None else self.edit_lists


def both(vi: str, en: str) -> str:
    return f"{vi} / {en}"


def _num(x: float, digits: int = 2) -> str:
    """A number the Vietnamese way: 29,97 (no trailing zeros)."""
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


class Rule:
    """One rule. Subclasses set the class attributes and `judge` (returning ok, value, expected, reason)."""

    name: ClassVar[str]
    label_vi: ClassVar[str]
    label_en: ClassVar[str]
    fact: ClassVar[str]  # the fact whose source the check names
    fix: ClassVar[str] = ""
    needs: ClassVar[str] = "video"  # "video", "audio" or "" (the file)

    def applies(self, f: Facts, t: Target) -> bool:
        return (self.needs != "video" or f.has_video) and (self.needs != "audio" or f.has_audio)

    def judge(self, f: Facts, t: Target) -> tuple[bool, object, object, str]:
        raise NotImplementedError

    @property
    def label(self) -> str:
        return both(self.label_vi, self.label_en)

    def check(self, f: Facts, t: Target) -> Check:
        ok, value, expected, reason = self.judge(f, t)
        return Check(self.name, bool(ok), value, expected, reason, f.source(self.fact) or "")


RULES: Registry[Rule] = Registry("quy tắc", "rule")


def rule(r: type[Rule] | Rule) -> type[Rule] | Rule:
    """Register a rule (a class, as a decorator, or an instance of a table rule) under its name, in order."""
    RULES.add(r.name, r() if isinstance(r, type) else r)
    return r


class TableRule(Rule):
    """A rule written as one entry of a table: its identity (name, labels, fact, fix, needs) and, when given,
    `when(facts)` instead of `needs` to say whether it applies. Subclasses say what it judges."""

    def __init__(self, name: str, label_vi: str, label_en: str, fact: str, fix: str, needs: str = "video", *,
                 when: Callable[[Facts], bool] | None = None) -> None:
        self.name, self.label_vi, self.label_en, self.fact, self.fix, self.needs = (
            name, label_vi, label_en, fact, fix, needs)
        self.when = when

    def applies(self, f: Facts, t: Target) -> bool:
        return self.when(f) if self.when is not None else super().applies(f, t)


class Equals(TableRule):
    """The fact `fact` must be `want`; `says(value)` is the (vi, en) reason when it is not."""

    def __init__(self, *identity: str, want: object, says: Callable[[Any], tuple[str, str]],
                 when: Callable[[Facts], bool] | None = None) -> None:
        super().__init__(*identity, when=when)
        self.want, self.says = want, says

    def judge(self, f: Facts, t: Target):
        value = getattr(f, self.fact)
        ok = value == self.want
        return ok, value, self.want, "" if ok else both(*self.says(value))


class OneOf(TableRule):
    """The fact `fact` must be one of `allowed(target)`; `says(facts, target)` is the (vi, en) reason when not."""

    def __init__(self, *identity: str, allowed: Callable[[Target], list[Any]],
                 says: Callable[[Facts, Target], tuple[str, str]], when: Callable[[Facts], bool] | None = None) -> None:
        super().__init__(*identity, when=when)
        self.allowed, self.says = allowed, says

    def judge(self, f: Facts, t: Target):
        value, allowed = getattr(f, self.fact), self.allowed(t)
        ok = value in allowed
        return ok, value, allowed, "" if ok else both(*self.says(f, t))


class Flag(TableRule):
    """`holds(facts)` or not, shown as `shown` (what is wanted, what it is instead); `says(facts)` is the (vi, en)
    reason when it does not hold."""

    def __init__(self, *identity: str, holds: Callable[[Facts], bool], shown: tuple[str, str],
                 says: Callable[[Facts], tuple[str, str]], when: Callable[[Facts], bool] | None = None) -> None:
        super().__init__(*identity, when=when)
        self.holds, self.shown, self.says = holds, shown, says

    def judge(self, f: Facts, t: Target):
        ok = self.holds(f)
        return ok, self.shown[0] if ok else self.shown[1], self.shown[0], "" if ok else both(*self.says(f))


class AtMost(TableRule):
    """The fact `fact` must be at most `limit(target)` (no limit: the rule does not apply); `says(value, limit,
    target)` is the (vi, en) reason when it is over."""

    def __init__(self, *identity: str, limit: Callable[[Target], float | None],
                 says: Callable[[Any, Any, Target], tuple[str, str]]) -> None:
        super().__init__(*identity)
        self.limit, self.says = limit, says

    def applies(self, f: Facts, t: Target) -> bool:
        return super().applies(f, t) and self.limit(t) is not None

    def judge(self, f: Facts, t: Target):
        value, cap = getattr(f, self.fact), self.limit(t) or 0
        ok = value <= cap
        return ok, value, f"≤ {cap}", "" if ok else both(*self.says(value, cap, t))


# -- container -----------------------------------------------------------------------------------

rule(OneOf("container", "Định dạng tệp", "container", "container", "remux", "",
           allowed=lambda t: list(t.preset.containers), says=lambda f, t: (
               f"{t.preset.label} nhận {', '.join(t.preset.containers).upper()}, tệp là {f.container.upper()}",
               f"{t.preset.label} takes {', '.join(t.preset.containers).upper()}, the file is {f.container.upper()}")))


@rule
class Faststart(Rule):
    name, label_vi, label_en, fact, fix, needs = ("faststart", "Chỉ mục ở đầu tệp", "index first (moov before mdat)",
                                                  "moov_first", "remux", "")

    def applies(self, f: Facts, t: Target) -> bool:
        return f.moov_first is not None

    def judge(self, f: Facts, t: Target):
        ok = bool(f.moov_first) or bool(f.fragmented and t.preset.fragmented)
        return ok, " ".join(f.boxes[:6]), "moov trước mdat / moov before mdat", "" if ok else both(
            "chỉ mục (moov) nằm sau dữ liệu: phải tải hết tệp mới phát được",
            "the index (moov) comes after the media data: the whole file must download before it plays")


@rule
class EditList(Rule):
    name, label_vi, label_en, fact, fix, needs = "edit_list", "Không có danh sách chỉnh sửa", "no edit lists", \
        "edit_lists", "remux", ""

    def applies(self, f: Facts, t: Target) -> bool:
        return f.moov_first is not None and not t.allow_edit_lists

    def judge(self, f: Facts, t: Target):
        ok = not f.edit_lists
        tracks = ", ".join({"vide": "hình/video", "soun": "tiếng/audio"}.get(h, h) for h in f.edit_lists)
        return ok, list(f.edit_lists), [], "" if ok else both(
            f"có hộp elst ở rãnh {tracks}: {t.preset.label} yêu cầu MP4 không có danh sách chỉnh sửa",
            f"elst box in the {tracks} track(s): {t.preset.label} asks for MP4 without edit lists")


@rule
class Fragmented(Rule):
    name, label_vi, label_en, fact, fix, needs = "fragmented", "Không phân mảnh", "not fragmented", "fragmented", \
        "remux", ""

    def applies(self, f: Facts, t: Target) -> bool:
        return f.fragmented is not None and not t.preset.fragmented

    def judge(self, f: Facts, t: Target):
        ok = not f.fragmented
        return ok, bool(f.fragmented), False, "" if ok else both(
            "tệp MP4 phân mảnh (moof/mvex), nền tảng cần một chỉ mục liền", "fragmented MP4 (moof/mvex); one index is needed")


# -- video stream --------------------------------------------------------------------------------

rule(OneOf("video_codec", "Mã hóa hình", "video codec", "video_codec", "video", "",
           allowed=lambda t: list(t.preset.video_codecs), says=lambda f, t: (
               "không có hình" if not f.has_video else f"{t.preset.label} không nhận {f.video_codec}",
               "no video stream" if not f.has_video else f"{t.preset.label} does not take {f.video_codec}")))
rule(OneOf("profile", "Hồ sơ H.264", "H.264 profile", "profile", "video", when=lambda f: f.video_codec == "h264",
           allowed=lambda t: [t.profile] if t.profile else list(H264_PROFILES),
           says=lambda f, t: (f"hồ sơ {f.profile} không được nhận", f"profile {f.profile} is not accepted")))


@rule
class Level(Rule):
    name, label_vi, label_en, fact, fix = "level", "Mức (level)", "level", "level", "video"

    def applies(self, f: Facts, t: Target) -> bool:
        return f.video_codec in ("h264", "hevc") and f.level is not None

    def judge(self, f: Facts, t: Target):
        ok = (f.level or 0) <= t.preset.max_level + 1e-6
        return ok, f.level, f"≤ {t.preset.max_level:g}", "" if ok else both(
            f"mức {_num(f.level or 0, 1)} cao hơn {_num(t.preset.max_level, 1)}: máy cũ không giải mã được",
            f"level {f.level:g} above {t.preset.max_level:g}: older phones cannot decode it")


rule(Equals("chroma", "Lấy mẫu màu 4:2:0", "chroma 4:2:0", "chroma", "video", want="4:2:0",
            says=lambda v: (f"lấy mẫu màu {v}", f"chroma subsampling {v}")))
rule(Equals("bit_depth", "Độ sâu màu 8 bit", "8-bit depth", "bit_depth", "video", want=8,
            says=lambda v: (f"{v} bit mỗi mẫu", f"{v} bits per sample")))


@rule
class Progressive(Rule):
    name, label_vi, label_en, fact, fix = "progressive", "Quét liên tục (không xen kẽ)", "progressive scan", \
        "progressive", "video"

    def judge(self, f: Facts, t: Target):
        ok = f.progressive is not False
        value = "progressive" if f.progressive else (f.field_order or "interlaced") if f.progressive is False else "?"
        return ok, value, "progressive", "" if ok else both(
            f"hình quét xen kẽ ({value}): cần khử xen kẽ", f"interlaced video ({value}): deinterlace it")


@rule
class FrameSize(Rule):
    name, label_vi, label_en, fact, fix = "frame_size", "Kích thước khung", "frame size", "width", "video"

    def judge(self, f: Facts, t: Target):
        w, h = f.shown_size
        value = f"{w}x{h}"
        if t.size:
            ok = (w, h) == tuple(t.size) and w % 2 == 0 and h % 2 == 0
            return ok, value, f"{t.size[0]}x{t.size[1]}", "" if ok else both(
                f"khung {w}x{h}, cần {t.size[0]}x{t.size[1]}", f"frame {w}x{h}, {t.size[0]}x{t.size[1]} wanted")
        p = t.preset
        problems = []
        if min(w, h) < p.min_side:
            problems.append((f"cạnh ngắn {min(w, h)} px < {p.min_side}", f"short side {min(w, h)} px < {p.min_side}"))
        if max(w, h) > p.max_side:
            problems.append((f"cạnh dài {max(w, h)} px > {p.max_side}", f"long side {max(w, h)} px > {p.max_side}"))
        if p.max_width and w > p.max_width:
            problems.append((f"rộng {w} px > {p.max_width}", f"width {w} px > {p.max_width}"))
        if p.aspect_range and h:
            lo, hi = p.aspect_range
            if not lo * 0.99 <= w / h <= hi * 1.01:
                problems.append((f"tỉ lệ {w}:{h} ngoài khoảng nhận", f"aspect {w}:{h} outside the accepted range"))
        expected = f"{p.min_side}–{p.max_side} px" + (f", ≤ {p.max_width} wide" if p.max_width else "") + \
            (f", aspect {p.aspect_range[0]:.3g}–{p.aspect_range[1]:.3g}" if p.aspect_range else "")
        return not problems, value, expected, "; ".join(both(vi, en) for vi, en in problems)


rule(Flag("constant_rate", "Tốc độ khung cố định", "constant frame rate", "constant_rate", "video",
          when=lambda f: f.has_video and f.constant_rate is not None, holds=lambda f: bool(f.constant_rate),
          shown=("constant", "variable"), says=lambda f: (
              f"tốc độ khung thay đổi: mỗi khung dài {_num(f.frame_step[0] * 1000, 1)}–"
              f"{_num(f.frame_step[1] * 1000, 1)} ms",
              f"variable frame rate: frames last {f.frame_step[0] * 1000:.1f}–{f.frame_step[1] * 1000:.1f} ms")))


@rule
class FrameRate(Rule):
    name, label_vi, label_en, fact, fix = "frame_rate", "Tốc độ khung", "frame rate", "fps", "video"

    def judge(self, f: Facts, t: Target):
        p = t.preset
        ok = p.min_fps - 0.01 <= f.fps <= p.max_fps + 0.01 and (t.fps is None or abs(f.fps - t.fps) < 0.01)
        expected = f"{t.fps:g}" if t.fps else f"{p.min_fps:g}–{p.max_fps:g}"
        return ok, round(f.fps, 3), expected, "" if ok else both(
            f"{_num(f.fps, 3)} khung/giây, cần {expected.replace('.', ',')}", f"{f.fps:.3f} fps, {expected} wanted")


rule(Flag("gop", "Nhóm ảnh đóng", "closed GOP", "open_gop_at", "video",
          when=lambda f: f.has_video and f.key_frames > 0, holds=lambda f: f.open_gop_at is None,
          shown=("closed", "open"), says=lambda f: (
              f"nhóm ảnh mở: khung sau khung khóa {_num(f.open_gop_at or 0)} s tham chiếu nhóm trước",
              f"open GOP: frames after the key frame at {f.open_gop_at:.2f} s refer to the previous group")))


@rule
class KeyInterval(Rule):
    name, label_vi, label_en, fact, fix = "keyframes", "Khoảng cách khung khóa", "key-frame interval", \
        "key_interval", "video"

    def judge(self, f: Facts, t: Target):
        limit = t.gop_limit
        ok = f.key_frames > 0 and f.key_interval <= limit + 1e-3
        return ok, round(f.key_interval, 3), f"≤ {limit:g} s", "" if ok else both(
            f"khung khóa cách nhau tới {_num(f.key_interval)} s (tối đa {_num(limit)} s)",
            f"key frames up to {f.key_interval:.2f} s apart (at most {limit:g} s)")


@rule
class Colour(Rule):
    name, label_vi, label_en, fact, fix = "colour", "Thẻ màu BT.709", "colour tags BT.709", "primaries", "remux"

    def judge(self, f: Facts, t: Target):
        tags = (f.primaries, f.transfer, f.matrix)
        value = f"{f.primaries or '-'}/{f.transfer or '-'}/{f.matrix or '-'} {f.colour_range or '-'}"
        if f.transfer in HDR_TRANSFERS or f.primaries == "bt2020":
            return False, value, "bt709", both("video HDR (BT.2020/HLG/PQ): nền tảng sẽ hiện sai màu",
                                               "HDR video (BT.2020/HLG/PQ): colours will show wrong")
        if t.colour_tags:
            ok = tags == ("bt709", "bt709", "bt709") and f.colour_range == "tv"
        else:  # untagged HD is read as BT.709; a tag saying something else must be BT.601 (SD)
            ok = all(x in (None, "unknown", "bt709", "smpte170m", "bt470bg", "iec61966-2-1") for x in tags) \
                and f.colour_range in (None, "unknown", "tv")
        return ok, value, "bt709/bt709/bt709 tv", "" if ok else both(
            "thiếu hoặc sai thẻ màu BT.709 (giới hạn tv)", "BT.709 colour tags (tv range) missing or different")


@rule
class AvStart(Rule):
    name, label_vi, label_en, fact, fix = "av_start", "Hình và tiếng cùng bắt đầu", "picture and sound start together", \
        "video_start", "remux"

    def applies(self, f: Facts, t: Target) -> bool:
        return f.has_video and f.has_audio and f.key_frames > 0

    def judge(self, f: Facts, t: Target):
        gap = f.video_start - f.audio_start
        ok = abs(gap) <= 0.025
        return ok, round(gap, 4), "≤ 0.025 s", "" if ok else both(
            f"hình bắt đầu lệch tiếng {_num(gap * 1000, 0)} ms (không có danh sách chỉnh sửa bù lại)",
            f"the picture starts {gap * 1000:.0f} ms off the sound (no edit list makes up for it)")


rule(AtMost("peak_bitrate", "Tốc độ bit đỉnh (1 s)", "peak bit rate (1 s)", "peak_bitrate", "video",
            limit=lambda t: t.preset.max_bitrate,
            says=lambda v, cap, t: (f"đỉnh {_num(v / 1e6, 1)} Mb/s trong 1 giây, giới hạn {_num(cap / 1e6, 1)} Mb/s",
                                    f"{v / 1e6:.1f} Mb/s over one second, limit {cap / 1e6:g} Mb/s")))


# -- the file --------------------------------------------------------------------------------------

@rule
class Duration(Rule):
    name, label_vi, label_en, fact, fix, needs = "duration", "Thời lượng", "duration", "duration", "trim", ""

    def judge(self, f: Facts, t: Target):
        p = t.preset
        ok = p.min_duration - 0.05 <= f.duration <= p.max_duration + 0.05
        return ok, round(f.duration, 3), f"{p.min_duration:g}–{p.max_duration:g} s", "" if ok else both(
            f"dài {_num(f.duration)} s, cần {_num(p.min_duration)}–{_num(p.max_duration)} s",
            f"{f.duration:.2f} s long, {p.min_duration:g}–{p.max_duration:g} s wanted")


rule(AtMost("file_size", "Dung lượng tệp", "file size", "bytes", "video", "", limit=lambda t: t.preset.max_bytes,
            says=lambda v, cap, t: (f"{_num(v / 2**20, 1)} MB, {t.preset.label} nhận tối đa {_num(cap / 2**20, 0)} MB",
                                    f"{v / 2**20:.1f} MB, {t.preset.label} takes at most {cap / 2**20:.0f} MB")))


# -- sound ---------------------------------------------------------------------------------------

@rule
class HasAudio(Rule):
    name, label_vi, label_en, fact, fix, needs = "audio", "Có tiếng", "has sound", "audio_codec", "audio", ""

    def applies(self, f: Facts, t: Target) -> bool:
        return t.need_audio

    def judge(self, f: Facts, t: Target):
        return f.has_audio, f.audio_codec, "aac", "" if f.has_audio else both("tệp không có tiếng", "no sound track")


rule(Equals("audio_codec", "Mã hóa tiếng AAC", "audio codec AAC", "audio_codec", "audio", "audio", want="aac",
            says=lambda v: (f"tiếng mã hóa {v}", f"sound coded as {v}")))
rule(Equals("audio_profile", "AAC-LC", "AAC-LC profile", "audio_profile", "audio", "audio", want="LC",
            when=lambda f: f.audio_codec == "aac",
            says=lambda v: (f"AAC hồ sơ {v}, nền tảng cần AAC-LC", f"AAC profile {v}, AAC-LC wanted")))


rule(OneOf("sample_rate", "Tần số lấy mẫu", "sample rate", "sample_rate", "audio", "audio",
           allowed=lambda t: [t.audio_rate] if t.audio_rate else list(t.preset.audio_rates),
           says=lambda f, t: (f"{f.sample_rate:,} Hz".replace(",", "."), f"{f.sample_rate} Hz")))
rule(OneOf("channels", "Số kênh tiếng", "audio channels", "channels", "audio", "audio",
           allowed=lambda t: list(t.preset.audio_channels) if not t.need_audio else [2], says=lambda f, t: (
               "tiếng đơn kênh (mono), cần stereo" if f.channels == 1 else f"{f.channels} kênh",
               "mono sound, stereo wanted" if f.channels == 1 else f"{f.channels} channels")))


@rule
class AudioBitrate(Rule):
    name, label_vi, label_en, fact, fix, needs = "audio_bitrate", "Tốc độ bit tiếng", "audio bit rate", \
        "audio_bitrate", "audio", "audio"

    def judge(self, f: Facts, t: Target):
        want = t.min_audio_bitrate if t.min_audio_bitrate is not None else t.preset.min_audio_bitrate
        ok = f.audio_bitrate >= want * 0.95
        reason = "" if ok else both(f"{f.audio_bitrate // 1000} kb/s, cần ≥ {want // 1000}",
                                    f"{f.audio_bitrate // 1000} kb/s, ≥ {want // 1000} wanted")
        if not ok and f.loudness is not None and f.loudness <= SILENT_LUFS:
            ok, reason = True, both("tiếng im lặng: AAC gần như không tốn bit", "silent track: AAC spends almost no bits")
        return ok, f.audio_bitrate, f"≥ {want}", reason


@rule
class Loudness(Rule):
    name, label_vi, label_en, fact, fix, needs = "loudness", "Độ lớn (EBU R128)", "loudness (EBU R128)", \
        "loudness", "audio", "audio"

    def applies(self, f: Facts, t: Target) -> bool:
        return f.has_audio and f.loudness is not None

    def judge(self, f: Facts, t: Target):
        i = f.loudness if f.loudness is not None else -math.inf
        if i <= SILENT_LUFS:
            return True, None, f"{t.loudness:g} LUFS", both("tiếng im lặng", "silent track")
        ok = abs(i - t.loudness) <= t.loudness_tolerance
        return ok, round(i, 1), f"{t.loudness:g} ± {t.loudness_tolerance:g} LUFS", "" if ok else both(
            f"{_num(i, 1)} LUFS, cần {_num(t.loudness, 0)} ± {_num(t.loudness_tolerance, 0)}",
            f"{i:.1f} LUFS, {t.loudness:g} ± {t.loudness_tolerance:g} wanted")


@rule
class TruePeak(Rule):
    name, label_vi, label_en, fact, fix, needs = "true_peak", "Đỉnh thực", "true peak", "true_peak", "audio", "audio"

    def applies(self, f: Facts, t: Target) -> bool:
        return f.has_audio and f.true_peak is not None and math.isfinite(f.true_peak)

    def judge(self, f: Facts, t: Target):
        tp = f.true_peak or 0.0
        ok = tp <= t.true_peak + 0.05
        return ok, round(tp, 1), f"≤ {t.true_peak:g} dBTP", "" if ok else both(
            f"đỉnh {_num(tp, 1)} dBTP: có thể méo tiếng", f"{tp:.1f} dBTP peaks: may clip")


# -- the record ------------------------------------------------------------------------------------

def label(name: str) -> str:
    """The staffer-facing name of a rule ("Nhóm ảnh đóng / closed GOP"); the name itself when unknown."""
    return RULES.get(name).label if name in RULES else name


def verdicts(facts: Facts, target: Target) -> list[Check]:
    """Every rule that applies to `facts` under `target`, in registry order (pure)."""
    return [RULES.get(n).check(facts, target) for n in RULES if RULES.get(n).applies(facts, target)]


def judge(facts: Facts, target: Target) -> Checks:
    """The checks record of a video file: verdicts, the facts with their sources, the target platform."""
    data = facts.to_dict()
    sources = data.pop("sources")
    return checks_from(KIND, verdicts(facts, target), {**data, "platform": target.preset.id, "sources": sources})


def fixes_for(checks: Checks) -> set[str]:
    """What `--fix` must do for the failed checks: a subset of remux / video / audio / trim."""
    return {RULES.get(c.name).fix for c in checks.failed if c.name in RULES and RULES.get(c.name).fix}
