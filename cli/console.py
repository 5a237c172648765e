"""Where the CLI speaks: stdout for results, stderr for progress, notes and one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from paletteflow.errors import PaletteflowError, first_problem

USER_ERROR = 2

# Swatches need 24-bit colour; a pipe or file gets plain text.
out = Console(color_system="truecolor" if sys.stdout.isatty() else None)
err = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one line on stderr and exit code 2, with no traceback."""
    try:
        yield
    except PaletteflowError as error:
        fail(str(error))
    except ValidationError as error:
        where, problem = first_problem(error, "input")
        fail(f"invalid {where}: {problem}")


def fail(message: str) -> NoReturn:
    err.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    raise typer.Exit(USER_ERROR)


def notice(message: str) -> None:
    """A line the user must see whatever --quiet or --json say: a process was started for them."""
    err.print(Text.assemble(("note: ", "bold"), message), soft_wrap=True, highlight=False)


def say(*lines: str) -> None:
    """Plain lines on stdout: no markup, no highlighting, no wrapping of long paths."""
    for line in lines:
        out.print(line, highlight=False, soft_wrap=True)
