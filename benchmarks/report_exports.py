"""What the spreadsheet and page exports cost, whole process against whole process.

For each size a history of that many attempts by 200 trainees is made once by
benchmarks/gen_history.py (the project's own recording code; kept in FOLDER for the next run).
Then, interleaved A B C ... A B C ..., `cscoach export --all` and `cscoach report` run as
separate processes writing JSON (the streamed baseline), CSV (one file per table), XLSX and (for
report) HTML. Printed: median wall time, the largest resident memory of the child
(os.wait4's rusage of that one child), the output size, and how time and memory grow from one
size to the next: constant memory means the same MiB at every size.

Measured on the 2-core machine this was written on (median s, peak MiB):

    attempts export json  csv         xlsx        report json csv         xlsx        html
     5,000    4.73 / 52    4.01 / 46   14.47 / 47   1.70 / 58   1.72 / 58   1.79 / 58   1.49 / 58
    20,000   18.45 / 54   14.22 / 48   39.22 / 50   4.20 / 92   4.16 / 92   4.15 / 92   4.37 / 92
    40,000   22.49 / 54   17.97 / 49   79.60 / 50   9.86 / 107  7.19 / 107  7.32 / 108  9.96 / 107
    (40,000: --repeat 1)

Run: .venv/bin/python benchmarks/report_exports.py [--sizes 5000,20000] [--repeat 3]
       [--folder /tmp/cscoach-history-scale]
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


def child(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one whole cscoach process."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    assert proc.stderr is not None
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss


def history(folder: Path, size: int) -> Path:
    where = folder / str(size)
    if not (where / "history.db").exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gen_history.py"), str(size),
                        "200", str(where)], check=True)
    return where


def cases(where: Path, scratch: Path) -> dict[tuple[str, str], list[str]]:
    out = {}
    for fmt in ("json", "csv", "xlsx"):
        out[("export", fmt)] = [*CSCOACH, "export", "--all", "--data-dir", str(where),
                                "--format", fmt, "--out", str(scratch / f"e.{fmt}")]
    for fmt in ("json", "csv", "xlsx", "html"):
        out[("report", fmt)] = [*CSCOACH, "report", str(where / "history.db"), "--format", fmt,
                                "--out", str(scratch / f"r.{fmt}")]
    return out


def measure(sizes: list[int], repeat: int, folder: Path) -> None:
    print(f"{'size':>6} {'command':<8} {'format':<6} {'median s':>9} {'peak MiB':>9} "
          f"{'output':>10}")
    results: dict[tuple[int, str, str], tuple[float, float]] = {}
    for size in sizes:
        where = history(folder, size)
        with tempfile.TemporaryDirectory() as scratch_dir:
            scratch = Path(scratch_dir)
            runs = cases(where, scratch)
            times: dict[tuple[str, str], list[float]] = {k: [] for k in runs}
            peaks: dict[tuple[str, str], int] = dict.fromkeys(runs, 0)
            for _ in range(repeat):  # interleaved: A B C D ... A B C D ...
                for key, args in runs.items():
                    wall, peak = child(args)
                    times[key].append(wall)
                    peaks[key] = max(peaks[key], peak)
            for key in runs:
                stem = "e" if key[0] == "export" else "r"
                written = sum(p.stat().st_size for p in scratch.iterdir()
                              if p.name.startswith((f"{stem}.", f"{stem}-"))
                              and p.suffix == f".{key[1]}")
                took, mib = statistics.median(times[key]), peaks[key] / 1024
                results[(size, *key)] = (took, mib)
                print(f"{size:>6} {key[0]:<8} {key[1]:<6} {took:>9.2f} {mib:>9.0f} "
                      f"{written / 1e6:>8.1f}MB", flush=True)
    if len(sizes) > 1:
        print(f"\ngrowth from {sizes[0]:,} to {sizes[-1]:,} attempts "
              f"({sizes[-1] / sizes[0]:g}x): time, peak memory")
        for (size, command, fmt), (took, mib) in results.items():
            if size == sizes[-1]:
                took0, mib0 = results[(sizes[0], command, fmt)]
                print(f"  {command} {fmt:<5} {took / took0:>5.2f}x  {mib / mib0:>5.2f}x")


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
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/cscoach-history-scale"))
    parser.add_argument("--screenshot", type=Path)
    opts = parser.parse_args()
    if opts.screenshot is not None:
        screenshot(opts.screenshot)
    else:
        measure([int(s) for s in opts.sizes.split(",")], opts.repeat, opts.folder)
