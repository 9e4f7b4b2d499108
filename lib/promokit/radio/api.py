"""Radio bulletins of a campaign: read the scripts, voice them, mix them, write them with their checks.

The notebook calls these one per cell: `load_bulletins`, `render_bulletin(s)`, `write_run_sheets`.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .. import assets
from ..atomic import atomic_path
from ..catalog import Catalog, Check, Checks, write_checks
from ..errors import AssetError, Problem, PromokitError, SpecError, Where
from ..project import CampaignContext
from ..spec import check_relpath
from ..spec.models import RadioBulletin
from . import mix, voice
from .plan import Bulletin, Timeline, plan_bulletin, timeline
from .schedule import Air, schedule
from .script import Script, parse_script, validate
from .speech import for_ear
from .style import dictionary, style

PRESETS = ("loudspeaker", "online")


def _article_text(path: Path) -> str:
    a = assets.read_article(path)
    summary = a.meta.get("summary") or a.meta.get("description")
    if not isinstance(summary, str) or not summary.strip():
        paras = [p for p in a.body.split("\n\n") if p.strip() and not p.lstrip().startswith(("#", "!", "<", "|"))]
        summary = paras[0] if paras else ""
    return f"{a.title.rstrip('.')}. {' '.join(summary.split())}".strip()


def load_scripts(ctx: CampaignContext) -> list[Script]:
    """The campaign's bulletin scripts, validated (files read and parsed, names unique)."""
    radio = ctx.campaign.radio
    if radio is None:
        raise SpecError.fail("chiến dịch không có mục 'radio:'", "the campaign has no 'radio:' section",
                             file=ctx.folder / "campaign.yml", field="radio",
                             fix_vi="thêm 'radio: {bulletins: [radio/ban-tin.md]}' vào campaign.yml",
                             fix_en="add 'radio: {bulletins: [radio/bulletin.md]}' to campaign.yml")
    spec = ctx.folder / "campaign.yml"
    scripts = []
    problems: list[Problem] = []
    for i, entry in enumerate(radio.bulletins):
        if isinstance(entry, RadioBulletin):
            scripts.append(Script(entry, spec, {}))
            continue
        try:
            path = assets.resolve(ctx.folder, entry, field=f"radio.bulletins[{i}]", spec_file=spec)
            scripts.append(parse_script(assets.read_text(path), path))
        except PromokitError as err:  # every script's problems at once
            problems.extend(err.problems)
    if problems:
        raise SpecError(*problems)
    names = [s.bulletin.name for s in scripts]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpecError.fail(f"tên bản tin bị lặp: {', '.join(dup)}", f"bulletin name repeated: {', '.join(dup)}",
                             file=spec, field="radio.bulletins", fix_vi="đặt tên tệp hoặc 'name' khác nhau",
                             fix_en="give each bulletin its own file name or 'name'")
    return scripts


def first_day(ctx: CampaignContext) -> dt.date:
    radio, dates = ctx.campaign.radio, ctx.campaign.dates
    days = [d for s in (radio.schedule if radio else []) for d in s.days]
    return min(days) if days else (dates.from_ if dates else dt.date.today())


def plan(ctx: CampaignContext, script: Script) -> Bulletin:
    """The bulletin of one script, paths resolved inside the campaign folder."""
    def resolve(rel: str, field: str) -> Path:
        line = script.line(*[int(p) if p.isdigit() else p for p in field.replace("]", "").replace("[", ".").split(".")])
        check_relpath(rel, ctx.folder, script.file, field, line)
        try:
            return assets.resolve(ctx.folder, rel, field=field, spec_file=script.file)
        except PromokitError as err:  # the script's line of the field, when the reader could not know it
            raise type(err)(*(Problem(Where(q.where.file, q.where.line or line, q.where.field), q.vi, q.en, q.fix_vi,
                                      q.fix_en) for q in err.problems)) from None

    station = (ctx.campaign.radio.station if ctx.campaign.radio else "") or ctx.brand.organisation
    return plan_bulletin(script, resolve=resolve, article_text=_article_text, dictionary=dictionary(ctx.brand_dir),
                         style=style(), station=station, date=first_day(ctx))


def load_bulletins(ctx: CampaignContext, names: list[str] | tuple[str, ...] = ()) -> list[Bulletin]:
    """Every bulletin of the campaign (or those named), planned: ear text, reading times, paths checked."""
    bulletins = [plan(ctx, s) for s in load_scripts(ctx)]
    if names:
        known = [b.name for b in bulletins]
        for n in names:
            if n not in known:
                raise SpecError.fail(f"không có bản tin '{n}'", f"no bulletin '{n}'", field="bulletins",
                                     fix_vi=f"dùng một trong: {', '.join(known)}", fix_en=f"use one of: {', '.join(known)}")
        bulletins = [b for b in bulletins if b.name in names]
    return bulletins


def airs(ctx: CampaignContext, bulletins: list[Bulletin]) -> list[Air]:
    """Every broadcast of these bulletins (radio.schedule, else each bulletin's own `slots`)."""
    return schedule(ctx.campaign.radio, [b.name for b in bulletins], {b.name: b.slots for b in bulletins},
                    first_day(ctx), ctx.folder / "campaign.yml")


# -- voicing and mixing --------------------------------------------------------------------------

def _engine(ctx: CampaignContext) -> voice.Engine:
    r = ctx.brand.radio
    model = check_relpath(r.model, ctx.brand_dir, ctx.brand_dir / "brand.yml", "radio.model", None) if r.model else None
    return voice.engine(r.engine, style(), model)


def voice_takes(ctx: CampaignContext, bulletin: Bulletin) -> list[voice.Take]:
    """Each segment's cleaned voice: its recording, or a guide track of its ear text."""
    st = style()
    rate = mix.RATE
    eng = None
    takes = []
    for s in bulletin.segments:
        if s.voice is not None:
            try:
                samples = voice.decode(s.voice, rate, field=f"{s.field}.voice")
                takes.append(voice.clean(samples, rate, st, source=s.voice, field=f"{s.field}.voice"))
            except AssetError as err:  # name the script line too
                p = err.problems[0]
                raise AssetError.fail(p.vi, p.en, file=bulletin.file, line=s.line, field=f"{s.field}.voice",
                                      fix_vi=p.fix_vi, fix_en=p.fix_en) from None
            continue
        if not s.ear.text.strip():
            raise SpecError.fail("mục không có lời đọc và không có tệp giọng đọc", "segment has neither text nor voice",
                                 file=bulletin.file, line=s.line, field=s.field,
                                 fix_vi="viết lời đọc dưới tiêu đề, hoặc thêm 'voice: voice/…'",
                                 fix_en="write the text under the heading, or add 'voice: voice/…'")
        eng = eng or _engine(ctx)
        takes.append(voice.guide_take(s.ear.text, eng, rate, st))
    return takes


def jingle_seconds(bulletin: Bulletin) -> dict[Path, float]:
    """Each jingle's length on air (s): the file's, cut at the style's maximum."""
    cap = float(style()["jingle"]["max"])
    paths = {s.jingle for s in bulletin.segments if s.jingle} | ({bulletin.closing_jingle} - {None})
    return {p: min(cap, assets.probe_media(p).duration) for p in paths}


@dataclass(frozen=True)
class RadioResult:
    """A written bulletin: its WAV master, MP3, the checks of each, the timeline, and seconds spent."""

    bulletin: Bulletin
    preset: str
    wav: Path
    mp3: Path
    checks: Checks
    timeline: Timeline
    guide: bool
    seconds: dict[str, float]


def _checks(bulletin: Bulletin, preset_name: str, preset: dict, tl: Timeline, path: Path, takes: list[voice.Take],
            guide: bool, band: float | None) -> Checks:
    """The checks record of a written file; `band` is the master's energy fraction outside the preset's band."""
    st = style()["checks"]
    duration = assets.probe_media(path).duration
    loud = mix.measure(path)
    checks = [
        Check("duration", abs(duration - tl.duration) <= st["duration_tolerance"], round(duration, 2),
              f"{tl.duration:.2f} ± {st['duration_tolerance']} s", "" if abs(duration - tl.duration) <= st["duration_tolerance"]
              else "độ dài khác kịch bản / length differs from the script timeline", "ffprobe"),
        Check("slot", duration <= bulletin.slot, round(duration, 2), f"≤ {bulletin.slot:g} s",
              "" if duration <= bulletin.slot else
              f"dài hơn khung giờ {duration - bulletin.slot:.1f} s — rút gọn lời đọc / over its slot by "
              f"{duration - bulletin.slot:.1f} s — shorten the script", "ffprobe"),
        Check("loudness", abs(loud.integrated - preset["lufs"]) <= st["lufs_tolerance"], loud.integrated,
              f"{preset['lufs']} ± {st['lufs_tolerance']} LUFS", "", "ffmpeg ebur128"),
        Check("true_peak", loud.true_peak <= preset["true_peak"], loud.true_peak, f"≤ {preset['true_peak']} dBTP",
              "", "ffmpeg ebur128"),
    ]
    if band is not None:
        checks.append(Check("band", band <= preset["max_out_of_band"], round(band, 4),
                            f"≤ {preset['max_out_of_band']} outside {preset['highpass'] / 2 ** preset['band_margin']:.0f}–"
                            f"{preset['lowpass'] * 2 ** preset['band_margin']:.0f} Hz",
                            "" if band <= preset["max_out_of_band"] else
                            "năng lượng ngoài dải loa nén / energy outside the horn band", "numpy FFT of the WAV master"))
    warnings = [w for t in takes for w in t.warnings] + bulletin.notes
    if guide:
        warnings.insert(0, "giọng đọc thử bằng máy (guide), chưa phải bản phát chính thức — hãy thu âm các mục "
                           "thiếu / synthetic guide voice, not a final bulletin — record the missing segments")
    facts = {"preset": preset_name, "guide": guide, "planned_s": tl.duration, "reading_s": round(bulletin.reading, 2),
             "slot_s": bulletin.slot, "segments": len(bulletin.segments), "station": bulletin.station,
             "voices": [{"segment": i, "source": t.source.name if t.source else "guide", **t.facts}
                        for i, t in enumerate(takes)],
             # the script as written, for the reviewer who listens (the review page shows it beside the player)
             "script": [{"kind": s.kind, "title": s.title, "text": s.text, "recorded": s.voice is not None}
                        for s in bulletin.segments]}
    return Checks("radio", tuple(checks), facts, tuple(dict.fromkeys(warnings)))


def render_bulletin(ctx: CampaignContext, bulletin: Bulletin, preset: str = "loudspeaker", *,
                    draft: bool = False, takes: list[voice.Take] | None = None) -> RadioResult:
    """Voice, mix and write one bulletin (WAV master + MP3 with ID3 tags, a checks record beside each)."""
    if preset not in PRESETS:
        raise SpecError.fail(f"kiểu trộn '{preset}' không tồn tại", f"unknown preset '{preset}'", field="preset",
                             fix_vi=f"dùng một trong: {', '.join(PRESETS)}", fix_en=f"use one of: {', '.join(PRESETS)}")
    st = style()
    p = st["presets"][preset]
    t0 = time.perf_counter()
    takes = takes if takes is not None else voice_takes(ctx, bulletin)
    t1 = time.perf_counter()
    guide = any(t.guide for t in takes)
    tl = timeline(bulletin, [t.duration for t in takes], jingle_seconds(bulletin), st)
    out = Catalog(ctx.output).campaign(ctx.id)
    variant = "" if preset == "loudspeaker" else preset
    wav = out.bulletin(bulletin.name, "wav", guide=guide, draft=draft, variant=variant)
    mp3 = out.bulletin(bulletin.name, "mp3", guide=guide, draft=draft, variant=variant)
    title = bulletin.title + (" (bản đọc thử / guide)" if guide else "")
    day = bulletin.date.isoformat() if bulletin.date else ""
    tags = {"title": title, "album": ctx.campaign.title, "artist": bulletin.station, "album_artist": bulletin.station,
            "date": day, "genre": "Speech", "publisher": ctx.brand.organisation, "language": "vie",
            "comment": f"promokit radio · {preset} · {'guide' if guide else 'final'}", "campaign": ctx.id,
            "promokit_guide": "1" if guide else "0"}
    with atomic_path(wav) as tmp_wav, atomic_path(mp3) as tmp_mp3:
        done = mix.master(tl, [t.samples for t in takes], bulletin.bed, st, p, tmp_wav, tmp_mp3, tags)
        t2 = time.perf_counter()
        band = done["out_of_band"] if p.get("max_out_of_band") is not None else None
        with ThreadPoolExecutor(max_workers=2) as pool:  # both files measured at once, one per core
            wav_checks = pool.submit(_checks, bulletin, preset, p, tl, tmp_wav, takes, guide, band)
            mp3_checks = pool.submit(_checks, bulletin, preset, p, tl, tmp_mp3, takes, guide, band)
            checks = wav_checks.result().with_facts(**done)
            checks_mp3 = mp3_checks.result().with_facts(tags=tags, **done)
        # LAME changes the loudness a little (about -0.5 LU here): once off by more than 0.3 LU, encode again with
        # the measured correction, as far as the true-peak ceiling allows
        loud, peak = checks_mp3.get("loudness"), checks_mp3.get("true_peak")
        if loud is not None and peak is not None and isinstance(loud.value, float) and isinstance(peak.value, float):
            fix = min(p["lufs"] - loud.value, p["true_peak"] - 0.2 - peak.value)
            if abs(p["lufs"] - loud.value) > 0.3 and abs(fix) > 0.05:
                mix.encode_mp3(tmp_wav, tmp_mp3, tags, p["mp3_bitrate"], done["rate"], int(p["channels"]), fix)
                checks_mp3 = _checks(bulletin, preset, p, tl, tmp_mp3, takes, guide, band).with_facts(
                    tags=tags, mp3_gain_db=round(fix, 2), **done)
    write_checks(wav, checks)
    write_checks(mp3, checks_mp3)
    return RadioResult(bulletin, preset, wav, mp3, checks_mp3, tl, guide,
                       {"voices": t1 - t0, "mix": t2 - t1, "checks": time.perf_counter() - t2})


def render_bulletins(ctx: CampaignContext, bulletins: list[Bulletin], presets: list[str] | None = None, *,
                     draft: bool = False) -> list[RadioResult]:
    """Every bulletin in every preset the campaign asks (voices made once per bulletin)."""
    presets = presets or list(ctx.campaign.radio.presets)
    results = []
    for b in bulletins:
        t0 = time.perf_counter()
        takes = voice_takes(ctx, b)
        spent = time.perf_counter() - t0
        for p in presets:
            r = render_bulletin(ctx, b, p, draft=draft, takes=takes)
            results.append(RadioResult(r.bulletin, r.preset, r.wav, r.mp3, r.checks, r.timeline, r.guide,
                                       {**r.seconds, "voices": spent}))
    return results


__all__ = ["PRESETS", "PromokitError", "RadioResult", "airs", "load_bulletins", "load_scripts", "plan",
           "render_bulletin", "render_bulletins", "validate", "voice_takes"]


# -- run sheets ----------------------------------------------------------------------------------

def write_run_sheets(ctx: CampaignContext, bulletins: list[Bulletin], results: list[RadioResult], *,
                     draft: bool = False) -> list[Path]:
    """One run sheet PDF per broadcast day (the loudspeaker mix's length and file; else the estimate).
    Drafts get none (a run sheet names the files to broadcast)."""
    if draft:
        return []
    from ..atomic import write_atomic
    from .sheet import SheetEntry, run_sheet_html, write_pdf  # WeasyPrint loads only when a sheet is written

    by_name: dict[str, RadioResult] = {}
    for r in sorted(results, key=lambda r: r.preset != "loudspeaker"):  # the loudspeaker mix first
        by_name.setdefault(r.bulletin.name, r)
    entries = {}
    for b in bulletins:
        r = by_name.get(b.name)
        entries[b.name] = SheetEntry(b, r.timeline.duration if r else b.reading, r.mp3.name if r else "—",
                                     r.guide if r else b.guide)
    all_airs = airs(ctx, bulletins)
    station = (ctx.campaign.radio.station or ctx.brand.organisation)
    out = Catalog(ctx.output).campaign(ctx.id)
    written = []
    for day in sorted({a.day for a in all_airs}):
        page = run_sheet_html(day, station, ctx.campaign.title, all_airs, entries)
        written.append(write_atomic(out.run_sheet(day.isoformat()), write_pdf(page)))
    return written


def recording_list(ctx: CampaignContext) -> list[tuple[Path, str]]:
    """What to record: (voice file, the text for the ear) of every script segment that names a voice file
    (reads only the campaign's radio/*.md scripts and the articles they draw from, so a campaign whose
    recordings are still missing can be opened with `check_files=False` for it)."""
    folder = ctx.folder
    out = []
    for f in sorted((folder / "radio").glob("*.md")):
        script = parse_script(assets.read_text(f), f)
        for i, s in enumerate(script.bulletin.segments):
            if not s.voice:
                continue
            text = s.text.strip()
            if s.article:
                drawn = _article_text(assets.resolve(folder, s.article, field=f"segments[{i}].article", spec_file=f))
                text = f"{drawn}\n\n{text}".strip() if text else drawn
            out.append((folder / s.voice, for_ear(text, dictionary(ctx.brand_dir)).text if text else ""))
    return out


def check_radio(ctx: CampaignContext) -> list[Problem]:
    """Every problem `promokit check` can find in the campaign's bulletins without mixing them: scripts
    (syntax, kinds, fields), the files they name (present, with sound), the schedule's bulletin names."""
    problems: list[Problem] = []
    try:
        scripts = load_scripts(ctx)
    except PromokitError as err:
        problems.extend(err.problems)
        bad = {str(p.where.file) for p in err.problems}
        scripts = []
        for entry in ctx.campaign.radio.bulletins:  # the scripts that parse are checked on
            path = ctx.folder / entry if isinstance(entry, str) else None
            if path is not None and path.is_file() and str(path) not in bad:
                try:
                    scripts.append(parse_script(assets.read_text(path), path))
                except PromokitError:
                    pass
    bulletins = []
    for script in scripts:
        try:
            b = plan(ctx, script)
        except PromokitError as err:
            problems.extend(err.problems)
            continue
        bulletins.append(b)
        media = [(s.voice, s.line, f"{s.field}.voice") for s in b.segments if s.voice]
        media += [(s.jingle, s.line, f"{s.field}.jingle") for s in b.segments if s.jingle]
        media += [(p, script.line(f), f) for p, f in ((b.bed, "bed"), (b.closing_jingle, "jingles"))
                  if p is not None]
        for path, line, field in dict.fromkeys(media):
            try:
                if not assets.probe_media(path).has_audio:
                    raise AssetError.fail("tệp không có tiếng", "file has no audio stream", file=path,
                                          fix_vi="dùng tệp âm thanh (WAV, MP3, M4A)", fix_en="use an audio file")
            except PromokitError as err:
                problems.extend(Problem(Where(b.file, line, field), f"{path.name}: {q.vi}", f"{path.name}: {q.en}",
                                        q.fix_vi, q.fix_en) for q in err.problems)
    if bulletins:
        try:
            airs(ctx, bulletins)
        except PromokitError as err:
            problems.extend(err.problems)
    return problems
