"""The scenario a trainer starts from (`cscoach new`): small, commented, in format 2, and
shippable but for its placeholders as it stands.

Six conversation points walk the seven steps in order; each has the right reply and a tempting
wrong one (four of them phrasebook traps), a critical lesson (hear the customer out, S002-L1)
and a second one (own a fault at once, S002-L2), facts the customer remembers, a line that
depends on them, and a good, a partial and a bad ending. In a written channel the last turn is
a compose turn, one message built part by part. The best path scores 100 and the worst fails,
so `validate --strict` has nothing to say but the placeholders (`PLACEHOLDERS`) the author is
to replace with the real situation.
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


# What the fix offers, by where the channel's complaints are taught: the reply (ko, en) and why
# it is right (ko, en), citing that source.
FIX = {
    "S001-CH1": ("같은 문제를 두 번이나 겪게 해 드려 죄송합니다. 저희 잘못입니다. 직접 찾아뵙고 "
                 "새 제품으로 교환해 드리고 싶은데, 이번 주 중에 방문드려도 괜찮으실까요?",
                 "I'm sorry this has happened twice; that's our fault. I'd like to meet you in "
                 "person and replace it; may I visit you this week?",
                 "정식 불만 편지에는 편지나 전화가 아니라 직접 만나는 자리로 답합니다(S001-CH1). "
                 "잘못을 바로 인정하고 해결을 약속했습니다(5단계, S002-L2).",
                 "A formal letter of complaint is answered with a meeting, not another letter or "
                 "a call (S001-CH1). You owned the fault at once and promised the fix (step 5, "
                 "S002-L2)."),
    "S001-CH2": ("두 번이나 겪게 해 드려 죄송합니다, 저희 잘못입니다. 제가 책임지고 지금 바로 "
                 "새 제품으로 교환해 드리겠습니다.",
                 "I'm sorry you've had this twice; that's our fault. I'll take ownership and "
                 "replace it with a new one right now.",
                 "잘못을 바로 인정했고(S002-L2), 고객이 바로 앞에 있으니 그 자리에서 바로 해결해 "
                 "드렸습니다(S001-CH2, 5단계).",
                 "You owned the fault at once (S002-L2) and, the customer being right there, "
                 "put it right on the spot (S001-CH2, step 5)."),
    "S001-CH3": ("두 번이나 겪게 해 드려 죄송합니다, 저희 잘못입니다. 제가 책임지고 오늘 바로 "
                 "새 제품을 보내 드리겠습니다.",
                 "I'm sorry you've had this twice; that's our fault. I'll take ownership and "
                 "send you a new one today.",
                 "잘못을 바로 인정하고(S002-L2) 무엇을 해 드릴 수 있는지 바로 알렸습니다"
                 "(S001-CH3). 책임지고 해결을 약속했습니다(5단계).",
                 "You owned the fault at once (S002-L2), told them at once what you can do "
                 "(S001-CH3) and took ownership of the fix (step 5)."),
}

# The skeleton's lines a trainer must replace: `validate --strict` names each one left.
PLACEHOLDERS = (
    "(상황을 두세 문장으로 적어 주세요.)",
    "(Describe the situation in two or three sentences.)",
    "(무엇 때문에 화가 났고, 무엇을 가장 중요하게 여기는지 적어 주세요.)",
    "(Say what upset them and what they care about most.)",
)


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


def _closing(a: Answers) -> str:
    """The last turn: a reply to pick, or in a written channel one message built part by part
    (the follow-up, then the sign-off), routed by whether a follow-up was promised."""
    if a.channel.value not in ("email", "letter", "online"):
        return f"""\
  closing:
    says:
      ko: "네, 그렇게 해 주시면 좋겠어요."
      en: "Yes, that would be good."
    choices:
      - says: {_t("감사합니다. 다음 주에 제가 잘 쓰고 계신지 직접 연락드리겠습니다.",
                  "Thank you. I'll get in touch next week myself to make sure all is well.")}
        steps: [follow_up]
        mood: 1
        next: won-back
        feedback:
          ko: "사후 관리를 약속해 관계를 이어 갔습니다(7단계, S003-7)."
          en: "Promising a follow-up keeps the relationship going (step 7, S003-7)."
      - says: {_t("네, 그럼 이걸로 다 처리된 거죠? 더 드릴 말씀은 없으니 오늘은 여기까지 "
                  "하겠습니다.",
                  "Right, so that's everything dealt with, then? There's nothing more to add, so "
                  "we'll leave it there for today.")}
        steps: []
        mood: -1
        next: unhappy
        feedback:
          ko: "문제는 풀었지만 다시 연락할 이유를 만들지 않았습니다(S003-7)."
          en: "The problem is solved, but you made no reason to get back in touch (S003-7)."
"""
    return f"""\
  closing:              # a compose turn: the trainee builds one message, a line from each part
    says:
      ko: "네, 그렇게 해 주시면 좋겠어요."
      en: "Yes, that would be good."
    compose:
      - part: {_t("사후 관리", "Follow-up")}
        options:
          - says: {_t("다음 주에 제가 잘 쓰고 계신지 직접 연락드리겠습니다.",
                      "I'll get in touch next week myself to make sure all is well.")}
            steps: [follow_up]
            set: [follow-up-promised]
            mood: 1
            feedback:
              ko: "사후 관리를 약속해 관계를 이어 갔습니다(7단계, S003-7)."
              en: "Promising a follow-up keeps the relationship going (step 7, S003-7)."
          - says: {_t("이것으로 이번 건은 모두 처리되었으며, 추가 문의는 고객센터로 해 주시기 "
                      "바랍니다.",
                      "This is to let you know that the matter is now fully closed; any "
                      "further questions can go to our help desk.")}
            mood: -1
            feedback:
              ko: "건은 닫았지만 다시 연락할 이유를 만들지 않았습니다(S003-7)."
              en: "The case is closed, but you made no reason to get back in touch (S003-7)."
      - part: {_t("맺음말", "Sign-off")}
        options:
          - says: {_t("소중한 말씀 주셔서 감사합니다.", "Thank you for telling us.")}
            feedback:
              ko: "말해 준 것에 감사하며 맺었습니다."
              en: "You closed by thanking them for telling you."
          - says: {_t("이상입니다.", "That is all.")}
            feedback:
              ko: "딱딱한 맺음말은 사무적으로 들립니다."
              en: "A curt sign-off sounds routine."
    next:               # routes: the first whose `when:` holds is taken
      - when: {{all: [follow-up-promised]}}
        to: won-back
      - to: unhappy
"""


def render(a: Answers) -> str:
    src = CHANNEL_SOURCE[a.channel]
    fix_ko, fix_en, why_ko, why_en = FIX[src]
    name_ko, name_en = a.persona_ko, a.persona_en
    head = f"# yaml-language-server: $schema={a.schema_ref}\n" if a.schema_ref else ""
    path = a.path or f"{a.id}.yaml"
    written = a.channel.value in ("email", "letter", "online")
    facts = ("  follow-up-promised: {ko: 다시 연락하기로 약속함, en: a follow-up was promised}\n"
             if written else "")
    return head + f"""\
# A cscoach scenario. Replace the example lines with your own, then run:
#   cscoach validate {path}      (errors and warnings with file:line)
#   cscoach validate --strict {path}   (is it ready to send to your team?)
#   cscoach graph {path}         (the branching as a picture)
#   cscoach autoplay {path} --exhaustive   (best and worst path)
# The format is described in docs/scenario-format.md and docs/authoring.md.
format_version: 2
kind: scenario
id: {a.id}
version: 1
title: {_t(a.title_ko, a.title_en)}
summary:
  ko: {_q(f"{name_ko}의 불만을 일곱 단계로 응대하세요. {PLACEHOLDERS[0]}")}
  en: {_q(f"Handle {name_en}'s complaint with the seven steps. {PLACEHOLDERS[1]}")}
persona:
  name: {_t(name_ko, name_en)}
  type: {_t("불만이 있는 고객", "A customer with a complaint")}
  description:
    ko: {_q(PLACEHOLDERS[2])}
    en: {_q(PLACEHOLDERS[3])}
  sources: [{src}]
channel: {a.channel.value}
difficulty: 2
pass_mark: 70
start_mood: -3          # -5 furious .. +5 delighted
sources: [{src}, S001-SAY, S002-L1, S002-L2, S003-1, S003-2, S003-3, S003-4, S003-5, S003-6, S003-7]
start: opening

facts:                  # what the customer remembers: set by replies, read by lines and routes
  heard-out: {{ko: 끝까지 이야기를 들어 줌, en: they were heard out to the end}}
  fix-offered: {{ko: 해결책을 제시함, en: a fix was offered}}
{facts}
lessons:                # what the scenario exists to teach; breaking a critical one fails it
  - id: hear-them-out
    text: {{ko: 해결책보다 먼저 끝까지 들어 준다, en: Hear them out before offering a fix}}
    source: S002-L1
    weight: 10
    critical: true
  - id: own-it
    text:
      ko: 잘못은 변명 없이 바로 인정하고 책임진다
      en: "Own a fault at once, without excuses"
    source: S002-L2
    weight: 10

nodes:
  opening:              # the customer speaks first; the trainee picks a reply
    says:
      ko: "이거 어떻게 된 거예요? 정말 실망했어요."
      en: "What on earth happened here? I'm really disappointed."
    choices:
      - says: {_t(f"안녕하세요, {name_ko}. 알려 주셔서 감사합니다. 불편을 드려 정말 죄송합니다.",
                  f"Hello {name_en}, thank you for letting us know. I'm really sorry for the "
                  "trouble.")}
        steps: [greet, listen]
        mood: 1
        next: story
        feedback:
          ko: "반갑게 맞이하고 말할 기회를 드렸습니다(1·2단계, S003-1, S003-2)."
          en: "A warm welcome and room to talk (steps 1 and 2, S003-1, S003-2)."
      - says: {_t("지금 바빠요. 오늘은 처리할 일이 너무 많아서, "
                  "나중에 다시 연락 주시면 그때 봐 드릴게요.",
                  "I'm busy right now, with far too much on today. Get in touch again later "
                  "and we'll look at it then.")}
        steps: []
        mood: -3
        next: walked-out
        feedback:
          ko: "'바빠요'는 고객을 귀찮은 존재로 만듭니다(cant-be-bothered)."
          en: "\\"I'm busy\\" makes the customer feel like a nuisance (cant-be-bothered)."
        phrases: [cant-be-bothered]

  story:
    says:
      ko: {_q("지난주에 교환받은 건데, 처음 제대로 써 보자마자 또 이렇게 됐어요. "
              "얼마나 황당했는지 몰라요.")}
      en: {_q("I only got this replacement last week, and the first time I really used it, "
              "the same thing happened. I couldn't believe it.")}
    choices:
      - says: {_t("그러셨군요, 많이 당황하셨겠어요. 편하게 더 말씀해 주세요.",
                  "I see, that must have been a shock. Please, tell me more.")}
        steps: [listen]
        set: [heard-out]
        meet: [hear-them-out]
        mood: 1
        next: details
        feedback:
          ko: "해결책보다 먼저 끝까지 들었습니다. 시간이 지나면 감정은 가라앉습니다(S002-L1)."
          en: "You heard them out before any fix; given time, the feeling subsides (S002-L1)."
      - says: {_t("잠깐만요, 됐고요. 그냥 환불해 드리면 되잖아요. 그걸로 끝내시죠.",
                  "Hang on, never mind that. I'll just refund it and we can be done with it.")}
        steps: []
        set: [fix-offered]
        break: [hear-them-out]
        mood: -1
        next: fix
        feedback:
          ko: {_q("말을 끊고 해결책부터 내밀면 듣지 않은 것입니다. "
                  "끝까지 들어야 감정이 가라앉습니다(S002-L1).")}
          en: {_q("Cutting them off with a fix means you did not listen; hear them out and the "
                  "feeling subsides (S002-L1).")}
        phrases: [talking-over]

  details:
    says:
      ko: "이번이 벌써 두 번째예요. 이번엔 제대로 해 주시는 거죠?"
      en: "This is the second time already. You'll get it right this time, won't you?"
    choices:
      - says: {_t("정말 속상하셨겠어요. 처음 문제가 생겼을 때는 어떻게 처리됐는지 여쭤봐도 "
                  "될까요?",
                  "That must be really frustrating. May I ask how it was handled the first "
                  "time?")}
        steps: [ask, empathize]
        mood: 2
        next: fix
        feedback:
          ko: "공감하고 질문으로 상황을 파악했습니다(3·4단계, S003-3, S003-4)."
          en: "You empathised and asked what happened (steps 3 and 4, S003-3, S003-4)."
      - says: {_t("그건 제 담당이 아니에요. 번거로우시겠지만 담당 부서에 따로 문의해 보시는 게 "
                  "빠를 거예요.",
                  "That's not my job, I'm afraid. It would be quicker to ask the department in "
                  "charge of it directly.")}
        steps: []
        mood: -2
        next: unhappy
        feedback:
          ko: "담당이 아니라는 말은 고객을 떠넘기는 말입니다(not-my-job)."
          en: "\\"Not my job\\" passes the customer on (not-my-job)."
        phrases: [not-my-job]

  fix:
    says:               # variants: the first whose `when:` holds is said
      - when: {{all: [heard-out]}}
        assumes: [heard-out]
        ko: "그래서 어떻게 해 주실 건데요?"
        en: "So what are you going to do about it?"
      - ko: "아직 제 얘기 다 안 끝났는데요. 그래서 어떻게 해 주실 건데요?"
        en: "I hadn't even finished. So what are you going to do about it?"
    choices:
      - says: {_t(fix_ko, fix_en)}
        steps: [resolve]
        set: [fix-offered]
        meet: [own-it]
        mood: 2
        next: check
        feedback: {_t(why_ko, why_en)}
      - says: {_t("죄송하지만 규정이 그래서 교환은 어렵습니다. 사용하시다 생긴 문제일 수도 있으니 "
                  "먼저 점검을 맡겨 보세요.",
                  "I'm sorry, but that's the policy: no exchanges. It may have happened while "
                  "you were using it, so have it inspected first.")}
        steps: []
        break: [own-it]
        mood: -2
        next: unhappy
        feedback:
          ko: {_q("규정 뒤에 숨는 것은 변명입니다. "
                  "잘못은 바로 인정해야 작은 문제가 커지지 않습니다(S002-L2).")}
          en: {_q("Hiding behind policy is an excuse; own a fault at once or small problems "
                  "grow (S002-L2).")}
        phrases: [excuses]

  check:
    says:
      ko: "네... 그렇게 해 주시면 되긴 하는데요."
      en: "Well... I suppose that would do."
    choices:
      - says: {_t("이렇게 해 드리면 괜찮으실까요? 혹시 더 불편하신 점은 없으세요?",
                  "Would that work for you? Is there anything else still bothering you?")}
        steps: [check]
        mood: 1
        next: closing
        feedback:
          ko: "해결책이 마음에도 닿았는지 확인했습니다(6단계, S003-6)."
          en: "You checked the fix settled the feeling too (step 6, S003-6)."
      - says: {_t("네, 그럼 처리된 걸로 알고 이 건은 이만 마무리하겠습니다. 이용해 주셔서 "
                  "감사합니다.",
                  "Right, then I'll take it that's all sorted and close the case now. Thank you "
                  "for your custom today.")}
        steps: []
        mood: -1
        next: unhappy
        feedback:
          ko: "괜찮은지 묻지 않으면 남은 불만을 알 수 없습니다(S003-6)."
          en: "Without asking whether it is all right, you cannot know what is left (S003-6)."

{_closing(a)}
endings:                # outcome: good, partial or bad
  won-back:
    outcome: good
    require: [fix-offered]   # validate proves no path reaches it without these facts
    title: {_t("다시 찾은 고객", "A customer won back")}
    says: {_t("신경 써 주셔서 고마워요.", "Thank you for taking care of it.")}
    summary: {_t("끝까지 듣고, 책임지고 해결하고, 다시 연락할 이유를 만들어 "
                 "신뢰를 되찾았습니다(S003-7).",
                 "You heard them out, owned the fix and made a reason to get back in touch: "
                 "their trust is back (S003-7).")}
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
