"""`cscoach report --lrs` over 2,500 / 5,000 / 10,000 / 20,000 statements read from a real Ralph
LRS on loopback (issue 22): time and peak memory, interleaved with `cscoach report` over the
database holding the same attempts, and the two reports compared (they must be equal).

For each size, attempts made by cscoach's own recording code (benchmarks/gen_history.py, 200
trainees) are taken until their statements (history/xapi.py) reach SIZE; they go into a history
database and, through Ralph's statements API (POST, 1,000 a request), into a fresh Ralph (its
filesystem backend, tests/lrs/serve.py, in the virtualenv the LRS tests make). Every command then
runs in a fresh process started by a small Python parent that prints the child's peak resident
memory (RUSAGE_CHILDREN); db and lrs runs alternate (A B A B ...), REPEAT of each, medians shown.

Ralph answers at most RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT statements a page (100 by default;
cscoach asks for 1,000). Its filesystem backend reads its whole file again for every page, so the
server's time grows with the square of the statements at small pages; --hits sets the page size
Ralph allows (default 1,000, what cscoach asks; try --hits 100 for Ralph's default).

Run: .venv/bin/python benchmarks/lrs_report.py [--sizes 2500,5000,10000,20000] [--repeat 3]
     [--hits 1000] [--folder /tmp/cscoach-lrs-report]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from cscoach.history.store import Store  # noqa: E402
from cscoach.history.xapi import statements  # noqa: E402
from ralph_server import PASSWORD, USER, install, ralph  # noqa: E402

OURS = str(Path(sys.executable).with_name("cscoach"))
BASE, HOME = "https://cscoach.example/xapi", "https://cscoach.example/trainees"
MEASURE = ("import resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
           "took = time.perf_counter() - t\n"
           "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "print(took, use.ru_maxrss, use.ru_utime + use.ru_stime, code)\n")
TARGET = (30.0, 200.0)  # at 20,000 statements: s, MiB
POST = 1000


def generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_history", HERE / "gen_history.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds, peak MiB, CPU seconds of cscoach itself) of one whole process: the time it
    waits for the LRS is the difference."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True,
                          text=True, check=True, env=env)
    took, kib, cpu, code = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(args)}: exit {code}")
    return float(took), int(kib) / 1024, float(cpu)


def make(where: Path, size: int) -> tuple[int, list[dict]]:
    """(attempts, their statements) for a history of about `size` statements in `where`."""
    where.mkdir(parents=True, exist_ok=True)
    kept, bodies = [], []
    for record in generator().records(size, 200):
        kept.append(record)
        bodies.extend(body for _, body in statements(record, BASE, HOME))
        if len(bodies) >= size:
            break
    if not (where / "history.db").exists():
        with Store(where / "history.db") as store:
            store.add_all(kept)
    return len(kept), bodies


def post(url: str, bodies: list[dict]) -> None:
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    for start in range(0, len(bodies), POST):
        data = json.dumps(bodies[start:start + POST]).encode()
        request = urllib.request.Request(
            f"{url}/statements", data=data, method="POST",
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json",
                     "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(request, timeout=300) as answer:
            answer.read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2500,5000,10000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hits", type=int, default=1000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/cscoach-lrs-report"))
    args = parser.parse_args()
    missing = install()
    if missing is not None:
        raise SystemExit(f"Ralph could not be installed: {missing.reason}")
    env = {**os.environ, "CSCOACH_LRS_USER": USER, "CSCOACH_LRS_PASSWORD": PASSWORD,
           "CSCOACH_HOME": str(args.folder / "home")}
    (args.folder / "home").mkdir(parents=True, exist_ok=True)
    (args.folder / "home" / "config.toml").write_text("[lrs]\ntimeout = 60\n")
    print(f"Ralph fs backend, pages of at most {args.hits} statements; medians of "
          f"{args.repeat}, db and lrs interleaved")
    print(f"{'statements':>10} {'attempts':>8} {'db s':>7} {'db MiB':>7} {'lrs s':>7} "
          f"{'lrs MiB':>8} {'lrs s/1k':>8} {'lrs cpu s':>9}  equal")
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        where = args.folder / f"{size}-{args.hits}"
        attempts, bodies = make(where, size)
        settings = {"RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": str(args.hits)}
        fresh = not (where / "ralph" / "data").exists()
        with ralph(where / "ralph", settings) as url:
            if fresh:
                post(url, bodies)
            del bodies
            runs: dict[str, list[tuple[float, float, float]]] = {"db": [], "lrs": []}
            out = {k: where / f"report-{k}.json" for k in runs}
            cmd = {"db": [OURS, "report", str(where / "history.db"), "--format", "json",
                          "--out", str(out["db"])],
                   "lrs": [OURS, "report", "--lrs", url, "--format", "json", "--out",
                           str(out["lrs"])]}
            for _ in range(args.repeat):
                for k in runs:
                    runs[k].append(measure(cmd[k], env))
        med = {k: tuple(statistics.median(run[i] for run in v) for i in range(3))
               for k, v in runs.items()}
        equal = out["db"].read_bytes() == out["lrs"].read_bytes()
        rows.append((size, med))
        print(f"{size:>10,} {attempts:>8,} {med['db'][0]:>7.2f} {med['db'][1]:>7.0f} "
              f"{med['lrs'][0]:>7.2f} {med['lrs'][1]:>8.0f} "
              f"{1000 * med['lrs'][0] / size:>8.3f} {med['lrs'][2]:>9.2f}  "
              f"{'yes' if equal else 'NO'}", flush=True)
    for size, med in rows:
        if size == 20000:
            took, mib, _ = med["lrs"]
            print(f"target at 20,000 statements: < {TARGET[0]:g} s and < {TARGET[1]:g} MiB: "
                  f"{took:.1f} s, {mib:.0f} MiB -> "
                  f"{'met' if took < TARGET[0] and mib < TARGET[1] else 'NOT met'}")


if __name__ == "__main__":
    main()
