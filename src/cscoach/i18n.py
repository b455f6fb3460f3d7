"""The interface's own words in Korean and English, and how the language is chosen."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")


@dataclass(frozen=True, slots=True)
class Text:
    """A human-readable string in Korean and English."""

    ko: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.ko if lang == "ko" else self.en

    def both(self) -> tuple[str, str]:
        return (self.ko, self.en)


# key -> (en, ko). Content (scenarios, phrasebook) carries its own translations.
MESSAGES: dict[str, tuple[str, str]] = {
    "channel.in_person": ("in person", "대면"),
    "channel.phone": ("phone", "전화"),
    "channel.email": ("email", "이메일"),
    "channel.letter": ("letter", "편지"),
    "channel.online": ("online", "온라인"),
    "channel.chat": ("private chat", "1:1 채팅"),
    "outcome.good": ("good ending", "좋은 결말"),
    "outcome.partial": ("partial success", "절반의 성공"),
    "outcome.bad": ("bad ending", "나쁜 결말"),
    "label.persona": ("Customer", "고객"),
    "label.channel": ("Channel", "채널"),
    "label.difficulty": ("Level", "난이도"),
    "label.pass_mark": ("Pass mark", "합격 기준"),
    "list.pass": ("Pass", "합격"),
    "label.sources": ("Sources", "출처"),
    "label.mood": ("Mood", "기분"),
    "label.turn": ("Turn", "턴"),
    "label.you": ("You", "나"),
    "label.you.phone": ("You (on the phone)", "나 (전화)"),
    "label.you.email": ("Your email", "보낸 답장"),
    "label.you.letter": ("You", "나"),
    "label.you.online": ("Your public reply", "내 답글 (공개)"),
    "label.you.chat": ("Your message (private)", "내 메시지 (1:1)"),
    "label.feedback": ("Feedback", "피드백"),
    "label.steps": ("Steps", "단계"),
    "label.id": ("ID", "ID"),
    "label.title": ("Title", "제목"),
    "label.nodes": ("Decisions", "선택 지점"),
    "label.endings": ("Endings", "결말"),
    "check.dont_say": ("don't say", "하지 말아야 할 말"),
    "check.why": ("why", "이유"),
    "check.unsure": ("the judge is {p}% sure", "판정 확신도 {p}%"),
    "check.instead": ("say instead", "대신 이렇게"),
    "check.steps": ("steps performed", "수행한 단계"),
    "check.missing": ("a complete reply would also", "완전한 응대라면 추가로"),
    "check.none": ("none", "없음"),
    "check.clean": ("no \"don't say\" found", "하지 말아야 할 말이 없습니다"),
    "check.found": ("{n} \"don't say\" found", "하지 말아야 할 말 {n}개"),
    "prompt.reply": ("Your reply:", "어떻게 답하시겠습니까?"),
    "prompt.reply.phone": ("Your reply on the phone:", "전화로 어떻게 답하시겠습니까?"),
    "prompt.reply.email": ("Which reply do you send?", "어떤 답장을 보내시겠습니까?"),
    "prompt.reply.online": ("Which public reply do you post?", "어떤 답글을 공개로 다시겠습니까?"),
    "prompt.reply.chat": ("Which message do you send?", "어떤 메시지를 보내시겠습니까?"),
    # play --free
    "prompt.type": ("Type your reply (Enter sends):", "직접 답해 보세요 (Enter로 보내기):"),
    "prompt.type.phone": ("Type what you say on the phone (Enter sends):",
                          "전화로 할 말을 입력하세요 (Enter로 보내기):"),
    "prompt.type.email": ("Type your email reply (Enter sends):",
                          "답장을 입력하세요 (Enter로 보내기):"),
    "prompt.type.online": ("Type your public reply (Enter posts):",
                           "공개 답글을 입력하세요 (Enter로 올리기):"),
    "prompt.part": ("Part {k} of {n}: {part}", "{n}개 중 {k}번째: {part}"),
    "compose.start": ("Build your message: pick one line for each of its {n} parts, in order.",
                      "메시지를 완성하세요: {n}개 부분마다 한 줄씩 순서대로 고르세요."),
    "compose.done": ("Your message, as sent:", "보낸 메시지:"),
    "prompt.nearest": ("Which reply is nearest to what you meant?",
                       "하려던 말에 가장 가까운 답은 무엇입니까?"),
    "free.empty": ("Type a reply first (Ctrl-C stops the drill).",
                   "먼저 답을 입력하세요 (Ctrl-C: 연습 중단)."),
    "free.too_long": ("That is more than 2,000 characters; say it in fewer words.",
                      "2,000자가 넘습니다. 더 짧게 말해 보세요."),
    "free.not_utf8": ("The reply has bytes that are not UTF-8; set your terminal to UTF-8 and "
                      "type it again.",
                      "UTF-8이 아닌 글자가 들어 있습니다. 터미널을 UTF-8로 설정하고 "
                      "다시 입력하세요."),
    "free.control": ("The reply has control characters; type plain text.",
                     "제어 문자가 들어 있습니다. 일반 텍스트로 입력하세요."),
    "free.title": ("Your words, checked", "내가 한 말 점검"),
    "free.steps": ("Steps you performed", "수행한 단계"),
    "free.no_steps": ("none of the seven", "7단계 중 없음"),
    "free.taken_as": ("The customer hears it like this reply ({percent}% close):",
                      "고객은 이 답처럼 받아들입니다 (유사도 {percent}%):"),
    "free.not_close": ("Not close enough to any reply here (the nearest is {percent}% close), "
                       "so it is not scored. Pick the one nearest to what you meant.",
                       "여기 있는 어떤 답과도 충분히 가깝지 않아(가장 가까운 답도 유사도 "
                       "{percent}%) 점수에 넣지 않습니다. 하려던 말에 가장 가까운 답을 고르세요."),
    "free.feedback_as": ("How the customer took it", "고객의 반응"),
    "free.about_taken": ("Feedback on the reply your words were taken as (not on your words):",
                         "내 말이 받아들여진 답에 대한 피드백 (내가 쓴 말에 대한 것이 아님):"),
    "free.negates": ("Your reply says the opposite of the nearest reply here, so it is not "
                     "taken as that one:",
                     "내 답은 여기서 가장 가까운 답과 반대되는 말이라 그 답으로 받아들이지 "
                     "않습니다:"),
    "free.pick_nearest": ("Pick the one nearest to what you meant; it is not scored as typed.",
                          "하려던 말에 가장 가까운 답을 고르세요. 쓴 말은 점수에 넣지 않습니다."),
    "debrief.free_title": ("What you wrote, next to the best reply",
                           "내가 쓴 답과 가장 좋은 답"),
    "debrief.wrote": ("You wrote", "쓴 답"),
    "debrief.taken_as": ("Taken as", "받아들여진 답"),
    "debrief.best": ("Best reply", "가장 좋은 답"),
    "debrief.picked": ("You picked", "고른 답"),
    "prompt.replay": ("Play this scenario again?", "이 시나리오를 다시 해 볼까요?"),
    "prompt.hint": ("(arrow keys and Enter, or a number)", "(화살표와 Enter, 또는 숫자)"),
    "mood.changed": ("Mood {before:+d} → {after:+d}", "기분 {before:+d} → {after:+d}"),
    "feedback.dont_say": ("Don't say", "하지 말아야 할 말"),
    "feedback.say_instead": ("Say instead", "이렇게 말하세요"),
    "feedback.good_phrase": ("Good phrasing", "좋은 표현"),
    "feedback.why": ("Why", "이유"),
    "debrief.title": ("Debrief", "디브리핑"),
    "debrief.score": ("Score {score}/100", "점수 {score}/100"),
    "debrief.passed": ("PASSED", "합격"),
    "debrief.failed": ("NOT YET", "불합격"),
    "debrief.pass_mark": ("pass mark {mark}", "합격 기준 {mark}점"),
    "debrief.ending": ("Ending", "결말"),
    "debrief.steps_title": ("The seven steps", "7단계 점검"),
    "debrief.step": ("Step", "단계"),
    "debrief.done_at": ("Done at turn", "수행한 턴"),
    "debrief.status": ("Status", "상태"),
    "debrief.in_order": ("in order", "순서대로"),
    "debrief.early": ("out of order", "순서 어긋남"),
    "debrief.missing": ("missing", "빠짐"),
    "debrief.points_title": ("Where the points came from", "점수 내역"),
    "debrief.points": ("Points", "점수"),
    "debrief.reason": ("Reason", "이유"),
    "debrief.phrases_title": ("Phrases to drop", "버려야 할 표현"),
    "debrief.you_said": ("You said", "한 말"),
    "debrief.weak_title": ("Better choices", "더 나은 선택"),
    "debrief.chose": ("You chose", "고른 답"),
    "debrief.better": ("Better", "더 나은 답"),
    "debrief.no_weak": ("Every choice was among the best available.",
                        "모든 선택이 최선의 선택이었습니다."),
    "debrief.no_phrases": ("No \"don't say\" phrases used.",
                           "하지 말아야 할 말을 한 번도 하지 않았습니다."),
    "debrief.category.steps": ("steps", "단계"),
    "debrief.category.order": ("order", "순서"),
    "debrief.category.language": ("language", "표현"),
    "debrief.category.outcome": ("outcome", "결과"),
    "debrief.category.lessons": ("lessons", "교훈"),
    "debrief.subtotal_lessons": (" · lessons {lessons}", " · 교훈 {lessons}"),
    "debrief.changes_title": ("What to change first", "가장 먼저 바꿀 것"),
    "debrief.at_stake": ("Turn {turn} · up to {points:+d} points",
                         "{turn}턴 · 최대 {points:+d}점"),
    "debrief.lessons_title": ("Lessons", "핵심 교훈"),
    "debrief.critical": ("critical", "필수"),
    "debrief.lesson_broken": ("broken at turn {turn}", "{turn}턴에서 어김"),
    "debrief.lesson_met": ("met at turn {turn}", "{turn}턴에서 지킴"),
    "debrief.lesson_met_taken": ("met at turn {turn} by the reply your words were taken as",
                                 "{turn}턴에서 받아들여진 답이 지킴"),
    "debrief.lesson_broken_taken": ("broken at turn {turn} by the reply your words were taken as",
                                    "{turn}턴에서 받아들여진 답이 어김"),
    "debrief.lesson_open": ("not met", "보여 주지 못함"),
    "debrief.before": ("out of order: before {steps}", "순서 어긋남: {steps}보다 먼저"),
    "debrief.more": ("Every point, the seven steps and every turn: 'cscoach review --details'",
                     "점수 내역·7단계·모든 턴: 'cscoach review --details'"),
    "debrief.more_play": ("Every point, the seven steps and every turn: play with --details",
                          "점수 내역·7단계·모든 턴: --details 를 붙여 실행하세요"),
    "debrief.more_review": ("Every point, the seven steps and every turn: add --details",
                            "점수 내역·7단계·모든 턴: --details 를 붙이세요"),
    "lang.ko": ("Korean", "한국어"),
    "lang.en": ("English", "영어"),
    "review.title": ("Your last drill: {title}, {when} ({played})",
                     "지난 연습: {title}, {when} ({played})"),
    "review.changed": ("The scenario has changed since this drill (version {then}, now {now}); "
                       "it was replayed on the current one.",
                       "이 연습 뒤에 시나리오가 바뀌었습니다(버전 {then}, 현재 {now}). 현재 "
                       "시나리오로 다시 재생했습니다."),
    "review.rescored_lang": ("Recorded score {then}; with the phrases of the {language} text: "
                             "{now}.", "기록된 점수 {then}점, {language} 문장의 표현으로 "
                             "채점하면 {now}점입니다."),
    "review.rescored": ("Recorded score {then}; scored again now: {now}.",
                        "기록된 점수 {then}점, 지금 다시 채점하면 {now}점입니다."),
    "debrief.subtotals": ("steps {steps} · order {order} · language {language} · outcome {outcome}",
                          "단계 {steps} · 순서 {order} · 표현 {language} · 결과 {outcome}"),
    "list.title": ("Scenarios", "시나리오"),
    "list.hint": ("Start one with: cscoach play <ID>", "시작하려면: cscoach play <ID>"),
    "list.from": ("From", "출처"),
    "hist.version": ("version {n} since {date}", "버전 {n} ({date}부터)"),
    "hist.pack": ("pack {name}", "팩 {name}"),
    "list.shipped": ("shipped", "기본 제공"),
    "new.in_shipped": ("the shipped library", "기본 제공 라이브러리"),
    "new.in_pack": ("content pack '{name}'", "콘텐츠 팩 '{name}'"),
    "new.taken": ("the id '{id}' is taken by {where} ({origin}); pick another id",
                  "'{id}'는 이미 {where}({origin})에서 쓰는 id입니다. 다른 id를 고르세요"),
    "error.no_terminal_free": (
        "--free needs an interactive terminal to type replies in; to check written replies "
        "without one, use 'cscoach check FILE'",
        "--free 는 답을 입력할 대화형 터미널이 필요합니다. 터미널 없이 써 둔 답을 점검하려면 "
        "'cscoach check 파일'을 쓰세요",
    ),
    "error.no_terminal": (
        "no terminal to ask in; pass the choices with --answers (e.g. --answers 1,2,1) "
        "or run in an interactive terminal",
        "선택을 물어볼 터미널이 없습니다. --answers 로 선택을 지정하세요(예: --answers 1,2,1). "
        "또는 대화형 터미널에서 실행하세요",
    ),
    # authoring: stats, autoplay, new
    "stats.title": ("Scenario statistics", "시나리오 통계"),
    "stats.nodes": ("Nodes", "지점"),
    "stats.choices": ("Replies", "선택지"),
    "stats.endings": ("Endings\ng/p/b", "결말\n좋/반/나"),
    "stats.card_size": ("{nodes} decision points · {choices} replies · endings {good} good, "
                        "{partial} partial, {bad} bad · {traps} traps",
                        "선택 지점 {nodes}개 · 선택지 {choices}개 · 결말 좋음 {good}, 절반 "
                        "{partial}, 나쁨 {bad} · 함정 {traps}개"),
    "stats.card_words": ("{ko:,} words in Korean, {en:,} in English · {paths:,} paths",
                         "한국어 {ko:,}어절, 영어 {en:,}단어 · 경로 {paths:,}개"),
    "stats.words": ("Words\nko/en", "어절·단어\nko/en"),
    "stats.traps": ("Traps", "함정"),
    "stats.paths": ("Paths", "경로"),
    "stats.bounds": ("≤ ≥: a bound; the best/worst search stopped at its budget (cscoach "
                     "validate names it)", "≤ ≥: 한계값입니다. 최고·최저 탐색이 예산에서 멈췄습니다"
                     "(cscoach validate가 알려 줍니다)"),
    "stats.best": ("Best", "최고"),
    "stats.worst": ("Worst", "최저"),
    "stats.best_steps": ("Steps on the best path", "최고 경로의 단계"),
    "stats.best_steps_short": ("Best path", "최고 경로"),
    "stats.card_state": ("{facts} facts · {lessons} lessons ({critical} critical) · {variants} "
                         "variants · {routes} routes · {compose} compose turn(s)",
                         "사실 {facts}개 · 교훈 {lessons}개 (핵심 {critical}) · "
                         "변형 {variants}개 · 갈림길 {routes}개 · 작성 턴 {compose}개"),
    "stats.facts": ("Facts", "사실"),
    "stats.lessons": ("Lessons\n(critical)", "교훈\n(핵심)"),
    "stats.variants": ("Variants", "변형"),
    "stats.routes": ("Routes", "갈림길"),
    "stats.compose": ("Compose", "작성 턴"),
    "stats.why_best": ("Best path: {score} · --answers {answers}",
                       "최고 경로: {score}점 · --answers {answers}"),
    "stats.why_worst": ("Worst path: {score} · --answers {answers}",
                        "최저 경로: {score}점 · --answers {answers}"),
    "stats.ending": ("ending {ending} ({outcome}) · final mood {mood:+d}",
                     "결말 {ending} ({outcome}) · 마지막 기분 {mood:+d}"),
    "stats.points": ("points", "점수"),
    "stats.at_turn": ("turn {n}", "{n}번째 응답"),
    "stats.lost": ("{lost} points lost:", "잃은 점수 {lost}점:"),
    "stats.lost_clamped": ("{lost} points lost (the score stops at 0):",
                           "잃은 점수 {lost}점 (점수는 0점 아래로 내려가지 않습니다):"),
    "stats.nothing_lost": ("no point lost", "잃은 점수 없음"),
    "state.facts": ("facts set", "참인 사실"),
    "state.met": ("lessons met", "지킨 교훈"),
    "state.broken": ("lessons broken", "어긴 교훈"),
    "state.none": ("none", "없음"),
    "state.critical": ("critical", "핵심"),
    "category.steps": ("steps", "단계"),
    "category.order": ("order", "순서"),
    "category.language": ("language", "말하기"),
    "category.outcome": ("outcome", "결과"),
    "category.lessons": ("lessons", "교훈"),
    "explain.credit": ("\"say instead\" credit +{got} of +{most}",
                       "권장 표현 점수 +{most}점 중 +{got}점"),
    "explain.ending": ("ending: {title} ({outcome}); a good ending gives +{most}",
                       "결말: {title} ({outcome}), 좋은 결말이면 +{most}점"),
    "explain.mood": ("customer's final mood {mood:+d} (the most is {most:+d})",
                     "고객의 마지막 기분 {mood:+d} (최고 {most:+d})"),
    "autoplay.random": ("{runs} random playthroughs (seed {seed})",
                        "무작위 플레이 {runs}회 (시드 {seed})"),
    "autoplay.exhaustive": ("every path: {runs} playthroughs", "모든 경로: {runs}회 플레이"),
    "autoplay.bounds": ("best and worst are bounds: the search stopped at its budget (best at "
                        "most, worst at least; the answers shown are real paths)",
                        "최고·최저 점수는 한계값입니다. 탐색이 예산에서 멈췄습니다(최고는 이 이하, "
                        "최저는 이 이상이며, 보인 답은 실제 경로입니다)"),
    "autoplay.incomplete_walk": ("the walk stopped at {runs} paths (--limit)",
                                 "경로 {runs}개에서 멈췄습니다(--limit)"),
    "autoplay.incomplete": ("the walk stopped at {runs} paths (--limit); best and worst are "
                            "still exact", "경로 {runs}개에서 멈췄습니다(--limit). 최고·최저 "
                            "점수는 그래도 정확합니다"),
    "autoplay.unfinished": ("{n} run(s) went round a loop for {turns} turns and were dropped",
                            "{n}회는 고리를 {turns}턴 동안 돌아서 제외했습니다"),
    "autoplay.scores": ("Scores", "점수 분포"),
    "autoplay.summary": ("mean {mean:.1f} · median {median} · min {min} · max {max} · "
                         "pass rate {rate:.0%} (pass mark {mark})",
                         "평균 {mean:.1f} · 중앙값 {median} · 최저 {min} · 최고 {max} · "
                         "합격률 {rate:.0%} (합격 기준 {mark})"),
    "autoplay.nodes": ("How often each point and reply came up",
                       "선택 지점과 선택지가 나온 횟수"),
    "autoplay.node": ("Point", "선택 지점"),
    "autoplay.hits": ("Visits", "방문"),
    "autoplay.reached": ("Reached", "도달"),
    "autoplay.replies": ("Replies picked (1, 2, 3 ...)", "고른 답 (1, 2, 3 ...)"),
    "autoplay.endings": ("Endings reached", "도달한 결말"),
    "autoplay.best_path": ("best path: {score} points, replay with --answers {answers}",
                           "최고 경로: {score}점, --answers {answers} 로 다시 해 보기"),
    "autoplay.worst_path": ("worst path: {score} points, replay with --answers {answers}",
                            "최저 경로: {score}점, --answers {answers} 로 다시 해 보기"),
    "autoplay.never": ("never reached", "한 번도 도달하지 않음"),
    "autoplay.per_path": ("Every path: what it ends holding",
                          "경로마다 끝에 남는 것"),
    "autoplay.states": ("Paths by what they end holding (facts true, lessons met ✓ / broken ✗)",
                        "끝에 남는 것(참인 사실, 지킨 교훈 ✓ / 어긴 교훈 ✗)별 경로"),
    "autoplay.states_runs": ("Runs by what they end holding (facts true, lessons met ✓ / "
                             "broken ✗)", "끝에 남는 것(참인 사실, 지킨 교훈 ✓ / 어긴 교훈 ✗)별 "
                             "플레이"),
    "autoplay.more_states": ("and {n} more (all in --json)", "그 밖에 {n}가지 (--json에 전부)"),
    "autoplay.at_end": ("Facts at the end", "끝에 참인 사실"),
    "state.no_facts": ("no fact true", "참인 사실 없음"),
    "autoplay.lessons": ("Lessons", "교훈"),
    "autoplay.runs": ("Runs", "플레이"),
    "paths.count": ("Paths", "경로"),
    "autoplay.score": ("Score", "점수"),
    "autoplay.replay": ("Best path", "최고 경로"),
    "autoplay.lesson_paths": ("Each lesson: paths that meet and break it",
                              "교훈마다 지킨 경로와 어긴 경로"),
    "autoplay.lessons_runs": ("Each lesson: runs that meet and break it",
                              "교훈마다 지킨 플레이와 어긴 플레이"),
    "autoplay.lesson": ("Lesson", "교훈"),
    "autoplay.met": ("Met", "지킴"),
    "autoplay.broken": ("Broken", "어김"),
    "autoplay.broken_best": ("Best score when broken", "어겼을 때 최고 점수"),
    "autoplay.all_fail": ("all fail", "모두 불합격"),
    "autoplay.some_pass": ("{n} pass", "{n}개 합격"),
    "autoplay.facts": ("Each fact: paths that end with it true",
                       "사실마다 끝에 참인 경로"),
    "autoplay.facts_runs": ("Each fact: runs that end with it true",
                            "사실마다 끝에 참인 플레이"),
    "autoplay.true_at_end": ("True at the end", "끝에 참"),
    # graph: the marks on arrows and boxes, and the legend
    "graph.parts": ("{parts} parts ({messages} messages)",
                    "{parts}개 부분 (메시지 {messages}가지)"),
    "graph.otherwise": ("otherwise", "그 밖"),
    "graph.or": (" or ", " 또는 "),
    "graph.says_variants": ("says ×{n}", "대사 ×{n}"),
    "graph.narration_variants": ("narration ×{n}", "지문 ×{n}"),
    "graph.compose": ("compose turn: {n} parts", "작성 턴: {n}개 부분"),
    "graph.some_line": ("a line: {what}", "어떤 줄: {what}"),
    "graph.require": ("requires {facts}", "필요한 사실: {facts}"),
    "graph.no_step": ("no step", "단계 없음"),
    "graph.legend_trap": ("{mark} trap: a \"don't say\" (dashed)",
                          "{mark} 함정: 하지 말아야 할 말 (점선)"),
    "graph.legend_route": ("[condition]: the reply leads here when it holds ([{otherwise}]: "
                           "when none before does)",
                           "[조건]: 조건이 맞으면 이쪽으로 ([{otherwise}]: 앞의 조건이 모두 "
                           "맞지 않을 때)"),
    "graph.legend_facts": ("+fact / -fact: the reply makes the fact true / false",
                           "+사실 / -사실: 이 응답으로 사실이 참 / 거짓이 됨"),
    "graph.legend_broken": ("{mark} lesson: the reply breaks it (red)",
                            "{mark} 교훈: 이 응답이 교훈을 어김 (빨강)"),
    "graph.legend_variants": ("{mark} says ×n, narration ×n: variants, the line depends on what "
                              "was said (dashed border)", "{mark} 대사 ×n, 지문 ×n: 변형, 앞에서 "
                              "한 말에 따라 달라짐 (점선 테두리)"),
    "graph.legend_compose": ("{mark} compose turn: one message from parts, one arrow per place "
                             "it leads; \"a line\": what one of its lines sets or breaks",
                             "{mark} 작성 턴: 여러 부분을 골라 메시지 하나, 가는 곳마다 화살표 "
                             "하나. \"어떤 줄\": 그 안의 한 줄이 바꾸는 사실, 어기는 교훈"),
    "graph.legend_require": ("requires: facts a path must have made true to end here",
                             "필요한 사실: 이 결말에 오려면 참이어야 하는 사실"),
    "graph.unreachable": ("unreachable", "도달할 수 없음"),
    "graph.legend_unreachable": ("{mark} unreachable: no path from the start leads here "
                                 "(dotted, grey)",
                                 "{mark} 도달할 수 없음: 시작에서 이곳으로 오는 길이 없음 "
                                 "(점선, 회색)"),
    "graph.legend_start": ("thick border: the start", "굵은 테두리: 시작"),
    "graph.legend_ending": ("ending: {outcome}", "결말: {outcome}"),
    "graph.no_cjk_font": ("{out}: no Korean (CJK) font found by 'fc-list :lang=ko', so its "
                          "Korean labels may show as empty boxes; install one, e.g. on Debian "
                          "or Ubuntu: sudo apt-get install fonts-noto-cjk (or fonts-nanum)",
                          "{out}: 'fc-list :lang=ko'로 찾은 한글(CJK) 글꼴이 없어 한글 글자가 "
                          "빈 네모로 보일 수 있습니다. 글꼴을 설치하세요. 예: Debian·Ubuntu에서 "
                          "sudo apt-get install fonts-noto-cjk (또는 fonts-nanum)"),
    "graph.no_fc_list": ("{out}: cannot check for a Korean (CJK) font: 'fc-list' (fontconfig) "
                         "is not installed; without such a font the Korean labels show as "
                         "empty boxes (on Debian or Ubuntu: sudo apt-get install fontconfig "
                         "fonts-noto-cjk)",
                         "{out}: 한글(CJK) 글꼴이 있는지 확인할 수 없습니다: 'fc-list'"
                         "(fontconfig)가 설치되어 있지 않습니다. 한글 글꼴이 없으면 한글 글자가 "
                         "빈 네모로 보입니다 (Debian·Ubuntu: sudo apt-get install fontconfig "
                         "fonts-noto-cjk)"),
    "new.id": ("Scenario id (lowercase letters, digits and -, e.g. late-delivery):",
               "시나리오 ID (영문 소문자·숫자·-, 예: late-delivery):"),
    "new.title_en": ("Title in English:", "영어 제목:"),
    "new.title_ko": ("Title in Korean:", "한국어 제목:"),
    "new.persona_en": ("How the trainee addresses the customer, in English (e.g. Ms Kim):",
                       "고객 호칭, 영어로 (예: Ms Kim):"),
    "new.persona_ko": ("The same in Korean (e.g. 김 고객님):",
                       "고객 호칭, 한국어로 (예: 김 고객님):"),
    "new.channel": ("Channel of the complaint:", "불만이 들어온 채널:"),
    "new.bad_id": ("use lowercase letters, digits, '-' or '_', starting with a letter or digit",
                   "영문 소문자, 숫자, '-', '_'만 쓰고 글자나 숫자로 시작하세요"),
    "new.long_id": ("too long for a file name (ID.yaml): at most {most} characters",
                    "파일 이름(ID.yaml)으로 쓰기에 너무 깁니다: 최대 {most}자"),
    "new.empty": ("please type something", "내용을 입력하세요"),
    "new.written": ("Wrote {path} (it validates). Next:",
                    "{path} 파일을 만들었습니다(검증 통과). 다음:"),
    "new.exists": ("{path} already exists; pass --force to overwrite it, or --out for another "
                   "file", "{path} 파일이 이미 있습니다. 덮어쓰려면 --force, 다른 파일은 --out"),
    "new.missing": ("no terminal to ask in; give {flags}",
                    "물어볼 터미널이 없습니다. {flags} 옵션을 주세요"),
    # quiz
    "quiz.title": ("Quiz: {count} questions", "퀴즈: {count}문제"),
    "quiz.teams": ("Teams: {teams}", "팀: {teams}"),
    "quiz.timer": ("{seconds} seconds per answer", "답마다 {seconds}초"),
    "quiz.question": ("Question {number}/{count}", "문제 {number}/{count}"),
    "quiz.topic.steps": ("the seven steps", "7단계"),
    "quiz.topic.phrasebook": ("what to say", "할 말과 하지 말아야 할 말"),
    "quiz.topic.customer-types": ("customer types", "고객 유형"),
    "quiz.topic.channels": ("complaint channels", "불만 채널"),
    "quiz.topic.pr-clients": ("PR clients", "홍보 고객"),
    "quiz.topic.principles": ("principles", "응대 원칙"),
    "quiz.topic.ideas": ("key ideas", "핵심 개념"),
    "quiz.topic.facts": ("facts and figures", "숫자와 사실"),
    "quiz.your_answer": ("Your answer:", "답을 고르세요:"),
    "quiz.team_answer": ("Team {team}, your answer:", "{team} 팀, 답을 고르세요:"),
    "quiz.order_pick": ("Item {n} of {total} (what comes next?):",
                        "{total}개 중 {n}번째 (다음에 올 것은?):"),
    "quiz.clock": ("⏱ {left}s left", "⏱ {left}초 남음"),
    "quiz.right": ("Right!", "정답!"),
    "quiz.wrong": ("Not quite.", "아쉽네요."),
    "quiz.timeout": ("Time's up.", "시간 초과."),
    "quiz.answer_is": ("The answer: {answer}", "정답: {answer}"),
    "quiz.locked": ("Answer locked in.", "답을 제출했습니다."),
    "quiz.timeout_team": ("Time's up, no answer.", "시간 초과, 답 없음."),
    "quiz.keys": ("Keys: Enter goes on (the next team's question, the answer, the leaderboard) "
                  "· p pauses the clock and starts it again · Ctrl-C ends the quiz, keeping the "
                  "answers so far",
                  "키: Enter 다음으로(다음 팀의 문제, 정답, 순위표) · p 시계 멈춤/다시 시작 · "
                  "Ctrl-C 퀴즈 끝내기(지금까지의 답은 남습니다)"),
    "quiz.keys_untimed": ("Keys: Enter goes on (the next team's question, the answer, the "
                          "leaderboard) · Ctrl-C ends the quiz, keeping the answers so far",
                          "키: Enter 다음으로(다음 팀의 문제, 정답, 순위표) · Ctrl-C 퀴즈 "
                          "끝내기(지금까지의 답은 남습니다)"),
    "quiz.turn": ("Question {number}/{count}, team {team}'s turn: press Enter to show the "
                  "question (its clock starts then)",
                  "문제 {number}/{count}, {team} 팀 차례: Enter를 누르면 문제가 나오고 그때부터 "
                  "시간이 갑니다"),
    "quiz.reveal_key": ("Every team has answered. Press Enter to reveal the answer.",
                        "모든 팀이 답했습니다. Enter를 누르면 정답이 나옵니다."),
    "quiz.leaderboard_key": ("Press Enter for the leaderboard.",
                             "Enter를 누르면 순위표가 나옵니다."),
    "quiz.final_key": ("Press Enter for the final leaderboard.",
                       "Enter를 누르면 최종 순위표가 나옵니다."),
    "quiz.next_key": ("Press Enter for the next question.", "Enter를 누르면 다음 문제로 갑니다."),
    "quiz.keys_wrong": ("Only Enter works here: press Enter to go on, or Ctrl-C to end the quiz.",
                        "여기서는 Enter만 됩니다: Enter를 누르면 계속하고, Ctrl-C를 누르면 퀴즈를 "
                        "끝냅니다."),
    "quiz.paused": ("⏸ Paused: the clock stands still; press p to start it again",
                    "⏸ 멈춤: 시계가 멈췄습니다. p를 누르면 다시 갑니다"),
    "quiz.hint_pause": ("(arrow keys and Enter, or a number; p pauses the clock)",
                        "(화살표와 Enter, 또는 숫자 · p 시계 멈춤)"),
    "quiz.points": ("+{points} points", "+{points}점"),
    "quiz.streak": ("streak ×{streak}", "연속 정답 ×{streak}"),
    "quiz.leaderboard": ("Leaderboard", "순위표"),
    "quiz.rank": ("#", "순위"),
    "quiz.team": ("Team", "팀"),
    "quiz.correct": ("Right", "정답 수"),
    "quiz.score": ("Points", "점수"),
    "quiz.podium": ("Podium", "시상대"),
    "quiz.solo_final": ("You answered {correct} of {count} right: {points} points.",
                        "{count}문제 중 {correct}문제 정답, {points}점입니다."),
    "quiz.source": ("source", "출처"),
    "history.saved": ("Saved to {trainee}'s history - see 'cscoach progress'.",
                      "{trainee}님의 기록에 저장했습니다 - 'cscoach progress'로 확인하세요."),
    "history.saved_teams": ("Saved to each team's history ({teams}) - see 'cscoach progress'.",
                            "팀마다 기록에 저장했습니다(팀: {teams}) - 'cscoach progress'로 "
                            "확인하세요."),
    "hist.progress_title": ("Progress of {trainee}", "{trainee}님의 진도"),
    "hist.none": ("No attempts recorded for {trainee} yet. Play one: cscoach play {example}",
                  "{trainee}님의 기록이 아직 없습니다. 먼저 해 보세요: cscoach play {example}"),
    "hist.totals": ("{attempts} finished drill(s), {passed} passed, {abandoned} abandoned, "
                    "{quizzes} quiz(zes)",
                    "완료한 훈련 {attempts}회, 합격 {passed}회, 중단 {abandoned}회, "
                    "퀴즈 {quizzes}회"),
    "hist.trend": ("Scores over time", "점수 추이"),
    "hist.first_latest": ("first {first} · best {best} · latest {latest} ({change:+d})",
                          "처음 {first}점 · 최고 {best}점 · 최근 {latest}점 ({change:+d})"),
    "hist.scenarios": ("Scenarios", "시나리오"),
    "hist.attempts": ("Tries", "횟수"),
    "hist.best": ("Best", "최고"),
    "hist.last": ("Last", "최근"),
    "hist.first": ("First", "처음"),
    "hist.trend_col": ("Trend", "추이"),
    "hist.steps": ("Skill per step (recent attempts count most)",
                   "단계별 실력 (최근 기록일수록 크게 반영)"),
    "hist.level": ("Level", "수준"),
    "hist.dont_say": ("\"Don't say\" phrases", "하지 말아야 할 말"),
    "hist.still": ("still using: {uses} time(s) in your last drills",
                   "아직 쓰고 있음: 최근 훈련에서 {uses}번"),
    "hist.fixed": ("fixed: not said in the {chances} drills since {when} that gave the chance",
                   "고쳤음: {when} 이후 말할 기회가 있던 훈련 {chances}번에서 쓰지 않음"),
    "hist.unsure": ("not said since {when}, but only {chances} of the {need} drills that "
                    "prove it fixed gave the chance",
                    "{when} 이후 쓰지 않았지만, 고쳤다고 보려면 말할 기회가 있는 훈련이 "
                    "{need}번 필요한데 {chances}번뿐입니다"),
    "hist.no_dont_say": ("No \"don't say\" phrases used. Well done.",
                         "하지 말아야 할 말을 쓰지 않았습니다. 잘하셨습니다."),
    "hist.quiz": ("Quiz: {right}/{answered} right", "퀴즈: {answered}문제 중 {right}문제 정답"),
    "hist.next": ("What to practise next: cscoach drill", "다음에 연습할 것: cscoach drill"),
    "drill.title": ("Next drill for {trainee}: {title}", "{trainee}님의 다음 훈련: {title}"),
    "drill.why": ("Why this one", "고른 이유"),
    "drill.schedule": ("Schedule (FSRS spaced repetition)", "복습 일정 (FSRS 간격 반복)"),
    "drill.due": ("Due", "복습일"),
    "drill.recall": ("Recall", "기억률"),
    "drill.priority": ("Priority", "우선순위"),
    "drill.new": ("new", "새 시나리오"),
    "drill.now": ("now", "지금"),
    "drill.failed": ("failed", "불합격"),
    "drill.in_days": ("in {days} d", "{days}일 뒤"),
    "drill.start": ("Start it now?", "지금 시작할까요?"),
    "drill.run": ("Start it with: cscoach play {id}", "시작하려면: cscoach play {id}"),
    "report.trainee": ("Trainee", "교육생"),
    "report.drills": ("Drills", "훈련"),
    "report.mean": ("Mean", "평균"),
    "report.pass": ("Passed", "합격률"),
    "report.trainees": ("Trainees", "교육생 수"),
    "report.where": ("Scenario / decision", "시나리오 / 선택 지점"),
    "report.trapped": ("Trapped", "함정 선택"),
    "report.trainees_trapped": ("{n} of {of} trainees", "{of}명 중 {n}명"),
    "report.top_trap": ("Trap picked most", "가장 많이 고른 함정"),
    "report.no_traps": ("Nobody fell into a trap.", "함정에 빠진 사람이 없습니다."),
    "html.title": ("cscoach: the team's report", "cscoach 팀 보고서"),
    "html.period": ("Drills finished from {first} to {last} (UTC)",
                    "{first}부터 {last}까지 마친 훈련 (UTC)"),
    "html.attempts": ("Attempts", "시도"),
    "html.scores": ("Scores over time, per trainee", "교육생별 점수 추이"),
    "html.when": ("finished (UTC); filled dot: passed, hollow: failed; a dot is a drill, or the "
                  "mean of a trainee's drills in one hundredth of the period",
                  "마친 시각 (UTC) · 채운 점: 합격, 빈 점: 불합격 · 점 하나는 훈련 하나, 또는 "
                  "기간의 100분의 1 안에 마친 훈련들의 평균"),
    "html.point": ("{trainee} · {when} · {score} ({drills} drill(s), {passed} passed)",
                   "{trainee} · {when} · {score}점 (훈련 {drills}회, 합격 {passed}회)"),
    "html.steps": ("The seven steps per trainee (level %)", "교육생별 일곱 단계 수준 (%)"),
    "html.hardest": ("Hardest choices (share of visits that ended in a trap)",
                     "가장 어려운 선택 (함정으로 끝난 비율)"),
    "html.pass": ("Pass rates by scenario", "시나리오별 합격률"),
    "html.pass_line": ("{scenario}: {passed} of {attempts} passed, mean {mean}",
                       "{scenario}: {attempts}회 중 {passed}회 합격, 평균 {mean}"),
    "html.version": ("version {n}", "버전 {n}"),
    "html.team": ("the team's mean", "팀 평균"),
    "html.each": ("each of {n} trainees", "교육생 {n}명 각각"),
    "html.no_drills": ("No finished drills.", "마친 훈련이 없습니다."),
    "html.footer": ("made with 'cscoach report --format html'; nothing on this page is "
                    "fetched from the network",
                    "'cscoach report --format html'로 만든 페이지로, 네트워크에서 아무것도 "
                    "불러오지 않습니다"),
    "report.partial": ("PARTIAL REPORT: only what the LRS gave before this: {reason}",
                       "부분 보고서: LRS가 다음 문제 전에 보낸 기록만 집계했습니다: {reason}"),
    "quiz.saved": ("Results written to {path}", "결과를 {path}에 저장했습니다"),
    "quiz.no_questions": ("no questions for topic(s) {topics}",
                          "주제 {topics}에 해당하는 문제가 없습니다"),
    # quiz host / quiz join (the live classroom)
    "live.title": ("Live quiz: {count} questions", "실시간 퀴즈: {count}문제"),
    "live.code": ("Join code: {code}", "참가 코드: {code}"),
    "live.address": ("Address: {address}", "주소: {address}"),
    "live.join_with": ("Each trainee runs: cscoach quiz join {address} --code {code} --name NAME",
                       "참가자는 각자 실행: cscoach quiz join {address} --code {code} --name 이름"),
    "live.starts_at": ("Starts by itself when {players} players have joined.",
                       "{players}명이 참가하면 자동으로 시작합니다."),
    "live.keys": ("Keys: n start/next · p pause · s skip · e end · r remove a player · "
                  "Ctrl-C stop",
                  "키: n 시작/다음 · p 일시정지 · s 건너뛰기 · e 끝내기 · r 참가자 내보내기 · "
                  "Ctrl-C 중지"),
    "live.wrong_key": ("'{pressed}' does nothing here; the keys are n, p, s, e and r.",
                       "'{pressed}' 키는 여기서 쓰이지 않습니다. n, p, s, e, r 키를 쓰세요."),
    "live.joined": ("+ {name} joined ({players} in the room)",
                    "+ {name} 님이 참가했습니다 (현재 {players}명)"),
    "live.rejoined": ("↺ {name} is back; their score is kept ({players} in the room)",
                      "↺ {name} 님이 다시 들어왔습니다. 점수는 그대로입니다 (현재 {players}명)"),
    "live.left": ("- {name} dropped out; they can rejoin with the same name ({players} in the "
                  "room)",
                  "- {name} 님의 연결이 끊겼습니다. 같은 이름으로 다시 들어올 수 있습니다 "
                  "(현재 {players}명)"),
    "live.removed": ("- {name} was removed from the game ({players} in the room)",
                     "- {name} 님을 게임에서 내보냈습니다 (현재 {players}명)"),
    "live.refused": ("✗ a join from {address} was refused: {reason}",
                     "✗ {address}의 참가 요청을 거절했습니다: {reason}"),
    "live.reason.wrong_code": ("wrong code", "잘못된 코드"),
    "live.reason.expired": ("the game has ended", "게임이 끝났음"),
    "live.reason.name_taken": ("name already playing", "이미 참가 중인 이름"),
    "live.reason.bad_name": ("name not usable", "쓸 수 없는 이름"),
    "live.reason.room_full": ("the game is full", "정원 초과"),
    "live.reason.removed": ("removed by the host", "진행자가 내보낸 참가자"),
    "live.reason.no_team": ("no such team", "없는 팀"),
    "live.waiting": ("Waiting for {players} answer(s)…", "답 {players}개를 기다리는 중…"),
    "live.answered": ("✓ answered: {names} ({done}/{players})",
                      "✓ 답함: {names} ({done}/{players})"),
    "live.skipped": ("Question {number} was skipped: it counts for nobody.",
                     "{number}번 문제는 건너뛰었습니다. 아무도 점수를 받지 않습니다."),
    "live.next_hint": ("n: next question", "n: 다음 문제"),
    "live.paused_host": ("⏸ Paused: the clock stands still. p goes on.",
                         "⏸ 일시정지: 시간이 멈췄습니다. p를 누르면 계속합니다."),
    "live.paused_player": ("⏸ The host paused the game; the clock stands still.",
                           "⏸ 진행자가 게임을 멈췄습니다. 시간도 멈춰 있습니다."),
    "live.resumed": ("▶ The game goes on.", "▶ 게임을 계속합니다."),
    "live.over.finished": ("The game is over.", "게임이 끝났습니다."),
    "live.over.ended": ("The host ended the game.", "진행자가 게임을 끝냈습니다."),
    "live.over.stopped": ("The host stopped the game.", "진행자가 게임을 중지했습니다."),
    "live.final": ("Final standings", "최종 순위"),
    "live.player": ("Player", "참가자"),
    "live.players": ("Players", "인원"),
    "live.team_totals": ("Team totals", "팀 합계"),
    "live.offline": ("offline", "연결 끊김"),
    "live.nobody": ("Nobody to remove.", "내보낼 참가자가 없습니다."),
    "live.remove_which": ("Type the player's number and Enter (Esc: cancel):",
                          "내보낼 참가자 번호를 입력하고 Enter (Esc: 취소):"),
    "live.no_such_player": ("No player {number}.", "{number}번 참가자는 없습니다."),
    "live.welcome": ("Joined as {name}: {count} questions.",
                     "참가했습니다 (이름: {name}). 모두 {count}문제입니다."),
    "live.back": ("Back in as {name}: your {points} points are kept.",
                  "다시 들어왔습니다 (이름: {name}). {points}점은 그대로입니다."),
    "live.wait_start": ("Waiting for the host to start…", "진행자가 시작하기를 기다리는 중…"),
    "live.no_teams": ("This game is played without teams: --team {team} is not used, you "
                      "play for yourself.",
                      "이 게임은 팀 없이 진행됩니다. --team {team} 설정은 쓰이지 않고 개인으로 "
                      "참가합니다."),
    "live.late": ("The game is under way: you play from question {number}.",
                  "게임이 진행 중입니다: {number}번 문제부터 참여합니다."),
    "live.lobby": ("In the room: {players}", "참가자: {players}"),
    "live.locked": ("Answer locked in; waiting for the others…",
                    "답을 제출했습니다. 다른 참가자를 기다리는 중…"),
    "live.too_late": ("That answer came too late to count.",
                      "답이 늦게 도착해 인정되지 않았습니다."),
    "live.standing": ("You are #{rank} with {points} points.", "현재 {rank}위, {points}점입니다."),
    "live.final_you": ("You finished #{rank} of {players}: {correct} of {count} right, "
                       "{points} points.",
                       "최종 {players}명 중 {rank}위: {count}문제 중 {correct}문제 정답, "
                       "{points}점."),
    "live.reconnecting": ("Connection lost; reconnecting…", "연결이 끊겼습니다. 다시 연결하는 중…"),
    "live.order_right": ("in the right order", "올바른 순서"),
    "live.order_wrong": ("another order", "다른 순서"),
    "interrupted": ("interrupted", "중단되었습니다"),
    "stopped": ("stopped by {signal}; a drill under way was kept as abandoned",
                "{signal} 신호로 멈췄습니다. 하던 연습은 중단된 기록으로 남겼습니다"),
    "bye": ("See you next drill.", "다음 연습에서 만나요."),
}

MOOD_LABELS: dict[int, tuple[str, str]] = {
    -5: ("furious", "격분"),
    -4: ("angry", "화남"),
    -3: ("upset", "언짢음"),
    -2: ("irritated", "짜증"),
    -1: ("uneasy", "불편함"),
    0: ("neutral", "보통"),
    1: ("softening", "누그러짐"),
    2: ("calm", "차분함"),
    3: ("satisfied", "만족"),
    4: ("pleased", "기쁨"),
    5: ("delighted", "아주 기쁨"),
}


# The final consonant of a digit read in Korean (일, 삼, 육, 칠, 팔 and 영 end in one).
_DIGIT_FINAL = {"0": 21, "1": 8, "3": 16, "6": 1, "7": 8, "8": 8}


def particle(word: str, after_consonant: str, after_vowel: str) -> str:
    """The Korean particle that follows `word`: 은/는, 이/가, 을/를, 과/와, 으로/로 (ㄹ takes
    로 as a vowel does), chosen by the final consonant of the word's last syllable."""
    last = word.rstrip(" '\"”’)]").strip()[-1:] or "가"
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
    else:
        final = _DIGIT_FINAL.get(last, 0)
    if final == 0 or (final == 8 and after_consonant == "으로"):
        return after_vowel
    return after_consonant


def tr(lang: Lang, key: str, **values: object) -> str:
    en, ko = MESSAGES[key]
    text = ko if lang == "ko" else en
    return text.format(**values) if values else text


def tr_for(lang: Lang, key: str, variant: str) -> str:
    """`key.variant` when there is such a message (e.g. a channel's own wording), else `key`."""
    return tr(lang, f"{key}.{variant}" if f"{key}.{variant}" in MESSAGES else key)


def mood_label(lang: Lang, mood: int) -> str:
    en, ko = MOOD_LABELS[max(min(MOOD_LABELS), min(max(MOOD_LABELS), mood))]
    return ko if lang == "ko" else en


def default_lang(environ: dict[str, str] | None = None) -> Lang:
    """`CSCOACH_LANG`, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    env = os.environ if environ is None else environ
    explicit = env.get("CSCOACH_LANG", "").lower()
    if explicit in ("ko", "en"):
        return explicit  # type: ignore[return-value]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"
