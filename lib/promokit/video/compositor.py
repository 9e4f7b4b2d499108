"""The compositor: frame `k` of a plan as NV12 planes — the shots on screen, the transition between
them, then the text and logo layers blended on their boxes.

Each shot's frames come from its `FrameSource` (`sources.py`, by shot kind); while rendering, only the
shots on screen are open and the next still is prepared on a helper thread; a preview opens only what
frame `k` shows. Transitions come from the `TRANSITIONS` registry; overlays are drawn once and kept
while on screen.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from . import moviepy_shots  # noqa: F401 - registers the "moviepy" shot kind
from .layers import logo_overlay, text_overlay
from .plan import Plan, ShotPlan
from .sources import SOURCES, FrameSource, open_source
from .transitions import TRANSITIONS
from .yuv import Overlay, Planes


class Compositor:
    """Frame `k` of a plan as planes. Sequential use keeps only the shots on screen in memory."""

    def __init__(self, plan: Plan, *, prefetch: bool = True) -> None:
        self.plan = plan
        self.sources: dict[int, FrameSource] = {}
        self.futures: dict[int, Future] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="promokit-prefetch") if prefetch else None
        self._overlays: dict[int, Overlay] = {}
        self._logos: dict[int, Overlay] = {}
        self.short_clips: set[str] = set()

    def source(self, shot: ShotPlan, k: int, sequential: bool = True) -> FrameSource:
        src = self.sources.get(shot.index)
        if src is None:
            fut = self.futures.pop(shot.index, None)
            src = fut.result() if fut is not None else open_source(shot, self.plan, from_frame=k,
                                                                   sequential=sequential)
            self.sources[shot.index] = src
            if sequential and self.pool is not None:
                nxt = next((s for s in self.plan.shots if s.index == shot.index + 1), None)
                if nxt is not None and SOURCES.get(nxt.kind).prefetch and nxt.index not in self.futures \
                        and nxt.index not in self.sources:
                    self.futures[nxt.index] = self.pool.submit(open_source, nxt, self.plan)
        return src

    def release(self, index: int) -> None:
        src = self.sources.pop(index, None)
        if src is not None:
            if src.short:
                self.short_clips.add(next(s.name for s in self.plan.shots if s.index == index))
            src.close()

    def frame(self, k: int, *, sequential: bool = True) -> Planes:
        """Frame `k`: the caller's to write (read-only when it is a shared static frame; never changed later)."""
        plan = self.plan
        active = plan.active(k)
        if sequential:
            for idx in [i for i in self.sources if all(s.index != i for s in active)]:
                self.release(idx)
        frames = [self.source(s, k, sequential).frame(k) for s in active]
        out = frames[0]
        if len(frames) == 2:
            tr = plan.transition_at(k)
            alpha = tr.alpha(k) if tr is not None else 1.0
            out = TRANSITIONS.get(tr.kind if tr is not None else "cut").draw(frames[0], frames[1], alpha)
        t = k / plan.fps
        for i, layer in enumerate(plan.texts):
            op = _opacity(t, layer.start, layer.end, layer.fade)
            if op > 0:
                ov = self._overlays.get(i)
                if ov is None:
                    ov = self._overlays[i] = text_overlay(layer, plan)
                out = out.mutable()
                ov.draw(out, op)
            elif sequential and t >= layer.end:
                self._overlays.pop(i, None)
        for i, logo in enumerate(plan.logos):  # one per run of shots, in the corner the plan chose
            op = _opacity(t, logo.start, logo.end, 0.3)
            if op > 0:
                ov = self._logos.get(i)
                if ov is None:
                    ov = self._logos[i] = logo_overlay(logo)
                out = out.mutable()
                ov.draw(out, op)
        if not sequential:
            for s in active:
                self.release(s.index)
        return out

    def close(self) -> None:
        for idx in list(self.sources):
            self.release(idx)
        if self.pool is not None:
            for fut in self.futures.values():
                fut.cancel()
            self.pool.shutdown(wait=True)
            for fut in self.futures.values():
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    fut.result().close()
            self.futures.clear()

    def __enter__(self) -> Compositor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _opacity(t: float, start: float, end: float, fade: float) -> float:
    if t < start or t >= end:
        return 0.0
    if fade <= 0:
        return 1.0
    return max(0.0, min(1.0, (t - start) / fade, (end - t) / fade))

