"""Conformance benchmark (issue 19): check a 90 s 1080x1920 phone-like file, fix one that needs only a remux, and
one that needs its picture re-encoded, each against its baseline in the same run.

  check     `promokit.conform.check_file` (boxes, one ffprobe for streams, one for packets, ebur128)
            against Instagram Reels; target under 2 s. Baseline: one bare `ffprobe -show_streams`.
  remux     `fix_file` of a file with edit lists and `moov` at the end (stream copy); target under 2 s.
            Baseline: a plain `ffmpeg -c copy -movflags +faststart` of the same file.
  re-encode `fix_file` of a file with 10 s between key frames (picture re-encoded, sound copied).
            Baseline: a plain `ffmpeg -c:v libx264 -preset veryfast -crf 20 -c:a copy` of the same file.

The test files are made first (testsrc2 + a tone, ultrafast). Usage:

    python bench/conform.py [--seconds 90] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

from promokit.conform import Target, check_file  # noqa: E402
from promokit.conform.fix import fix_file  # noqa: E402
from promokit.platforms import PLATFORMS  # noqa: E402


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-v", "error", "-y", *args], check=True)


def make(path: Path, seconds: float, *, keyint: int, mux: tuple[str, ...]) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=1080x1920:r=30:d={seconds}", "-f", "lavfi", "-i",
           f"sine=frequency=440:sample_rate=48000:duration={seconds}", "-af", "volume=6dB", "-ac", "2",
           "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p", "-g", str(keyint),
           "-c:a", "aac", "-b:a", "160k", *mux, str(path))
    return path


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=90.0)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-conform-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"making {args.seconds:g} s 1080x1920 test files in {work} …", flush=True)
        remux_src = make(work / "phone-elst.mp4", args.seconds, keyint=60, mux=())  # edit lists, moov last
        encode_src = make(work / "phone-keyint.mp4", args.seconds, keyint=300,
                          mux=("-movflags", "+faststart+negative_cts_offsets", "-use_editlist", "0"))
        insta = Target(PLATFORMS.get("instagram_reels"))
        rows = []

        t, checks = timed(lambda: check_file(remux_src, insta))
        b, _ = timed(lambda: subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json",
                                             str(remux_src)], capture_output=True, check=True))
        rows.append(("check", t, b, "ffprobe -show_streams", f"{len(checks.checks)} rules, failed: "
                     + ", ".join(c.name for c in checks.failed)))

        t, res = timed(lambda: fix_file(remux_src, insta, work / "remux.mp4"))
        assert res.plan is not None and res.plan.remux_only and res.after is not None and res.after.ok, res
        b, _ = timed(lambda: ffmpeg("-i", str(remux_src), "-c", "copy", "-movflags", "+faststart",
                                    str(work / "remux-base.mp4")))
        rows.append(("remux", t, b, "ffmpeg -c copy +faststart", "fixed: " + "; ".join(res.plan.changes)))

        t, res = timed(lambda: fix_file(encode_src, insta, work / "encode.mp4"))
        assert res.plan is not None and res.plan.video == "encode" and res.after is not None and res.after.ok, res
        b, _ = timed(lambda: ffmpeg("-i", str(encode_src), "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                                    "-c:a", "copy", str(work / "encode-base.mp4")))
        rows.append(("re-encode", t, b, "ffmpeg libx264 veryfast crf 20", f"audio {res.plan.audio}"))

        print(f"\n{'case':<10} {'promokit':>9} {'baseline':>9} {'ratio':>6}  baseline / notes")
        for name, t, b, base, note in rows:
            print(f"{name:<10} {t:8.2f}s {b:8.2f}s {t / b:6.2f}  {base} — {note}")
        print("\ntargets: check < 2 s, remux < 2 s; re-encode: the ratio to the plain re-encode (it also re-checks "
              "the file before and after)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
