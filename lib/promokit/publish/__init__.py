"""Publishing (DESIGN §4): post packages per platform, live publishing that resumes and never posts twice,
scheduling, credentials and `promokit auth`.

- `build_packages` writes `output/<id>/posts/<platform>/` (video, cover, caption.txt, post.json) and checks it.
- `publish_live` sends approved final packages through one registered publisher per platform (`PUBLISHERS`).
- `publish_state(output, campaign, platform)` is what the gallery and the review server show.
"""

from .api import Line, build_packages, publish_live, publish_one, publish_state, status_lines
from .package import PostJson, PublishError, check_package, package_digest, package_files, read_package
from .publishers import PUBLISHERS
from .rules import RULES, compose_caption, count

__all__ = [
    "PUBLISHERS", "RULES", "Line", "PostJson", "PublishError", "build_packages", "check_package", "compose_caption",
    "count", "package_digest", "package_files", "publish_live", "publish_one", "publish_state", "read_package",
    "status_lines",
]
