"""The `paletteflow` command, put together from one module per command group."""

from __future__ import annotations

import typer

from cli import palettes, recolor, runs, serving

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="One logo, many colourways: palettes from text, recoloured images, stored anywhere.",
)
app.command()(runs.demo)
app.command()(runs.run)
app.command()(palettes.palettes)
app.command()(recolor.recolor)
app.command()(serving.serve)
app.add_typer(serving.server_app, name="server")


def main() -> None:
    app()
