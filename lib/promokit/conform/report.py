"""`promokit conform FILE... --platform P [--fix]`: each rule's verdict in Vietnamese and English, and the fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..catalog import Check, Checks
from ..errors import PromokitError, UsageError
from ..platforms import PLATFORMS
from .fix import FixResult, fix_file
from .probe import gather
from .rules import Target, judge, label


@dataclass(frozen=True)
class Line:
    ok: bool
    text: str


def check_line(c: Check) -> str:
    """"  ✓ Nhóm ảnh đóng / closed GOP: closed" or "  ✗ … : value (cần / want …) — reason [source]"."""
    mark = "✓" if c.ok else "✗"
    shown = c.value if not isinstance(c.value, list) else ", ".join(map(str, c.value)) or "—"
    text = f"  {mark} {label(c.name)}: {shown}"
    if not c.ok:
        text += f" (cần / want {c.expected})" + (f" — {c.reason}" if c.reason else "")
    elif c.reason:
        text += f" — {c.reason}"
    return text + (f" [{c.source}]" if c.source else "")


def record_lines(name: str, platform: str, checks: Checks) -> list[Line]:
    lines = [Line(True, f"{name} → {PLATFORMS.get(platform).label}")]
    lines += [Line(c.ok, check_line(c)) for c in checks.checks]
    n, bad = len(checks.checks), len(checks.failed)
    lines.append(Line(not bad, f"  {'✓' if not bad else '✗'} " + (f"{n} quy tắc đạt / {n} rules pass" if not bad else
                                                                    f"{bad}/{n} quy tắc không đạt / rules fail")))
    return lines


def fix_lines(r: FixResult) -> list[Line]:
    if r.output is None:
        return [Line(True, "  = đã đạt, không cần sửa / already conforms, nothing written")]
    kind = "chỉ đóng gói lại / remux only" if r.plan and r.plan.remux_only else "mã hóa lại / re-encoded"
    lines = [Line(True, f"  → {r.output.name} ({kind}, {r.seconds:.1f} s):")]
    lines += [Line(True, f"    • {c}") for c in (r.plan.changes if r.plan else ())]
    after = r.after
    if after is not None and not after.ok:
        lines += [Line(False, "  bản sửa vẫn chưa đạt / the fixed copy still fails:")]
        lines += [Line(False, "  " + check_line(c)) for c in after.failed]
    elif after is not None:
        lines.append(Line(True, f"  ✓ bản sửa đạt {len(after.checks)} quy tắc / the fixed copy passes "
                                f"{len(after.checks)} rules"))
    return lines


def conform_files(files: list[Path], platform: str, *, fix: bool = False, fps: float | None = None,
                  say: Callable[[Line], None] = print) -> bool:
    """Check each file against `platform` (`fps`: an exact rate asked); with `fix`, write conforming copies.
    Prints through `say`; True when every file (or its fixed copy) conforms."""
    if platform not in PLATFORMS:
        known = ", ".join(PLATFORMS)
        raise UsageError.fail(f"nền tảng '{platform}' không tồn tại", f"unknown platform '{platform}'",
                              field="--platform", fix_vi=f"dùng một trong: {known}", fix_en=f"use one of: {known}")
    target = Target(PLATFORMS.get(platform), fps=fps)
    all_ok = True
    for path in files:
        try:
            facts = gather(Path(path))
            checks = judge(facts, target)
            for line in record_lines(Path(path).name, platform, checks):
                say(line)
            ok = checks.ok
            if fix and not ok:
                result = fix_file(Path(path), target, facts=facts)
                for line in fix_lines(result):
                    say(line)
                ok = result.ok
        except UsageError:
            raise
        except PromokitError as e:
            say(Line(False, f"{Path(path).name}: {e}"))
            ok = False
        all_ok &= ok
    return all_ok
