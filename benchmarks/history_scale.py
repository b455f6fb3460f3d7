"""An organisation's history at scale (issue 22): `report` and `export --format xapi --all`
over generated histories, whole process against whole process, time and peak memory.

Each size's history is made once by benchmarks/gen_history.py (200 trainees) in FOLDER. Every
command runs in a fresh process started by a small Python parent that prints the child's peak
resident memory (resource.getrusage(RUSAGE_CHILDREN), so one child each); runs are repeated
REPEAT times and the median is shown. With --peer CSCOACH (another install's console script,
e.g. /work/main/.venv/bin/cscoach) each command runs interleaved A B A B against it, at sizes up
to --peer-max (all by default; an install from before the streamed export took some 220 KiB of
memory an attempt, so give it --peer-max 5000).

Run: .venv/bin/python benchmarks/history_scale.py [--sizes 2500,5000,10000,20000,40000]
     [--folder /tmp/cscoach-history-scale] [--repeat 3] [--peer PATH] [--peer-max N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = str(Path(sys.executable).with_name("cscoach"))
MEASURE = ("import resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
           "took = time.perf_counter() - t\n"
           "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "print(took, use.ru_maxrss, code, use.ru_utime + use.ru_stime)\n")
TARGETS = {"report": (2.0, 150.0), "export xapi": (15.0, 150.0)}  # at 20,000: s, MiB


def measure(args: list[str]) -> tuple[float, float, float]:
    """(seconds, peak MiB, CPU seconds: user + system) of one whole process."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True,
                          text=True, check=True)
    took, kib, code, cpu = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(args)}: exit {code}")
    return float(took), int(kib) / 1024, float(cpu)


def history(folder: Path, size: int) -> Path:
    where = folder / str(size)
    if not (where / "history.db").exists():
        subprocess.run([sys.executable, str(HERE / "gen_history.py"), str(size), "200",
                        str(where)], check=True)
    return where


def commands(cscoach: str, where: Path, scratch: Path) -> dict[str, list[str]]:
    return {
        "report": [cscoach, "report", str(where / "history.db"), "--format", "json", "--out",
                   str(scratch / "report.json")],
        "export xapi": [cscoach, "export", "--all", "--format", "xapi", "--data-dir",
                        str(where), "--out", str(scratch / "statements.json")],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2500,5000,10000,20000,40000")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/cscoach-history-scale"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer")
    parser.add_argument("--peer-max", type=int, default=10**9)
    opts = parser.parse_args()
    sizes = [int(s) for s in opts.sizes.split(",")]
    scratch = opts.folder / "out"
    scratch.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, int], tuple[float, float, float]] = {}
    peers: dict[tuple[str, int], float] = {}
    print(f"{'command':<12} {'attempts':>8} {'s (median)':>11} {'range':>11} {'MiB':>5} "
          f"{'s/1k':>6} {'CPU s':>5} {'load':>5}"
          + ("   peer s       range  peer MiB  peer CPU  peer/ours" if opts.peer else ""))
    for size in sizes:
        where = history(opts.folder, size)
        for name, args in commands(OURS, where, scratch).items():
            runs, peer_runs = [], []
            peer = opts.peer if opts.peer and size <= opts.peer_max else None
            for _ in range(opts.repeat):
                runs.append(measure(args))
                if peer:
                    peer_runs.append(measure(commands(peer, where, scratch)[name]))
            took = statistics.median(r[0] for r in runs)
            mib = max(r[1] for r in runs)
            results[(name, size)] = (took, mib, statistics.median(r[2] for r in runs))
            spread = f"{min(r[0] for r in runs):.2f}-{max(r[0] for r in runs):.2f}"
            line = (f"{name:<12} {size:>8,} {took:>11.2f} {spread:>11} {mib:>5.0f} "
                    f"{1000 * took / size:>6.3f} {statistics.median(r[2] for r in runs):>5.2f} "
                    f"{os.getloadavg()[0]:>5.1f}")
            if peer_runs:
                ptook = statistics.median(r[0] for r in peer_runs)
                peers[(name, size)] = ptook
                pmib = max(r[1] for r in peer_runs)
                pspread = f"{min(r[0] for r in peer_runs):.2f}-{max(r[0] for r in peer_runs):.2f}"
                pcpu = statistics.median(r[2] for r in peer_runs)
                line += (f"   {ptook:>6.2f} {pspread:>11}  {pmib:>8.0f}  {pcpu:>8.2f}  "
                         f"{ptook / took:>8.2f}x")
            print(line, flush=True)
    print("\ngrowth (time at each size / time at the one before):")
    for name in TARGETS:
        steps = [f"{b:,}: {results[(name, b)][0] / results[(name, a)][0]:.2f}x"
                 for a, b in zip(sizes, sizes[1:], strict=False)]
        print(f"  {name}: " + ", ".join(steps))
        steps = [f"{b:,}: {results[(name, b)][2] / results[(name, a)][2]:.2f}x"
                 for a, b in zip(sizes, sizes[1:], strict=False)]
        print(f"  {name} (CPU): " + ", ".join(steps))
        if all((name, b) in peers for b in sizes):
            steps = [f"{b:,}: {peers[(name, b)] / peers[(name, a)]:.2f}x"
                     for a, b in zip(sizes, sizes[1:], strict=False)]
            print(f"  {name} (peer): " + ", ".join(steps))
    print("\ntargets (issue 22):")
    for name, (most_s, most_mib) in TARGETS.items():
        if (name, 20000) in results:
            took, mib, _ = results[(name, 20000)]
            print(f"  {name} at 20,000: {took:.2f} s (target < {most_s:g}: "
                  f"{'holds' if took < most_s else 'MISSED'}), {mib:.0f} MiB (target < "
                  f"{most_mib:g}: {'holds' if mib < most_mib else 'MISSED'})")
        if (name, 20000) in results and (name, 40000) in results:
            ratio = results[(name, 40000)][0] / results[(name, 20000)][0]
            mib = results[(name, 40000)][1]
            print(f"  {name} at 40,000: {ratio:.2f}x the time of 20,000 (target <= 2: "
                  f"{'holds' if ratio <= 2 else 'MISSED'}), {mib:.0f} MiB (target < "
                  f"{most_mib:g}: {'holds' if mib < most_mib else 'MISSED'})")
    print("  report --lrs over 20,000 statements: benchmarks/lrs_report.py")


if __name__ == "__main__":
    main()
