"""`promokit auth` against a loopback OAuth server: PKCE, the loopback redirect, a private token store, refresh."""

from __future__ import annotations

import stat
import threading
import time

import httpx
import pytest

from promokit.cli import main
from promokit.errors import PromokitError
from promokit.publish.auth import authorize, pkce_pair
from promokit.publish.credentials import TokenSource, read_store, store_path, write_store
from publish_servers import FRESH, GOOD, serve


@pytest.fixture
def oauth(tmp_path, monkeypatch):
    server, fake, base = serve()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PROMOKIT_CONFIG_DIR", str(tmp_path / "home" / ".config" / "promokit"))
    for s in ("YOUTUBE", "ZALO", "TIKTOK"):
        monkeypatch.setenv(f"PROMOKIT_{s}_AUTH_URL", f"{base}/oauth/authorize")
        monkeypatch.setenv(f"PROMOKIT_{s}_TOKEN_URL", f"{base}/oauth/token")
        monkeypatch.setenv(f"PROMOKIT_{s}_CLIENT_ID", "app-1")
        monkeypatch.setenv(f"PROMOKIT_{s}_CLIENT_SECRET", "app-secret-xyz")
    yield fake, base, tmp_path
    server.shutdown()
    server.server_close()


def _consent(links: list[str]) -> None:
    """The user's browser: open the printed link, follow the redirects back to the loopback callback."""
    deadline = time.monotonic() + 10
    while not links and time.monotonic() < deadline:
        time.sleep(0.01)
    r = httpx.get(links[0].splitlines()[-1], follow_redirects=True, timeout=10)
    assert r.status_code == 200 and "Done" in r.text


@pytest.mark.parametrize("service", ["youtube", "zalo", "tiktok"])
def test_auth_stores_tokens_privately_outside_the_project(oauth, service):
    fake, base, tmp = oauth
    said: list[str] = []
    t = threading.Thread(target=_consent, args=(said,))
    t.start()
    path = authorize(service, account="lapvo-1", open_browser=False, say=said.append, timeout=20)
    t.join()
    assert stat.S_IMODE(store_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(store_path().parent.stat().st_mode) == 0o700
    assert not str(path).startswith(str(tmp / "output")) and GOOD not in path
    entry = read_store()[service]
    assert entry["access_token"] == GOOD and entry["refresh_token"] == "secret-refresh-r1"
    assert entry["account"] == "lapvo-1" and entry["expires_at"] > time.time()
    query = fake.uploads["oauth"].meta["query"]
    assert query["redirect_uri"].startswith("http://127.0.0.1:") and query["code_challenge_method"] == "S256"
    form = fake.uploads["token_calls"].meta["forms"][-1]
    assert form["code_verifier"]  # the server checked it against the challenge
    if service == "zalo":  # Zalo wants the app secret as a header, the app id as app_id
        assert form["headers"].get("secret_key") == "app-secret-xyz" and form["app_id"] == "app-1"
    if service == "tiktok":
        assert form["client_key"] == "app-1" and "video.upload" in query["scope"]
    assert all(GOOD not in line for line in said)


def test_expired_access_token_is_refreshed_and_the_rotated_refresh_token_kept(oauth):
    write_store("youtube", {"access_token": "old-expired", "refresh_token": "secret-refresh-r1",
                            "expires_at": time.time() - 10, "account": "UC1"})
    from promokit.publish.auth import refresher_for

    tokens = TokenSource("youtube", "youtube", refresher=refresher_for("youtube"))
    assert tokens.current() == FRESH
    assert read_store()["youtube"]["refresh_token"] == "secret-refresh-r2"


def test_refused_refresh_means_re_authorize(oauth):
    write_store("youtube", {"access_token": "old", "refresh_token": "revoked", "expires_at": time.time() + 999})
    from promokit.publish.auth import refresher_for

    tokens = TokenSource("youtube", "youtube", refresher=refresher_for("youtube"))
    assert tokens.refresh() is False


def test_pkce_pair_is_rfc7636():
    import base64
    import hashlib

    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert challenge == base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def test_auth_without_a_client_id_says_what_to_set(oauth, monkeypatch, capsys):
    monkeypatch.delenv("PROMOKIT_YOUTUBE_CLIENT_ID")
    assert main(["auth", "youtube", "--no-browser"]) == 2
    assert "PROMOKIT_YOUTUBE_CLIENT_ID" in capsys.readouterr().err


def test_auth_unknown_platform(oauth, capsys):
    with pytest.raises(PromokitError):
        authorize("myspace", open_browser=False)
    assert main(["auth", "myspace", "--no-browser"]) == 2
    assert "myspace" in capsys.readouterr().err
