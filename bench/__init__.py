"""Benchmarks: `trailkeep bench NAME` or `python -m trailkeep.bench NAME`."""
