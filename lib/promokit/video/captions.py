"""Captions in and out: parse SRT and WebVTT (NFC), write SRT and WebVTT sidecars timed to a plan."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import AssetError
from ..text import nfc
from .plan import Cue, Plan

_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})")
_ARROW = re.compile(rf"^\s*({_TIME.pattern})\s*-->\s*({_TIME.pattern})")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|\{\\[^}]*\}")


def _seconds(m: re.Match, offset: int = 0) -> float:
    h, mi, s, ms = (m.group(offset + i) for i in range(1, 5))
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def parse_captions(text: str, *, file: str | Path | None = None) -> list[Cue]:
    """Cues of an SRT or WebVTT text (NFC; styling tags dropped; lines of a cue joined by newlines).

    Raises AssetError naming the line of a cue whose times are unreadable or reversed.
    """
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    lines = text.split("\n")
    cues: list[Cue] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _ARROW.match(line)
        if not m:
            if "-->" in line:
                raise AssetError.fail(f"dòng thời gian không đọc được: «{line.strip()}»",
                                      f"unreadable timing line: «{line.strip()}»", file=file, line=i + 1,
                                      fix_vi="viết dạng 00:00:01,000 --> 00:00:03,500",
                                      fix_en="write it as 00:00:01,000 --> 00:00:03,500")
            i += 1
            continue
        start = _seconds(_TIME.match(m.group(1)))
        end = _seconds(_TIME.match(m.group(6)))
        if end <= start:
            raise AssetError.fail("thời điểm kết thúc không sau thời điểm bắt đầu", "cue ends before it starts",
                                  file=file, line=i + 1, fix_vi="sửa thời gian của phụ đề",
                                  fix_en="correct the cue's times")
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip():
            body.append(_TAG.sub("", lines[i]).strip())
            i += 1
        content = "\n".join(b for b in body if b)
        if content:
            cues.append(Cue(start, end, content))
    return cues


def read_captions(path: Path) -> list[Cue]:
    """Parse a caption file (.srt/.vtt), UTF-8."""
    from ..assets import read_text

    return parse_captions(read_text(Path(path)), file=path)


def _stamp(t: float, sep: str) -> str:
    ms = int(round(max(0.0, t) * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def sidecar_cues(plan: Plan) -> list[Cue]:
    """What the sidecars carry: the captions (burned in or not), else the title and lower thirds."""
    caps = plan.captions() or list(plan.sidecar_only)
    layers = caps or [t for t in plan.texts if t.role in ("title", "lower_third")]
    out = []
    for t in layers:
        text = t.text + (f"\n{t.sub}" if t.sub else "")
        out.append(Cue(t.start, t.end, text))
    return sorted(out, key=lambda c: (c.start, c.end))


def to_srt(cues: list[Cue]) -> str:
    blocks = [f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n" for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    blocks = [f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{c.text}\n" for c in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


def write_sidecars(plan: Plan, srt: Path, vtt: Path) -> tuple[Path | None, Path | None]:
    """The `.srt` and `.vtt` caption files at the given paths (the catalog's), written atomically — only
    when the plan's captions are not burned in alone (`caption_mode` sidecar or both): a subtitle track
    over burned-in captions would show every line twice. Sidecars of an earlier render are then removed."""
    from ..atomic import write_atomic

    if plan.caption_mode == "burned":
        for old in (Path(srt), Path(vtt)):
            old.unlink(missing_ok=True)
        return None, None
    cues = sidecar_cues(plan)
    return write_atomic(Path(srt), to_srt(cues)), write_atomic(Path(vtt), to_vtt(cues))
