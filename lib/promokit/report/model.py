"""The results report as data: `build_report(inputs, style, period) -> Report`. Pure: no disk, no clock.

Inputs are plain rows (read by `report.gather` from the ledger, the manifests and the campaign folders).
Content areas (plan §II) come from each campaign's `theme` and channels from each platform, both through
the style (`styles/report.yml`), never from code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from .period import Period

VN = dt.timezone(dt.timedelta(hours=7))
METRICS = ("views", "reach", "reactions", "comments", "shares", "watch_s")
UNMAPPED = "—"


# -- inputs ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CampaignFacts:
    id: str
    title: str = ""
    theme: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    schedule: dict[str, dt.date] = field(default_factory=dict)  # platform -> day the post is due


@dataclass(frozen=True)
class Product:
    """One final output file of a campaign, first made on `made`."""

    campaign: str
    path: str  # relative to the campaign's output folder
    kind: str  # catalog kind: video, infographic, publication, post, radio, ...
    role: str  # catalog role: video, image, pdf, audio, ...
    made: dt.date


@dataclass(frozen=True)
class PostRow:
    """A post as the publish ledger has it last (`updated`: its day)."""

    campaign: str
    platform: str
    state: str  # uploading, processing, published, failed
    url: str = ""
    remote_id: str = ""
    error: str = ""
    updated: dt.date | None = None  # published (a held post: handed over to the platform), Vietnam day
    goes_out: dt.datetime | None = None  # held by the platform until then (its own scheduling), aware

    def out_on(self, now: dt.datetime | None) -> dt.date | None:
        """The day (Vietnam time) the post was published; a held post only once `goes_out` ≤ `now`."""
        if self.state != "published":
            return None
        if self.goes_out is None:
            return self.updated
        return self.goes_out.astimezone(VN).date() if now is None or self.goes_out <= now else None


@dataclass(frozen=True)
class ApprovalRow:
    """The decision that stands on a platform's post package."""

    campaign: str
    platform: str
    decision: str  # approved, changes_requested (the latest decision)
    decided: dt.date
    comment: str = ""


@dataclass(frozen=True)
class JobRow:
    """A batch job as the ledger has it last (`finished`: its day, when it ended)."""

    campaign: str
    notebook: str
    status: str
    finished: dt.date | None
    error: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Audience counts of one post as a platform showed them on `taken` (cumulative since publishing)."""

    platform: str
    remote_id: str
    taken: dt.date
    views: float = 0
    reach: float = 0
    reactions: float = 0
    comments: float = 0
    shares: float = 0
    watch_s: float = 0  # total watch time, s
    url: str = ""

    def metrics(self) -> dict[str, float]:
        return {m: float(getattr(self, m)) for m in METRICS}


@dataclass(frozen=True)
class ReportInputs:
    campaigns: list[CampaignFacts] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    approvals: list[ApprovalRow] = field(default_factory=list)
    jobs: list[JobRow] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be read (named), shown in the report
    now: dt.datetime | None = None  # when the ledger was read (a held post is published only once its time passed)


# -- the report -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Audience:
    """Counts at the latest snapshot in the period and their change since the snapshot before it."""

    now: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRICS, 0.0))
    change: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRICS, 0.0))
    posts: int = 0  # posts with a snapshot in the period

    def plus(self, other: Audience) -> Audience:
        return Audience({m: self.now[m] + other.now[m] for m in METRICS},
                        {m: self.change[m] + other.change[m] for m in METRICS}, self.posts + other.posts)


@dataclass(frozen=True)
class PostLine:
    campaign: str
    title: str
    platform: str
    channel: str
    area: str
    url: str
    published: dt.date | None
    audience: Audience | None


@dataclass(frozen=True)
class Undone:
    """Something planned (scheduled, approved, started) and not done, with why when known."""

    campaign: str
    what: str  # platform or notebook
    planned: str  # vi: what was planned
    why: str  # vi: why it is not done ("" when not known)
    title: str = ""  # the campaign's title, as the report names it ("" when unknown: its id is shown)


@dataclass(frozen=True)
class Line:
    """One row of a summary table (an area or a channel)."""

    code: str
    title: str
    campaigns: int = 0
    products: int = 0
    posts: int = 0
    bulletins: int = 0
    audience: Audience = field(default_factory=Audience)


@dataclass
class _Tally:
    """A summary row being counted: the campaigns seen, products made, posts published, bulletins, audience."""

    campaigns: set[str] = field(default_factory=set)
    products: int = 0
    posts: int = 0
    bulletins: int = 0
    audience: Audience = field(default_factory=Audience)

    def count_product(self, p: Product, *, campaign: bool = True) -> None:
        self.products += 1
        self.bulletins += int(p.kind == "radio" and p.role == "audio")
        if campaign:
            self.campaigns.add(p.campaign)

    def count_post(self, campaign: str | None = None) -> None:
        self.posts += 1
        if campaign is not None:
            self.campaigns.add(campaign)

    def add_audience(self, a: Audience) -> None:
        self.audience = self.audience.plus(a)

    def any(self) -> bool:
        return bool(self.campaigns or self.products or self.posts or self.audience.posts)

    def line(self, code: str, title: str) -> Line:
        return Line(code, title, len(self.campaigns), self.products, self.posts, self.bulletins, self.audience)


@dataclass(frozen=True)
class CampaignLine:
    id: str
    title: str
    theme: str
    area: str
    products: dict[str, int]  # kind -> count made in the period
    posts: int


@dataclass(frozen=True)
class Report:
    period: Period
    areas: list[Line]
    channels: list[Line]
    campaigns: list[CampaignLine]
    posts: list[PostLine]
    undone: list[Undone]
    total: Line
    unmapped: list[str]  # campaigns whose theme maps to no content area (named, with the theme)
    notes: list[str]

    @property
    def empty(self) -> bool:
        """No campaign, product, post, snapshot or undone item in the period."""
        return not (self.campaigns or self.posts or self.undone or self.total.audience.posts or self.total.products)


# -- building -------------------------------------------------------------------------------------

def area_of(theme: str, style: dict[str, Any]) -> str:
    """The plan's content area (`II.4`) of a campaign theme; `—` when the theme is missing or not mapped."""
    return style.get("themes", {}).get(theme or "", UNMAPPED)


def channel_of(platform: str, style: dict[str, Any]) -> str:
    return style.get("platforms", {}).get(platform, platform)


def _audiences(inputs: ReportInputs, period: Period, style: dict[str, Any]) -> dict[tuple[str, str], Audience]:
    """(channel, remote id) -> audience: the latest snapshot in the period minus the one before it."""
    series: dict[tuple[str, str], list[Snapshot]] = defaultdict(list)
    for s in inputs.snapshots:
        if s.taken <= period.end:
            series[(channel_of(s.platform, style), s.remote_id)].append(s)
    out = {}
    for key, snaps in series.items():
        snaps.sort(key=lambda s: s.taken)
        last = snaps[-1]
        if last.taken not in period:
            continue
        before = snaps[-2].metrics() if len(snaps) > 1 else dict.fromkeys(METRICS, 0.0)
        now = last.metrics()
        out[key] = Audience(now, {m: now[m] - before[m] for m in METRICS}, 1)
    return out


def build_report(inputs: ReportInputs, style: dict[str, Any], period: Period) -> Report:
    """Everything the office reports for `period`: per content area and channel, posts with links,
    audience with change, and what was planned and not done."""
    camps = {c.id: c for c in inputs.campaigns}
    areas_def: dict[str, str] = dict(style.get("areas", {}))
    channels_def: dict[str, str] = dict(style.get("channels", {}))
    product_channel: dict[str, str] = dict(style.get("products", {}))

    def facts(cid: str) -> CampaignFacts:
        return camps.get(cid) or CampaignFacts(cid)

    made = [p for p in inputs.products if p.made in period]
    # dated by the day each went out (a held post: its publish_at, once passed); copies, the inputs unchanged
    published = [replace(p, updated=day) for p in inputs.posts
                 if (day := p.out_on(inputs.now)) is not None and day <= period.end]
    published_now = [p for p in published if p.updated in period]
    audiences = _audiences(inputs, period, style)

    active = {c.id for c in inputs.campaigns if period.overlaps(c.start, c.end)}
    active |= {p.campaign for p in made} | {p.campaign for p in published_now}
    by_post: dict[tuple[str, str], PostRow] = {(channel_of(p.platform, style), p.remote_id): p
                                               for p in published if p.remote_id}

    # posts: published in the period, or with audience counted in it
    lines: list[PostLine] = []
    for p in sorted(published, key=lambda p: (p.updated or dt.date.min, p.campaign, p.platform)):
        ch = channel_of(p.platform, style)
        aud = audiences.get((ch, p.remote_id)) if p.remote_id else None
        if p.updated in period or aud is not None:
            c = facts(p.campaign)
            lines.append(PostLine(p.campaign, c.title or p.campaign, p.platform, ch, area_of(c.theme, style),
                                  p.url, p.updated, aud))
    stray = {k: a for k, a in audiences.items() if k not in by_post}  # counts of posts the ledger does not know

    # per channel: every channel of the style first, then any other met
    by_channel: defaultdict[str, _Tally] = defaultdict(_Tally, {c: _Tally() for c in channels_def})
    for p in made:  # a video belongs to its platform's channel (video/zalo.mp4: Zalo), the others by kind
        ch = channel_of(PurePosixPath(p.path).stem, style) if p.kind == "video" else product_channel.get(p.kind)
        if ch:
            by_channel[ch].count_product(p)
    for p in published_now:
        by_channel[channel_of(p.platform, style)].count_post(p.campaign)
    for pl in lines:
        if pl.audience is not None:
            by_channel[pl.channel].add_audience(pl.audience)
    for (ch, _rid), a in stray.items():
        by_channel[ch].add_audience(a)

    # per area: likewise
    by_area: defaultdict[str, _Tally] = defaultdict(_Tally, {a: _Tally() for a in areas_def})
    for cid in active:
        by_area[area_of(facts(cid).theme, style)].campaigns.add(cid)
    for p in made:
        by_area[area_of(facts(p.campaign).theme, style)].count_product(p, campaign=False)
    for p in published_now:
        by_area[area_of(facts(p.campaign).theme, style)].count_post()
    for pl in lines:
        if pl.audience is not None:
            by_area[pl.area].add_audience(pl.audience)

    def to_lines(rows: dict[str, _Tally], titles: dict[str, str], unmapped_title: str) -> list[Line]:
        return [r.line(code, titles.get(code, unmapped_title if code == UNMAPPED else code))
                for code, r in rows.items() if code in titles or r.any()]

    areas = to_lines(by_area, areas_def, "Chưa xác định lĩnh vực")
    channels = to_lines(by_channel, channels_def, "Khác")
    total_aud = Audience()
    for a in areas:
        total_aud = total_aud.plus(a.audience)
    for a in stray.values():
        total_aud = total_aud.plus(a)
    total = Line("", "Tổng cộng", len(active), len(made), len(published_now),
                 sum(1 for p in made if p.kind == "radio" and p.role == "audio"), total_aud)

    per_camp_products: dict[str, Counter[str]] = defaultdict(Counter)
    for p in made:
        per_camp_products[p.campaign][p.kind] += 1
    per_camp_posts = Counter(p.campaign for p in published_now)
    campaigns = [CampaignLine(cid, facts(cid).title or cid, facts(cid).theme, area_of(facts(cid).theme, style),
                              dict(sorted(per_camp_products[cid].items())), per_camp_posts[cid])
                 for cid in sorted(active, key=lambda c: (facts(c).start or dt.date.min, c))]
    unmapped = sorted(f"{c.id} ({c.theme or 'không có theme / no theme'})" for c in campaigns if c.area == UNMAPPED)

    return Report(period, areas, channels, campaigns, lines, _undone(inputs, period, style, active, published),
                  total, unmapped, list(inputs.notes))


def _vn_time(t: dt.datetime) -> str:
    """An aware time as "22/4/2024 08:00", Vietnam time."""
    t = t.astimezone(VN)
    return f"{t.day}/{t.month}/{t.year} {t:%H:%M}"


def _undone(inputs: ReportInputs, period: Period, style: dict[str, Any], active: set[str],
            published: list[PostRow]) -> list[Undone]:
    """Scheduled or approved posts not published by the period's end (a post the platform holds for later is
    named so, with its time), failed posts, failed jobs, and campaigns of the period without any product —
    each with the reason the ledger gives."""
    done = {(p.campaign, p.platform) for p in published}
    posts = {(p.campaign, p.platform): p for p in inputs.posts}
    out: dict[tuple[str, str], Undone] = {}

    def why_post(key: tuple[str, str]) -> str:
        p = posts.get(key)
        if p is None:
            return "chưa đăng (chưa chạy promokit publish --live)"
        if p.state == "published" and p.goes_out is not None:
            by = style.get("channels", {}).get(channel_of(p.platform, style), p.platform)
            return (f"đã hẹn giờ trên nền tảng ({by} giữ bài), đăng lúc {_vn_time(p.goes_out)} / scheduled on the "
                    f"platform (held by {by}), goes out on {_vn_time(p.goes_out)}")
        if p.state == "failed":
            return f"đăng lỗi: {p.error}" if p.error else "đăng lỗi"
        return "đang đăng dở (đang tải lên/xử lý)"

    for c in inputs.campaigns:
        for platform, due in sorted(c.schedule.items()):
            if due in period and (c.id, platform) not in done:
                out[(c.id, platform)] = Undone(c.id, platform, f"lịch đăng {due.day}/{due.month}/{due.year}",
                                               why_post((c.id, platform)))
    for a in inputs.approvals:
        key = (a.campaign, a.platform)
        if a.decision == "approved" and a.decided <= period.end and key not in done and key not in out \
                and (a.decided in period or a.campaign in active):
            out[key] = Undone(a.campaign, a.platform, "đã duyệt để đăng", why_post(key))
    for p in inputs.posts:
        key = (p.campaign, p.platform)
        if p.state == "failed" and p.updated in period and key not in out:
            out[key] = Undone(p.campaign, p.platform, "đăng bài", why_post(key))
        elif p.state == "published" and p.goes_out is not None and key not in done and key not in out \
                and p.updated is not None and p.updated <= period.end:  # handed over, the platform holds it
            d = p.goes_out.astimezone(VN)
            out[key] = Undone(p.campaign, p.platform, f"hẹn giờ đăng {d.day}/{d.month}/{d.year}", why_post(key))
    last_job: dict[tuple[str, str], JobRow] = {}
    for j in sorted((j for j in inputs.jobs if j.finished is not None and j.finished <= period.end),
                    key=lambda j: j.finished or dt.date.min):
        last_job[(j.campaign, j.notebook)] = j
    for (cid, nb), j in sorted(last_job.items()):
        if j.status in {"failed", "blocked", "invalid"} and j.finished in period:
            out[(cid, nb)] = Undone(cid, nb, "dựng sản phẩm", j.error or j.status)
    with_products = {p.campaign for p in inputs.products if p.made <= period.end}
    for cid in sorted(active - with_products):
        if not any(u.campaign == cid for u in out.values()):
            out[(cid, "")] = Undone(cid, "", "dựng sản phẩm", "chưa có sản phẩm nào được dựng")
    titles = {c.id: c.title for c in inputs.campaigns if c.title}
    return [replace(u, title=titles.get(u.campaign, "")) for u in sorted(out.values(), key=lambda u: (u.campaign, u.what))]
