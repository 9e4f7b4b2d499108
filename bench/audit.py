"""Layout audit over every output: defects counted per kind, from each output's checks record.

Each product writes its `layout.<kind>` verdicts into the checks record beside the output (posters, video
frames, publication pages). This reads them all under an output folder (after `make demo`) and prints the
count of defects per kind and per product, then every defect found. Outputs without a layout audit are
counted apart ("not audited"), never as clean. Exit status 1 when any defect is found. Usage:

    .venv/bin/python bench/audit.py [OUTPUT]          # default: output/
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from promokit.audit import KINDS
from promokit.catalog import CHECKS_SUFFIX

AUDITED = {".png", ".pdf", ".mp4", ".html", ".epub"}


def _layout_checks(data: dict) -> list[dict] | None:
    """The `layout.*` verdicts of a checks file of either shape (typed record, or a poster's dict)."""
    items = data.get("checks") if isinstance(data.get("checks"), list) else data.get("audit")
    if not isinstance(items, list):
        return None
    got = [c for c in items if isinstance(c, dict) and str(c.get("name", "")).startswith("layout.")]
    return got or None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", nargs="?", type=Path, default=Path("output"))
    args = ap.parse_args(argv)
    counts: Counter[str] = Counter()
    by_product: Counter[tuple[str, str]] = Counter()
    lines: list[str] = []
    audited = unaudited = 0
    for f in sorted(args.output.rglob("*" + CHECKS_SUFFIX)):
        out = f.with_name(f.name[: -len(CHECKS_SUFFIX)])
        if out.suffix not in AUDITED:
            continue
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            print(f"unreadable checks file: {f}", file=sys.stderr)
            continue
        checks = _layout_checks(data)
        product = out.parent.name if out.parent.name != "draft" else out.parent.parent.name
        if checks is None:
            unaudited += 1
            continue
        audited += 1
        for c in checks:
            kind = c["name"].removeprefix("layout.")
            n = int(c.get("value") or 0) if not c.get("ok") else 0
            if n:
                counts[kind] += n
                by_product[(product, kind)] += n
                lines.append(f"  {out.relative_to(args.output)}: {kind} ×{n}: {c.get('reason', '')[:300]}")
    print(f"outputs audited: {audited}, not audited: {unaudited}")
    print("defects per kind: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in dict.fromkeys([*KINDS, *counts])))
    for (product, kind), n in sorted(by_product.items()):
        print(f"  {product:14s} {kind:12s} {n}")
    if lines:
        print("defects:")
        print("\n".join(lines))
    return 1 if counts else 0


if __name__ == "__main__":
    sys.exit(main())
