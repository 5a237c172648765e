"""Prefect tasks: thin wrappers that add retries, names, timings and logging to paletteflow calls."""
