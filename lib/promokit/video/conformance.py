"""Moved: conformance lives in `promokit.conform` (checks from the file's own structure, for any video).

Kept as a re-export for code that imported it from here.
"""

from ..catalog import Check, Checks
from ..conform import Target, check_file, check_render, gather

__all__ = ["Check", "Checks", "Target", "check_file", "check_render", "gather"]
