"""JupyterLab addresses of project files, so notebook outputs link to files the staffer can open.

`make lab` serves the project root and exports it as `PROMOKIT_LAB_ROOT`; kernels inherit it. Without it, the
root is the nearest folder above the working folder that holds `assets/` (a notebook runs in `notebooks/`).
`tree_url` opens a file in a JupyterLab tab (`/lab/tree/<path>`); `files_url` is the server's raw file
(`/files/<path>`), which the browser plays (video) or shows (PDF) or downloads (EPUB). A file outside the root has
no address (None): the caller shows its path as text.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

ROOT_ENV = "PROMOKIT_LAB_ROOT"


def root() -> Path:
    """The folder JupyterLab serves (see the module docstring)."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "assets").is_dir() and (folder / "notebooks").is_dir():
            return folder
    return here


def relative(path: str | Path) -> str | None:
    """`path` relative to the lab root (POSIX), or None when it is outside."""
    p = Path(path)
    p = (p if p.is_absolute() else Path.cwd() / p).resolve()
    base = root()
    return p.relative_to(base).as_posix() if p.is_relative_to(base) else None


def _base_url() -> str:
    return "/" + os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").strip("/") + "/" if os.environ.get(
        "JUPYTERHUB_SERVICE_PREFIX") else "/"


def tree_url(path: str | Path) -> str | None:
    """The JupyterLab address that opens `path` in a tab, or None outside the root."""
    rel = relative(path)
    return None if rel is None else f"{_base_url()}lab/tree/{quote(rel)}"


def files_url(path: str | Path) -> str | None:
    """The Jupyter server's address of the raw file, or None outside the root."""
    rel = relative(path)
    return None if rel is None else f"{_base_url()}files/{quote(rel)}"


def in_batch() -> bool:
    """True in a notebook run by `promokit run` (PROMOKIT_BATCH=1): what only a person looks at is skipped."""
    return os.environ.get("PROMOKIT_BATCH") == "1"


class Skipped:
    """What a batch run did not draw, shown as one line in the executed notebook."""

    def __init__(self, what_vi: str, what_en: str) -> None:
        self.text = (f"({what_vi}: không vẽ khi chạy hàng loạt — mở sổ tay và chạy ô này để xem / {what_en}: "
                     f"not drawn in a batch run — open the notebook and run this cell to see it)")

    def __repr__(self) -> str:
        return self.text
