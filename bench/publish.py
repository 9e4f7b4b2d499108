"""Upload throughput and memory: promokit's publisher vs a plain streaming httpx upload, same file, same run.

A loopback sink server (its own process) speaks YouTube's resumable-upload protocol and throws the bytes
away after counting them; it answers with TCP_NODELAY, as real servers do (see `Sink`). Each upload runs
in its own process, so its peak memory (ru_maxrss) is its own:
  - baseline: one `httpx.put` streaming the file from disk in 1 MiB blocks (what a careful script does);
  - promokit: the YouTube publisher through the shared HTTP layer (session, 256 MiB PUTs with Content-Range
    streamed in 1 MiB blocks, every step recorded in the ledger before the next, the thumbnail).
Both sides are timed alike: from creating the HTTP client (httpx builds its TLS context there, ~30 ms, on
both sides) to the last answer; neither side's process start, imports nor the test file are timed, and for
promokit neither is opening the ledger (`publish_one` does that before the publisher runs). The CPU time
(user + system) of the same span is printed too: on a loaded machine it says what the wall time cannot.
Rounds alternate baseline and promokit; each side's best round is kept (the least disturbed), and the median
is printed beside it.
Targets (issue #13): throughput ≥ 0.8x the baseline; peak memory < 150 MB whatever the file size.

    .venv/bin/python bench/publish.py [--mb 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as real servers run: this handler writes a reply's headers and its body in two sends, and
    # with Nagle on the body waited for the client's delayed ACK (~40 ms a reply with a body: the baseline's
    # one answer, promokit's PUT answer and thumbnail) — a stall of the sink, not of either client
    disable_nagle_algorithm = True
    held: dict[str, int] = {}

    def log_message(self, *a: object) -> None:
        pass

    def _drain(self) -> int:
        n = int(self.headers.get("Content-Length") or 0)
        left = n
        while left:
            left -= len(self.rfile.read(min(left, 1 << 20)))
        return n

    def _reply(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - session start, thumbnail
        self._drain()
        if "thumbnails" in self.path:
            self._reply(200, b"{}")
            return
        sid = str(len(self.held) + 1)
        self.held[sid] = 0
        self._reply(200, headers={"Location": f"http://{self.headers['Host']}/session/{sid}"})

    def do_PUT(self) -> None:  # noqa: N802
        sid = self.path.rsplit("/", 1)[-1]
        rng = self.headers.get("Content-Range", "")
        got = self._drain()
        if sid == "plain":
            self._reply(200, json.dumps({"bytes": got}).encode())
            return
        total = int(rng.rsplit("/", 1)[1]) if "/" in rng else got
        if not rng.startswith("bytes */"):
            self.held[sid] = self.held.get(sid, 0) + got
        if self.held[sid] >= total:
            self._reply(200, json.dumps({"id": "v" + sid}).encode())
        else:
            self._reply(308, headers={"Range": f"bytes=0-{self.held[sid] - 1}"} if self.held[sid] else {})


def serve(port_file: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    Path(port_file).write_text(str(server.server_address[1]))
    server.serve_forever()


def plain(base: str, path: str) -> dict:
    import httpx

    size = os.path.getsize(path)

    def body():
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                yield block

    t0, c0 = time.perf_counter(), time.process_time()
    with httpx.Client(timeout=120) as c:
        r = c.put(f"{base}/session/plain", content=body(), headers={"Content-Length": str(size)})
    assert r.json()["bytes"] == size
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def ours(base: str, path: str, work: str) -> dict:
    from promokit.publish.http import Http
    from promokit.publish.ledger import PublishLedger
    from promokit.publish.package import FileRef, PostJson
    from promokit.publish.publishers import PUBLISHERS, Job

    size = os.path.getsize(path)
    folder = Path(path).parent
    post = PostJson.model_construct(
        version=1, campaign="bench", platform="youtube", draft=False, title="bench", caption="", description="",
        hashtags=[], privacy="private", schedule=None, facts={},
        video=FileRef.model_construct(file=Path(path).name, bytes=size, sha256="0" * 64, content_type="video/mp4"),
        cover=FileRef.model_construct(file="cover.jpg", bytes=4, sha256="0" * 64, content_type="image/jpeg"),
        request={"snippet": {"title": "bench"}, "status": {"privacyStatus": "private"}})
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    ledger = PublishLedger(Path(work) / "ledger.sqlite")
    rec = ledger.open("bench", "youtube", "x", size)
    pub = PUBLISHERS.get("youtube")
    t0, c0 = time.perf_counter(), time.process_time()
    with Http("youtube (bench)", authorize=lambda: {"Authorization": "Bearer bench"}) as http:
        out = pub.publish(Job(post, folder, http, "bench", ledger, rec.id, base))
    assert out.remote_id.startswith("v")
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def child(kind: str, base: str, path: str, work: str) -> dict:
    """Run one upload in a fresh process; its result with the process's peak memory (MB)."""
    r = subprocess.run([sys.executable, __file__, "--child", kind, base, path, work], capture_output=True, text=True,
                       check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200, help="file size (MB)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(a.serve)
        return
    if a.child:
        kind, base, path, work = a.child
        res = plain(base, path) if kind == "plain" else ours(base, path, work)
        res["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(res))
        return
    with tempfile.TemporaryDirectory(prefix="promokit-bench-publish-") as work:
        path = Path(work) / "video.mp4"
        with open(path, "wb") as f:
            block = os.urandom(1 << 20)
            for _ in range(a.mb):
                f.write(block)
        port_file = Path(work) / "port"
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)])
        try:
            for _ in range(100):
                if port_file.is_file() and port_file.read_text():
                    break
                time.sleep(0.05)
            base = f"http://127.0.0.1:{port_file.read_text()}"
            socket.create_connection(("127.0.0.1", int(port_file.read_text())), timeout=5).close()
            runs: dict[str, list[dict]] = {"plain": [], "promokit": []}
            for i in range(a.rounds):
                for kind in ("plain", "promokit"):
                    runs[kind].append(child(kind, base, str(path), tempfile.mkdtemp(dir=work, prefix=f"{kind}{i}-")))
        finally:
            server.terminate()
            server.wait()
    best = {k: min(r["seconds"] for r in v) for k, v in runs.items()}
    median = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    cpu = {k: min(r["cpu"] for r in v) for k, v in runs.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in runs.items()}
    mb = a.mb * 1.048576
    print(f"file: {a.mb} MiB to a loopback sink; best of {a.rounds}")
    for k in ("plain", "promokit"):
        print(f"  {k:<9} {best[k]:6.2f} s  {mb / best[k]:7.1f} MB/s  (median {median[k]:5.2f} s)  cpu {cpu[k]:5.2f} s  "
              f"peak {peak[k]:6.1f} MB")
    ratio = best["plain"] / best["promokit"]
    print(f"throughput ratio promokit/plain: {ratio:.2f}x (target ≥ 0.8x; of the medians "
          f"{median['plain'] / median['promokit']:.2f}x); cpu ratio plain/promokit {cpu['plain'] / cpu['promokit']:.2f}x; "
          f"peak memory {peak['promokit']:.0f} MB (target < 150 MB)")


if __name__ == "__main__":
    main()
