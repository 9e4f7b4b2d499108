"""Did you mean: the closest known name to a misspelt one, and case-insensitive matching of names.

Names are compared folded: lower case, NFC, with spaces, dashes and underscores dropped, so `TikTok`,
`tik-tok` and `Tik Tok` all fold to `tiktok`, and `endcard` to the fold of `end_card`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from .text import nfc


def fold(name: str) -> str:
    """The comparison form of a name: NFC, lower case, no spaces, dashes or underscores."""
    return "".join(ch for ch in nfc(str(name)).casefold() if ch not in " -_\t")


def match(name: str, choices: Iterable[str], *, loose: bool = True) -> str | None:
    """The one choice equal to `name` up to case and (`loose`) spaces, dashes and underscores; None when none
    or several."""
    f = fold(name) if loose else nfc(str(name)).casefold()
    hits = [c for c in dict.fromkeys(choices) if (fold(c) if loose else nfc(str(c)).casefold()) == f]
    return hits[0] if len(hits) == 1 else None


def closest(name: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The known choice nearest to `name` (an exact fold first, then by similarity), or None."""
    options = list(dict.fromkeys(choices))
    exact = match(name, options)
    if exact is not None:
        return exact
    folded = {fold(c): c for c in options}
    near = difflib.get_close_matches(fold(name), list(folded), n=1, cutoff=cutoff)
    return folded[near[0]] if near else None


def hint(name: str, choices: Iterable[str]) -> tuple[str, str]:
    """(" (có phải 'x'?)", " (did you mean 'x'?)") or ("", "") when nothing is close."""
    near = closest(name, choices)
    return (f" (có phải '{near}'?)", f" (did you mean '{near}'?)") if near and near != name else ("", "")
