"""Resource errors named: no space, read-only folder, too many open files, memory.

`named(exc, folder)` turns an OSError / MemoryError / sqlite3 error into one `ResourceError` line naming
the folder and the fix (None when the error is not about a resource). `diagnose(folder)` looks at a folder
after a tool failed without saying why (ffmpeg on a full disk reports "moov atom not found" or an
I/O error): a full or read-only folder is the real cause. `require_writable(folder, need)` is the
pre-flight of `run` and `check`: the folder can be written and has `need` bytes free.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from .errors import PromokitError

LOW_SPACE = 1 << 20  # bytes: below this a folder counts as full


class ResourceError(PromokitError):
    """The machine ran out of something (disk space, open files, memory) or a folder cannot be written."""


def _mib(n: float) -> str:
    return f"{n / (1 << 20):.1f}".replace(".", ",") + " MiB"


def no_space(folder: Path, free: int | None = None, need: int | None = None) -> ResourceError:
    have = f" (còn {_mib(free)}" + (f", cần khoảng {_mib(need)})" if need else ")") if free is not None else ""
    have_en = f" ({_mib(free)} free" + (f", about {_mib(need)} needed)" if need else ")") if free is not None else ""
    return ResourceError.fail(f"hết chỗ trên đĩa của thư mục {folder}{have}",
                              f"no space left on the disk of {folder}{have_en}", file=folder,
                              fix_vi="xóa bớt tệp hoặc dùng --output trên đĩa khác rồi chạy lại",
                              fix_en="free some space or use --output on another disk, then run again")


def read_only(folder: Path) -> ResourceError:
    return ResourceError.fail(f"không ghi được vào thư mục {folder} (chỉ đọc hoặc không có quyền)",
                              f"cannot write to {folder} (read-only or no permission)", file=folder,
                              fix_vi="cấp quyền ghi (chmod u+w) hoặc dùng --output khác",
                              fix_en="make it writable (chmod u+w) or use another --output")


def too_many_files(folder: Path) -> ResourceError:
    return ResourceError.fail(f"quá nhiều tệp đang mở khi làm việc ở {folder}",
                              f"too many open files while working in {folder}", file=folder,
                              fix_vi="tăng giới hạn (ulimit -n 4096) hoặc giảm --workers",
                              fix_en="raise the limit (ulimit -n 4096) or use fewer --workers")


def out_of_memory(folder: Path) -> ResourceError:
    return ResourceError.fail(f"hết bộ nhớ khi làm việc ở {folder}", f"out of memory while working in {folder}",
                              file=folder, fix_vi="giảm --workers, đóng chương trình khác hoặc dùng --draft",
                              fix_en="use fewer --workers, close other programs or use --draft")


_ERRNO = {errno.ENOSPC: no_space, errno.EDQUOT: no_space, errno.EROFS: read_only, errno.EACCES: read_only,
          errno.EPERM: read_only, errno.EMFILE: too_many_files, errno.ENFILE: too_many_files,
          errno.ENOMEM: out_of_memory}
#: How each resource problem shows in a message that lost its errno (a notebook's traceback, sqlite, ffmpeg)
_TEXT = (("No space left", no_space), ("Errno 28", no_space), ("database or disk is full", no_space),
         ("Disk quota", no_space), ("Read-only file system", read_only), ("Errno 30", read_only),
         ("readonly database", read_only), ("unable to open database file", read_only),
         ("Permission denied", read_only), ("Errno 13", read_only), ("Too many open files", too_many_files),
         ("Errno 24", too_many_files), ("MemoryError", out_of_memory), ("Cannot allocate memory", out_of_memory),
         ("Errno 12", out_of_memory), ("std::bad_alloc", out_of_memory), ("Memory allocation", out_of_memory),
         ("out of memory", out_of_memory), ("Out of memory", out_of_memory),
         ("can't start new thread", out_of_memory))  # a thread stack that cannot be mapped


def named(exc: BaseException | str, folder: Path) -> ResourceError | None:
    """The named resource error behind an exception or an error text; None when it is about something else."""
    if isinstance(exc, ResourceError):
        return exc
    if isinstance(exc, MemoryError):
        return out_of_memory(folder)
    if isinstance(exc, OSError) and exc.errno in _ERRNO:
        where = Path(exc.filename).parent if isinstance(exc.filename, str) and exc.filename else folder
        return _ERRNO[exc.errno](where)
    if isinstance(exc, BaseException) and not isinstance(exc, sqlite3.Error | OSError):
        return None
    text = str(exc)
    for needle, make in _TEXT:
        if needle in text:
            return make(folder)
    return None


def free_bytes(folder: Path) -> int:
    """Free bytes on the disk of `folder` (or of its nearest existing parent)."""
    p = Path(folder)
    while not p.exists() and p != p.parent:
        p = p.parent
    return shutil.disk_usage(p).free


def diagnose(folder: Path) -> ResourceError | None:
    """After a tool failed: the folder being full or not writable, if that is the cause."""
    folder = Path(folder)
    try:
        free = free_bytes(folder)
    except OSError:
        free = None
    if free is not None and free < LOW_SPACE:
        return no_space(folder, free)
    if folder.is_dir() and not os.access(folder, os.W_OK):
        return read_only(folder)
    return None


def require_writable(folder: Path, need: int = 0) -> None:
    """Raise a named ResourceError unless `folder` (made if missing) can be written and has `need` bytes free."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".promokit-probe-"):
            pass
    except OSError as e:
        raise (named(e, folder) or read_only(folder)) from None
    free = free_bytes(folder)
    if free < max(need, LOW_SPACE):
        raise no_space(folder, free, need or None)
