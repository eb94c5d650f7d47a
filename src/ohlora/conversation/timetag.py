"""Time tag (spec §3.2): '(지금은 X요일 Y) ' before prompts that talk about time."""

from __future__ import annotations

from datetime import datetime, timedelta

TRIGGER_WORDS = ("오늘", "내일", "지금", "요일", "이따", "휴일")
WEEKDAYS = "월화수목금토일"  # datetime.weekday() order


def effective_day(now: datetime) -> int:
    """Weekday index (0 = 월) of the 'day' a person means: before 04:00 still counts as yesterday."""
    if now.hour < 4:
        return (now - timedelta(days=1)).weekday()
    return now.weekday()


def day_part(now: datetime) -> str:
    h = now.hour
    if h < 4:
        return "저녁"
    if h < 12:
        return "오전"
    if h < 17:
        return "오후"
    if h < 18:
        return "저녁" if now.weekday() == 4 else "오후"
    return "저녁"


def time_tag(now: datetime) -> str:
    return f"(지금은 {WEEKDAYS[effective_day(now)]}요일 {day_part(now)}) "


def add_time_tag(prompt: str, now: datetime) -> str:
    """The prompt with the tag in front when it contains a time word; unchanged otherwise."""
    if any(word in prompt for word in TRIGGER_WORDS):
        return time_tag(now) + prompt
    return prompt
