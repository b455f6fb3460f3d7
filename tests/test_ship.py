"""`validate --strict` is "shippable": each rule the shipped library is held to is a located
message of its own, shown with --strict only (authoring/ship.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

SHOPPER = (ROOT / "scenarios" / "angry-shopper.yaml").read_text(encoding="utf-8")


def _strict(cli, tmp_path: Path, text: str) -> tuple[object, object]:
    path = tmp_path / "scenarios" / "shop-copy.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace("id: angry-shopper\n", "id: shop-copy\n", 1), encoding="utf-8")
    return cli("validate", str(path), "--strict"), cli("validate", str(path))


def test_a_copy_of_a_shipped_scenario_is_shippable(cli, tmp_path: Path) -> None:
    strict, plain = _strict(cli, tmp_path, SHOPPER)
    assert strict.code == 0 and strict.out == "", strict.out


@pytest.mark.parametrize(("old", "new", "line_of", "message"), [
    ("  en: A customer marches", "  en: (S002-L1) A customer marches", "summary:",
     "the summary names source 'S002-L1': it sets the scene"),
    ("sources: [S000-P1,", "sources: [S004-BON, S000-P1,", "sources:",
     "source 'S004-BON' is claimed but no reply's feedback or ending's summary names it"),
    ("format_version: 2\n", "format_version: 2\n", "pass_mark:", None),
], ids=["summary", "uncited", "clean"])
def test_each_rule_is_a_located_line_with_strict_only(cli, tmp_path: Path, old: str, new: str,
                                                      line_of: str, message: str | None) -> None:
    assert old in SHOPPER
    text = SHOPPER.replace(old, new, 1)
    strict, plain = _strict(cli, tmp_path, text)
    assert plain.code == 0 and plain.out == ""  # a draft is not told what shipping needs
    if message is None:
        assert strict.code == 0
        return
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith(line_of))
    assert strict.code == 1
    assert re.search(rf"shop-copy\.yaml:{line}:1: error: {re.escape(message)}", strict.out), \
        strict.out


def test_a_best_path_short_of_100_and_steps_missed_are_named(cli, tmp_path: Path) -> None:
    text = (ROOT / "tests" / "data" / "format2" / "counter-v2.yaml").read_text(encoding="utf-8")
    path = tmp_path / "counter-v2.yaml"
    path.write_text(text, encoding="utf-8")
    r = cli("validate", str(path), "--strict")
    assert r.code == 1
    assert re.search(r"the best path \(answers [\d.,]+\) scores 80, not 100", r.out)
    assert "never performs step(s) listen, ask, empathize" in r.out
    assert "3 node(s) and 3 ending(s): a shipped scenario has at least 6 nodes" in r.out
    assert "0 reply(ies) say a phrasebook \"don't say\"" in r.out


def test_validate_checks_a_pack_folder_as_a_pack(cli, tmp_path: Path) -> None:
    pack = tmp_path / "team"
    (pack / "scenarios").mkdir(parents=True)
    (pack / "scenarios" / "angry-shopper.yaml").write_text(SHOPPER, encoding="utf-8")
    (pack / "scenarios" / "draft.yaml").write_text(
        SHOPPER.replace("id: angry-shopper\n", "id: other\n", 1), encoding="utf-8")
    r = cli("validate", str(pack))
    assert r.code == 1
    assert "angry-shopper.yaml:9:5: error: scenario id 'angry-shopper' is taken by" in r.out
    assert "draft.yaml:9:1: error: scenario id 'other' must equal the file name 'draft'" in r.out
    again = cli("validate", str(pack))  # from the cache: the same lines
    assert again.out == r.out
