"""Report periods: a range of days with a name the catalog files it under (`2024-W16`, `2024-04`, `2024`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import UsageError
from ..text import format_date, parse_date


@dataclass(frozen=True)
class Period:
    """Days `start`..`end` (both included); `name` is the report's file stem; `label` is what the report says."""

    start: dt.date
    end: dt.date
    name: str
    label: str

    def __contains__(self, day: object) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        """True when days `start`..`end` share at least one day with the period (an open end is one day)."""
        if start is None:
            return False
        return start <= self.end and (end or start) >= self.start

    @property
    def year(self) -> int:
        return self.end.year


def _fail(value: str, flag: str, example: str) -> UsageError:
    return UsageError.fail(f"{flag} '{value}' không hợp lệ", f"invalid {flag} '{value}'", field=flag,
                           fix_vi=f"vd. {flag} {example}", fix_en=f"e.g. {flag} {example}")


def between(start: dt.date | str, end: dt.date | str) -> Period:
    """From `start` to `end` (dates `18/4/2024` or ISO)."""
    try:
        a, b = parse_date(start), parse_date(end)
    except ValueError:
        raise _fail(f"{start} … {end}", "--from", "1/4/2024 --to 30/4/2024") from None
    if b < a:
        raise UsageError.fail("--to trước --from", "--to is before --from", field="--to",
                              fix_vi="đổi chỗ hai ngày", fix_en="swap the two dates")
    return Period(a, b, f"{a.isoformat()}_{b.isoformat()}", f"từ {format_date(a)} đến {format_date(b)}")


def week(value: str | None = None, *, today: dt.date | None = None) -> Period:
    """An ISO week `2024-W16`; by default the last complete week (Monday–Sunday) before `today`."""
    if value:
        m = re.fullmatch(r"(\d{4})-?W(\d{1,2})", value.strip(), re.IGNORECASE)
        try:
            if not m:
                raise ValueError(value)
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise _fail(value, "--week", "2024-W16") from None
    else:
        today = today or dt.date.today()
        start = today - dt.timedelta(days=today.weekday() + 7)
    end = start + dt.timedelta(days=6)
    y, w, _ = start.isocalendar()
    return Period(start, end, f"{y}-W{w:02d}", f"tuần {w}/{y} (từ {format_date(start)} đến {format_date(end)})")


def month(value: str | None = None, *, today: dt.date | None = None) -> Period:
    """A month `2024-04` (or `4/2024`); by default the last complete month before `today`."""
    if value:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})", value.strip())
        try:
            if not m:
                raise ValueError(value)
            y, mo = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
            start = dt.date(y, mo, 1)
        except ValueError:
            raise _fail(value, "--month", "2024-04") from None
    else:
        today = today or dt.date.today()
        last = today.replace(day=1) - dt.timedelta(days=1)
        start = last.replace(day=1)
    nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end = nxt - dt.timedelta(days=1)
    return Period(start, end, f"{start.year}-{start.month:02d}", f"tháng {start.month}/{start.year}")


def year(value: str | int | None = None, *, today: dt.date | None = None) -> Period:
    """The plan year (1/1–31/12); by default `today`'s year."""
    try:
        y = int(value) if value not in (None, "") else (today or dt.date.today()).year
        start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    except ValueError:
        raise _fail(str(value), "--year", "2024") from None
    return Period(start, end, str(y), f"năm {y}")


def pick_period(*, week_: str | None = None, month_: str | None = None, year_: str | int | None = None,
                date_from: str | None = None, date_to: str | None = None, today: dt.date | None = None) -> Period:
    """The one period the options name (`None`: not given; `""`: the default of that kind); none at all: last
    week. `--from` and `--to` go together; two kinds at once is a UsageError."""
    given = [k for k, v in (("--week", week_), ("--month", month_), ("--year", year_),
                            ("--from", date_from if date_from is not None else date_to)) if v is not None]
    if len(given) > 1:
        raise UsageError.fail(f"chỉ dùng một trong {', '.join(given)}", f"use only one of {', '.join(given)}",
                              field=given[1], fix_vi="bỏ bớt", fix_en="drop the others")
    if date_from is not None or date_to is not None:
        if not date_from or not date_to:
            raise UsageError.fail("cần cả --from và --to", "--from and --to go together", field="--from",
                                  fix_vi="vd. --from 1/4/2024 --to 30/4/2024", fix_en="e.g. --from 1/4/2024 --to 30/4/2024")
        return between(date_from, date_to)
    if month_ is not None:
        return month(month_ or None, today=today)
    if year_ is not None:
        return year(year_ or None, today=today)
    return week(week_ or None, today=today)
