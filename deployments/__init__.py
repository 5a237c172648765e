"""Deployments of paletteflow's flows: `prefect.yaml` for work pools, `serve` for one process."""
