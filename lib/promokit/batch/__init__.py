"""Batch rendering: campaigns x notebooks -> Papermill jobs, run one after another (workers come later)."""
