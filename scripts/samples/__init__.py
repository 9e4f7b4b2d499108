"""The sample campaigns' media generator (`scripts/make_samples.py`): procedural photos, clips, music, voices."""
