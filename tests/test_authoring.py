"""The authoring toolkit: schema, graph, stats, autoplay, new — through the CLI, as a trainer."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from cscoach.content.library import Library
from cscoach.content.schema import KINDS, file_name
from cscoach.drill.engine import enumerate_paths

jsonschema = pytest.importorskip("jsonschema")

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
PHRASEBOOKS = [p for p in sorted((ROOT / "phrasebook").glob("*.yaml"))
               if yaml.safe_load(p.read_text(encoding="utf-8"))["kind"] == "phrasebook"]
BANKS = sorted((ROOT / "quiz").glob("*.yaml"))


# -- schema


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict]:
    return {k: json.loads((ROOT / "schema" / file_name(k)).read_text(encoding="utf-8"))
            for k in KINDS}


def test_committed_schemas_match_the_command(cli, schemas) -> None:
    for kind in KINDS:
        r = cli("schema", kind)
        assert r.code == 0
        assert json.loads(r.out) == schemas[kind], \
            f"schema/{file_name(kind)} is stale: run 'cscoach schema --out schema'"


def test_schemas_are_valid_2020_12(schemas) -> None:
    for schema in schemas.values():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCENARIOS + PHRASEBOOKS + BANKS, ids=lambda p: p.name)
def test_every_shipped_file_validates_against_the_schema(path: Path, schemas) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schemas[document["kind"]])
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{file_name(document['kind'])}"


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d.update(colour="red"), []),
    (lambda d: d["title"].pop("en"), ["title"]),
    (lambda d: d["nodes"]["counter"]["choices"][0].update(steps=["greeting"]),
     ["nodes", "counter", "choices", 0, "steps", 0]),
    (lambda d: d.update(channel="fax"), ["channel"]),
    (lambda d: d["nodes"]["counter"].update(choices=[]), ["nodes", "counter", "choices"]),
    (lambda d: d.update(sources=["S999-X"]), ["sources", 0]),
])
def test_schema_flags_mistakes(schemas, edit, where) -> None:
    document = yaml.safe_load((ROOT / "scenarios" / "angry-shopper.yaml").read_text("utf-8"))
    edit(document)
    errors = list(jsonschema.Draft202012Validator(schemas["scenario"]).iter_errors(document))
    assert [list(e.absolute_path) for e in errors] == [where]


def test_schema_out_writes_both(cli, tmp_path) -> None:
    r = cli("schema", "--out", str(tmp_path / "s"))
    assert r.code == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(map(file_name, KINDS))


# -- graph


def test_mermaid_graph(cli, library: Library) -> None:
    r = cli("graph", "angry-shopper")
    assert r.code == 0
    text = r.out
    story = library.scenario("angry-shopper")
    # an arrow per reply and place it leads (format 2: routes); a compose turn's per place
    edges = sum(len(n.choices[0].targets()) if n.parts else
                sum(len(c.targets()) for c in n.choices) for n in story.nodes.values())
    assert text.startswith("flowchart TD\n")
    assert text.count(" linkStyle ") == edges
    for nid in story.nodes:
        assert f"<b>{nid}</b>" in text
    assert "classDef good" in text and "classDef bad" in text
    # a trap: dashed, red, marked, naming the phrasebook entry
    assert re.search(r'-\.->\|"\d · ⚠ [a-z-]+(, [a-z-]+)*', text)
    assert "stroke:#d62728" in text
    # node ids are safe words (Mermaid breaks on `end` and some punctuation)
    boxes = re.findall(r"^    (\S+?)[\[(]", text, re.MULTILINE)
    assert len(boxes) == len(story.nodes) + len(story.endings)
    assert all(re.fullmatch(r"[ne]\d+", b) for b in boxes), boxes
    ko = cli("graph", "angry-shopper", "--lang", "ko").out
    assert "계산대" not in text and "고장" in ko


MERMAID = ROOT / "tests" / "mermaid"


@pytest.mark.skipif(shutil.which("node") is None or not (MERMAID / "node_modules" / "mermaid")
                    .is_dir(), reason="needs node and 'npm ci' in tests/mermaid (.ci/run does it)")
def test_mermaid_output_parses_with_mermaid_itself(cli, tmp_path, library: Library) -> None:
    files = []
    for story in library.all_scenarios():
        for lang in ("en", "ko"):
            path = tmp_path / f"{story.id}-{lang}.mmd"
            path.write_text(cli("graph", story.id, "--lang", lang).out, encoding="utf-8")
            files.append(str(path))
    broken = tmp_path / "broken.mmd"  # the check itself can fail
    broken.write_text('flowchart TD\n  a --> |"a " quote"| b\n', encoding="utf-8")
    done = subprocess.run(["node", str(MERMAID / "check.mjs"), *files], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("ok ") == len(files)
    failed = subprocess.run(["node", str(MERMAID / "check.mjs"), str(broken)],
                            capture_output=True, text=True, check=False, timeout=120)
    assert failed.returncode == 1 and "FAIL" in failed.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_dot_output_renders_with_graphviz(cli, tmp_path) -> None:
    for scenario in ("angry-shopper", "pr-no-show", "media-training-refusal"):
        r = cli("graph", scenario, "--format", "dot")
        assert r.code == 0
        done = subprocess.run(["dot", "-Tsvg"], input=r.out.encode(), capture_output=True,
                              check=False)
        assert done.returncode == 0, done.stderr.decode()
        assert done.stderr == b"", done.stderr.decode()  # no warnings either
        assert b"<svg" in done.stdout
    out = tmp_path / "g.svg"
    assert cli("graph", "angry-shopper", "--out", str(out)).code == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_dot_output_is_well_formed(cli) -> None:
    text = cli("graph", "pr-no-show", "--format", "dot").out
    assert text.startswith('digraph "pr-no-show" {') and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}")
    assert "style=dashed" in text  # the traps


def test_graph_of_a_missing_scenario(cli) -> None:
    r = cli("graph", "no-such-thing")
    assert r.code == 2 and "unknown scenario 'no-such-thing'" in r.err


# -- stats


def test_stats_json(cli, library: Library) -> None:
    r = cli("stats", "--json")
    assert r.code == 0
    rows = {row["id"]: row for row in json.loads(r.out)}
    assert set(rows) == {s.id for s in library.all_scenarios()}
    for sid, row in rows.items():
        story = library.scenario(sid)
        assert row["paths"] == len(enumerate_paths(story).paths)
        assert row["nodes"] == len(story.nodes)
        assert row["best"]["score"] == 100
        # all seven steps; one message may perform several, in the order its parts are written
        ids = list(library.steps.ids())
        assert sorted(row["best"]["steps"], key=ids.index) == ids
        assert row["worst"]["score"] < story.pass_mark
        assert row["traps"] >= 2
        assert row["words"]["ko"] > 100 and row["words"]["en"] > 100
        replay = json.loads(cli("play", sid, "--answers", row["worst"]["answers"],
                                "--json").out)
        assert replay["score"] == row["worst"]["score"]


def test_stats_table_and_a_broken_file(cli, write, tmp_path) -> None:
    write("broken.yaml", "format_version: 1\nkind: scenario\n")
    shutil.copy(ROOT / "scenarios" / "pr-no-show.yaml", tmp_path)
    r = cli("stats", str(tmp_path), "--lang", "ko")
    assert r.code == 1
    assert "pr-no-show" in r.out and "시나리오 통계" in r.out
    assert "broken.yaml" in r.err and "skipped" in r.err


# -- autoplay


def test_autoplay_is_repeatable_with_a_seed(cli) -> None:
    first = cli("autoplay", "angry-shopper", "--runs", "300", "--seed", "7", "--json")
    again = cli("autoplay", "angry-shopper", "--runs", "300", "--seed", "7", "--json")
    other = cli("autoplay", "angry-shopper", "--runs", "300", "--seed", "8", "--json")
    assert first.code == 0
    assert first.out == again.out
    assert first.out != other.out
    data = json.loads(first.out)
    assert data["runs"] == 300 and data["mode"] == "random"
    assert sum(data["endings"].values()) == 300
    assert data["nodes"]["counter"] == 300  # the start is met on every run
    by_node: dict[str, int] = {}
    for c in data["choices"]:
        by_node[c["node"]] = by_node.get(c["node"], 0) + c["hits"]
    assert by_node == data["nodes"]


def test_autoplay_exhaustive_names_replayable_best_and_worst(cli, library: Library) -> None:
    r = cli("autoplay", "pr-no-show", "--exhaustive", "--json")
    data = json.loads(r.out)
    story = library.scenario("pr-no-show")
    assert data["runs"] == len(enumerate_paths(story).paths) and data["complete"]
    assert data["scores"]["max"] == data["best"]["score"] == 100
    assert data["scores"]["min"] == data["worst"]["score"]
    for key in ("best", "worst"):
        played = json.loads(cli("play", "pr-no-show", "--answers", data[key]["answers"],
                                "--json").out)
        assert played["score"] == data[key]["score"]


def test_autoplay_bound_and_text_report(cli) -> None:
    r = cli("autoplay", "angry-shopper", "--exhaustive", "--limit", "10")
    assert r.code == 0
    assert "the walk stopped at 10 paths" in r.out
    assert "best path: 100 points, replay with --answers 1,1,1,1,1,1,1" in r.out
    text = cli("autoplay", "angry-shopper", "--runs", "50", "--seed", "1", "--lang", "ko").out
    assert "무작위 플레이 50회 (시드 1)" in text and "도달한 결말" in text


# -- new


def _new(cli, tmp_path: Path, *extra: str):
    return cli("new", "--id", "late-delivery", "--title-en", "Late delivery", "--title-ko",
               "늦은 배송", "--persona-en", "Mr Lee", "--persona-ko", "이 고객님", "--channel",
               "email", "--out", str(tmp_path / "late-delivery.yaml"), *extra)


def test_new_writes_a_skeleton_that_validates(cli, tmp_path) -> None:
    r = _new(cli, tmp_path)
    assert r.code == 0, r.err
    path = tmp_path / "late-delivery.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    schema_ref = text.splitlines()[0].split("$schema=", 1)[1]
    assert schema_ref == "schema/scenario.schema.json"  # beside the content, never installed
    written = json.loads((tmp_path / schema_ref).read_text(encoding="utf-8"))
    assert written == json.loads(cli("schema", "scenario").out)
    assert cli("validate", str(path)).code == 0
    # shippable but for its placeholders: --strict names each one left, and nothing else
    todo = cli("validate", str(path), "--strict")
    assert todo.code == 1
    problems = [line for line in todo.out.splitlines() if ": error: " in line]
    assert len(problems) == 4 and all("still holds the skeleton's placeholder" in line
                                      for line in problems), todo.out
    data = yaml.safe_load(text)
    assert data["format_version"] == 2 and data["facts"] and data["lessons"][0]["critical"]
    assert data["title"] == {"ko": "늦은 배송", "en": "Late delivery"}
    assert data["channel"] == "email" and data["persona"]["sources"] == ["S001-CH3"]
    assert "compose" in data["nodes"]["closing"]  # a written channel: one message, in parts
    best = json.loads(cli("play", str(path), "--answers", "1,1,1,1,1,1.1", "--json").out)
    assert best["passed"] and best["score"] == 100
    # interrupting with a fix breaks the critical lesson: it fails whatever follows
    cut = json.loads(cli("play", str(path), "--answers", "1,2,1,1,1.1", "--json").out)
    assert not cut["passed"]
    broken = [x["id"] for x in cut["lessons"] if x["result"] == "broken"]
    assert broken == ["hear-them-out"]
    # with the placeholders written over, the skeleton is shippable as it stands
    from cscoach.authoring.skeleton import PLACEHOLDERS

    real = ("택배가 사흘째 오지 않았습니다.", "The parcel is three days late.",
            "약속을 지키는지 봅니다.", "She watches whether promises are kept.")
    for placeholder, line in zip(PLACEHOLDERS, real, strict=True):
        text = text.replace(placeholder, line)
    path.write_text(text, encoding="utf-8")
    assert cli("validate", str(path), "--strict").code == 0


@pytest.mark.parametrize("channel", ["in_person", "phone", "letter", "online"])
def test_new_writes_a_shippable_skeleton_for_every_channel(cli, tmp_path, channel) -> None:
    out = tmp_path / "scenarios" / "late-parcel.yaml"
    r = cli("new", "--id", "late-parcel", "--title-en", "Late", "--title-ko", "늦은 택배",
            "--persona-en", "Ms Choi", "--persona-ko", "최 고객님", "--channel", channel,
            "--out", str(out))
    assert r.code == 0, r.err
    todo = cli("validate", str(out), "--strict")
    problems = [line for line in todo.out.splitlines() if ": error: " in line]
    assert len(problems) == 4 and all("placeholder" in line for line in problems), todo.out
    (stats,) = json.loads(cli("stats", str(out), "--json").out)
    assert stats["exact"] and stats["best"]["score"] == 100
    assert stats["worst"]["score"] < stats["pass_mark"] and stats["traps"] >= 2


def test_new_refuses_to_overwrite_and_checks_its_input(cli, tmp_path) -> None:
    assert _new(cli, tmp_path).code == 0
    again = _new(cli, tmp_path)
    assert again.code == 2 and "already exists; pass --force" in again.err
    assert _new(cli, tmp_path, "--force").code == 0
    bad = cli("new", "--id", "Late Delivery!")
    assert bad.code == 2 and "--id 'Late Delivery!'" in bad.err
    fax = cli("new", "--channel", "fax")
    assert fax.code == 2 and "is not one of: in_person, phone, email, letter, online" in fax.err


def test_new_without_a_terminal_names_the_missing_flags(cli) -> None:
    r = cli("new", "--id", "x")
    assert r.code == 2
    assert "--title-en, --title-ko, --persona-en, --persona-ko, --channel" in r.err


def test_titles_with_quotes_and_colons_survive(cli, tmp_path) -> None:
    r = cli("new", "--id", "q", "--title-en", 'The "VIP": part 2', "--title-ko", "'VIP': 2부",
            "--persona-en", "Dr O'Neil", "--persona-ko", "오닐 박사님", "--channel", "letter",
            "--out", str(tmp_path / "q.yaml"))
    assert r.code == 0, r.err
    data = yaml.safe_load((tmp_path / "q.yaml").read_text(encoding="utf-8"))
    assert data["title"]["en"] == 'The "VIP": part 2'
    assert data["persona"]["sources"] == ["S001-CH1"]


def test_stats_on_a_narrow_terminal_uses_cards(cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = cli("stats").out
    assert "angry-shopper\n" in out
    assert "decision points" in out and "Best 100 (1→2→3→4→5→6→7)" in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 60


def test_new_links_a_schema_that_travels_with_the_folder(cli, tmp_path) -> None:
    """The editor link is relative and points into the team's own folder, so the folder can be
    zipped and sent; a second scenario reuses the schemas already there."""
    team = tmp_path / "team"
    (team / "scenarios").mkdir(parents=True)
    first = cli("new", "--id", "late-parcel", "--title-en", "Late parcel", "--title-ko",
                "늦은 택배", "--persona-en", "Mr Lee", "--persona-ko", "이 고객님", "--channel",
                "phone", "--out", str(team / "scenarios" / "late-parcel.yaml"))
    assert first.code == 0, first.err
    assert "wrote the schemas for your editor into" in first.err
    assert sorted(p.name for p in (team / "schema").iterdir()) == sorted(map(file_name, KINDS))
    again = cli("new", "--id", "rude-caller", "--title-en", "Rude caller", "--title-ko",
                "무례한 전화", "--persona-en", "Mr Kang", "--persona-ko", "강 고객님", "--channel",
                "phone", "--out", str(team / "scenarios" / "rude-caller.yaml"))
    assert again.code == 0 and "wrote the schemas" not in again.err
    moved = shutil.copytree(team, tmp_path / "elsewhere" / "team")
    for name in ("late-parcel.yaml", "rude-caller.yaml"):
        head = (moved / "scenarios" / name).read_text(encoding="utf-8").splitlines()[0]
        assert head == "# yaml-language-server: $schema=../schema/scenario.schema.json"
        assert (moved / "scenarios" / "../schema/scenario.schema.json").is_file()
    assert "site-packages" not in (moved / "scenarios" / "late-parcel.yaml").read_text("utf-8")


def test_schema_out_writes_the_schemas_a_folder_needs(cli, tmp_path) -> None:
    r = cli("schema", "--out", str(tmp_path / "team" / "schema"))
    assert r.code == 0
    for kind in KINDS:
        written = json.loads((tmp_path / "team" / "schema" / file_name(kind)).read_text("utf-8"))
        assert written == json.loads(cli("schema", kind).out)


def test_new_creates_the_folders_and_refuses_a_schema_that_is_a_file(cli, tmp_path,
                                                                      monkeypatch) -> None:
    deep = tmp_path / "deep" / "er" / "scenarios" / "x.yaml"
    r = cli("new", "--id", "x", "--title-en", "X", "--title-ko", "엑스", "--persona-en", "Mr Lee",
            "--persona-ko", "이 고객님", "--channel", "phone", "--out", str(deep))
    assert r.code == 0, r.err
    assert (tmp_path / "deep" / "er" / "schema" / "scenario.schema.json").is_file()
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "schema").write_text("not a folder", encoding="utf-8")
    r = cli("new", "--id", "y", "--title-en", "Y", "--title-ko", "와이", "--persona-en", "Mr Lee",
            "--persona-ko", "이 고객님", "--channel", "phone", "--out", str(blocked / "y.yaml"))
    assert r.code == 2 and "cannot create the folder" in r.err
    assert not (blocked / "y.yaml").exists()


def test_new_from_inside_scenarios_uses_the_schemas_beside_it(cli, tmp_path, monkeypatch) -> None:
    team = tmp_path / "team"
    (team / "scenarios").mkdir(parents=True)
    assert cli("schema", "--out", str(team / "schema")).code == 0
    monkeypatch.chdir(team / "scenarios")
    r = cli("new", "--id", "z", "--title-en", "Z", "--title-ko", "제트", "--persona-en", "Mr Lee",
            "--persona-ko", "이 고객님", "--channel", "phone", "--out", "z.yaml")
    assert r.code == 0, r.err
    head = (team / "scenarios" / "z.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert head == "# yaml-language-server: $schema=../schema/scenario.schema.json"
    assert not (team / "scenarios" / "schema").exists()
