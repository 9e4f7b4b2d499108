"""Vietnamese text: NFC at the door, number and date formatting, line breaking, needed glyphs.

Pure functions only (no file I/O). Line breaking works on grapheme clusters so a base letter
is never separated from its combining marks, and breaks only at spaces unless a single word is
wider than the line (then it is split between clusters, never inside one).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

THOUSANDS = "."
DECIMAL = ","


def nfc(s: str) -> str:
    """Return `s` in Unicode NFC (composed) form."""
    return unicodedata.normalize("NFC", s)


def nfc_deep(value: Any) -> Any:
    """NFC every string inside nested dicts/lists (keys too); other values unchanged."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(nfc_deep(v) for v in value)
    return value


def format_number(value: float | int | Decimal, decimals: int | None = None) -> str:
    """Vietnamese number: `41.200`, `3,5`, `-1.234,56`. `decimals=None` keeps up to 2 significant decimals."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ValueError(f"cannot format {value!r}")
    d = Decimal(str(value))
    if decimals is None:
        d = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
        # normalize() can give exponent form (1E+3); back to plain
        s = format(d, "f")
    else:
        s = format(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), "f")
    neg = s.startswith("-")
    s = s.lstrip("-")
    whole, _, frac = s.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = THOUSANDS.join(groups) + (DECIMAL + frac if frac else "")
    if neg and out.strip("0.,"):
        out = "-" + out
    return out


def decimals_needed(value: float, limit: int = 3) -> int:
    """The fewest decimals (at most `limit`) that show `value` as given: 3.0 -> 0, 3.5 -> 1, 2.25 -> 2."""
    return next((d for d in range(limit + 1) if abs(value - round(value, d)) < 1e-9 * max(1.0, abs(value))), limit)


def format_values(values: Sequence[float], decimals: int | None = None, *, limit: int = 3,
                  written: Sequence[int] | None = None) -> list[str]:
    """A series formatted for one chart, table or text, value by value: a whole number never gains `,0`
    (`317`, not `317,0`) unless the data writes it so (`written`: the decimals each value has in its source, e.g.
    a CSV's `85,0`); the other values share one precision — `decimals` when the data states it (e.g. the
    CSV's), else the most any value of the series needs (at most `limit`): `[317, 52, 3.5]` -> `317`, `52`,
    `3,5`; `[2.5, 2.25]` -> `2,50`, `2,25`."""
    marks = list(written) if written is not None and len(written) == len(values) else [0] * len(values)
    whole = [float(v).is_integer() and not m for v, m in zip(values, marks, strict=True)]
    fractional = [float(v) for v, w in zip(values, whole, strict=True) if not w]
    need = max((decimals_needed(v, limit) for v in fractional), default=0)
    shared = max(1, need if decimals is None else min(max(decimals, need), limit)) if fractional else 0
    return [format_number(v, 0) if w else format_number(v, shared) for v, w in zip(values, whole, strict=True)]


def format_percent(value: float, decimals: int | None = None) -> str:
    """Percent with a space, as Vietnamese style guides write it: `30 %`, `12,5 %` (value 30 = 30 %)."""
    return f"{format_number(value, decimals)}\u00a0%"


def format_date(d: _dt.date | _dt.datetime | str) -> str:
    """Vietnamese short date without leading zeros: `18/4/2024`."""
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    return f"{d.day}/{d.month}/{d.year}"


_DMY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(value: _dt.date | str) -> _dt.date:
    """A date as Vietnamese offices write it — `13/04/2024`, `12/4/2024`, `12-4-2024`, `12.4.2024` (day first) —
    or ISO `2024-04-12`; ValueError (plain words) for anything else or a day that does not exist."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = nfc(str(value)).strip()
    m = _YMD.fullmatch(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DMY.fullmatch(text)
        if not m:
            raise ValueError(f"'{text}' is not a date")
        d, mo, y = (int(g) for g in m.groups())
    try:
        return _dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"'{text}' is not a day of the calendar") from None


def format_date_long(d: _dt.date | _dt.datetime) -> str:
    """Long date: `ngày 18 tháng 4 năm 2024`."""
    return f"ngày {d.day} tháng {d.month} năm {d.year}"


def format_duration(seconds: float) -> str:
    """Seconds to `m:ss` (or `h:mm:ss`), as media players show it."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def parse_number(text: str, decimal: str = ".") -> float:
    """Parse a table cell with the declared decimal separator; the other of `.`/`,` is a thousands mark.

    Raises ValueError when the cell is not a number in that convention (e.g. `3,5` when decimal is `.`).
    """
    t = nfc(text).strip().replace("\u00a0", "").replace(" ", "")
    if t.endswith("%"):
        t = t[:-1]
    if decimal not in {".", ","}:
        raise ValueError(f"decimal separator must be '.' or ',', not {decimal!r}")
    thousands = "," if decimal == "." else "."
    if t.count(decimal) > 1 or not t:
        raise ValueError(f"not a number: {text!r}")
    if thousands in t:
        whole = t.split(decimal)[0].lstrip("+-")
        parts = whole.split(thousands)
        if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
            raise ValueError(f"not a number: {text!r}")
        t = t.replace(thousands, "")
    t = t.replace(decimal, ".")
    try:
        value = float(t)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if not math.isfinite(value):  # float() reads "nan", "inf", "Infinity": no chart can draw them
        raise ValueError(f"not a finite number: {text!r}")
    return value


def graphemes(s: str) -> list[str]:
    """Split into clusters of a base character plus its combining marks (enough for Vietnamese)."""
    out: list[str] = []
    for ch in s:
        if out and (unicodedata.combining(ch) or ch in "\u200d\ufe0f"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, width: Callable[[str], float] | int, max_width: float | None = None) -> list[str]:
    """Break `text` into lines no wider than `max_width`.

    `width` measures a string (px with a font, or len); an int means "max characters" with len.
    Breaks between words; a word wider than a line is split between grapheme clusters.
    Existing newlines are kept.
    """
    if isinstance(width, int):
        max_width, measure = float(width), (lambda s: float(len(graphemes(s))))
    else:
        if max_width is None:
            raise ValueError("max_width is required with a measuring function")
        measure = width
    lines: list[str] = []
    for para in nfc(text).split("\n"):
        words = para.split()
        line = ""
        for word in words:
            cand = f"{line} {word}" if line else word
            if measure(cand) <= max_width:
                line = cand
                continue
            if line:
                lines.append(line)
                line = ""
            if measure(word) <= max_width:
                line = word
                continue
            for cluster in graphemes(word):  # over-long word: split between clusters only
                if line and measure(line + cluster) > max_width:
                    lines.append(line)
                    line = ""
                line += cluster
        lines.append(line)
    return lines


def needed_chars(texts: Iterable[str]) -> set[str]:
    """The code points a font must draw for `texts` (NFC; spaces and controls excluded)."""
    chars: set[str] = set()
    for t in texts:
        for ch in nfc(t):
            if ch.isspace() or unicodedata.category(ch).startswith("C"):
                continue
            chars.add(ch)
    return chars


#: Every letter of the Vietnamese alphabet with every tone, upper and lower case, plus đ/Đ.
VIETNAMESE_LETTERS: str = "".join(
    sorted(
        {
            nfc(base + tone).swapcase() if upper else nfc(base + tone)
            for base in "aăâeêioôơuưy"
            for tone in ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
            for upper in (False, True)
        }
        | set("đĐ")
    )
)


def describe_chars(chars: Iterable[str]) -> str:
    """`'ỹ' (U+1EF9), '₫' (U+20AB)` — for error messages."""
    return ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(chars))
