"""Time tag (spec §3.2): which weekday and part of the day a message that talks about time is read in."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class TimeTag:
    """The effective weekday letter ("금") and part of the day ("저녁") a message is read in."""

    day: str
    day_part: str


def tag_of(now: datetime) -> TimeTag:
    return TimeTag(WEEKDAYS[effective_day(now)], day_part(now))


def tag_for(text: str, now: datetime) -> TimeTag | None:
    """The tag when the message contains a time word (the original tags only those), else None."""
    if any(word in text for word in TRIGGER_WORDS):
        return tag_of(now)
    return None


def format_time_tag(tag: TimeTag) -> str:
    return f"(지금은 {tag.day}요일 {tag.day_part}) "


def time_tag(now: datetime) -> str:
    return format_time_tag(tag_of(now))


def add_time_tag(prompt: str, now: datetime) -> str:
    """The prompt with the tag in front when it contains a time word; unchanged otherwise."""
    tag = tag_for(prompt, now)
    return prompt if tag is None else format_time_tag(tag) + prompt
