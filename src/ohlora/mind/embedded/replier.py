"""Embedded persona replier: her answers, from what the message is understood to be.

It serves the reply role like the fine-tuned model: it reads the role input (memory or previous
summary, time tag, user words), picks an answer in Oh-LoRA's voice and returns it with the end
marker. Its sources, by what the message is: what the user told her (recall questions), the
situations written for her (`situations.py`: news, feelings, plans, asks), her dialogue corpus
(questions about her, social moves) and templates filled from the message (`responses.py`). Eligibility follows the entry's conditions (follow-up context, remembered fact, day and
day part); when the ethics judge flags the message (`RoleInput.flagged`, scored once per turn by
the pipeline), the matching refusal entries get a bonus (not an exclusive right: a greeting the judge mistakes for a confession still finds the
greeting when it matches it well, and so is not refused, nor sanctioned through the cue words).
Each turn draws a fresh random order of good candidates, so answers vary; later trials of the
same input take the next candidate, so a rejected answer is not offered again. What she said
lately is remembered per user (one user's conversation never changes another's answers).
"""

from __future__ import annotations

import math
import random
import re
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ohlora.embedding.base import Embedder
from ohlora.mind.base import Generation, GenerationRequest, RoleInput, split_memory
from ohlora.mind.embedded.corpus import REFUSAL_TOPICS, Corpus, Entry, render
from ohlora.mind.embedded.facts import EVENTS, PLACES, day_word, name_like
from ohlora.mind.embedded.recollect import Analyze, corrected, recollect, same_time, things_named
from ohlora.mind.embedded.responses import Responses, fill
from ohlora.mind.embedded.situations import Match, SituationLookup, content_words
from ohlora.mind.embedded.understanding import (
    HER_WORDS_BEFORE,
    KEY_FAMILIES,
    PETS,
    RELATIONS,
    About,
    Act,
    Tense,
    Understanding,
    key_family,
    recall_key_of,
)
from ohlora.mind.length import EstimatedCounter
from ohlora.mind.prompt import REPLY_END

TOPIC_CHANGE = "근데"
FOLLOWUP_BONUS = 0.08  # a follow-up whose context matches the previous summary
MEMORY_BONUS = 0.3  # an entry that can use the remembered fact (retrieved because it is relevant)
TIME_BONUS = 0.03  # an entry written for this day or day part
REFUSAL_BONUS = 0.15  # refusal entries of a category the ethics judge flags in the message
MARGIN = 0.04  # candidates within this much of the best entry (the n-gram scores are coarse: wider lets unrelated entries in)
STRONG = 0.55  # a corpus entry this close to the message is preferred to a template for what it means
ASKED_HER = 0.4  # a question about her gets a corpus answer only this close; else a light deflection
ASKED_ANYONE = 0.6  # the same for a question that does not name her ('17 곱하기 23 얼마야', '우주는 끝이 있어?')
NEAR_SAME = 0.8  # news the user tells gets a corpus answer only when it is nearly what the entry was written for
CONFIDENT = 0.5  # below this the reading is too unsure to answer specifically: an honest generic reply
# Acts her corpus answers best (questions about her, social moves); the others go to the templates first.
CORPUS_FIRST = frozenset({Act.ASK_HER, Act.GREETING, Act.FAREWELL, Act.THANKS, Act.APOLOGY, Act.CONFESS})
# What the user tells about themself: her corpus does not know its tense or whose it is, the templates do.
TEMPLATES_FIRST = frozenset({Act.TELL_FACT, Act.TELL_PLAN, Act.TELL_PAST, Act.TELL_FEELING})
_ALL_REFUSALS = frozenset(name for names in REFUSAL_TOPICS.values() for name in names)
MAX_ENTRIES = 5
_SOCIAL_TOPICS = {"farewell": ("farewell",), "greeting": ("greeting",), "thanks": ("smalltalk", "cheer", "greeting"),
                  "apology": ("smalltalk", "comfort", "greeting")}
# corpus topics that tell about her (answers to questions about her), and the acts that tell the user's news
_ABOUT_HER = frozenset({"persona", "identity", "daily", "ai", "hobby", "music", "misc", "topic_change", "weekend", "time"})
_NEWS_ACTS = frozenset({Act.TELL_FACT, Act.TELL_PLAN, Act.TELL_PAST, Act.TELL_FEELING, Act.SMALLTALK, Act.REACTION})
_RANKINGS_KEPT = 8  # per user: the retry trials of a turn reuse its ranking
_RECENT_KEPT = 12  # answers given lately are offered after the others, so she does not repeat herself
USERS_KEPT = 4096  # users whose recent answers are remembered (least recently active forgotten first)


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    answer: str  # rendered


@dataclass
class _UserState:
    rankings: OrderedDict[RoleInput, list[Candidate]] = field(default_factory=OrderedDict)
    recent: deque[str] = field(default_factory=lambda: deque(maxlen=_RECENT_KEPT))


# a question cut short, leaning on the one before it ('좋아하는 건?', '그럼 나이는?', '직업도?')
_ELLIPTIC = re.compile(r"(?:(?:그럼|그리고|근데|그러면)\s)?(?:내|제)?\s?\S{1,8}(?:\s\S{1,6})?\s?(?:은|는|도|건|거는)\s*\?*")
_POLITE = re.compile(r"(요|니다|니까|세요|셔)[.!?~ㅎㅋ^\s]*$")
# a guessing game he asks for ('내 나이 맞혀 봐', '내가 몇 살 같아?'), not a quiz on what he told her
# a question about the world, not about her ('17 곱하기 23 얼마야', '지구에서 달까지 거리', '한국 수도 어디게')
_KNOWLEDGE = re.compile(r"\d|[+*/=√]|곱하기|더하기|빼기|나누기|거리|수도|원리|차이|뜻|의미|방법|얼마|몇\s?(?:개|명|km|미터)|"
                        r"어떻게\s?(?:해|하는|만들|하면)|왜\s|누가\s?만든|만든\s?거|역사|정답|공식|제곱|루트|"
                        r"(?:제일|가장)\s?(?:높은|큰|긴|작은|깊은|빠른|넓은|오래된)|원소|행성|광년|인구")
_MATHS = re.compile(r"제곱|루트|√|\d\s?[+\-*/x×÷]\s?\d|곱하기|나누기|더하기|빼기")
_TO_HER = re.compile(r"(?:^|\s)(?:너|넌|니|네|너는|너도|너의|너한테|로라|오로라)")
_EVENT_WORDS = re.compile("|".join(sorted((re.escape(e) for e in EVENTS if len(e) >= 2), key=len, reverse=True)))
_NAMED_DAYS = re.compile(r"(?:첫째|둘째|셋째|넷째|첫|마지막)\s?날|(?:그\s)?다음\s?날|다음날|[월화수목금토일]요일")
_CLOCK_ASKED = re.compile(r"몇\s?시")
_COUNT_ASKED = re.compile(r"몇\s?(?:살|마리|명|년|개월|달|주|개|권|번|회|점|층|단계|잔|학년)|며칠|얼마")
_ASKS_WHICH = re.compile(r"어디|언제|몇|누구|누가|무슨|어느|얼마")
_WHEN = re.compile(r"언제|무슨\s?요일|며칠|몇\s?(?:시|월|일)|날짜")
_GUESS_ME = re.compile(r"맞[춰혀추히]|같아|일까|뭘까|누굴까")
# A told fact's kind, from the slot the understanding filled (in this order of precedence).
_FACT_SLOTS = (("name", "name"), ("age", "age"), ("pet", "pet"), ("pet_name", "pet"), ("job", "job"),
               ("school", "school"), ("person", "person"), ("place", "place"))


def fact_kind(reading: Understanding) -> str | None:
    """Which kind of fact a statement about the user tells (a key family), or None."""
    for slot, kind in _FACT_SLOTS:
        if reading.slots.get(slot):
            return kind
    if reading.slots.get("item") or reading.slots.get("food") or reading.slots.get("hobby"):
        return "dislike" if reading.polarity < 0 or reading.negated else "like"
    return None


class EmbeddedReplier:
    name = "embedded-persona"

    def __init__(
        self,
        corpus: Corpus,
        embedder: Embedder,
        rng: random.Random,
        *,
        floor: float = 0.2,
        cache_dir: Path | None = None,
        users_kept: int = USERS_KEPT,
        understand: Callable[[str], Understanding] | None = None,
        responses: Responses | None = None,
        analyze: Analyze | None = None,
        situations: SituationLookup | None = None,
    ):
        self.understand = understand
        self.analyze = analyze  # reads the user's earlier messages for recall questions (`recollect`)
        self.situations = situations  # what people tell her, matched by meaning (`situations.py`)
        self.responses = responses if responses is not None else Responses(())
        self.corpus = corpus
        self.embedder = embedder
        self.rng = rng
        self.floor = floor
        self._counter = EstimatedCounter()
        self._fallbacks = [e for e in corpus.entries if e.topic == "fallback"]
        owners: list[int] = []
        texts: list[str] = []
        for index, entry in enumerate(corpus.entries):
            for prompt in entry.prompts:
                owners.append(index)
                texts.append(prompt)
        self._owners = np.asarray(owners, dtype=np.int64)
        self._matrix = _encode_cached(embedder, texts, corpus.digest, cache_dir)
        self._users: OrderedDict[str, _UserState] = OrderedDict()
        self._users_kept = max(1, users_kept)
        self._lock = threading.Lock()

    def _state(self, user: str) -> _UserState:
        """This user's state (call with the lock held); the least recently active user is forgotten first."""
        state = self._users.get(user)
        if state is None:
            state = self._users[user] = _UserState()
            while len(self._users) > self._users_kept:
                self._users.popitem(last=False)
        self._users.move_to_end(user)
        return state

    # --- Generator protocol ---------------------------------------------------------------------------
    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> Generation:
        role_input = request.input
        with self._lock:
            state = self._state(role_input.user)
            ranking = state.rankings.get(role_input) if request.trial > 0 else None
        if ranking is None:
            ranking = self.rank(role_input, request.temperature)
            with self._lock:
                recent = set(state.recent)
                ranking = [c for c in ranking if c.answer not in recent] + [c for c in ranking if c.answer in recent]
                state.rankings[role_input] = ranking
                state.rankings.move_to_end(role_input)
                while len(state.rankings) > _RANKINGS_KEPT:
                    state.rankings.popitem(last=False)
        candidate = ranking[min(request.trial, len(ranking) - 1)]
        with self._lock:
            state.recent.append(candidate.answer)
        text = f" {candidate.answer} {REPLY_END}"
        if on_text is not None:
            on_text(text)
        return Generation(text=text, new_tokens=self._counter.count(text), stopped=True)

    # --- ranking --------------------------------------------------------------------------------------
    def rank(self, role_input: RoleInput, temperature: float) -> list[Candidate]:
        """Candidates in the order they will be offered (best-first with randomness).

        With an understanding of the message: a recall question is answered from what the user told
        her (or honestly not); news, feelings, plans and asks from the situation they are, when one fits
        (`_situation`); a harmful ask with a kind no; questions about her and social moves from her corpus; statements,
        plans, feelings and requests from the templates for what was said, filled from its slots;
        a message she cannot read gets an honest generic reply. Refusals only for the categories the
        judge flagged (or a confession read as one). Without an understanding: her corpus alone.
        """
        key, value = role_input.memory_key, role_input.memory_value
        reading = self.understand(role_input.text) if self.understand is not None else None
        if reading is not None and reading.act is not Act.RECALL and role_input.said \
                and _ELLIPTIC.fullmatch(role_input.text.strip()) and recall_key_of(role_input.text) \
                and self.understand(role_input.said[-1]).act is Act.RECALL:
            # '내가 뭐 싫어한다 그랬지?' then '좋아하는 건?': the same kind of question, about the user
            reading = replace(reading, act=Act.RECALL, about=About.USER, recall_key=recall_key_of(role_input.text))
        allowed = {name for category in role_input.flagged for name in REFUSAL_TOPICS.get(category.value, ())}
        if reading is not None and reading.act == Act.CONFESS:
            allowed.update(REFUSAL_TOPICS["love"])
        corpus = self._corpus_scores(role_input, allowed)
        if reading is not None and reading.act in _NEWS_ACTS and not reading.question:
            corpus = [(s, e) for s, e in corpus if e.topic not in _ABOUT_HER]  # news told: not her own story
        if reading is not None and reading.act.value in _SOCIAL_TOPICS:  # a goodbye is answered with a goodbye
            corpus = [(s, e) for s, e in corpus if e.topic in _SOCIAL_TOPICS[reading.act.value]]
        fallbacks = self._order([(0.0, e) for e in self._fallbacks], 1.0, key, value)
        strong = bool(corpus) and corpus[0][0] >= STRONG
        near_corpus = bool(corpus) and corpus[0][0] >= NEAR_SAME  # her own answer to nearly this question
        if role_input.flagged and reading is not None and reading.act == Act.RECALL \
                and self._lookup(reading, role_input) is not None:
            return self._recall(reading, role_input, temperature) + fallbacks  # '내 이름 한 번 불러줘': no love line
        if role_input.flagged or reading is None:
            return self._corpus_ranking(corpus, temperature, key, value) + fallbacks

        ranking: list[Candidate] = []
        if reading.act == Act.RECALL:
            ranking += self._recall(reading, role_input, temperature)
        elif reading.act == Act.ASK_USER and reading.recall_key and self._lookup(reading, role_input) is not None:
            ranking += self._recall(reading, role_input, temperature)  # 내 전공 뭐였게?: a quiz on what he told her
        elif reading.act == Act.ASK_USER and reading.recall_key and not _GUESS_ME.search(reading.text):
            ranking += self._recall(reading, role_input, temperature)  # 나 누구게? never told: she cannot know
            ranking += self._templates(reading.act.value, reading, {}, temperature)
        elif reading.act in SITUATION_FIRST and not (reading.act is Act.ASK_HER and near_corpus) \
                and (situation := self._situation(reading, role_input, temperature)):
            ranking += situation  # '낼모레 발표인데 ppt 아직 못 만듦': answers written for just that
        elif reading.confidence < CONFIDENT:
            ranking += self._corpus_ranking(corpus, temperature, key, value) if strong else []
        elif reading.act is Act.CRISIS:
            ranking += self._templates("crisis", reading, {}, temperature)  # care and 109, whatever else matched
        elif reading.act is Act.HARM:
            ranking += self._templates("harm_request", reading, {}, temperature)  # a kind, firm no
        elif reading.act in (Act.INSULT, Act.PRAISE, Act.FOLLOWUP, Act.ADVICE):
            extra = self._context(reading, role_input) if reading.act is Act.ADVICE else {}
            if reading.act is Act.FOLLOWUP and HER_WORDS_BEFORE.search(reading.text):
                extra = {"said_before": "1"}  # '아까 추천해준 거 중에': she owns up to not recalling her words
            ranking += self._templates(reading.act.value, reading, extra, temperature)  # 닥쳐: it hurts, said so
        elif (reading.act == Act.ASK_HER or reading.question and reading.act in (Act.OPINION, Act.SMALLTALK)
              or reading.act is Act.SMALLTALK and _MATHS.search(reading.text)) \
                and _KNOWLEDGE.search(reading.text) and not _TO_HER.search(reading.text) \
                and (not corpus or corpus[0][0] < ASKED_ANYONE):
            ranking += self._templates("question_unsure", reading, {}, temperature)  # 17 곱하기 23? 세종대왕?
        elif reading.act == Act.ASK_HER and (not corpus or corpus[0][0] < ASKED_HER):
            ranking += self._templates("ask_her_unsure", reading, {}, temperature)  # about her, not in her corpus
        elif reading.act in CORPUS_FIRST:
            ranking += self._corpus_ranking(corpus, temperature, key, value)
            ranking += self._templates(reading.act.value, reading, {}, temperature)
        elif reading.act in TEMPLATES_FIRST:
            ranking += self._templates(reading.act.value, reading, {}, temperature)
            near = bool(corpus) and corpus[0][0] >= NEAR_SAME
            ranking += self._corpus_ranking(corpus, temperature, key, value) if near or not ranking else []
        else:
            if bool(corpus) and corpus[0][0] >= NEAR_SAME:
                ranking += self._corpus_ranking(corpus, temperature, key, value)
            extra = self._context(reading, role_input) if reading.act is Act.OPINION else {}
            ranking += self._templates(reading.act.value, reading, extra, temperature)
            if not ranking and strong:
                ranking += self._corpus_ranking(corpus, temperature, key, value)
        ranking += self._templates("generic", reading, {}, 1.0)
        return ranking + fallbacks

    def _situation(self, reading: Understanding, role_input: RoleInput, temperature: float) -> list[Candidate]:
        """The answers of the situation the message is (`situations.py`), when one is near enough in
        meaning, says what the message says (one of its key words), and fits its time and person;
        else nothing."""
        if self.situations is None or self.analyze is None:
            return []
        texts = [reading.text]
        if role_input.said and reading.act in LEANING_ACTS and len(reading.text.split()) <= LEANING_WORDS:
            # '그럼 어떡해 내일까지인데' after '과제는 노트북 꺼져서 저장이 안 됐어': read with what it leans on
            texts.append(f"{role_input.said[-1]} {reading.text}")
        for text in texts:
            words = content_words(self.analyze(text))
            for match in self.situations.nearest(text, SITUATIONS_TRIED):
                if not _situation_fits(match, replace(reading, text=text), words):
                    continue
                entry = Entry(id=match.situation.id, topic="situation", prompts=(),
                              answers=match.situation.replies, summary="")
                return self._order([(match.score, entry)], temperature, None, None)
        return []

    def _corpus_scores(self, role_input: RoleInput, allowed_refusals: set[str]) -> list[tuple[float, Entry]]:
        """Eligible corpus entries by similarity (plus their bonuses), best first; refusal entries only
        of `allowed_refusals` (the flagged categories'), which then get a bonus."""
        text = role_input.text
        summary = None if text.startswith(TOPIC_CHANGE) else role_input.summary
        key = role_input.memory_key
        tag = role_input.time_tag
        day, day_part = (tag.day, tag.day_part) if tag is not None else (None, None)
        best = np.full(len(self.corpus.entries), -np.inf, dtype=np.float32)
        if len(self._owners):
            np.maximum.at(best, self._owners, self._matrix @ self.embedder.encode([text])[0])
        scored: list[tuple[float, Entry]] = []
        for index in np.flatnonzero(np.isfinite(best)).tolist():
            entry = self.corpus.entries[index]
            if entry.topic in _ALL_REFUSALS and entry.topic not in allowed_refusals:
                continue
            if not entry.eligible(summary=summary, memory_key=key, day=day, day_part=day_part):
                continue
            score = float(best[index])
            if entry.context:
                score += FOLLOWUP_BONUS
            if entry.memory_keys:
                score += MEMORY_BONUS
            if entry.days or entry.day_parts:
                score += TIME_BONUS
            if entry.topic in allowed_refusals:
                score += REFUSAL_BONUS
            scored.append((score, entry))
        scored.sort(key=lambda pair: -pair[0])
        return scored

    def _corpus_ranking(self, scored: list[tuple[float, Entry]], temperature: float, key: str | None,
                        value: str | None) -> list[Candidate]:
        if not scored or scored[0][0] < self.floor:
            return []
        best = scored[0][0]
        top = [(s, e) for s, e in scored[:MAX_ENTRIES] if s >= best - MARGIN]
        return self._order(top, temperature, key, value)

    def _context(self, reading: Understanding, role_input: RoleInput) -> dict[str, str]:
        """For a short question that leans on what came before ('어떡하지..', '다시 연락해볼까?'): the topic
        of the user's previous message, as a whole word of it."""
        if reading.topic or not role_input.said or self.understand is None:
            return {}
        before = self.understand(role_input.said[-1])
        if before.topic and _echoable(before.topic, before.text):
            return {"context": before.topic}
        return {}

    @staticmethod
    def _told(reading: Understanding, role_input: RoleInput, analyze: Analyze | None = None) -> tuple[str, str] | None:
        """The remembered (key, value) the recall question asks for: of the asked family (any family when
        the question names none, '내가 아까 뭐라고 했더라?'), the one sharing most words with the question,
        the newest among equals; None when he never told her. A question naming one of the family's
        keys ('내 전공') takes only items of that key, and one asking a name only values that are names."""
        items = [m for m in (*role_input.memories, role_input.memory) if m]
        best: tuple[int, int, tuple[str, str]] | None = None
        words = {w for w in re.findall(r"[가-힣A-Za-z0-9]+", reading.text) if len(w) >= 2}
        family = reading.recall_key
        # a question naming one kind of a family of distinct kinds ('내 전공' of school, '동생' of people)
        named = [k for k in KEY_FAMILIES.get(family or "", ()) if k in reading.text] if family in _DISTINCT else []
        asks_name = "이름" in reading.text and family != "name"
        things = {t for t in things_named(reading.text, analyze) if not any(t in i for i in items)} \
            if family is None and analyze is not None else set()
        for order, item in enumerate(items):
            kv = split_memory(item)
            if not kv or (family and not _of_family(kv, family)):
                continue
            if family is None and key_family(kv[0]) in (None, "feeling", "health", "weather"):
                continue  # a passing state is not what 'what did I tell you' asks for
            if named and not any(k in kv[0] or k in kv[1] for k in named):
                continue  # '내 전공 뭐였지?' is not answered with '[학교: 한국외대]'
            if all(w in reading.text for w in kv[1].split()) and not _WHEN.search(reading.text):
                continue  # '내 차 뭐였지?' is not answered with '[산 물건: 차]': the question holds it already
            if asks_name and not _has_name(kv[1]):
                continue  # '우리 고양이 이름 뭐였지?' is not answered with '[반려동물: 고양이]'
            events = [e for e in _EVENT_WORDS.findall(reading.text)]
            if events and key_family(kv[0]) == "plan" and not any(e in kv[0] + kv[1] for e in events):
                continue  # '내 면접 몇 시라고 했지?' is not '[다음 주 일정: 시험]'
            if "어디" in reading.text and key_family(kv[0]) == "plan" and not any(p in kv[1] for p in PLACES):
                continue  # '주말에 어디 간다 했지?' is not '[주말 일정: 피크닉]'
            named_days = _NAMED_DAYS.findall(reading.text)
            if named_days and key_family(kv[0]) == "plan" and not any(d.replace(" ", "") in (kv[0] + kv[1]).replace(" ", "")
                                                                       for d in named_days):
                continue  # '둘째 날 일정 뭐였지?' is not '[설날 일정: 큰집 방문]'
            if _CLOCK_ASKED.search(reading.text) and key_family(kv[0]) == "plan" and not re.search(r"\d+\s?시", kv[0] + kv[1]):
                continue  # '도착 몇 시라고 했지?' is not a plan with no hour
            asked_day = day_word(reading.text)
            if asked_day and key_family(kv[0]) == "plan" and not same_time(asked_day, day_word(kv[0])):
                continue  # '다음 달에 뭐 한다고 했지?' is not '[어제 일정: 친구 결혼식]'
            shared = sum(1 for w in words if w in kv[0] or w in kv[1])
            if family is None and not shared and things:
                continue  # '새 집 주소 기억해?' is not answered with '[다음 달 일정: 이사]'
            if best is None or (shared, order) >= best[:2]:
                best = (shared, order, kv)
        return best[2] if best else None

    def _lookup(self, reading: Understanding, role_input: RoleInput) -> tuple[str, str] | None:
        """What the user told her that the recall question asks for: a remembered item of the asked
        kind, else what they said earlier (`recollect`); for a question naming no kind, what they said
        first, then anything remembered."""
        # what the user said earlier, read once (the same question and messages give the same answer)
        heard = recollect(reading.text, reading.recall_key, role_input.said, self.analyze) \
            if self.analyze is not None and role_input.said else None
        if heard is not None and _COUNT_ASKED.search(reading.text) and reading.recall_key != "age":
            return "그거", heard.value  # '우리 강아지 몇 살이라고 했게?' → '3살', not its name (own age: memory first)
        if heard is not None and _WHEN.search(reading.text) and heard.key == "때":
            return "그거", heard.value  # '몇 시에 만난다 했지?' → '저녁 7시', not the plan's name
        # '나 뭐라고 부르기로 했지?' asks the name to call them by ('이름 불러 봐' asks the name itself)
        calls = reading.recall_key == "name" and bool(re.search(r"뭐라(?:고)?\s?(?:부르|불러|불린|불려|부를)|별명|닉네임|호칭|"
                                                                 r"영어\s?이름|영문\s?이름|english", reading.text, re.I))
        if heard is not None and calls:
            told = self._told(reading, role_input, self.analyze)
            if told is not None and told[1] != heard.value and heard.value not in told[1]:
                return "이름", f"{heard.value} (원래 이름은 {told[1]})"  # both what to call them and the name
        if heard is not None and (reading.recall_key is None or calls):
            return heard.key, heard.value
        if reading.recall_key is None and _ASKS_WHICH.search(reading.text):
            return None  # '어디로 실습 간다고 했지?' not found in what was said: not any remembered item
        told = self._told(reading, role_input, self.analyze)
        if told is None and heard is not None:
            bare_kind = all(w in PETS for w in heard.value.split())
            if "이름" not in reading.text or _has_name(heard.value) \
                    or reading.recall_key in ("name", "pet") and not bare_kind:  # a pet's name may be any word
                told = (heard.key, heard.value)
        return told

    def _recall(self, reading: Understanding, role_input: RoleInput, temperature: float) -> list[Candidate]:
        """What the user told her about the asked kind (remembered, else found in what they said
        earlier), or an honest "not yet"."""
        told = self._lookup(reading, role_input)
        if told is not None:
            key, value = told
            if key_family(key) == "plan" and _WHEN.search(reading.text):  # 면접 언제라고 했지? '[3월 5일 일정: 면접]'
                when = re.sub(r"\s?(?:일정|계획|약속|여행)$", "", key).strip()
                value = f"{when} {value}" if when and when not in value else value
            value = corrected(value, role_input.said)
            family = "allergy" if "알레르기" in key else None  # '[알레르기: 땅콩]' is not a mere dislike
            if key in ("일", "년", "명", "개", "살", "시", "번", "회", "마리", "원", "때") or len(key) < 2:
                key = "그거"  # a unit or a one-syllable key reads badly ('년이 3년이라고')
            slots = {"value": value} if key == "그거" else {"key": key, "value": value}  # never '그거가 …'
            return self._templates("recall_known", reading, slots, temperature, topic=key,
                                   key=family or reading.recall_key or key_family(key))
        return self._templates("recall_unknown", reading, {}, temperature, key=reading.recall_key)

    def _templates(self, act: str, reading: Understanding, extra: dict[str, str], temperature: float,
                   topic: str | None = None, key: str | None = None) -> list[Candidate]:
        """The answers of the templates that fit, filled from the message's slots (most specific first)."""
        slots = {**{k: v for k, v in reading.slots.items() if v and (k not in _ECHOED or _echoable(v, reading.text))},
                 **extra, "said": reading.text}
        if slots.get("time") in ("요즘", "요새", "지금", "맨날"):
            slots.pop("time")  # '요즘 얘기 나중에 꼭 들려줘': a stretch of time is no plan's day
        if slots.get("topic", "").endswith(" 추천"):
            slots["topic"] = slots["topic"][: -len(" 추천")]  # '책 추천 추천이라…'
        if act == "question_unsure" and len(reading.topic or "") < 2:
            slots.pop("topic", None)  # '곱이라…': a one-syllable reading is no topic to repeat back
        if reading.topic and "topic" not in slots and _echoable(reading.topic, reading.text):
            slots["topic"] = reading.topic  # never a piece of a word ('취…' of '취준', '자존' of '자존감')
        if key is None and act == Act.TELL_FACT.value:
            key = fact_kind(reading)
        found = self.responses.candidates(act, topic if topic is not None else reading.topic,
                                          reading.tense.value, reading.polarity, slots, key=key,
                                          polite=bool(_POLITE.search(reading.text)))
        scored: list[tuple[float, Entry]] = []
        for score, template in found:
            answers = tuple(a for a in (fill(answer, slots) for answer in template.answers) if a)
            if answers:
                entry = Entry(id=template.id, topic=template.act, prompts=(), answers=answers, summary="")
                scored.append((score / 10.0, entry))
        if not scored:
            return []
        best = scored[0][0]
        return self._order([(s, e) for s, e in scored if s >= best - 0.15], temperature, None, None)

    def _order(
        self, scored: list[tuple[float, Entry]], temperature: float, key: str | None, value: str | None
    ) -> list[Candidate]:
        """Weighted random order without replacement (keys u^(1/w)), weights from the scores."""
        if not scored:
            return []
        best = max(s for s, _ in scored)
        spread = max(temperature, 0.05) * 0.1
        keyed: list[tuple[float, Candidate]] = []
        for score, entry in scored:
            weight = math.exp((score - best) / spread) / len(entry.answers)
            for answer in entry.answers:
                u = self.rng.random() or 1e-12
                keyed.append((math.log(u) / weight, Candidate(entry, render(answer, key, value))))
        keyed.sort(key=lambda pair: -pair[0])
        return [candidate for _, candidate in keyed]


SITUATIONS_TRIED = 5  # the nearest situations looked at, best first
# a short ask that leans on the message before it ('병원 가야 될까?', '그럼 어떡해'): matched with it too
LEANING_ACTS = frozenset({Act.OPINION, Act.ADVICE, Act.REQUEST, Act.SMALLTALK})
LEANING_WORDS = 5
SITUATION_KEYED = 0.53  # near enough when the message says one of the situation's key words ...
SITUATION_SHARED = 0.6  # ... or when it says a word two of its examples say ...
SITUATION_UNKEYED = 0.68  # ... or, for a situation whose examples share no word, this near
SITUATION_SAME = 0.82  # nearly an example itself: no key word needed
# Acts a situation may answer (before the templates and the corpus): news, feelings, plans, asks and
# small talk. Recall questions, refusals, care, rudeness and the social moves keep their own answers.
SITUATION_FIRST = frozenset({Act.TELL_FACT, Act.TELL_PLAN, Act.TELL_PAST, Act.TELL_FEELING, Act.SMALLTALK,
                             Act.OPINION, Act.ADVICE, Act.REQUEST, Act.ASK_HER})
_AHEAD = re.compile(r"내일|낼|모레|다음\s?주|담주|다음\s?달|이따|곧|주말에|[월화수목금토일]요일에|예정|할\s?거|갈\s?거|볼\s?거|"
                    r"하려고|가려고|보려고|기로\s?했")
_BEHIND = re.compile(r"어제|아까|방금|지난|했어|했다|했음|끝났|끝남|봤어|봤다|다녀왔|갔다\s?왔|받았|먹었|샀어|샀다|됐어|됐다|"
                     r"었어|았어|였어|었다|았다|였다|었음|았음")
# key words too common to tell situations apart: saying one of them is not saying what the situation is
_WEAK_KEYS = frozenset({"가다", "오다", "알다", "먹다", "보다", "좋다", "싶다", "나오다", "어떻다", "추천", "주말", "넣다"})
_SCHEDULED = re.compile(r"잡혔|잡았|예약했|예매했|정했")  # '소개팅 잡혔어': a past verb for a thing ahead
_THIRD_PERSON = re.compile("|".join(sorted((re.escape(r) for r in RELATIONS), key=len, reverse=True)))


def _situation_fits(match: Match, reading: Understanding, words: frozenset[str]) -> bool:
    """Whether a situation's answers can be said to this message: near enough (see the constants), not
    of another time (a coming exam is no past one), and of the right person (a friend's news needs a
    friend in the message; the user's own news is not told of someone else)."""
    situation, text = match.situation, reading.text
    keys = situation.keys - _WEAK_KEYS
    keyed = bool(keys & words)
    shared = bool((situation.vocabulary - _WEAK_KEYS) & words)  # a word two of its examples say ('알람')
    if not (match.score >= SITUATION_SAME or keyed and match.score >= SITUATION_KEYED
            or shared and match.score >= SITUATION_SHARED or not keys and match.score >= SITUATION_UNKEYED):
        return False
    if situation.about == "her" and not reading.question and reading.act in TEMPLATES_FIRST \
            and match.score < SITUATION_SAME:
        return False  # '주말에 약속 없음ㅋㅋ' tells of the user, not asks of her weekend
    scheduled = bool(_SCHEDULED.search(text))
    ahead = reading.tense is Tense.FUTURE or bool(_AHEAD.search(text)) or scheduled
    behind = (reading.tense is Tense.PAST or bool(_BEHIND.search(text))) and not scheduled
    if situation.when == "past" and ahead and not behind or situation.when == "future" and behind and not ahead:
        return False
    someone = bool(_THIRD_PERSON.search(text))  # a person, not a pet ('강아지가 밥을 안 먹어' is the user's news)
    if situation.about == "other" and not (someone or reading.about is About.THIRD):
        return False
    return not (situation.about == "user" and reading.about is About.THIRD and someone)


_ECHOED = frozenset({"topic", "item", "event", "person", "place"})  # slots her answers repeat back
_TAIL = re.compile(r"(?:이랑|랑|하고|이가|가|이는|는|은|이를|를|을|의|에서|에게|한테|에|으로|로|도|만|까지|부터|처럼|보다|이야|야|"
                   r"이에요|예요|이다|이고|인데|이라|라|임|이지|이잖아|잖아|이랑은|째|쯤|님|들)?(?:[!?.~,]|ㅋ+|ㅎ+|ㅠ+)*$")


# words that read as a topic but say nothing to repeat back ('날' of '둘째 날', '반' of '반은 눈 감고', a time)
_WEAK_TOPIC = re.compile(r"^(?:날|반|일|분|년|달|주|상태|방법|덕분|지기|vs|요즘|오늘|내일|모레|새벽|아침|저녁|밤|지금|이번|다음|"
                         r"추천|얘기|생각|거|것|때|중|뭐|\d+\s?(?:분|시|시간|일|년|개월|째)\S*)$", re.I)


_SAID_AS_VERB = re.compile(r"(?:남|함|됨|짐|임|음|했|됐)$")


def _echoable(value: str, text: str) -> bool:
    """Whether a slot can be said back: whole words of the message, not a word that says nothing, and no
    verb form inside ('선배 좋아하는' is not a person)."""
    words = value.split()
    modifier = len(words) > 1 and any(re.search(r"(?:하는|하던|한|할|는|던)$", w) for w in words)
    modifier = modifier or len(words) > 1 and bool(_SAID_AS_VERB.search(words[-1]))  # '보일러 고장남 때문에'
    modifier = modifier or bool(re.search(r"(?:한대|했대|된대|한다|된다|했어|했음)$", value))  # '결혼한대구나'

    return _whole_words(value, text) and not _WEAK_TOPIC.match(value) and len(value.replace(" ", "")) >= 2 \
        and not modifier


def _whole_words(value: str, text: str) -> bool:
    """Whether `value` stands in the text as whole words (a particle may follow), so that repeating it
    back is natural: '취준' in '취준 1년째야' yes, '취' no; '딸' in '운전면허 딸 거야' as a verb … still a word."""
    words = text.split()
    parts = value.split()
    for i in range(len(words) - len(parts) + 1):
        window = words[i:i + len(parts)]
        if all(w == p for w, p in zip(window[:-1], parts[:-1])) and window[-1].startswith(parts[-1]) \
                and _TAIL.fullmatch(window[-1][len(parts[-1]):]):
            return True
    return False


_DISTINCT = frozenset({"school", "people"})  # families whose key words are different things, not synonyms


def _of_family(kv: tuple[str, str], family: str) -> bool:
    """Whether a remembered (key, value) is of the asked family: by its key, or by a value that names
    it ('[다음 주 일정: 여자친구 생일]' answers '여친 생일 언제라고 했지?')."""
    return key_family(kv[0]) == family or any(word in kv[1] for word in KEY_FAMILIES.get(family, ()))


_NOT_A_NAME_VALUE = frozenset({"있음", "없음", "있어", "없어", "한 명", "두 명", "세 명", "외동"})


def _has_name(value: str) -> bool:
    """Whether a remembered value holds a name ('강아지 콩이', '수아'), not only a kind, a count or a
    state ('[동생: 짜증]')."""
    words = value.split()
    rest = [w for w in words if w not in PETS and w not in _NOT_A_NAME_VALUE and not w.endswith(("명", "마리"))]
    if words and words[0] in PETS:
        return bool(rest)  # pets are named after anything ('강아지 두부', '고양이 초코')
    return any(name_like(w) for w in rest)


def _encode_cached(embedder: Embedder, texts: list[str], digest: str, cache_dir: Path | None) -> np.ndarray:
    """Encode the corpus prompts once; with a cache folder, reuse them across processes."""
    if not texts:
        return np.zeros((0, embedder.dim), np.float32)
    path = cache_dir / f"replier-{embedder.name}-{digest}.npy" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            matrix = np.load(path, allow_pickle=False)
            if matrix.shape == (len(texts), embedder.dim):
                return matrix
        except (OSError, ValueError):
            pass  # a damaged cache file is rebuilt below
    matrix = np.asarray(embedder.encode(texts), dtype=np.float32)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, matrix, allow_pickle=False)
            tmp.replace(path)
        except OSError:
            pass  # caching is an optimisation only
    return matrix
