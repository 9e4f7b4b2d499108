"""The publisher contract: one small class per platform, registered by name in `PUBLISHERS`.

A publisher says what it will send (`request`, pure: it goes into post.json) and sends it (`publish`),
step by step through a `Job`: `job.once(name, fn)` runs `fn` only when the ledger has no record of that
step, and records its result before anything else happens. A re-run therefore skips what is done and
resumes uploads from the offset the server reports.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from ...errors import PromokitError
from ...registry import Registry
from ..credentials import lookup
from ..http import Http

if TYPE_CHECKING:
    from ..ledger import PublishLedger
    from ..package import PostJson


class PublishFailed(PromokitError):
    """The platform reported that the post failed (processing error, rejected video)."""


class StillProcessing(PromokitError):
    """The platform is still processing the upload; run again later (the state is kept)."""


@dataclass(frozen=True)
class Outcome:
    """What a publish produced: the platform's id of the post, its public URL (if any) and a note."""

    remote_id: str
    url: str = ""
    note: str = ""


@dataclass
class Job:
    """One package being published: its post.json, files, HTTP layer, account and ledger steps."""

    post: PostJson
    folder: Path
    http: Http
    account: str
    ledger: PublishLedger
    post_id: int
    base: str
    direct: bool = False
    held: bool = False  # handed over for the platform to publish at post.schedule (its own scheduling)
    poll_every: float = 5.0  # s between status polls
    poll_for: float = 600.0  # s before giving up for this run (the state is kept)
    progress: Callable[[int, int], None] = lambda sent, total: None
    extra: dict[str, Any] = field(default_factory=dict)
    _written: float = field(default=0.0, repr=False)  # time.monotonic() of the last progress write
    _pending: dict[str, Any] = field(default_factory=dict, repr=False)  # progress for the next commit

    @property
    def request(self) -> dict[str, Any]:
        """What is sent besides the files: post.json's `request`, or `scheduling.request` when the platform
        holds the post until its time."""
        if self.held and self.post.scheduling is not None and self.post.scheduling.request is not None:
            return self.post.scheduling.request
        return self.post.request

    @property
    def video(self) -> Path:
        return self.folder / self.post.video.file

    @property
    def cover(self) -> Path:
        return self.folder / self.post.cover.file

    @property
    def size(self) -> int:
        return self.post.video.bytes

    def url(self, path: str) -> str:
        return self.base.rstrip("/") + "/" + path.lstrip("/")

    def step(self, name: str) -> dict | None:
        return self.ledger.step(self.post_id, name)

    def save(self, name: str, data: Mapping[str, Any], **fields: Any) -> dict:
        """Record step `name` (and `fields` of the post's row, with any progress not yet written) in one commit."""
        self.ledger.save(self.post_id, name, dict(data), **{**self._pending, **fields})
        self._pending = {}
        return dict(data)

    def forget(self, *names: str) -> None:
        self.ledger.forget(self.post_id, *names)

    def once(self, name: str, fn: Callable[[], Mapping[str, Any]]) -> dict:
        """The recorded result of step `name`, or run `fn` and record its result first."""
        done = self.step(name)
        return done if done is not None else self.save(name, fn())

    def commit(self, name: str, send: Callable[[], Mapping[str, Any]],
               recover: Callable[[], Mapping[str, Any] | None]) -> dict:
        """A step that creates something on the platform (publish, create): recorded as begun before it is
        sent; when a previous run began it but left no result (a crash), `recover()` asks the platform
        whether it happened (its result, or None to send it now). Never sent twice knowingly."""
        done = self.step(name)
        if done is not None:
            return done
        if self.step(name + ".begun") is not None:
            found = recover()
            if found is not None:
                return self.save(name, {**found, "recovered": True})
        self.save(name + ".begun", {})
        return self.save(name, send())

    def sent(self, offset: int) -> None:
        """Progress (bytes the platform holds): shown at once, written to the ledger at most once a second;
        the last figure goes with the next step's commit (the upload's end is always followed by one: its
        `save("uploaded")`), not in a commit of its own. A resume asks the platform, or reads the steps,
        never this figure."""
        now = time.monotonic()
        if offset >= self.size:
            self._pending.update(sent=offset, total=self.size)
        elif now - self._written >= 1.0:
            self.ledger.update(self.post_id, sent=offset, total=self.size)
            self._written = now
        self.progress(offset, self.size)

    def note(self, **fields: Any) -> None:
        """Set fields of the post's row (with any progress not yet written), one commit."""
        self.ledger.update(self.post_id, **{**self._pending, **fields})
        self._pending = {}

    def poll(self, fetch: Callable[[], tuple[str, Any]], done: set[str], failed: set[str], what: str) -> Any:
        """Call `fetch() -> (status, data)` every `poll_every` s until status is in `done` (return data);
        PublishFailed for `failed`; StillProcessing after `poll_for` s."""
        deadline = time.monotonic() + self.poll_for
        while True:
            status, data = fetch()
            if status in done:
                return data
            if status in failed:
                raise PublishFailed.fail(f"{self.post.platform}: {what} thất bại ({status})",
                                         f"{self.post.platform}: {what} failed ({status})",
                                         fix_vi="xem thông báo của nền tảng, sửa video rồi tạo lại gói",
                                         fix_en="read the platform's message, fix the video and rebuild the package")
            if time.monotonic() >= deadline:
                raise StillProcessing.fail(f"{self.post.platform}: {what} chưa xong ({status})",
                                           f"{self.post.platform}: {what} not finished yet ({status})",
                                           fix_vi="chạy lại lệnh sau ít phút", fix_en="run the command again in a few minutes")
            time.sleep(self.poll_every)


@dataclass(frozen=True)
class NativeSchedule:
    """A platform that holds a post until its time (its own scheduling): the fields that ask for it, and how
    soon and how far ahead of the time (s) it takes the post."""

    how: str
    min_lead: float
    max_ahead: float

    def accepts(self, when: dt.datetime, now: dt.datetime) -> bool:
        return self.min_lead <= (when - now).total_seconds() <= self.max_ahead


DAY = 86_400.0  # s


class Publisher:
    """One platform's publisher. Subclasses set the class attributes and implement `request` and `publish`;
    a platform with its own scheduling sets `native` and implements `held_request`."""

    platform: ClassVar[str]
    service: ClassVar[str]  # credential group: facebook, instagram, youtube, tiktok, zalo
    base: ClassVar[str]  # default API base URL (PROMOKIT_<PLATFORM>_API_BASE overrides it)
    native: ClassVar[NativeSchedule | None] = None  # None: promokit's queue (`publish --due`) holds the post
    #: How the platform takes the cover: "file" (uploaded), "url" (fetched from publish.yml's cover_base_url),
    #: "frame" (a time in the video: the package finds when the video shows its cover, facts["cover_ms"]).
    covers: ClassVar[frozenset[str]] = frozenset({"file"})

    def api_base(self) -> str:
        return lookup(self.platform, self.service, "API_BASE") or self.base

    def auth_headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def auth_failed(self, r: httpx.Response) -> bool:
        """Does this response mean the token was refused (expired, revoked)?"""
        return r.status_code == 401

    def request(self, post: PostJson) -> dict[str, Any]:
        """What a live publish sends besides the files (pure; no secrets): goes into post.json."""
        raise NotImplementedError

    def publish(self, job: Job) -> Outcome:
        """Send the package, step by step (each recorded in the ledger before the next)."""
        raise NotImplementedError

    def held_request(self, post: PostJson, when: dt.datetime) -> dict[str, Any] | None:
        """The request asking the platform to publish at `when` (pure); None when it cannot hold this post."""
        return None

    def scheduling(self, post: PostJson) -> dict[str, Any] | None:
        """post.json's `scheduling` of a scheduled post: who holds it until its time, and what is sent when
        the platform does (pure; None for a post without a schedule)."""
        if post.schedule is None:
            return None
        held = self.held_request(post, post.schedule) if self.native is not None else None
        if held is None or self.native is None:
            return {"held_by": "promokit", "how": "promokit publish --due", "window": None, "request": None}
        return {"held_by": "platform", "how": self.native.how, "window": [self.native.min_lead, self.native.max_ahead],
                "request": held}


def when_to_send(pub: Publisher, post: PostJson, now: dt.datetime) -> tuple[str, dt.datetime | None]:
    """("now", None): publish now (no schedule, or its time has come); ("platform", T): hand it over now for
    the platform to publish at T; ("wait", T): nothing yet, promokit sends it at T (`publish --due`)."""
    when = post.schedule
    if when is None or when <= now:
        return "now", None
    sch, native = post.scheduling, pub.native
    if native is not None and sch is not None and sch.held_by == "platform":
        if native.accepts(when, now):
            return "platform", when
        if (when - now).total_seconds() > native.max_ahead:
            return "wait", when - dt.timedelta(seconds=native.max_ahead)
    return "wait", when


PUBLISHERS: Registry[Publisher] = Registry("nền tảng đăng", "publisher")


def register(cls: type[Publisher]) -> type[Publisher]:
    """Class decorator: `@register` adds one instance under `cls.platform`."""
    PUBLISHERS.add(cls.platform, cls())
    return cls
