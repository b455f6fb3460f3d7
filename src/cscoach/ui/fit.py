"""Tables that stay readable on any width: a table too wide for the terminal is shown as one
small card per row ("header: value" lines) instead of being crushed into columns of "…" or
one letter a line. Korean is measured in cells (a Hangul syllable is two)."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.errors import MarkupError
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text as RichText

MIN_TEXT = 12  # the narrowest a wrapping column may get before it stops being readable


def needed_width(console: Console, table: Table, min_text: int = MIN_TEXT) -> int:
    """The width the table needs without crushing: no-wrap columns whole, wrapping columns
    at least `min_text` cells (or their longest word, when it does not fold)."""
    options = console.options
    total = 0
    for column in table.columns:
        widest, longest_word = 0, 0
        for cell in [column.header, *column.cells]:
            if isinstance(cell, str) and not cell:
                continue
            measured = Measurement.get(console, options.update_width(10_000), cell)
            widest = max(widest, measured.maximum)
            longest_word = max(longest_word, measured.minimum)
        if column.no_wrap:
            need = widest
        else:
            floor = min_text if column.overflow == "fold" else max(min_text, longest_word)
            need = min(widest, floor)
        if column.max_width is not None:
            need = min(need, column.max_width)
        total += need
    count = len(table.columns)
    left, right = table.padding[3], table.padding[1]
    total += count * (left + right)
    if table.box is not None:
        total += (count - 1) + (2 if table.show_edge else 0)
    return total


def show(console: Console, table: Table, key_columns: int = 1,
         min_text: int = MIN_TEXT) -> None:
    """Print the table, or its rows as cards when the terminal is too narrow for it. The first
    `key_columns` cells head each card; the others follow as "header: value"."""
    if needed_width(console, table, min_text) <= console.width:
        for column in table.columns:
            # rich can wrap a line of wide (Hangul) characters one cell too long and then cuts
            # it with "…"; folding keeps every character
            if not column.no_wrap and column.overflow == "ellipsis":
                column.overflow = "fold"
        console.print(table)
        return
    console.print(cards(table, key_columns))


def cards(table: Table, key_columns: int = 1) -> RenderableType:
    parts: list[RenderableType] = []
    if table.title:
        title = (table.title.copy() if isinstance(table.title, RichText)
                 else RichText(str(table.title)))
        title.stylize("bold")
        parts.append(title)
    columns = table.columns
    rows = zip(*(list(c.cells) for c in columns), strict=True) if columns else iter(())
    for row in rows:
        head = RichText(style="bold")
        for cell in row[:key_columns]:
            text = " · ".join(part for part in _plain(cell).splitlines() if part.strip())
            if text:
                head.append(("  " if head else "") + text)
        body = Table.grid(padding=(0, 1))
        body.add_column(style="dim", no_wrap=True)
        body.add_column(overflow="fold")
        for column, cell in zip(columns[key_columns:], row[key_columns:], strict=True):
            if isinstance(cell, str) and not cell.strip():
                continue
            label = _plain(column.header)
            body.add_row(f"{label}:" if label else "", cell)
        parts.append(Group(head, Padding(body, (0, 0, 0, 2))))
    return Group(*parts)


def _plain(cell: RenderableType) -> str:
    if isinstance(cell, str):
        try:
            return RichText.from_markup(cell).plain
        except MarkupError:
            return cell
    if isinstance(cell, RichText):
        return cell.plain
    return str(cell)
