"""How fast, and in how much memory, hostile files are refused (issues 8 and 16): for each kind of
broken file, `cscoach validate` on it in a fresh process - wall time and peak memory (max RSS)
next to validating one good scenario. Prints figures; asserts nothing.

    python benchmarks/hostile.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAD = "format_version: 1\nkind: phrasebook\nentries:\n"


def bomb(levels: int) -> str:
    lines = ["- &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"- &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return HEAD + "".join(f"  {line}\n" for line in lines)


def cases(folder: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        path = folder / f"{len(out):02d}.yaml"
        path.write_bytes(data)
        out[name] = path

    out["a good scenario (baseline)"] = ROOT / "scenarios" / "angry-shopper.yaml"
    put("alias bomb, 10 levels (9^10 if expanded)", bomb(10).encode())
    put("alias bomb, 60 levels", bomb(60).encode())
    put("flow nesting 100,000 deep", (HEAD + "[" * 100_000 + "]" * 100_000).encode())
    put("block nesting 3,000 deep",
        (HEAD + "".join(" " * i + "a:\n" for i in range(1, 3000))).encode())
    put("!!python/object/apply", (HEAD + "  - !!python/object/apply:os.system [ls]\n").encode())
    put("invalid UTF-8 at 4 MB", b"# " + b"x" * 4_000_000 + b"\n\xff\n")
    put("NUL byte", HEAD.encode() + b"\x00")
    big = folder / "big.yaml"
    big.write_bytes(b"")
    os.truncate(big, 50 * 1024 * 1024)
    out["50 MB file (sparse)"] = big
    put("1.9 MB of YAML, an error on every line",
        (HEAD + "".join(f"  - x{i}: {'y' * 40}\n" for i in range(36_000))).encode())
    put("2 MiB flow mapping of 690,000 empty keys",
        (HEAD + "  - {" + ", ".join(["a"] * 690_000) + "}\n").encode())
    put("2 MiB flow list of 1,000,000 items", (HEAD + "  - [" + ",".join(["a"] * 1_000_000)
                                              + "]\n").encode())
    put("99,000 values (just under the limit)",
        (HEAD + "  - {" + ", ".join(["a"] * 49_500) + "}\n").encode())
    put("1.9 MB of valid YAML (the largest allowed)",
        (HEAD + "".join(f"  # {'y' * 49}\n" for i in range(36_000))
         + "  - id: x\n").encode())
    return out


def run_once(path: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS in KiB) of one validate in its own process."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c",
         "import resource, sys\n"
         "from cscoach.cli.main import main\n"
         "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
         "else:\n    code = 0\n"
         "sys.stderr.write(f'RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
         "sys.exit(code)",
         "validate", "--no-cache", str(path)],
        env=env, capture_output=True, text=True, timeout=120)
    took = time.perf_counter() - start
    rss = next(int(line.split()[1]) for line in proc.stderr.splitlines()
               if line.startswith("RSS "))
    return took, proc.returncode, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, CSCOACH_CONTENT=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'file':44} {'exit':>4} {'median s':>9} {'peak MiB':>9}  first line")
        for name, path in cases(Path(tmp)).items():
            times, rss, code = [], 0, 0
            for _ in range(args.runs):
                took, code, peak = run_once(path, env)
                times.append(took)
                rss = max(rss, peak)
            first = subprocess.run(
                [sys.executable, "-m", "cscoach", "validate", "--no-cache", str(path)],
                env=env, capture_output=True, text=True).stdout.splitlines()
            line = first[0].split(": ", 1)[-1][:60] if first else "(clean)"
            print(f"{name:44} {code:>4} {statistics.median(times):>9.3f} "
                  f"{rss / 1024:>9.1f}  {line}")


if __name__ == "__main__":
    main()
