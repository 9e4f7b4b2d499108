"""Alt text in Vietnamese: what the chart says and its numbers, for the web, EPUB and screen readers.

The kind's own sentences (`ChartKind.describe`) with the title, subtitle, takeaway, source and the
sample-data note around them. Pure (no drawing, no files).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import nfc
from .kinds import KINDS
from .kinds.base import sentence

if TYPE_CHECKING:
    from ..spec.models import Infographic
    from .data import ChartData

SAMPLE_NOTE = "Số liệu minh họa."


def alt_text(spec: Infographic, data: ChartData, *, sample_data: bool = False) -> str:
    """The poster's alt text: kind and title, the numbers, the takeaway, the source; no sentence twice."""
    kind = KINDS.get(spec.kind)
    parts = [sentence(f"{kind.words}: {spec.title}")]
    if spec.subtitle:
        parts.append(sentence(spec.subtitle))
    parts += [sentence(s) for s in kind.describe(spec, data) if s]
    if spec.takeaway:
        parts.append(sentence(spec.takeaway))
    if spec.source:
        parts.append(sentence(spec.source))
    if sample_data:
        parts.append(SAMPLE_NOTE)
    out: list[str] = []
    for p in parts:
        key = _key(p)
        if p and all(key != _key(q) and key not in _key(q) for q in out):
            out.append(p)
    return nfc(" ".join(out))


def _key(s: str) -> str:
    return nfc(s).casefold().strip().rstrip(".!?…:; ")
