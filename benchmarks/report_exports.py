"""What the spreadsheet and page exports cost, whole process against whole process.

For each size, a team history (real drills played by the engine, then copied with new ids,
trainees and times) is written as a history.db and as an export; then, interleaved A B C D A B
C D ..., `cscoach export --all` and `cscoach report` run as separate processes writing JSON (the
baseline every size already had), CSV (one file per table), XLSX and HTML. Printed: median wall
time and the largest resident memory of the child, per format and size, and the output sizes.

Run: .venv/bin/python benchmarks/report_exports.py [SIZES...]       (default 1000 5000 20000)
     .venv/bin/python benchmarks/report_exports.py --screenshot docs/img/report-ko.png
       (a small team, its report page in Korean, photographed by headless Chromium)
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cscoach.content.library import load_library
from cscoach.drill.answers import Scripted
from cscoach.drill.engine import enumerate_paths
from cscoach.drill.runner import run
from cscoach.history.record import DrillTracker, iso
from cscoach.history.service import export_document
from cscoach.history.store import Store
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import debrief

ROOT = Path(__file__).resolve().parent.parent
CSCOACH = [sys.executable, "-m", "cscoach"]
TRAINEES = ["김민지", "이서준", "ana", "박지호", "bo", "최유나", "cy", "정하린"]
SCENARIOS = ("angry-shopper", "pr-no-show", "busy-counter", "happy-regular")
ROUNDS = 3


def pool() -> list[dict[str, Any]]:
    """Real records: a few paths of a few scenarios, in both languages, sorted by score."""
    library = load_library()
    matcher = Matcher(library.phrasebook)
    rng = random.Random(7)
    records: list[dict[str, Any]] = []
    for sid in SCENARIOS:
        s = library.scenario(sid)
        paths = list(enumerate_paths(s, limit=400).paths)
        for path in rng.sample(paths, min(12, len(paths))):
            for lang in ("ko", "en"):
                tracker = DrillTracker(s, "x", lang, matcher, records.append)  # type: ignore[arg-type]
                run(s, Scripted(list(path)), lambda t, lang=lang: debrief(  # type: ignore[misc]
                    t, library.steps, matcher, prefer=lang), [tracker])
    return sorted(records, key=lambda r: r["score"])


def team(count: int, records: list[dict[str, Any]], trainees: list[str]) -> list[dict[str, Any]]:
    """`count` attempts over 30 days; each trainee gets better with practice (later attempts
    are drawn from the higher-scoring paths), as a real team would."""
    rng = random.Random(count)
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    per = max(1, count // len(trainees))
    out = []
    for n in range(count):
        trainee = trainees[n % len(trainees)]
        k = n // len(trainees)
        progress = min(1.0, k / max(1, per - 1))
        skill = min(len(records) - 1, int(rng.triangular(0, len(records) - 1,
                                                          progress * (len(records) - 1))))
        r = deepcopy(records[skill])
        lang = "ko" if (trainee[0] >= "\uac00") else "en"
        mine = [x for x in records if x["scenario"] == r["scenario"] and x["lang"] == lang
                and abs(x["score"] - r["score"]) <= 15] or [r]
        r = deepcopy(rng.choice(mine))
        when = start + timedelta(days=30 * k / max(1, per), hours=n % len(trainees),
                                 minutes=rng.randrange(50))
        began = when - timedelta(minutes=4)
        r.update(id=str(uuid.UUID(int=rng.getrandbits(128))), trainee=trainee,
                 started_at=iso(began), finished_at=iso(when))
        for i, c in enumerate(r["choices"]):
            c["at"] = iso(began + timedelta(seconds=30 * (i + 1)))
        out.append(r)
    return out


def child(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one whole cscoach process."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss


def measure(sizes: list[int]) -> None:
    records = pool()
    print(f"{'size':>6} {'command':<14} {'format':<6} {'median s':>9} {'peak MiB':>9} "
          f"{'output':>10}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder)
            attempts = team(size, records, TRAINEES * 3)
            with Store(base / "history.db") as store:
                for r in attempts:
                    store.add(r)
            export = base / "team.json"
            export.write_text(json.dumps(export_document(attempts), ensure_ascii=False),
                              encoding="utf-8")
            env = {**os.environ, "CSCOACH_HOME": str(base)}
            cases = {}
            for fmt in ("json", "csv", "xlsx"):
                cases[("export", fmt)] = [*CSCOACH, "export", "--all", "--format", fmt,
                                          "--out", str(base / f"e.{fmt}")]
            for fmt in ("json", "csv", "xlsx", "html"):
                cases[("report", fmt)] = [*CSCOACH, "report", str(base / "history.db"),
                                          "--format", fmt, "--out", str(base / f"r.{fmt}")]
            times: dict[tuple[str, str], list[float]] = {k: [] for k in cases}
            peaks: dict[tuple[str, str], int] = dict.fromkeys(cases, 0)
            for _ in range(ROUNDS):  # interleaved: A B C D ... A B C D ...
                for key, args in cases.items():
                    wall, peak = child(args, env)
                    times[key].append(wall)
                    peaks[key] = max(peaks[key], peak)
            for key in cases:
                stem = "e" if key[0] == "export" else "r"
                written = sum(p.stat().st_size for p in base.iterdir()
                              if p.name.startswith((f"{stem}.", f"{stem}-"))
                              and p.suffix == f".{key[1]}")
                print(f"{size:>6} {key[0]:<14} {key[1]:<6} {statistics.median(times[key]):>9.2f}"
                      f" {peaks[key] / 1024:>9.0f} {written / 1e6:>8.1f}MB")


def screenshot(target: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    attempts = team(48, pool(), TRAINEES[:6])
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        export = base / "team.json"
        export.write_text(json.dumps(export_document(attempts), ensure_ascii=False),
                          encoding="utf-8")
        page = base / "report.html"
        subprocess.run([*CSCOACH, "report", str(export), "--format", "html", "--lang", "ko",
                        "--top", "5", "--out", str(page)], check=True)
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                        f"--user-data-dir={base / 'profile'}", "--window-size=1200,2300",
                        f"--screenshot={target}", page.as_uri()], check=True,
                       capture_output=True)
    from PIL import Image, ImageChops  # a test dependency: trim the empty foot of the shot

    image = Image.open(target).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box:
        image.crop((0, 0, image.width, min(image.height, box[3] + 40))).save(target,
                                                                            optimize=True)
    print(f"{target}: {target.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--screenshot"]:
        screenshot(Path(sys.argv[2]))
    else:
        measure([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
