"""Credentials: tokens from the environment or a git-ignored `.env`, or from `promokit auth`'s store.

Names: `PROMOKIT_<PLATFORM>_TOKEN`, `PROMOKIT_<PLATFORM>_ACCOUNT` (page, channel, Instagram user or OA id)
and `PROMOKIT_<PLATFORM>_API_BASE`, where PLATFORM is the platform id (FACEBOOK_REELS) or its service
(FACEBOOK, shared by facebook_reels and facebook_feed; YOUTUBE for both YouTube presets).

`promokit auth <service>` keeps the refresh token (and the current access token with its expiry) in
`~/.config/promokit/credentials.json` (or `$PROMOKIT_CONFIG_DIR`, `$XDG_CONFIG_HOME/promokit`), a file
readable only by its owner and outside the project. Access tokens are refreshed when they expire.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from ..errors import UsageError


def env_value(name: str, *, cwd: Path | None = None) -> str | None:
    """`name` from the environment, else from `.env` in the working folder (never written anywhere)."""
    if os.environ.get(name):
        return os.environ[name]
    env_file = (cwd or Path.cwd()) / ".env"
    if env_file.is_file():
        v = dotenv_values(env_file).get(name)
        return v or None
    return None


def lookup(platform: str, service: str, what: str) -> str | None:
    """PROMOKIT_<PLATFORM>_<WHAT>, else PROMOKIT_<SERVICE>_<WHAT>."""
    for key in dict.fromkeys((platform, service)):
        v = env_value(f"PROMOKIT_{key.upper()}_{what}")
        if v:
            return v.strip()
    return None


def config_dir() -> Path:
    if os.environ.get("PROMOKIT_CONFIG_DIR"):
        return Path(os.environ["PROMOKIT_CONFIG_DIR"])
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "promokit"


def store_path() -> Path:
    return config_dir() / "credentials.json"


def read_store() -> dict[str, dict[str, Any]]:
    p = store_path()
    if not p.is_file():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_store(service: str, entry: dict[str, Any]) -> Path:
    """Save one service's tokens in the user's store (mode 0600, folder 0700), atomically."""
    p = store_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(p.parent, 0o700)
    data = read_store()
    data[service] = entry
    tmp = p.with_name(f".{p.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    finally:
        tmp.unlink(missing_ok=True)
    return p


@dataclass
class TokenSource:
    """The access token of one platform: from the environment, else from the auth store (refreshed).

    `refresher(entry) -> entry` exchanges the stored refresh token for a new access token (set by the
    auth module for services with OAuth refresh)."""

    platform: str
    service: str
    refresher: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    _token: str | None = field(default=None, repr=False)
    _from_env: bool = False

    @property
    def account(self) -> str:
        return lookup(self.platform, self.service, "ACCOUNT") or str(read_store().get(self.service, {}).get("account", ""))

    @property
    def who(self) -> str:
        return f"{self.platform} ({self.account or '?'})"

    def current(self) -> str:
        if self._token:
            return self._token
        env = lookup(self.platform, self.service, "TOKEN")
        if env:
            self._token, self._from_env = env, True
            return env
        entry = read_store().get(self.service)
        if not entry:
            raise UsageError.fail(
                f"chưa có mã truy cập cho {self.platform}", f"no token for {self.platform}",
                field=f"PROMOKIT_{self.service.upper()}_TOKEN",
                fix_vi=f"chạy promokit auth {self.service}, hoặc đặt PROMOKIT_{self.service.upper()}_TOKEN trong .env",
                fix_en=f"run promokit auth {self.service}, or set PROMOKIT_{self.service.upper()}_TOKEN in .env")
        if entry.get("expires_at") and float(entry["expires_at"]) < time.time() + 60 and entry.get("refresh_token"):
            entry = self._refresh(entry)
        self._token = str(entry.get("access_token") or "")
        return self._token

    def _refresh(self, entry: dict[str, Any]) -> dict[str, Any]:
        if self.refresher is None:
            return entry
        new = self.refresher(entry)
        write_store(self.service, new)
        return new

    def refresh(self) -> bool:
        """Get a new access token after the platform refused the current one; False when there is no way."""
        entry = read_store().get(self.service)
        if not entry or not entry.get("refresh_token") or self.refresher is None:
            return False
        if self._from_env and env_value(f"PROMOKIT_{self.service.upper()}_TOKEN") == self._token:
            self._from_env = False  # the environment's token was refused: fall back to the stored one
        try:
            entry = self._refresh(entry)
        except Exception:  # noqa: BLE001 - any refresh failure means: re-authorize (said by the caller)
            return False
        self._token = str(entry.get("access_token") or "") or None
        return bool(self._token)

    def secrets(self) -> list[str]:
        """Every secret this source knows (to mask them from messages)."""
        entry = read_store().get(self.service, {})
        return [s for s in (self._token, entry.get("access_token"), entry.get("refresh_token")) if s]
