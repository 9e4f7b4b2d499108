"""Audience counts through the platforms' APIs, against loopback fakes: the exact requests each reader sends
(paths, metrics, auth header), the snapshots stored, and the politeness rules (429 Retry-After, usage headers,
throttling codes, one failing post, a refused token, incremental skipping)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from promokit import cli
from promokit.catalog import Catalog
from promokit.publish.publishers import PUBLISHERS
from promokit.publish.publishers.meta import GRAPH_VERSION as V
from promokit.publish.readers import READERS
from promokit.report import fetch
from promokit.report.fetch import fetch_counts
from promokit.report.history import History, PostEvent, write_history
from promokit.report.insights import read_snapshots

D = dt.date
DAY = D(2024, 4, 21)
FB_TOKEN, IG_TOKEN, ZALO_TOKEN, TT_TOKEN, YT_TOKEN = ("secret-fb-1", "secret-ig-2", "secret-zalo-3", "secret-tt-4",
                                                     "secret-yt-5")
REELS = "blue_reels_play_count,post_impressions_unique,post_video_view_time,post_video_social_actions," \
        "post_video_likes_by_reaction_type"
VIDEO = "total_video_views,total_video_impressions_unique,total_video_view_total_time," \
        "total_video_reactions_by_type_total,total_video_stories_by_action_type"
IG = "views,reach,likes,comments,shares,ig_reels_video_view_total_time"


class Fake:
    """A loopback platform: `route(method, path, query, body) -> (status, headers, json)`; every request kept
    as (method, path, query, auth header value, body)."""

    def __init__(self, route) -> None:
        self.route, self.requests = route, []
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _any(self):
                u = urlsplit(self.path)
                q = dict(parse_qsl(u.query))
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"null") if n else None
                auth = self.headers.get("Authorization") or self.headers.get("access_token") or ""
                outer.requests.append((self.command, u.path, q, auth, body))
                status, headers, data = outer.route(self.command, u.path, q, body)
                raw = json.dumps(data).encode()
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", "Content-Length": str(len(raw)), **headers}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _any  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PROMOKIT_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("PROMOKIT_HTTP_ATTEMPTS", "3")
    for k, v in {"FACEBOOK": FB_TOKEN, "INSTAGRAM": IG_TOKEN, "ZALO": ZALO_TOKEN, "TIKTOK": TT_TOKEN,
                 "YOUTUBE": YT_TOKEN}.items():
        monkeypatch.setenv(f"PROMOKIT_{k}_TOKEN", v)
    fakes: list[Fake] = []

    def serve(route, *services):
        fake = Fake(route)
        fakes.append(fake)
        for s in services:
            monkeypatch.setenv(f"PROMOKIT_{s.upper()}_API_BASE", fake.base)
        return fake

    yield serve
    for f in fakes:
        f.close()


def _ledger(tmp_path, *posts: tuple[str, str]):
    ledger = Catalog(tmp_path / "output").ledger
    write_history(ledger, History(posts=[PostEvent(f"c{i}", D(2024, 4, 1), platform, "published", rid,
                                                    f"https://example.test/{rid}")
                                          for i, (platform, rid) in enumerate(posts)]))
    return ledger


def _rows(*pairs):
    return {"data": [{"name": n, "period": "lifetime", "values": [{"value": v}]} for n, v in pairs]}


GONE = (400, {}, {"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100,
                            "error_subcode": 33}})


def _meta(method, path, q, body):
    _, version, rid, edge = path.split("/")
    assert version == V  # the publisher's Graph API version
    if rid == "R1":
        return 200, {}, _rows(("blue_reels_play_count", 1500), ("post_impressions_unique", 900),
                              ("post_video_view_time", 4_500_000),
                              ("post_video_social_actions", {"COMMENT": 5, "SHARE": 2}),
                              ("post_video_likes_by_reaction_type", {"REACTION_LIKE": 40, "REACTION_LOVE": 3}))
    if rid == "V1":
        return 200, {}, _rows(("total_video_views", 700), ("total_video_impressions_unique", 650),
                              ("total_video_view_total_time", 120_000),
                              ("total_video_reactions_by_type_total", {"like": 11, "love": 1}),
                              ("total_video_stories_by_action_type", {"share": 3, "like": 12, "comment": 4}))
    if rid == "M1":
        return 200, {}, {"data": [{"name": n, "period": "lifetime", "values": [{"value": v}]} for n, v in
                                  (("views", 2100), ("reach", 1800), ("likes", 90), ("comments", 7), ("shares", 6),
                                   ("ig_reels_video_view_total_time", 9_000_000))]}
    if rid == "M2":
        return 500, {}, {"error": {"message": "An unexpected error has occurred.", "code": 2}}
    return GONE


def test_meta_reels_page_video_and_instagram(tmp_path, env, capsys):
    fake = env(_meta, "facebook", "instagram")
    _ledger(tmp_path, ("facebook_reels", "R1"), ("facebook_reels", "R2"), ("facebook_feed", "V1"),
            ("instagram_reels", "M1"), ("instagram_reels", "M2"), ("youtube", "Y1"))
    code = cli.main(["insights", "--fetch", "--platform", "facebook", "--date", "21/4/2024",
                     "--output", str(tmp_path / "output")])
    assert code == 0  # facebook only: Instagram's failing M2 is not asked
    asked = {(p, q["metric"], q.get("period"), a) for m, p, q, a, _ in fake.requests}
    assert asked == {(f"/{V}/R1/video_insights", REELS, "lifetime", f"OAuth {FB_TOKEN}"),
                     (f"/{V}/R2/video_insights", REELS, "lifetime", f"OAuth {FB_TOKEN}"),
                     (f"/{V}/V1/video_insights", VIDEO, "lifetime", f"OAuth {FB_TOKEN}")}
    assert "R2" in capsys.readouterr().err  # deleted there: named, not counted
    code = cli.main(["insights", "--fetch", "--platform", "instagram", "--date", "21/4/2024",
                     "--output", str(tmp_path / "output")])
    assert code == 1  # M2 failed (named), M1 still stored
    err = capsys.readouterr().err
    assert "M2" in err and IG_TOKEN not in err
    ig = [(p, q) for m, p, q, a, _ in fake.requests if p.startswith(f"/{V}/M")]
    assert (f"/{V}/M1/insights", {"metric": IG}) in ig  # no period: Instagram media insights are lifetime
    got = {s.remote_id: s for s in read_snapshots(Catalog(tmp_path / "output").ledger)}
    assert set(got) == {"R1", "V1", "M1"}
    r1, v1, m1 = got["R1"], got["V1"], got["M1"]
    assert (r1.platform, r1.taken, r1.views, r1.reach, r1.reactions, r1.comments, r1.shares, r1.watch_s, r1.url) == (
        "facebook", DAY, 1500, 900, 43, 5, 2, 4500, "https://example.test/R1")
    assert (v1.platform, v1.views, v1.reach, v1.reactions, v1.comments, v1.shares, v1.watch_s) == (
        "facebook", 700, 650, 12, 4, 3, 120)
    assert (m1.platform, m1.views, m1.reach, m1.reactions, m1.comments, m1.shares, m1.watch_s) == (
        "instagram", 2100, 1800, 90, 7, 6, 9000)


def test_a_retired_metric_costs_that_figure_not_the_snapshot(tmp_path, env):
    def route(method, path, q, body):
        if "post_impressions_unique" in q["metric"]:
            return 400, {}, {"error": {"message": "(#100) The value must be a valid insights metric", "code": 100}}
        return 200, {}, _rows(("blue_reels_play_count", 321))

    fake = env(route, "facebook")
    ledger = _ledger(tmp_path, ("facebook_reels", "R1"))
    got = fetch_counts(ledger, "facebook_reels", taken=DAY)
    assert [q["metric"] for _, _, q, _, _ in fake.requests] == [REELS, "blue_reels_play_count"]
    (s,) = read_snapshots(ledger)
    assert (s.views, s.reach, got.failed) == (321, 0, [])


def test_meta_usage_headers_slow_down_then_stop(tmp_path, env, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(fetch, "_sleep", slept.append)
    usage = iter([{"X-App-Usage": json.dumps({"call_count": 80, "total_cputime": 10, "total_time": 12})},
                  {"X-Business-Use-Case-Usage": json.dumps({"123": [{"type": "pages", "call_count": 40,
                                                                     "total_cputime": 5, "total_time": 5,
                                                                     "estimated_time_to_regain_access": 7}]})}])
    fake = env(lambda m, p, q, b: (200, next(usage), _rows(("blue_reels_play_count", 10))), "facebook")
    ledger = _ledger(tmp_path, ("facebook_reels", "A"), ("facebook_reels", "B"), ("facebook_reels", "C"),
                     ("facebook_reels", "D"))
    got = fetch_counts(ledger, "facebook", taken=DAY)
    assert len(fake.requests) == 2 and slept == [2.0]  # 80 %: a pause; a time to regain access: stop
    assert [s.remote_id for s in read_snapshots(ledger)] == ["A"]  # the answer that said "stop" is not trusted
    assert got.postponed == [("facebook_reels", "B"), ("facebook_reels", "C"), ("facebook_reels", "D")]


def test_a_throttling_code_postpones_the_rest(tmp_path, env):
    fake = env(lambda m, p, q, b: (403, {}, {"error": {"message": "(#32) Page request limit reached", "code": 32}}),
               "instagram")
    ledger = _ledger(tmp_path, ("instagram_reels", "M1"), ("instagram_reels", "M2"))
    got = fetch_counts(ledger, "instagram", taken=DAY)
    assert len(fake.requests) == 1 and got.failed == [] and [r for _, r in got.postponed] == ["M1", "M2"]


def test_incremental_skips_recent_snapshots_unless_forced(tmp_path, env):
    fake = env(lambda m, p, q, b: (200, {}, _rows(("blue_reels_play_count", 5))), "facebook")
    ledger = _ledger(tmp_path, ("facebook_reels", "A"), ("facebook_reels", "B"))
    assert fetch_counts(ledger, "all", taken=DAY).added == 2
    again = fetch_counts(ledger, "all", taken=DAY + dt.timedelta(days=3), every_days=7)
    assert (again.skipped, again.added, len(fake.requests)) == (2, 0, 2)
    forced = fetch_counts(ledger, "all", taken=DAY + dt.timedelta(days=3), every_days=7, force=True)
    assert (forced.added, len(fake.requests)) == (2, 4)
    week = fetch_counts(ledger, "all", taken=DAY + dt.timedelta(days=10), every_days=7)
    assert (week.skipped, week.added) == (0, 2)
    assert len({s.taken for s in read_snapshots(ledger)}) == 3  # never overwritten: three days kept


def test_a_refused_token_stops_that_platform_only(tmp_path, env):
    env(lambda m, p, q, b: (401, {}, {"error": {"message": "Error validating access token", "code": 190}}),
        "instagram")
    env(lambda m, p, q, b: (200, {}, _rows(("blue_reels_play_count", 5))), "facebook")
    ledger = _ledger(tmp_path, ("instagram_reels", "M1"), ("instagram_reels", "M2"), ("facebook_reels", "R1"))
    got = fetch_counts(ledger, "all", taken=DAY)
    assert [s.remote_id for s in got.snapshots] == ["R1"]
    (fail,) = got.failed
    assert fail[0] == "instagram_reels" and "promokit auth instagram" in fail[2] and IG_TOKEN not in fail[2]
    assert [r for _, r in got.postponed] == ["M1", "M2"]


def test_zalo_reads_the_article_list(tmp_path, env):
    pages = {0: [{"id": f"Z{i}", "total_view": 100 + i, "total_share": i} for i in range(10)],
             10: [{"id": f"Z{i}", "total_view": 100 + i, "total_share": i} for i in range(10, 13)]}
    fake = env(lambda m, p, q, b: (200, {}, {"error": 0, "message": "Success",
                                             "data": {"medias": pages[int(q["offset"])], "total": 13}}), "zalo")
    ledger = _ledger(tmp_path, ("zalo", "Z5"), ("zalo", "Z11"), ("zalo", "Z99"))
    got = fetch_counts(ledger, "zalo", taken=DAY)
    assert [(m, p, q, a) for m, p, q, a, _ in fake.requests] == [
        ("GET", "/v2.0/article/getslice", {"offset": "0", "limit": "10", "type": "video"}, ZALO_TOKEN),
        ("GET", "/v2.0/article/getslice", {"offset": "10", "limit": "10", "type": "video"}, ZALO_TOKEN)]
    assert {(s.platform, s.remote_id, s.views, s.shares) for s in read_snapshots(ledger)} == {
        ("zalo", "Z5", 105, 5), ("zalo", "Z11", 111, 11)}
    assert got.missing == [("zalo", "Z99")]


def test_tiktok_honours_retry_after_and_names_the_deleted(tmp_path, env):
    throttle = [1]

    def route(method, path, q, body):
        if throttle[0]:
            throttle[0] -= 1
            return 429, {"Retry-After": "0"}, {"error": {"code": "rate_limit_exceeded"}}
        return 200, {}, {"data": {"videos": [{"id": "T1", "view_count": 5000, "like_count": 300, "comment_count": 20,
                                              "share_count": 9}]}, "error": {"code": "ok"}}

    fake = env(route, "tiktok")
    ledger = _ledger(tmp_path, ("tiktok", "T1"), ("tiktok", "T2"))
    got = fetch_counts(ledger, "tiktok", taken=DAY)
    assert len(fake.requests) == 2
    method, path, q, auth, body = fake.requests[-1]
    assert (method, path, q["fields"], auth, body) == (
        "POST", "/v2/video/query/", "id,view_count,like_count,comment_count,share_count", f"Bearer {TT_TOKEN}",
        {"filters": {"video_ids": ["T1", "T2"]}})
    (s,) = read_snapshots(ledger)
    assert (s.platform, s.remote_id, s.views, s.reactions, s.comments, s.shares) == ("tiktok", "T1", 5000, 300, 20, 9)
    assert got.missing == [("tiktok", "T2")]


def test_a_429_that_outlives_the_retries_postpones(tmp_path, env):
    fake = env(lambda m, p, q, b: (429, {"Retry-After": "0"}, {}), "tiktok")
    ledger = _ledger(tmp_path, ("tiktok", "T1"))
    got = fetch_counts(ledger, "tiktok", taken=DAY)
    assert len(fake.requests) == 3 and got.postponed == [("tiktok", "T1")] and got.failed == []


def test_every_publisher_has_its_read_side():
    assert set(READERS.names()) == set(PUBLISHERS.names())
    assert {READERS.get(n).insights for n in READERS.names()} == {"facebook", "instagram", "youtube", "tiktok", "zalo"}


def test_unknown_fetch_platform_is_a_usage_error(tmp_path):
    assert cli.main(["insights", "--fetch", "--platform", "myspace", "--output", str(tmp_path)]) == 2


def test_generic_rate_limit_headers_stop_the_run(tmp_path, env):
    fake = env(lambda m, p, q, b: (200, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "3600"},
                                   {"error": 0, "data": {"medias": [{"id": f"Z{i}", "total_view": 1} for i in range(10)]}}),
               "zalo")
    ledger = _ledger(tmp_path, ("zalo", "Z1"), ("zalo", "Z50"))
    got = fetch_counts(ledger, "zalo", taken=DAY)
    assert len(fake.requests) == 1 and got.postponed == [("zalo", "Z1"), ("zalo", "Z50")] and got.snapshots == []


def test_a_spent_youtube_quota_postpones_the_rest(tmp_path, env):
    body = {"error": {"code": 403, "message": "quota", "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}]}}
    fake = env(lambda m, p, q, b: (403, {}, body), "youtube")
    ledger = _ledger(tmp_path, ("youtube", "Y1"), ("youtube_shorts", "S1"))
    got = fetch_counts(ledger, "youtube", taken=DAY)
    assert len(fake.requests) == 2 and got.failed == []  # one call per reader, then each stops
    assert sorted(got.postponed) == [("youtube", "Y1"), ("youtube_shorts", "S1")]


def test_a_platform_without_a_token_is_named_and_the_others_go_on(tmp_path, env, monkeypatch):
    monkeypatch.delenv("PROMOKIT_ZALO_TOKEN")
    env(lambda m, p, q, b: (200, {}, {"error": 0, "data": {"medias": []}}), "zalo")
    env(lambda m, p, q, b: (200, {}, {"data": {"videos": [{"id": "T1", "view_count": 7}]}}), "tiktok")
    ledger = _ledger(tmp_path, ("zalo", "Z1"), ("tiktok", "T1"))
    got = fetch_counts(ledger, "all", taken=DAY)
    assert [(s.remote_id, s.views) for s in got.snapshots] == [("T1", 7)]
    ((platform, rid, why),) = got.failed
    assert (platform, rid) == ("zalo", "") and "PROMOKIT_ZALO_TOKEN" in why and got.postponed == [("zalo", "Z1")]


def test_a_post_the_platform_still_holds_is_not_asked(tmp_path, env):
    import sqlite3

    fake = env(lambda m, p, q, b: (200, {}, _rows(("blue_reels_play_count", 5))), "facebook")
    ledger = _ledger(tmp_path, ("facebook_reels", "A"), ("facebook_feed", "B"))
    with sqlite3.connect(ledger) as db:  # B: scheduled on the platform for 3:00 on the day after, Vietnam time
        db.execute("UPDATE posts SET held_by='platform', publish_at='2024-04-21T20:00:00+00:00' WHERE remote_id='B'")
    got = fetch_counts(ledger, "facebook", taken=DAY)
    assert [p for _, p, _, _, _ in fake.requests] == [f"/{V}/A/video_insights"] and len(got.snapshots) == 1
    assert fetch_counts(ledger, "facebook", taken=DAY + dt.timedelta(days=1)).snapshots[-1].remote_id == "B"
