from ohlora.conversation.compose import compose_input, parse_input, split_memory


def test_memory_first_and_no_summary():
    got = compose_input("(지금은 수요일 오후) 아 오늘 약속 있는데 어떡하지?", "[오늘 날씨: 비]", "비 온다고 함")
    assert got == "[오늘 날씨: 비] (지금은 수요일 오후) 아 오늘 약속 있는데 어떡하지?"


def test_summary_prefix_when_no_memory():
    got = compose_input("몇 단계로 먹어?", None, "마라탕을 제일 좋아함")
    assert got == "(오로라 답변 요약) 마라탕을 제일 좋아함 (사용자 질문) 몇 단계로 먹어?"


def test_plain_prompt_without_memory_or_summary():
    assert compose_input("안녕", None, "") == "안녕"


def test_parse_inverts_compose():
    for memory, summary, tagged in [
        ("[내일 일정: 면접]", "", "(지금은 목요일 저녁) 떨려"),
        (None, "감기, 휴식 권유", "(지금은 월요일 오전) 오늘도 아파"),
        (None, "", "그냥 심심해"),
    ]:
        parsed = parse_input(compose_input(tagged, memory, summary))
        assert parsed.memory == memory
        assert (parsed.summary or "") == summary
        assert parsed.user_text == tagged.split(") ", 1)[-1]
    parsed = parse_input("[내일 일정: 면접] (지금은 목요일 저녁) 떨려")
    assert (parsed.day, parsed.day_part, parsed.memory_key, parsed.memory_value) == ("목", "저녁", "내일 일정", "면접")


def test_split_memory():
    assert split_memory("[반려동물: 강아지 콩이]") == ("반려동물", "강아지 콩이")
    assert split_memory("그냥 문장") is None
