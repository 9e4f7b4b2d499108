"""One publisher per platform, registered in `PUBLISHERS` (a new platform: one small class and one import)."""

from . import meta, tiktok, youtube, zalo  # noqa: F401 - each module registers its publishers
from .base import PUBLISHERS, Job, Outcome, Publisher, PublishFailed, StillProcessing, register

__all__ = ["PUBLISHERS", "Job", "Outcome", "PublishFailed", "Publisher", "StillProcessing", "register"]
