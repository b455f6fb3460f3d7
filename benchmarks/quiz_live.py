"""The live classroom under load: `cscoach quiz host` as its own process on loopback, and N
simulated players (WebSocket clients in this process) answering every question of a 20-question
game. Prints, per size: answers sent, answers the host counted (from its --out file: each must
be counted once), answer->acknowledgement latency (median, p95, max) and the host's peak memory
(VmHWM), as medians of the repeats. Targets (issue 21): 60 players, every answer counted once,
p95 < 50 ms, host memory < 150 MiB.

    python benchmarks/quiz_live.py [--players 15,30,60] [--questions 20] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from websockets.asyncio.client import connect

from cscoach.quiz import protocol

ROOT = Path(__file__).resolve().parent.parent


def _peak_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) if found else 0


async def _player(url: str, name: str, latencies: list[float], sent: list[int],
                  rng: random.Random) -> None:
    async with connect(url, max_size=1 << 20, compression=None) as ws:
        await ws.send(protocol.dump("join", code="4321", name=name))
        pending: dict[int, float] = {}
        async for raw in ws:
            message = json.loads(raw)
            kind = message["type"]
            if kind == "question":
                await asyncio.sleep(rng.uniform(0, 0.05))  # players are not all equally quick
                if message["kind"] == "truefalse":
                    answer: object = rng.random() < 0.5
                elif message["kind"] == "order":
                    answer = list(range(len(message["options"])))
                    rng.shuffle(answer)  # type: ignore[arg-type]
                else:
                    answer = rng.randrange(len(message["options"]))
                pending[message["number"]] = time.perf_counter()
                await ws.send(protocol.dump("answer", question=message["number"],
                                            answer=answer))
                sent[0] += 1
            elif kind == "ack":
                start = pending.pop(message["question"], None)
                if start is not None:
                    latencies.append(time.perf_counter() - start)
            elif kind == "end":
                return


def run(players: int, questions: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        env = dict(os.environ, CSCOACH_CONTENT=str(ROOT), CSCOACH_HOME=str(Path(tmp) / "home"),
                   CSCOACH_LANG="en")
        host = subprocess.Popen(
            [sys.executable, "-m", "cscoach", "quiz", "host", "--bind", "127.0.0.1:0", "--code",
             "4321", "--count", str(questions), "--seed", str(seed), "--players", str(players),
             "--auto-next", "0", "--timer", "60", "--max-players", str(max(players, 60)),
             "--out", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL, text=True, encoding="utf-8")
        assert host.stdout is not None
        address = ""
        for line in host.stdout:
            found = re.search(r"Address: (127\.0\.0\.1:\d+)", line)
            if found:
                address = found.group(1)
                break
        if not address:
            raise SystemExit(f"the host did not start: {host.stderr.read() if host.stderr else ''}")
        threading.Thread(target=host.stdout.read, daemon=True).start()  # keep its pipe flowing
        peak = [0]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _peak_kib(host.pid))
                time.sleep(0.05)

        threading.Thread(target=watch, daemon=True).start()
        latencies: list[float] = []
        sent = [0]
        rng = random.Random(seed)
        url = f"ws://{address}/"

        async def everyone() -> None:
            await asyncio.gather(*(_player(url, f"player{i:03d}", latencies, sent,
                                           random.Random(rng.random())) for i in range(players)))

        started = time.perf_counter()
        asyncio.run(everyone())
        took = time.perf_counter() - started
        code = host.wait(timeout=60)
        done.set()
        if code != 0:
            raise SystemExit(f"the host exited {code}: {host.stderr.read() if host.stderr else ''}")
        data = json.loads(out.read_text(encoding="utf-8"))
        answered = [r for r in data["responses"] if not r["timed_out"]]
        keys = {(r["team"], r["number"]) for r in answered}
        latencies.sort()
        return {
            "sent": sent[0], "counted": len(answered), "unique": len(keys),
            "median_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "max_ms": 1000 * latencies[-1], "host_mib": peak[0] / 1024, "seconds": took,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", default="15,30,60")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(n) for n in args.players.split(",")]
    results: dict[int, list[dict[str, float]]] = {n: [] for n in sizes}
    for repeat in range(args.repeats):  # interleaved: every size once per round
        for n in sizes:
            results[n].append(run(n, args.questions, seed=repeat + 1))
    print(f"{args.questions} questions, {args.repeats} repeats (medians); host = its own process")
    print(f"{'players':>7} {'sent':>6} {'counted':>7} {'once':>5} {'median ms':>9} "
          f"{'p95 ms':>7} {'max ms':>7} {'host MiB':>8} {'game s':>7}")
    ok = True
    for n in sizes:
        rows = results[n]

        def med(key: str, rows: list[dict[str, float]] = rows) -> float:
            return statistics.median(r[key] for r in rows)

        once = all(r["sent"] == r["counted"] == r["unique"] == n * args.questions for r in rows)
        print(f"{n:>7} {med('sent'):>6.0f} {med('counted'):>7.0f} {'yes' if once else 'NO':>5} "
              f"{med('median_ms'):>9.1f} {med('p95_ms'):>7.1f} {med('max_ms'):>7.1f} "
              f"{med('host_mib'):>8.1f} {med('seconds'):>7.1f}")
        if n >= 60:
            ok = ok and once and med("p95_ms") < 50 and med("host_mib") < 150
    print("targets (60 players: every answer counted once, p95 < 50 ms, host < 150 MiB): "
          + ("met" if ok else "NOT met"))


if __name__ == "__main__":
    main()
