"""Files cscoach writes: whole or not at all, and CSV a spreadsheet will not run.

- `write_atomic`: every `--out` file is written to a temporary file in the same folder and moved
  into place (`os.replace`), so a full disk, an error or Ctrl-C mid-write leaves the previous
  file exactly as it was, and a reader never sees half a file.
- `csv_text`: every CSV cscoach writes goes through here, and a text cell that a spreadsheet
  would take for a formula (starting `=`, `+`, `-`, `@`, a tab or a carriage return) is
  prefixed with a single quote, as OWASP advises against CSV injection. Numbers stay numbers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import secrets
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from cscoach.errors import UsageError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that would start a formula, prefixed with `'`; any other value unchanged
    (numbers cscoach writes, a score of -3 say, are not text and stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV lines ("\\n"-terminated): the header (ours, as it is), then the rows with every cell
    neutralised. None is an empty cell."""
    return "".join(csv_lines(header, rows))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """`csv_text` a line at a time, for rows too many to hold."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(v) for v in row])
        yield buffer.getvalue()


def csv_row(cells: Sequence[object], end: str = "\n", *, neutral: bool = True) -> str:
    """One CSV line ending in `end`, every cell neutralised (a header of ours need not be)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=end).writerow(
        [neutralise(v) for v in cells] if neutral else cells)
    return buffer.getvalue()


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte (os.write may write fewer than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _cannot(path: Path, exc: OSError) -> UsageError:
    return UsageError(f"{path}: cannot write: {exc.strerror or exc}")


def _temporary(target: Path) -> tuple[int, Path]:
    """A new file beside `target`, created by us alone (O_EXCL), with the usual permissions
    (0666 less the umask, as a plain open would give)."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name[:64]}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                           0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def write_atomic(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Replace `path` with `data` whole, or leave it as it was (UsageError saying why).

    A symbolic link stays a link: the file it names is replaced. A device or a pipe (`--out
    /dev/stdout`) is written to directly: it holds no earlier file to keep, and must never be
    replaced by a regular file."""
    write_atomic_parts(path, [data], encoding)


STREAM_BUFFER = 1 << 20  # bytes gathered before a write, when the parts come one by one


def _gathered(parts: Iterable[str | bytes], encoding: str) -> Iterator[bytes]:
    """The parts as bytes, gathered into writes of about STREAM_BUFFER."""
    pending: list[bytes] = []
    size = 0
    for part in parts:
        data = part.encode(encoding) if isinstance(part, str) else part
        pending.append(data)
        size += len(data)
        if size >= STREAM_BUFFER:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


def write_atomic_parts(path: Path, parts: Iterable[str | bytes], encoding: str = "utf-8"
                       ) -> None:
    """`write_atomic` of the parts joined, written as they come (an export of any size in
    the memory of one part): still whole or not at all, the temporary file taking the old
    one's place only once the last part is on disk."""
    try:
        info: os.stat_result | None = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _cannot(path, exc) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path}: is a folder; give a file name")
    try:
        if info is not None and not stat.S_ISREG(info.st_mode):
            with path.open("wb") as stream:
                for payload in _gathered(parts, encoding):
                    stream.write(payload)
            return
        target = Path(os.path.realpath(path)) if path.is_symlink() else path
        fd, tmp = _temporary(target)
    except OSError as exc:
        raise _cannot(path, exc) from None
    try:
        try:
            for payload in _gathered(parts, encoding):
                _write_all(fd, payload)
            os.fsync(fd)  # on disk before it takes the old file's place
        finally:
            os.close(fd)
        if info is not None:
            with contextlib.suppress(OSError):  # keep the old file's permissions
                os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, target)
    except BaseException as exc:  # an error, or Ctrl-C: the old file stays, the new one goes
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _cannot(path, exc) from None
        raise
