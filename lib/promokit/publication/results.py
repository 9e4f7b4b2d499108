"""What writing a publication returns: one `EditionResult` per edition, and a validator's `Verdict`."""

from __future__ import annotations

import html as _html
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..text import format_number


@dataclass
class Verdict:
    """What EPUBCheck said about one EPUB."""

    ran: bool
    errors: int = 0
    warnings: int = 0
    fatals: int = 0
    messages: list[str] = field(default_factory=list)
    version: str = ""
    seconds: float = 0.0
    reason: str = ""  # why it did not run

    @property
    def ok(self) -> bool:
        return self.ran and self.errors == 0 and self.warnings == 0 and self.fatals == 0

    def as_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        d["messages"] = self.messages[:20]
        return d

    def __str__(self) -> str:
        if not self.ran:
            return f"EPUBCheck chưa chạy / not run: {self.reason}"
        head = (f"EPUBCheck {self.version}: {self.fatals} lỗi nghiêm trọng / fatal, {self.errors} lỗi / errors, "
                f"{self.warnings} cảnh báo / warnings")
        return "\n".join([head, *self.messages[:20]])

    def _repr_html_(self) -> str:
        colour = "#0B5D3B" if self.ok else "#C8102E"
        items = "".join(f"<li>{_html.escape(m)}</li>" for m in self.messages[:20])
        return (f'<p style="color:{colour};font-weight:bold">{"✔" if self.ok else "✘"} '
                f"{_html.escape(str(self).splitlines()[0])}</p>" + (f"<ul>{items}</ul>" if items else ""))


@dataclass
class EditionResult:
    """One edition written: its format, file, size, time and checks."""

    format: str
    path: Path
    bytes: int
    seconds: float
    checks: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.format}: {self.path} ({format_number(self.bytes / 1e6, 2)} MB, {self.seconds:.2f} s)"

    @property
    def verdict(self) -> Verdict | None:
        """The EPUBCheck verdict recorded when the EPUB was written (None for other formats)."""
        v = self.checks.get("epubcheck")
        if not isinstance(v, dict):
            return None
        names = ("ran", "errors", "warnings", "fatals", "messages", "version", "seconds", "reason")
        return Verdict(**{k: v[k] for k in names if k in v})

    def _repr_html_(self) -> str:
        return f"<code>{_html.escape(str(self))}</code>"


