#!/usr/bin/env python3
"""Benchmark: a 20-article, 40-photo e-publication in all three editions (HTML, PDF, EPUB).

Builds a synthetic campaign in a temporary folder (20 Vietnamese articles of about 500 words, each with
two 12 MP phone-size JPEG photos, a table and sub-headings; setup is not timed), then renders it twice:

  cold: empty font cache (fonts are subset for the first time on this machine)
  warm: the usual case (font subsets cached in ~/.cache/promokit/fonts)

and prints, for each run, the shared reading and checking, when the 40 downscaled photos were ready (they
are prepared in threads while WeasyPrint lays out the PDF), each edition's time (the PDF first) and the
total wall time, then EPUBCheck's time (validation, reported apart). Target (issue #5): all three
editions together under 15 s on a 2-core machine.

Usage: python bench/publication.py [--articles 20] [--images 40] [--size 4032x3024] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from promokit.project import open_campaign  # noqa: E402
from promokit.publication import epubcheck, render_publication  # noqa: E402
from promokit.testing import make_article  # noqa: E402

TARGET_S = 15.0
WORDS = ("Lễ hội truyền thống của huyện Lấp Vò thu hút đông đảo người dân và du khách gần xa về dự. "
         "Các xã Bình Thành, Tân Mỹ, Mỹ An Hưng A tổ chức nhiều hoạt động văn hóa, thể thao sôi nổi; "
         "sản phẩm OCOP được giới thiệu rộng rãi, góp phần phát triển kinh tế - xã hội địa phương. ")


def photo(base: np.ndarray, i: int) -> Image.Image:
    """A photo-like 8-bit RGB picture: the shared gradient tinted per index (fast to make)."""
    tint = np.array([(37 * i) % 256, (91 * i + 60) % 256, (53 * i + 120) % 256], dtype=np.uint16)
    return Image.fromarray(((base.astype(np.uint16) * (tint + 64)) >> 8).astype(np.uint8))


def make_campaign(root: Path, articles: int, images: int, size: tuple[int, int]) -> Path:
    folder = root / "campaigns" / "bench"
    (folder / "images").mkdir(parents=True)
    w, h = size
    gx = np.linspace(80, 255, w, dtype=np.float32)[None, :]
    gy = np.linspace(1.0, 0.55, h, dtype=np.float32)[:, None]
    noise = np.random.default_rng(0).integers(0, 24, (h, w), dtype=np.uint8)
    base = np.clip(gx * gy + noise, 0, 255).astype(np.uint8)[:, :, None].repeat(3, axis=2)
    for i in range(images):
        photo(base, i).save(folder / "images" / f"anh-{i + 1:02d}.jpg", quality=90)
    per = max(1, images // articles)
    rels = []
    for a in range(articles):
        pics = "\n\n".join(f'![Ảnh {k + 1} của bài {a + 1}: quang cảnh lễ hội](../images/anh-{k + 1:02d}.jpg '
                           f'"Quang cảnh {k + 1} — bài {a + 1}")' for k in range(a * per, min(images, (a + 1) * per)))
        body = (f"{WORDS * 4}\n\n{pics}\n\n## Hoạt động chính\n\n{WORDS * 5}\n\n"
                "| Xã | Sản phẩm | Tỷ lệ |\n|:--|--:|--:|\n| Bình Thành | 12 | 30,5 % |\n| Tân Mỹ | 8 | 20 % |\n\n"
                f"## Kết quả\n\n{WORDS * 4}\n\n> Uống nước nhớ nguồn.\n")
        rel = f"articles/{a + 1:02d}-bai-viet.md"
        make_article(folder / rel, f"Bài {a + 1}: Hoạt động văn hóa ở Lấp Vò", body=body,
                     author="Tổ biên tập", date="2024-04-10", summary="Tóm tắt bài viết.")
        rels.append(rel)
    spec = {"id": "bench", "title": "Lễ hội Giỗ Tổ Hùng Vương năm 2024", "theme": "le-hoi",
            "slogan": "Uống nước nhớ nguồn", "dates": {"from": "2024-04-18"},
            "publication": {"articles": rels, "formats": ["html", "pdf", "epub"], "page": "a4"}}
    (folder / "campaign.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def run(root: Path, label: str) -> float:
    ctx = open_campaign("bench", root, root / "output", check_files=False)
    t0, c0 = time.perf_counter(), time.process_time()
    results = render_publication(ctx, validate=False)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    prep = results[0].checks["prepare_seconds"]
    ready = results[0].checks["pictures_ready_seconds"]
    print(f"[{label}] đọc, kiểm tra / read, check (bài, ảnh, phông) {prep:6.2f} s")
    print(f"[{label}] ảnh sẵn sàng / pictures ready at          {ready:6.2f} s (in threads, overlapping the PDF)")
    for r in sorted(results, key=lambda r: r.format != "pdf"):
        extra = f"{r.checks.get('pages')} pages, " if r.format == "pdf" else ""
        print(f"[{label}] {r.format:5s} {r.seconds:6.2f} s   ({extra}{r.bytes / 1e6:.1f} MB)")
    print(f"[{label}] tổng / total  {total:6.2f} s   = {total / TARGET_S:.2f} x mục tiêu / target {TARGET_S:g} s"
          f"   (CPU {cpu:.2f} s in all threads)")
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20)
    ap.add_argument("--images", type=int, default=40)
    ap.add_argument("--size", default="4032x3024", help="photo size WxH px")
    ap.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    root = args.keep or Path(tempfile.mkdtemp(prefix="pk-bench-pub-"))
    cache = Path(tempfile.mkdtemp(prefix="pk-bench-cache-"))
    try:
        t = time.perf_counter()
        make_campaign(root, args.articles, args.images, size)  # type: ignore[arg-type]
        print(f"campaign: {args.articles} articles, {args.images} photos {size[0]}x{size[1]} "
              f"(made in {time.perf_counter() - t:.1f} s, not timed); {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
        os.environ["PROMOKIT_CACHE"] = str(cache)  # cold: no font subsets yet
        cold = run(root, "cold")
        warm = run(root, "warm")
        v = epubcheck(root / "output" / "bench" / "publication" / "bench.epub")
        print(f"EPUBCheck {v.version}: {v.errors} errors, {v.warnings} warnings, {v.seconds:.1f} s "
              "(validation, not part of the editions' time)" if v.ran else f"EPUBCheck: {v.reason}")
        ok = warm <= TARGET_S and (not v.ran or v.ok)
        print(f"{'OK' if ok else 'CHẬM / SLOW'}: warm {warm:.2f} s, cold {cold:.2f} s, target {TARGET_S:g} s")
        return 0 if ok else 1
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
