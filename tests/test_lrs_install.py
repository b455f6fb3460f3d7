"""Ralph's virtualenv is made on first use (tests/lrs_install.py), so the README's test command
runs the LRS tests on a fresh clone: made once when runs start together, made again when half
made, and skipped only when the registry cannot be reached."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import free_port
from lrs_install import INSTALLING, Failed, Unreachable, ensure, ready

TESTS = Path(__file__).resolve().parent


def _wheel(folder: Path) -> Path:
    """A tiny wheel with a `ralph` command, so the real installing runs without a registry."""
    path = folder / "fakeralph-1.0-py3-none-any.whl"
    info = "fakeralph-1.0.dist-info"
    files = {
        "fakeralph.py": "def main():\n    print('fake ralph')\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: fakeralph\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
        f"{info}/entry_points.txt": "[console_scripts]\nralph = fakeralph:main\n",
    }
    record = "".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
        z.writestr(f"{info}/RECORD", record)
    return path


def _offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}


def _requirements(tmp_path: Path) -> Path:
    req = tmp_path / "requirements.txt"
    req.write_text(f"fakeralph @ {_wheel(tmp_path).as_uri()}\n")
    return req


def test_a_fresh_clone_gets_the_venv_made_with_ralph_in_it(tmp_path: Path) -> None:
    venv = tmp_path / "lrs" / ".venv"
    assert not ready(venv)
    assert ensure(venv, _requirements(tmp_path), env=_offline_env()) is None
    assert ready(venv) and not (venv / INSTALLING).exists()
    said = subprocess.run([str(venv / "bin" / "ralph")], capture_output=True, text=True)
    assert said.stdout == "fake ralph\n"


def test_runs_started_together_install_once(tmp_path: Path) -> None:
    venv = tmp_path / ".venv"
    req = _requirements(tmp_path)
    counter = tmp_path / "made"
    python = tmp_path / "python"  # counts how often a venv is made, then makes it
    python.write_text(f"#!/bin/sh\necho x >> '{counter}'\nexec '{sys.executable}' \"$@\"\n")
    python.chmod(0o755)
    code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
            "from lrs_install import ensure;"
            "r = ensure(Path(sys.argv[2]), Path(sys.argv[3]), python=sys.argv[4]);"
            "print(r); sys.exit(r is not None)")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(TESTS), str(venv), str(req),
                              str(python)], env=_offline_env(), stdout=subprocess.PIPE,
                             text=True) for _ in range(3)]
    outs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outs
    assert counter.read_text() == "x\n"
    assert ready(venv)


def test_a_half_made_venv_is_made_again(tmp_path: Path) -> None:
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "ralph").write_text("")  # a run killed while pip was installing
    (venv / INSTALLING).write_text("1\n")
    assert not ready(venv)
    assert ensure(venv, _requirements(tmp_path), env=_offline_env()) is None
    said = subprocess.run([str(venv / "bin" / "ralph")], capture_output=True, text=True)
    assert said.stdout == "fake ralph\n"


def test_an_unreachable_registry_is_told_apart_from_a_broken_install(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_RETRIES="1", PIP_TIMEOUT="2",
               PIP_INDEX_URL=f"http://127.0.0.1:{free_port()}/simple")  # nothing listens
    req = tmp_path / "requirements.txt"
    req.write_text("ralph-malph==5.1.0\n")
    down = ensure(tmp_path / "a", req, env=env)
    assert isinstance(down, Unreachable), down
    assert "pip could not install" in down.reason and not ready(tmp_path / "a")

    req.write_text(f"fakeralph @ {(tmp_path / 'missing.whl').as_uri()}\n")
    broken = ensure(tmp_path / "b", req, env=_offline_env())
    assert isinstance(broken, Failed), broken
