"""Promo video benchmark (issue 3, DESIGN §8): the reference job rendered three ways.

The reference job: a 30 s 1080x1920 30 fps promo from 8 generated photos (two portrait), Ken Burns,
0.5 s crossfades, a title card, a logo, music with fades. It is rendered by

  run       `promokit run --notebook promo_video` (the final render as staff run it: the CLI, a Papermill
            job with its own kernel, and the notebook's cells: checks, contact sheet, render, conformance
            table; storyboard and preview are not drawn in a batch run); target: at most 0.65x the graph
  run-moviepy  the same with one 3 s moviepy shot (shots/cot.py, a rising bar) in place of the fourth photo;
            target: at most 1.1x `run`
  promokit  promokit.video.render_campaign called directly (the render alone, one platform: tiktok)
  x264      the encoder's floor: ffmpeg/x264 alone encoding promokit's frames of the same job, drawn beforehand
            (untimed) into a raw NV12 file, with the render's own encode arguments; no drawing, no sound
  ffmpeg    one hand-written filter graph (zoompan, xfade, drawtext, overlay, afade)
  moviepy   the whole job as the moviepy 2.x composition a notebook user would write (ImageClip, a resize
            lambda for the zoom, CrossFadeIn, TextClip, CompositeVideoClip) written by moviepy's own
            `write_videofile`; about 4 minutes: the ratio shows what the fast path saves

all with libx264 at the same preset and CRF (styles/video.yml `encode`). Each runs in its own child
process; the table gives wall time, the ratio to the ffmpeg graph and the peak memory of the largest
process of its tree (resource usage of the child). Usage:

    python bench/video.py [--skip-naive] [--keep DIR] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

TITLE = "Lễ hội Giỗ Tổ Hùng Vương 2024"
SUBTITLE = "Uống nước nhớ nguồn"
W, H, FPS = 1080, 1920, 30
XF = 0.5  # crossfade (s)
N_PHOTOS = 8


def _encode_settings() -> tuple[str, int]:
    from promokit.video.style import load_style

    enc = load_style().encode
    return str(enc["preset"]), int(enc["crf"])


def make_photo(path: Path, size: tuple[int, int], seed: int) -> None:
    """A photo-like picture: smooth light, shapes with edges, a little sensor noise; JPEG q90."""
    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([
        110 + 80 * np.sin(x / (170 + 23 * seed) + seed),
        100 + 70 * np.cos(y / (230 + 17 * seed)),
        60 + 150 * (x + y) / (w + h),
    ], axis=-1)
    im = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(im)
    for _ in range(40):
        cx, cy, r = int(rng.integers(0, w)), int(rng.integers(0, h)), int(rng.integers(w // 40, w // 6))
        color = tuple(int(c) for c in rng.integers(20, 235, 3))
        if rng.random() < 0.5:
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color)
        else:
            draw.rectangle((cx - r, cy - r // 2, cx + r, cy + r // 2), fill=color)
    im = im.filter(ImageFilter.GaussianBlur(1.5))
    a = np.asarray(im).astype(np.int16) + rng.normal(0, 3, (h, w, 1)).astype(np.int16)
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(path, quality=90)


def make_logo(path: Path) -> None:
    im = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse((10, 10, 390, 390), fill=(11, 93, 59, 255), outline=(242, 183, 5, 255), width=18)
    d.polygon([(200, 70), (320, 300), (80, 300)], fill=(242, 183, 5, 255))
    im.save(path)


def make_music(path: Path, seconds: float) -> None:
    """A soft chord with a slow pulse (stereo 48 kHz WAV)."""
    import wave

    rate = 48000
    t = np.arange(int(seconds * rate)) / rate
    sig = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.18, 329.63, 440.0)) / 4
    sig *= 0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t) ** 2
    pcm = (sig * 0.5 * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wf:
        wf.setnchannels(2)
        wf.setsampwidth(2)
        wf.setframerate(rate)
        wf.writeframes(np.repeat(pcm[:, None], 2, axis=1).tobytes())


def make_reference(root: Path, seconds: float) -> Path:
    """assets/ with the brand (logo) and the campaign `bench` of the reference job; returns assets/."""
    import yaml

    assets = root / "assets"
    camp = assets / "campaigns" / "bench"
    (camp / "images").mkdir(parents=True, exist_ok=True)
    (camp / "music").mkdir(parents=True, exist_ok=True)
    (assets / "brand").mkdir(parents=True, exist_ok=True)
    shots = []
    for i in range(N_PHOTOS):
        size = (2000, 3000) if i in (2, 5) else (3000, 2000)
        p = camp / "images" / f"anh-{i + 1:02d}.jpg"
        if not p.exists():
            make_photo(p, size, i + 1)
        shots.append(f"images/anh-{i + 1:02d}.jpg")
    if not (camp / "music" / "nhac.wav").exists():
        make_music(camp / "music" / "nhac.wav", seconds + 10)
    if not (assets / "brand" / "logo.png").exists():
        make_logo(assets / "brand" / "logo.png")
    (assets / "brand" / "brand.yml").write_text("logo: logo.png\n", encoding="utf-8")
    spec = {"id": "bench", "title": TITLE, "theme": "le-hoi", "slogan": SUBTITLE,
            "video": {"duration": seconds, "platforms": ["tiktok"], "title": TITLE, "shots": shots,
                      "music": "music/nhac.wav", "transition": "crossfade", "transition_duration": XF}}
    (camp / "campaign.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # the same job with one 3 s moviepy shot (a rising bar drawn by numpy) in place of the fourth photo
    mp = assets / "campaigns" / "bench-moviepy"
    (mp / "shots").mkdir(parents=True, exist_ok=True)
    for sub in ("images", "music"):  # hard links: a symlink out of the campaign folder is refused (rightly)
        (mp / sub).mkdir(exist_ok=True)
        for p in (camp / sub).iterdir():
            if not (mp / sub / p.name).exists():
                os.link(p, mp / sub / p.name)
    (mp / "shots" / "cot.py").write_text(SHOT, encoding="utf-8")
    spec_mp = {**spec, "id": "bench-moviepy", "video": {**spec["video"], "shots": [
        *shots[:3], {"moviepy": "shots/cot.py", "duration": 3}, *shots[4:]]}}
    (mp / "campaign.yml").write_text(yaml.safe_dump(spec_mp, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return assets


SHOT = textwrap.dedent('''
    import numpy as np
    from moviepy import VideoClip


    def make_clip(ctx):
        w, h = ctx.size
        ground, bar = np.array(ctx.rgb("primary"), np.uint8), np.array(ctx.rgb("accent"), np.uint8)

        def frame(t):
            a = np.empty((h, w, 3), np.uint8)
            a[:] = ground
            x = min(1.0, t / (0.7 * ctx.duration))
            top = int(h * (0.8 - 0.6 * (1 - (1 - x) ** 3)))
            a[top:int(h * 0.8), w // 3:2 * w // 3] = bar
            return a

        return VideoClip(frame_function=frame, duration=ctx.duration)
''')


# --------------------------------------------------------------------------------------------
# The three ways


def run_promokit(assets: Path, out: Path) -> None:
    from promokit.project import open_campaign
    from promokit.video import render_campaign

    ctx = open_campaign("bench", assets, out, check_files=False)
    results = render_campaign(ctx, platforms=["tiktok"])
    bad = [c for r in results for c in r.checks.failed]
    if bad:
        raise SystemExit(f"conformance failed: {bad}")


def ffmpeg_graph_cmd(assets: Path, out: Path, seconds: float) -> list[str]:
    """The hand-written filter graph: zoompan per photo, xfade chain, drawtext title, logo overlay, afade."""
    from promokit.fonts import find_font

    preset, crf = _encode_settings()
    folder = assets / "campaigns" / "bench"
    photos = sorted((folder / "images").glob("*.jpg"))
    n = len(photos)
    slot = (seconds + XF * (n - 1)) / n
    frames = int(round(slot * FPS))
    font = find_font("Noto Sans", bold=True)
    args = ["ffmpeg", "-hide_banner", "-v", "error", "-y"]
    for p in photos:
        args += ["-i", str(p)]  # one frame each; zoompan makes the shot's frames from it
    args += ["-i", str(folder / "music" / "nhac.wav"), "-i", str(assets / "brand" / "logo.png")]
    chains = []
    for i in range(n):
        zin = i % 2 == 0
        z = f"'min(1+0.14*on/{frames},1.14)'" if zin else f"'max(1.14-0.14*on/{frames},1)'"
        chains.append(
            f"[{i}:v]scale={W}:{H}:force_original_aspect_ratio=increase,crop={W}:{H},setsar=1,"
            f"zoompan=z={z}:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d={frames}:s={W}x{H}:fps={FPS},"
            f"trim=duration={slot:.3f},setpts=PTS-STARTPTS,format=yuv420p[v{i}]")
    last = "v0"
    for i in range(1, n):
        offset = i * (slot - XF)
        chains.append(f"[{last}][v{i}]xfade=transition=fade:duration={XF}:offset={offset:.3f}[x{i}]")
        last = f"x{i}"
    title = TITLE.replace(":", r"\:")
    chains.append(
        f"[{last}]drawtext=fontfile='{font}':text='{title}':fontsize=86:fontcolor=white:box=1:"
        f"boxcolor=0x0B5D3B@0.88:boxborderw=40:x=(w-text_w)/2:y=h*0.4:enable='between(t,0,3.5)'[t]")
    chains.append(f"[{n + 1}:v]scale=154:-1[logo]")
    chains.append(f"[t][logo]overlay=x=W-154-192:y=288:enable='lt(t,{seconds - 0.1})',format=yuv420p[vout]")
    chains.append(f"[{n}:a]atrim=0:{seconds},afade=t=in:d=1,afade=t=out:st={seconds - 2.5}:d=2.5,"
                  f"aformat=sample_rates=48000:channel_layouts=stereo[aout]")
    gop = 2 * FPS
    args += ["-filter_complex", ";".join(chains), "-map", "[vout]", "-map", "[aout]", "-t", str(seconds),
             "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-profile:v", "high", "-pix_fmt", "yuv420p",
             "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
             "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-movflags", "+faststart", str(out)]
    return args


def run_batch(assets: Path, out: Path, campaign: str = "bench") -> None:
    """The reference job through the CLI, exactly as `make render` runs a campaign (final, not draft)."""
    exe = Path(sys.executable).with_name("promokit")
    cmd = [str(exe) if exe.exists() else "promokit", "run", "--assets", str(assets), "--output", str(out),
           "--notebook", "promo_video", "--workers", "1", "--force", "--quiet", "--allow-code", campaign]
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    if not (out / campaign / "video" / "tiktok.mp4").is_file():
        raise SystemExit("promokit run wrote no video")


def prepare_floor(assets: Path, root: Path) -> None:
    """Draw the reference job's frames into root/floor/frames.nv12 and its encode command into cmd.json."""
    from promokit.project import open_campaign
    from promokit.video import make_plans
    from promokit.video.compositor import Compositor
    from promokit.video.encoder import encode_args

    plan = make_plans(open_campaign("bench", assets, root / "out", check_files=False), ["tiktok"])["tiktok"]
    floor = root / "floor"
    floor.mkdir(parents=True, exist_ok=True)
    with open(floor / "frames.nv12", "wb") as raw, Compositor(plan) as comp:
        for k in range(plan.frames):
            for part in comp.frame(k).parts():
                raw.write(part)
    args = encode_args(plan, floor / "x264.mp4")
    args[args.index("-")] = str(floor / "frames.nv12")
    (floor / "cmd.json").write_text(json.dumps(args), encoding="utf-8")


def run_floor(root: Path) -> None:
    subprocess.run(json.loads((root / "floor" / "cmd.json").read_text(encoding="utf-8")), check=True,
                   stdin=subprocess.DEVNULL)


def run_ffmpeg(assets: Path, out: Path, seconds: float) -> None:
    subprocess.run(ffmpeg_graph_cmd(assets, out / "graph.mp4", seconds), check=True, stdin=subprocess.DEVNULL)


NAIVE = textwrap.dedent('''
    # The script a notebook user would write with moviepy 2.x (deliberately plain).
    import sys
    from moviepy import ImageClip, TextClip, CompositeVideoClip, AudioFileClip, vfx, afx
    folder, logo, font, out, seconds, preset, crf = sys.argv[1:8]
    seconds = float(seconds)
    import glob
    photos = sorted(glob.glob(folder + "/images/*.jpg"))
    n = len(photos)
    slot = (seconds + 0.5 * (n - 1)) / n
    clips = []
    for i, p in enumerate(photos):
        c = (ImageClip(p).with_duration(slot).resized(height=1920)
             .resized(lambda t: 1 + 0.04 * t).with_position("center")
             .with_start(i * (slot - 0.5)))
        if i:
            c = c.with_effects([vfx.CrossFadeIn(0.5)])
        clips.append(c)
    title = (TextClip(font=font, text=TITLE_REPR, font_size=86, color="white", bg_color="#0B5D3B",
                      size=(900, None), method="caption", margin=(40, 40))
             .with_duration(3.5).with_position(("center", 768)))
    logo = ImageClip(logo).resized(width=154).with_duration(seconds).with_position((734, 288))
    music = AudioFileClip(folder + "/music/nhac.wav").subclipped(0, seconds).with_effects(
        [afx.AudioFadeIn(1), afx.AudioFadeOut(2.5)])
    video = CompositeVideoClip(clips + [title, logo], size=(1080, 1920)).with_duration(seconds).with_audio(music)
    video.write_videofile(out, fps=30, codec="libx264", audio_codec="aac", preset=preset,
                          ffmpeg_params=["-crf", crf, "-pix_fmt", "yuv420p"], logger=None)
''').replace("TITLE_REPR", repr(TITLE))


def run_moviepy(assets: Path, out: Path, seconds: float) -> None:
    from promokit.fonts import find_font

    preset, crf = _encode_settings()
    script = out / "naive_moviepy.py"
    script.write_text(NAIVE, encoding="utf-8")
    subprocess.run([sys.executable, str(script), str(assets / "campaigns" / "bench"), str(assets / "brand" / "logo.png"),
                    str(find_font("Noto Sans", bold=True)), str(out / "naive.mp4"), str(seconds), preset, str(crf)],
                   check=True, stdin=subprocess.DEVNULL, cwd=out)


def child(variant: str, assets: Path, out: Path, seconds: float) -> None:
    out.mkdir(parents=True, exist_ok=True)
    {"promokit": lambda: run_promokit(assets, out), "run": lambda: run_batch(assets, out),
     "run-moviepy": lambda: run_batch(assets, out, "bench-moviepy"),
     "ffmpeg": lambda: run_ffmpeg(assets, out, seconds),
     "moviepy": lambda: run_moviepy(assets, out, seconds), "x264": lambda: run_floor(out.parent.parent)}[variant]()


def measure(variant: str, assets: Path, out: Path, seconds: float) -> dict:
    """Run one variant in a child process: wall time (s) and peak RSS (MB) of the largest process of its tree."""
    cmd = [sys.executable, __file__, "--child", variant, "--assets", str(assets), "--out", str(out),
           "--seconds", str(seconds)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{variant} failed (exit {proc.returncode})")
    return {"variant": variant, "seconds": round(wall, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-naive", action="store_true", help="skip the naive moviepy script (about 4 min)")
    ap.add_argument("--only", choices=["run", "run-moviepy", "promokit", "ffmpeg", "moviepy", "x264"], action="append",
                    help="run only these")
    ap.add_argument("--seconds", type=float, default=30.0, help="length of the promo (default 30)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the variants (interleaved) this many times and keep each one's fastest run; "
                         "use on a busy machine")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep the outputs")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--assets", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.assets, args.out, args.seconds)
        return 0
    root = args.keep or Path(tempfile.mkdtemp(prefix="promokit-bench-"))
    try:
        assets = make_reference(root, args.seconds)
        variants = args.only or ["ffmpeg", "run", "run-moviepy", "promokit", "x264"] + (
            [] if args.skip_naive else ["moviepy"])
        if "x264" in variants:
            prepare_floor(assets, root)
        runs: dict[str, list[dict]] = {v: [] for v in variants}
        for _ in range(max(1, args.repeat)):
            for v in variants:
                if v == "moviepy" and runs[v]:
                    continue  # one naive run is enough
                runs[v].append(measure(v, assets, root / "out" / v, args.seconds))
        rows = [min(runs[v], key=lambda r: r["seconds"]) for v in variants]
        base = next((r["seconds"] for r in rows if r["variant"] == "ffmpeg"), None)
        print(f"reference job: {args.seconds:g} s {W}x{H} {FPS} fps, {N_PHOTOS} photos, x264 "
              f"{'/'.join(map(str, _encode_settings()))} (preset/CRF), {os.cpu_count()} CPUs, "
              f"best of {max(1, args.repeat)}, load average {os.getloadavg()[0]:.1f}")
        print(f"{'variant':<12} {'wall s':>8} {'x graph':>8} {'cpu s':>7} {'peak MB':>8}")
        for r in rows:
            ratio = f"{r['seconds'] / base:.2f}" if base else "-"
            r["ratio"] = None if not base else round(r["seconds"] / base, 3)
            print(f"{r['variant']:<12} {r['seconds']:>8.2f} {ratio:>8} {r['cpu_s']:>7.1f} {r['peak_mb']:>8.0f}")
        by = {r["variant"]: r for r in rows}
        if base and "run" in by:
            run = by["run"]
            print(f"target: run at most 0.65x the graph -> {run['ratio']:.2f}x "
                  f"({'met' if run['ratio'] <= 0.65 else 'NOT met'})")
        if base and "x264" in by:
            print(f"the encoder's floor (x264 alone on the same frames, ready) is {by['x264']['ratio']:.2f}x the graph: "
                  f"no render of this job through x264 at this preset and CRF can take less")
        if "run" in by and "run-moviepy" in by:
            k = by["run-moviepy"]["seconds"] / by["run"]["seconds"]
            print(f"target: one 3 s moviepy shot at most 1.1x the job without it -> {k:.2f}x "
                  f"({'met' if k <= 1.1 else 'NOT met'})")
        if "run" in by and "moviepy" in by:
            print(f"the whole job as a moviepy composition (write_videofile) takes "
                  f"{by['moviepy']['seconds'] / by['run']['seconds']:.1f}x promokit run")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
