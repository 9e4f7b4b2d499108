"""Chaos over the sample batch: N seeded faults (default 200) against `promokit run --draft`.

Each round removes some outputs, starts `promokit run` and strikes one fault at a seeded moment (runner
SIGKILL/SIGTERM, a kernel or an ffmpeg killed, the disk full, the output read-only mid-run; the disk faults
need root: the output is a tmpfs then), checks the invariants (`promokit.batch.chaos`), runs again and
checks that run. Prints faults injected, rounds whose invariants all held, and the run-to-completion rate
(target: N/N held). It takes long (two batch runs per fault):

    .venv/bin/python bench/chaos.py [--rounds 200] [--seed S] [--ids a b] [--notebooks promo_video infographic]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from promokit.batch.chaos import Chaos, dumps, report, small_disk
from promokit.project import campaign_ids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=200, help="faults to inject (default 200)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (printed; default: new)")
    ap.add_argument("--assets", type=Path, default=Path("assets"), help="the sample assets (make samples)")
    ap.add_argument("--ids", nargs="*", default=None, help="campaigns (default: all)")
    ap.add_argument("--notebooks", nargs="*", default=["promo_video", "infographic"],
                    help="notebooks (default: promo_video infographic)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--disk-mb", type=int, default=1024, help="size of the tmpfs output (root only)")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    print(f"chaos seed: {seed} (replay with --seed {seed})", flush=True)
    ids = args.ids or campaign_ids(args.assets)
    with tempfile.TemporaryDirectory(prefix="promokit-chaos-") as tmp:
        assets = Path(tmp) / "assets"
        (assets / "campaigns").mkdir(parents=True)
        for cid in ids:  # a copy: the bench never touches the samples
            shutil.copytree(args.assets / "campaigns" / cid, assets / "campaigns" / cid, symlinks=True)
        if (args.assets / "brand").is_dir():
            shutil.copytree(args.assets / "brand", assets / "brand")
        output = Path(tmp) / "out"
        with small_disk(output, args.disk_mb) as disk:
            # the samples are the office's own: their code shots may run (--allow-code)
            chaos = Chaos(assets, output, seed=seed, notebooks=args.notebooks, workers=args.workers, disk=disk,
                          extra_args=("--allow-code",))
            t0 = time.monotonic()
            clean = chaos.clean_run()
            if clean.returncode != 0:
                print(clean.stderr, file=sys.stderr)
                return 1
            print(f"clean run: {len(chaos.clean)} outputs in {chaos.run_seconds:.1f} s; disk faults "
                  f"{'on (tmpfs)' if disk else 'off (needs root)'}", flush=True)
            rounds = []
            for i in range(args.rounds):
                r = chaos.round(i)
                rounds.append(r)
                print(f"{i + 1:4d}/{args.rounds} {r.fault:12s} at {r.at:6.2f} s struck={r.struck!s:5} "
                      f"{'held' if r.ok else 'BROKEN ' + str([k for k, v in r.held.items() if not v])} "
                      f"{r.seconds:.1f} s", flush=True)
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
