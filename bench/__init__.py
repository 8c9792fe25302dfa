"""Benchmarks that print their figures; run them all with `python -m bench`."""
