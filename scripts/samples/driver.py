"""The driver: every missing file of every sample campaign, written in parallel worker processes."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .base import ESPEAK, FFMPEG, ROOT
from .media import MEDIA_FILE, CampaignMedia, ImageSpec, load_media
from .writers import (
    atomic,
    make_logo,
    render_scene,
    seed_of,
    write_clip,
    write_jpeg,
    write_music,
    write_voice,
)

# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def _tasks(folder: Path, cid: str, media: CampaignMedia) -> list[tuple[str, Path, Callable[[Path], None]]]:
    """(kind, final path, writer) for every file of one campaign."""
    out: list[tuple[str, Path, Callable[[Path], None]]] = []
    for spec in media.images:
        def w_img(tmp: Path, spec: ImageSpec = spec) -> None:
            img = render_scene(spec.scene, spec.size, seed_of(cid, spec.name), spec.opts)
            write_jpeg(img, tmp, spec.title)
        out.append(("image", folder / "images" / spec.name, w_img))
    clip = media.clip
    out.append(("clip", folder / "clips" / clip.name,
                lambda tmp: write_clip(clip, folder / "images" / clip.source, tmp, seed_of(cid, clip.name))))
    music = media.music
    out.append(("music", folder / "music" / music.name,
                lambda tmp: write_music(music, tmp, seed_of(cid, music.name))))
    if media.voice and ESPEAK:
        text = media.voice
        out.append(("voice", folder / "voice" / "loi-binh.wav", lambda tmp: write_voice(text, tmp)))
    if ESPEAK and (folder / "radio").is_dir():
        # stand-ins for the staff's recordings: each voice file a bulletin script names, read from its text
        from promokit.project import open_campaign
        from promokit.radio.api import recording_list

        for path, said in recording_list(open_campaign(cid, folder.parents[1], check_files=False)):
            if said:
                out.append(("voice", path, lambda tmp, said=said: write_voice(said, tmp, rate=44100, channels=1)))
    return out


def _media(folder: Path) -> CampaignMedia:
    m = load_media(folder)
    if m is None:
        raise FileNotFoundError(f"{folder / MEDIA_FILE} not found")
    return m


def _run_task(assets: str, cid: str, index: int) -> tuple[str, int, float]:
    """Worker: write one file (the index-th task of a campaign). Runs in a child process."""
    t0 = time.perf_counter()
    folder = Path(assets) / "campaigns" / cid
    _, path, writer = _tasks(folder, cid, _media(folder))[index]
    atomic(path, writer)
    return cid, index, time.perf_counter() - t0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate sample media for the sample campaigns / "
                                             "tạo ảnh, clip, nhạc mẫu cho các chiến dịch mẫu")
    ap.add_argument("--assets", type=Path, default=ROOT / "assets", help="assets folder (default ./assets)")
    ap.add_argument("--force", action="store_true", help="rewrite files that already exist / ghi đè tệp đã có")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="worker processes (default: 2 or the number of CPUs)")
    args = ap.parse_args(argv)
    assets: Path = args.assets.resolve()
    if not (assets / "campaigns").is_dir():
        print(f"error: {assets / 'campaigns'} not found / không tìm thấy thư mục chiến dịch", file=sys.stderr)
        return 2
    if not Path(FFMPEG).exists():
        print("error: ffmpeg not found / không tìm thấy ffmpeg (apt-get install ffmpeg)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    logo = assets / "brand" / "logo.png"
    if not logo.exists() or args.force:
        atomic(logo, lambda tmp: make_logo().save(tmp, format="PNG", optimize=True))
        print("brand: logo.png written")
    else:
        print("brand: logo.png kept")
    campaigns = assets / "campaigns"
    media = {p.name: m for p in sorted(campaigns.iterdir()) if p.is_dir() and (m := load_media(p)) is not None}
    present = [cid for cid in media if (campaigns / cid / "campaign.yml").exists()]
    todo: dict[str, list[int]] = {}
    kept: dict[str, int] = {}
    for cid in present:
        tasks = _tasks(assets / "campaigns" / cid, cid, media[cid])
        todo[cid] = [i for i, (_, p, _) in enumerate(tasks) if args.force or not p.exists()]
        kept[cid] = len(tasks) - len(todo[cid])
    done: dict[str, float] = {cid: 0.0 for cid in present}
    failed: dict[str, list[str]] = {cid: [] for cid in present}
    jobs = [(cid, i) for cid in present for i in todo[cid]]
    if jobs:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        workers = max(1, min(args.jobs, len(jobs)))
        if workers == 1 or ctx is None:
            results = []
            for cid, i in jobs:
                try:
                    results.append(_run_task(str(assets), cid, i))
                except Exception as e:  # report and go on with the others
                    failed[cid].append(str(e))
        else:
            from concurrent.futures import ProcessPoolExecutor

            # clips pan over the pictures, so they come after them
            kind = {(cid, i): _tasks(assets / "campaigns" / cid, cid, media[cid])[i][0] for cid, i in jobs}
            phases = [[j for j in jobs if kind[j] != "clip"], [j for j in jobs if kind[j] == "clip"]]
            results = []
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                for phase in phases:
                    futs = {pool.submit(_run_task, str(assets), cid, i): cid for cid, i in phase}
                    for fut, cid in futs.items():
                        try:
                            results.append(fut.result())
                        except Exception as e:  # report and go on with the others
                            failed[cid].append(str(e))
        for cid, _, dt in results:
            done[cid] += dt
    for cid in present:
        made = len(todo[cid]) - len(failed[cid])
        note = "" if (ESPEAK or not media[cid].voice) else "; voice skipped (espeak-ng not installed)"
        err = f"; FAILED {len(failed[cid])}: {failed[cid][0]}" if failed[cid] else ""
        print(f"{cid}: {made} written, {kept[cid]} kept ({done[cid]:.1f} s of work){note}{err}")
    for cid in media:
        if cid not in present:
            print(f"{cid}: no campaign.yml, skipped")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 1 if any(failed.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
