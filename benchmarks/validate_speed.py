"""How fast `cscoach validate` is, against PyYAML's C loader (issue 15's budgets).

    python benchmarks/validate_speed.py [--count 1000] [--runs 5] [--keep DIR]

Generates COUNT valid scenarios of about 20 nodes (Korean and English, ~20 KB each), then
measures whole processes, interleaved in one run (C loader, validate -j 1, validate, C loader,
...) so every side sees the same machine load, and prints medians and the ratios of medians:

- a process loading every file with PyYAML's C loader (yaml.load, CLoader): the yardstick;
- cold `cscoach validate --no-cache` with one core (-j 1): budget 1.3x the C loader;
- cold `cscoach validate --no-cache` with every core (the default): budget 0.8x;
- a warm re-run after editing one file (the cache answers for the rest): budget 0.5 s;
- check-jsonschema checking the same files against the exported schema (when installed);
- cold validate on 250, 500 and 1,000 files, to show how the cost grows.

A figure, not a test: the machine's load changes it. Needs `pip install -e '.[bench]'` for the
check-jsonschema line (it is skipped otherwise).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_scenarios import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


C_LOADER = ("import sys, pathlib, yaml\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
            "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CLoader)\n")


def run(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def validate_seconds(paths: list[Path], env: dict[str, str], *extra: str) -> float:
    seconds, done = run([sys.executable, "-m", "cscoach", "validate", *map(str, paths),
                         *extra], env)
    if done.returncode != 0:
        raise SystemExit(f"validate failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds


def c_loader_seconds(folder: Path, env: dict[str, str]) -> float:
    seconds, done = run([sys.executable, "-c", C_LOADER, str(folder)], env)
    if done.returncode != 0:
        raise SystemExit(f"the C loader failed:\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    options = parser.parse_args()

    work = options.keep or Path(tempfile.mkdtemp(prefix="cscoach-bench-"))
    env = dict(os.environ, CSCOACH_CONTENT=str(ROOT), CSCOACH_CACHE_DIR=str(work / "cache"))
    try:
        folder = work / "scenarios"
        files = generate(folder, options.count)
        size = sum(p.stat().st_size for p in files)
        print(f"{len(files)} generated scenarios, {size / len(files) / 1024:.1f} KB each "
              f"({size / 1e6:.1f} MB), {os.cpu_count()} cores, Python "
              f"{sys.version.split()[0]}, PyYAML {yaml.__version__}")
        print()

        c_loader_seconds(folder, env)  # warm the disk cache
        times: dict[str, list[float]] = {"c": [], "one": [], "all": []}
        for _ in range(options.runs):  # interleaved: C loader, -j 1, every core, ...
            times["c"].append(c_loader_seconds(folder, env))
            times["one"].append(validate_seconds([folder], env, "--no-cache", "-j", "1"))
            times["all"].append(validate_seconds([folder], env, "--no-cache"))
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"medians of {options.runs} interleaved runs (whole processes):")
        print(f"  PyYAML C loader, every file:                {med['c']:7.2f} s")
        print(f"  cscoach validate, cold, one core (-j 1):    {med['one']:7.2f} s   "
              f"{med['one'] / med['c']:.2f}x  (budget <= 1.30x)")
        print(f"  cscoach validate, cold, every core:         {med['all']:7.2f} s   "
              f"{med['all'] / med['c']:.2f}x  (budget <= 0.80x)")

        validate_seconds([folder], env)  # fill the cache
        warm = []
        for k in range(options.runs):
            edited = files[(len(files) // 2 + k) % len(files)]
            edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n",
                              encoding="utf-8")
            warm.append(validate_seconds([folder], env))
        print(f"  cscoach validate, warm, one file edited:    {statistics.median(warm):7.2f} s"
              "          (budget <= 0.50 s)")

        checker = shutil.which("check-jsonschema") or str(
            Path(sys.executable).parent / "check-jsonschema")
        if Path(checker).exists():
            schema = work / "scenario.schema.json"
            done = subprocess.run([sys.executable, "-m", "cscoach", "schema", "scenario"],
                                  env=env, capture_output=True, text=True, check=True)
            schema.write_text(done.stdout, encoding="utf-8")
            seconds, result = run([checker, "--schemafile", str(schema),
                                   *map(str, files)], env)
            verdict = "all valid" if result.returncode == 0 else "FAILED: " + \
                (result.stdout + result.stderr).strip().splitlines()[0]
            print(f"  check-jsonschema, schema only ({verdict}): {seconds:7.2f} s   "
                  f"cscoach cold is {seconds / med['all']:.1f}x faster")
        else:
            print("  check-jsonschema: not installed (pip install -e '.[bench]')")

        print()
        print("cold validate by number of files (every core, --no-cache):")
        for n in (250, 500, 1000):
            if n > len(files):
                break
            seconds = validate_seconds(files[:n], env, "--no-cache")
            print(f"  {n:>5} files: {seconds:6.2f} s   {1000 * seconds / n:5.2f} ms a file")
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
