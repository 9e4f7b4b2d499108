"""Reading the review page's data: manifests, checks records, the ledger (runs, posts, decisions) and, for the
post text when a manifest does not carry it, the campaign folder, into the records of `review.model`.

`load_review(output)` returns a `Review`; a missing or corrupt manifest becomes a `Broken` entry and the rest
still shows.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..catalog import (
    MANIFEST_NAME,
    Catalog,
    CatalogError,
)
from ..catalog import is_draft as _is_draft
from ..catalog import is_record as _is_record
from ..catalog import kind_of as _kind_of
from ..catalog import role_of as _role_of
from ..manifest import read_manifest
from ..platforms import PLATFORMS, Preset
from ..text import format_date, format_number, nfc
from . import approvals
from .counting import counters, hashtag_list, post_text
from .freshness import campaign_dirs, campaign_keys
from .model import (
    PUBLISH_LABELS,
    STATE_LABELS,
    VN,
    Broken,
    Bulletin,
    CampaignView,
    Edition,
    OtherFile,
    PostCard,
    Poster,
    Published,
    Review,
    Verdict,
    verdict_of,
    when,
)
from .package import POST_FILES, file_sha256, text_sha256

# what a path is, asked of the catalog once per distinct path (campaigns repeat the same relative paths)
kind_of = functools.lru_cache(maxsize=8192)(_kind_of)
role_of = functools.lru_cache(maxsize=8192)(_role_of)
is_draft = functools.lru_cache(maxsize=8192)(_is_draft)
is_record = functools.lru_cache(maxsize=8192)(_is_record)


@functools.lru_cache(maxsize=8192)
def _safe_rel(rel: str) -> bool:
    p = PurePosixPath(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts


def _themes() -> dict[str, str]:
    from ..spec.models import THEMES

    return THEMES


def _dates(value: Any) -> str:
    """"18/4/2024" or "18/4/2024 – 30/4/2024" from {from, to}, a date or an ISO string."""
    try:
        if isinstance(value, Mapping):
            start, end = value.get("from") or value.get("from_"), value.get("to")
            if not start:
                return ""
            first = format_date(str(start))
            return first if not end or str(end) == str(start) else f"{first} – {format_date(str(end))}"
        if isinstance(value, (dt.date, str)) and value:
            return format_date(value)
    except ValueError:
        return str(value)
    return ""


def _spec_info(assets: Path | None, cid: str) -> dict[str, Any] | None:
    """Title, theme, dates and post text from the campaign folder (when the manifest lacks them)."""
    if assets is None:
        return None
    folder = Path(assets) / "campaigns" / cid
    if not (folder / "campaign.yml").is_file():
        return None
    from ..errors import PromokitError
    from ..spec import load_brand, load_campaign

    try:
        c = load_campaign(folder)
        brand, _ = load_brand(assets)
    except PromokitError:
        return None
    dates = {"from": c.dates.from_.isoformat(), "to": (c.dates.to or c.dates.from_).isoformat()} if c.dates else None
    return {"title": c.title, "theme": c.theme, "dates": dates,
            "posts": {"caption": c.posts.caption, "title": c.posts.title or c.title,
                      "hashtags": hashtag_list(c.posts.hashtags, brand.hashtags)}}


def _ledger_runs(ledger: Path) -> dict[tuple[str, str], tuple[int, str, float]]:
    """(campaign, notebook) -> (run id, finished, seconds) of the newest successful job."""
    if not Path(ledger).is_file():
        return {}
    try:
        db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=5)
        try:
            rows = db.execute("SELECT campaign, notebook, run_id, finished, seconds FROM jobs WHERE id IN "
                              "(SELECT MAX(id) FROM jobs WHERE status='ok' GROUP BY campaign, notebook)").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return {}
    return {(r[0], r[1]): (int(r[2]), str(r[3] or ""), float(r[4] or 0.0)) for r in rows}


def _ledger_posts(ledger: Path) -> dict[tuple[str, str], Published]:
    """(campaign, platform) -> what publish recorded (its table `posts`), if the ledger has it."""
    if not Path(ledger).is_file():
        return {}
    try:
        db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=5)
        try:
            cols = {row[1] for row in db.execute("PRAGMA table_info(posts)")}
            held = ", held_by, publish_at" if {"held_by", "publish_at"} <= cols else ", '', ''"
            rows = db.execute(f"SELECT campaign, platform, state, url, error, sent, total{held} FROM posts").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return {}
    now = dt.datetime.now(dt.UTC)
    out = {}
    for c, p, state, url, error, sent, total, held_by, publish_at in rows:
        if state == "published" and held_by == "platform" and publish_at and _after(publish_at, now):
            state = "scheduled"  # handed over: the platform publishes it at publish_at (its own scheduling)
        out[(c, p)] = Published(str(state), 100.0 * sent / total if total else 0.0, str(url or ""), str(error or ""),
                                str(publish_at or ""))
    return out


def _after(iso: str, now: dt.datetime) -> bool:
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return False
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)) > now


def _run_label(runs: Mapping[tuple[str, str], tuple[int, str, float]], jobs: list[dict], cid: str,
               notebook: str) -> str:
    job = next((j for j in jobs if isinstance(j, dict) and j.get("notebook") == notebook), None)
    parts = []
    if (cid, notebook) in runs:
        run_id, finished, seconds = runs[(cid, notebook)]
        parts.append(f"lần chạy / run #{run_id}")
        if finished:
            parts.append(when(finished))
        parts.append(f"{format_number(seconds, 1)} s")
    elif job is not None and isinstance(job.get("seconds"), (int, float)):
        parts.append(f"{notebook} · {format_number(float(job['seconds']), 1)} s")
    if job is not None and job.get("status") not in (None, "ok", "skipped"):
        parts.append(f"lần cuối / last: {job.get('status')}")
    return " · ".join(parts) or "—"


class _Hasher:
    """sha256 of an output: the manifest's when the file is unchanged since the manifest was written
    (same size, not newer), else the file's bytes (`fresh=True`: always the bytes)."""

    def __init__(self, out_dir: Path, manifest_mtime: int, fresh: bool) -> None:
        self.out_dir, self.manifest_mtime, self.fresh = out_dir, manifest_mtime, fresh

    def __call__(self, entry: Mapping[str, Any]) -> str:
        path = self.out_dir / str(entry["path"])
        try:
            st = os.stat(path)
        except OSError:
            return "missing"
        if not self.fresh and st.st_size == entry.get("bytes") and st.st_mtime_ns <= self.manifest_mtime \
                and isinstance(entry.get("sha256"), str):
            return str(entry["sha256"])
        return file_sha256(path)


def _read_manifest(path: Path) -> tuple[dict | None, str]:
    """The manifest at `path`, or None and why (missing, corrupt, of another shape: named by the manifest module)."""
    if not path.is_file():
        return None, "thiếu manifest.json / manifest.json missing"
    try:
        return read_manifest(path.parent), ""
    except CatalogError as e:
        return None, str(e)


def _entries(manifest: dict) -> tuple[list[dict], list[str]]:
    good, bad = [], []
    for i, e in enumerate(manifest.get("outputs", [])):
        if isinstance(e, dict) and isinstance(e.get("path"), str) and _safe_rel(e["path"]):
            good.append(e)
        else:
            bad.append(f"outputs[{i}] không đúng dạng / malformed entry")
    return good, bad


def _read_text(path: Path, limit: int = 20_000) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return nfc(f.read(limit)).strip()
    except (OSError, UnicodeDecodeError):
        return None


def _frame(preset: Preset | None, facts: Mapping[str, Any]) -> tuple[int, int]:
    if preset is not None:
        return preset.width, preset.height
    w, h = facts.get("width"), facts.get("height")
    return (int(w), int(h)) if isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0 else (1080, 1920)


def _post_cards(cid: str, entries: list[dict], hasher: _Hasher, info: Mapping[str, Any], title: str,
                decisions: Mapping[tuple[str, str], list[approvals.Decision]], run: str, out_dir: Path,
                posts_done: Mapping[tuple[str, str], Published]) -> list[PostCard]:
    by_path = {e["path"]: e for e in entries}
    posts = info.get("posts") if isinstance(info.get("posts"), Mapping) else {}
    caption = nfc(str(posts.get("caption") or ""))
    post_title = nfc(str(posts.get("title") or title))
    tags = hashtag_list(posts.get("hashtags") or []) if isinstance(posts.get("hashtags"), list) else []
    cards: list[PostCard] = []
    videos = [e for e in entries if kind_of(e["path"]) == "video" and role_of(e["path"]) == "video"]
    outputs = Catalog(out_dir.parent).campaign(cid)

    def rel(path: Path) -> str:  # a catalog path as the manifest names it
        return path.relative_to(outputs.dir).as_posix()

    for e in videos:
        platform, draft = PurePosixPath(e["path"]).stem, is_draft(e["path"])
        preset = PLATFORMS.get(platform) if platform in PLATFORMS else None  # unknown: shown, without limits
        try:
            cover_rel = rel(outputs.cover(platform, draft=draft))
            vtt = rel(outputs.captions(platform, "vtt", draft=draft))
            package = {role: rel(outputs.post_file(platform, name, draft=draft)) for role, name in POST_FILES.items()}
            post_json = rel(outputs.post_file(platform, "post.json", draft=draft))
        except CatalogError:  # a file name that is no platform name: shown as it is, without a package
            cover_rel, vtt, package, post_json = "", "", {}, ""
        video_entry, body, package_verdict, rerendered = e, post_text(caption, tags), None, False
        if package and package["video"] in by_path:  # publish built the package: show exactly that
            video_entry = by_path[package["video"]]
            rerendered = hasher(video_entry) != hasher(e)  # a render since: the package holds the one before
            cover_rel = package["cover"]
            sent = _read_text(out_dir / package["caption"])
            body = sent if sent is not None else body
            if post_json in by_path and by_path[post_json].get("checks") is not None:
                package_verdict = verdict_of(by_path[post_json]["checks"], file=f"{cid}/{post_json}")
        cover = by_path.get(cover_rel)
        files = {"video": hasher(video_entry), "caption": text_sha256(body)}
        if cover is not None:
            files["cover"] = hasher(cover)
        digest = approvals.package_digest(files)
        v = verdict_of(video_entry.get("checks") or e.get("checks"), file=f"{cid}/{e['path']}")
        duration = v.facts.get("duration")
        duration = float(duration) if isinstance(duration, (int, float)) and duration > 0 else None
        size = int(video_entry.get("bytes") or 0)
        bitrate = v.facts.get("bit_rate") or v.facts.get("bitrate")
        if not isinstance(bitrate, (int, float)) or bitrate <= 0:
            bitrate = size * 8 / duration if duration else None
        history = () if draft else tuple(decisions.get((cid, platform), ()))
        decision = history[-1] if history else None
        state = "draft" if draft else approvals.state_of(decision, digest)
        cards.append(PostCard(
            cid, platform, preset.label if preset else platform, draft, f"{cid}/{video_entry['path']}",
            f"{cid}/{cover['path']}" if cover else None, f"{cid}/{vtt}" if vtt and vtt in by_path else None, _frame(preset, v.facts), post_title, body,
            tuple(counters(preset, body, post_title, tags)), v, duration, size, float(bitrate) if bitrate else None,
            run, files, digest, state, decision, None if draft else posts_done.get((cid, platform)), package_verdict,
            history, rerendered))
    order = {p: i for i, p in enumerate(PLATFORMS.names())}
    cards.sort(key=lambda c: (c.draft, order.get(c.platform, len(order)), c.platform))
    return cards


def _posters(cid: str, entries: list[dict], out_dir: Path) -> list[Poster]:
    out = []
    for e in entries:
        rel = PurePosixPath(e["path"])
        if kind_of(e["path"]) != "infographic" or rel.suffix not in {".png", ".pdf"}:
            continue
        stem = rel.stem
        ident, _, size = stem.rpartition("-")
        alt = _read_text(out_dir / rel.with_suffix(".txt")) or f"Đồ họa thông tin {ident or stem} ({size})"
        out.append(Poster(ident or stem, size, f"{cid}/{rel}", alt, rel.suffix[1:], is_draft(e["path"]),
                          int(e.get("bytes") or 0), verdict_of(e.get("checks"), file=f"{cid}/{rel}")))
    out.sort(key=lambda p: (p.draft, p.infographic, p.fmt != "png", p.size))
    return out


def _editions(cid: str, entries: list[dict]) -> list[Edition]:
    order = {"html": 0, "pdf": 1, "epub": 2}
    out = [Edition(PurePosixPath(e["path"]).suffix[1:], f"{cid}/{e['path']}", int(e.get("bytes") or 0),
                   is_draft(e["path"]), verdict_of(e.get("checks"), file=f"{cid}/{e['path']}"))
           for e in entries
           if kind_of(e["path"]) == "publication" and PurePosixPath(e["path"]).suffix[1:] in order]
    out.sort(key=lambda x: (x.draft, order[x.fmt]))
    return out


def _bulletins(cid: str, entries: list[dict]) -> list[Bulletin]:
    paths = {e["path"] for e in entries}
    out = []
    for e in entries:
        if kind_of(e["path"]) != "radio" or not e["path"].endswith(".mp3"):
            continue
        v = verdict_of(e.get("checks"), file=f"{cid}/{e['path']}")
        wav = e["path"][:-4] + ".wav"
        dur = v.facts.get("duration") or v.facts.get("planned_s")
        tags = v.facts.get("tags") if isinstance(v.facts.get("tags"), dict) else {}
        out.append(Bulletin(f"{cid}/{e['path']}", nfc(str(tags.get("title") or PurePosixPath(e["path"]).stem)),
                            f"{cid}/{wav}" if wav in paths else None, bool(v.facts.get("guide")),
                            float(dur) if isinstance(dur, int | float) else None,
                            _measured(e.get("checks"), "loudness"),
                            int(e.get("bytes") or 0), v, tuple(_script(v.facts.get("script")))))
    return out


def _measured(record: object, name: str) -> float | None:
    """The value a check of the record measured on the delivered file (e.g. loudness, LUFS), if numeric."""
    checks = record.get("checks") if isinstance(record, dict) else None
    for c in checks if isinstance(checks, list) else []:
        if isinstance(c, dict) and c.get("name") == name and isinstance(c.get("value"), int | float):
            return float(c["value"])
    return None


def _script(segments: object) -> list[tuple[str, str, str, bool]]:
    if not isinstance(segments, list):
        return []
    return [(nfc(str(s.get("kind", ""))), nfc(str(s.get("title") or "")), nfc(str(s.get("text") or "")),
             bool(s.get("recorded"))) for s in segments if isinstance(s, dict)]


def _others(cid: str, entries: list[dict]) -> list[OtherFile]:
    shown = {"video": {"video", "cover"}, "infographic": {"image", "pdf", "text"}, "publication": {"html", "pdf", "epub"},
             "radio": {"audio"}}
    out = []
    for e in entries:
        kind, role = kind_of(e["path"]), role_of(e["path"])
        if role in shown.get(kind, set()) or kind == "post":
            continue
        out.append(OtherFile(f"{cid}/{e['path']}", e["path"], kind, int(e.get("bytes") or 0)))
    return out


def campaign_view(cid: str, manifest: dict, out_dir: Path, *, assets: Path | None = None,
                  decisions: Mapping[tuple[str, str], list[approvals.Decision]] | None = None,
                  runs: Mapping[tuple[str, str], tuple[int, str, float]] | None = None,
                  published: Mapping[tuple[str, str], Published] | None = None,
                  manifest_mtime: int = 0, fresh: bool = False) -> CampaignView:
    """One campaign's part of the page from its manifest (outputs are not re-read but for the alt texts,
    captions sent and, with `fresh` or when newer than the manifest, the files' checksums)."""
    info = manifest.get("campaign_info") if isinstance(manifest.get("campaign_info"), dict) else {}
    if not info.get("title") or "posts" not in info:
        spec = _spec_info(assets, cid) or {}
        info = {**spec, **{k: v for k, v in info.items() if v}}
    title = nfc(str(info.get("title") or cid))
    theme = nfc(str(info.get("theme") or ""))
    entries, problems = _entries(manifest)
    entries = [e for e in entries if not is_record(e["path"])]
    jobs = [j for j in manifest.get("jobs", []) if isinstance(j, dict)] if isinstance(manifest.get("jobs"), list) else []
    hasher = _Hasher(out_dir, manifest_mtime, fresh)
    run = _run_label(runs or {}, jobs, cid, "promo_video")
    return CampaignView(
        cid, title, theme, _themes().get(theme, theme), _dates(info.get("dates")),
        tuple(_post_cards(cid, entries, hasher, info, title, decisions or {}, run, out_dir, published or {})),
        tuple(_posters(cid, entries, out_dir)), tuple(_editions(cid, entries)), tuple(_others(cid, entries)),
        tuple(_bulletins(cid, entries)),
        tuple(j for j in jobs if j.get("status") not in (None, "ok", "skipped")), tuple(problems),
        tuple(_warnings(manifest)))


def _warnings(manifest: dict) -> list[str]:
    """The manifest's warnings, each once with the outputs it concerns."""
    out = []
    for w in manifest.get("warnings") or [] if isinstance(manifest.get("warnings"), list) else []:
        if isinstance(w, dict) and w.get("warning"):
            files = [str(f) for f in w.get("outputs") or []]
            out.append(nfc(str(w["warning"])) + (f" ({', '.join(files[:4])}{' …' if len(files) > 4 else ''})"
                                                  if files else ""))
    return out


def _with_ledger(view: CampaignView, decisions: Mapping[tuple[str, str], list[approvals.Decision]],
                 published: Mapping[tuple[str, str], Published]) -> CampaignView:
    """A campaign's view with its cards' decisions, states and publish records taken from the ledger now."""
    cards = []
    for card in view.posts:
        if card.draft:
            cards.append(card)
            continue
        history = tuple(decisions.get((card.campaign, card.platform), ()))
        decision = history[-1] if history else None
        cards.append(replace(card, history=history, decision=decision, state=approvals.state_of(decision, card.digest),
                             published=published.get((card.campaign, card.platform))))
    return replace(view, posts=tuple(cards))


def load_review(output: Path, *, assets: Path | None = None, campaigns: Iterable[str] | None = None,
                fresh: bool = False, cache: dict | None = None) -> Review:
    """Read everything the review page shows from `output` (only `campaigns` when given).

    `cache` (a dict the caller keeps): campaigns whose outputs, manifest, spec and runs are unchanged are not
    read again; only their decisions and publish records are taken from the ledger anew."""
    root = Path(output)
    catalog = Catalog(root)
    wanted = set(campaigns) if campaigns is not None else None
    decisions = approvals.history_all(catalog.ledger)
    runs = _ledger_runs(catalog.ledger)
    published = _ledger_posts(catalog.ledger)
    views, broken = [], []
    for cid in campaign_dirs(root):
        if wanted is not None and cid not in wanted:
            continue
        key = None
        if cache is not None and not fresh:
            keys: list = [tuple(sorted((k, v) for k, v in runs.items() if k[0] == cid))]
            campaign_keys(root, cid, assets, keys)
            key = tuple(keys)
            hit = cache.get(cid)
            if hit is not None and hit[0] == key:
                views.append(_with_ledger(hit[1], decisions, published))
                continue
        path = root / cid / MANIFEST_NAME
        manifest, reason = _read_manifest(path)
        if manifest is None:
            broken.append(Broken(cid, f"{cid}/{MANIFEST_NAME}", reason))
            continue
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            mtime = 0
        view = campaign_view(cid, manifest, root / cid, assets=assets, decisions=decisions, runs=runs,
                             published=published, manifest_mtime=mtime, fresh=fresh)
        if key is not None:
            cache[cid] = (key, view)
        views.append(view)
    return Review(tuple(views), tuple(broken), dt.datetime.now(VN).isoformat(timespec="seconds"))


__all__ = ["PUBLISH_LABELS", "STATE_LABELS", "Published", "Broken", "CampaignView", "Edition", "OtherFile", "PostCard", "Poster",
           "Review", "Verdict", "campaign_view", "load_review", "verdict_of"]
