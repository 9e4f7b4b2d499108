"""One publisher per platform, registered in `PUBLISHERS` (a new platform: one small class and one import)."""

from . import meta, tiktok, youtube, zalo  # noqa: F401 - each module registers its publishers
from .base import (
    PUBLISHERS,
    Job,
    NativeSchedule,
    Outcome,
    Publisher,
    PublishFailed,
    StillProcessing,
    register,
    when_to_send,
)

__all__ = ["PUBLISHERS", "Job", "NativeSchedule", "Outcome", "PublishFailed", "Publisher", "StillProcessing", "register",
           "when_to_send"]
