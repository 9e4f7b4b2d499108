"""Read what the report counts: the ledger (jobs, outputs, posts, approvals, insights), the manifests and the
campaign folders' `campaign.yml` (title, theme, dates, post schedule only). Read-only; anything unreadable
is named in `ReportInputs.notes`, never guessed."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..catalog import Catalog, is_draft, is_record, kind_of, role_of
from ..errors import PromokitError
from ..manifest import read_manifest
from ..text import nfc, parse_date
from .insights import read_snapshots
from .model import ApprovalRow, CampaignFacts, JobRow, PostRow, Product, ReportInputs

VN = dt.timezone(dt.timedelta(hours=7))

#: What the report counts as a product: what the audience gets — a video per platform, a poster per size, an
#: edition per format, a bulletin — not its sidecars (covers, alt texts, subtitles, run sheets, post packages).
DELIVERABLE = {"video": {"video"}, "infographic": {"image", "pdf"}, "publication": {"html", "pdf", "epub"},
               "radio": {"audio"}}


def product_key(rel: str) -> str | None:
    """The product an output file is (a bulletin's MP3 and WAV are one), None when it is not one."""
    if is_record(rel) or is_draft(rel) or role_of(rel) not in DELIVERABLE.get(kind_of(rel), ()):
        return None
    return str(PurePosixPath(rel).with_suffix("")) if kind_of(rel) == "radio" else rel


def _day(text: Any) -> dt.date | None:
    """The day (Vietnam time) of a ledger timestamp or a date."""
    if text in (None, ""):
        return None
    if isinstance(text, dt.datetime):
        return (text if text.tzinfo else text.replace(tzinfo=VN)).astimezone(VN).date()
    if isinstance(text, dt.date):
        return text
    s = str(text)
    try:
        t = dt.datetime.fromisoformat(s)
    except ValueError:
        try:
            return parse_date(s)
        except ValueError:
            return None
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(VN).date() if len(s) > 10 else t.date()


def goes_out(held_by: str, publish_at: str) -> dt.datetime | None:
    """When a post the platform holds goes out (aware; UTC when the text has no zone), as
    `publish.ledger.goes_out` (not imported: publish's package would load its publishers)."""
    if held_by != "platform" or not publish_at:
        return None
    try:
        t = dt.datetime.fromisoformat(publish_at)
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _ledger_rows(ledger: Path, notes: list[str]) -> tuple[list[Product], list[PostRow], list[ApprovalRow],
                                                          list[JobRow]]:
    if not ledger.is_file():
        return [], [], [], []
    try:
        db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as e:
        notes.append(f"{ledger.name}: không đọc được / cannot be read ({e})")
        return [], [], [], []
    try:
        have = _tables(db)
        if "runs" in have and db.execute("SELECT 1 FROM runs WHERE args LIKE '%\"history\": true%'").fetchone():
            notes.append("Sổ cái có dữ liệu MINH HỌA (promokit.report.history), không phải kết quả thật / "
                         "the ledger holds ILLUSTRATIVE history, not real results")
        products: dict[tuple[str, str], Product] = {}
        jobs: list[JobRow] = []
        if {"jobs", "outputs"} <= have:
            for campaign, path, finished in db.execute(
                    "SELECT j.campaign, o.path, j.finished FROM outputs o JOIN jobs j ON j.id = o.job_id "
                    "WHERE j.status='ok' ORDER BY j.finished"):
                parts = PurePosixPath(path).parts
                rel = PurePosixPath(*parts[1:]).as_posix() if len(parts) > 1 else path
                day, key = _day(finished), product_key(rel)
                if day is None or key is None:
                    continue
                products.setdefault((campaign, key), Product(campaign, rel, kind_of(rel), role_of(rel), day))
            jobs = [JobRow(c, n, s, _day(f), e or "") for c, n, s, f, e in
                    db.execute("SELECT campaign, notebook, status, finished, error FROM jobs")]
        posts: list[PostRow] = []
        if "posts" in have:
            cols = {row[1] for row in db.execute("PRAGMA table_info(posts)")}
            held = "held_by, publish_at" if {"held_by", "publish_at"} <= cols else "'', ''"  # older ledgers
            posts = [PostRow(c, p, s, u or "", r or "", e or "", _day(up), goes_out(hb or "", at or ""))
                     for c, p, s, u, r, e, up, hb, at in db.execute(
                         f"SELECT campaign, platform, state, url, remote_id, error, updated, {held} FROM posts")]
        approvals: list[ApprovalRow] = []
        if "approvals" in have:
            latest: dict[tuple[str, str], ApprovalRow] = {}
            for c, p, d, at, com in db.execute(
                    "SELECT campaign, platform, decision, decided, comment FROM approvals ORDER BY id"):
                day = _day(at)
                if day is not None:
                    latest[(c, p)] = ApprovalRow(c, p, d, day, com or "")
            approvals = list(latest.values())
    except sqlite3.Error as e:
        notes.append(f"{ledger.name}: không đọc được / cannot be read ({e})")
        return [], [], [], []
    finally:
        db.close()
    return list(products.values()), posts, approvals, jobs


def _campaign_yml(folder: Path, notes: list[str]) -> CampaignFacts | None:
    file = folder / "campaign.yml"
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError("not a mapping")
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as e:
        notes.append(f"{file}: không đọc được / cannot be read ({type(e).__name__})")
        return None
    dates = data.get("dates") if isinstance(data.get("dates"), dict) else {}
    sched = (data.get("posts") or {}).get("schedule") if isinstance(data.get("posts"), dict) else None
    schedule: dict[str, dt.date] = {}
    if isinstance(sched, dict):
        schedule = {str(k): d for k, v in sched.items() if (d := _day(v)) is not None}
    elif sched is not None and (d := _day(sched)) is not None:
        schedule = {p: d for p in (data.get("platforms") or []) if isinstance(p, str)}
    return CampaignFacts(folder.name, nfc(str(data.get("title") or "")), str(data.get("theme") or ""),
                         _day(dates.get("from")), _day(dates.get("to")), schedule)


def _from_manifest(info: dict, cid: str) -> CampaignFacts:
    dates = info.get("dates") or {}
    return CampaignFacts(cid, nfc(str(info.get("title") or "")), str(info.get("theme") or ""),
                         _day(dates.get("from")), _day(dates.get("to")))


def gather(output: Path, assets: Path | None = None, *, now: dt.datetime | None = None) -> ReportInputs:
    """Everything the report needs, read from `output` (and `assets/campaigns`, when given) at `now` (aware;
    default: the clock) — a post the platform holds counts as published once its time has passed."""
    output = Path(output)
    cat = Catalog(output)
    notes: list[str] = []
    products, posts, approvals, jobs = _ledger_rows(cat.ledger, notes)
    campaigns: dict[str, CampaignFacts] = {}
    made = {p.campaign for p in products}
    manifest_products: list[Product] = []
    for path in cat.manifests():
        cid = path.parent.name
        try:
            m = read_manifest(cat.campaign(cid)) or {}
        except PromokitError as e:
            notes.append(str(e))
            continue
        campaigns[cid] = _from_manifest(m.get("campaign_info") or {}, cid)
        day = _day(m.get("written"))
        if cid not in made and day is not None:  # outputs made outside a batch run: dated by the manifest
            seen: set[str] = set()
            for o in m.get("outputs") or []:
                rel = str(o.get("path", ""))
                key = product_key(rel) if rel and not o.get("draft") else None
                if key is not None and key not in seen:
                    seen.add(key)
                    manifest_products.append(Product(cid, rel, kind_of(rel), role_of(rel), day))
    if assets is not None and (Path(assets) / "campaigns").is_dir():
        for folder in sorted(p for p in (Path(assets) / "campaigns").iterdir() if (p / "campaign.yml").is_file()):
            facts = _campaign_yml(folder, notes)
            if facts is not None:
                old = campaigns.get(facts.id)
                campaigns[facts.id] = facts if old is None else CampaignFacts(
                    facts.id, facts.title or old.title, facts.theme or old.theme, facts.start or old.start,
                    facts.end or old.end, facts.schedule)
    try:
        snapshots = read_snapshots(cat.ledger)
    except sqlite3.Error as e:
        notes.append(f"insights: {e}")
        snapshots = []
    return ReportInputs(sorted(campaigns.values(), key=lambda c: c.id), products + manifest_products, posts,
                        approvals, jobs, snapshots, notes, now or dt.datetime.now(dt.UTC))
