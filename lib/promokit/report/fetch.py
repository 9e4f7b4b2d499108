"""Audience counts fetched from the platforms' APIs: every published post in the ledger is asked about through
its publisher's read side (`promokit.publish.readers.READERS`: the same HTTP layer, tokens, retries and 429
Retry-After as publishing) and a dated snapshot is added to the append-only `insights` table.

A post the platform holds for its own scheduled time is asked only once its `publish_at` has
passed, both now and by the end of the snapshot's day (Vietnam time).
Polite and incremental: a post whose last snapshot is younger than `every_days` is skipped (unless `force`);
the readers' rate-limit signals (usage headers, throttling codes, a 429 that outlived the retries) pause the
calls or postpone the rest of that platform to the next run; one post's error is named and the others go
on; a refused or missing token stops that platform only. A post the platform no longer has is named in `missing`,
never counted as zero.

The API base URL is the publisher's (`PROMOKIT_<PLATFORM>_API_BASE` overrides it: the tests' loopback servers).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..publish.http import AuthError, Http, PublishHttpError
from ..publish.ledger import PostRecord, PublishLedger
from ..publish.readers import READERS, RateLimited
from .insights import add_snapshots, latest_taken
from .model import Snapshot

VN = dt.timezone(dt.timedelta(hours=7))
_sleep = time.sleep  # the pause between calls a platform's headers ask for (tests replace it)


@dataclass
class Fetched:
    """What one fetch did: snapshots taken (and how many were new), posts skipped as recently fetched, and the
    posts not counted — gone from the platform, failed (with the reason) or postponed by a rate limit."""

    snapshots: list[Snapshot] = field(default_factory=list)
    added: int = 0
    skipped: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (publisher platform, remote id)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (platform, remote id or "", message)
    postponed: list[tuple[str, str]] = field(default_factory=list)


def reader_names(platform: str) -> list[str]:
    """The readers `platform` names: `all`, a publisher (facebook_reels) or a snapshot platform (facebook)."""
    key = str(platform).strip().lower().replace("-", "_")
    if key == "all":
        return READERS.names()
    group = [n for n in READERS.names() if READERS.get(n).insights == key]
    return group or [READERS.choose(key, option="--platform")]


def _due(posts: list[PostRecord], insights: str, latest: dict[tuple[str, str], dt.date], day: dt.date,
         every_days: int, force: bool) -> tuple[list[PostRecord], int]:
    todo, skipped, seen = [], 0, set()
    for p in posts:
        if p.remote_id in seen:
            continue
        seen.add(p.remote_id)
        last = latest.get((insights, p.remote_id))
        if not force and last is not None and (day - last).days < every_days:
            skipped += 1
        else:
            todo.append(p)
    return todo, skipped


def _one_reader(name: str, todo: list[PostRecord], http: Http, ledger: Path, day: dt.date, out: Fetched) -> None:
    reader = READERS.get(name)
    base = reader.base()
    chunks = [todo[i:i + reader.batch] for i in range(0, len(todo), reader.batch)]
    for n, chunk in enumerate(chunks):
        ids = [p.remote_id for p in chunk]
        try:
            answer = reader.counts(http, base, ids)
        except (RateLimited, AuthError, UsageError) as e:  # UsageError: no token for this platform at all
            rest = [p.remote_id for c in chunks[n:] for p in c]
            if not isinstance(e, RateLimited):
                out.failed.append((name, "", str(e)))
            out.postponed.extend((name, rid) for rid in rest)
            return
        except PublishHttpError as e:
            if e.status == 429:  # still throttled after the layer's retries: leave the rest for the next run
                out.postponed.extend((name, p.remote_id) for c in chunks[n:] for p in c)
                return
            out.failed.extend((name, rid, str(e)) for rid in ids)
            continue
        snaps = [Snapshot(reader.insights, p.remote_id, day, url=p.url, **answer.counts[p.remote_id])
                 for p in chunk if p.remote_id in answer.counts]
        out.missing.extend((name, rid) for rid in ids if rid not in answer.counts)
        out.snapshots.extend(snaps)
        out.added += add_snapshots(ledger, snaps, source=f"api:{name}")  # kept chunk by chunk (a crash loses none)
        if answer.wait_s and n + 1 < len(chunks):
            _sleep(answer.wait_s)


def fetch_counts(ledger: Path, platform: str = "all", *, taken: dt.date | None = None, every_days: int = 1,
                 force: bool = False, http: Http | None = None) -> Fetched:
    """Fetch today's counts (`taken`) of the published posts of `platform` (see `reader_names`) and add them
    as snapshots. `every_days`: skip a post whose last snapshot is younger (days); `force`: ask about all."""
    if every_days < 0:
        raise UsageError.fail("--every phải ≥ 0", "--every must be ≥ 0", field="--every",
                              fix_vi="vd. --every 7", fix_en="e.g. --every 7")
    ledger = Path(ledger)
    names = reader_names(platform)
    day = taken or dt.date.today()
    # a post the platform holds is asked once it is out: by the end of `day` (Vietnam time) and by now
    cutoff = min(dt.datetime.now(dt.UTC), dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), VN))
    posts = [p for p in PublishLedger(ledger).all() if p.state == "published" and p.remote_id and p.platform in names
             and not ((out := p.goes_out) is not None and out > cutoff)]
    latest = latest_taken(ledger)
    out = Fetched()
    clients: dict[str, Http] = {}
    try:
        for name in names:
            reader = READERS.get(name)
            todo, skipped = _due([p for p in posts if p.platform == name], reader.insights, latest, day,
                                 every_days, force)
            out.skipped += skipped
            if not todo:
                continue
            client = http or clients.get(name) or clients.setdefault(name, reader.http())  # a platform's own token
            _one_reader(name, todo, client, ledger, day, out)
    finally:
        for c in clients.values():
            c.close()
    return out
