"""`promokit check`: validate campaigns (spec, brand, every file they name) and report every problem.

It proves what the render will need, before rendering: every text of every platform's video laid out
against the fonts that will draw it (missing glyphs fail), the clips' real lengths against their
shots (the plan's rule, a shorter shot, reported as a warning), the warnings a run would give
(files dropped, shots shortened, voice-over cut), the data against each chart kind's rules (finite
numbers, no blank label, no negative share, ranks that are ranks), and, when an output
folder is given, that it can be written with room for the planned renders (an estimate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, PromokitError, SpecError, UsageError, Where
from .project import CampaignContext, check_campaign, select_ids
from .spec import load_brand
from .spec.loader import with_lines


@dataclass
class CheckReport:
    """Problems per campaign id (an empty list = valid); `brand` holds brand.yml's problems."""

    campaigns: dict[str, list[Problem]] = field(default_factory=dict)
    brand: list[Problem] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # campaign id -> what a run would warn about
    output: list[Problem] = field(default_factory=list)  # the output folder (not writable, too little room)

    @property
    def ok(self) -> bool:
        return not self.brand and not self.output and not any(self.campaigns.values())

    def lines(self) -> list[str]:
        out = [str(p) for p in self.brand + self.output]
        for problems in self.campaigns.values():
            out.extend(str(p) for p in problems)
        return out

    def warning_lines(self) -> list[str]:
        return [f"⚠ {cid}: {w}" for cid, ws in self.warnings.items() for w in ws]

def font_problems(ctx: CampaignContext) -> list[Problem]:
    """The brand's fonts exist and cover the campaign's own texts (title, slogan, video texts)."""
    from . import fonts

    found: list[Problem] = []
    c = ctx.campaign
    texts = [t for t in (c.title, c.slogan, *((c.video.title, c.video.subtitle) if c.video else ())) if t]
    for role, name in (("heading", ctx.brand.fonts.heading), ("body", ctx.brand.fonts.body)):
        try:
            path = fonts.find_font(name, brand_dir=ctx.brand_dir, bold=role == "heading")
            fonts.check_coverage(path, texts, file=ctx.folder / "campaign.yml", field="title")
        except PromokitError as e:
            found.extend(e.problems)
    return found


def chart_data_problems(ctx: CampaignContext, already: list[Problem]) -> list[Problem]:
    """Each infographic's table against its kind's rules (blank labels, negative shares, ranks that are not
    ranks), as the render will read it; a table whose file already has a problem is not read again."""
    from . import assets
    from .charts.data import chart_data
    from .spec.loader import read_yaml

    found: list[Problem] = []
    spec_file = ctx.folder / "campaign.yml"
    reported = {p.where.file for p in already if p.where.file is not None}
    try:  # where each infographic is in campaign.yml (an invalid one before it is left out of ctx)
        listed = [g.get("id") if isinstance(g, dict) else None for g in read_yaml(spec_file, "campaign.yml").data["infographics"]]
    except (PromokitError, KeyError, TypeError):
        listed = []
    for i, g in enumerate(ctx.campaign.infographics):
        fld = f"infographics[{listed.index(g.id) if g.id in listed else i}]"
        try:
            path = assets.resolve(ctx.folder, g.data, field=f"{fld}.data", spec_file=spec_file)
            if path in reported:
                continue
            chart_data(assets.read_table(path, g.table_decimal), g, spec_file=spec_file, field=fld)
        except PromokitError as e:
            found.extend(p for p in e.problems if p.where.file not in reported)
    return found


def article_front_matter(ctx: CampaignContext) -> list[Problem]:
    """The publication's articles read (front matter validated): cheap, without the publication room."""
    from . import assets

    found: list[Problem] = []
    pub = ctx.campaign.publication
    for i, rel in enumerate(pub.articles if pub else []):
        try:
            assets.read_article(assets.resolve(ctx.folder, rel, field=f"publication.articles[{i}]"))
        except PromokitError as e:
            found.extend(e.problems)
    return found


#: product rooms with checks of their own beyond the spec, files and fonts (imported on use)
DEEP = ("publication", "radio")


def campaign_problems(cid: str, assets: Path, output: Path = Path("output"), *, allow_code: bool = False,
                      deep: tuple[str, ...] | None = None) -> tuple[CampaignContext | None, list[Problem]]:
    """Every problem of one campaign in one round: spec, brand, files and data, articles, fonts; its own
    code (moviepy shots) unless allowed (`allow_code`, brand.yml, PROMOKIT_ALLOW_CODE=1).

    `deep`: the rooms whose own checks run — "publication" (the articles' pictures, alt texts and links; it
    loads WeasyPrint, ~2 s) and "radio" (bulletin scripts); None = all (`promokit check`). Without
    "publication" the articles' front matter is still checked."""
    ctx, problems = check_campaign(cid, assets, output, allow_code=allow_code)
    if ctx is None:
        return None, problems
    rooms = DEEP if deep is None else deep
    problems.extend(chart_data_problems(ctx, problems))
    # the articles' pictures, alt texts and links (rendered outputs they show come from `run`)
    if ctx.campaign.publication and "publication" in rooms:
        from .publication import check_publication

        problems.extend(check_publication(ctx, outputs=False))
    elif ctx.campaign.publication:
        problems.extend(article_front_matter(ctx))
    if ctx.campaign.radio and "radio" in rooms:
        from .radio.api import check_radio  # bulletin scripts, the files they name, the schedule

        problems.extend(check_radio(ctx))
    problems.extend(font_problems(ctx))
    problems = with_lines(problems, ctx.folder / "campaign.yml")  # every problem about campaign.yml with its line
    seen, unique = set(), []
    for p in problems:  # the brand's problems come with every campaign; say each once
        if str(p) not in seen:
            seen.add(str(p))
            unique.append(p)
    return ctx, unique


def open_checked(cid: str, assets: Path = Path("assets"), output: Path = Path("output"), *,
                 allow_code: bool = False, deep: tuple[str, ...] = ()) -> CampaignContext:
    """The campaign ready to use, or SpecError with every problem found: spec, brand, files, data, the articles'
    front matter, fonts, and the checks of the rooms in `deep` (what the notebook is about)."""
    ctx, problems = campaign_problems(cid, assets, output, allow_code=allow_code, deep=deep)
    if problems or ctx is None:
        raise SpecError(*problems)
    return ctx


#: Rough bytes per second of finished video per platform, and per poster / edition (for the free-space estimate)
VIDEO_BYTES_PER_S = 1_200_000
POSTER_BYTES = 3_000_000
EDITION_BYTES = 40_000_000


def render_needs(ctx: CampaignContext) -> tuple[list[Problem], list[str], int]:
    """(problems, warnings, estimated output bytes) of rendering a valid campaign, found without rendering."""
    from .video.api import campaign_inputs, make_plan
    from .video.layers import check_texts

    c = ctx.campaign
    problems: list[Problem] = []
    warnings: list[str] = []
    need = 0
    if c.video is not None and c.video.platforms:
        try:
            inputs = campaign_inputs(ctx)
            said: dict[str, list[str]] = {}  # warning -> the platforms whose plan gives it
            for name in c.video.platforms:
                plan = make_plan(ctx, name, inputs=inputs)
                for w in plan.warnings:
                    said.setdefault(w, []).append(name)
                try:
                    check_texts(plan)  # glyphs of every text in its font, and every text fits
                except PromokitError as e:  # named in campaign.yml, on the platform whose frame it misses
                    problems.extend(_on_platform(e.problems, name, plan, ctx.folder / "campaign.yml"))
                need += int(plan.duration * VIDEO_BYTES_PER_S)
            # each warning once; the platforms named only when not every platform gives it
            warnings += [w if len(names) == len(c.video.platforms) else f"{', '.join(names)}: {w}"
                         for w, names in said.items()]
        except PromokitError as e:
            problems.extend(e.problems)
    need += POSTER_BYTES * len(c.infographics) * 2 + (EDITION_BYTES if c.publication is not None else 0)
    return problems, _unique(warnings), need


def _on_platform(problems: list[Problem], platform: str, plan: object, spec_file: Path) -> list[Problem]:
    """Problems of a platform's plan that name a field but no file: placed in `spec_file` at the field's line,
    their text saying which platform's frame (w x h px) they are about."""
    size = f"{platform} {getattr(plan, 'width', '?')}×{getattr(plan, 'height', '?')}"
    out = [p if p.where.file is not None else
           Problem(Where(spec_file, None, p.where.field), f"{size}: {p.vi}", f"{size}: {p.en}", p.fix_vi, p.fix_en)
           for p in problems]
    return with_lines(out, spec_file)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _check_output(output: Path, need: int) -> list[Problem]:
    from .resources import require_writable

    try:
        require_writable(output, need)
    except PromokitError as e:
        return e.problems
    return []


def check_campaigns(assets: Path, ids: list[str] | None = None, output: Path | None = None, *,
                    allow_code: bool = False) -> CheckReport:
    """Validate the brand and each campaign (all when `ids` is empty); never stops at the first problem.
    A campaign with its own code (moviepy shots) is refused unless code is allowed (`allow_code`, brand.yml).

    With `output`, also that the folder can be written with room for the planned renders.
    """
    report = CheckReport()
    if not (Path(assets) / "campaigns").is_dir() and not Path(assets).is_dir():
        raise UsageError.fail(f"không có thư mục assets {assets}", f"the assets folder {assets} does not exist",
                              field="--assets", fix_vi="chỉ đúng thư mục có campaigns/ (--assets)",
                              fix_en="point --assets at the folder that holds campaigns/")
    need = 0
    try:
        load_brand(Path(assets))
    except PromokitError as e:
        report.brand = e.problems
    brand = {str(p) for p in report.brand}
    for cid in select_ids(Path(assets), ids):
        ctx, problems = campaign_problems(cid, Path(assets), allow_code=allow_code)
        report.campaigns[cid] = [p for p in problems if str(p) not in brand]
        if ctx is None or problems:
            continue
        problems, warnings, bytes_ = render_needs(ctx)
        report.campaigns[cid] += problems
        report.warnings[cid] = warnings
        need += bytes_
    if output is not None:
        report.output = _check_output(Path(output), need)
    return report
