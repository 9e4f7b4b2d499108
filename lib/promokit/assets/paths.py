"""Where campaign files are: the media folders, discovery in Vietnamese order, safe path resolution."""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..errors import AssetError, shown_path
from ..spec import check_relpath
from ..text import nfc

if TYPE_CHECKING:
    pass


_AUDIO = (".mp3", ".wav", ".m4a", ".ogg", ".flac")

#: Media folder of a campaign -> accepted file extensions (lowercase; matched case-insensitively).
FOLDERS: dict[str, tuple[str, ...]] = {
    "images": (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"),
    "clips": (".mp4", ".mov", ".m4v", ".webm"),
    "music": _AUDIO,
    "voice": _AUDIO,
    "data": (".csv",),
    "articles": (".md",),
}


# Vietnamese alphabet order (with the Latin letters Vietnamese lacks in their usual places) and
# the traditional tone order: ngang, huyền, hỏi, ngã, sắc, nặng.
_ALPHABET = {c: i for i, c in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(name: str) -> tuple:
    """Vietnamese-friendly natural sort key: `a < ă < â < b … đ …`, tones second, `2 < 10`."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for token in re.findall(r"\d+|\D", nfc(name).lower()):
        if token.isdigit():
            letters.append((1, int(token)))
            continue
        decomposed = unicodedata.normalize("NFD", token)
        tone = next((_TONES[c] for c in decomposed if c in _TONES), 0)
        base = nfc("".join(c for c in decomposed if c not in _TONES))
        if base in _ALPHABET:
            letters.append((2, _ALPHABET[base]))
        elif base.isalpha():
            letters.append((3, ord(base[0])))
        else:  # punctuation and spaces before digits and letters
            letters.append((0, ord(base[0]) if base else 0))
        tones.append(tone)
    return (letters, tones, nfc(name))


@dataclass(frozen=True)
class CampaignFiles:
    """The media of a campaign folder by kind, each list sorted by name (Vietnamese order, NFC)."""

    folder: Path
    images: list[Path]
    clips: list[Path]
    music: list[Path]
    voice: list[Path]
    data: list[Path]
    articles: list[Path]
    dropped: list[str] = field(default_factory=list)  # why files were left out (links leaving the campaign)


def discover(folder: Path) -> CampaignFiles:
    """List the files of each media folder; hidden files, unknown extensions and links out are ignored."""
    folder = Path(folder)
    root = Path(os.path.realpath(folder))
    found: dict[str, list[Path]] = {}
    dropped: list[str] = []
    for name, exts in FOLDERS.items():
        files: list[Path] = []
        outside = 0
        sub = folder / name
        if sub.is_dir():
            for entry in os.scandir(sub):
                # "~$" are Office lock files; "." covers macOS "._x.jpg" resource forks
                if entry.name.startswith((".", "~$")) or Path(entry.name).suffix.lower() not in exts:
                    continue
                p = Path(entry.path)
                if not p.is_file():
                    continue
                if not Path(os.path.realpath(p)).is_relative_to(root):
                    outside += 1
                    continue
                files.append(p)
        if outside:
            dropped.append(f"{name}/: bỏ qua {outside} tệp là liên kết ra ngoài chiến dịch / {outside} files left out: "
                           "links outside the campaign folder (copy the files in)")
        found[name] = sorted(files, key=lambda p: sort_key(p.name))
    return CampaignFiles(folder=folder, **found, dropped=dropped)


def _entry(directory: Path, name: str) -> str | None:
    """The name on disk in `directory` whose NFC form equals NFC `name` (macOS writes NFD names)."""
    if os.path.lexists(directory / name):
        return name
    target = nfc(name)
    try:
        entries = os.listdir(directory)
    except OSError:
        return None
    return next((e for e in entries if nfc(e) == target), None)


def _suggest(directory: Path, name: str) -> list[str]:
    try:
        entries = [nfc(e) for e in os.listdir(directory) if not e.startswith(".")]
    except OSError:
        return []
    folded = {e.casefold(): e for e in entries}
    if nfc(name).casefold() in folded:
        return [folded[nfc(name).casefold()]]
    return difflib.get_close_matches(nfc(name), entries, n=3, cutoff=0.6)


def resolve(folder: Path, relpath: str, *, field: str | None = None, spec_file: Path | None = None) -> Path:
    """The real file for a campaign-relative path (NFC/NFD-insensitive). Refuses paths leaving `folder`."""
    folder = Path(folder)
    spec = Path(spec_file) if spec_file is not None else folder / "campaign.yml"
    check_relpath(relpath, folder, spec, field or "", None)
    parts = [p for p in PurePosixPath(nfc(relpath).replace("\\", "/")).parts if p not in (".", "")]
    cur = folder
    for i, part in enumerate(parts):
        on_disk = _entry(cur, part)
        if on_disk is None:
            near = _suggest(cur, part)
            shown = "/".join(parts[:i] + [near[0]]) if near else ""
            hint_vi = f" (có phải '{shown}'?)" if near else ""
            hint_en = f" (did you mean '{shown}'?)" if near else ""
            raise AssetError.fail(
                f"không tìm thấy tệp '{relpath}'", f"file '{relpath}' not found",
                file=spec, field=field,
                fix_vi=f"chép tệp vào {shown_path(folder / relpath)} hoặc sửa đường dẫn{hint_vi}",
                fix_en=f"copy the file to {shown_path(folder / relpath)} or correct the path{hint_en}",
            )
        cur = cur / on_disk
    # the entries found may be symlinks: check the real target stays inside, as the spec loader does
    check_relpath(cur.relative_to(folder).as_posix(), folder, spec, field or "", None)
    if not cur.is_file():
        raise AssetError.fail(
            f"'{relpath}' không phải là tệp (là thư mục hoặc liên kết hỏng)",
            f"'{relpath}' is not a file (a folder or a broken link)",
            file=spec, field=field, fix_vi="ghi đường dẫn tới một tệp", fix_en="name a file, not a folder",
        )
    return cur


