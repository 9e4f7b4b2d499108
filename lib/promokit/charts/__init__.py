"""Infographics. `kinds` and `sizes` are pure data the spec validates against; builders come later."""
