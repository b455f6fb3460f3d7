"""How fast `cscoach validate` is, against PyYAML's C loader and check-jsonschema.

    python benchmarks/validate_speed.py [--count 1000] [--keep DIR]

Generates COUNT valid scenarios of about 20 nodes (Korean and English, ~20 KB each), then prints,
all measured in this one run:

- PyYAML's C loader alone loading every file (in this process: no start-up cost for it);
- cold `cscoach validate` (a fresh process, --no-cache) on all of them: with every core (the
  default) and with one (-j 1), each as a ratio to the C loader;
- a warm re-run after editing one file (the cache answers for the rest);
- check-jsonschema checking the same files against the exported schema, and the ratio;
- cold validate on 250, 500 and 1,000 files, to show the cost grows linearly.

A figure, not a test: the machine's load changes it. Needs `pip install -e '.[bench]'` for the
check-jsonschema line (it is skipped otherwise).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_scenarios import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def c_loader_seconds(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        with path.open(encoding="utf-8") as handle:
            yaml.load(handle, Loader=yaml.CLoader)
    return time.perf_counter() - start


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
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

        c_loader_seconds(files[:50])  # warm the disk cache and the imports
        base = c_loader_seconds(files)
        print(f"PyYAML C loader alone (yaml.load, CLoader):      {base:7.2f} s")
        cold = validate_seconds([folder], env, "--no-cache")
        print(f"cscoach validate, cold, every core:              {cold:7.2f} s   "
              f"ratio {cold / base:.2f}  (target <= 1.3)")
        single = validate_seconds([folder], env, "--no-cache", "-j", "1")
        print(f"cscoach validate, cold, one core (-j 1):         {single:7.2f} s   "
              f"ratio {single / base:.2f}")

        validate_seconds([folder], env)  # fill the cache
        edited = files[len(files) // 2]
        edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        warm = validate_seconds([folder], env)
        print(f"cscoach validate, warm, one file edited:         {warm:7.2f} s   "
              "(target <= 0.5)")

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
            print(f"check-jsonschema, schema only ({verdict}): {seconds:7.2f} s   "
                  f"cscoach cold is {seconds / cold:.1f}x faster")
        else:
            print("check-jsonschema: not installed (pip install -e '.[bench]')")

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
