"""Shared fixtures. Media are made tiny by promokit.testing, so tests stay fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit import testing


@pytest.fixture
def tmp_campaign(tmp_path: Path) -> Path:
    """A mini valid campaign folder, `tmp_path/campaigns/mini/` (so `tmp_path` is the assets dir)."""
    return testing.make_campaign(tmp_path, "mini")
