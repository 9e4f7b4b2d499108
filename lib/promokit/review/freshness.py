"""Has anything the review page shows changed? (path, size, mtime) keys of what it is read from.

Cheap: stat calls only, no reading. The review server keeps a page (and each campaign's view) while these
keys are equal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..catalog import FOLDERS, MANIFEST_NAME, Catalog
from ..text import nfc
from . import approvals

#: Output folders whose files a post card, a poster or a package shows.
SHOWN = ("video", "post", "infographic")


def campaign_dirs(root: Path) -> list[str]:
    """Folders under output/ that hold a campaign's outputs (a manifest or an output kind's folder)."""
    if not root.is_dir():
        return []
    out = []
    for p in root.iterdir():
        if p.is_dir() and not p.name.startswith(".") and not p.is_symlink() and (
                (p / MANIFEST_NAME).exists() or any((p / f).is_dir() for f in FOLDERS)):
            out.append(nfc(p.name))
    return sorted(out)


def _stat_key(path: Path) -> tuple[str, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (str(path), st.st_size, st.st_mtime_ns)


def _tree_keys(folder: Path, out: list) -> None:
    try:
        with os.scandir(folder) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    _tree_keys(Path(e.path), out)
                else:
                    try:
                        st = e.stat()
                    except OSError:
                        continue
                    out.append((e.path, st.st_size, st.st_mtime_ns))
    except OSError:
        return


def fingerprint(output: Path, *, assets: Path | None = None, campaigns: Iterable[str] | None = None) -> tuple:
    """Everything `load_review` reads, as (path, size, mtime) triples: equal fingerprints, equal reviews
    (but for the time it was built). Cheap: a few stat calls per output, no reading."""
    root = Path(output)
    wanted = set(campaigns) if campaigns is not None else None
    keys: list = []
    ledger = Catalog(root).ledger
    for p in (ledger, ledger.with_name(ledger.name + "-wal")):
        keys.append(_stat_key(p))
    keys.append(("approvals", approvals.last_id(ledger)))
    for cid in campaign_dirs(root):
        if wanted is not None and cid not in wanted:
            continue
        campaign_keys(root, cid, assets, keys)
    return tuple(keys)


def campaign_keys(root: Path, cid: str, assets: Path | None, keys: list) -> None:
    """(path, size, mtime) of what one campaign's view is read from: manifest, outputs shown, spec, brand."""
    keys.append(_stat_key(root / cid / MANIFEST_NAME))
    outputs = Catalog(root).campaign(cid)
    for kind in SHOWN:
        _tree_keys(outputs.folder(kind), keys)
    if assets is not None:
        keys.append(_stat_key(Path(assets) / "campaigns" / cid / "campaign.yml"))
        keys.append(_stat_key(Path(assets) / "brand" / "brand.yml"))
