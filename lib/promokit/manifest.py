"""output/<id>/manifest.json: every output with its kind, role, size, checksum and checks record.

Written as each job ends (by the batch) and by each product's notebook call (so a notebook run by hand in
JupyterLab reaches the manifest and the gallery). Writers take a lock beside the manifest, so two jobs of one
campaign ending together keep both job records. Paths and kinds come from the catalog.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import write_atomic
from .catalog import (
    MANIFEST_NAME,
    CampaignOutputs,
    CatalogError,
    is_draft,
    is_record,
    kind_of,
    read_checks,
    read_record,
    role_of,
)

MANIFEST_VERSION = 2


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def campaign_info(campaign: Any) -> dict[str, Any]:
    """What readers show of a campaign besides its id: title, theme, dates (ISO), and its post texts."""
    dates = getattr(campaign, "dates", None)
    posts = getattr(campaign, "posts", None)
    return {"title": getattr(campaign, "title", "") or "", "theme": getattr(campaign, "theme", "") or "",
            "dates": {"from": str(getattr(dates, "from_", "") or ""), "to": str(getattr(dates, "to", "") or "")}
            if dates else {},
            "posts": {"caption": posts.caption, "title": posts.title or campaign.title, "hashtags": list(posts.hashtags)}
            if posts else {}}


def build_manifest(outputs: CampaignOutputs, jobs: list[dict] | None = None,
                   info: dict[str, Any] | None = None) -> dict:
    """Describe every output file of a campaign (records, temp and hidden files skipped).

    A checks record that cannot be read is named in the entry (`checks_error`), never guessed.
    """
    out_dir = outputs.dir
    entries = []
    files = sorted(p for p in out_dir.rglob("*") if p.is_file()) if out_dir.is_dir() else []
    for path in files:
        rel = path.relative_to(out_dir).as_posix()
        if is_record(rel) or any(part.startswith(".") for part in path.relative_to(out_dir).parts):
            continue
        entry: dict[str, Any] = {"path": rel, "kind": kind_of(rel), "role": role_of(rel), "draft": is_draft(rel),
                                 "bytes": path.stat().st_size, "sha256": sha256(path)}
        try:
            record = read_checks(path)
        except CatalogError as e:
            entry["checks_error"] = str(e)
        else:
            if record is not None:
                entry["checks"] = record.to_dict()
        entries.append(entry)
    # every output's warnings in one list (each once, with the files it concerns), so no reader misses them
    warned: dict[str, list[str]] = {}
    for e in entries:
        c = e.get("checks")
        for w in (c.get("warnings") or []) if isinstance(c, dict) else []:
            warned.setdefault(str(w), []).append(e["path"])
    return {"version": MANIFEST_VERSION, "campaign": outputs.campaign, "campaign_info": info or {},
            "promokit": __version__, "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "jobs": jobs or [], "outputs": entries,
            "warnings": [{"warning": w, "outputs": files} for w, files in warned.items()]}


@contextlib.contextmanager
def _locked(outputs: CampaignOutputs) -> Iterator[None]:
    outputs.dir.mkdir(parents=True, exist_ok=True)
    with open(outputs.dir / ".manifest.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def update_manifest(outputs: CampaignOutputs, *, job: dict | None = None, jobs: list[dict] | None = None,
                    info: dict[str, Any] | None = None) -> Path:
    """Rewrite the campaign's manifest from the files on disk, keeping earlier job records.

    `job` (or each of `jobs`) replaces the record of the same notebook; `info` the campaign's title/theme/dates.
    """
    with _locked(outputs):
        try:
            old = read_manifest(outputs) or {}
        except CatalogError:
            old = {}  # a corrupt manifest is rebuilt from the files; its job records are lost, not guessed
        new_jobs = [*(jobs or []), *([job] if job else [])]
        names = {j.get("notebook") for j in new_jobs}
        kept = [j for j in old.get("jobs", []) if isinstance(j, dict) and j.get("notebook") not in names]
        manifest = build_manifest(outputs, kept + new_jobs, info or old.get("campaign_info") or {})
        return write_atomic(outputs.manifest, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")




def read_manifest(outputs: CampaignOutputs | Path) -> dict | None:
    """The manifest (None when there is none); CatalogError naming the file when it is corrupt."""
    path = outputs.manifest if isinstance(outputs, CampaignOutputs) else Path(outputs) / MANIFEST_NAME
    data = read_record(path, MANIFEST_NAME, MANIFEST_NAME, "chạy `promokit gallery` hoặc chạy lại sổ tay để ghi lại",
                       "run `promokit gallery` or re-run a notebook to rewrite it")
    if data is not None and (not isinstance(data, dict) or not isinstance(data.get("outputs"), list)):
        raise CatalogError.fail("manifest.json không đúng dạng", "manifest.json of another shape", file=path,
                                fix_vi="chạy lại sổ tay để ghi lại", fix_en="re-run a notebook to rewrite it")
    return data
