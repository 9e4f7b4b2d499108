"""The read side of publishing: how each platform answers "how many views has this post", one small class per
publisher, registered in `READERS` under the publisher's own name (facebook_reels, instagram_reels, youtube, …).

A reader asks through the publisher's HTTP layer (same token, auth header, refresh and "token refused" test as the
publish) and returns, per remote id it asked about, the counts it found: `views`, `reach`, `reactions`, `comments`,
`shares`, `watch_s` (seconds). An id missing from the answer is a post the platform no longer shows (deleted,
private). A platform's "slow down" — its usage headers, a throttling error code, a 429 that outlived the retries —
is `RateLimited`: the caller stops asking that platform for this run and postpones the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from ...errors import PromokitError
from ...registry import Registry
from ..credentials import TokenSource
from ..http import Http
from ..publishers import PUBLISHERS

Counts = dict[str, dict[str, float]]  # remote id -> metric -> value


@dataclass(frozen=True)
class Answer:
    """What one `counts` call found, and how long (s) the platform's headers say to wait before the next call."""

    counts: Counts
    wait_s: float = 0.0


class RateLimited(PromokitError):
    """The platform asks to slow down; `wait_s` is how long it says (0 when it does not say)."""

    wait_s: float = 0.0

    @classmethod
    def after(cls, platform: str, wait_s: float, why: str) -> RateLimited:
        err = cls.fail(f"{platform}: nền tảng yêu cầu giảm tốc ({why}); phần còn lại để lần sau",
                       f"{platform}: the platform asks to slow down ({why}); the rest waits for the next run",
                       fix_vi=f"chạy lại sau {max(1, round(wait_s / 60))} phút",
                       fix_en=f"run again in {max(1, round(wait_s / 60))} min")
        err.wait_s = wait_s
        return err


def num(v: Any) -> float:
    """A count as platforms send it (int, float, numeric string); anything else is 0."""
    try:
        return float(v or 0)
    except (TypeError, ValueError):
        return 0.0


@dataclass(frozen=True)
class Pace:
    """How hard to lean on a platform: above `slow` % of a usage budget wait `pause_s` between calls; at `stop` %
    (or when the platform names a time to regain access) stop for this run."""

    slow: float = 75.0
    stop: float = 95.0
    pause_s: float = 2.0


class CountsReader:
    """One publisher's read side. Subclasses set the class attributes and implement `counts`."""

    platform: ClassVar[str]  # the publisher it reads (a PUBLISHERS name)
    insights: ClassVar[str]  # the snapshots' platform name: facebook, instagram, youtube, tiktok, zalo
    batch: ClassVar[int] = 1  # ids per `counts` call
    pace: ClassVar[Pace] = Pace()

    @property
    def publisher(self) -> Any:
        return PUBLISHERS.get(self.platform)

    def base(self) -> str:
        return self.publisher.api_base().rstrip("/")

    def http(self) -> Http:
        """The publisher's HTTP layer: its token source, auth header and refused-token test."""
        from ..auth import refresher_for

        pub = self.publisher
        tokens = TokenSource(self.platform, pub.service, refresher=refresher_for(pub.service))
        return Http(tokens.who, authorize=lambda: pub.auth_headers(tokens.current()), refresh=tokens.refresh,
                    auth_failed=pub.auth_failed, secrets=tokens.secrets)

    def counts(self, http: Http, base: str, ids: list[str]) -> Answer:
        """The counts of `ids` (at most `batch`); an id left out is gone from the platform."""
        raise NotImplementedError

    def wait_after(self, headers: Mapping[str, str]) -> float:
        """Seconds to wait before the next call, read from the answer's rate-limit headers (RateLimited to stop).
        Generic `X-RateLimit-Remaining` / `X-RateLimit-Reset` (s); platforms with their own headers override."""
        left, reset = headers.get("x-ratelimit-remaining"), headers.get("x-ratelimit-reset")
        if left is not None and num(left) <= 0:
            wait = num(reset)
            if wait > 1e9:  # an epoch time, not seconds
                import time

                wait = max(0.0, wait - time.time())
            if wait > 60:
                raise RateLimited.after(self.platform, wait, "X-RateLimit-Remaining: 0")
            return wait
        return 0.0

    def call(self, http: Http, method: str, url: str, **kw: Any) -> tuple[dict[str, Any], httpx.Headers]:
        """One request through the layer (retries, 429 Retry-After); the JSON answer and its headers."""
        r = http.request(method, url, **kw)
        try:
            data = r.json()
        except ValueError:
            raise http.refused(method, url, r, "trả lời không phải JSON / the answer is not JSON") from None
        return (data if isinstance(data, dict) else {"data": data}), r.headers


READERS: Registry[CountsReader] = Registry("nguồn số liệu", "counts reader")


def register(cls: type[CountsReader]) -> type[CountsReader]:
    """Class decorator: one instance under `cls.platform` (the publisher's name)."""
    READERS.add(cls.platform, cls())
    return cls
