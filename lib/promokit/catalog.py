"""The output catalog: every output path and sidecar name (DESIGN §3), and the one checks record.

No other module builds an output file name. A product asks `Catalog(output).campaign(id)` for the
path of what it writes (`.video("tiktok")`, `.poster("ocop", "story", "png")`, …); readers (manifest,
gallery, review, publish, report) ask the same object what a path is (`kind_of`). Drafts always live in a
`draft/` folder beside the finals, so a draft can never replace a final.

The checks record (`Checks`) is written beside every output as `<file>.checks.json` by `write_checks`
and read back by `read_checks`, which refuses a file of another shape naming it: no reader guesses.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .atomic import write_atomic
from .errors import PromokitError

CHECKS_SUFFIX = ".checks.json"
MANIFEST_NAME = "manifest.json"
GALLERY_NAME = "index.html"
LEDGER_NAME = "promokit.sqlite"
DRAFT_DIR = "draft"
SCRATCH_DIR = ".scratch"
CHECKS_VERSION = 1

#: Output folder inside a campaign's output -> output kind (DESIGN §3). The one list of output kinds.
FOLDERS: dict[str, str] = {
    "video": "video",
    "infographics": "infographic",
    "publication": "publication",
    "posts": "post",
    "radio": "radio",
    "notebooks": "notebook",
}
KINDS: tuple[str, ...] = (*FOLDERS.values(), "other")

#: Finer roles of a file within its kind (what a reader shows or sends), by how its name ends.
_ROLES: tuple[tuple[str, str], ...] = (
    ("-cover.jpg", "cover"), (".srt", "captions"), (".vtt", "captions"), (".mp4", "video"),
    (".png", "image"), (".pdf", "pdf"), (".txt", "text"), (".html", "html"), (".epub", "epub"),
    (".ipynb", "notebook"), (".mp3", "audio"), (".wav", "audio"), (".json", "data"), (".docx", "docx"),
)


class CatalogError(PromokitError):
    """An output record (checks file, manifest) is missing, corrupt or of another shape."""


def _safe_name(name: str, what: str) -> str:
    """A single path component built from user data (platform, infographic id, bulletin name)."""
    if not name or "/" in name or "\\" in name or name in {".", ".."} or name.startswith(".") or "\0" in name:
        raise CatalogError.fail(f"tên {what} không hợp lệ: {name!r}", f"invalid {what} name: {name!r}",
                                field=what, fix_vi="chỉ dùng chữ, số, '-' và '_'", fix_en="use letters, digits, '-' and '_'")
    return name


@dataclass(frozen=True)
class CampaignOutputs:
    """Every output path of one campaign under `root/<campaign>/`."""

    root: Path
    campaign: str

    @property
    def dir(self) -> Path:
        return self.root / self.campaign

    def folder(self, kind: str, *, draft: bool = False) -> Path:
        """The folder of an output kind ("video", "infographic", …), or its `draft/` sub-folder."""
        name = next((f for f, k in FOLDERS.items() if k == kind), None)
        if name is None:
            raise ValueError(f"unknown output kind {kind!r}; use one of {', '.join(FOLDERS.values())}")
        base = self.dir / name
        return base / DRAFT_DIR if draft else base

    # -- video -------------------------------------------------------------------------------------
    def video(self, platform: str, *, draft: bool = False) -> Path:
        return self.folder("video", draft=draft) / f"{_safe_name(platform, 'platform')}.mp4"

    def captions(self, platform: str, fmt: str = "srt", *, draft: bool = False) -> Path:
        return self.video(platform, draft=draft).with_suffix(f".{fmt}")

    def cover(self, platform: str, *, draft: bool = False) -> Path:
        return self.folder("video", draft=draft) / f"{_safe_name(platform, 'platform')}-cover.jpg"

    # -- infographics ------------------------------------------------------------------------------
    def poster(self, infographic: str, size: str, ext: str, *, draft: bool = False) -> Path:
        return self.folder("infographic", draft=draft) / f"{_safe_name(infographic, 'infographic')}-{size}.{ext}"

    # -- publication -------------------------------------------------------------------------------
    def edition(self, fmt: str, *, draft: bool = False) -> Path:
        return self.folder("publication", draft=draft) / f"{self.campaign}.{fmt}"

    # -- notebooks ---------------------------------------------------------------------------------
    def notebook(self, name: str) -> Path:
        return self.folder("notebook") / f"{_safe_name(name, 'notebook')}.ipynb"

    def failed_notebook(self, name: str) -> Path:
        return self.folder("notebook") / f"{_safe_name(name, 'notebook')}.failed.ipynb"

    # -- post packages (publish) -------------------------------------------------------------------
    def post_dir(self, platform: str, *, draft: bool = False) -> Path:
        """A platform's post package folder (`posts/draft/<platform>/` for a package of a draft render)."""
        return self.folder("post", draft=draft) / _safe_name(platform, "platform")

    def post_file(self, platform: str, name: str, *, draft: bool = False) -> Path:
        """A file of a post package: "video.mp4", "cover.jpg", "caption.txt", "post.json"."""
        return self.post_dir(platform, draft=draft) / _safe_name(name, "file")

    # -- radio -------------------------------------------------------------------------------------
    def bulletin(self, name: str, ext: str, *, guide: bool = False, draft: bool = False, variant: str = "") -> Path:
        """A radio bulletin file; a mix other than the default says which (`-online`), and a synthetic
        guide track says so in its name (`-guide`)."""
        stem = _safe_name(name, "bulletin") + (f"-{_safe_name(variant, 'variant')}" if variant else "") \
            + ("-guide" if guide else "")
        return self.folder("radio", draft=draft) / f"{stem}.{ext}"

    def run_sheet(self, day: str) -> Path:
        return self.folder("radio") / f"lich-phat-{_safe_name(day, 'day')}.pdf"

    # -- records -----------------------------------------------------------------------------------
    @property
    def manifest(self) -> Path:
        return self.dir / MANIFEST_NAME

    def relative(self, path: Path) -> str:
        """`path` as the manifest names it (POSIX, relative to the campaign's output folder)."""
        return Path(path).resolve().relative_to(self.dir.resolve()).as_posix()


@dataclass(frozen=True)
class Catalog:
    """The output folder: campaigns' outputs, the gallery, the ledger and the reports."""

    root: Path

    def campaign(self, campaign_id: str) -> CampaignOutputs:
        return CampaignOutputs(Path(self.root), _safe_name(campaign_id, "campaign"))

    @property
    def gallery(self) -> Path:
        return Path(self.root) / GALLERY_NAME

    @property
    def ledger(self) -> Path:
        return Path(self.root) / LEDGER_NAME

    @property
    def scratch(self) -> Path:
        """The output folder's own temp area: one scratch folder per running job (`promokit.scratch`)."""
        return Path(self.root) / SCRATCH_DIR

    def report(self, period: str, fmt: str) -> Path:
        return Path(self.root) / "reports" / f"{_safe_name(period, 'period')}.{fmt}"

    def latest_report(self, fmt: str = "html") -> Path | None:
        """The report edition in `fmt` written last (None when there is none)."""
        folder = Path(self.root) / "reports"
        found = [p for p in folder.glob(f"*.{fmt}") if p.is_file()] if folder.is_dir() else []
        return max(found, key=lambda p: p.stat().st_mtime_ns, default=None)

    def manifests(self) -> list[Path]:
        """Every campaign's manifest path that exists, sorted by campaign id."""
        root = Path(self.root)
        return sorted(root.glob(f"*/{MANIFEST_NAME}")) if root.is_dir() else []


# -- what a path is ------------------------------------------------------------------------------

def is_record(rel: str) -> bool:
    """True for files that are records about outputs, not outputs (sidecars, temp files, the manifest)."""
    name = PurePosixPath(rel).name
    return (name.startswith(".") or ".part" in name or name == MANIFEST_NAME or name.endswith(CHECKS_SUFFIX))


def kind_of(rel: str) -> str:
    """The output kind of a path relative to a campaign's output folder."""
    parts = PurePosixPath(rel).parts
    return FOLDERS.get(parts[0], "other") if len(parts) > 1 else "other"


def role_of(rel: str) -> str:
    """What a file is within its kind: video, cover, captions, image, pdf, text, html, epub, audio, …"""
    name = PurePosixPath(rel).name
    return next((role for end, role in _ROLES if name.endswith(end)), "other")


def is_draft(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return len(parts) > 2 and parts[1] == DRAFT_DIR


def conformed_copy(source: Path, platform: str) -> Path:
    """`<stem>.<platform>.mp4` beside a user's video (`promokit conform --fix`): a free name, so nothing there
    is overwritten, nor the source."""
    source = Path(source)
    stem = source.stem
    if stem.endswith(f".{platform}"):
        stem = stem[: -len(platform) - 1]
    out = source.with_name(f"{stem}.{_safe_name(platform, 'platform')}.mp4")
    n = 2
    while out.exists() or out.resolve() == source.resolve():
        out = source.with_name(f"{stem}.{platform}-{n}.mp4")
        n += 1
    return out


def checks_path(output: Path) -> Path:
    """The checks sidecar of an output file."""
    return Path(output).with_name(Path(output).name + CHECKS_SUFFIX)


def alt_text_path(image: Path) -> Path:
    """The alt-text sidecar of a poster (`<file>.txt` beside `<file>.png`)."""
    return Path(image).with_suffix(".txt")


# -- the checks record ---------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """JSON-safe copy of a value (tuples to lists, NaN/inf to strings, paths to strings)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


@dataclass(frozen=True)
class Check:
    """One verdict: `name` (an id such as "gop"), `ok`, what was found (`value`), what was wanted
    (`expected`) and, when it failed or needs a word, `reason` (Vietnamese / English)."""

    name: str
    ok: bool
    value: Any = None
    expected: Any = None
    reason: str = ""
    source: str = ""  # where the value comes from: "ffprobe", "mp4 boxes", "packets", "pixels", …

    def to_dict(self) -> dict[str, Any]:
        d = {"name": self.name, "ok": bool(self.ok), "value": _plain(self.value), "expected": _plain(self.expected),
             "reason": self.reason}
        if self.source:
            d["source"] = self.source
        return d


@dataclass(frozen=True)
class Checks:
    """The checks record of one output: verdicts, facts (no verdict) and warnings."""

    kind: str
    checks: tuple[Check, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def get(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def with_checks(self, *checks: Check) -> Checks:
        """A copy with `checks` added (a check of the same name is replaced)."""
        names = {c.name for c in checks}
        return replace(self, checks=(*(c for c in self.checks if c.name not in names), *checks))

    def with_facts(self, **facts: Any) -> Checks:
        return replace(self, facts={**self.facts, **facts})

    def with_warnings(self, *warnings: str) -> Checks:
        return replace(self, warnings=tuple(dict.fromkeys((*self.warnings, *warnings))))

    def to_dict(self) -> dict[str, Any]:
        return {"version": CHECKS_VERSION, "kind": self.kind, "ok": self.ok,
                "checks": [c.to_dict() for c in self.checks], "facts": _plain(dict(self.facts)),
                "warnings": list(self.warnings)}

    @classmethod
    def from_dict(cls, data: Any, *, file: Path | str | None = None) -> Checks:
        """Read a record written by `to_dict`; anything else is a CatalogError naming `file`."""
        def bad(what_vi: str, what_en: str) -> CatalogError:
            return CatalogError.fail(
                f"tệp kiểm tra không đúng dạng: {what_vi}", f"checks file of another shape: {what_en}", file=file,
                fix_vi="chạy lại sổ tay đã tạo ra tệp này (promokit run --force)",
                fix_en="re-run the notebook that made it (promokit run --force)")
        if not isinstance(data, dict) or data.get("version") != CHECKS_VERSION:
            raise bad(f"cần 'version': {CHECKS_VERSION}", f"'version': {CHECKS_VERSION} expected")
        if not isinstance(data.get("kind"), str) or not isinstance(data.get("checks"), list) \
                or not isinstance(data.get("facts", {}), dict) or not isinstance(data.get("warnings", []), list):
            raise bad("thiếu 'kind', 'checks', 'facts' hoặc 'warnings'", "'kind', 'checks', 'facts' or 'warnings' missing")
        checks = []
        for i, c in enumerate(data["checks"]):
            if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not isinstance(c.get("ok"), bool):
                raise bad(f"mục checks[{i}] thiếu 'name' hoặc 'ok'", f"checks[{i}] lacks 'name' or 'ok'")
            checks.append(Check(c["name"], c["ok"], c.get("value"), c.get("expected"), str(c.get("reason") or ""),
                                str(c.get("source") or "")))
        return cls(data["kind"], tuple(checks), dict(data.get("facts", {})),
                   tuple(str(w) for w in data.get("warnings", [])))

    def summary(self) -> str:
        """One line: "✓ 12 đạt / passed" or "✗ gop, audio (2/12)"."""
        if self.ok:
            return f"✓ {len(self.checks)} đạt / passed" + (f" · ⚠ {len(self.warnings)}" if self.warnings else "")
        return f"✗ {', '.join(c.name for c in self.failed)} ({len(self.failed)}/{len(self.checks)})"


def checks_from(kind: str, verdicts: Iterable[Check] = (), facts: Mapping[str, Any] | None = None,
                warnings: Iterable[str] = ()) -> Checks:
    return Checks(kind, tuple(verdicts), dict(facts or {}), tuple(dict.fromkeys(warnings)))


def write_checks(output: Path, checks: Checks) -> Path:
    """Write the checks record beside `output` atomically; return the sidecar's path."""
    return write_atomic(checks_path(output), json.dumps(checks.to_dict(), ensure_ascii=False, indent=2) + "\n")


def read_record(path: Path, what_vi: str, what_en: str, fix_vi: str, fix_en: str) -> Any:
    """A JSON record (checks file, manifest) as data; None when missing; CatalogError naming it when corrupt."""
    if not Path(path).is_file():
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CatalogError.fail(f"{what_vi} hỏng", f"corrupt {what_en} ({type(e).__name__})", file=path,
                                fix_vi=fix_vi, fix_en=fix_en) from e


def read_checks(output: Path) -> Checks | None:
    """The checks record beside `output`; None when there is none; CatalogError when corrupt or of another shape."""
    path = checks_path(output)
    data = read_record(path, "tệp kiểm tra", "checks file", "xóa tệp này rồi chạy lại sổ tay",
                       "delete it and re-run the notebook")
    return None if data is None else Checks.from_dict(data, file=path)
