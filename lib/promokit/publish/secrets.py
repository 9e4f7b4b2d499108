"""Secrets stay out of the project's files: find a token written into campaign.yml, and mask any in text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import SpecError

#: Field names that hold secrets.
SECRET_KEY = re.compile(r"(token|secret|password|passwd|api[_-]?key|client[_-]?secret|refresh)", re.I)
#: Values shaped like the platforms' access tokens (Meta, Google, TikTok) or a bearer header.
SECRET_VALUE = re.compile(r"\b(EAA[A-Za-z0-9]{20,}|ya29\.[\w-]{20,}|1//[\w-]{20,}|act\.[\w!*.-]{20,}"
                          r"|rft\.[\w!*.-]{20,}|Bearer\s+[\w.~+/=-]{16,})")


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


def find_secrets(data: dict, file: Path) -> None:
    """SpecError naming the first field of `data` (a parsed YAML file) that holds a secret."""
    for field, value in _walk(data):
        leaf = re.split(r"[.\[]", field)[-1]
        if (SECRET_KEY.search(leaf) and value not in (None, "")) or \
                (isinstance(value, str) and SECRET_VALUE.search(value)):
            raise SpecError.fail(
                "có mã truy cập (token) trong tệp chiến dịch", "a token is written in the campaign file",
                file=file, field=field,
                fix_vi="xóa nó khỏi tệp; đặt PROMOKIT_<NỀN TẢNG>_TOKEN trong môi trường hoặc .env, hoặc chạy promokit auth",
                fix_en="remove it; set PROMOKIT_<PLATFORM>_TOKEN in the environment or .env, or run promokit auth")


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every known secret and every token-shaped value replaced by '***'."""
    for s in secrets:
        if s and len(s) >= 4:
            text = text.replace(s, "***")
    return SECRET_VALUE.sub("***", text)
