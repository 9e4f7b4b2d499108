"""The one HTTP layer every publisher uses: httpx with tenacity retries, bodies streamed from disk.

Retried, with exponential backoff and full jitter: connection errors (refused, dropped, timed out), 429
(honouring Retry-After) and 5xx. Never retried: other 4xx. A refused or expired token is an `AuthError`;
the layer asks its token source to refresh once, then gives up with "re-authorize <platform> (<account>)".
Uploads are never blindly re-sent: a publisher's resume loop (`resume_upload`) asks the server how much it
holds and goes on from there. Bodies are read from disk in `CHUNK` blocks, so memory does not grow with
the file. Nothing here logs or raises a token: error messages carry the method, the URL without its query
and the server's message, masked.
"""

from __future__ import annotations

import os
import random
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ..errors import PromokitError
from .secrets import mask

CHUNK = 1024 * 1024  # bytes per read from disk while streaming a body; 256 KiB to 4 MiB blocks measured no faster on
# loopback (the copies per byte are the same) and 16 MiB slower (CPU +80 %: fresh large allocations every block)


class PublishHttpError(PromokitError):
    """A platform refused a request (4xx) or kept failing (5xx, connection) after the retries."""

    status: int | None = None
    body: Any = None

    @classmethod
    def make(cls, vi: str, en: str, *, fix_vi: str = "", fix_en: str = "", status: int | None = None,
             body: Any = None) -> PublishHttpError:
        err = cls.fail(vi, en, fix_vi=fix_vi, fix_en=fix_en)
        err.status, err.body = status, body
        return err


class AuthError(PublishHttpError):
    """The platform refused the token (expired, revoked or lacking a permission)."""


class Retryable(Exception):
    """A response worth retrying (429, 5xx); carries the server's Retry-After (s) if any."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = _retry_after(response)


def _retry_after(r: httpx.Response) -> float | None:
    v = r.headers.get("retry-after")
    if not v:
        return None
    try:
        return max(0.0, float(v))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(v).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def short_url(url: str | httpx.URL) -> str:
    """A URL without its query and fragment (where tokens and signatures could be)."""
    p = urlsplit(str(url))
    return urlunsplit((p.scheme, p.netloc, p.path, "", ""))


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts and backoff (s): full jitter over min(cap, base * 2**n); Retry-After wins when longer."""

    attempts: int = 8
    base: float = 0.5
    cap: float = 60.0
    max_retry_after: float = 900.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """PROMOKIT_HTTP_BACKOFF (s, base) and PROMOKIT_HTTP_ATTEMPTS tune the policy (tests make it quick)."""
        return cls(attempts=int(os.environ.get("PROMOKIT_HTTP_ATTEMPTS", cls.attempts)),
                   base=float(os.environ.get("PROMOKIT_HTTP_BACKOFF", cls.base)))

    def wait(self, attempt: int, error: BaseException | None) -> float:
        delay = random.uniform(0, min(self.cap, self.base * 2 ** max(0, attempt - 1)))
        if isinstance(error, Retryable) and error.retry_after is not None:
            delay = max(delay, min(error.retry_after, self.max_retry_after))
        return delay


def _retryable(e: BaseException) -> bool:
    return isinstance(e, (Retryable, httpx.TransportError))


def file_body(path: Path, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    """The bytes of `path` from `start` (at most `length`), read in CHUNK blocks."""
    with open(path, "rb") as f:
        f.seek(start)
        left = length if length is not None else os.fstat(f.fileno()).st_size - start
        while left > 0:
            block = f.read(min(CHUNK, left))
            if not block:
                break
            left -= len(block)
            yield block


class Http:
    """One client per publish: retries, token refresh and masked errors.

    `authorize()` returns the auth headers for the current token; `refresh()` returns True when it got a
    new token (then the request is sent once more); `who` is "<platform> (<account>)" for messages;
    `auth_failed(response)` tells a refused token apart from other errors (platforms say it differently).
    """

    def __init__(self, who: str, *, authorize: Callable[[], Mapping[str, str]] = dict,
                 refresh: Callable[[], bool] = lambda: False,
                 auth_failed: Callable[[httpx.Response], bool] | None = None,
                 secrets: Callable[[], list[str]] = list, policy: RetryPolicy | None = None,
                 timeout: float = 60.0) -> None:
        self.who = who
        self.authorize, self.refresh, self.secrets = authorize, refresh, secrets
        self.auth_failed = auth_failed or (lambda r: r.status_code == 401)
        self.policy = policy or RetryPolicy.from_env()
        # TCP_NODELAY: a chunk's last segment must not wait for the server's delayed ACK (~40 ms per request)
        transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=15.0), follow_redirects=False,
                                   headers={"User-Agent": "promokit-publish/1"}, transport=transport)
        self.sleep = time.sleep

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backoff(self, attempt: int, error: BaseException | None) -> None:
        self.sleep(self.policy.wait(attempt, error))

    def _send(self, method: str, url: str, *, auth: bool, headers: Mapping[str, str] | None,
              body: Callable[[], Any] | None, fresh: Callable[[], dict[str, Any]] | None = None,
              **kw: Any) -> httpx.Response:
        h = {**(self.authorize() if auth else {}), **(headers or {})}
        if body is not None:
            kw["content"] = body()
        if fresh is not None:
            kw.update(fresh())
        r = self.client.request(method, url, headers=h, **kw)
        if r.status_code == 429 or r.status_code >= 500:
            raise Retryable(r)
        return r

    def request(self, method: str, url: str, *, auth: bool = True, headers: Mapping[str, str] | None = None,
                body: Callable[[], Any] | None = None, retry: bool = True, ok: tuple[int, ...] = (),
                **kw: Any) -> httpx.Response:
        """Send one request; return the response when it is 2xx/3xx (or in `ok`).

        `body` makes the content afresh for each attempt (a file stream cannot be re-read). Without `retry`,
        connection errors, 429 and 5xx are raised at once (`httpx.TransportError` or `Retryable`) for the
        caller's resume loop.
        """
        refreshed = False
        while True:
            if retry:
                retrying = Retrying(stop=stop_after_attempt(self.policy.attempts), retry=retry_if_exception(_retryable),
                                    wait=lambda rs: self.policy.wait(rs.attempt_number, _exc(rs)), sleep=self.sleep,
                                    reraise=True)
                try:
                    r = retrying(self._send, method, url, auth=auth, headers=headers, body=body, **kw)
                except (Retryable, httpx.TransportError) as e:
                    raise self.gave_up(method, url, e) from None
            else:
                r = self._send(method, url, auth=auth, headers=headers, body=body, **kw)
            if auth and self.auth_failed(r):
                if not refreshed and self.refresh():
                    refreshed = True
                    continue
                raise self.reauthorize(r)
            if r.status_code >= 400 and r.status_code not in ok:
                raise self.refused(method, url, r)
            return r

    def json(self, method: str, url: str, **kw: Any) -> dict:
        r = self.request(method, url, **kw)
        try:
            data = r.json()
        except ValueError:
            raise self.refused(method, url, r, "trả lời không phải JSON / the answer is not JSON") from None
        return data if isinstance(data, dict) else {"data": data}

    # -- errors (masked) ---------------------------------------------------------------------------
    def _text(self, r: httpx.Response) -> str:
        try:
            text = r.text[:300]
        except (UnicodeDecodeError, httpx.ResponseNotRead):
            text = ""
        return mask(" ".join(text.split()), self.secrets())

    def reauthorize(self, r: httpx.Response) -> AuthError:
        return AuthError.make(
            f"{self.who} từ chối mã truy cập (HTTP {r.status_code}): cần cấp quyền lại",
            f"{self.who} refused the token (HTTP {r.status_code}): re-authorize {self.who}",
            fix_vi=f"chạy: promokit auth {self.who.split(' ')[0]} (hoặc đặt mã mới trong .env)",
            fix_en=f"run: promokit auth {self.who.split(' ')[0]} (or set a new token in .env)",
            status=r.status_code)

    def refused(self, method: str, url: str, r: httpx.Response, why: str = "") -> PublishHttpError:
        text = why or self._text(r)
        body: Any = None
        try:
            body = r.json()
        except ValueError:
            pass
        return PublishHttpError.make(
            f"{self.who} từ chối {method} {short_url(url)} (HTTP {r.status_code}): {text}",
            f"{self.who} refused {method} {short_url(url)} (HTTP {r.status_code})",
            fix_vi="xem thông báo của nền tảng; sửa gói hoặc quyền của ứng dụng rồi chạy lại",
            fix_en="read the platform's message; fix the package or the app's permissions and run again",
            status=r.status_code, body=body)

    def gave_up(self, method: str, url: str, e: BaseException) -> PublishHttpError:
        what = f"HTTP {e.response.status_code}" if isinstance(e, Retryable) else type(e).__name__
        return PublishHttpError.make(
            f"{self.who}: {method} {short_url(url)} vẫn lỗi sau {self.policy.attempts} lần thử ({what})",
            f"{self.who}: {method} {short_url(url)} still failing after {self.policy.attempts} attempts ({what})",
            fix_vi="chạy lại sau; phần đã tải lên được giữ", fix_en="run again later; what was uploaded is kept",
            status=e.response.status_code if isinstance(e, Retryable) else None)

    # -- resumable uploads -------------------------------------------------------------------------
    def resume_upload(self, total: int, offset: int, send: Callable[[int], int], query: Callable[[], int],
                      progress: Callable[[int], None] = lambda n: None) -> int:
        """Upload until the server holds `total` bytes: `send(offset)` sends from `offset` and returns the new
        offset; after a connection error, 429 or 5xx, wait (backoff) and `query()` the server's offset."""
        failures = 0
        while offset < total:
            try:
                offset = send(offset)
                failures = 0
            except (Retryable, httpx.TransportError) as e:
                failures += 1
                if failures >= self.policy.attempts:
                    raise self.gave_up("PUT", "upload", e) from None
                self.backoff(failures, e)
                offset = self._query(query)
            progress(offset)
        return offset

    def _query(self, query: Callable[[], int]) -> int:
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return query()
            except (Retryable, httpx.TransportError) as e:
                if attempt == self.policy.attempts:
                    raise self.gave_up("GET", "upload status", e) from None
                self.backoff(attempt, e)
        raise AssertionError("unreachable")


def _exc(rs: RetryCallState) -> BaseException | None:
    return rs.outcome.exception() if rs.outcome is not None else None
