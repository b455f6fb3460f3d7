"""What start-up pays for: `cscoach --help` imports no heavy module, and a scripted play only
what it uses (the speed budget itself is measured by benchmarks/startup.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = {"yaml", "questionary", "prompt_toolkit", "rich", "pygments", "ahocorasick",
         "spellchecker", "sqlite3", "jsonschema", "fsrs", "platformdirs", "urllib3", "http"}

PROBE = """
import contextlib, io, json, runpy, sys
sys.argv = ["cscoach", *sys.argv[1:]]
with contextlib.redirect_stdout(io.StringIO()):
    try:
        runpy.run_module("cscoach", run_name="__main__")
    except SystemExit:
        pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _imported(*args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                         check=True, timeout=60)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_imports_no_heavy_module() -> None:
    assert _imported("--help") & HEAVY == set()


def test_a_subcommands_help_imports_no_heavy_module() -> None:
    assert _imported("play", "--help") & HEAVY == set()


def test_scripted_play_loads_no_prompt_or_drawing_modules() -> None:
    used = _imported("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--json",
                     "--no-record")
    assert {"yaml", "ahocorasick"} <= used  # it does load, match and score
    assert used & {"questionary", "prompt_toolkit", "rich", "pygments", "spellchecker"} == set()
