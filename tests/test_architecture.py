"""The shape of the package: the wings' layers contract (import-linter) holds, and it bites."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, env=env, cwd=src, check=False)


def test_the_wings_contracts_hold() -> None:
    done = lint(ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def lint_with(tmp_path: Path, module: str, late_import: str) -> subprocess.CompletedProcess[str]:
    """Lint a copy of the package in which `module` (a path under cscoach/) also does
    `late_import`, inside a function as the commands do."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "cscoach", src / "cscoach",
                    ignore=shutil.ignore_patterns("__pycache__", "_content"))
    path = src / "cscoach" / module
    path.write_text(path.read_text()
                    + f"\n\ndef _late() -> None:\n    {late_import}  # noqa: F401\n")
    return lint(src)


def test_a_lower_wing_importing_a_higher_one_breaks_the_contract(tmp_path: Path) -> None:
    done = lint_with(tmp_path, "content/model.py", "from cscoach.judge import scoring")
    assert done.returncode == 1
    assert "cscoach.content.model -> cscoach.judge.scoring" in done.stdout


def test_a_circle_inside_a_wing_breaks_the_contract(tmp_path: Path) -> None:
    done = lint_with(tmp_path, "judge/rubric.py", "from cscoach.judge import scoring")
    assert done.returncode == 1
    assert "No import circles inside any wing BROKEN" in done.stdout


def test_a_cli_area_importing_the_cli_package_breaks_the_contract(tmp_path: Path) -> None:
    """A circle between a module and its own package is one acyclic_siblings cannot see: the
    third contract keeps cli's areas off the package module."""
    done = lint_with(tmp_path, "cli/check.py", "import cscoach.cli")
    assert done.returncode == 1
    assert "cscoach.cli.check is not allowed to import cscoach.cli" in done.stdout


def test_an_area_importing_the_assembled_app_is_a_circle(tmp_path: Path) -> None:
    done = lint_with(tmp_path, "cli/check.py", "from cscoach.cli.main import main")
    assert done.returncode == 1
    assert "No import circles inside any wing BROKEN" in done.stdout


def test_where_things_live_matches_the_tree() -> None:
    """docs/architecture.md names every module of the package, and only modules that exist."""
    import re

    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "src" / "cscoach"
    modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    modules -= {m for m in modules if m.endswith("__init__.py")}
    listed = set(re.findall(r"^\| `([\w/]+\.py)` \|", page, re.MULTILINE))
    assert modules - listed == set(), "modules missing from docs/architecture.md"
    assert listed - modules == set(), "docs/architecture.md names modules that do not exist"
