"""Approvals in the ledger (`output/promokit.sqlite`, table `approvals`): who decided what, on exactly which files.

A decision is recorded against the digest of a post package's files (`package_digest`); when the files
change afterwards, the package's state is "changed" (changed since approval) until someone decides again.
Every decision is kept (two reviewers at once: both recorded, the later one stands).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS approvals (
  id INTEGER PRIMARY KEY, campaign TEXT NOT NULL, platform TEXT NOT NULL, digest TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approved', 'changes_requested')),
  reviewer TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', decided TEXT NOT NULL, via TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS approvals_key ON approvals(campaign, platform, id);
"""

#: The states of a post package in review.
STATES = ("pending", "approved", "changes_requested", "changed")


def package_digest(files: Mapping[str, str]) -> str:
    """One sha256 over a package's files: {role or name: sha256 of its bytes} (order-free)."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(f"{name}\0{files[name]}\n".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Decision:
    campaign: str
    platform: str
    digest: str
    decision: str
    reviewer: str
    comment: str
    decided: str
    via: str = ""


def connect(ledger: Path, schema: str = SCHEMA) -> sqlite3.Connection:
    """A connection to the ledger with `schema` created if missing (autocommit, waits up to 30 s for a writer)."""
    Path(ledger).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(ledger), timeout=30, isolation_level=None)
    db.execute("PRAGMA busy_timeout=30000")
    db.executescript(schema)
    return db


def _connect(ledger: Path) -> sqlite3.Connection:
    return connect(ledger)


def record(ledger: Path, campaign: str, platform: str, digest: str, decision: str, reviewer: str,
           comment: str = "", via: str = "") -> Decision:
    """Record a decision ("approved" or "changes_requested") on the package whose files have `digest`."""
    if decision not in {"approved", "changes_requested"}:
        raise ValueError(f"decision must be 'approved' or 'changes_requested', not {decision!r}")
    decided = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    db = _connect(ledger)
    try:
        db.execute("INSERT INTO approvals(campaign, platform, digest, decision, reviewer, comment, decided, via) "
                   "VALUES (?,?,?,?,?,?,?,?)", (campaign, platform, digest, decision, reviewer, comment, decided, via))
    finally:
        db.close()
    return Decision(campaign, platform, digest, decision, reviewer, comment, decided, via)


def _decisions(ledger: Path, campaign: str, platform: str, *, newest: bool = False) -> list[Decision]:
    """A package's decisions, oldest first (only the newest with `newest`); none when there is no ledger."""
    if not Path(ledger).is_file():
        return []
    db = _connect(ledger)
    try:
        rows = db.execute("SELECT campaign, platform, digest, decision, reviewer, comment, decided, via FROM approvals "
                          "WHERE campaign=? AND platform=? ORDER BY id" + (" DESC LIMIT 1" if newest else ""),
                          (campaign, platform)).fetchall()
    finally:
        db.close()
    return [Decision(*r) for r in rows]


def latest(ledger: Path, campaign: str, platform: str) -> Decision | None:
    """The decision that stands for a package (the newest), if any."""
    found = _decisions(ledger, campaign, platform, newest=True)
    return found[0] if found else None


def history(ledger: Path, campaign: str, platform: str) -> list[Decision]:
    """Every decision on a package, oldest first."""
    return _decisions(ledger, campaign, platform)


def history_all(ledger: Path) -> dict[tuple[str, str], list[Decision]]:
    """Every decision of every package, oldest first, by (campaign, platform): one query."""
    if not Path(ledger).is_file():
        return {}
    db = _connect(ledger)
    try:
        rows = db.execute("SELECT campaign, platform, digest, decision, reviewer, comment, decided, via FROM approvals "
                          "ORDER BY id").fetchall()
    finally:
        db.close()
    out: dict[tuple[str, str], list[Decision]] = {}
    for r in rows:
        out.setdefault((r[0], r[1]), []).append(Decision(*r))
    return out


def last_id(ledger: Path) -> int:
    """The id of the newest decision (0 if none): changes whenever a decision is recorded."""
    if not Path(ledger).is_file():
        return 0
    db = _connect(ledger)
    try:
        return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM approvals").fetchone()[0])
    finally:
        db.close()


def state_of(decision: Decision | None, digest: str) -> str:
    """The state of a package whose files now have `digest`, given its standing decision (pure)."""
    if decision is None:
        return "pending"
    if decision.decision == "approved" and decision.digest != digest:
        return "changed"
    return decision.decision


def state(ledger: Path, campaign: str, platform: str, digest: str) -> str:
    """"pending", "approved", "changes_requested" or "changed" (approved, but the files differ now)."""
    return state_of(latest(ledger, campaign, platform), digest)
