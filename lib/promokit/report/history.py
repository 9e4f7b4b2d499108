"""Ledger history written with past dates, in the real tables' own schemas: for the report's tests, the bench
and the demo. `illustrative_year` makes an ILLUSTRATIVE year (random but seeded) — never real results.

The live tables are written by batch, publish, review and `promokit insights` with the current time; a
report of a past year needs rows dated in that year, so this module writes them directly.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..batch.ledger import SCHEMA as BATCH_SCHEMA
from ..catalog import Catalog
from ..publish.ledger import SCHEMA as PUBLISH_SCHEMA
from ..review.approvals import SCHEMA as APPROVALS_SCHEMA
from .insights import SCHEMA as INSIGHTS_SCHEMA
from .insights import add_snapshots
from .model import METRICS, Snapshot

VN = dt.timezone(dt.timedelta(hours=7))


def _ts(day: dt.date, hour: int = 9) -> str:
    """A ledger timestamp (UTC ISO) of `hour` o'clock, Vietnam time, on `day`."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=VN).astimezone(dt.UTC).isoformat(
        timespec="milliseconds")


@dataclass(frozen=True)
class Event:
    """Something that happened to a campaign on a day (Vietnam time)."""

    campaign: str
    day: dt.date


@dataclass(frozen=True)
class JobEvent(Event):
    """A batch job finished on `day`: its status and the outputs it made."""

    notebook: str
    status: str = "ok"
    outputs: tuple[str, ...] = ()  # paths relative to the campaign's output folder
    error: str = ""


@dataclass(frozen=True)
class PostEvent(Event):
    """A post's publishing state on `day` (published, or failed / last updated), with its address there."""

    platform: str
    state: str = "published"
    remote_id: str = ""
    url: str = ""
    error: str = ""
    publish_at: dt.datetime | None = None  # handed over on `day`; the platform holds it until then (aware)


@dataclass(frozen=True)
class ApprovalEvent(Event):
    """A reviewer's decision on a platform's post package on `day`."""

    platform: str
    decision: str = "approved"


@dataclass
class History:
    """The ledger rows to write: jobs, posts, approvals and audience snapshots."""

    jobs: list[JobEvent] = field(default_factory=list)
    posts: list[PostEvent] = field(default_factory=list)
    approvals: list[ApprovalEvent] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)


def write_history(ledger: Path, history: History) -> Path:
    """Add `history` to the ledger at `ledger` (tables made when missing)."""
    ledger = Path(ledger)
    ledger.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(ledger), isolation_level=None)
    try:
        for schema in (BATCH_SCHEMA, PUBLISH_SCHEMA, APPROVALS_SCHEMA, INSIGHTS_SCHEMA):
            db.executescript(schema)
        db.execute("BEGIN")
        first = min((j.day for j in history.jobs), default=dt.date.today())
        run = db.execute("INSERT INTO runs(started, finished, status, args) VALUES (?,?,?,?)",
                         (_ts(first), _ts(first), "ok", '{"history": true}')).lastrowid
        for j in history.jobs:
            job = db.execute("INSERT INTO jobs(run_id, campaign, notebook, status, started, finished, seconds, error)"
                             " VALUES (?,?,?,?,?,?,?,?)", (run, j.campaign, j.notebook, j.status, _ts(j.day, 8),
                                                           _ts(j.day), 60.0, j.error or None)).lastrowid
            db.executemany("INSERT INTO outputs(job_id, path, bytes, sha256) VALUES (?,?,?,?)",
                           [(job, f"{j.campaign}/{p}", 1000, f"{job:064x}") for p in j.outputs])
        for p in history.posts:
            held = ("platform", p.publish_at.isoformat()) if p.publish_at is not None else ("", "")
            db.execute("INSERT INTO posts(campaign, platform, digest, state, remote_id, url, error, started, updated,"
                       " held_by, publish_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       (p.campaign, p.platform, "0" * 64, p.state, p.remote_id, p.url, p.error, _ts(p.day, 8),
                        _ts(p.day, 10), *held))
        for a in history.approvals:
            db.execute("INSERT INTO approvals(campaign, platform, digest, decision, reviewer, decided)"
                       " VALUES (?,?,?,?,?,?)", (a.campaign, a.platform, "0" * 64, a.decision, "demo", _ts(a.day)))
        db.execute("COMMIT")
    finally:
        db.close()
    add_snapshots(ledger, history.snapshots, source="history")
    return ledger


def write_campaign_yml(assets: Path, cid: str, title: str, theme: str, start: dt.date, end: dt.date,
                       schedule: dict[str, dt.date] | None = None) -> Path:
    """A minimal `campaign.yml` (only what the report reads) under `assets/campaigns/<cid>/`."""
    folder = Path(assets) / "campaigns" / cid
    folder.mkdir(parents=True, exist_ok=True)
    data: dict = {"title": title, "dates": {"from": start.isoformat(), "to": end.isoformat()}}
    if theme:
        data["theme"] = theme
    if schedule:
        data["posts"] = {"schedule": {k: f"{v.isoformat()}T09:00:00" for k, v in schedule.items()}}
    path = folder / "campaign.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


THEMES = ("chinh-tri", "kinh-te-xa-hoi", "le-hoi", "du-lich", "nong-nghiep-ocop", "chuyen-doi-so",
          "cai-cach-hanh-chinh", "moi-truong", "dau-tu", "hinh-anh-chinh-quyen", "doi-ngoai-quoc-phong",
          "phan-bac-tin-sai")
PLATFORMS = ("facebook_reels", "tiktok", "youtube_shorts", "zalo", "youtube", "facebook_feed")


def _products(cid: str) -> list[tuple[str, tuple[str, ...]]]:
    """(notebook, its output paths relative to the campaign's output folder), as the catalog names them."""
    outs = Catalog(Path("output")).campaign(cid)

    def rel(*paths: Path) -> tuple[str, ...]:
        return tuple(p.relative_to(outs.dir).as_posix() for p in paths)

    return [("video", rel(*(f(pl) for pl in PLATFORMS[:3] for f in (outs.video, outs.cover)))),
            ("infographic", rel(outs.poster("so-lieu", "square", "png"))),
            ("publication", rel(outs.edition("html"), outs.edition("pdf"))),
            ("radio", rel(outs.bulletin("ban-tin", "mp3")))]


def illustrative_year(assets: Path, year: int = 2024, *, campaigns: int = 40, posts: int = 600,
                      snapshots: int = 12, seed: int = 2024) -> History:
    """ILLUSTRATIVE history of a plan year: `campaigns` campaign folders (written under `assets`), their
    products, `posts` posts and `snapshots` weekly audience snapshots per published post (cumulative, growing).
    The posts table holds one post per campaign and platform (a few failed, a few approved and never posted);
    posts beyond that are ones the office made by hand, known only through imported insights exports (the
    Meta Business Suite, YouTube Studio and TikTok Studio files cover every post of the page or channel)."""
    rng = random.Random(seed)
    h = History()
    ids = []
    for i in range(campaigns):
        cid = f"minh-hoa-{i + 1:02d}"
        start = dt.date(year, 1, 8) + dt.timedelta(days=rng.randrange(0, 300))
        end = start + dt.timedelta(days=rng.randrange(3, 30))
        write_campaign_yml(assets, cid, f"Chiến dịch minh họa {i + 1}", THEMES[i % len(THEMES)], start, end)
        ids.append((cid, start, end))
        made = start - dt.timedelta(days=2)
        for nb, outs in _products(cid):
            if nb == "radio" and i % 3:
                continue
            h.jobs.append(JobEvent(cid, made, nb, "ok", outs))
        if i % 13 == 5:
            h.jobs.append(JobEvent(cid, made, "publication", "failed", (), "thiếu ảnh bìa / cover image missing"))
    # the posts table holds one post per campaign and platform: at most campaigns x platforms posts
    for k in range(min(posts, campaigns * len(PLATFORMS))):
        cid, start, end = ids[k % campaigns]
        platform = PLATFORMS[(k // campaigns) % len(PLATFORMS)]
        day = min(start + dt.timedelta(days=rng.randrange(0, (end - start).days + 1)), dt.date(year, 12, 31))
        rid = f"{platform[:2]}{k:05d}"
        if k % 50 == 7:
            h.posts.append(PostEvent(cid, day, platform, "failed", error="429 Too Many Requests"))
            continue
        if k % 50 == 9:
            h.approvals.append(ApprovalEvent(cid, day, platform))
            continue
        h.posts.append(PostEvent(cid, day, platform, "published", rid, f"https://example.invalid/{platform}/{rid}"))
        h.snapshots.extend(_weekly(rng, platform, rid, day, snapshots))
    in_table = min(posts, campaigns * len(PLATFORMS))
    for k in range(posts - in_table):  # made by hand: only their imported counts are in the ledger
        day = dt.date(year, 1, 8) + dt.timedelta(days=rng.randrange(0, 340))
        h.snapshots.extend(_weekly(rng, IMPORTED[k % len(IMPORTED)], f"im{k:05d}", day, snapshots))
    return h


IMPORTED = ("facebook", "tiktok", "youtube")  # the platforms with an insights export (`EXPORTS`)


def _weekly(rng: random.Random, platform: str, rid: str, day: dt.date, snapshots: int) -> list[Snapshot]:
    """`snapshots` weekly cumulative snapshots of one post published on `day`."""
    out, views = [], 0.0
    for w in range(snapshots):
        views += rng.randrange(50, 2000) / (w + 1)
        out.append(Snapshot(platform, rid, day + dt.timedelta(days=7 * (w + 1)), **{m: round(views * f) for m, f in zip(
            METRICS, (1, 0.8, 0.06, 0.01, 0.02, 9), strict=True)}))
    return out
