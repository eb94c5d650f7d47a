"""The embedded persona replier: per-user memory of what she said lately, and refusal steering from
the categories the pipeline's judge flagged (the replier never scores the message itself)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from ohlora.embedding.factory import make_embedder
from ohlora.ethics.base import Category
from ohlora.mind.base import GenerationRequest, RoleInput
from ohlora.mind.embedded.corpus import REFUSAL_TOPICS, load_corpus
from ohlora.mind.embedded.replier import EmbeddedReplier

NOW = datetime(2025, 6, 25, 14, 0)


@pytest.fixture(scope="module")
def parts():
    return load_corpus(), make_embedder("ngram")


def replier(parts, **kwargs) -> EmbeddedReplier:
    corpus, embedder = parts
    return EmbeddedReplier(corpus, embedder, random.Random(3), **kwargs)


def answer(rep: EmbeddedReplier, user: str, text: str, seed: int = 5, **fields) -> str:
    """Her answer, with the replier's random order reset to one seed (so two calls differ only by what
    she remembers having said)."""
    rep.rng = random.Random(seed)
    role_input = RoleInput(user=user, text=text, now=NOW, **fields)
    return rep.generate(GenerationRequest("reply", role_input, temperature=0.6, max_new_tokens=96)).text


def test_what_she_said_lately_is_remembered_per_user(parts):
    rep = replier(parts)
    first = answer(rep, "a", "로라야 안녕")
    assert answer(rep, "a", "로라야 안녕") != first  # she does not repeat herself to the same person
    assert answer(rep, "b", "로라야 안녕") == first  # a's conversation changes nothing for b


def test_remembered_users_are_bounded(parts):
    rep = replier(parts, users_kept=2)
    first = answer(rep, "a", "로라야 안녕")
    answer(rep, "b", "로라야 안녕")
    answer(rep, "c", "로라야 안녕")  # a, the least recently active, is forgotten
    assert answer(rep, "a", "로라야 안녕") == first
    assert answer(rep, "c", "로라야 안녕") != first  # c, still remembered, hears something new


def test_later_trials_of_one_input_offer_the_next_candidate(parts):
    rep = replier(parts)
    role_input = RoleInput(user="a", text="로라야 너 뭐 좋아해?", now=NOW)
    texts = [rep.generate(GenerationRequest("reply", role_input, 0.6, 96, trial=t)).text for t in range(3)]
    assert len(set(texts)) == 3


def test_flagged_categories_steer_to_her_refusals(parts):
    rep = replier(parts)
    refusal_topics = set(REFUSAL_TOPICS["love"])
    plain = RoleInput(user="a", text="너 진짜 예쁘다", now=NOW)
    assert rep.rank(plain, 0.6)[0].entry.topic not in refusal_topics
    flagged = RoleInput(user="a", text="너 진짜 예쁘다", now=NOW, flagged=(Category.LOVE,))
    assert rep.rank(flagged, 0.6)[0].entry.topic in refusal_topics
    other = RoleInput(user="a", text="너 진짜 예쁘다", now=NOW, flagged=(Category.POLITICS,))
    assert rep.rank(other, 0.6)[0].entry.topic not in refusal_topics


# --- routing by what the message means ------------------------------------------------------------------
from types import MappingProxyType  # noqa: E402

from ohlora.mind.embedded.responses import Responses, Template, fill  # noqa: E402
from ohlora.mind.embedded.understanding import About, Act, Tense, Understanding  # noqa: E402

TEMPLATES = Responses((
    Template("known-name", "recall_known", ("이름",), None, None, ("value",), ("{value}{이잖아/잖아}! 당연히 기억하지 😊",)),
    Template("known-any", "recall_known", (), None, None, ("value",), ("{value}{이라고/라고} 했잖아!",)),
    Template("unknown", "recall_unknown", (), None, None, (), ("아직 나한테 말해 준 적 없어! 알려 줄래? 😊",)),
    Template("plan-exam", "tell_plan", ("시험",), "future", None, ("event",), ("{event}{이/가} 곧이구나! 넌 잘할 거야 💪",)),
    Template("past-exam", "tell_past", ("시험",), "past", None, ("event",), ("{event} 어땠어? 고생 많았어 🥹",)),
    Template("generic", "generic", (), None, None, (), ("음, 조금 더 얘기해 줄래? 😊",)),
))


def reading(text: str, act: Act, **kwargs) -> Understanding:
    slots = MappingProxyType(kwargs.pop("slots", {}))
    return Understanding(text=text, act=act, about=kwargs.pop("about", About.USER),
                         tense=kwargs.pop("tense", Tense.PRESENT), slots=slots, **kwargs)


def routed(parts, readings: dict[str, Understanding]) -> EmbeddedReplier:
    return replier(parts, understand=readings.__getitem__, responses=TEMPLATES)


def test_fill_picks_each_particle_by_the_final_consonant():
    assert fill("{name}{아/야} 안녕", {"name": "민준"}) == "민준아 안녕"
    assert fill("{name}{아/야} 안녕", {"name": "지호"}) == "지호야 안녕"
    assert fill("{place}{으로/로} 가", {"place": "서울"}) == "서울로 가"
    assert fill("{place}{으로/로} 가", {"place": "부산"}) == "부산으로 가"
    assert fill("{item}{와/과}", {"item": "빵"}) == "빵과" and fill("{item}{와/과}", {"item": "우유"}) == "우유와"
    assert fill("{event}{이/가} 있어", {}) is None


def test_a_recall_question_is_answered_with_the_remembered_value(parts):
    ask = "내 이름 뭐였지?"
    rep = routed(parts, {ask: reading(ask, Act.RECALL, question=True, recall_key="name")})
    told = RoleInput(user="a", text=ask, now=NOW, memories=("[좋아하는 음식: 떡볶이]", "[이름: 민준]"))
    assert rep.rank(told, 0.6)[0].answer == "민준이잖아! 당연히 기억하지 😊"
    never = RoleInput(user="a", text=ask, now=NOW, memories=("[좋아하는 음식: 떡볶이]",))
    assert rep.rank(never, 0.6)[0].answer.startswith("아직 나한테 말해 준 적 없어")


def test_the_newest_item_of_the_asked_kind_wins(parts):
    ask = "내가 어디 간다고 했지?"
    rep = routed(parts, {ask: reading(ask, Act.RECALL, question=True, recall_key="plan")})
    told = RoleInput(user="a", text=ask, now=NOW, memories=("[내일 일정: 면접]", "[다음달 일정: 제주도 여행]"))
    assert rep.rank(told, 0.6)[0].answer == "제주도 여행이라고 했잖아!"


def test_a_quiz_on_a_told_fact_is_answered_and_never_told_is_said_honestly(parts):
    quiz, guess = "나 누구게?", "내 나이 맞혀 봐"
    rep = routed(parts, {quiz: reading(quiz, Act.ASK_USER, question=True, recall_key="name"),
                         guess: reading(guess, Act.ASK_USER, recall_key="age")})
    told = RoleInput(user="a", text=quiz, now=NOW, memories=("[이름: 도윤]",))
    assert rep.rank(told, 0.6)[0].answer == "도윤이잖아! 당연히 기억하지 😊"
    never = RoleInput(user="a", text=quiz, now=NOW, memories=("[사는 곳: 부산]",))
    assert rep.rank(never, 0.6)[0].answer.startswith("아직 나한테 말해 준 적 없어")
    game = RoleInput(user="a", text=guess, now=NOW)
    assert not rep.rank(game, 0.6)[0].answer.startswith("아직 나한테 말해 준 적 없어")  # a game she may play


def test_a_recall_question_naming_no_kind_gets_the_newest_lasting_fact(parts):
    ask = "내가 아까 뭐라고 했더라?"
    rep = routed(parts, {ask: reading(ask, Act.RECALL, question=True)})
    told = RoleInput(user="a", text=ask, now=NOW, memories=("[이름: 태현]", "[상태: 피곤함]"))
    assert rep.rank(told, 0.6)[0].answer == "태현이잖아! 당연히 기억하지 😊"  # the name's own template
    assert rep.rank(RoleInput(user="a", text=ask, now=NOW), 0.6)[0].answer.startswith("아직 나한테")


def test_asked_when_a_plan_is_answered_with_its_day(parts):
    ask = "면접 언제라고 했지?"
    rep = routed(parts, {ask: reading(ask, Act.RECALL, question=True, recall_key="plan")})
    told = RoleInput(user="a", text=ask, now=NOW, memories=("[금요일 일정: 회식]", "[3월 5일 일정: 면접]"))
    assert rep.rank(told, 0.6)[0].answer == "3월 5일 면접이라고 했잖아!"


def test_statements_get_the_template_for_their_tense(parts):
    future, past = "나 내일 시험이야", "나 어제 시험 봤어"
    rep = routed(parts, {
        future: reading(future, Act.TELL_PLAN, tense=Tense.FUTURE, topic="시험", slots={"event": "시험", "time": "내일"}),
        past: reading(past, Act.TELL_PAST, tense=Tense.PAST, topic="시험", slots={"event": "시험", "time": "어제"}),
    })
    assert rep.rank(RoleInput(user="a", text=future, now=NOW), 0.6)[0].answer == "시험이 곧이구나! 넌 잘할 거야 💪"
    assert rep.rank(RoleInput(user="a", text=past, now=NOW), 0.6)[0].answer == "시험 어땠어? 고생 많았어 🥹"


def test_an_unreadable_message_gets_an_honest_generic_reply(parts):
    mash = "ㅁㄴㅇㄹ"
    rep = routed(parts, {mash: reading(mash, Act.REACTION, confidence=0.1)})
    assert rep.rank(RoleInput(user="a", text=mash, now=NOW), 0.6)[0].answer == "음, 조금 더 얘기해 줄래? 😊"


def test_refusals_only_for_what_the_judge_flagged(parts):
    text = "너 진짜 예쁘다"
    rep = routed(parts, {text: reading(text, Act.SMALLTALK, about=About.HER)})
    topics = {c.entry.topic for c in rep.rank(RoleInput(user="a", text=text, now=NOW), 0.6)}
    assert not topics & {"refuse_love", "refuse_meet", "refuse_politics", "refuse_hate", "refuse_insult"}
    flagged = RoleInput(user="a", text=text, now=NOW, flagged=(Category.LOVE,))
    assert rep.rank(flagged, 0.6)[0].entry.topic in REFUSAL_TOPICS["love"]


def test_the_shipped_templates_answer_recall_and_plans_with_the_users_words(parts):
    from ohlora.mind.embedded.responses import load_responses

    ask, plan = "내 강아지 이름 기억나?", "나 다음 주에 면접 봐"
    readings = {
        ask: reading(ask, Act.RECALL, question=True, recall_key="pet"),
        plan: reading(plan, Act.TELL_PLAN, tense=Tense.FUTURE, topic="면접", slots={"event": "면접", "time": "다음 주"}),
    }
    rep = replier(parts, understand=readings.__getitem__, responses=load_responses())
    known = RoleInput(user="a", text=ask, now=NOW, memories=("[반려동물: 강아지 콩이]",))
    assert "콩이" in rep.rank(known, 0.6)[0].answer
    unknown = rep.rank(RoleInput(user="a", text=ask, now=NOW), 0.6)[0].answer
    assert "콩이" not in unknown
    answer = rep.rank(RoleInput(user="a", text=plan, now=NOW), 0.6)[0].answer
    assert "면접" in answer
