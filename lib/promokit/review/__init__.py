"""Review: the gallery page, the review server and the approvals in the ledger.

- `model`: what the page shows, read from the manifests, checks records and ledger (`load_review`).
- `gallery`: `gallery_html(review)` (pure) and `write_gallery(output)` -> `output/index.html`.
- `counting`: post text counted each platform's way (characters, UTF-16 units, UTF-8 bytes).
- `package`: a post package's files by role and their checksums; `approvals`: decisions against their digest.
- `links`: review links (hashed tokens scoped to one campaign); `server`: `promokit serve`; `status`: `review --status`.
"""
