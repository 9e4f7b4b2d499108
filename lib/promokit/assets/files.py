"""Raw bytes and UTF-8 text of campaign files, with the missing/unreadable-file errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AssetError, PromokitError
from ..text import nfc

if TYPE_CHECKING:
    pass


def _read_bytes(path: Path, err_cls: type[PromokitError], n: int = -1) -> bytes:
    """The first `n` bytes (all with -1); a missing or unreadable file is `err_cls` naming it."""
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except FileNotFoundError:
        raise err_cls.fail("không tìm thấy tệp", "file not found", file=path,
                           fix_vi="kiểm tra tên và vị trí tệp", fix_en="check the file name and place") from None
    except OSError as e:
        raise err_cls.fail(f"không đọc được tệp ({e.strerror})", f"cannot read the file ({e.strerror})",
                           file=path, fix_vi="kiểm tra quyền đọc tệp", fix_en="check the file's permissions") from None


def _decode(path: Path, err_cls: type[PromokitError]) -> str:
    raw = _read_bytes(Path(path), err_cls)
    # UTF-16 with its byte-order mark (Excel's "Unicode Text", Notepad's "Unicode") says what it is: read as such
    encoding = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1 if encoding == "utf-8-sig" else None
        raise err_cls.fail(
            "tệp không phải UTF-8 (có thể là Windows-1258/TCVN3)", "file is not UTF-8 (maybe Windows-1258/TCVN3)",
            file=path, line=line,
            fix_vi="lưu lại với mã hóa UTF-8 (Excel: 'CSV UTF-8'; Notepad: 'UTF-8')",
            fix_en="save it again as UTF-8 (Excel: 'CSV UTF-8'; Notepad: 'UTF-8')",
        ) from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def read_text(path: Path) -> str:
    """A text file as NFC str (UTF-8, BOM dropped, newlines as `\\n`)."""
    return _decode(Path(path), AssetError)


