"""The benchmarks' Rich tables: a label column on the left, figures right-aligned after it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table


def figure_table(headers: Sequence[str], **options: Any) -> Table:
    """A table whose first column (the row's label) is left-aligned and every other right."""
    table = Table(**options)
    for position, header in enumerate(headers):
        table.add_column(header, justify="left" if position == 0 else "right")
    return table
