"""output/promokit.sqlite: the ledger of runs, jobs and their outputs.

Only the coordinating process writes it (workers report back to it), in WAL mode with a busy timeout
so a reader (the gallery, `promokit report`) never blocks a run.

It survives its own disk filling: a reserve file (`promokit.sqlite.reserve`, 256 KiB) is kept beside it
and given up the moment a write finds the disk full, so the write (and the run's final state) still
lands; a write that fails even then is kept and retried with the next one. Each run records its owner
(host, pid, process start time); `repair` ends runs and jobs left `running` by a process that is gone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

from ..resources import free_bytes, named, no_space, read_only
from ..scratch import owner_alive, owner_record

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL, args TEXT NOT NULL,
  owner TEXT);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), campaign TEXT NOT NULL,
  notebook TEXT NOT NULL, status TEXT NOT NULL, started TEXT, finished TEXT, seconds REAL,
  inputs_hash TEXT, error TEXT, cell INTEGER, attempts INTEGER DEFAULT 0, worker TEXT);
CREATE INDEX IF NOT EXISTS jobs_key ON jobs(campaign, notebook, status);
CREATE TABLE IF NOT EXISTS outputs (
  job_id INTEGER NOT NULL REFERENCES jobs(id), path TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS outputs_job ON outputs(job_id);
"""


RESERVE = 256 * 1024  # bytes kept free for the ledger's last writes
FINAL = ("ok", "failed", "interrupted", "skipped", "invalid", "blocked")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class Ledger:
    """Runs, jobs and outputs; `last_ok` answers "is this job's result still current?"."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.reserve = path.with_name(path.name + ".reserve")
        self.pending: list[tuple[str, tuple]] = []  # writes the disk refused, retried with the next write
        self.error: sqlite3.Error | None = None
        try:
            self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            self.db.executescript(SCHEMA)
            cols = {r[1] for r in self.db.execute("PRAGMA table_info(runs)")}
            if "owner" not in cols:  # a ledger from before owners were recorded
                self.db.execute("ALTER TABLE runs ADD COLUMN owner TEXT")
        except sqlite3.Error as e:
            raise (named(e, path.parent) or read_only(path.parent)) from None
        self._keep_reserve()

    def _keep_reserve(self) -> None:
        if not self.reserve.exists():
            with contextlib.suppress(OSError):
                with open(self.reserve, "wb") as f:
                    f.write(b"\0" * RESERVE)
                    f.flush()
                    os.fsync(f.fileno())
            if self.reserve.exists() and self.reserve.stat().st_size < RESERVE:  # the disk was already full
                self.reserve.unlink(missing_ok=True)

    def _write(self, sql: str, args: tuple = ()) -> sqlite3.Cursor | None:
        """One write; on a full disk the reserve is given up and the write tried again; else kept for later."""
        for attempt in (1, 2):
            try:
                while self.pending:
                    self.db.execute(*self.pending[0])
                    self.pending.pop(0)
                return self.db.execute(sql, args)
            except sqlite3.OperationalError as e:
                self.error = e
                if attempt == 1 and named(e, self.path.parent) is not None and self.reserve.exists():
                    with contextlib.suppress(OSError):
                        self.reserve.unlink()
                    continue
                self.pending.append((sql, args))
                return None
        return None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            while self.pending:
                self.db.execute(*self.pending[0])
                self.pending.pop(0)
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _insert(self, sql: str, args: tuple) -> int:
        cur = self._write(sql, args)
        if cur is None:  # not kept for later: the caller needs the id now
            self.pending.remove((sql, args))
            folder = self.path.parent
            raise (named(self.error, folder) if self.error else None) or no_space(folder, free_bytes(folder))
        return int(cur.lastrowid)

    def start_run(self, args: dict) -> int:
        return self._insert("INSERT INTO runs(started, status, args, owner) VALUES (?, 'running', ?, ?)",
                            (_now(), json.dumps(args, ensure_ascii=False, sort_keys=True), json.dumps(owner_record())))

    def finish_run(self, run_id: int, status: str) -> None:
        """The run's final state; jobs still `running` in it (an interrupted write) end `interrupted`."""
        self._write("UPDATE jobs SET status='interrupted', finished=? WHERE run_id=? AND status='running'",
                    (_now(), run_id))
        self._write("UPDATE runs SET finished=?, status=? WHERE id=?", (_now(), status, run_id))

    def repair(self) -> list[int]:
        """End runs (and their jobs) left `running` by a process that is gone; the repaired run ids."""
        repaired = []
        for run_id, owner in self.db.execute("SELECT id, owner FROM runs WHERE status='running'").fetchall():
            try:
                who = json.loads(owner) if owner else None
            except ValueError:
                who = None
            if not owner_alive(who):
                self.finish_run(run_id, "interrupted")
                repaired.append(run_id)
        return repaired

    def live_runs(self, but: int | None = None) -> list[int]:
        """Runs still `running` whose process is alive (another `promokit run` on the same output)."""
        rows = self.db.execute("SELECT id, owner FROM runs WHERE status='running'").fetchall()
        return [r for r, o in rows if r != but and owner_alive(json.loads(o) if o else None)]

    def add_job(self, run_id: int, campaign: str, notebook: str, status: str, inputs_hash: str | None) -> int:
        return self._insert(
            "INSERT INTO jobs(run_id, campaign, notebook, status, inputs_hash, started) VALUES (?,?,?,?,?,?)",
            (run_id, campaign, notebook, status, inputs_hash, _now()))

    def update_job(self, job_id: int, **fields: object) -> None:
        if fields.get("status") in FINAL:
            fields.setdefault("finished", _now())
        cols = ", ".join(f"{k}=?" for k in fields)
        self._write(f"UPDATE jobs SET {cols} WHERE id=?", (*fields.values(), job_id))  # noqa: S608 - own keys

    def record_outputs(self, job_id: int, outputs: list[tuple[str, int, str]]) -> None:
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("INSERT INTO outputs(job_id, path, bytes, sha256) VALUES (?,?,?,?)",
                                    [(job_id, *o) for o in outputs])
        except sqlite3.OperationalError:
            # the job's outputs unrecorded: the next run cannot prove them current and redoes the job
            self._write("UPDATE jobs SET status='failed', error=? WHERE id=?",
                        ("không ghi được sổ cái / ledger write failed", job_id))
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
