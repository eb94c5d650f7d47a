"""The original's prompt format, built from a role input (only the LLM back-ends use it)."""

from datetime import datetime

from ohlora.mind.base import RoleInput, split_memory
from ohlora.mind.prompt import compose_input, final_input, role_prompt
from ohlora.mind.timetag import TimeTag, tag_for

WED = datetime(2025, 6, 25, 14, 0)


def test_memory_first_and_no_summary():
    got = compose_input("(지금은 수요일 오후) 아 오늘 약속 있는데 어떡하지?", "[오늘 날씨: 비]", "비 온다고 함")
    assert got == "[오늘 날씨: 비] (지금은 수요일 오후) 아 오늘 약속 있는데 어떡하지?"


def test_summary_prefix_when_no_memory():
    got = compose_input("몇 단계로 먹어?", None, "마라탕을 제일 좋아함")
    assert got == "(오로라 답변 요약) 마라탕을 제일 좋아함 (사용자 질문) 몇 단계로 먹어?"


def test_plain_prompt_without_memory_or_summary():
    assert compose_input("안녕", None, "") == "안녕"
    assert compose_input("안녕", None, None) == "안녕"


def test_final_input_puts_the_time_tag_before_the_words():
    text = "아 오늘 약속 있는데 어떡하지?"
    role_input = RoleInput(user="u", text=text, now=WED, memory="[오늘 날씨: 비]", time_tag=tag_for(text, WED))
    assert final_input(role_input) == "[오늘 날씨: 비] (지금은 수요일 오후) 아 오늘 약속 있는데 어떡하지?"
    assert tag_for("그냥 심심해", WED) is None


def test_each_role_prompt_ends_with_its_start_marker():
    base = RoleInput(user="u", text="떨려", now=WED, summary="면접 얘기", time_tag=TimeTag("목", "저녁"))
    assert role_prompt("reply", base) == "(오로라 답변 요약) 면접 얘기 (사용자 질문) (지금은 목요일 저녁) 떨려 (답변 시작)"
    assert role_prompt("memory", base).endswith("떨려 (요약 시작)")
    answered = RoleInput(user="u", text="주말에 뭐 해?", now=WED, answer=" 혜나랑 맥주! ")
    assert role_prompt("summary", answered) == "주말에 뭐 해? (오로라 답변) 혜나랑 맥주!  (요약 시작)"
    assert role_prompt("expression", answered) == " 혜나랑 맥주!  (표정 출력 시작)"


def test_role_input_reads_the_memory_item():
    role_input = RoleInput(user="u", text="떨려", now=WED, memory="[내일 일정: 면접]")
    assert (role_input.memory_key, role_input.memory_value) == ("내일 일정", "면접")


def test_split_memory():
    assert split_memory("[반려동물: 강아지 콩이]") == ("반려동물", "강아지 콩이")
    assert split_memory("그냥 문장") is None
