"""The publish ledger's commits: durable (WAL, synchronous=FULL), one per step, a step and its row fields
together or not at all; the upload's last progress figure rides with the step that ends the upload."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from promokit.publish.http import Http
from promokit.publish.ledger import PublishLedger
from promokit.publish.package import FileRef, PostJson
from promokit.publish.publishers import Job


def _ledger(tmp_path: Path) -> tuple[PublishLedger, int]:
    ledger = PublishLedger(tmp_path / "promokit.sqlite")
    return ledger, ledger.open("mini", "youtube", "d", 1000).id


def _job(tmp_path: Path, ledger: PublishLedger, post_id: int, size: int = 1000) -> Job:
    post = PostJson.model_construct(
        version=1, campaign="mini", platform="youtube", draft=False, title="t", caption="", description="", hashtags=[],
        privacy="private", schedule=None, facts={}, request={},
        video=FileRef.model_construct(file="video.mp4", bytes=size, sha256="0" * 64, content_type="video/mp4"),
        cover=FileRef.model_construct(file="cover.jpg", bytes=4, sha256="0" * 64, content_type="image/jpeg"))
    return Job(post, tmp_path, Http("youtube (test)"), "acc", ledger, post_id, "http://127.0.0.1:9")


def test_the_ledger_is_wal_and_every_commit_is_synced(tmp_path):
    ledger, _ = _ledger(tmp_path)
    db = ledger._db()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    ledger.close()
    # another connection (the review server, a re-run) sees every committed step
    other = sqlite3.connect(tmp_path / "promokit.sqlite")
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # the mode stays with the file


def test_a_step_and_its_fields_are_one_commit(tmp_path):
    ledger, pid = _ledger(tmp_path)
    ledger.save(pid, "uploaded", {"id": "v1"}, remote_id="v1", sent=1000)
    rec = ledger.get("mini", "youtube")
    assert ledger.step(pid, "uploaded") == {"id": "v1"} and rec.remote_id == "v1" and rec.sent == 1000
    with pytest.raises(sqlite3.OperationalError):  # the row's update fails: the step is not recorded either
        ledger.save(pid, "thumbnail", {"ok": True}, no_such_column=1)
    assert ledger.step(pid, "thumbnail") is None
    ledger.save(pid, "thumbnail", {"ok": True})  # and the connection is usable afterwards
    assert ledger.step(pid, "thumbnail") == {"ok": True}


def test_the_last_progress_figure_goes_with_the_next_step(tmp_path):
    ledger, pid = _ledger(tmp_path)
    job = _job(tmp_path, ledger, pid)
    shown: list[tuple[int, int]] = []
    job.progress = lambda s, t: shown.append((s, t))
    commits = []
    ledger._db().db.set_trace_callback(lambda sql: commits.append(sql) if sql in ("COMMIT",) or
                                       sql.startswith(("UPDATE", "INSERT")) else None)
    job.sent(400)  # the first figure is written at once (then at most once a second)
    assert ledger.get("mini", "youtube").sent == 400
    job.sent(700)  # within the second: shown, not written
    assert ledger.get("mini", "youtube").sent == 400
    commits.clear()
    job.sent(1000)  # the end: shown at once, written with the step that follows
    assert shown == [(400, 1000), (700, 1000), (1000, 1000)]
    assert ledger.get("mini", "youtube").sent == 400 and not commits
    job.save("uploaded", {"id": "v1"}, remote_id="v1")
    rec = ledger.get("mini", "youtube")
    assert (rec.sent, rec.total, rec.remote_id) == (1000, 1000, "v1")
    assert [c for c in commits if c == "COMMIT"] == ["COMMIT"]  # the step, the id and the progress: one commit
    job.note(state="processing")  # nothing left over to write again
    assert ledger.get("mini", "youtube").sent == 1000


def test_a_note_carries_the_last_progress_figure_too(tmp_path):
    ledger, pid = _ledger(tmp_path)
    job = _job(tmp_path, ledger, pid)
    job.sent(1000)
    job.note(remote_id="p1")
    rec = ledger.get("mini", "youtube")
    assert (rec.sent, rec.remote_id) == (1000, "p1")
