"""Bench: every chart kind at every raster size, in one process.

Prints the time of each poster, the median per raster poster (target < 0.25 s on a 2-core machine)
and the peak memory (max RSS) of the process. Usage:

    .venv/bin/python bench/infographic.py [--repeat N] [--out DIR] [--pdf]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from promokit.charts.demo import RASTER_SIZES, write_demo_campaign
from promokit.charts.render import render_posters
from promokit.project import open_campaign

TARGET = 0.25  # s per raster poster


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="render everything this many times")
    ap.add_argument("--out", type=Path, default=None, help="keep the posters here (default: a temp folder)")
    ap.add_argument("--pdf", action="store_true", help="also time the vector sizes (a3_print, banner)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:  # the assets folder: no brand/, so the default brand
        folder = write_demo_campaign(Path(tmp) / "campaigns")
        ctx = open_campaign(folder.name, Path(tmp), args.out or Path(tmp) / "out", check_files=False)
        campaign = ctx.campaign
        sizes = RASTER_SIZES + (["a3_print", "banner"] if args.pdf else [])
        # warm-up: imports, font files, caches (not timed, as a notebook session has them warm)
        render_posters(ctx, ids=[campaign.infographics[0].id], sizes=["square"])
        times: dict[str, list[float]] = {s: [] for s in sizes}
        t_all = time.perf_counter()
        for _ in range(args.repeat):
            for g in campaign.infographics:
                for size in sizes:
                    t0 = time.perf_counter()
                    render_posters(ctx, ids=[g.id], sizes=[size])
                    dt = time.perf_counter() - t0
                    times[size].append(dt)
                    print(f"{g.kind:12s} {size:10s} {dt:6.3f} s")
        wall = time.perf_counter() - t_all
    raster = [t for s in RASTER_SIZES for t in times[s]]
    med = statistics.median(raster)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print()
    for s in sizes:
        print(f"median {s:10s} {statistics.median(times[s]):.3f} s")
    print(f"raster posters: {len(raster)}, median {med:.3f} s (target < {TARGET} s), "
          f"max {max(raster):.3f} s, total {wall:.1f} s")
    print(f"peak memory (max RSS): {peak:.0f} MiB")
    return 0 if med < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
