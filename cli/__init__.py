"""The `paletteflow` command line: the application over the library, the flows and Prefect.

`main` builds the command from one module per command group; `console` turns
expected failures into one line and exit code 2; `prefect_api` and
`local_server` decide which Prefect API runs report to; `terminal` draws the
progress bar and the results table.
"""
