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
from publish_servers import FRESH, GOOD, LONG_USER, serve


@pytest.fixture
def oauth(tmp_path, monkeypatch):
    server, fake, base = serve()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PROMOKIT_CONFIG_DIR", str(tmp_path / "home" / ".config" / "promokit"))
    for s in ("YOUTUBE", "ZALO", "TIKTOK", "FACEBOOK", "INSTAGRAM"):
        monkeypatch.setenv(f"PROMOKIT_{s}_API_BASE", base)
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


# -- Meta: the Page-token step -------------------------------------------------------------------------

PAGES = [{"id": "101", "name": "Văn hóa Lấp Vò", "access_token": "secret-page-a", "tasks": ["CREATE_CONTENT", "ANALYZE"]},
         {"id": "202", "name": "Truyền thanh Lấp Vò", "access_token": "secret-page-b", "tasks": ["CREATE_CONTENT"],
          "ig": "17841400000000202"},
         {"id": "303", "name": "Đoàn Thanh niên", "access_token": "secret-page-c", "tasks": ["ANALYZE"]}]


def _meta_auth(service: str, fake, **kw) -> tuple[str, list[str]]:
    said: list[str] = []
    t = threading.Thread(target=_consent, args=(said,))
    t.start()
    try:
        path = authorize(service, open_browser=False, say=said.append, timeout=20, **kw)
    finally:
        t.join()
    return path, said


def _assert_no_user_token(said: list[str]) -> None:
    text = store_path().read_text(encoding="utf-8") + "\n".join(said)
    for secret in (GOOD, LONG_USER, "app-secret-xyz"):
        assert secret not in text


def test_facebook_keeps_the_chosen_pages_token(oauth):
    fake, base, tmp = oauth
    fake.pages = PAGES
    path, said = _meta_auth("facebook", fake, page="truyền thanh lấp vò")  # by name, any case (NFC)
    entry = read_store()["facebook"]
    assert entry["access_token"] == "secret-page-b" and entry["account"] == "202" and entry["page"] == "202"
    assert entry["page_name"] == "Truyền thanh Lấp Vò" and entry["expires_at"] is None
    assert stat.S_IMODE(store_path().stat().st_mode) == 0o600
    _assert_no_user_token(said)
    assert any("202 (Truyền thanh Lấp Vò)" in line for line in said)
    # the short-lived user token was exchanged for a long-lived one (app secret in the form, not the URL)
    exchange = [f for f in fake.uploads["token_calls"].meta["forms"] if f.get("grant_type") == "fb_exchange_token"]
    assert len(exchange) == 1 and exchange[0]["fb_exchange_token"] == GOOD and exchange[0]["client_id"] == "app-1"
    # the Pages came in two answers (cursor paging), asked with the fields Meta names
    listed = [r for r in fake.requests if r == "GET /v27.0/me/accounts"]
    assert len(listed) == 2
    # the publishers now find the Page token and the Page id
    tokens = TokenSource("facebook_reels", "facebook")
    assert tokens.current() == "secret-page-b" and tokens.account == "202"


def test_facebook_page_by_id_and_the_only_page(oauth):
    fake, base, tmp = oauth
    fake.pages = PAGES
    _meta_auth("facebook", fake, page="101")
    assert read_store()["facebook"]["access_token"] == "secret-page-a"
    fake.pages = PAGES[:1]
    _meta_auth("facebook", fake)  # one Page: no choice needed
    assert read_store()["facebook"]["account"] == "101"


def test_facebook_several_pages_without_a_choice_lists_them(oauth, capsys):
    fake, base, tmp = oauth
    fake.pages = PAGES
    with pytest.raises(PromokitError) as e:
        _meta_auth("facebook", fake)
    text = str(e.value)
    assert "101 (Văn hóa Lấp Vò)" in text and "202 (Truyền thanh Lấp Vò)" in text and "--page" in text
    assert "secret-page" not in text and "facebook" not in read_store()
    with pytest.raises(PromokitError, match="no single Page 'Huyện ủy'"):
        _meta_auth("facebook", fake, page="Huyện ủy")


def test_a_page_role_without_create_content_is_refused(oauth):
    fake, base, tmp = oauth
    fake.pages = PAGES
    with pytest.raises(PromokitError, match="cannot create content"):
        _meta_auth("facebook", fake, page="303")
    assert "facebook" not in read_store()


def test_instagram_keeps_the_page_token_and_the_linked_account(oauth):
    fake, base, tmp = oauth
    fake.pages = PAGES
    path, said = _meta_auth("instagram", fake, account="202")  # --account names the Page too
    entry = read_store()["instagram"]
    assert entry["access_token"] == "secret-page-b" and entry["account"] == "17841400000000202"
    assert entry["page"] == "202"
    assert "GET /v27.0/202" in fake.requests
    _assert_no_user_token(said)
    with pytest.raises(PromokitError, match="no linked Instagram professional account"):
        _meta_auth("instagram", fake, page="101")


def test_auth_cli_takes_the_page(oauth, capsys):
    fake, base, tmp = oauth
    fake.pages = PAGES
    said: list[str] = []
    t = threading.Thread(target=_consent, args=(said,))
    t.start()
    import promokit.publish.auth as auth_module

    real = auth_module.authorize

    def spy(*a, **kw):
        kw["say"] = lambda s: (said.append(s), print(s))
        return real(*a, **kw)

    auth_module.authorize = spy
    try:
        code = main(["auth", "facebook", "--page", "202", "--no-browser"])
    finally:
        auth_module.authorize = real
        t.join()
    out = capsys.readouterr().out
    assert code == 0 and read_store()["facebook"]["account"] == "202"
    assert "secret" not in out and "202 (Truyền thanh Lấp Vò)" in out
