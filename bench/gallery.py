"""Bench: the review page for 50 campaigns x 20 outputs (generated, tiny real media).

Prints, against the targets (build < 2 s, DOMContentLoaded < 1 s, < 200 ms per served page) and against a
baseline measured in the same run (reading and parsing every manifest, the least any build must do):
  - build: `write_gallery(output)` (manifests + ledger -> output/index.html), median of --repeat runs;
  - load: DOMContentLoaded of output/index.html from file:// in Debian's Chromium, median;
  - served: GET / of `promokit serve` on loopback (uvicorn in this process), ms per request, median.
Usage:

    .venv/bin/python bench/gallery.py [--campaigns 50] [--repeat 5] [--requests 20]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import resource
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

from promokit import testing
from promokit.catalog import Catalog
from promokit.review import approvals
from promokit.review.gallery import write_gallery
from promokit.review.load import load_review
from promokit.review.server import create_app

TARGET_BUILD, TARGET_LOAD, TARGET_REQUEST = 2.0, 1.0, 0.200  # s
PLATFORMS = ("tiktok", "facebook_reels", "youtube_shorts", "youtube")  # 4 x (mp4, cover, vtt) = 12 outputs
# + 3 posters with their alt texts (6) + 2 editions = 20 outputs per campaign
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def generate(output: Path, n: int) -> None:
    clip = testing.make_clip(output.parent / "clip.mp4", 1.0, size=(108, 192))
    themes = ["le-hoi", "du-lich", "chuyen-doi-so", "nong-nghiep-ocop", "cai-cach-hanh-chinh"]
    for i in range(n):
        testing.make_rendered_campaign(output, f"chien-dich-{i:02d}", title=f"Chiến dịch số {i} — Lấp Vò 2024",
                                       theme=themes[i % len(themes)], platforms=PLATFORMS, clip=clip,
                                       infographics=("so-lieu",), sizes=("square", "portrait", "story"),
                                       editions=("html", "pdf"))
    ledger = Catalog(output).ledger
    for card in load_review(output).packages()[::3]:  # a third of the packages decided
        approvals.record(ledger, card.campaign, card.platform, card.digest, "approved", "Biên tập viên")


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def dom_content_loaded(page_path: Path, repeat: int) -> float:
    """Median DOMContentLoaded (s) of a file in Chromium, after one warm-up load."""
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("Chromium not installed (make system-test)")
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, headless=True, args=ARGS)
        try:
            for _ in range(repeat + 1):  # the first load warms the browser up
                page = browser.new_page()
                page.goto(page_path.as_uri(), wait_until="domcontentloaded")
                ms = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
                times.append(ms / 1000)
                page.close()
        finally:
            browser.close()
    return statistics.median(times[1:])


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def served(output: Path, requests: int) -> tuple[float, float, float, float]:
    """Median s per GET / with nothing changed, and per GET / right after a decision (page rebuilt); then the
    CPU s per request of this process (server and client), which a loaded machine does not inflate."""
    import httpx
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(output), host="127.0.0.1", port=port, access_log=False,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            client.get("/").raise_for_status()  # warm-up
            times, changed = [], []
            c0 = _cpu()
            for _ in range(requests):
                t0 = time.perf_counter()
                client.get("/").raise_for_status()
                times.append(time.perf_counter() - t0)
            cpu_steady = (_cpu() - c0) / requests
            ledger, cards = Catalog(output).ledger, load_review(output).packages()
            cpu_changed = 0.0
            for card in cards[:max(3, requests // 4)]:
                approvals.record(ledger, card.campaign, card.platform, card.digest, "changes_requested", "Bench")
                t0, c0 = time.perf_counter(), _cpu()
                client.get("/").raise_for_status()
                changed.append(time.perf_counter() - t0)
                cpu_changed += _cpu() - c0
            cpu_changed /= len(changed)
    finally:
        srv.should_exit = True
        thread.join(10)
    return statistics.median(times), statistics.median(changed), cpu_steady, cpu_changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--campaigns", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--requests", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pk-bench-gallery-") as tmp:
        output = Path(tmp) / "output"
        t0 = time.perf_counter()
        generate(output, args.campaigns)
        outputs = sum(len(json.loads(m.read_text(encoding="utf-8"))["outputs"])
                      for m in Catalog(output).manifests())
        print(f"generated {args.campaigns} campaigns, {outputs} outputs in {time.perf_counter() - t0:.1f} s")

        def read_manifests() -> None:
            for m in Catalog(output).manifests():
                json.loads(m.read_text(encoding="utf-8"))

        base = median_time(read_manifests, args.repeat)
        write_gallery(output)  # warm-up: imports, templates
        build = median_time(lambda: write_gallery(output), args.repeat)
        size = (output / "index.html").stat().st_size
        load = dom_content_loaded(output / "index.html", args.repeat)
        plain = output / "plain.html"  # baseline: a document of the same size without elements or script
        plain.write_text("<!doctype html><title>x</title><pre>" + html.escape((output / "index.html").read_text(
            encoding="utf-8")) + "</pre>", encoding="utf-8")
        load_base = dom_content_loaded(plain, args.repeat)
        request, changed, cpu_steady, cpu_changed = served(output, args.requests)
    print(f"baseline (read every manifest)  {base * 1000:8.1f} ms")
    print(f"build  write_gallery            {build * 1000:8.1f} ms  ({build / base:.1f}x baseline; "
          f"target < {TARGET_BUILD:g} s: {'ok' if build < TARGET_BUILD else 'MISSED'}) — index.html {size / 1024:.0f} KiB")
    print(f"load   DOMContentLoaded         {load * 1000:8.1f} ms  ({load / load_base:.1f}x the same bytes as plain "
          f"text, {load_base * 1000:.0f} ms; target < {TARGET_LOAD:g} s: {'ok' if load < TARGET_LOAD else 'MISSED'})")
    print(f"served GET / per request        {request * 1000:8.1f} ms  ({request / base:.1f}x baseline; target < "
          f"{TARGET_REQUEST * 1000:.0f} ms: {'ok' if request < TARGET_REQUEST else 'MISSED'}; CPU {cpu_steady * 1000:.0f} ms)")
    print(f"served GET / after a decision   {changed * 1000:8.1f} ms  (page rebuilt from the manifests and ledger; "
          f"CPU {cpu_changed * 1000:.0f} ms; target < {TARGET_REQUEST * 1000:.0f} ms: "
          f"{'ok' if changed < TARGET_REQUEST else 'MISSED'})")
    print(f"load average during the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 0 if build < TARGET_BUILD and load < TARGET_LOAD and request < TARGET_REQUEST else 1


if __name__ == "__main__":
    raise SystemExit(main())
