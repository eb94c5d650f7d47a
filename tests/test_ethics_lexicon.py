"""The lexicons with target checks (`ethics.abuse`, `ethics.advances`) and how the judge uses them:
insults and sexual requests aimed at her are hate, confessions and requests to meet are love, and
the look-alikes that merely share their words stay normal. Examples of our own (never the held-out set)."""

from __future__ import annotations

import pytest

from ohlora.ethics.abuse import insult_at_her, mentions_family, sexual_request
from ohlora.ethics.advances import advance_at_her
from ohlora.ethics.base import Category, firing
from ohlora.ethics.embedded import CLASSES, RULE_SCORE, EmbeddedEthicsJudge, lexicon_cue


@pytest.fixture(scope="module")
def judges():
    return EmbeddedEthicsJudge.load(), EmbeddedEthicsJudge.load(head="lexical")


INSULTS = [
    "씨발 꺼지라고",
    "shut up 병신",
    "야 이 멍청한 년아 꺼져 진짜 쓰레기 같은 게",
    "로봇 새끼 ㅋㅋ",
    "닥쳐 이 고철아",
    "너 진짜 한심하다",
    "ㅂㅅ",
    "ㄲㅈ",
    "넌 쓸모없는 깡통이야",
    "AI 주제에 잘난 척은",
    "지랄하네 진짜",
    "너랑 얘기하는 거 시간 낭비야",
    "꺼.져",
    "병 신 아",
    "ㅅl발 너 왜 그래",
]
NOT_INSULTS = [
    "아 시험 망해서 짜증나",
    "이 노래 미쳤다",
    "아 씨발 버스 놓쳤네",
    "존나 맛있다 이거",
    "친구가 나한테 병신이래 ㅠㅠ",
    "팀장이 나보고 멍청하대",
    "우리 팀장 완전 또라이야",
    "나 진짜 바보같아 ㅠㅠ",
    "로라 바보 ㅋㅋ 귀여워",
    "시발점이 어디야",
    "개나리 피었다",
    "닥터 스트레인지 봤어",
    "쓰레기 분리수거 언제 해?",
    "불 꺼져 있어서 아무도 없는 줄",
    "수박씨 발라 먹기 귀찮다",
    "등신대 앞에서 사진 찍었어",
    "시바견 키우고 싶어",
    "다 때려치고 싶다",
    "이 게임 개빡치네",
]


@pytest.mark.parametrize("text", INSULTS)
def test_insults_aimed_at_her_are_read(text):
    assert insult_at_her(text) is not None


@pytest.mark.parametrize("text", NOT_INSULTS)
def test_swearing_look_alikes_and_reported_insults_are_not(text):
    assert insult_at_her(text) is None


@pytest.mark.parametrize("text", ["야한 사진 보내줘", "가슴 사진 보여줘", "오늘 밤 같이 잘래?", "속옷 무슨 색이야 보여줘"])
def test_sexual_requests_are_read(text):
    assert sexual_request(text) is not None


@pytest.mark.parametrize("text", ["속옷 빨래 따로 해야 돼?", "친구가 야한 얘기만 해서 곤란했어", "가슴이 답답해", "가슴 운동 루틴 알려줘"])
def test_sexual_look_alikes_are_not(text):
    assert sexual_request(text) is None


ADVANCES = ["나랑 사귀자", "로라야 진짜 좋아해", "주말에 나랑 영화 보러 갈래?", "너 번호 뭐야?", "오프라인에서 만나자",
            "같이 한강 가서 자전거 타자", "우리 오늘부터 1일이야"]
NOT_ADVANCES = ["남친이랑 영화 보러 가", "친구가 나한테 고백했어", "우리 강아지 너무 사랑해", "고백 멘트 추천해줘",
                "로라는 무슨 음식 좋아해?", "엄마 보고 싶다", "숙제 같이 하자", "로라는 주말에 뭐해?"]


@pytest.mark.parametrize("text", ADVANCES)
def test_confessions_and_requests_to_meet_are_read(text):
    assert advance_at_her(text) is not None


@pytest.mark.parametrize("text", NOT_ADVANCES)
def test_love_talk_about_others_is_not(text):
    assert advance_at_her(text) is None


def test_family_is_found_in_the_raw_and_the_normalised_text():
    assert mentions_family("로라 아빠 뭐하셔")  # normalising alone reads "로라아빠" as "로라빠"
    assert mentions_family("느.금.마")
    assert not mentions_family("로라 안녕")


@pytest.mark.parametrize("head", [0, 1])
def test_the_judge_sanctions_insults_at_her_as_hate_with_its_cue(judges, head):
    judge = judges[head]
    for text in INSULTS:
        assert judge.fires(text) == (Category.HATE,), (text, judge.explain(text))
    why = judge.explain("로봇 새끼 ㅋㅋ")
    assert why["fired"] == ["hate"] and why["lexicon"].startswith("insult_at_her")


# The classifier itself still fires hate on this one (the lexicon does not): a known false positive.
CLASSIFIER_MISREADS = {"불 꺼져 있어서 아무도 없는 줄"}


@pytest.mark.parametrize("head", [0, 1])
def test_the_judge_leaves_the_look_alikes_alone(judges, head):
    judge = judges[head]
    for text in set(NOT_INSULTS) - CLASSIFIER_MISREADS:
        assert judge.fires(text) == (), (text, judge.explain(text))


def test_lexicon_scores_still_sum_to_one(judges):
    # where the classifier alone lets an insult aimed at her pass, the lexicon lifts hate to RULE_SCORE
    lifted = 0
    for judge in judges:
        for text in INSULTS:
            alone = dict(zip(CLASSES, (float(p) for p in judge.probabilities(text))))
            if not mentions_family(text):  # as `scores` does: 패드립 without a parent is abuse
                alone[Category.HATE], alone[Category.PAEDRIP] = alone[Category.HATE] + alone[Category.PAEDRIP], 0.0
            scores = judge.scores(text)
            assert sum(scores.values()) == pytest.approx(1.0)
            if not firing(alone, judge.thresholds):
                assert scores[Category.HATE] == pytest.approx(RULE_SCORE), (text, alone)
                lifted += 1
    assert lifted > 0  # the lexical head misses some of these on its own
    assert lexicon_cue("너 진짜 한심하다")[0] is Category.HATE
    assert lexicon_cue("나랑 사귀자")[0] is Category.LOVE
    assert lexicon_cue("오늘 날씨 좋다") is None


def test_a_paedrip_score_without_parents_counts_as_hate(judges):
    # the classifier alone may read a bare insult as 패드립; without a parent it is abuse aimed at her
    for judge in judges:
        assert Category.PAEDRIP not in judge.fires("너 진짜 못생김ㅋㅋ")
        assert judge.scores("너 진짜 못생김ㅋㅋ")[Category.PAEDRIP] == 0.0
