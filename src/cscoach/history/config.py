"""Where the history lives, who the trainee is, and which Learning Record Store to send to.

Precedence, highest first: the command-line option, the environment, `config.toml` in the data
folder, the default. See docs/history.md.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cscoach.errors import UsageError

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
    password: str | None
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
    if not name or len(name) > 80 or any(ord(c) < 32 for c in name):
        raise UsageError(f"trainee name {name!r} must be 1-80 printable characters")
    return name


def check_lrs_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"LRS address '{url}' must start with http:// or https:// "
                         "(e.g. http://127.0.0.1:8100/xAPI)")
    return url


def settings(data_dir_option: Path | None = None, trainee: str | None = None,
             lrs_url: str | None = None) -> Settings:
    folder = data_dir(data_dir_option)
    config = read_config(folder)
    name = (trainee or os.environ.get("CSCOACH_TRAINEE")
            or _str(config, None, "trainee", folder) or _os_user())
    url = lrs_url or os.environ.get("CSCOACH_LRS_URL") or _str(config, "lrs", "url", folder)
    lrs = None
    if url:
        table = config.get("lrs")
        timeout = table.get("timeout", 5.0) if isinstance(table, dict) else 5.0
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise UsageError(f"{folder / CONFIG_NAME}: 'lrs.timeout' must be a number of seconds")
        lrs = Lrs(check_lrs_url(url), os.environ.get("CSCOACH_LRS_USER"),
                  os.environ.get("CSCOACH_LRS_PASSWORD"), float(timeout))
    return Settings(
        folder, check_trainee(name), lrs,
        _str(config, "xapi", "activity_base", folder) or DEFAULT_ACTIVITY_BASE,
        _str(config, "xapi", "homepage", folder) or DEFAULT_HOMEPAGE)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return "trainee"
