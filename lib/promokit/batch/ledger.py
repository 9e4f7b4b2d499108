"""output/promokit.sqlite: the ledger of runs, jobs and their outputs.

Only the coordinating process writes it (workers report back to it), in WAL mode with a busy timeout
so a reader (the gallery, `promokit report`) never blocks a run.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL, args TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), campaign TEXT NOT NULL,
  notebook TEXT NOT NULL, status TEXT NOT NULL, started TEXT, finished TEXT, seconds REAL,
  inputs_hash TEXT, error TEXT, cell INTEGER, attempts INTEGER DEFAULT 0, worker TEXT);
CREATE INDEX IF NOT EXISTS jobs_key ON jobs(campaign, notebook, status);
CREATE TABLE IF NOT EXISTS outputs (
  job_id INTEGER NOT NULL REFERENCES jobs(id), path TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS outputs_job ON outputs(job_id);
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class Ledger:
    """Runs, jobs and outputs; `last_ok` answers "is this job's result still current?"."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start_run(self, args: dict) -> int:
        cur = self.db.execute("INSERT INTO runs(started, status, args) VALUES (?, 'running', ?)",
                              (_now(), json.dumps(args, ensure_ascii=False, sort_keys=True)))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str) -> None:
        self.db.execute("UPDATE runs SET finished=?, status=? WHERE id=?", (_now(), status, run_id))

    def add_job(self, run_id: int, campaign: str, notebook: str, status: str, inputs_hash: str | None) -> int:
        cur = self.db.execute(
            "INSERT INTO jobs(run_id, campaign, notebook, status, inputs_hash, started) VALUES (?,?,?,?,?,?)",
            (run_id, campaign, notebook, status, inputs_hash, _now()))
        return int(cur.lastrowid)

    def update_job(self, job_id: int, **fields: object) -> None:
        if fields.get("status") in {"ok", "failed", "interrupted", "skipped", "invalid"}:
            fields.setdefault("finished", _now())
        cols = ", ".join(f"{k}=?" for k in fields)
        self.db.execute(f"UPDATE jobs SET {cols} WHERE id=?", (*fields.values(), job_id))  # noqa: S608 - own keys

    def record_outputs(self, job_id: int, outputs: list[tuple[str, int, str]]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT INTO outputs(job_id, path, bytes, sha256) VALUES (?,?,?,?)",
                                [(job_id, *o) for o in outputs])

    def last_ok(self, campaign: str, notebook: str) -> tuple[str, list[tuple[str, int, str]]] | None:
        """The inputs hash and outputs of the newest successful run of this job, if any."""
        row = self.db.execute(
            "SELECT id, inputs_hash FROM jobs WHERE campaign=? AND notebook=? AND status='ok' ORDER BY id DESC LIMIT 1",
            (campaign, notebook)).fetchone()
        if row is None:
            return None
        outs = self.db.execute("SELECT path, bytes, sha256 FROM outputs WHERE job_id=?", (row[0],)).fetchall()
        return row[1], [tuple(o) for o in outs]

    def jobs(self, run_id: int) -> list[dict]:
        cur = self.db.execute("SELECT * FROM jobs WHERE run_id=? ORDER BY id", (run_id,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
