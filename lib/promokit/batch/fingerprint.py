"""Inputs hash of a job: the files it reads, the notebook, promokit's code, the parameters."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..manifest import sha256
from .jobs import Job

if TYPE_CHECKING:
    from ..project import CampaignContext

PACKAGE = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=4096)
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    return sha256(Path(path))


def file_hash(path: Path) -> str:
    """sha256 of a file, cached by (path, size, mtime) within this process."""
    st = path.stat()
    return _file_hash(str(path), st.st_size, st.st_mtime_ns)


def _expand(folder: Path, rel: str) -> list[Path]:
    target = folder / rel
    if rel.endswith("/") or target.is_dir():
        return sorted(p for p in target.rglob("*") if p.is_file() and not p.name.startswith(".")) \
            if target.is_dir() else []
    return [target] if target.is_file() else []


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """promokit's version and source: a change in the library re-renders (styles and defaults included)."""
    h = hashlib.sha256(__version__.encode())
    for p in sorted(PACKAGE.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".yml", ".yaml", ".json", ".css", ".mplstyle", ".html", ".txt"}:
            h.update(p.relative_to(PACKAGE).as_posix().encode())
            h.update(file_hash(p).encode())
    return h.hexdigest()


def inputs_hash(job: Job, ctx: CampaignContext, notebook: Path) -> str:
    """One sha256 over everything the job's result depends on: the job's files in the campaign's folder
    and every file of the brand folder, the notebook, the parameters and promokit's own code."""
    campaign_folder, brand_dir = ctx.folder, ctx.brand_dir
    h = hashlib.sha256()
    h.update(code_hash().encode())
    h.update(file_hash(notebook).encode())
    h.update(json.dumps(job.parameters, sort_keys=True, ensure_ascii=False).encode())
    files = [campaign_folder / "campaign.yml"]
    for rel in job.inputs:
        files.extend(_expand(campaign_folder, rel))
    if brand_dir.is_dir():
        files.extend(sorted(p for p in brand_dir.rglob("*") if p.is_file() and not p.name.startswith(".")))
    for p in files:
        h.update(str(p).encode())
        h.update(file_hash(p).encode() if p.is_file() else b"missing")
    return h.hexdigest()
