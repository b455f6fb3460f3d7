"""Generate valid cscoach scenarios of about 20 nodes (~20 KB, Korean and English) for benchmarks.

    python benchmarks/gen_scenarios.py OUT_DIR [COUNT]

Each scenario is a layered conversation: one layer per Carnegie step, three nodes a layer, three
replies a node (the step done well with a "say instead", a neutral reply, a "don't say" trap).
The best path performs the seven steps in order and passes; the worst path fails; so every file
passes `cscoach validate --strict`.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

STEPS = ["greet", "listen", "ask", "empathize", "resolve", "check", "follow_up"]

GOOD = {
    "greet": ("어서 오세요, 고객님. 어떻게 도와드릴까요?", "Welcome in. How can I help you today?"),
    "listen": ("네, 끝까지 말씀해 주세요. 다 듣겠습니다.", "Please go on, I'm listening."),
    "ask": ("언제부터 그랬는지 여쭤봐도 될까요?", "May I ask when the problem started?"),
    "empathize": ("정말 속상하셨겠어요. 충분히 이해합니다.", "That sounds really frustrating."),
    "resolve": ("바로 새 제품으로 교환해 드리겠습니다.", "I'll replace it with a new one now."),
    "check": ("이렇게 해 드리면 괜찮으실까요?", "Does that work for you?"),
    "follow_up": ("다음 주에 제가 직접 전화드리겠습니다.", "I'll call you next week myself."),
}
NEUTRAL = ("음, 잠시만요. 시스템을 볼게요.", "Hmm, one moment. Looking at the system.")
TRAPS = [
    ("그건 제 담당이 아니라서 모르겠어요.", "That's not my job, and I don't know."),
    ("지금 바빠요. 나중에 오세요.", "I'm busy right now. Come back later."),
    ("규정이라서 어쩔 수 없어요.", "It's the policy, there's nothing I can do."),
]
CUSTOMER = [
    ("이거 산 지 얼마나 됐다고 벌써 고장이에요? 정말 어이가 없네요.",
     "How long have I even had this, and it's already broken? Unbelievable."),
    ("제 말을 제대로 듣고 계신 거예요? 벌써 세 번째 설명하는 거라고요.",
     "Are you actually listening to me? This is the third time I've explained it."),
    ("그래서 어떻게 해 주실 건데요? 말로만 죄송하다고 하지 마시고요.",
     "So what are you going to do about it? Don't just say sorry."),
    ("아이들 등교 준비하다가 멈춰 버려서 아침이 완전히 엉망이 됐어요.",
     "It stopped in the middle of the school rush and ruined the whole morning."),
]
FEEDBACK_GOOD = ("{step} 단계를 제때 해냈습니다.", "The {step} step, at the right moment.")
FEEDBACK_NEUTRAL = ("아무 단계도 하지 않았습니다.", "It does none of the steps.")
FEEDBACK_TRAP = ("하지 말아야 할 말입니다. 고객이 더 화를 냅니다.",
                 "That is a \"don't say\"; the customer gets angrier.")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def choice_lines(options: list[tuple], step: str) -> list[str]:
    """The YAML lines of a node's replies: (says, steps, mood, feedback, next) each."""
    out: list[str] = []
    for (cko, cen), steps, mood, (fko, fen), target in options:
        out += [f"      - says: {{ko: {_q(cko)}, en: {_q(cen)}}}",
                f"        steps: [{', '.join(steps)}]", f"        mood: {mood}",
                f"        next: {target}",
                f"        feedback: {{ko: {_q(fko.format(step=step))}, "
                f"en: {_q(fen.format(step=step))}}}"]
    return out


def scenario_text(index: int, seed: int = 0) -> str:
    rng = random.Random(seed * 100_003 + index)
    sid = f"bench-{index:04d}"
    out = [
        f"# generated benchmark scenario {index}",
        "format_version: 1",
        "kind: scenario",
        f"id: {sid}",
        "title:",
        f"  ko: {_q(f'벤치마크 시나리오 {index}번: 고장 난 제품')}",
        f"  en: {_q(f'Benchmark scenario {index}: the broken product')}",
        "summary:",
        f"  ko: {_q('고객이 고장 난 제품을 들고 매장에 찾아왔습니다. 일곱 단계로 응대하세요.')}",
        f"  en: {_q('A customer brings a broken product back to the shop. Use the seven steps.')}",
        "persona:",
        "  name: {ko: 김민수 고객님, en: Mr Kim}",
        "  type: {ko: 화가 난 고객, en: Angry customer}",
        "  description:",
        f"    ko: {_q('바쁜 아침에 제품이 고장 나서 몹시 화가 나 있습니다.')}",
        f"    en: {_q('His product broke on a busy morning and he is very angry.')}",
        "  sources: [S001-CH2]",
        "channel: in_person",
        "difficulty: 2",
        "pass_mark: 70",
        "start_mood: -3",
        "sources: [S001-CH2, S001-SAY, S003-1, S003-2, S003-3, S003-4, S003-5, S003-6, S003-7]",
        "start: n0a",
        "",
        "nodes:",
    ]
    layers = [["n0a"]] + [[f"n{i}{c}" for c in "abc"] for i in range(1, 7)]
    for depth, layer in enumerate(layers):
        step = STEPS[depth]
        last = depth == len(layers) - 1
        for node_id in layer:
            ko, en = rng.choice(CUSTOMER)
            out += [f"  {node_id}:", "    says:", f"      ko: {_q(ko)}", f"      en: {_q(en)}",
                    "    choices:"]
            nxt = layers[depth + 1] if not last else None
            trap = rng.choice(TRAPS)
            options = [
                (GOOD[step], [step], 1, FEEDBACK_GOOD, nxt[0] if nxt else "loyal"),
                (NEUTRAL, [], 0, FEEDBACK_NEUTRAL, nxt[1] if nxt else "lukewarm"),
                (trap, [], -2, FEEDBACK_TRAP, nxt[2] if nxt else "walked-out"),
            ]
            rng.shuffle(options)
            out += choice_lines(options, step)
    out += ["", "endings:"]
    for eid, outcome, ko, en in (
        ("loyal", "good", "단골이 되었습니다", "A loyal customer"),
        ("lukewarm", "partial", "그럭저럭 해결되었습니다", "Sorted, more or less"),
        ("walked-out", "bad", "고객이 떠났습니다", "The customer walked out"),
    ):
        out += [f"  {eid}:", f"    outcome: {outcome}",
                f"    title: {{ko: {_q(ko)}, en: {_q(en)}}}",
                "    says:", f"      ko: {_q('오늘 잘 들어 주셔서 고마워요. 또 올게요.')}",
                f"      en: {_q('Thanks for hearing me out today. I will be back.')}",
                "    summary:", f"      ko: {_q('응대의 결과가 고객의 마음에 남았습니다.')}",
                f"      en: {_q('How you handled it is what the customer will remember.')}"]
    return "\n".join(out) + "\n"


def generate(out_dir: Path, count: int, seed: int = 0) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = out_dir / f"bench-{i:04d}.yaml"
        path.write_text(scenario_text(i, seed), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    files = generate(target, n)
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} scenarios, {size / len(files) / 1024:.1f} KB each, in {target}")
