"""output/<id>/manifest.json: every output with its kind, size, checksum and checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from . import __version__
from .atomic import write_atomic
from .catalog import kind_of

#: Output sub-folder -> kind (DESIGN §3).
KINDS = {"video": "video", "infographics": "infographic", "publication": "publication", "posts": "post",
         "notebooks": "notebook"}
CHECKS_SUFFIX = ".checks.json"  # renderers may leave `<file>.checks.json` with their conformance verdicts


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def build_manifest(out_dir: Path, campaign_id: str, jobs: list[dict] | None = None) -> dict:
    """Describe every file under `out_dir` (temp and hidden files skipped)."""
    entries = []
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(out_dir)
        if path.name.startswith(".") or ".part" in path.name or path.name == "manifest.json" \
                or path.name.endswith(CHECKS_SUFFIX):
            continue
        entry = {"path": rel.as_posix(), "kind": kind_of(rel.as_posix()),
                 "bytes": path.stat().st_size, "sha256": sha256(path)}
        checks = path.with_name(path.name + CHECKS_SUFFIX)
        if checks.is_file():
            entry["checks"] = json.loads(checks.read_text(encoding="utf-8"))
        entries.append(entry)
    return {"campaign": campaign_id, "promokit": __version__,
            "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "jobs": jobs or [], "outputs": entries}


def write_manifest(out_dir: Path, campaign_id: str, jobs: list[dict] | None = None) -> Path:
    manifest = build_manifest(out_dir, campaign_id, jobs)
    return write_atomic(out_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def read_manifest(out_dir: Path) -> dict | None:
    path = out_dir / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def verdict(checks: object) -> tuple[bool | None, list[str]]:
    """(passed?, names of failed checks) for a renderer's checks: a list of {name, ok, …} or a dict of facts
    whose boolean values are the verdicts, or a `catalog.Checks` record. None when there is nothing to judge."""
    if isinstance(checks, dict) and "version" in checks and isinstance(checks.get("checks"), list):
        checks = checks["checks"]
    if isinstance(checks, list):
        items = [(str(c.get("name", i)), c.get("ok")) for i, c in enumerate(checks) if isinstance(c, dict)]
    elif isinstance(checks, dict):
        items = [(k, v) for k, v in checks.items() if isinstance(v, bool) and k not in {"draft", "sample_data", "vector"}]
    else:
        return None, []
    judged = [(n, ok) for n, ok in items if isinstance(ok, bool)]
    if not judged:
        return None, []
    failed = [n for n, ok in judged if not ok]
    return not failed, failed
