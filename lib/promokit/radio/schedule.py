"""Broadcast schedule (pure): which bulletin airs at which commune station, on which day and time."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SpecError
from ..spec.models import Radio

ALL_STATIONS = "Toàn huyện"  # when the campaign lists no commune stations


@dataclass(frozen=True, order=True)
class Air:
    """One broadcast: day, time (HH:MM), commune station, bulletin name."""

    day: dt.date
    time: str
    commune: str
    bulletin: str


def hhmm(value: str) -> str:
    """"7h30" / "07:30" → "07:30"."""
    h, m = re.split(r"[:h]", value)
    return f"{int(h):02d}:{int(m):02d}"


def schedule(radio: Radio, names: list[str], slots: dict[str, tuple[str, ...]], first_day: dt.date,
             spec_file: Path | None = None) -> list[Air]:
    """Every broadcast of the campaign, sorted. `names` are the bulletins, `slots` their own air times
    (used for bulletins no `radio.schedule` entry names), `first_day` the default day."""
    communes = radio.communes or [ALL_STATIONS]
    out: set[Air] = set()
    named: set[str] = set()
    for i, slot in enumerate(radio.schedule):
        for b in slot.bulletins:
            if b not in names:
                raise SpecError.fail(f"không có bản tin '{b}'", f"no bulletin '{b}'", file=spec_file,
                                     field=f"radio.schedule[{i}].bulletins",
                                     fix_vi=f"dùng một trong: {', '.join(names)}", fix_en=f"use one of: {', '.join(names)}")
        chosen = slot.bulletins or names
        named.update(chosen)
        for day in slot.days or [first_day]:
            for t in slot.times:
                for c in slot.communes or communes:
                    for b in chosen:
                        out.add(Air(day, hhmm(t), c, b))
    for b in names:
        if b not in named:
            for t in slots.get(b, ()):
                for c in communes:
                    out.add(Air(first_day, hhmm(t), c, b))
    return sorted(out)


def days(airs: list[Air]) -> list[dt.date]:
    return sorted({a.day for a in airs})
