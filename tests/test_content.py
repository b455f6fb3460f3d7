"""The curriculum is covered: every item of the seeds has content, and the content map is true."""

from __future__ import annotations

from pathlib import Path

import pytest

from cscoach.authoring.coverage import coverage, markdown, seed_ids
from cscoach.content.library import Library

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds" / "README.md"


def _ids(library: Library) -> list[str]:
    return seed_ids(SEEDS) if SEEDS.exists() else list(library.sources)


def test_every_item_of_the_seeds_has_content(library: Library) -> None:
    rows = coverage(library, "en", _ids(library))
    assert len(rows) >= 40
    assert [r.source for r in rows if not r.covered] == []


def test_every_seed_item_is_in_the_source_catalogue(library: Library) -> None:
    if not SEEDS.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    assert set(seed_ids(SEEDS)) <= set(library.sources)


def test_the_content_map_is_up_to_date(library: Library) -> None:
    expected = markdown(coverage(library, "en", _ids(library)), "en", library.all_scenarios())
    assert (ROOT / "docs" / "content-map.md").read_text(encoding="utf-8") == expected, (
        "regenerate: cscoach coverage --seeds ../shared/seeds/README.md --format md "
        "--lang en --out docs/content-map.md")


def test_the_difficult_client_behaviours_have_a_scenario(library: Library) -> None:
    rows = {r.source: r for r in coverage(library, "en")}
    for item in ("S004-1", "S004-4", "S004-5", "S004-BON"):
        assert rows[item].scenarios, item


def test_coverage_command_fails_on_an_item_without_content(cli, tmp_path: Path) -> None:
    seeds = tmp_path / "README.md"
    seeds.write_text("| S003-1 | greet |\n| S001-TOUCH | touchpoints |\n| S009-X | new |\n",
                     encoding="utf-8")
    run = cli("coverage", "--seeds", str(seeds), "--format", "json")
    assert run.code == 1 and "1 item(s) without content: S009-X" in run.err
    ok = cli("coverage", "--format", "md")
    assert ok.code == 0 and "Items without content: none." in ok.out


def test_every_source_a_scenario_claims_is_cited_where_it_is_taught(library: Library,
                                                                    shipping) -> None:
    """A scenario lists its source ids; each (but the seven steps, taught by the step tags, and
    S001-SAY, taught by the phrase hits) must be named in a reply's feedback or an ending: a
    rule of `validate --strict` (authoring/ship.py), which this calls."""
    for s in library.all_scenarios():
        assert shipping(s, "is claimed but no reply's feedback") == [], s.id


def test_twelve_scenarios_and_every_item_has_one(library: Library) -> None:
    assert len(library.all_scenarios()) >= 12
    rows = coverage(library, "en", _ids(library))
    assert [r.source for r in rows if not r.scenarios] == []


def test_every_channel_has_a_scenario(library: Library) -> None:
    assert {s.channel.value for s in library.all_scenarios()} == {
        "in_person", "phone", "email", "letter", "online"}
