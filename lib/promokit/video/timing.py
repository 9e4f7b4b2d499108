"""How a video's frames are shared among its shots (pure arithmetic, no media)."""

from __future__ import annotations


def share_frames(total: int, overlap: int, fixed: dict[int, int], caps: dict[int, int], n: int,
                 min_frames: int) -> list[int]:
    """Frames per shot so that sum(frames) - overlap*(n-1) == total where possible.

    `fixed` shots keep their length, shots in `caps` get at most that many (clips: never stretched),
    the rest share what is left equally (leftover frames to the first ones). Deterministic.
    """
    length = dict(fixed)
    flex = [i for i in range(n) if i not in fixed]
    budget = total + overlap * (n - 1) - sum(fixed.values())
    while flex:
        share = budget / len(flex)
        capped = [i for i in flex if i in caps and caps[i] < share]
        if not capped:
            break
        for i in capped:
            length[i] = caps[i]
            budget -= caps[i]
        flex = [i for i in flex if i not in capped]
    if flex:
        base, extra = divmod(max(0, budget), len(flex))
        for k, i in enumerate(flex):
            length[i] = base + (1 if k < extra else 0)
    out = [length[i] for i in range(n)]
    short = [i for i, f in enumerate(out) if f < min_frames]
    if short:
        raise ValueError(short)
    return out
