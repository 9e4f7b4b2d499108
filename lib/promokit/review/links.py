"""Review links: an unguessable token that lets an outside reviewer see and decide one campaign.

Only the token's sha256 is kept (table `review_links` in the ledger); the token itself is printed once,
to whoever asked for the link, and never written anywhere else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .approvals import connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS review_links (
  id INTEGER PRIMARY KEY, campaign TEXT NOT NULL, token_sha256 TEXT NOT NULL UNIQUE, created TEXT NOT NULL,
  revoked TEXT);
"""
TOKEN_BYTES = 32
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32)


@dataclass(frozen=True)
class Link:
    id: int
    campaign: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(token: str) -> bool:
    return bool(_TOKEN.match(token))


def _connect(ledger: Path) -> sqlite3.Connection:
    return connect(ledger, SCHEMA)


def create_link(ledger: Path, campaign: str) -> str:
    """A new token for `campaign` (its hash stored in the ledger); the caller shows it once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db = _connect(ledger)
    try:
        db.execute("INSERT INTO review_links(campaign, token_sha256, created) VALUES (?,?,?)",
                   (campaign, token_hash(token), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
    finally:
        db.close()
    return token


def resolve(ledger: Path, token: str) -> Link | None:
    """The campaign a token opens, or None (unknown, revoked or malformed)."""
    if not looks_like_token(token) or not Path(ledger).is_file():
        return None
    db = _connect(ledger)
    try:
        row = db.execute("SELECT id, campaign FROM review_links WHERE token_sha256=? AND revoked IS NULL",
                         (token_hash(token),)).fetchone()
    finally:
        db.close()
    return Link(int(row[0]), str(row[1])) if row else None


def revoke(ledger: Path, campaign: str) -> int:
    """Revoke every link of `campaign`; returns how many."""
    db = _connect(ledger)
    try:
        cur = db.execute("UPDATE review_links SET revoked=? WHERE campaign=? AND revoked IS NULL",
                         (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), campaign))
    finally:
        db.close()
    return cur.rowcount
