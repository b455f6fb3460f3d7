"""Which version of a scenario an attempt was played on. Pure: records in, numbers out.

An attempt is kept under its pack and scenario id *and* the hash of the scenario's file
(`content_hash`): a scenario changed since (a reply rewritten, a pass mark raised) is a new
version, whose attempts are never merged with the old ones. Versions are numbered 1, 2 ... in
the order they were first played, each with the moment it was first played ("since").

Attempts recorded before cscoach kept hashes have none: each counts with the first hashed
version that has the same authored `version:` number, else as a version of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from cscoach.history.record import Record


@dataclass(frozen=True, slots=True)
class Version:
    number: int  # 1, 2 ... in the order first played
    of: int  # how many versions of this scenario the records hold
    since: str  # when this version was first played (ISO, UTC)


def scenario_key(r: Record) -> tuple[str, str]:
    """The pack and scenario id an attempt belongs to ("" for the shipped library)."""
    return (r.get("pack") or "", r["scenario"])


def versions(records: Sequence[Record]) -> dict[str, Version]:
    """The version of every drill attempt, by attempt id."""
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        if r["kind"] == "play":
            groups[scenario_key(r)].append(r)
    out: dict[str, Version] = {}
    for mine in groups.values():
        mine = sorted(mine, key=lambda r: (r["started_at"], r["id"]))
        hashed: dict[object, str] = {}  # authored version -> the first hash played with it
        for r in mine:
            if r.get("content_hash"):
                hashed.setdefault(r.get("scenario_version"), r["content_hash"])
        identity = {r["id"]: r.get("content_hash") or hashed.get(r.get("scenario_version"))
                    or ("unhashed", r.get("scenario_version")) for r in mine}
        numbers: dict[object, int] = {}
        since: dict[object, str] = {}
        for r in mine:
            key = identity[r["id"]]
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                since[key] = r["started_at"]
        for r in mine:
            key = identity[r["id"]]
            out[r["id"]] = Version(numbers[key], len(numbers), since[key])
    return out
