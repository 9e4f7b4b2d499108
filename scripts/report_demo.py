"""ILLUSTRATIVE: a made-up year of ledger history (campaigns, products, posts, audience snapshots) and its
results report in the three editions. Every figure it prints or writes is invented for the demo — never real
results. It writes into its own folder (default `demo-year/`), never into the office's `output/` ledger.

    .venv/bin/python scripts/report_demo.py [--root demo-year] [--year 2024]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

from promokit.catalog import Catalog
from promokit.report import make_report, year
from promokit.report.history import illustrative_year, write_history


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path("demo-year"))
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--campaigns", type=int, default=40)
    args = ap.parse_args(argv)
    assets, output = args.root / "assets", args.root / "output"
    if args.root.exists():  # only ever this script's own folder, rebuilt from scratch
        if not (args.root / "ILLUSTRATIVE.txt").is_file():
            raise SystemExit(f"{args.root} exists and is not this script's folder / không phải thư mục minh họa")
        shutil.rmtree(args.root)
    args.root.mkdir(parents=True)
    (args.root / "ILLUSTRATIVE.txt").write_text(
        "Dữ liệu MINH HỌA, không phải kết quả thật / ILLUSTRATIVE data, not real results (scripts/report_demo.py)\n",
        encoding="utf-8")
    history = illustrative_year(assets, args.year, campaigns=args.campaigns)
    write_history(Catalog(output).ledger, history)
    res = make_report(output, year(args.year), assets=assets, issued=dt.date(args.year, 12, 10))
    print(f"MINH HỌA / ILLUSTRATIVE: {args.campaigns} campaigns, {len(history.posts)} posts, "
          f"{len(history.snapshots)} snapshots")
    for path in res.paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
