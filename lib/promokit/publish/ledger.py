"""Publish records in the ledger (`output/promokit.sqlite`): tables `posts` and `publish_steps`.

One row in `posts` per campaign and platform — a package is published once, ever. Every step of a publish
(upload session, offsets, remote ids, the post URL) is written here, committed, before the next step is
taken, so a re-run after a crash resumes where the last one stopped. No token is ever written here.

The file is in WAL mode (as the batch ledger sharing it already puts it) with `synchronous=FULL`: every
commit is on disk when it returns, with one fsync of the log instead of the two or three of a rollback
journal (a median 4 ms instead of 20 ms a commit on the loaded 2-core bench machine). A step and the post
row's fields that go with it (`save(..., **fields)`) are one transaction: both are recorded or neither.

A post handed over to a platform that holds it until its time (its own scheduling) is `published` with
`held_by = 'platform'` and `publish_at` the ISO time the platform will publish it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
  id INTEGER PRIMARY KEY, campaign TEXT NOT NULL, platform TEXT NOT NULL, digest TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('uploading', 'processing', 'published', 'failed')),
  remote_id TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',
  sent INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '',
  started TEXT NOT NULL, updated TEXT NOT NULL, held_by TEXT NOT NULL DEFAULT '',
  publish_at TEXT NOT NULL DEFAULT '', UNIQUE (campaign, platform));
CREATE TABLE IF NOT EXISTS publish_steps (
  id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id), step TEXT NOT NULL,
  data TEXT NOT NULL, at TEXT NOT NULL, UNIQUE (post_id, step));
"""
#: Columns added after the first release (a ledger written before them gets them on opening).
ADDED = {"held_by": "TEXT NOT NULL DEFAULT ''", "publish_at": "TEXT NOT NULL DEFAULT ''"}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class PostRecord:
    id: int
    campaign: str
    platform: str
    digest: str
    state: str
    remote_id: str
    url: str
    error: str
    sent: int
    total: int
    note: str
    started: str
    updated: str
    held_by: str = ""  # 'platform': the platform publishes it at `publish_at` (its own scheduling)
    publish_at: str = ""

    @property
    def percent(self) -> float:
        return 100.0 * self.sent / self.total if self.total else 0.0

    @property
    def goes_out(self) -> dt.datetime | None:
        """When the platform holding this post publishes it (aware); None when it is not held."""
        return goes_out(self.held_by, self.publish_at)


def goes_out(held_by: str, publish_at: str) -> dt.datetime | None:
    """The time (aware; UTC when the text has no zone) a post held by the platform goes out; None when it is not
    held by the platform or the time is unreadable."""
    if held_by != "platform" or not publish_at:
        return None
    try:
        t = dt.datetime.fromisoformat(str(publish_at))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


_COLS = ("id, campaign, platform, digest, state, remote_id, url, error, sent, total, note, started, updated, held_by, "
         "publish_at")


class _Conn:
    """The shared connection, with a no-op `close` (callers close after each use)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, *args: Any) -> sqlite3.Cursor:
        return self.db.execute(*args)

    def close(self) -> None:
        pass


class PublishLedger:
    """The publish tables of one ledger file; every write is its own committed transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> _Conn:
        """One connection per ledger object (the schema made once); each statement commits on its own."""
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # durable at each commit, WAL or not
            db.executescript(SCHEMA)
            have = {row[1] for row in db.execute("PRAGMA table_info(posts)")}
            for col, decl in ADDED.items():
                if col not in have:
                    try:
                        db.execute(f"ALTER TABLE posts ADD COLUMN {col} {decl}")
                    except sqlite3.OperationalError as e:  # another process added it first
                        if "duplicate column" not in str(e):
                            raise
            self._conn = db
        return _Conn(self._conn)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _one(self, sql: str, args: tuple) -> PostRecord | None:
        if not self.path.is_file():
            return None
        db = self._db()
        try:
            row = db.execute(f"SELECT {_COLS} FROM posts WHERE {sql}", args).fetchone()
        finally:
            db.close()
        return PostRecord(*row) if row else None

    def get(self, campaign: str, platform: str) -> PostRecord | None:
        return self._one("campaign=? AND platform=?", (campaign, platform))

    def all(self) -> list[PostRecord]:
        if not self.path.is_file():
            return []
        db = self._db()
        try:
            return [PostRecord(*r) for r in db.execute(f"SELECT {_COLS} FROM posts ORDER BY campaign, platform")]
        finally:
            db.close()

    def open(self, campaign: str, platform: str, digest: str, total: int) -> PostRecord:
        """The post record of a package: a new one, or the one a previous run left (same row, steps kept)."""
        db = self._db()
        try:
            db.execute("INSERT OR IGNORE INTO posts(campaign, platform, digest, state, total, started, updated) "
                       "VALUES (?,?,?,?,?,?,?)", (campaign, platform, digest, "uploading", total, _now(), _now()))
        finally:
            db.close()
        rec = self.get(campaign, platform)
        assert rec is not None
        return rec

    def update(self, post_id: int, **fields: Any) -> None:
        if not fields:
            return
        cols = ", ".join(f"{k}=?" for k in fields)
        db = self._db()
        try:
            db.execute(f"UPDATE posts SET {cols}, updated=? WHERE id=?", (*fields.values(), _now(), post_id))
        finally:
            db.close()

    def step(self, post_id: int, name: str) -> dict | None:
        db = self._db()
        try:
            row = db.execute("SELECT data FROM publish_steps WHERE post_id=? AND step=?", (post_id, name)).fetchone()
        finally:
            db.close()
        return json.loads(row[0]) if row else None

    def steps(self, post_id: int) -> dict[str, dict]:
        db = self._db()
        try:
            rows = db.execute("SELECT step, data FROM publish_steps WHERE post_id=? ORDER BY id", (post_id,)).fetchall()
        finally:
            db.close()
        return {k: json.loads(v) for k, v in rows}

    def save(self, post_id: int, name: str, data: dict, **fields: Any) -> None:
        """Record step `name` and, in the same transaction, set `fields` of the post's row (one commit)."""
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("INSERT INTO publish_steps(post_id, step, data, at) VALUES (?,?,?,?) "
                           "ON CONFLICT(post_id, step) DO UPDATE SET data=excluded.data, at=excluded.at",
                           (post_id, name, json.dumps(data, ensure_ascii=False), _now()))
                if fields:
                    cols = ", ".join(f"{k}=?" for k in fields)
                    db.execute(f"UPDATE posts SET {cols}, updated=? WHERE id=?", (*fields.values(), _now(), post_id))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def forget(self, post_id: int, *names: str) -> None:
        """Drop steps (a session the platform expired or rejected: the next run starts them afresh)."""
        db = self._db()
        try:
            for n in names:
                db.execute("DELETE FROM publish_steps WHERE post_id=? AND step=?", (post_id, n))
        finally:
            db.close()
