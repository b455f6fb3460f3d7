"""Where the history lives, who the trainee is, and which Learning Record Store to send to.

Precedence, highest first: the command-line option, the environment, `config.toml` in the data
folder, the default. See docs/history.md.
"""

from __future__ import annotations

import getpass
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cscoach.errors import UsageError, printable
from cscoach.plain import name_problem

if TYPE_CHECKING:
    from cscoach.content.library import PackSpec

DB_NAME = "history.db"
CONFIG_NAME = "config.toml"
DEFAULT_ACTIVITY_BASE = "https://cscoach.example/xapi"
DEFAULT_HOMEPAGE = "https://cscoach.example/trainees"


def data_dir(option: Path | None = None) -> Path:
    """--data-dir, else CSCOACH_HOME, else the platform's data folder for cscoach."""
    if option is not None:
        return option.expanduser()
    env = os.environ.get("CSCOACH_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("cscoach", appauthor=False)


@dataclass(frozen=True, slots=True)
class Lrs:
    url: str
    user: str | None
    password: str | None = field(repr=False)  # never shown, never stored
    timeout: float = 5.0

    @property
    def statements_url(self) -> str:
        return self.url.rstrip("/") + "/statements"


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    trainee: str
    lrs: Lrs | None
    activity_base: str = DEFAULT_ACTIVITY_BASE
    homepage: str = DEFAULT_HOMEPAGE

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_NAME


MAX_CONFIG_BYTES = 1024 * 1024  # a few settings; anything bigger is the wrong file


def read_config(folder: Path) -> dict[str, object]:
    """config.toml read bounded: a regular file of at most 1 MiB (never a pipe, which would
    block, or a device such as /dev/zero, which never ends), or nothing when there is none."""
    from cscoach.content.reading import read_limited

    path = folder / CONFIG_NAME
    try:
        if path.is_dir():
            raise UsageError(f"{path}: is a folder; the config must be a file")
        path.stat()
    except FileNotFoundError:
        return {}
    except OSError:
        pass  # read_limited says why, in the words every file refusal uses
    data = read_limited(path, MAX_CONFIG_BYTES, "a config file", UsageError)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib nests by recursion: a thousand '[' in a row
        raise UsageError(f"{path}: not valid TOML: nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None


def _str(config: dict[str, object], table: str | None, key: str, where: Path) -> str | None:
    section: object = config if table is None else config.get(table, {})
    if not isinstance(section, dict):
        raise UsageError(f"{where / CONFIG_NAME}: [{table}] must be a table")
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        name = key if table is None else f"{table}.{key}"
        raise UsageError(f"{where / CONFIG_NAME}: '{name}' must be a non-empty string")
    return value.strip()


def check_trainee(name: str) -> str:
    name = name.strip()
    if name_problem(name, 80) is not None:  # DEL, C1, bidi overrides, not UTF-8 too
        raise UsageError(f"trainee name {name!r} must be 1-80 printable characters")
    return name


def _shown(url: str) -> str:
    """An address fit to print: whatever stands before an '@' in the host part (a user name, a
    password) is never shown."""
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:  # up to the last '@', since a password may hold '/', '?' or '#'
        url = f"{scheme}://***@{rest.rpartition('@')[2]}"
    return printable(url, 200)


def check_lrs_url(url: str, where: str = "LRS address") -> str:
    """An http(s) address with a host, a port in range and no credentials; `where` names where
    it was given (the option, the variable, the config file and key)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    shown = _shown(url)
    if (parts.scheme not in ("http", "https") or not parts.hostname or not url.isprintable()
            or " " in url):
        raise UsageError(f"{where}: LRS address '{shown}' must start with http:// or https:// "
                         "and name a host (e.g. http://127.0.0.1:8100/xAPI)")
    if "@" in parts.netloc:
        raise UsageError(f"{where}: the LRS address '{shown}' holds a user name or password; "
                         "put them in CSCOACH_LRS_USER and CSCOACH_LRS_PASSWORD instead")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port is not None and not 1 <= port <= 65535:
        raise UsageError(f"{where}: the port of LRS address '{shown}' must be a number from 1 "
                         "to 65535")
    return url


TIMEOUT_RANGE = (0.1, 300.0)  # seconds a request to the LRS may take in all


def _timeout(config: dict[str, object], folder: Path) -> float:
    """[lrs] timeout: a finite number of seconds in TIMEOUT_RANGE (inf, nan or 1e9 would hold a
    drill for ever, or break the socket)."""
    table = config.get("lrs")
    value = table.get("timeout", 5.0) if isinstance(table, dict) else 5.0
    low, high = TIMEOUT_RANGE
    if (not isinstance(value, int | float) or isinstance(value, bool)
            or not math.isfinite(value) or not low <= value <= high):
        raise UsageError(f"{folder / CONFIG_NAME}: 'lrs.timeout' must be a number of seconds "
                         f"from {low:g} to {high:g}, not {printable(repr(value), 40)}")
    return float(value)


def _lrs_url(option: str | None, config: dict[str, object], folder: Path
             ) -> tuple[str | None, str]:
    """The LRS address and where it came from, by precedence."""
    if option:
        return option, "--lrs"
    if os.environ.get("CSCOACH_LRS_URL"):
        return os.environ["CSCOACH_LRS_URL"], "CSCOACH_LRS_URL"
    return _str(config, "lrs", "url", folder), f"{folder / CONFIG_NAME}: 'lrs.url'"


def settings(data_dir_option: Path | None = None, trainee: str | None = None,
             lrs_url: str | None = None) -> Settings:
    folder = data_dir(data_dir_option)
    config = read_config(folder)
    name = (trainee or os.environ.get("CSCOACH_TRAINEE")
            or _str(config, None, "trainee", folder) or _os_user())
    url, where = _lrs_url(lrs_url, config, folder)
    lrs = None
    if url:
        lrs = Lrs(check_lrs_url(url, where), os.environ.get("CSCOACH_LRS_USER"),
                  os.environ.get("CSCOACH_LRS_PASSWORD"), _timeout(config, folder))
    return Settings(
        folder, check_trainee(name), lrs,
        _str(config, "xapi", "activity_base", folder) or DEFAULT_ACTIVITY_BASE,
        _str(config, "xapi", "homepage", folder) or DEFAULT_HOMEPAGE)


CONTENT_PATH_ENV = "CSCOACH_CONTENT_PATH"


def content_packs(option: list[Path] | None = None, data_dir_option: Path | None = None
                  ) -> list[PackSpec]:
    """The content packs to add to the shipped library, by precedence: every `--content`, else
    CSCOACH_CONTENT_PATH (folders separated by os.pathsep), else `content = [...]` in
    config.toml (relative folders from the config file's folder), else none."""
    from cscoach.content.library import PackSpec

    if option:
        return [PackSpec(path.expanduser(), "--content") for path in option]
    env = os.environ.get(CONTENT_PATH_ENV)
    if env:
        return [PackSpec(Path(part).expanduser(), CONTENT_PATH_ENV)
                for part in env.split(os.pathsep) if part]
    folder = data_dir(data_dir_option)
    config = read_config(folder)
    value = config.get("content")
    if value is None:
        return []
    where = folder / CONFIG_NAME
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"{where}: 'content' must be a list of folders, e.g. content = "
                         "[\"~/team-pack\"]")
    out = []
    for i, text in enumerate(value, 1):
        path = Path(text.strip()).expanduser()
        out.append(PackSpec(path if path.is_absolute() else Path(os.path.normpath(folder / path)),
                            f"{where}: content[{i}]"))
    return out


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return "trainee"
