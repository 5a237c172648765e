"""Benchmarks run by `make bench`: speed and quality against the old approach and the floor."""
