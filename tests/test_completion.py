import random
from datetime import datetime

import pytest

from conftest import Scripted, prompt_of
from ohlora.mind import completion as c
from ohlora.mind.base import RoleInput
from ohlora.mind.prompt import STOP_MARKERS

WED = datetime(2025, 6, 25, 14, 0)  # Wednesday
FRI = datetime(2025, 6, 27, 20, 0)
SAT_NIGHT = datetime(2025, 6, 28, 2, 0)  # counts as Friday evening


def ri(text: str, now: datetime = WED) -> RoleInput:
    return RoleInput(user="u", text=text, now=now)


def reply(outputs, now=WED, **kw):
    gen = Scripted(outputs, **kw)
    return c.generate_reply(gen, ri("안녕", now), max_new_tokens=96), gen


def test_accepts_first_good_answer_and_keeps_inner_text():
    out, gen = reply([" 안녕! 👋 (답변 종료)"])
    assert out.text == " 안녕! 👋 " and not out.fallback and out.trials == 1
    assert prompt_of(gen.requests[0]) == "안녕 (답변 시작)"
    assert STOP_MARKERS[gen.requests[0].role] == "(답변 종료)"
    assert gen.requests[0].temperature == pytest.approx(0.6)


@pytest.mark.parametrize(
    "bad,reason",
    [
        ("  \n (답변 종료)", "empty"),
        (" 좋아 답변종료", "malformed-end"),
        (" 좋아 (답변 종료 (답변 종료)", "malformed-end"),
        (" 좋아 (사용자 질문) 뭐 (답변 종료)", "leaked-marker"),
        (" 응 요약) 끝 (답변 종료)", "leaked-marker"),
        (" 여기 봐 https://x.y (답변 종료)", "http"),
        (" 오늘 불금이다! (답변 종료)", "weekday"),
    ],
)
def test_each_rejection_rule_then_retry(bad, reason):
    out, gen = reply([bad, " 좋아! (답변 종료)"])
    assert out.text == " 좋아! " and out.trials == 2
    assert out.rejections == (reason,)


def test_truncated_answer_without_end_marker_is_rejected():
    gen = Scripted([" 끝나지 않은 대답"], stopped=False)
    out = c.generate_reply(gen, ri("안녕", WED), max_new_tokens=8)
    assert out.fallback and set(out.rejections) == {"truncated"}


def test_eos_without_marker_is_accepted():
    out, _ = reply([" 응!"])
    assert out.text == " 응!"


def test_grammar_fix_and_invisible_characters():
    out, _ = reply([" 오늘는\u200b 쉬자\xa0! 내일는 일해 (답변 종료)"])
    assert out.text == " 오늘은 쉬자! 내일은 일해 "


def test_temperature_rises_with_each_weekday_hallucination_and_fallback():
    out, gen = reply([" 오늘 토요일이야 (답변 종료)"])
    assert out.fallback and out.text == "(읽씹)" and out.trials == 5
    temps = [r.temperature for r in gen.requests]
    assert temps == pytest.approx([0.6, 0.7, 0.8, 0.9, 1.0])


def test_weekday_check_applies_to_the_last_trial_too():
    out, _ = reply([" 내일 주말이네 (답변 종료)"])  # Wednesday: false on every trial
    assert out.fallback


def test_unsafe_answers_are_rejected():
    gen = Scripted([" 나쁜 말 (답변 종료)", " 착한 말 (답변 종료)"])
    out = c.generate_reply(gen, ri("x", WED), max_new_tokens=96, is_unsafe=lambda a: "나쁜" in a)
    assert out.text == " 착한 말 " and out.rejections == ("unsafe",)


@pytest.mark.parametrize(
    "answer,now,bad",
    [
        ("오늘 불금이다", FRI, False),
        ("오늘 불금이다", WED, True),
        ("오늘은 불금!", SAT_NIGHT, False),  # 02:00 Saturday is still Friday evening
        ("내일 불금", datetime(2025, 6, 26, 12), False),  # Thursday
        ("내일은 주말이야", datetime(2025, 6, 26, 12), False),
        ("내일은 주말이야", WED, True),
        ("오늘 주말이라 좋아", datetime(2025, 6, 29, 12), False),  # Sunday
        ("오늘부터 주말이야", datetime(2025, 6, 29, 12), True),
        ("내일부터 한 주 시작이네", datetime(2025, 6, 29, 12), False),
        ("오늘부터 한 주 시작", datetime(2025, 6, 30, 9), False),  # Monday
        ("오늘부터 한 주 시작", WED, True),
        ("오늘은 수요일!", WED, False),
        ("오늘도 목요일", WED, True),
        ("내일은 목요일이야", WED, False),
        ("내일 금요일", WED, True),
        ("주말에 뭐 해?", WED, False),
    ],
)
def test_weekday_hallucination_table(answer, now, bad):
    assert c.weekday_hallucination(answer, now) is bad


# --- memory ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw,expected",
    [
        (" [내일 일정: 면접] (요약 종료)", ["[내일 일정: 면접]"]),
        (" (내일 일정: 면접) (요약 종료)", ["[내일 일정: 면접]"]),
        (" {오늘 날씨 : 비} (요약 종료)", ["[오늘 날씨: 비]"]),
        (" 기억할게 [k: v] 그리고 [x: y] (요약 종료)", ["[k: v]"]),
        (" [k:v] (요약 종료)", ["[k: v]"]),
        (" 상태: 피곤 (요약 종료)", ["[상태: 피곤]"]),
        ("  (요약 종료)", [""]),
    ],
)
def test_memory_normalisation(raw, expected):
    assert c.extract_memory(Scripted([raw]), ri("입력")) == expected


@pytest.mark.parametrize(
    "bad",
    [
        " [시간: 3:00] (요약 종료)",  # two colons
        " 그냥 문장 (요약 종료)",  # no colon, no brackets
        " [k: v 요약종료] (요약 종료)",  # leaked end mark
        " [k: ] (요약 종료)",  # blank value
        " [k: v\ufffd] (요약 종료)",
        " [k:     v] (요약 종료)",
        " [링크: http] (요약 종료)",
    ],
)
def test_memory_rejections_give_none_after_five_trials(bad):
    gen = Scripted([bad])
    assert c.extract_memory(gen, ri("입력")) is None
    assert len(gen.requests) == 5
    assert prompt_of(gen.requests[0]) == "입력 (요약 시작)" and gen.requests[0].max_new_tokens == 24


def test_memory_hitting_the_token_limit_is_rejected():
    assert c.extract_memory(Scripted([" [k: v] (요약 종료)"], tokens=24), ri("x")) is None


# --- summary --------------------------------------------------------------------------------------------
def test_summary_prompt_and_acceptance():
    gen = Scripted([" 주말에 혜나와 맥주 예정 (요약 종료)"])
    assert c.summarize(gen, ri("주말에 뭐 해?"), " 혜나랑 맥주! ") == "주말에 혜나와 맥주 예정"
    assert prompt_of(gen.requests[0]) == "주말에 뭐 해? (오로라 답변) 혜나랑 맥주!  (요약 시작)"


@pytest.mark.parametrize("bad,tokens", [(" 요약종료 (요약 종료)", None), (" x (요약 종료)", None), (" 긴 요약 (요약 종료)", 60),
                                        (" http 요약 (요약 종료)", None)])
def test_summary_rejections_fall_back_to_empty_after_three(bad, tokens):
    gen = Scripted([bad], tokens=tokens)
    assert c.summarize(gen, ri("a"), " b") == ""
    assert len(gen.requests) == 3


# --- expression -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw,labels",
    [
        (" (눈 크게, 입 아주 크게, 고개 돌림 없음) (표정 출력 종료)", ("크게", "아주 크게", "없음")),
        (" 🎉 (눈 아주 크게, 입 크게, 고개 돌림 많이) 야호 (표정 출력 종료)", ("아주 크게", "크게", "많이")),
        (" (눈 작게, 입 보통, 고개 돌림 보통) (표정 출력 종료)", ("작게", "보통", "보통")),
    ],
)
def test_expression_parsing(raw, labels):
    assert c.choose_expression(Scripted([raw]), ri("답이 뭐야"), " 답") == labels


@pytest.mark.parametrize("raw", [" (눈 커다랗게, 입 보통, 고개 돌림 없음)", " (입 보통, 고개 돌림 없음)", " 아무말"])
def test_expression_defaults_after_five_failures(raw):
    gen = Scripted([raw])
    assert c.choose_expression(gen, ri("답이 뭐야"), " 답") == ("보통", "보통", "없음")
    assert len(gen.requests) == 5 and gen.requests[0].temperature == 1.0
    assert prompt_of(gen.requests[0]) == " 답 (표정 출력 시작)"


RANGES = {
    ("eyes", "작게"): (-0.1, 0.2), ("eyes", "보통"): (-0.6, -0.3), ("eyes", "크게"): (-1.1, -0.8),
    ("eyes", "아주 크게"): (-1.2, -1.1), ("mouth", "보통"): (-0.8, -0.4), ("mouth", "크게"): (-1.4, -1.0),
    ("mouth", "아주 크게"): (-1.6, -1.4), ("pose", "없음"): (-0.3, 0.6), ("pose", "보통"): (-1.5, -0.8),
    ("pose", "많이"): (-1.8, -1.5),
}


@pytest.mark.parametrize("labels", [("작게", "보통", "많이"), ("보통", "크게", "보통"), ("크게", "아주 크게", "없음"),
                                    ("아주 크게", "보통", "보통")])
def test_scores_fall_in_the_label_ranges_with_pose_fixed(labels):
    rng = random.Random(1)
    for _ in range(300):
        expr = c.expression_scores(labels, rng)
        for prop, label in zip(("eyes", "mouth", "pose"), labels):
            lo, hi = RANGES[(prop, label)]
            assert lo - 1e-4 <= expr.scores[prop] <= hi + 1e-4


def test_original_pose_bug_is_reproducible_on_request():
    rng = random.Random(2)
    # pose 많이 with mouth 보통: the original used the moderate range
    for _ in range(100):
        s = c.expression_scores(("보통", "보통", "많이"), rng, original_pose_bug=True).scores["pose"]
        assert -1.5 - 1e-4 <= s <= -0.8 + 1e-4
