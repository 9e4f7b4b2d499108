"""Chaos over the sample batch: N seeded faults (default 200) against `promokit run --draft`.

The sample campaigns are dealt to L lanes (default 2); each lane has its own copy of its campaigns, its own
output (a tmpfs when root, so the disk faults run) and its own seed (`seed + lane`). A lane renders its
campaigns once (the clean run: checksums and job times), then each of its rounds removes the outputs of
one job (one time in four: both jobs of its campaign), runs `promokit run <campaign>` and strikes one fault
at a seeded moment within that work (runner SIGKILL/SIGTERM, a kernel or an ffmpeg killed, the disk full,
the output read-only mid-run), checks the invariants (`promokit.batch.chaos`: no process, no temp file,
no partial file at a final path, the ledger final), runs again and checks that run (it redoes only what
was not recorded done, and every output of the lane equals the clean run's). Prints faults injected,
rounds whose invariants all held, and the run-to-completion rate (target: N/N held).

Run it from a checkout nobody edits meanwhile: the batch re-renders every job when promokit's source changes
(its inputs hash holds the code's), which the bench would read as jobs redone although done. It checks the
source after every round and stops, saying so, if it changed. SIGTERM stops it cleanly (runs killed, disks
unmounted).

Videos are rendered for `--platforms` only (default zalo and tiktok: every sample campaign lists one of
them), so a fault costs one or two draft renders rather than up to six.

    .venv/bin/python bench/chaos.py [--rounds 200] [--seed S] [--lanes 2] [--ids a b] [--platforms zalo tiktok]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from promokit.batch.chaos import Chaos, Round, dumps, report, small_disk
from promokit.batch.fingerprint import code_hash
from promokit.project import campaign_ids

_print = threading.Lock()


def say(text: str) -> None:
    with _print:
        print(text, flush=True)


_STOP = threading.Event()
_SOURCE: list[str] = []  # promokit's source hash when the bench started


def _source_changed() -> bool:
    """Whether promokit's source differs from what it was when the bench started (read afresh)."""
    with _print:
        code_hash.cache_clear()
        return code_hash() != _SOURCE[0]


def _stop(signum: int, frame: object) -> None:
    """SIGTERM: every lane's run is killed with its group; the lanes then end, unmount and clean up."""
    _STOP.set()
    for child in psutil.Process().children():
        with contextlib.suppress(OSError):
            os.killpg(child.pid, signal.SIGKILL)  # each run leads its own group (kernels, ffmpegs)


def lane(k: int, args: argparse.Namespace, ids: list[str], seed: int, rounds: list[int], tmp: Path) -> list[Round]:
    """One lane: its campaigns copied, a clean run, then its rounds (their global indexes)."""
    assets = tmp / f"lane{k}" / "assets"
    (assets / "campaigns").mkdir(parents=True)
    for cid in ids:  # a copy: the bench never touches the samples
        shutil.copytree(args.assets / "campaigns" / cid, assets / "campaigns" / cid, symlinks=True)
    if (args.assets / "brand").is_dir():
        shutil.copytree(args.assets / "brand", assets / "brand")
    output = tmp / f"lane{k}" / "out"
    platforms = [] if args.platforms == ["all"] else [a for p in args.platforms for a in ("--platform", p)]
    done: list[Round] = []
    with small_disk(output, args.disk_mb) as disk:
        # the samples are the office's own: their code shots may run (--allow-code)
        chaos = Chaos(assets, output, seed=seed + k, notebooks=args.notebooks, workers=args.workers, disk=disk,
                      extra_args=("--allow-code", *platforms), scoped=True)
        clean = chaos.clean_run()
        if clean.returncode != 0:
            say(f"lane {k}: clean run failed:\n{clean.stderr}")
            raise SystemExit(1)
        say(f"lane {k} ({', '.join(ids)}): clean run {len(chaos.clean)} outputs in {chaos.run_seconds:.1f} s, a "
            f"run with nothing to do {chaos.startup:.1f} s; disk faults {'on (tmpfs)' if disk else 'off (needs root)'}")
        for i in rounds:
            if _source_changed():
                say(f"lane {k}: promokit's source changed during the bench; its rounds from {i + 1} on are void")
                _STOP.set()
            if _STOP.is_set():
                break
            try:
                r = chaos.round(i)
            except Exception:
                if _STOP.is_set():
                    break  # the stop killed its run mid-check: not counted
                raise
            if _STOP.is_set():
                break  # struck by the stop, not by its fault: not counted
            done.append(r)
            say(f"{i + 1:4d}/{args.rounds} lane {k} {r.fault:12s} {'+'.join(r.removed):45s} at {r.at:6.2f} s "
                f"struck={r.struck!s:5} {'held' if r.ok else 'BROKEN ' + str([n for n, v in r.held.items() if not v])}"
                f" {r.seconds:.1f} s" + ("" if r.ok else f" {r.notes}"))
    return done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=200, help="faults to inject (default 200)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (printed; default: new)")
    ap.add_argument("--assets", type=Path, default=Path("assets"), help="the sample assets (make samples)")
    ap.add_argument("--ids", nargs="*", default=None, help="campaigns (default: all)")
    ap.add_argument("--notebooks", nargs="*", default=["promo_video", "infographic"],
                    help="notebooks (default: promo_video infographic)")
    ap.add_argument("--platforms", nargs="*", default=["zalo", "tiktok"],
                    help="video platforms rendered (default: zalo tiktok; 'all': every one a campaign lists)")
    ap.add_argument("--lanes", type=int, default=2, help="independent lanes, campaigns dealt between them")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--disk-mb", type=int, default=256, help="size of each lane's tmpfs output (root only)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    _SOURCE.append(code_hash())  # the source as it is now: the lanes stop if it changes
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    print(f"chaos seed: {seed} (replay with --seed {seed})", flush=True)
    ids = args.ids or campaign_ids(args.assets)
    lanes = max(1, min(args.lanes, len(ids)))
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="promokit-chaos-") as tmp, cf.ThreadPoolExecutor(lanes) as pool:
        futures = [pool.submit(lane, k, args, ids[k::lanes], seed, list(range(k, args.rounds, lanes)), Path(tmp))
                   for k in range(lanes)]
        rounds = sorted((r for f in futures for r in f.result()), key=lambda r: r.index)
    if _STOP.is_set():
        print(f"stopped after {len(rounds)} rounds: no verdict", flush=True)
        return 3
    result = report(rounds)
    result.pop("rounds")
    result["seed"] = seed
    result["seconds"] = round(time.monotonic() - t0, 1)
    print(dumps(result))
    print(f"faults injected: {result['faults']} ({result['struck']} struck their target); invariants held: "
          f"{result['invariants_held']}/{result['faults']}; run-to-completion rate: {result['completion_rate']:.1%}")
    return 0 if result["invariants_held"] == result["faults"] else 1


if __name__ == "__main__":
    sys.exit(main())
