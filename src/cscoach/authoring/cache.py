"""A cache of `cscoach validate` results, keyed by each file's content, as linters keep.

One JSON file in the user's cache directory (`CSCOACH_CACHE_DIR`, else the platform's cache
folder). Its entries hold for one *fingerprint*: the cscoach code and the content library the
checks ran against. A different fingerprint empties it. A missing, unreadable or corrupt cache is
simply a cold start; a cache that cannot be written is skipped. Writes are atomic (a temporary
file renamed over the old one), so two runs at once never leave a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cscoach import __version__
from cscoach.content.reading import read_bytes
from cscoach.errors import ContentError, Problem

FORMAT = 1
MAX_ENTRIES = 20_000
MAX_BYTES = 64 * 1024 * 1024  # 20,000 entries take a few MB

Entry = list[list[object]]  # [[line, col, message, severity, code], ...]


def cache_dir() -> Path:
    env = os.environ.get("CSCOACH_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cscoach", appauthor=False))


def content_key(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def fingerprint(library_files: Iterable[Path]) -> str:
    """What the cached results depend on besides the file itself: this cscoach (its version and
    its code, so an edited checkout never reuses stale results) and the library's files."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"cscoach {__version__}\n".encode())
    package = Path(__file__).resolve().parents[1]  # the whole package, every wing
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(package)} {st.st_size} {st.st_mtime_ns}\n".encode())
    for path in library_files:
        h.update(f"{path.name}\n".encode())
        try:  # bounded, and never a pipe or a device (which would hang or never end)
            h.update(read_bytes(path, str(path)))
        except ContentError as exc:  # loading the library says so; the key just differs
            h.update(f"unreadable: {exc.problems[0].message}\n".encode())
    return h.hexdigest()


class ResultCache:
    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.path = directory / "validate.json"
        self.fingerprint = fingerprint
        self._old: dict[str, Entry] = {}
        self._new: dict[str, Entry] = {}
        try:  # a regular file of at most MAX_BYTES: never a pipe, a device or a huge file
            data = json.loads(read_bytes(self.path, str(self.path), MAX_BYTES, "a cache"))
            if data.get("format") == FORMAT and data.get("fingerprint") == fingerprint:
                entries = data.get("entries")
                if isinstance(entries, dict):
                    self._old = entries
        except (ContentError, ValueError, AttributeError, RecursionError):
            pass  # no cache yet, or not one we can read: start cold (save() replaces it)

    def get(self, key: str, shown: str) -> list[Problem] | None:
        entry = self._new.get(key) or self._old.get(key)
        if entry is None:
            return None
        try:
            problems = [Problem(shown, int(str(line)), int(str(col)), str(message),
                                str(severity), str(code))
                        for line, col, message, severity, code in entry]
        except (TypeError, ValueError):
            return None  # a damaged entry: check the file again
        self._new[key] = entry
        return problems

    def put(self, key: str, problems: list[Problem]) -> None:
        self._new[key] = [[p.line, p.col, p.message, p.severity, p.code] for p in problems]

    def save(self) -> None:
        entries = dict(self._new)
        for key, value in self._old.items():  # keep older results too, up to the limit
            if len(entries) >= MAX_ENTRIES:
                break
            entries.setdefault(key, value)
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".validate-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"format": FORMAT, "fingerprint": self.fingerprint,
                           "entries": entries}, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:  # a read-only cache folder only costs speed
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
