"""Attempts as xAPI 1.0.3 statements. Pure: the same record always gives the same statements.

- one "responded" statement per choice in a drill (the step it performed, the phrasebook entries
  it hit, the points it earned) and one "answered" per quiz answer;
- one statement per attempt: "passed" or "failed" for a finished drill, "completed" for a
  finished quiz, "abandoned" for one stopped half-way; with the scaled score;
- statement ids are UUIDs derived from the attempt id and the part, so a statement sent twice
  is the same statement (an LRS stores it once), and activity ids are stable per scenario,
  decision point and choice.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from typing import Any
from urllib.parse import quote

from cscoach.history.record import Record, parse_iso

Statement = dict[str, Any]

NAMESPACE = uuid.UUID("0f6c7d52-3b8e-5a51-9d0a-6c5f0b9e2a41")
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS: dict[str, tuple[str, str]] = {  # name -> (id, Korean display)
    "responded": (ADL + "responded", "응답함"),
    "answered": (ADL + "answered", "답함"),
    "passed": (ADL + "passed", "합격함"),
    "failed": (ADL + "failed", "불합격함"),
    "completed": (ADL + "completed", "완료함"),
    "abandoned": ("https://w3id.org/xapi/adl/verbs/abandoned", "중단함"),
}
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
COURSE = "http://adlnet.gov/expapi/activities/course"
LANG_TAGS = {"ko": "ko-KR", "en": "en-US"}


def statement_id(attempt_id: str, part: str) -> str:
    """`str(uuid.uuid5(NAMESPACE, f"{attempt_id}/{part}"))`, made without the UUID object in
    half its time (an export makes one for every choice and answer)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{attempt_id}/{part}".encode()).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_NAMESPACE_BYTES = NAMESPACE.bytes


def _map(ko: str, en: str) -> dict[str, str]:
    return {"en-US": en, "ko-KR": ko}


def _verb(name: str) -> dict[str, Any]:
    vid, ko = VERBS[name]
    return {"id": vid, "display": _map(ko, name)}


def actor(trainee: str, homepage: str) -> dict[str, Any]:
    return {"objectType": "Agent", "name": trainee,
            "account": {"homePage": homepage, "name": trainee}}


@functools.lru_cache(maxsize=4096)  # scenario and node ids repeat in every attempt
def _q(text: str) -> str:
    return quote(text, safe="")


def scenario_iri(base: str, scenario: str, pack: str = "") -> str:
    """The shipped library's scenarios under `scenarios/`; a content pack's under its name, so
    that two teams' scenarios of one id are two activities."""
    if pack:
        return f"{base}/packs/{_q(pack)}/scenarios/{_q(scenario)}"
    return f"{base}/scenarios/{_q(scenario)}"


def node_iri(base: str, scenario: str, node: str, pack: str = "") -> str:
    return f"{scenario_iri(base, scenario, pack)}/nodes/{_q(node)}"


def choice_iri(base: str, scenario: str, node: str, choice: int, pack: str = "") -> str:
    return f"{node_iri(base, scenario, node, pack)}/choices/{choice}"


def _duration(start: str, end: str) -> str:
    seconds = max(0.0, (parse_iso(end) - parse_iso(start)).total_seconds())
    return f"PT{seconds:.2f}S"


def _attempt_activity(record: Record, base: str) -> dict[str, Any]:
    title = record["title"]
    if record["kind"] == "quiz":
        return {"objectType": "Activity", "id": f"{base}/quiz",
                "definition": {"type": ASSESSMENT, "name": _map(title["ko"], title["en"])}}
    return {"objectType": "Activity",
            "id": scenario_iri(base, record["scenario"], record.get("pack") or ""),
            "definition": {"type": SIMULATION, "name": _map(title["ko"], title["en"])}}


def _context(record: Record, base: str, parent: dict[str, Any] | None) -> dict[str, Any]:
    activities: dict[str, Any] = {
        "grouping": [{"objectType": "Activity", "id": base,
                      "definition": {"type": COURSE, "name": _map("cscoach 상담 코칭",
                                                                   "cscoach coaching")}}]}
    if parent is not None:
        activities["parent"] = [parent]
    return {"registration": record["id"], "platform": "cscoach",
            "language": LANG_TAGS.get(record["lang"], "en-US"),
            "contextActivities": activities}


def statements(record: Record, base: str, homepage: str) -> list[tuple[str, Statement]]:
    """(statement id, statement) for every choice or answer, then one for the attempt."""
    who = actor(record["trainee"], homepage)
    attempt = _attempt_activity(record, base)
    title = record["title"]
    out: list[tuple[str, Statement]] = []
    ext = f"{base}/extensions"
    pack = record.get("pack") or ""
    context = _context(record, base, attempt)  # the same for every part of the attempt
    for c in record["choices"]:
        sid = statement_id(record["id"], f"turn/{c['turn']}")
        out.append((sid, {
            "id": sid, "actor": who, "verb": _verb("responded"),
            "object": {"objectType": "Activity",
                       "id": node_iri(base, record["scenario"], c["node"], pack),
                       "definition": {
                           "type": INTERACTION, "interactionType": "choice",
                           "name": _map(f"{title['ko']} - 선택 지점 {c['node']}",
                                        f"{title['en']} - decision {c['node']}")}},
            "result": {
                "response": str(c["choice"]),
                "success": not c["dont_say"] and not c["weak"],
                "score": {"raw": c["points"]},
                "extensions": {
                    f"{ext}/choice": choice_iri(base, record["scenario"], c["node"], c["choice"],
                                                pack),
                    f"{ext}/turn": c["turn"],
                    f"{ext}/steps": c["steps"],
                    f"{ext}/dont-say": c["dont_say"],
                    f"{ext}/say-instead": c["say_instead"],
                    f"{ext}/mood": {"before": c["mood_before"], "after": c["mood_after"]},
                    f"{ext}/text": _map(c["text"]["ko"], c["text"]["en"]),
                    **({f"{ext}/typed": c["typed"]} if c.get("typed") else {}),
                }},
            "context": context,
            "timestamp": c["at"],
        }))
    for a in record["answers"]:
        sid = statement_id(record["id"], f"answer/{a['number']}")
        result: dict[str, Any] = {
            "response": a["answer"], "success": a["correct"], "score": {"raw": a["points"]},
            "extensions": {f"{ext}/topic": a["topic"], f"{ext}/source": a["source"],
                           f"{ext}/timed-out": a["timed_out"]}}
        if a.get("seconds") is not None:
            result["duration"] = f"PT{float(a['seconds']):.2f}S"
        out.append((sid, {
            "id": sid, "actor": who, "verb": _verb("answered"),
            "object": {"objectType": "Activity", "id": f"{base}/quiz/questions/{_q(a['question'])}",
                       "definition": {"type": INTERACTION, "interactionType": "other",
                                      "name": _map(a["question"], a["question"])}},
            "result": result,
            "context": context,
            "timestamp": a["at"],
        }))
    out.append(_closing(record, attempt, who, base))
    return out


def _closing(record: Record, attempt: dict[str, Any], who: dict[str, Any],
             base: str) -> tuple[str, Statement]:
    if record["status"] == "abandoned":
        verb = "abandoned"
    elif record["kind"] == "quiz":
        verb = "completed"
    else:
        verb = "passed" if record["passed"] else "failed"
    result: dict[str, Any] = {"completion": record["status"] == "completed",
                              "duration": _duration(record["started_at"],
                                                    record["finished_at"])}
    if record["score"] is not None:
        result["score"] = {"scaled": round(record["score"] / 100, 4), "raw": record["score"],
                           "min": 0, "max": 100}
    if record["passed"] is not None:
        result["success"] = bool(record["passed"])
    ext = f"{base}/extensions"
    extensions: dict[str, Any] = {}
    for key in ("pass_mark", "ending", "outcome", "final_mood", "scenario_version", "team",
                "content_hash"):
        if record.get(key) is not None:
            extensions[f"{ext}/{key.replace('_', '-')}"] = record[key]
    if record["steps"]:
        extensions[f"{ext}/steps"] = {s["step"]: s["done"] and s["in_order"]
                                      for s in record["steps"]}
        # what `report --lrs` needs to tell a step done out of order from one not done
        extensions[f"{ext}/step-results"] = {s["step"]: {"done": s["done"],
                                                         "in_order": s["in_order"]}
                                             for s in record["steps"]}
    extensions[f"{ext}/started-at"] = record["started_at"]  # to the millisecond, as recorded
    if extensions:
        result["extensions"] = extensions
    sid = statement_id(record["id"], "attempt")
    return sid, {"id": sid, "actor": who, "verb": _verb(verb), "object": attempt,
                 "result": result, "context": _context(record, base, None),
                 "timestamp": record["finished_at"]}
