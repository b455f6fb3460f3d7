"""Editor support that survives sharing: the schemas written beside the content, a relative
`$schema` line for new files, and `validate --watch` re-checking files as they are saved."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cscoach.errors import Problem, UsageError

if TYPE_CHECKING:
    from cscoach.content.library import Library, PackSpec

SCHEMA_DIR = "schema"


def content_folder(target: Path) -> Path:
    """The folder a content file belongs to: the parent of `scenarios/`, `phrasebook/` or
    `quiz/` when the file sits in one (as in the shipped library), else its own folder.
    (Made absolute, not resolved: a symlinked folder keeps the name the trainer gave it.)"""
    parent = Path(os.path.abspath(target)).parent
    if parent.name in ("scenarios", "phrasebook", "quiz"):
        return parent.parent
    return parent


def write_schemas(folder: Path, library: Library,
                  write: Callable[[Path, str], None]) -> list[Path]:
    """Every format's schema into `folder` (created when missing); the files written."""
    from cscoach.content.schema import KINDS, file_name, schema_for

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file in the way, a symbolic link loop, a read-only disk
        raise UsageError(f"{folder}: cannot create the folder: {exc.strerror or exc}") from None
    written = []
    for kind in KINDS:
        path = folder / file_name(kind)
        write(path, json.dumps(schema_for(kind, library), ensure_ascii=False, indent=2) + "\n")
        written.append(path)
    return written


def schema_reference(target: Path, library: Library,
                     write: Callable[[Path, str], None]) -> tuple[str, list[Path]]:
    """The `$schema` a new file at `target` should name, relative to it, and the schema files
    written for it: the content folder's `schema/` when it has one (the shipped library does),
    else a new `schema/` there. Never a path inside the installation, which breaks as soon as
    the file is sent to someone else."""
    from cscoach.content.schema import file_name

    folder = content_folder(target) / SCHEMA_DIR
    schema_file = folder / file_name("scenario")
    written: list[Path] = []
    if not schema_file.is_file():
        written = write_schemas(folder, library, write)
    relative = os.path.relpath(schema_file, os.path.abspath(target.parent))
    return Path(relative).as_posix(), written


# -- validate --watch


Stamp = tuple[int, int]  # (mtime in ns, size): changes when a file is saved


def _stamps(paths: list[Path], extra: Iterable[Path]) -> dict[Path, Stamp]:
    """When each content file under `paths` (and each of `extra`) last changed."""
    from cscoach.authoring.validate import content_files

    files, _ = content_files(paths)
    out: dict[Path, Stamp] = {}
    for path in [*files, *extra]:
        try:
            st = path.stat()
        except OSError:
            continue  # deleted between listing and looking: gone from the next report
        out[path] = (st.st_mtime_ns, st.st_size)
    return out


def watch(paths: list[Path], report: Callable[[int, list[Problem]], object], *,
          begin: Callable[[], None] = lambda: None, interval: float = 0.3,
          cycles: int | None = None, sleep: Callable[[float], None] = time.sleep,
          use_cache: bool = True, jobs: int = 0, packs: Sequence[PackSpec] = (),
          strict: bool = False) -> None:
    """Validate `paths`, then again whenever a file under them (or a library file) is saved,
    added or deleted; `begin()` is called before each check and `report(files, problems)`
    hears the whole current state after it. Runs until interrupted, or for `cycles` looks."""
    from cscoach.authoring.validate import validate
    from cscoach.content.library import library_files

    library = library_files()
    last = _stamps(paths, library)
    begin()
    first = validate(paths, use_cache=use_cache, jobs=jobs, packs=packs, strict=strict)
    report(first.files, first.problems)
    looked = 0
    while cycles is None or looked < cycles:
        sleep(interval)
        looked += 1
        now = _stamps(paths, library)
        if now == last:
            continue
        last = now
        begin()
        # the cache answers for the files that did not change
        current = validate(paths, use_cache=use_cache, jobs=jobs, packs=packs, strict=strict)
        report(current.files, current.problems)
