"""How the phrase matching grows with the text (issue 16): `cscoach check` on replies of
64 KB, 256 KB and 1 MB, each full of "don't say" phrasings and their look-alikes, and
`cscoach validate` on a scenario with one such reply - whole processes, median of RUNS.

    python benchmarks/matching_speed.py [--runs 3]

The figure to read is the time per KB: flat when the cost grows linearly with the text.
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
# Korean and English, "don't say"s, their look-alikes and plain words, as a long reply has them.
CHUNK = ("I don't know, calm down, that's not my job. I'm right here, let me finish checking. "
         "모르겠어요. 진정하세요. 제 담당이 아니에요. 고객님 잘못이 전혀 아니에요. "
         "We will look into it and call you back tomorrow to make sure it arrived. ")


def reply(size: int) -> str:
    return (CHUNK * (size // len(CHUNK.encode()) + 1))[: size // 3 * 3]


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{args[3]} failed ({done.returncode}): {done.stderr.decode()[:300]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    env = dict(os.environ, CSCOACH_CONTENT=str(ROOT))
    mini = (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")
    scenario = mini.split('MINI_SCENARIO = """\\\n', 1)[1].split('"""', 1)[0]
    with tempfile.TemporaryDirectory() as tmp:
        env["CSCOACH_CACHE_DIR"] = tmp
        print(f"median of {options.runs} runs, whole processes:")
        print(f"  {'size':>8}  {'check':>9}  {'per KB':>8}  {'validate':>9}  {'per KB':>8}")
        for kb in (64, 256, 990):  # check reads at most 1 MB (10^6 bytes)
            text = Path(tmp) / f"reply-{kb}.txt"
            text.write_text(reply(kb * 1000), encoding="utf-8")
            long_reply = reply(kb * 1000).replace('"', "'")
            story = Path(tmp) / f"long-{kb}.yaml"
            story.write_text(scenario.replace(
                "en: I'm listening}", f'en: "{long_reply}"}}').replace("pass_mark: 60",
                                                                      "pass_mark: 50"),
                encoding="utf-8")
            check = statistics.median(
                timed([sys.executable, "-m", "cscoach", "check", str(text)], env)
                for _ in range(options.runs))
            validate = statistics.median(
                timed([sys.executable, "-m", "cscoach", "validate", "--no-cache", str(story)],
                      env) for _ in range(options.runs))
            print(f"  {kb:>6} KB  {check:8.2f}s  {check / kb * 1000:6.2f}ms  "
                  f"{validate:8.2f}s  {validate / kb * 1000:6.2f}ms")


if __name__ == "__main__":
    main()
