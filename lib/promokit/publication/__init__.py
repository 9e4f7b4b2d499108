"""E-publications: a campaign's articles, pictures and infographics as HTML, PDF and EPUB from one model.

    results = render_publication(ctx)                 # every format the campaign asks for
    results = render_publication(ctx, formats=["epub"], page="a5", draft=True)

writes the catalog's `publication/<id>.html|.pdf|.epub` (drafts under `publication/draft/`) atomically (with the checks record beside each,
read into the manifest) and returns one `EditionResult` per edition: format, path, bytes, seconds,
checks (the EPUBCheck verdict for EPUB, pages/page size/fonts/tags for PDF, pictures for HTML).

For the notebook: `article_table(ctx)`, `html_preview(result)`, `pdf_pages(path, n=2)`, `epubcheck(path)`.

How articles refer to pictures, infographics and the video cover: see `promokit.publication.model`.
"""

from .displays import article_table, files_written, html_preview, pdf_pages
from .prepare import FORMATS, PAGES, article_paths, article_sources, build, check_publication
from .results import EditionResult, Verdict
from .validate import epubcheck
from .writers import WRITERS, edition_record, render_publication

__all__ = ["FORMATS", "PAGES", "WRITERS", "EditionResult", "Verdict", "article_paths", "article_sources",
           "article_table", "build", "check_publication", "edition_record", "epubcheck", "files_written",
           "html_preview", "pdf_pages", "render_publication"]
