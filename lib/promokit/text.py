"""Vietnamese text: NFC at the door, number and date formatting, line breaking, needed glyphs.

Pure functions (the one file read is the shipped word list, once). Line breaking keeps Vietnamese
multi-syllable words and names whole (styles/vi_words.txt plus capitalised runs), balances lines and
avoids a one-word last line; a single word wider than the line is split between grapheme clusters,
never inside one.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
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


# -- line breaking --------------------------------------------------------------------------------
#
# Vietnamese writes one syllable per space-separated token, so a space is not a word boundary: "du
# khách", "Lấp Vò" and "Tân Khánh Trung" are single words that must not be broken across lines. The
# breaker gives each space a penalty — forbidden inside a word of the dictionary (styles/vi_words.txt,
# which the office may extend), very high inside a run of capitalised syllables (a proper name that the
# dictionary does not know), small after a short function word — and picks the line breaks of least
# total cost (fewest lines first, then no broken name, then even lines and no one-word last line).

WORDS_FILE = Path(__file__).parent / "styles" / "vi_words.txt"
NEVER = 1e9  # inside a dictionary word: only when the word alone is wider than the line
NAME = 1e5  # inside a run of capitalised syllables
LINE = 1e4  # one more line
ORPHAN_TITLE = 400.0  # a title whose last line is one word
ORPHAN = 30.0  # a paragraph whose last line is one short word
WEAK = 30.0  # a line ending on a function word ("các", "của", "và"), or the next starting with a dash
PHRASE = -20.0  # a line ending a phrase (after ",", ";", ":", "–"): the reading pause falls at the break
NAME_MOST = 4  # longest run of capitalised syllables read as one name
_WEAK_END = frozenset("và của các những cho với ở tại từ là có một trong theo để về như mà thì".split())
_PUNCT = ".,;:!?…)]}»”’–—-/\\"
_DASHES = frozenset("–—-")
_PHRASE_END = frozenset(",;:–—.!?…")


def _key(token: str) -> str:
    return nfc(token).strip("\"'“”‘’()[]«»").rstrip(_PUNCT).casefold()


@functools.cache
def _dictionary() -> tuple[frozenset[str], int]:
    """The multi-syllable words (casefolded, single spaces) and the most syllables in one."""
    words: set[str] = set()
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        w = " ".join(_key(t) for t in nfc(line).split("#", 1)[0].split())
        if " " in w:
            words.add(w)
    return frozenset(words), max((w.count(" ") + 1 for w in words), default=1)


def add_words(words: Iterable[str]) -> None:
    """Teach the breaker more multi-syllable words (a brand's own names) for this process."""
    known, most = _dictionary()
    extra = {" ".join(_key(t) for t in nfc(w).split()) for w in words}
    extra = {w for w in extra if " " in w}
    merged = known | extra
    _dictionary.cache_clear()
    longest = max([most] + [w.count(" ") + 1 for w in extra])
    globals()["_dictionary"] = functools.cache(lambda: (merged, longest))


def _capitalised(token: str) -> bool:
    t = nfc(token).lstrip("\"'“‘(«[")
    return bool(t) and t[0].isupper()


def glue(tokens: list[str]) -> list[float]:
    """The penalty of a line break after each token but the last (see NEVER, NAME)."""
    words, most = _dictionary()
    keys = [_key(t) for t in tokens]
    ends = [bool(t) and t[-1] in _PUNCT for t in tokens]
    pen = [0.0] * max(0, len(tokens) - 1)
    i = 0
    while i < len(tokens) - 1:  # longest dictionary match from each token, left to right
        for n in range(min(most, len(tokens) - i), 1, -1):
            if any(ends[i:i + n - 1]):
                continue
            if " ".join(keys[i:i + n]) in words:
                for j in range(i, i + n - 1):
                    pen[j] = NEVER
                break
        i += 1
    j = 0  # a run of capitalised syllables: a name up to NAME_MOST of them, else Title Case
    while j < len(tokens):
        k = j
        if _capitalised(tokens[j]):
            while k + 1 < len(tokens) and not ends[k] and _capitalised(tokens[k + 1]):
                k += 1
            for m in range(j, k):
                pen[m] = max(pen[m], NAME if k - j + 1 <= NAME_MOST else 40.0)
        j = k + 1
    for j in range(len(pen)):
        if pen[j] != 0.0:
            continue
        if keys[j] in _WEAK_END or tokens[j + 1] in _DASHES:  # "của /", "/ – Không để ai"
            pen[j] = WEAK
        elif tokens[j] in _DASHES or tokens[j][-1] in _PHRASE_END:
            pen[j] = PHRASE
    return pen


def units(text: str) -> list[str]:
    """`text` as the pieces a line may break between: syllables of one word stay together."""
    tokens = nfc(text).split()
    pen = glue(tokens)
    out: list[str] = []
    for i, t in enumerate(tokens):
        if i and pen[i - 1] >= NAME:
            out[-1] += " " + t
        else:
            out.append(t)
    return out


def splits_word(lines: list[str]) -> bool:
    """Whether a break between these lines falls inside a word or a name (or inside a syllable)."""
    tokens: list[str] = []
    ends: list[int] = []
    for ln in lines:
        tokens += ln.split()
        ends.append(len(tokens))
    pen = glue(tokens)
    return any(0 < e < len(tokens) and pen[e - 1] >= NAME for e in ends[:-1])


def keep_together(text: str) -> str:
    """`text` with no-break spaces (U+00A0) inside words and names, for HTML, PDF and EPUB headings
    (spaces around it kept)."""
    body = text.strip()
    if not body:
        return text
    lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return lead + " ".join(u.replace(" ", "\u00a0") for u in units(body)) + trail


def wrap(text: str, width: Callable[[str], float] | int, max_width: float | None = None, *,
         balance: bool = False) -> list[str]:
    """Break `text` into lines no wider than `max_width`, Vietnamese words and names kept whole.

    `width` measures a string (px with a font, or len); an int means "max characters" with len. Among
    the breaks giving the fewest lines, the one that splits no word, then no name, with even lines (every
    line with `balance`, for titles; all but the last otherwise) and no one-word last line. A word wider
    than a line is split between grapheme clusters. Existing newlines are kept.
    """
    if isinstance(width, int):
        max_width, measure = float(width), (lambda s: float(len(graphemes(s))))
    else:
        if max_width is None:
            raise ValueError("max_width is required with a measuring function")
        measure = width
    lines: list[str] = []
    for para in nfc(text).split("\n"):
        lines += _break(para.split(), measure, max_width, balance)
    return lines


def _break(tokens: list[str], measure: Callable[[str], float], width: float, balance: bool) -> list[str]:
    n = len(tokens)
    if n == 0:
        return [""]
    if measure(" ".join(tokens)) <= width:
        return [" ".join(tokens)]
    pen = glue(tokens) + [0.0]
    inf = float("inf")
    best = [inf] * (n + 1)
    prev = [0] * (n + 1)
    best[0] = 0.0
    for j in range(1, n + 1):
        last = j == n
        for i in range(j - 1, -1, -1):
            if best[i] == inf:
                continue
            line = " ".join(tokens[i:j])
            w = measure(line)
            if w > width and j - i > 1:
                break  # longer lines only get wider
            slack = max(0.0, width - w) / width
            cost = LINE + pen[j - 1]
            if w > width:  # one token wider than the line: split between clusters below
                cost += NEVER
            elif not last or balance:
                cost += 100.0 * slack * slack
            if last and j - i == 1 and i > 0:
                cost += ORPHAN_TITLE if balance else (ORPHAN if len(tokens[i]) <= 4 else 0.0)
            if best[i] + cost < best[j]:
                best[j], prev[j] = best[i] + cost, i
    cuts = []
    j = n
    while j > 0:
        cuts.append((prev[j], j))
        j = prev[j]
    out: list[str] = []
    for i, j in reversed(cuts):
        line = " ".join(tokens[i:j])
        if measure(line) <= width:
            out.append(line)
            continue
        part = ""  # an over-long word: split between clusters only
        for cluster in graphemes(line):
            if part and measure(part + cluster) > width:
                out.append(part)
                part = ""
            part += cluster
        out.append(part)
    return out


def curly_quotes(text: str) -> str:
    """Straight quotes as typeset: "Chợ ma" -> “Chợ ma”, it's -> it’s (an opening quote follows a space,
    a bracket or the start)."""
    out = []
    for i, ch in enumerate(text):
        opening = i == 0 or text[i - 1].isspace() or text[i - 1] in "([{“‘–—"
        if ch == '"':
            out.append("“" if opening else "”")
        elif ch == "'":
            out.append("‘" if opening else "’")
        else:
            out.append(ch)
    return "".join(out)


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
