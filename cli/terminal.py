"""What a person sees in a terminal during and after a run: a progress bar, then the colours.

The bar moves when the flow reports a finished recolour task (see
`paletteflow.pipeline.listeners`), never on a timer, and it is drawn on stderr so stdout
keeps only results. The table shows each palette's colours as true-colour
swatches beside their hex codes, and where every image, the contact sheet and
the gallery are.
"""

from __future__ import annotations

from typing import Any, Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.style import Style
from rich.table import Table
from rich.text import Text

from paletteflow.models import Palette
from paletteflow.pipeline.listeners import RunListener

LOCATIONS = (
    ("contact sheet", "contact_sheet_url"),
    ("gallery", "gallery_url"),
    ("manifest", "manifest_url"),
)


class TerminalProgress(RunListener):
    """A progress bar on `console`, moved by the run's reports; it also keeps the failures for the table.

    With `show` False nothing is drawn (stderr is not a terminal) but the
    failures are still collected. The bar is transient: once the run ends it
    gives way to the table, or to the one-line error.
    """

    def __init__(self, console: Console, *, show: bool) -> None:
        self.failures: list[tuple[str, str]] = []
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not show,
        )
        self._bar = self._progress.add_task("starting Prefect and making palettes", total=None)

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def close(self) -> None:
        self._progress.stop()

    def variations_planned(self, names: list[str]) -> None:
        self._show(f"recolouring {len(names)} palettes", total=len(names), completed=0)

    def variation_finished(self, name: str, error: str | None) -> None:
        if error is not None:
            self.failures.append((name, error))
        self._show(f"{name} {'failed' if error else 'stored'}", advance=1)

    def presenting(self) -> None:
        self._show("making the contact sheet and gallery")

    def _show(self, description: str, **changes: Any) -> None:
        """Update and draw at once, so every completion is seen, not just those a refresh catches."""
        self._progress.update(self._bar, description=description, **changes)
        self._progress.refresh()


def swatch(color: str) -> Text:
    """A block of the colour itself (on terminals that have 24-bit colour): every table's swatch."""
    return Text("   ", style=Style(bgcolor=color))


def swatches(colors: list[str]) -> Text:
    """The colours side by side: a variation's strip, on one line beside its image's URL."""
    text = Text()
    for color in colors:
        text.append(swatch(color))
        text.append(" ")
    return text


def results_table(variations: list[dict[str, Any]], failures: list[tuple[str, str]]) -> Table:
    """One row per palette: name, swatches over hex codes, and the image's URL (or why it failed)."""
    table = Table(title=f"{len(variations)} variations")
    table.add_column("palette")
    table.add_column("colours")
    table.add_column("image", overflow="fold")
    for variation in variations:
        table.add_row(
            variation["name"],
            swatches(variation["colors"]).append("\n" + " ".join(variation["colors"])),
            variation["image_url"],
        )
    for name, error in failures:
        table.add_row(name, Text("not made", style="bold red"), Text(error, style="red"))
    return table


def palettes_table(palettes: list[Palette]) -> Table:
    """One row per palette: name, source and checks, then a line per colour with its role.

    Unlike the results' strips, each colour gets a line: choosing a palette is
    where its roles matter, and there is no URL column to make room for.
    """
    table = Table(show_header=True, show_lines=True)
    table.add_column("palette")
    table.add_column("colours", no_wrap=True)
    table.add_column("description")
    for palette in palettes:
        failed = [name for name, ok in (palette.checks or {}).items() if not ok]
        verdict = f"fails {', '.join(failed)}" if failed else "all checks pass"
        role_of = {color: role for role, color in (palette.roles or {}).items()}
        colors = Text()
        for number, color in enumerate(palette.colors, 1):
            colors.append(swatch(color)).append(f" {color} {role_of.get(color, number)}\n")
        colors.rstrip()
        table.add_row(
            Text(f"{palette.name}\n{palette.source or ''}\n{verdict}"),
            colors,
            palette.description,
        )
    return table


def location_lines(variation: dict[str, Any]) -> list[str]:
    """`what: url` for the contact sheet, gallery and manifest that exist (any variation carries them)."""
    return [f"{what}: {variation[field]}" for what, field in LOCATIONS if variation.get(field)]
