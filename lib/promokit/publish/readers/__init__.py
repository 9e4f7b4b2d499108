"""The read side of each publisher (audience counts), registered in `READERS` under the publisher's name."""

from . import meta, tiktok, youtube, zalo  # noqa: F401 - each module registers its readers
from .base import READERS, Answer, CountsReader, RateLimited, register

__all__ = ["READERS", "Answer", "CountsReader", "RateLimited", "register"]
