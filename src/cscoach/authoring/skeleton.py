"""The scenario a trainer starts from (`cscoach new`): small, commented, and valid as it stands.

Four conversation points walk the seven steps in order; each has the right reply and a tempting
trap taken from the phrasebook, and the endings cover good, partial and bad. The author replaces
the example lines with their own and grows the graph from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cscoach.content.model import Channel

# Where each channel's complaints are taught (S001-CH1..CH3).
CHANNEL_SOURCE = {
    Channel.LETTER: "S001-CH1",
    Channel.IN_PERSON: "S001-CH2",
    Channel.PHONE: "S001-CH3",
    Channel.EMAIL: "S001-CH3",
    Channel.ONLINE: "S001-CH3",
}


@dataclass(frozen=True, slots=True)
class Answers:
    """What `cscoach new` asks."""

    id: str
    title_en: str
    title_ko: str
    persona_en: str  # how the trainee addresses the customer
    persona_ko: str
    channel: Channel
    schema_ref: str = ""  # where editors find the JSON Schema; no line when empty
    path: str = ""  # where the file is written, as the trainer will type it


def _q(text: str) -> str:
    """A YAML double-quoted string (JSON's quoting is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _t(ko: str, en: str) -> str:
    return f"{{ko: {_q(ko)}, en: {_q(en)}}}"


def render(a: Answers) -> str:
    src = CHANNEL_SOURCE[a.channel]
    name_ko, name_en = a.persona_ko, a.persona_en
    head = f"# yaml-language-server: $schema={a.schema_ref}\n" if a.schema_ref else ""
    path = a.path or f"{a.id}.yaml"
    return head + f"""\
# A cscoach scenario. Replace the example lines with your own, then run:
#   cscoach validate {path}      (errors and warnings with file:line)
#   cscoach graph {path}         (the branching as a picture)
#   cscoach autoplay {path} --exhaustive   (best and worst path)
# The format is described in docs/scenario-format.md and docs/authoring.md.
format_version: 1
kind: scenario
id: {a.id}
version: 1
title: {_t(a.title_ko, a.title_en)}
summary:
  ko: {_q(f"{name_ko}의 불만을 일곱 단계로 응대하세요. (상황을 두세 문장으로 적어 주세요.)")}
  en: {_q(f"Handle {name_en}'s complaint with the seven steps. (Describe the situation in two "
          "or three sentences.)")}
persona:
  name: {_t(name_ko, name_en)}
  type: {_t("불만이 있는 고객", "A customer with a complaint")}
  description:
    ko: "무엇 때문에 화가 났고, 무엇을 가장 중요하게 여기는지 적어 주세요."
    en: "Say what upset them and what they care about most."
  sources: [{src}]
channel: {a.channel.value}
difficulty: 2
pass_mark: 70
start_mood: -3          # -5 furious .. +5 delighted
sources: [{src}, S001-SAY, S003-1, S003-2, S003-3, S003-4, S003-5, S003-6, S003-7]
start: opening

nodes:
  opening:              # the customer speaks first; the trainee picks a reply
    says:
      ko: "이거 어떻게 된 거예요? 정말 실망했어요."
      en: "What on earth happened here? I'm really disappointed."
    choices:
      - says: {_t(f"안녕하세요, {name_ko}. 어떻게 도와드릴까요? 편하게 말씀해 주세요.",
                  f"Hello {name_en}, how can I help? Please tell me everything.")}
        steps: [greet, listen]
        mood: 1
        next: details
        feedback:
          ko: "반갑게 맞이하고 말할 기회를 드렸습니다(1·2단계)."
          en: "A warm welcome and room to talk (steps 1 and 2)."
      - says: {_t("지금 바빠요. 나중에 오세요.", "I'm busy right now. Come back later.")}
        steps: []
        mood: -3
        next: walked-out
        feedback:
          ko: "'바빠요'는 고객을 귀찮은 존재로 만듭니다(cant-be-bothered)."
          en: "\\"I'm busy\\" makes the customer feel like a nuisance (cant-be-bothered)."
        phrases: [cant-be-bothered]

  details:
    says:
      ko: "지난주에 받은 건데 벌써 이래요. 다시 처음부터 설명해야 해요?"
      en: "I only got it last week and it's already like this. Do I have to explain it all again?"
    choices:
      - says: {_t("정말 속상하셨겠어요. 언제부터 그랬는지 여쭤봐도 될까요?",
                  "That must be really frustrating. May I ask when it started?")}
        steps: [ask, empathize]
        mood: 1
        next: fix
        feedback:
          ko: "공감하고 질문으로 상황을 파악했습니다(3·4단계)."
          en: "You empathised and asked what happened (steps 3 and 4)."
      - says: {_t("그건 제 담당이 아니에요.", "That's not my job.")}
        steps: []
        mood: -2
        next: unhappy
        feedback:
          ko: "담당이 아니라는 말은 고객을 떠넘기는 말입니다(not-my-job)."
          en: "\\"Not my job\\" passes the customer on (not-my-job)."
        phrases: [not-my-job]

  fix:
    says:
      ko: "그래서 어떻게 해 주실 건데요?"
      en: "So what are you going to do about it?"
    choices:
      - says: {_t("바로 새것으로 교환해 드리겠습니다. 이렇게 해 드리면 괜찮으실까요?",
                  "I'll replace it right away. Would that work for you?")}
        steps: [resolve, check]
        mood: 2
        next: closing
        feedback:
          ko: "해결책을 내고 만족하는지 확인했습니다(5·6단계)."
          en: "You fixed it and checked they were satisfied (steps 5 and 6)."
      - says: {_t("규정상 교환은 어렵습니다.", "Exchanges are against our policy.")}
        steps: []
        mood: -2
        next: unhappy
        feedback:
          ko: "규정 뒤에 숨으면 해결책이 없다는 말로 들립니다."
          en: "Hiding behind policy sounds like there is no fix."

  closing:
    says:
      ko: "네, 그렇게 해 주시면 좋겠어요."
      en: "Yes, that would be good."
    choices:
      - says: {_t("감사합니다. 다음 주에 제가 잘 쓰고 계신지 연락드리겠습니다.",
                  "Thank you. I'll call you next week to make sure everything is fine.")}
        steps: [follow_up]
        mood: 1
        next: won-back
        feedback:
          ko: "사후 관리를 약속해 관계를 이어 갔습니다(7단계)."
          en: "Promising a follow-up keeps the relationship going (step 7)."
      - says: {_t("네, 그럼 됐죠?", "Right, so we're done?")}
        steps: []
        mood: -1
        next: unhappy
        feedback:
          ko: "문제는 풀었지만 관계는 챙기지 못했습니다."
          en: "The problem is solved, the relationship is not."

endings:                # outcome: good, partial or bad
  won-back:
    outcome: good
    title: {_t("다시 찾은 고객", "A customer won back")}
    says: {_t("신경 써 주셔서 고마워요.", "Thank you for taking care of it.")}
    summary: {_t("일곱 단계를 차례로 밟아 고객의 신뢰를 되찾았습니다.",
                 "You walked the seven steps in order and won back their trust.")}
  unhappy:
    outcome: partial
    title: {_t("찜찜한 마무리", "An uneasy finish")}
    says: {_t("뭐, 알겠어요.", "Well, fine.")}
    summary: {_t("일은 처리됐지만 고객의 마음은 돌아오지 않았습니다.",
                 "The job got done, but the customer is not won back.")}
  walked-out:
    outcome: bad
    title: {_t("떠나 버린 고객", "The customer walked out")}
    says: {_t("됐어요. 다시는 안 와요.", "Forget it. I won't be back.")}
    summary: {_t("첫마디에서 고객을 잃었습니다.", "You lost the customer with your first words.")}
"""
