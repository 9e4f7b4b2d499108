"""What the review page shows, as records: a `Review` holds per campaign (`CampaignView`) its title, theme and
dates, a post card per platform (video, cover, caption counted the platform's way, verdict, facts, run, review
state), the posters, the publication's editions, the bulletins; `Broken` names a campaign whose manifest
cannot be read. `review.load` reads them from the outputs and the ledger; `when` shows a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..catalog import (
    CatalogError,
    Checks,
)
from ..text import format_date
from . import approvals
from .counting import Counter

VN = dt.timezone(dt.timedelta(hours=7))


#: Review states as the page names them (Vietnamese / English); "draft" is not a ledger state.
STATE_LABELS = {
    "pending": "Chờ duyệt / pending",
    "approved": "Đã duyệt / approved",
    "changes_requested": "Cần sửa / changes requested",
    "changed": "Đã đổi sau khi duyệt / changed since approval",
    "draft": "Bản nháp / draft",
}


#: Publish states (`promokit publish`, table `posts` of the ledger) as the page names them.
PUBLISH_LABELS = {
    "uploading": "đang tải lên / uploading",
    "processing": "nền tảng đang xử lý / processing",
    "published": "đã đăng / published",
    "scheduled": "nền tảng giữ lịch, đăng lúc / held by the platform, published at",
    "failed": "lỗi khi đăng / publishing failed",
}


@dataclass(frozen=True)
class Published:
    """What `promokit publish` recorded for a package: state, percent sent, the post's URL or the error."""

    state: str
    percent: float
    url: str
    error: str
    publish_at: str = ""  # state "scheduled": handed over; the platform publishes it then (ISO time)

    @property
    def label(self) -> str:
        label = PUBLISH_LABELS.get(self.state, self.state)
        return f"{label} {when(self.publish_at)}" if self.state == "scheduled" else label

    @property
    def link(self) -> str:
        """The URL when it is a web address (anything else is shown as text, never linked)."""
        return self.url if self.url.startswith(("https://", "http://")) else ""


@dataclass(frozen=True)
class Verdict:
    """A checks record as the page shows it: passed (None: nothing judged), a summary and the reasons."""

    ok: bool | None
    summary: str
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


def verdict_of(checks: object, file: str = "") -> Verdict:
    """Read the checks record a manifest embeds (`catalog.Checks`); any other shape is named, never guessed."""
    if checks is None:
        return Verdict(None, "chưa kiểm tra / not checked")
    try:
        rec = Checks.from_dict(checks, file=file)
    except CatalogError as e:
        return Verdict(False, "✗ hồ sơ kiểm tra hỏng hoặc dạng cũ / corrupt or old checks record", (str(e),))
    reasons = tuple(f"{c.name}: {c.reason or f'{c.value} (cần / expected {c.expected})'}" for c in rec.failed)
    return Verdict(rec.ok if rec.checks else None, rec.summary(), reasons, rec.warnings, dict(rec.facts))


@dataclass(frozen=True)
class PostCard:
    """One platform's post as the audience will see it, with what the editor decides from."""

    campaign: str
    platform: str
    label: str
    draft: bool
    video: str  # path relative to the output folder (POSIX)
    cover: str | None
    captions: str | None  # the .vtt beside the video
    frame: tuple[int, int]  # px, the preset's frame (drafts are smaller, same shape)
    title: str
    body: str  # caption + hashtags, as sent
    counters: tuple[Counter, ...]
    verdict: Verdict
    duration: float | None  # s
    bytes: int
    bitrate: float | None  # bit/s
    run: str
    files: Mapping[str, str]  # role -> sha256
    digest: str
    state: str
    decision: approvals.Decision | None = None
    published: Published | None = None
    package_verdict: Verdict | None = None  # the post package's own checks (publish), once it is built
    history: tuple[approvals.Decision, ...] = ()  # every decision on this package, oldest first
    rerendered: bool = False  # the video was rendered again after publish packaged it (the card shows the package)

    @property
    def anchor(self) -> str:
        return f"post-{self.campaign}-{self.platform}" + ("-draft" if self.draft else "")

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Poster:
    """One infographic at one size: a PNG shown as a thumbnail, or a print PDF linked."""

    infographic: str
    size: str
    href: str
    alt: str
    fmt: str  # "png" | "pdf"
    draft: bool
    bytes: int
    verdict: Verdict


@dataclass(frozen=True)
class Edition:
    fmt: str  # "html" | "pdf" | "epub"
    href: str
    bytes: int
    draft: bool
    verdict: Verdict


@dataclass(frozen=True)
class OtherFile:
    href: str
    label: str
    kind: str
    bytes: int


@dataclass(frozen=True)
class Bulletin:
    """A radio bulletin as the editor hears it: the MP3 (played only when asked), its master, its checks."""

    href: str
    label: str
    master: str | None  # the WAV master beside it
    guide: bool  # a synthetic guide track, never final
    duration: float | None  # s
    loudness: float | None  # LUFS
    bytes: int
    verdict: Verdict
    script: tuple[tuple[str, str, str, bool], ...] = ()  # (kind, title, text as written, recorded) per segment


@dataclass(frozen=True)
class CampaignView:
    id: str
    title: str
    theme: str
    theme_label: str
    dates: str
    posts: tuple[PostCard, ...] = ()
    posters: tuple[Poster, ...] = ()
    editions: tuple[Edition, ...] = ()
    others: tuple[OtherFile, ...] = ()
    bulletins: tuple[Bulletin, ...] = ()
    jobs: tuple[Mapping[str, Any], ...] = ()
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # what the renders warned of (dropped files, shortened shots), with the files


@dataclass(frozen=True)
class Broken:
    """A campaign whose manifest is missing or cannot be read: named on the page, the rest still shows."""

    campaign: str
    file: str
    reason: str


@dataclass(frozen=True)
class Review:
    """The whole page: every campaign that could be read, and those that could not."""

    campaigns: tuple[CampaignView, ...]
    broken: tuple[Broken, ...] = ()
    built: str = ""

    def packages(self) -> list[PostCard]:
        """Every post card that is a package to decide on (finals, not drafts)."""
        return [p for c in self.campaigns for p in c.posts if not p.draft]

    def card(self, campaign: str, platform: str) -> PostCard | None:
        return next((p for p in self.packages() if p.campaign == campaign and p.platform == platform), None)


def when(iso: str) -> str:
    """An ISO time as "18/4/2024 08:05" in Vietnam's time."""
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    t = t.astimezone(VN)
    return f"{format_date(t)} {t:%H:%M}"
