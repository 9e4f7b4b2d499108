#!/usr/bin/env python3
"""Tạo ảnh, clip, nhạc nền mẫu cho các chiến dịch mẫu và logo của thương hiệu.

Generate the sample campaigns' media (photo-like procedural images, short clips, a synthesized
music bed, voices) and the brand logo. Everything it writes is git-ignored:

    assets/campaigns/<id>/images/  clips/  music/  [voice/]
    assets/brand/logo.png

Usage: python scripts/make_samples.py [--assets assets] [--force] [--jobs N]

What each campaign gets is data beside its campaign.yml: `assets/campaigns/<id>/samples.yml` (pictures by
scene name, the clip, the music, the voice-over text). The painters and writers are in `scripts/samples/`.
Only missing files are written (a file someone put there is never replaced unless --force), each one
atomically. Output is deterministic: every picture and tune is seeded from its campaign and file name.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from samples.driver import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
