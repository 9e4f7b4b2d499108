"""A bulletin ready to voice and mix (pure): segments with their ear text and reading time, and the
timeline (s) once the voices' and jingles' lengths are known."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .script import Script
from .speech import Dictionary, Ear, for_ear, reading_time


@dataclass(frozen=True)
class Segment:
    """One segment: written text, text for the ear, voice file (None: a guide track), pauses (s), bed, jingle."""

    index: int
    kind: str
    title: str
    text: str
    ear: Ear
    voice: Path | None
    pause_before: float
    pause_after: float
    bed: bool
    jingle: Path | None  # played before the segment
    reading: float  # s at the bulletin's speaking rate
    line: int | None = None

    @property
    def field(self) -> str:
        return f"segments[{self.index}]"


@dataclass(frozen=True)
class Bulletin:
    """A bulletin script resolved against the campaign: paths absolute, ear text computed."""

    name: str
    title: str
    station: str
    date: dt.date | None
    slot: float  # s
    slots: tuple[str, ...]
    bed: Path | None
    closing_jingle: Path | None
    segments: tuple[Segment, ...]
    rate: float  # syllables/min
    file: Path

    @property
    def guide(self) -> bool:
        """True when a segment has no recorded voice (a synthetic guide track stands in)."""
        return any(s.voice is None for s in self.segments)

    @property
    def reading(self) -> float:
        """Seconds of speech and pauses at the speaking rate (jingles not counted)."""
        return sum(s.pause_before + s.reading + s.pause_after for s in self.segments)

    @property
    def notes(self) -> list[str]:
        """Forms the ear text left as written, one line each, naming the segment."""
        return [f"{self.file.name} [{s.field}] {n}" for s in self.segments for n in s.ear.notes]


def plan_bulletin(script: Script, *, resolve: Callable[[str, str], Path], article_text: Callable[[Path], str],
                  dictionary: Dictionary, style: dict, station: str, date: dt.date | None) -> Bulletin:
    """The bulletin of a script. `resolve(rel, field)` gives a campaign file's path (or raises);
    `article_text(path)` the title and summary of an article."""
    b = script.bulletin
    speech = style["speech"]
    rate = float(b.rate or speech["rate"])
    segs = []
    ident_done = False
    for i, s in enumerate(b.segments):
        field = f"segments[{i}]"
        defaults = style["segments"][s.kind]
        written = s.text.strip()
        if s.article:
            drawn = article_text(resolve(s.article, f"{field}.article"))
            written = f"{drawn}\n\n{written}".strip() if written else drawn
        ear = for_ear(written, dictionary) if written else Ear("")
        jingle = s.jingle or (b.jingles.ident if s.kind == "ident" and not ident_done else None)
        ident_done = ident_done or s.kind == "ident"
        segs.append(Segment(
            i, s.kind, s.title, written, ear, resolve(s.voice, f"{field}.voice") if s.voice else None,
            float(s.pause_before), float(defaults["pause_after"] if s.pause_after is None else s.pause_after),
            bool(defaults["bed"] if s.bed is None else s.bed),
            resolve(jingle, f"{field}.jingle") if jingle else None,
            reading_time(ear.text, rate, sentence_pause=speech["sentence_pause"], comma_pause=speech["comma_pause"]),
            script.line("segments", i)))
    return Bulletin(b.name, b.title, b.station or station, b.date or date, float(b.slot), tuple(b.slots),
                    resolve(b.bed, "bed") if b.bed else None,
                    resolve(b.jingles.closing, "jingles.closing") if b.jingles.closing else None,
                    tuple(segs), rate, script.file)


@dataclass(frozen=True)
class Item:
    """Something on the timeline: a voice or a jingle, from `start` for `duration` s."""

    kind: str  # "voice" | "jingle"
    start: float
    duration: float
    segment: int | None  # the segment it belongs to (a closing jingle: the last segment)
    source: Path | None


@dataclass(frozen=True)
class Timeline:
    """Where everything sits (s): items, bed spans and the total length."""

    items: tuple[Item, ...]
    bed: tuple[tuple[float, float], ...]
    duration: float

    def voices(self) -> list[Item]:
        return [i for i in self.items if i.kind == "voice"]

    def jingles(self) -> list[Item]:
        return [i for i in self.items if i.kind == "jingle"]


def timeline(bulletin: Bulletin, voice_seconds: list[float], jingle_seconds: dict[Path, float],
             style: dict) -> Timeline:
    """Lay the bulletin out: per segment its pause, its jingle, its voice, its pause after; the closing jingle
    after the last closing segment (else at the end). Bed spans cover runs of segments with `bed`."""
    gap = float(style["jingle"]["gap"])
    items: list[Item] = []
    spans: list[list[float]] = []
    t = 0.0
    last_closing = max((s.index for s in bulletin.segments if s.kind == "closing"),
                       default=bulletin.segments[-1].index)
    for seg, dur in zip(bulletin.segments, voice_seconds, strict=True):
        t += seg.pause_before
        if seg.jingle is not None:
            jd = jingle_seconds[seg.jingle]
            items.append(Item("jingle", t, jd, seg.index, seg.jingle))
            t += jd + gap
        start = t
        items.append(Item("voice", t, dur, seg.index, seg.voice))
        t += dur
        if seg.bed:
            if spans and spans[-1][2] == seg.index - 1:
                spans[-1][1], spans[-1][2] = t, seg.index
            else:
                spans.append([start, t, seg.index])
        t += seg.pause_after
        if seg.index == last_closing and bulletin.closing_jingle is not None:
            t += gap
            jd = jingle_seconds[bulletin.closing_jingle]
            items.append(Item("jingle", t, jd, seg.index, bulletin.closing_jingle))
            t += jd
    lead = float(style["bed"]["fade_in"])
    tail = float(style["bed"]["fade_out"])
    bed = tuple((max(0.0, a - lead), min(t, b + tail)) for a, b, _ in spans) if bulletin.bed is not None else ()
    return Timeline(tuple(items), bed, round(t, 6))
