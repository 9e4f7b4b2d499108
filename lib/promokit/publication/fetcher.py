"""Safe fetching for the writers: files inside the allowed folders, prepared bytes from memory, nothing else.

Every byte a publication contains comes through a `Sandbox`: files whose real path lies inside one of
its roots (the campaign folder, the brand folder, the campaign's output folder, the font files
`promokit.fonts` found) and resources prepared in memory under a `pk:` address (downscaled images,
font subsets). WeasyPrint gets a `StrictFetcher` over the same sandbox: any other address, a
`file://` elsewhere (``/etc/passwd``), `http(s)://`, `data:` or anything else, stops the rendering
with an error naming the address, so nothing outside the campaign can reach a PDF and nothing is
ever fetched from the network.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint.images  # noqa: F401  - imported here so that the line below comes after it
from PIL import ImageFile
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import AssetError, PromokitError

# WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES = True when imported, which would let
# `promokit.assets.read_image` accept half-copied photos everywhere in this process. Every picture
# WeasyPrint gets from promokit is re-encoded and complete, so the strict default is restored.
ImageFile.LOAD_TRUNCATED_IMAGES = False

SCHEME = "pk"  # addresses of in-memory resources: pk:img/img-001, pk:font/body-regular


@dataclass(frozen=True)
class Resource:
    """Bytes served under `pk:<name>` with their media type."""

    data: bytes
    media_type: str


@dataclass
class Sandbox:
    """The folders (and single files) a publication may read, plus in-memory resources by name."""

    roots: tuple[Path, ...]
    files: frozenset[Path] = frozenset()
    memory: dict[str, Resource | Callable[[], Resource]] = field(default_factory=dict)

    @classmethod
    def of(cls, *roots: Path | None, files: tuple[Path, ...] = ()) -> Sandbox:
        real = tuple(Path(os.path.realpath(r)) for r in roots if r is not None)
        return cls(real, frozenset(Path(os.path.realpath(f)) for f in files))

    def allows(self, path: Path) -> bool:
        real = Path(os.path.realpath(path))
        return real in self.files or any(real.is_relative_to(r) for r in self.roots)

    def check(self, path: Path, *, what: str = "") -> Path:
        """`path` when its real target is inside the sandbox, else an AssetError naming it."""
        if not self.allows(path):
            raise refused(str(path), what)
        return Path(path)

    def read_bytes(self, path: Path) -> bytes:
        return self.check(path).read_bytes()

    def add(self, name: str, data: bytes, media_type: str) -> str:
        """Keep `data` in memory; return its `pk:` address."""
        self.memory[name] = Resource(data, media_type)
        return f"{SCHEME}:{name}"

    def add_lazy(self, name: str, make: Callable[[], Resource]) -> str:
        """Serve `make()` under `pk:<name>`, computed (or waited for) when first fetched."""
        self.memory[name] = make
        return f"{SCHEME}:{name}"

    def get(self, url: str) -> Resource:
        """The resource at `url`: a `pk:` name or a `file://` inside the roots. Anything else is refused.

        A lazy resource that fails raises its own PromokitError (e.g. a picture that cannot be decoded).
        """
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == SCHEME:
            name = url.split(":", 1)[1]
            res = self.memory.get(name)
            if res is None:
                raise refused(url, "không có trong ấn phẩm / not part of the publication")
            if not isinstance(res, Resource):
                res = self.memory[name] = res()
            return res
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path))
            if self.allows(path) and path.is_file():
                return Resource(path.read_bytes(), _media_type(path))
        raise refused(url)


_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
          ".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
          ".svg": "image/svg+xml"}


def _media_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower(), "application/octet-stream")


def refused(address: str, why: str = "") -> AssetError:
    shown = address if len(address) <= 120 else address[:117] + "…"
    extra = f" ({why})" if why else ""
    return AssetError.fail(
        f"từ chối đọc '{shown}': ấn phẩm chỉ dùng tệp trong thư mục chiến dịch, thương hiệu và output{extra}",
        f"refused to read '{shown}': a publication uses only files inside the campaign, brand and output "
        f"folders{extra}",
        fix_vi="chép tệp vào thư mục chiến dịch (vd. images/) và ghi đường dẫn tương đối",
        fix_en="copy the file into the campaign folder (e.g. images/) and use a relative path",
    )


class Refused(FatalURLFetchingError):
    """Raised inside WeasyPrint to stop the rendering; carries the PromokitError to re-raise."""

    def __init__(self, error: PromokitError) -> None:
        super().__init__(str(error))
        self.error = error


class StrictFetcher(URLFetcher):
    """WeasyPrint's `url_fetcher`: serves only what the sandbox allows; any other address is fatal."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(timeout=1, allowed_protocols=(SCHEME, "file"), allow_redirects=False,
                         fail_on_errors=True)
        self.sandbox = sandbox
        self.served: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:  # noqa: ARG002
        try:
            res = self.sandbox.get(url)
        except PromokitError as e:
            raise Refused(e) from None
        self.served.append(url)
        return URLFetcherResponse(url, res.data, {"Content-Type": res.media_type})
