"""Validated models of campaign.yml and brand.yml (DESIGN §2). Field docs feed the JSON Schema.

Paths stay as the relative strings the user wrote (NFC); `promokit.spec.loader` checks that each
stays inside the campaign folder, and `promokit.assets` resolves and reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from ..charts.kinds import KINDS
from ..charts.sizes import SIZES
from ..platforms import PLATFORMS
from ..registry import Registry
from .article import VnDate

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
HEX = r"^#[0-9A-Fa-f]{6}$"

THEMES = {
    "chinh-tri": "Chính trị",
    "kinh-te-xa-hoi": "Phát triển kinh tế - xã hội",
    "le-hoi": "Lễ hội",
    "du-lich": "Du lịch",
    "nong-nghiep-ocop": "Nông nghiệp, OCOP",
    "chuyen-doi-so": "Chuyển đổi số",
    "cai-cach-hanh-chinh": "Cải cách hành chính",
    "moi-truong": "Môi trường, giảm phát thải",
    "dau-tu": "Xúc tiến đầu tư, khởi nghiệp",
    "hinh-anh-chinh-quyen": "Hình ảnh chính quyền",
    "doi-ngoai-quoc-phong": "Đối ngoại, quốc phòng, an ninh",
    "phan-bac-tin-sai": "Đấu tranh, phản bác thông tin sai",
}

_THEMES: Registry[str] = Registry("chủ đề", "theme")
for _t, _label in THEMES.items():
    _THEMES.add(_t, _label)

RelPath = Annotated[str, Field(min_length=1, description="Path relative to the campaign folder")]


class Strict(BaseModel):
    """Unknown fields are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Dates(Strict):
    from_: VnDate = Field(alias="from", description="First day of the campaign (2024-04-18 or 18/4/2024)")
    to: VnDate | None = Field(None, description="Last day (2024-04-18 or 18/4/2024); default = from")

    @model_validator(mode="after")
    def _order(self) -> Dates:
        if self.to is not None and self.to < self.from_:
            raise ValueError("'to' is before 'from' / ngày kết thúc trước ngày bắt đầu")
        return self


def _corner(v: object) -> object:
    """`top_right`, `Top-Right` are read as `top-right`."""
    return v.strip().lower().replace("_", "-").replace(" ", "-") if isinstance(v, str) else v


#: Where the logo goes (a shot's own, or the video's for every shot), written in any case with - or _.
LogoChoice = Annotated[Literal["auto", "top-left", "top-right", "bottom-left", "bottom-right", "none"],
                       BeforeValidator(_corner)]


def _logo_field(scope: str, auto: str) -> LogoChoice:
    """The `logo` field of a shot or of the video: `scope` says what it applies to, `auto` what auto means."""
    return Field("auto", description=f"Where the logo goes {scope}: auto ({auto}, clear of the texts), top-left, "
                 "top-right, bottom-left, bottom-right or none")


class Shot(Strict):
    path: RelPath | None = Field(None, description="An image or clip of the campaign, e.g. images/dinh.jpg")
    moviepy: RelPath | None = Field(
        None, description="Instead of path: a Python file of the campaign, e.g. shots/dem-nguoc.py, defining "
        "make_clip(ctx) -> moviepy.VideoClip (runs only when brand.yml has allow_code: true or --allow-code)")
    duration: float | None = Field(None, gt=0, le=120, description="Seconds on screen; default: shared out")
    start: float = Field(0, ge=0, description="Clips: where to start in the source (s)")
    motion: Literal["auto", "zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down", "none"] = (
        Field("auto", description="Ken Burns motion of a still")
    )
    focus: tuple[float, float] | None = Field(
        None, description="Point of interest as fractions (x, y) of the picture, 0..1"
    )
    caption: str | None = Field(None, description="Lower-third text over this shot")
    logo: LogoChoice = _logo_field("on this shot (default: the video's `logo`)", "the quietest corner of the picture")

    @field_validator("focus")
    @classmethod
    def _focus(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not all(0 <= c <= 1 for c in v):
            raise ValueError("focus must be two fractions between 0 and 1 / focus phải là hai số từ 0 đến 1")
        return v

    @model_validator(mode="after")
    def _one_source(self) -> Shot:
        if (self.path is None) == (self.moviepy is None):
            raise ValueError("a shot names either 'path' (a picture or clip) or 'moviepy' (a .py file), not both "
                             "nor neither / mỗi cảnh ghi 'path' (ảnh, video) hoặc 'moviepy' (tệp .py), chỉ một")
        return self

    @property
    def file(self) -> str:
        """The campaign-relative file of the shot: its picture or clip, or its moviepy code."""
        return self.path or self.moviepy or ""


class Caption(Strict):
    text: str = Field(min_length=1, description="Caption text (at most two lines on screen)")
    start: float = Field(ge=0, description="Start time (s)")
    end: float = Field(gt=0, description="End time (s)")

    @model_validator(mode="after")
    def _order(self) -> Caption:
        if self.end <= self.start:
            raise ValueError("end must be after start / 'end' phải lớn hơn 'start'")
        return self


class EndCard(Strict):
    text: str = Field("", description="Closing message")
    contact: str = Field("", description="Phone, address or page name; default from brand")
    url: str = Field("", description="Web address shown on the end card")
    duration: float = Field(3.0, gt=0, le=10, description="Seconds")


class Video(Strict):
    duration: float = Field(30, gt=0, le=600, description="Length of the promo (s), 0 < d <= 600")
    platforms: list[Annotated[str, AfterValidator(PLATFORMS.known)]] = Field(
        default_factory=lambda: ["tiktok", "facebook_reels", "youtube_shorts", "youtube", "facebook_feed", "zalo"],
        min_length=1,
        description="Platform presets to render: " + ", ".join(PLATFORMS.names()),
    )
    fps: float = Field(30, ge=23, le=60, description="Frame rate (fps)")
    title: str = Field("", description="Title card text; default: the campaign title")
    subtitle: str = Field("", description="Second line of the title card; default: the slogan")
    shots: list[RelPath | Shot] | None = Field(
        None, description="Images and clips in order; default: all images and clips by name"
    )
    captions: RelPath | list[Caption] | None = Field(None, description="An .srt/.vtt file or a list of captions")
    caption_mode: Literal["burned", "sidecar", "both"] = Field(
        "burned", description="Captions burned into the picture, in .srt/.vtt sidecar files for the platform's "
        "subtitle track, or both (a platform showing both would show every line twice)")
    music: RelPath | None = Field(None, description="Music bed (mp3, wav, m4a, ogg, flac)")
    voiceover: RelPath | None = Field(None, description="Voice-over audio; music ducks under it")
    fit_to_music: bool = Field(False, description="Make the video as long as the music")
    clip_audio: bool = Field(False, description="Mix the clips' own sound under the music")
    transition: Literal["crossfade", "slide", "wipe", "cut"] = Field("crossfade", description="Between shots")
    transition_duration: float = Field(0.5, ge=0, le=2, description="Seconds")
    end_card: EndCard | None = Field(None, description="Closing card")
    logo: LogoChoice = _logo_field("on every shot without its own `logo`",
                                   "per shot, the quietest corner of its picture")

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a platform is listed twice / một nền tảng bị lặp")
        return v

    def shot_list(self) -> list[Shot] | None:
        """Shots as models (strings become `Shot(path=...)`)."""
        if self.shots is None:
            return None
        return [s if isinstance(s, Shot) else Shot(path=s) for s in self.shots]


class Infographic(Strict):
    id: str = Field(pattern=SLUG, description="Name of the output files (lowercase, digits, dashes)")
    kind: str = Field(description="Chart kind: " + ", ".join(KINDS.names()))
    data: RelPath = Field(description="CSV table, e.g. data/ocop.csv (UTF-8, header row)")
    x: str | None = Field(None, description="Column of labels (x axis / categories)")
    y: str | list[str] = Field(description="Column(s) of values")
    decimal: Literal[".", ","] = Field(".", description="The CSV's decimal separator; unstated, a column "
                                       "written 1.245 (Vietnamese thousands) is refused, asking which it is")
    title: str = Field(min_length=1, description="Poster title")
    subtitle: str = Field("", description="Subtitle or slogan")
    takeaway: str = Field("", description="One sentence: the message of the chart")
    source: str = Field("", description="Source line, e.g. 'Nguồn: Phòng Nông nghiệp'")
    unit: str = Field("", description="Unit of the values, e.g. 'sản phẩm', '%'")
    units: str | None = Field(None, description="Column of each row's own unit (kpi), e.g. don_vi; "
                                                "a blank cell takes `unit`")
    target: float | None = Field(None, description="Target value (line, progress)")
    highlight: str | None = Field(None, description="Label to highlight (bar)")
    labels: dict[str, str] = Field(default_factory=dict,
                                   description="Display names of CSV columns, e.g. {so_san_pham: Số sản phẩm}")
    sizes: list[Annotated[str, AfterValidator(SIZES.known)]] = Field(
        default_factory=lambda: ["square", "portrait", "story"], min_length=1,
                             description="Sizes: " + ", ".join(SIZES.names()))
    banner_mm: tuple[int, int] | None = Field(None, description="Banner size in mm (width, height)")

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return KINDS.known(v)

    @property
    def table_decimal(self) -> str | None:
        """The decimal separator campaign.yml states, None when it does not (see `read_table`)."""
        return self.decimal if "decimal" in self.model_fields_set else None

    @property
    def y_columns(self) -> list[str]:
        return [self.y] if isinstance(self.y, str) else list(self.y)

    @property
    def numeric_y(self) -> bool:
        """Whether this chart's kind reads its `y` columns as numbers."""
        return KINDS.get(self.kind).numeric_y

    @model_validator(mode="after")
    def _columns(self) -> Infographic:
        info = KINDS.get(self.kind)
        n = len(self.y_columns)
        if not info.min_y <= n <= info.max_y:
            raise ValueError(f"kind '{self.kind}' takes {info.min_y}..{info.max_y} y columns, got {n} / "
                             f"loại '{self.kind}' cần {info.min_y}..{info.max_y} cột y, đang có {n}")
        if info.needs_x and not self.x:
            raise ValueError(f"kind '{self.kind}' needs 'x' (the label column) / loại '{self.kind}' cần cột 'x'")
        if self.units and not info.row_units:
            takes = ", ".join(n for n, k in KINDS.items() if k.row_units)
            raise ValueError(f"kind '{self.kind}' has one unit for all rows: use 'unit', or a kind that takes "
                             f"'units' ({takes}) / loại '{self.kind}' dùng một đơn vị chung: dùng 'unit', hoặc "
                             f"loại nhận 'units' ({takes})")
        return self


class Publication(Strict):
    title: str = Field("", description="Title; default: the campaign title")
    subtitle: str = Field("", description="Subtitle; default: the slogan")
    author: str = Field("", description="Publisher; default: the brand's organisation")
    articles: list[RelPath] = Field(default_factory=list, description="Markdown articles in order")
    formats: list[Literal["html", "pdf", "epub"]] = Field(default_factory=lambda: ["html", "pdf", "epub"],
                                                         min_length=1, description="Editions to write")
    page: Literal["a4", "a5"] = Field("a4", description="PDF page size")
    cover: RelPath | None = Field(None, description="Cover image; default: the first image")


class Posts(Strict):
    caption: str = Field("", description="Post text")
    title: str = Field("", description="Video title (YouTube, Zalo); default: campaign title")
    hashtags: list[str] = Field(default_factory=list, description="Hashtags without '#'; brand's are added")
    schedule: dt.datetime | dict[str, dt.datetime] | None = Field(
        None, description="When to publish (ISO 8601 with +07:00), or per platform: {tiktok: ..., zalo: ...}")
    privacy: Literal["private", "unlisted", "public"] = Field(
        "private", description="YouTube privacy (TikTok: the creator picks; unaudited apps post privately)")
    videos: dict[str, RelPath] = Field(
        default_factory=dict, description="A video made elsewhere to post instead of the render, per platform: "
        "{tiktok: clips/phong-su.tiktok.mp4}; check and fix it first with `promokit conform FILE --platform P --fix`")

    @field_validator("videos")
    @classmethod
    def _videos(cls, v: dict[str, str]) -> dict[str, str]:
        for name in v:
            PLATFORMS.known(name)
        return v

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, v: dt.datetime | dict[str, dt.datetime] | None) -> dt.datetime | dict[str, dt.datetime] | None:
        for name in v if isinstance(v, dict) else []:
            PLATFORMS.known(name)
        return v

    def schedule_for(self, platform: str) -> dt.datetime | None:
        """When `platform`'s post is due (None: not scheduled); a time without a zone is Vietnam's (+07:00)."""
        when = self.schedule.get(platform) if isinstance(self.schedule, dict) else self.schedule
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
        return when


TIME = r"^([01]?\d|2[0-3])[:h]([0-5]\d)$"
SEGMENT_KINDS = ("ident", "headline", "news", "psa", "closing")


class RadioSegment(Strict):
    kind: Literal["ident", "headline", "news", "psa", "closing"] = Field(
        "news", description="ident (station), headline, news, psa (public-service announcement), closing")
    title: str = Field("", description="Heading shown on the run sheet (not read)")
    text: str = Field("", description="What is read on air (numbers, dates, abbreviations are spoken out)")
    voice: RelPath | None = Field(None, description="Recorded voice file, e.g. voice/tin-1.wav; none: a guide track")
    article: RelPath | None = Field(None, description="Read this article's title and summary, e.g. articles/01.md")
    pause_before: float = Field(0, ge=0, le=10, description="Silence before the segment (s)")
    pause_after: float | None = Field(None, ge=0, le=10, description="Silence after it (s); default by kind")
    bed: bool | None = Field(None, description="Music bed under this segment; default by kind")
    jingle: RelPath | None = Field(None, description="Jingle played before this segment; default: the bulletin's")

    @model_validator(mode="after")
    def _something(self) -> RadioSegment:
        if not (self.text.strip() or self.voice or self.article):
            raise ValueError("a segment needs text, a voice file or an article / "
                             "mục cần có lời đọc (text), tệp giọng đọc (voice) hoặc bài viết (article)")
        return self


class RadioJingles(Strict):
    ident: RelPath | None = Field(None, description="Played before the station ident")
    closing: RelPath | None = Field(None, description="Played after the closing")


class RadioBulletin(Strict):
    name: str = Field(pattern=SLUG, description="Name of the output files (lowercase, digits, dashes)")
    title: str = Field(min_length=1, description="Bulletin title (ID3 title, run sheet)")
    station: str = Field("", description="Station name; default: radio.station, then the brand's organisation")
    date: dt.date | None = Field(None, description="Date of the bulletin (ID3); default: first broadcast day")
    slot: float = Field(300, gt=0, le=3600, description="Length of its broadcast slot (s); longer is an error")
    slots: list[Annotated[str, Field(pattern=TIME)]] = Field(
        default_factory=list, description="Air times HH:MM when radio.schedule does not name this bulletin")
    bed: RelPath | None = Field(None, description="Music bed, ducked under speech (looped when short)")
    jingles: RadioJingles = Field(default_factory=RadioJingles, description="Ident and closing jingles")
    rate: float | None = Field(None, ge=80, le=400, description="Speaking rate (syllables/min); default from style")
    segments: list[RadioSegment] = Field(min_length=1, description="Segments in broadcast order")

    def paths(self, prefix: str) -> list[tuple[str, str]]:
        """Every campaign-relative path the bulletin names, as (field, path)."""
        out = [(f"{prefix}.bed", self.bed)] if self.bed else []
        out += [(f"{prefix}.jingles.{k}", getattr(self.jingles, k)) for k in ("ident", "closing")
                if getattr(self.jingles, k)]
        for i, s in enumerate(self.segments):
            out += [(f"{prefix}.segments[{i}].{k}", getattr(s, k)) for k in ("voice", "article", "jingle")
                    if getattr(s, k)]
        return out


class RadioSlot(Strict):
    communes: list[str] = Field(default_factory=list, description="Commune stations; empty: every radio.communes")
    times: list[Annotated[str, Field(pattern=TIME)]] = Field(min_length=1, description="Air times, HH:MM")
    bulletins: list[str] = Field(default_factory=list, description="Bulletin names; empty: every bulletin")
    days: list[dt.date] = Field(default_factory=list, description="Days on air; empty: the campaign's first day")


class Radio(Strict):
    station: str = Field("", description="Station name read in idents and written in tags")
    bulletins: list[RelPath | RadioBulletin] = Field(
        min_length=1, description="Bulletin scripts (radio/<name>.md) or bulletins written here")
    communes: list[str] = Field(default_factory=list, description="Commune loudspeaker stations")
    schedule: list[RadioSlot] = Field(default_factory=list, description="Broadcast slots per commune")
    presets: list[Literal["loudspeaker", "online"]] = Field(
        default_factory=lambda: ["loudspeaker"], min_length=1,
        description="Mixes to write: loudspeaker (horns, band-limited) and/or online (-16 LUFS)")

    def paths(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for i, b in enumerate(self.bulletins):
            out += [(f"radio.bulletins[{i}]", b)] if isinstance(b, str) else b.paths(f"radio.bulletins[{i}]")
        return out


class Campaign(Strict):
    id: str = Field(pattern=SLUG, description="Must equal the folder name")
    title: str = Field(min_length=1, max_length=200, description="Campaign title")
    theme: str = Field(description="Content area of the plan: " + ", ".join(THEMES))
    slogan: str = Field("", description="Slogan or key message")
    description: str = Field("", description="Short description for the gallery")
    dates: Dates | None = Field(None, description="{from, to} dates of the campaign")
    sample_data: bool = Field(False, description="True when data is illustrative: outputs say 'Số liệu minh họa'")
    video: Video | None = Field(None, description="The promo video")
    infographics: list[Infographic] = Field(default_factory=list, description="Posters from data tables")
    publication: Publication | None = Field(None, description="The e-publication")
    posts: Posts = Field(default_factory=Posts, description="What publish sends with the video")
    radio: Radio | None = Field(None, description="Radio bulletins for the commune loudspeakers")

    @field_validator("theme")
    @classmethod
    def _theme(cls, v: str) -> str:
        return _THEMES.known(v)

    @model_validator(mode="after")
    def _unique_ids(self) -> Campaign:
        ids = [i.id for i in self.infographics]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"infographic id repeated: {', '.join(sorted(dup))} / id bị lặp")
        return self

    def paths(self) -> list[tuple[str, str]]:
        """Every campaign-relative path the spec names, as (field, path)."""
        out: list[tuple[str, str]] = []
        v = self.video
        if v is not None:
            for i, s in enumerate(v.shot_list() or []):
                out.append((f"video.shots[{i}]" + (".moviepy" if s.moviepy else ""), s.file))
            for name in ("music", "voiceover"):
                if getattr(v, name):
                    out.append((f"video.{name}", getattr(v, name)))
            if isinstance(v.captions, str):
                out.append(("video.captions", v.captions))
        for i, g in enumerate(self.infographics):
            out.append((f"infographics[{i}].data", g.data))
        if self.publication is not None:
            for i, a in enumerate(self.publication.articles):
                out.append((f"publication.articles[{i}]", a))
            if self.publication.cover:
                out.append(("publication.cover", self.publication.cover))
        if self.radio is not None:
            out += self.radio.paths()
        return out

    #: Folders a section reads as a whole beyond the paths it names (any file in them may be used).
    _FOLDERS_READ = {"publication": ("images/",), "radio": ("radio/", "voice/", "music/", "articles/")}

    def inputs(self, section: str) -> list[str]:
        """The campaign-relative files (and whole folders, ending '/') a section reads: the one list behind
        `promokit check` (`paths`) and the batch's inputs hash. `section`: video, infographics, publication, radio."""
        named = [p for f, p in self.paths() if f.split(".")[0].split("[")[0] == section]
        if section == "video" and self.video is not None and self.video.shots is None:
            named = ["images/", "clips/", *named]  # default shots: every picture and clip by name
        if section == "radio" and self.radio is not None:
            named = [*(b for b in self.radio.bulletins if isinstance(b, str)), *named]
        folders = self._FOLDERS_READ.get(section, ()) if getattr(self, section, None) else ()
        return list(dict.fromkeys([*named, *folders]))

    def code_files(self) -> list[tuple[str, str]]:
        """The campaign's own code (moviepy shots) as (field, path): it runs only where code is allowed."""
        v = self.video
        shots = (v.shot_list() if v is not None else None) or []
        return [(f"video.shots[{i}].moviepy", s.moviepy) for i, s in enumerate(shots) if s.moviepy]


class Colors(Strict):
    primary: str = Field(pattern=HEX, description="Main brand colour")
    secondary: str = Field(pattern=HEX, description="Second colour")
    accent: str = Field(pattern=HEX, description="Highlights")
    background: str = Field(pattern=HEX, description="Poster/page background")
    text: str = Field(pattern=HEX, description="Body text")
    muted: str = Field(pattern=HEX, description="Source lines, secondary text")
    series: list[Annotated[str, Field(pattern=HEX)]] = Field(min_length=3, description="Chart series (colour-blind safe)")


class Fonts(Strict):
    heading: str = Field(description="Family name or a file in brand/fonts/")
    body: str = Field(description="Family name or a file in brand/fonts/")


class Contacts(Strict):
    phone: str = Field("", description="Phone number shown on end cards")
    email: str = Field("", description="Contact e-mail")
    web: str = Field("", description="Web portal address")
    address: str = Field("", description="Postal address")
    facebook: str = Field("", description="Facebook page name or address")
    zalo: str = Field("", description="Zalo Official Account")


class BrandRadio(Strict):
    engine: str = Field("espeak-ng", description="Offline speech engine for guide tracks: espeak-ng, piper")
    model: RelPath | None = Field(None, description="Voice model of the engine, relative to assets/brand/")


class Brand(Strict):
    name: str = Field(min_length=1, description="Short name shown on cards, e.g. 'Lấp Vò'")
    organisation: str = Field(min_length=1, description="Publisher's full name")
    colors: Colors = Field(description="Brand colours (#RRGGBB)")
    fonts: Fonts = Field(description="Heading and body fonts")
    logo: RelPath | None = Field(None, description="Logo file relative to assets/brand/ (PNG with alpha)")
    contacts: Contacts = Field(default_factory=Contacts, description="Contacts for end cards and posts")
    hashtags: list[str] = Field(default_factory=list, description="Default hashtags without '#'")
    sizes: dict[str, float] = Field(default_factory=dict, description="Text sizes as fractions of frame height")
    radio: BrandRadio = Field(default_factory=BrandRadio, description="Guide-track speech engine for bulletins")
    allow_code: bool = Field(False, description="Run the campaigns' own Python code (moviepy shots); off by default: "
                             "turn on only for campaign folders the office writes itself")

    @field_validator("hashtags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        bad = [t for t in v if not re.fullmatch(r"\w+", t)]
        if bad:
            raise ValueError(f"hashtags must be one word without '#' or spaces: {bad} / "
                             f"hashtag phải là một từ, không có '#' hay khoảng trắng: {bad}")
        return v
