"""A post package: the files one platform's post is made of, and their checksums.

Before publish builds `output/<id>/posts/<platform>/` (catalog `post_dir`), a platform's package is its
video, its cover and its caption text; afterwards it is `video.mp4`, `cover.jpg` and `caption.txt` in that
folder. Either way the package is named by roles, {"video", "cover", "caption"} -> sha256, and
`approvals.package_digest` of that dict is what a decision is recorded against.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from ..manifest import sha256
from ..text import nfc

#: Roles of a post package's files, and the file names publish gives them in `posts/<platform>/`.
POST_FILES = {"video": "video.mp4", "cover": "cover.jpg", "caption": "caption.txt"}

_cache: dict[tuple[str, int, int], str] = {}
_lock = threading.Lock()


def text_sha256(text: str) -> str:
    """sha256 of a caption as it is sent (NFC, UTF-8): what `caption.txt` holds."""
    return hashlib.sha256(nfc(text).encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes now; remembered per (path, size, mtime) within the process."""
    st = os.stat(path)
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _lock:
        known = _cache.get(key)
    if known is None:
        known = sha256(Path(path))
        with _lock:
            _cache[key] = known
    return known


def package_hashes(video: Path, cover: Path | None, caption: str) -> dict[str, str]:
    """{role: sha256} of a package from its files on disk now and its caption text."""
    files = {"video": file_sha256(video), "caption": text_sha256(caption)}
    if cover is not None and Path(cover).is_file():
        files["cover"] = file_sha256(cover)
    return files
