"""One exception family. Every message names the file, the field, the problem and the fix.

Messages are Vietnamese first, English after ` / `, on one line, so `promokit check` prints one
line per problem. Raise `PromokitError` subclasses only; the CLI turns them into exit code 1
without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def _short(path: str | Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    p = Path(path)
    try:
        return str(p.relative_to(Path.cwd())) if p.is_absolute() else str(p)
    except ValueError:
        return str(p)


MESSAGE_MAX = 400  # characters of one part of a problem line (a quoted 5,000-character title is cut)


def _cut(text: str, limit: int = MESSAGE_MAX) -> str:
    """One line, at most `limit` characters (a problem is one line of a terminal, not a dump)."""
    text = " ".join(str(text).split("\n"))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def shown_path(path: str | Path) -> str:
    """A path in a message, written the way `Where` writes file names (relative to the working folder when
    inside it), so one message never mixes two forms of the same folder."""
    return _short(path)


@dataclass(frozen=True)
class Where:
    """Where a problem is: a file, optionally a line (1-based) and a field path like `video.duration`."""

    file: str | Path | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(_short(self.file) + (f":{self.line}" if self.line else ""))
        if self.field:
            parts.append(f"[{self.field}]")
        return " ".join(parts)


@dataclass
class Problem:
    """One problem: where, what is wrong and how to fix it, each in Vietnamese and English."""

    where: Where
    vi: str
    en: str
    fix_vi: str = ""
    fix_en: str = ""

    def __str__(self) -> str:
        head = f"{self.where}: " if str(self.where) else ""
        vi = _cut(self.vi) + (f" — Cách sửa: {_cut(self.fix_vi)}" if self.fix_vi else "")
        en = _cut(self.en) + (f" — Fix: {_cut(self.fix_en)}" if self.fix_en else "")
        return f"{head}{vi} / {en}"


class PromokitError(Exception):
    """Base of every error promokit raises for bad input or a missing tool."""

    def __init__(self, *problems: Problem) -> None:
        if not problems:
            raise ValueError("PromokitError needs at least one Problem")
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def fail(
        cls,
        vi: str,
        en: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        fix_vi: str = "",
        fix_en: str = "",
    ) -> PromokitError:
        """Build (not raise) one error: `raise SpecError.fail(...)`."""
        return cls(Problem(Where(file, line, field), vi, en, fix_vi, fix_en))

    @property
    def file(self) -> str | None:
        f = self.problems[0].where.file
        return None if f is None else str(f)


class SpecError(PromokitError):
    """campaign.yml or brand.yml is invalid."""


class AssetError(PromokitError):
    """A file in assets/ is missing, unreadable, unsafe or of the wrong kind."""


class DataError(PromokitError):
    """A data table (CSV) does not fit what the spec declares."""


class FontError(PromokitError):
    """No usable font, or a font lacks glyphs the text needs."""


class ToolError(PromokitError):
    """An external program (ffmpeg, ffprobe, …) is missing or failed."""


class UsageError(PromokitError):
    """The command line or a notebook parameter is wrong (exit code 2)."""


@dataclass
class ProblemList:
    """Collects problems while validating, so `check` can report them all at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, err: PromokitError) -> None:
        self.problems.extend(err.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)
