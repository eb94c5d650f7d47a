"""Building the final LLM input (spec §3.5) and reading it back (for the embedded roles)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ohlora.conversation.markers import QUESTION_MARK, SUMMARY_PREFIX


def compose_input(tagged_prompt: str, memory: str | None, summary: str) -> str:
    """The original's three cases: memory first; else summary prefix when there is one; else the prompt."""
    if memory:
        return f"{memory} {tagged_prompt}"
    if summary:
        return f"{SUMMARY_PREFIX}{summary}{QUESTION_MARK}{tagged_prompt}"
    return tagged_prompt


_TAG = re.compile(r"^\(지금은 ([월화수목금토일])요일 (오전|오후|저녁)\)\s?")
_MEMORY = re.compile(r"^(\[[^\[\]]*\]) ")


@dataclass(frozen=True)
class ParsedInput:
    """The parts of a composed input, as an embedded role sees them."""

    user_text: str
    memory: str | None = None  # "[key: value]"
    summary: str | None = None
    day: str | None = None  # weekday letter of the time tag, e.g. "금"
    day_part: str | None = None  # 오전 / 오후 / 저녁

    @property
    def memory_key(self) -> str | None:
        kv = split_memory(self.memory) if self.memory else None
        return kv[0] if kv else None

    @property
    def memory_value(self) -> str | None:
        kv = split_memory(self.memory) if self.memory else None
        return kv[1] if kv else None


def split_memory(item: str) -> tuple[str, str] | None:
    """'[내일 일정: 면접]' -> ('내일 일정', '면접'); None when it is not in that form."""
    m = re.fullmatch(r"\s*\[([^\[\]:]+):\s*([^\[\]]*)\]\s*", item)
    if not m:
        return None
    return m.group(1).strip(), m.group(2).strip()


def parse_input(text: str) -> ParsedInput:
    """Inverse of `compose_input` followed by the time tag (markers must already be stripped off)."""
    memory = summary = None
    rest = text.strip()
    if rest.startswith(SUMMARY_PREFIX.strip()) and QUESTION_MARK.strip() in rest:
        head, _, rest = rest.partition(QUESTION_MARK.strip())
        summary = head[len(SUMMARY_PREFIX.strip()) :].strip() or None
        rest = rest.strip()
    else:
        m = _MEMORY.match(rest)
        if m:
            memory = m.group(1)
            rest = rest[m.end() :]
    day = day_part = None
    m = _TAG.match(rest)
    if m:
        day, day_part = m.group(1), m.group(2)
        rest = rest[m.end() :]
    return ParsedInput(user_text=rest.strip(), memory=memory, summary=summary, day=day, day_part=day_part)
