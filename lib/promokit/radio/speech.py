"""Text for the ear: Vietnamese written text as it is read on air (pure).

Numbers to words ("41.200" → "bốn mươi mốt nghìn hai trăm", "3,5" → "ba phẩy năm", "30 %" → "ba mươi phần
trăm", "2024" → "hai nghìn không trăm hai mươi tư", with the mốt/tư/lăm/linh/mươi rules), dates (18/4/2024,
4/2024, 18/4), times (7h30, 07:30, 17h), ranges (2023–2025), phone numbers digit by digit, web addresses,
abbreviations and units from a dictionary (shipped `styles/radio-abbreviations.yml`, extended by the office).
A form it does not know (a number like "3.5" or "1,2,3", an all-capitals abbreviation not in the dictionary)
is left as written and reported in `Ear.notes`, never dropped. `reading_time` gives the seconds at a
speaking rate in syllables per minute.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..text import nfc

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTHS = {1: "một", 4: "tư"}  # "tháng tư"; every other month is its number


@dataclass(frozen=True)
class Dictionary:
    """Written forms read out: `words` anywhere, `units` only after a number."""

    words: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)

    def merged(self, other: Dictionary) -> Dictionary:
        """A copy with `other`'s entries added (they win)."""
        return Dictionary({**self.words, **other.words}, {**self.units, **other.units})


@dataclass(frozen=True)
class Note:
    """A form left as written: the text, where it starts (character index), why (Vietnamese / English)."""

    form: str
    at: int
    reason: str

    def __str__(self) -> str:
        return f"«{self.form}»: {self.reason}"


@dataclass(frozen=True)
class Ear:
    """The text as read: `text`, what was replaced (written, spoken) and the forms left as written."""

    text: str
    spoken: tuple[tuple[str, str], ...] = ()
    notes: tuple[Note, ...] = ()


# -- numbers -------------------------------------------------------------------------------------

def _triple(n: int, leading: bool) -> list[str]:
    """0..999 in words; inside a longer number (`leading` False) the hundreds are always said."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if h or not leading:
        words += [DIGITS[h], "trăm"]
    if t == 0:
        if u:
            words += (["linh"] if words else []) + [DIGITS[u]]
    elif t == 1:
        words += ["mười"] + (["lăm" if u == 5 else DIGITS[u]] if u else [])
    else:
        words += [DIGITS[t], "mươi"] + ([{1: "mốt", 4: "tư", 5: "lăm"}.get(u, DIGITS[u])] if u else [])
    return words


def _below_billion(n: int, leading: bool) -> list[str]:
    words: list[str] = []
    for value, name in ((n // 1_000_000, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, "")):
        if value == 0:
            continue
        words += _triple(value, leading and not words) + ([name] if name else [])
    return words


def number_words(n: int) -> str:
    """A whole number in Vietnamese words: 41200 → "bốn mươi mốt nghìn hai trăm"; negative → "âm …"."""
    if n < 0:
        return "âm " + number_words(-n)
    if n == 0:
        return "không"
    words: list[str] = []
    hi, lo = divmod(n, 1_000_000_000)
    if hi:
        words += number_words(hi).split() + ["tỷ"]
    if lo:
        words += _below_billion(lo, leading=not hi)
    return " ".join(words)


def digits_words(s: str) -> str:
    """Digit by digit: "0277" → "không hai bảy bảy"."""
    return " ".join(DIGITS[int(c)] for c in s if c.isdigit())


def decimal_words(whole: str, frac: str) -> str:
    """`whole`,`frac` → "ba phẩy năm"; a fraction with a leading zero or over 3 digits is read digit by digit."""
    w = number_words(int(whole))
    f = digits_words(frac) if frac.startswith("0") or len(frac) > 3 else number_words(int(frac))
    return f"{w} phẩy {f}"


def _int_words(s: str, before: str) -> str:
    """A plain integer written `s`, read as an ordinal or month after "thứ"/"tháng"."""
    if len(s) > 1 and s.startswith("0") or len(s) > 15:
        return digits_words(s)
    n = int(s)
    prev = before.rstrip().rsplit(" ", 1)[-1].lower() if before.strip() else ""
    if prev == "thứ" and n in (1, 4):
        return {1: "nhất", 4: "tư"}[n]
    if prev == "tháng" and 1 <= n <= 12:
        return MONTHS.get(n, number_words(n))
    return number_words(n)


def _number_value_words(s: str) -> str | None:
    """Words of a written number ("41.200", "3,5", "2024", "-7"); None when the form is not known."""
    neg = s.startswith(("-", "−"))
    body = s[1:] if neg else s
    m = re.fullmatch(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?", body)
    if not m:
        return None
    whole = m.group(1).replace(".", "")
    if "." not in m.group(1) and len(whole) > 1 and whole.startswith("0") and m.group(2) is None:
        words = digits_words(whole)
    else:
        words = decimal_words(whole, m.group(2)) if m.group(2) else number_words(int(whole))
    return ("âm " if neg else "") + words


# -- the reader ----------------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("url", r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:vn|com|net|org|gov)(?:/[\w./-]*)?"),
    ("phone", r"(?<![\d.,])\(?0\d{1,3}\)?(?:[ .\-]?\d){6,9}(?![\d])"),
    ("date", r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])"),
    ("month_year", r"(?<![\d/])(\d{1,2})/(\d{4})(?![\d/])"),
    ("day_month", r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])"),
    ("time", r"(?<![\d.,:])(\d{1,2})(?:h|:|giờ)(\d{2})?(?:'|p|phút)?(?![\w\d])"),
    ("range", rf"(?<![\d.,/:])({_NUM})\s?[–-]\s?({_NUM})(?![\d.,/:]*\d)"),
    ("number", rf"(?<![\w.,/:])[-−]?(?:{_NUM})(?![.,/:]?\d)"),
    ("odd_number", r"\d[\d.,:/]*\d|\d"),
)
_CAPS = re.compile(r"(?<![\w])[A-ZĐ][A-ZĐ0-9]{1,}(?![\w])")


def _compile(d: Dictionary) -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(d.units, key=len, reverse=True))
    words = "|".join(re.escape(w) for w in sorted(d.words, key=len, reverse=True))
    parts = []
    if words:
        parts.append(rf"(?P<word>(?<![\w])(?:{words})(?!\w))")
    for name, pat in _PATTERNS:
        if name == "number" and units:
            pat = rf"{pat}(?:\s?(?P<unit>{units})(?![\w²³]))?"
        parts.append(f"(?P<{name}>{pat})")
    return re.compile("|".join(parts))


_CACHE: dict[int, tuple[Dictionary, re.Pattern[str]]] = {}


def _pattern(d: Dictionary) -> re.Pattern[str]:
    hit = _CACHE.get(id(d))
    if hit is None or hit[0] is not d:
        hit = (d, _compile(d))
        _CACHE[id(d)] = hit
    return hit[1]


def _day_month(day: int, month: int) -> str:
    return f"{number_words(day)} tháng {MONTHS.get(month, number_words(month))}"


class _Odd(Exception):  # noqa: N818 - a form left as written, not an error
    """A form that looks like its kind but does not read as one: it is left as written, with a note."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


def _require(ok: bool, vi: str, en: str) -> None:
    if not ok:
        raise _Odd(vi, en)


def _ints(form: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", form)]


def _lead(word: str, before: str) -> str:
    """`word` and a space, unless the text before already ends with it ("ngày 18/4" is not "ngày ngày …")."""
    return "" if before.rstrip().lower().endswith(word) else f"{word} "


def _url(m: re.Match[str], d: Dictionary, before: str) -> str:
    said = re.sub(r"^(?:https?://)", "", m.group(0)).rstrip("/")
    return " ".join(said.replace(".", " chấm ").replace("/", " gạch chéo ").replace("-", " gạch ngang ").split())


def _phone(m: re.Match[str], d: Dictionary, before: str) -> str:
    groups = re.findall(r"\d+", m.group(0))
    while len(groups) > 1 and len(min(groups, key=len)) == 1:  # "3 680" → one group "3680"
        i = groups.index(min(groups, key=len))
        j = i + 1 if i + 1 < len(groups) else i - 1
        lo, hi = sorted((i, j))
        groups[lo:hi + 1] = [groups[lo] + groups[hi]]
    if len(groups) == 1:  # no separators: 4-3-3 (or 4-3-4)
        g = groups[0]
        groups = [g[:4], g[4:7], g[7:]]
    return ", ".join(digits_words(g) for g in groups if g)


def _date(m: re.Match[str], d: Dictionary, before: str) -> str:
    day, mo, y = _ints(m.group(0))
    _require(1 <= day <= 31 and 1 <= mo <= 12, "ngày không hợp lệ", "not a valid date")
    return _lead("ngày", before) + f"{_day_month(day, mo)} năm {number_words(y)}"


def _month_year(m: re.Match[str], d: Dictionary, before: str) -> str:
    mo, y = _ints(m.group(0))
    _require(1 <= mo <= 12, "tháng không hợp lệ", "not a valid month")
    return _lead("tháng", before) + f"{MONTHS.get(mo, number_words(mo))} năm {number_words(y)}"


def _day_month_form(m: re.Match[str], d: Dictionary, before: str) -> str:
    day, mo = _ints(m.group(0))
    _require(1 <= day <= 31 and 1 <= mo <= 12, "không rõ là ngày hay phân số", "neither a date nor a known form")
    return _lead("ngày", before) + _day_month(day, mo)


def _time(m: re.Match[str], d: Dictionary, before: str) -> str:
    hh, mm = (_ints(m.group(0)) + [0])[:2]
    _require(hh <= 24 and mm <= 59, "giờ không hợp lệ", "not a valid time")
    return f"{number_words(hh)} giờ" + (f" {number_words(mm)} phút" if mm else "")


def _range(m: re.Match[str], d: Dictionary, before: str) -> str:
    ends = re.fullmatch(rf"({_NUM})\s?[–-]\s?({_NUM})", m.group(0))
    a, b = (_number_value_words(ends.group(1)), _number_value_words(ends.group(2))) if ends else (None, None)
    _require(bool(a and b), "khoảng số lạ", "unknown range form")
    return f"{a} đến {b}"


def _number(m: re.Match[str], d: Dictionary, before: str) -> str:
    form = m.group(0)
    unit = m.group("unit") if "unit" in m.re.groupindex else None  # noqa: SIM401 - a Match, not a dict
    num = form[: m.start("unit") - m.start()].rstrip() if unit else form
    words = _int_words(num, before) if re.fullmatch(r"\d+", num) else _number_value_words(num)
    _require(bool(words), "dạng số lạ", "unknown number form")
    return words + (f" {d.units[unit]}" if unit else "")


def _odd_number(m: re.Match[str], d: Dictionary, before: str) -> str:
    raise _Odd("dạng số lạ (dùng 41.200, 3,5, 18/4/2024, 7h30)", "unknown number form (use 41.200, 3,5, 18/4/2024, 7h30)")


#: How each kind of written form (a group of `_PATTERNS`, or a dictionary word) is read on air.
READERS: dict[str, Callable[[re.Match[str], Dictionary, str], str]] = {
    "word": lambda m, d, before: d.words[m.group(0)],
    "url": _url, "phone": _phone, "date": _date, "month_year": _month_year, "day_month": _day_month_form,
    "time": _time, "range": _range, "number": _number, "odd_number": _odd_number,
}


def for_ear(text: str, dictionary: Dictionary) -> Ear:
    """`text` as it is read on air, what was replaced, and the forms left as written (see module doc)."""
    text = nfc(text)
    pat = _pattern(dictionary)
    out: list[str] = []
    spoken: list[tuple[str, str]] = []
    notes: list[Note] = []
    pos = 0
    for m in pat.finditer(text):
        kind = m.lastgroup or "odd_number"  # the outer named group of the alternative that matched
        form, before = m.group(0), "".join(out) + text[pos:m.start()]
        try:
            said = READERS[kind](m, dictionary, before)
        except _Odd as e:
            notes.append(Note(form, m.start(), f"{e.vi} — để nguyên / {e.en} — left as written"))
            said = form
        out.append(text[pos:m.start()])
        out.append(said)
        if said != form:
            spoken.append((form, said))
        pos = m.end()
    out.append(text[pos:])
    result = "".join(out)
    for m in _CAPS.finditer(text):
        if not any(n.at <= m.start() < n.at + len(n.form) for n in notes) and \
                not any(m.group(0) in w for w, _ in spoken) and not m.group(0).isdigit():
            notes.append(Note(m.group(0), m.start(), "viết tắt chưa có trong từ điển — để nguyên / "
                              "abbreviation not in the dictionary — left as written"))
    result = re.sub(r"[ \t]+", " ", result).strip()
    return Ear(result, tuple(spoken), tuple(sorted(notes, key=lambda n: n.at)))


# -- reading time --------------------------------------------------------------------------------

_SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)


def syllables(text: str) -> int:
    """Syllables of Vietnamese text for the ear (one written word is one syllable)."""
    return len(_SYLLABLE.findall(text))


def reading_time(ear_text: str, rate: float, *, sentence_pause: float = 0.45, comma_pause: float = 0.2) -> float:
    """Seconds to read `ear_text` at `rate` syllables per minute, with pauses at punctuation (s)."""
    if rate <= 0:
        raise ValueError("rate must be > 0 syllables/min")
    n = syllables(ear_text)
    stops = len(re.findall(r"[.!?:;…]+(?=\s|$)", ear_text))
    commas = len(re.findall(r"[,–—]", ear_text))
    return n * 60.0 / rate + stops * sentence_pause + commas * comma_pause
