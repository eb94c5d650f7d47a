"""Recall questions answered from what the user said earlier (`mind/embedded/recollect.py`), and the
replier using it when nothing remembered holds the answer. Real mecab-ko analysis, no stubs."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from ohlora.embedding.factory import make_embedder
from ohlora.mind.base import GenerationRequest, RoleInput
from ohlora.mind.embedded.analysis import Analyzer
from ohlora.mind.embedded.corpus import load_corpus
from ohlora.mind.embedded.recollect import corrected, recollect
from ohlora.mind.embedded.replier import EmbeddedReplier
from ohlora.mind.embedded.responses import load_responses
from ohlora.mind.embedded.understanding import Reader

NOW = datetime(2025, 6, 25, 14, 0)


@pytest.fixture(scope="module")
def analyze():
    return Analyzer().analyze


@pytest.mark.parametrize(("said", "question", "family", "value"), [
    (["반가워 난 유나야 대학생이야", "오늘 덥다"], "내 이름 뭐였지?", "name", "유나"),  # a name beside a job
    (["나 마라탕 진짜 환장해 일주일에 세 번 먹음", "너는 뭐 좋아해?"], "내 최애 음식 뭐라 그랬지?", "like", "마라탕"),
    (["난 여름보다 겨울이 훨씬 좋아"], "내가 좋아하는 계절 뭐게?", "like", "겨울"),
    (["나 요즘 캐나다 밴쿠버에서 워홀 중이야", "한국 음식 그립다"], "나 지금 어디 있다고 했지?", None, "밴쿠버"),
    (["아 오늘 우리 집 말티즈 두부 병원 데려갔다 왔어"], "내 강아지 이름 기억나?", "pet", "두부"),
    (["나 차 뽑았어! 중고 아반떼", "첫 차라 너무 좋아"], "내 차 뭐였는지 기억나?", None, "아반떼"),
    (["퇴근하고 맨날 롤 함 ㅋㅋ 골드임", "너 게임 알아?"], "내가 무슨 게임 한다 했지?", None, "롤"),
    (["요즘 출근길에 뉴진스 노래만 들어"], "나 요즘 누구 노래 듣는다 했지?", None, "뉴진스"),
    # an age said as a word in passing, a month, weekdays written together, hours of a day
    (["도윤이라고 해요 스물넷이고 취준생입니다"], "제 나이는요?", "age", "스물넷"),
    (["나는 하린! 스물둘이라 로라랑 동갑이야", "보라색 제일 좋아해"], "나 몇 살이라고 했지?", "age", "스물둘"),
    (["우리 언니가 12월에 결혼해", "좋은데 서운하기도 해"], "언니 결혼식 언제라 했지?", "plan", "12월"),
    (["복학은 내년 3월에 해"], "나 언제 복학한다 했더라", "plan", "내년 3월"),
    (["나 월수금은 편의점 알바하고 화목은 수업 들어"], "나 무슨 요일에 알바한다 했지?", "job", "월수금"),
    (["하루에 10시간씩 앉아 있거든"], "내가 몇 시간 앉아 있는다고 했지?", "plan", "10시간"),
])
def test_what_was_said_answers_the_question(analyze, said, question, family, value) -> None:
    found = recollect(question, family, said, analyze)
    assert found is not None and value in found.value, found


@pytest.mark.parametrize(("said", "question", "family"), [
    (["내 친구는 서울 살아"], "내가 어디 산다고 했지?", "place"),  # someone else's home
    (["언젠가 유럽 여행 가보고 싶어"], "내가 어디 간다고 했더라?", "plan"),  # a wish, not a plan
    (["오늘 날씨 좋다"], "내 이름 뭐였지?", "name"),
    (["나 요즘 헬스 다녀", "3대 200 찍음 ㅋㅋ"], "내가 무슨 회사 다닌다 했더라?", "job"),  # a shared verb is not enough
    (["동생이 스물이야"], "제 나이는요?", "age"),  # someone else's age
    (["나 다음 달에 이사 가", "학교랑 가까운 원룸으로"], "새 집 주소 기억해?", None),  # what it names was never said
    (["요즘 클라이밍 배우고 있어", "일주일에 세 번 가"], "근데 내가 어느 암장 다닌다고 했지?", None),
])
def test_nothing_is_invented(analyze, said, question, family) -> None:
    found = recollect(question, family, said, analyze)
    assert found is None, found


@pytest.fixture(scope="module")
def replier():
    reader = Reader()
    return EmbeddedReplier(load_corpus(), make_embedder("ngram"), random.Random(3), understand=reader.read,
                           responses=load_responses(), analyze=reader.analyzer.analyze)


def _reply(replier, text: str, said: tuple[str, ...] = (), memories: tuple[str, ...] = ()) -> str:
    role_input = RoleInput(user="u", text=text, now=NOW, said=said, memories=memories)
    return replier.generate(GenerationRequest("reply", role_input, 0.6, 80)).text


def test_the_replier_answers_from_what_was_said_when_nothing_is_remembered(replier) -> None:
    said = ("나 이번에 아이패드 샀다 ㅎㅎ 그림 그리려고",)
    assert "아이패드" in _reply(replier, "내 새 장난감 뭐였지?", said=said)
    assert "아이패드" not in _reply(replier, "내 새 장난감 뭐였지?")  # nothing said: an honest "not yet"


def test_a_question_naming_one_key_is_not_answered_with_another(replier) -> None:
    reply = _reply(replier, "내 전공 뭐라고 했게?", said=("나 한국외대 다니는데 통번역 전공이야",),
                   memories=("[학교: 한국외대]",))
    assert "통번역" in reply and "한국외대" not in reply


def test_a_pet_never_named_is_not_named(replier) -> None:
    said = ("나 고양이 키워", "엄청 도도해")
    reply = _reply(replier, "우리 고양이 이름 뭐라 그랬지?", said=said, memories=("[반려동물: 고양이]",))
    assert any(p in reply for p in ("못 들었", "몰라", "말해 준 적", "처음 듣")), reply


@pytest.mark.parametrize(("value", "said", "expected"), [
    ("지수", ["로라 안녕 나 지수야", "아 오타 ㅋㅋ 지수 아니고 지우야. 자동완성 진짜"], "지우"),
    ("다음 주 금요일 부산 방문", ["아 아니다 다음 주 말고 다다음 주 금요일이야"], "다다음 주 금요일 부산 방문"),
    ("오사카", ["여름휴가 오사카 가기로 했어!", "치킨 말고 피자 먹자"], "오사카"),  # another thing taken back
])
def test_what_the_user_took_back_is_replaced(value, said, expected) -> None:
    assert corrected(value, said) == expected


@pytest.mark.parametrize(("said", "question", "value"), [
    (["우리 집 어항에 구피 열 마리 있어", "밥 주는 거 재밌어"], "구피 몇 마리라 했지?", "열 마리"),
    (["PT 10회 끊었어", "트레이너 쌤 무서워"], "PT 몇 회 끊었다 했지?", "10회"),
    (["목표 점수는 850인데 지금 700 나와"], "목표 몇 점이라 했지?", "850"),
    (["설날에 명절 음식 했어", "친구 다섯 명이랑 캠핑 가"], "나 몇 명이서 간다 했지?", "다섯 명"),
])
def test_counts_come_with_their_unit(analyze, said, question, value) -> None:
    found = recollect(question, None, said, analyze)
    assert found is not None and found.value == value, found


def test_a_count_never_told_is_not_guessed(analyze) -> None:
    assert recollect("나 몇 명이서 간다 했지?", None, ["다음 달에 제주도 가"], analyze) is None


def test_the_pipeline_gives_the_replier_what_the_user_said(tmp_path) -> None:
    """Through the real conversation: a detail no memory item holds is answered from the earlier turns."""
    from ohlora.clock import ManualClock
    from ohlora.config import load_settings
    from ohlora.conversation.session import Conversation
    from ohlora.factory import build_services

    clock = ManualClock(NOW)
    services = build_services(load_settings(tmp_path, env={}, seed=5, llm_backend="embedded",
                                            embedding_backend="embedded"), clock=clock)
    try:
        conversation = Conversation(services, "u-said")
        for text in ("다음 주에 중간고사 시작이야 ㅠ", "첫 과목이 미적분이라 벌써 무서워"):
            conversation.turn(text)
            clock.advance(40)
        assert not any("미적분" in item for item in services.memory.items("u-said"))
        assert "미적분" in (conversation.turn("첫 과목 뭐였지?").reply or "")
    finally:
        services.close()


def test_a_question_cut_short_after_a_recall_question_is_one_too(replier) -> None:
    said = ("로라야 나 떡볶이 완전 좋아해", "근데 오이는 진짜 싫어", "내가 뭐 싫어한다 그랬지?")
    memories = ("[좋아하는 음식: 떡볶이]", "[싫어하는 음식: 오이]")
    assert "떡볶이" in _reply(replier, "좋아하는 건?", said=said, memories=memories)


def test_a_recall_question_the_judge_mistook_is_still_answered(replier) -> None:
    from ohlora.ethics.base import Category

    role_input = RoleInput(user="u", text="내 이름 한 번 불러줘", now=NOW, memories=("[이름: 민재]",),
                           flagged=(Category.LOVE,))
    assert "민재" in replier.generate(GenerationRequest("reply", role_input, 0.6, 80)).text
