"""Tables for spreadsheets and BI tools, streamed: CSV (one table per file) and XLSX (a sheet each).

Every writer is fed an iterator of `(sheet name, row)` pairs and keeps only the row in hand:
CSV goes out in buffered chunks, XLSX through XlsxWriter's `constant_memory` mode (each row is
flushed to the sheet's own temporary file as the next one starts), so memory stays flat however
long the history is. One pass feeds every table, so a history is read once.

Every target is written to a temporary file beside it and moved into place (`os.replace`) only
when all of them are complete: a failure leaves the previous files as they were, and no half
file. Cells keep their kind:

- XLSX: numbers as numbers, booleans as booleans, times as real dates (UTC, `yyyy-mm-dd
  hh:mm:ss`), text as text (never a formula); a bold, frozen header row with a filter.
- CSV for Excel (`excel=True`): a UTF-8 byte order mark (Korean Excel reads Hangul right only
  with it), CRLF line ends, times as `YYYY-MM-DD HH:MM:SS` (UTC), which Excel takes for a date.
- plain CSV: UTF-8, LF, times as ISO 8601 as stored (`2026-12-02T07:49:01.123Z`).
- both CSVs: text that a spreadsheet would take for a formula is neutralised (see `writing`).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from cscoach.content import writing
from cscoach.content.writing import _cannot, _temporary, csv_row
from cscoach.errors import UsageError

Kind = Literal["text", "int", "number", "bool", "time", "list"]
Row = Sequence[object]
XLSX_MAX_ROWS = 1_048_576  # Excel's own limit, header included
CHUNK = 1 << 16
WIDTHS: dict[str, float] = {"text": 24, "int": 10, "number": 10, "bool": 9, "time": 19,
                            "list": 22}
EXCEL_TIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = "text"
    width: float | None = None


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table: its name (the sheet's, and the CSV file's suffix) and its columns."""

    name: str
    columns: tuple[Column, ...]

    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def moment(value: object) -> datetime | None:
    """A stored time (ISO 8601 text, or a datetime) as a naive UTC datetime, which is what a
    spreadsheet's date cell holds."""
    if value is None or value == "":
        return None
    when = value if isinstance(value, datetime) else \
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def text_cell(value: object, kind: Kind, excel: bool) -> object:
    """One cell as CSV writes it."""
    if value is None:
        return ""
    if kind == "time":
        if not excel:
            return value.isoformat() if isinstance(value, datetime) else value
        when = moment(value)
        return "" if when is None else when.strftime(EXCEL_TIME)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return value


def csv_paths(out: Path, sheets: Sequence[Sheet]) -> dict[str, Path]:
    """One table: the file named. Several: `x.csv` becomes `x-<table>.csv`, one per table (a
    folder named `x.csv` is refused all the same: the name was meant for a file)."""
    check_target(out)
    if len(sheets) == 1:
        return {sheets[0].name: out}
    return {s.name: out.with_name(f"{out.stem}-{s.name}{out.suffix}") for s in sheets}


def check_target(path: Path) -> None:
    """A target that is a folder is refused (a missing one is fine: it is about to be made)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _cannot(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path}: is a folder; give a file name")


class Replacing:
    """Temporary files beside each target, moved into place together by `commit`; on any
    failure (or Ctrl-C) before that, removed, and every target left as it was."""

    def __init__(self, targets: Sequence[Path]) -> None:
        for target in targets:
            check_target(target)
        self.targets = [Path(os.path.realpath(t)) if t.is_symlink() else t for t in targets]
        self.shown = list(targets)
        self.temporary: list[Path] = []
        self.fds: list[int] = []

    def __enter__(self) -> Replacing:
        try:
            for target in self.targets:
                fd, tmp = _temporary(target)
                self.fds.append(fd)
                self.temporary.append(tmp)
        except OSError as exc:
            self._discard()
            raise _cannot(self.shown[len(self.temporary)], exc) from None
        return self

    def _close(self) -> None:
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fds = []

    def _discard(self) -> None:
        self._close()
        for tmp in self.temporary:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def commit(self) -> None:
        for fd in self.fds:
            os.fsync(fd)  # on disk before it takes the old file's place
        self._close()
        for tmp, target in zip(self.temporary, self.targets, strict=True):
            with contextlib.suppress(OSError):  # keep the old file's permissions
                os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        for tmp, target in zip(self.temporary, self.targets, strict=True):
            os.replace(tmp, target)
        self.temporary = []

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:
        self._discard()
        if isinstance(exc, OSError):
            raise _cannot(self.shown[0], exc) from None


def csv_chunks(sheet: Sheet, rows: Iterable[Row], excel: bool) -> Iterator[str]:
    """The table as CSV text in chunks of about 64 KiB."""
    end = "\r\n" if excel else "\n"
    kinds = [c.kind for c in sheet.columns]
    parts = [csv_row(sheet.header(), end, neutral=False)]
    size = len(parts[0])
    for row in rows:
        line = csv_row([text_cell(v, k, excel) for v, k in zip(row, kinds, strict=True)], end)
        parts.append(line)
        size += len(line)
        if size >= CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    if parts:
        yield "".join(parts)


def write_csv(paths: dict[str, Path], sheets: Sequence[Sheet],
              rows: Iterable[tuple[str, Row]], excel: bool) -> None:
    """Each table to its own file (`paths[sheet.name]`), in one pass over `rows`."""
    order = [s.name for s in sheets]
    with Replacing([paths[n] for n in order]) as files:
        fds = dict(zip(order, files.fds, strict=True))
        buffers: dict[str, list[str]] = {n: [] for n in order}
        sizes = dict.fromkeys(order, 0)
        kinds = {s.name: [c.kind for c in s.columns] for s in sheets}
        end = "\r\n" if excel else "\n"
        head = "\ufeff" if excel else ""
        for s in sheets:
            buffers[s.name].append(head + csv_row(s.header(), end, neutral=False))
        for name, row in rows:
            if name not in fds:
                continue
            line = csv_row([text_cell(v, k, excel)
                            for v, k in zip(row, kinds[name], strict=True)], end)
            buffers[name].append(line)
            sizes[name] += len(line)
            if sizes[name] >= CHUNK:
                writing._write_all(fds[name], "".join(buffers[name]).encode("utf-8"))
                buffers[name], sizes[name] = [], 0
        for name in order:
            writing._write_all(fds[name], "".join(buffers[name]).encode("utf-8"))
        files.commit()


def print_csv(stream: IO[str], sheet: Sheet, rows: Iterable[Row], excel: bool) -> None:
    if excel:
        stream.write("\ufeff")
    for chunk in csv_chunks(sheet, rows, excel):
        stream.write(chunk)


def write_xlsx(path: Path, sheets: Sequence[Sheet], rows: Iterable[tuple[str, Row]]) -> None:
    """One workbook, a sheet per table, in one pass over `rows` and constant memory."""
    import xlsxwriter  # type: ignore[import-untyped]

    with Replacing([path]) as files:
        files._close()  # XlsxWriter writes the file by name
        workbook = xlsxwriter.Workbook(str(files.temporary[0]), {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False, "remove_timezone": True})
        try:
            bold = workbook.add_format({"bold": True, "bottom": 1})
            when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
            pages: dict[str, Any] = {}
            count: dict[str, int] = {}
            kinds: dict[str, list[Kind]] = {}
            for s in sheets:
                page = workbook.add_worksheet(s.name[:31])
                for i, c in enumerate(s.columns):
                    page.set_column(i, i, c.width or max(WIDTHS[c.kind], len(c.name) + 2),
                                    when if c.kind == "time" else None)
                page.write_row(0, 0, s.header(), bold)
                page.freeze_panes(1, 0)
                pages[s.name], count[s.name] = page, 1
                kinds[s.name] = [c.kind for c in s.columns]
            for name, row in rows:
                page = pages.get(name)
                if page is None:
                    continue
                n = count[name]
                if n >= XLSX_MAX_ROWS:
                    raise UsageError(f"{path}: the {name} table has more than "
                                      f"{XLSX_MAX_ROWS - 1} rows, Excel's limit for a sheet; "
                                      "write it with --format csv")
                for col, (value, kind) in enumerate(zip(row, kinds[name], strict=True)):
                    _xlsx_cell(page, n, col, value, kind, when)
                count[name] = n + 1
            for s in sheets:
                pages[s.name].autofilter(0, 0, count[s.name] - 1, len(s.columns) - 1)
        except BaseException:
            with contextlib.suppress(Exception):
                workbook.close()
            raise
        try:
            workbook.close()
        except xlsxwriter.exceptions.FileCreateError as exc:
            cause = exc.__context__ if isinstance(exc.__context__, OSError) else None
            raise _cannot(path, cause or OSError(str(exc))) from None
        fd = os.open(files.temporary[0], os.O_RDONLY)
        files.fds = [fd]
        files.commit()


def _xlsx_cell(page: Any, row: int, col: int, value: object, kind: Kind, when: Any) -> None:
    if value is None or value == "" or value == [] or value == ():
        page.write_blank(row, col, None)
    elif isinstance(value, bool):
        page.write_boolean(row, col, value)
    elif kind == "time":
        moment_ = moment(value)
        page.write_datetime(row, col, moment_, when)
    elif isinstance(value, int | float):
        page.write_number(row, col, value)
    elif isinstance(value, list | tuple):
        page.write_string(row, col, " ".join(str(v) for v in value))
    else:
        page.write_string(row, col, str(value))
