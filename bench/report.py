"""Results report of a year: gather + model, charts, and the three editions (HTML, PDF, DOCX) against the 10 s
target, at the scale of issue #16: a year of 40 campaigns, 600 posts and 12 weekly snapshots each. The year
is ILLUSTRATIVE (`promokit.report.history.illustrative_year`): the campaigns, their products, one post per
campaign and platform in the posts table (its rule: 40 x 6 = 240) and the other 360 posts made by hand, known
through imported insights exports; 12 weekly audience snapshots per published post. The baseline in the
same run is the model alone (gather + build), so the ratios say what the editions cost on this machine. Usage:

    .venv/bin/python bench/report.py [--campaigns 40] [--posts 600] [--snapshots 12]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from promokit.catalog import Catalog
from promokit.report import build_report, load_style, make_report, year
from promokit.report.gather import gather
from promokit.report.history import illustrative_year, write_history

TARGET_S = 10.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--campaigns", type=int, default=40)
    ap.add_argument("--posts", type=int, default=600)
    ap.add_argument("--snapshots", type=int, default=12)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="promokit-bench-report-") as tmp:
        assets, output = Path(tmp) / "assets", Path(tmp) / "output"
        h = illustrative_year(assets, 2024, campaigns=args.campaigns, posts=args.posts, snapshots=args.snapshots)
        write_history(Catalog(output).ledger, h)
        by_hand = len({(s.platform, s.remote_id) for s in h.snapshots if s.remote_id.startswith("im")})
        print(f"year 2024 (illustrative): {args.campaigns} campaigns, {len(h.posts) + len(h.approvals) + by_hand} "
              f"posts ({len(h.posts)} in the posts table, {len(h.approvals)} approved and never posted, {by_hand} "
              f"known from imported exports), "
              f"{len(h.snapshots)} snapshots, {sum(len(j.outputs) for j in h.jobs)} outputs; "
              f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        t = time.perf_counter()
        build_report(gather(output, assets), load_style(assets), year(2024))
        base = time.perf_counter() - t
        t, cpu = time.perf_counter(), time.process_time()
        res = make_report(output, year(2024), assets=assets, issued=dt.date(2024, 12, 10))
        total, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"model (gather + build), baseline: {base:.2f} s")
        for name, s in res.seconds.items():
            print(f"  {name:<7} {s:6.2f} s  ({s / base:5.1f}x baseline)")
        ok = total <= TARGET_S
        print(f"all three editions: {total:.2f} s — target {TARGET_S:.0f} s: {'✓' if ok else '✗'} "
              f"({total / TARGET_S:.2f} of the target); CPU time of this process {cpu:.2f} s (what the wall time "
              f"would be on an idle core)")
        return 0  # a speed target is reported, not a gate (the machine may be shared)


if __name__ == "__main__":
    raise SystemExit(main())
