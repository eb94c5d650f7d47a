from datetime import datetime

import pytest

from ohlora.mind.timetag import TRIGGER_WORDS, add_time_tag

# 2025-06-23 is a Monday; day offsets 0..6 give 월..일
DAYS = "월화수목금토일"


def at(day_index: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, 23 + day_index, hour, minute)


# (hour, minute, day shift, part for a non-Friday, part on Friday)
ROWS = [
    (0, 0, -1, "저녁", "저녁"),
    (3, 59, -1, "저녁", "저녁"),
    (4, 0, 0, "오전", "오전"),
    (11, 59, 0, "오전", "오전"),
    (12, 0, 0, "오후", "오후"),
    (16, 59, 0, "오후", "오후"),
    (17, 0, 0, "오후", "저녁"),
    (17, 59, 0, "오후", "저녁"),
    (18, 0, 0, "저녁", "저녁"),
    (23, 59, 0, "저녁", "저녁"),
]


@pytest.mark.parametrize("day_index", range(7))
@pytest.mark.parametrize("hour,minute,shift,part,friday_part", ROWS)
def test_every_day_part_row(day_index, hour, minute, shift, part, friday_part):
    now = at(day_index, hour, minute)
    expected_day = DAYS[(day_index + shift) % 7]
    expected_part = friday_part if DAYS[day_index] == "금" else part
    assert add_time_tag("오늘 뭐해?", now) == f"(지금은 {expected_day}요일 {expected_part}) 오늘 뭐해?"


def test_saturday_examples_from_the_spec():
    assert add_time_tag("로라야 오늘 약속 없는데 뭐하지", at(5, 14)) == "(지금은 토요일 오후) 로라야 오늘 약속 없는데 뭐하지"
    assert add_time_tag("지금 뭐해", at(5, 1, 30)).startswith("(지금은 금요일 저녁) ")


def test_monday_before_four_is_sunday_evening():
    assert add_time_tag("지금 자?", at(0, 2)).startswith("(지금은 일요일 저녁) ")


@pytest.mark.parametrize("word", TRIGGER_WORDS)
def test_each_trigger_word_adds_the_tag(word):
    assert add_time_tag(f"로라야 {word} 뭐 해", at(2, 9)).startswith("(지금은 수요일 오전) ")


@pytest.mark.parametrize("text", ["로라야 안녕", "마라탕 좋아해?", "어제 뭐 했어", "주말에 뭐 해", "", "오 늘"])
def test_no_trigger_word_leaves_the_prompt_unchanged(text):
    assert add_time_tag(text, at(4, 20)) == text
