"""The original's prompt format, for the LLM back-ends that continue it (spec §3.2, §3.5–3.10).

The released LoRA adapters were trained on these marker strings: keep them byte-exact. A role's
prompt is built here from its `RoleInput`; the embedded roles read the input's fields instead and
never see (or parse) a prompt.
"""

from __future__ import annotations

from types import MappingProxyType

from ohlora.mind.base import RoleInput
from ohlora.mind.timetag import format_time_tag

SUMMARY_PREFIX = "(오로라 답변 요약) "
QUESTION_MARK = " (사용자 질문) "
REPLY_START = " (답변 시작)"
REPLY_END = "(답변 종료)"
SUMMARY_START = " (요약 시작)"
SUMMARY_END = "(요약 종료)"
ANSWER_MARK = " (오로라 답변)"
EXPRESSION_START = " (표정 출력 시작)"
EXPRESSION_END = "(표정 출력 종료)"

FALLBACK_REPLY = "(읽씹)"  # the original's answer when every reply trial failed

# Everything that looks like one of our markers, with or without its spaces. User text that
# contains one is refused before it reaches a model (it would break the prompt format).
ALL_MARKERS = (
    "(오로라 답변 요약)",
    "(사용자 질문)",
    "(답변 시작)",
    "(답변 종료)",
    "(요약 시작)",
    "(요약 종료)",
    "(오로라 답변)",
    "(표정 출력 시작)",
    "(표정 출력 종료)",
)

# The marker that ends each role's output (generation stops right after it).
STOP_MARKERS = MappingProxyType({
    "reply": REPLY_END,
    "memory": SUMMARY_END,
    "summary": SUMMARY_END,
    "expression": EXPRESSION_END,
})


def compose_input(tagged_prompt: str, memory: str | None, summary: str | None) -> str:
    """The original's three cases: memory first; else the summary prefix when there is one; else the prompt."""
    if memory:
        return f"{memory} {tagged_prompt}"
    if summary:
        return f"{SUMMARY_PREFIX}{summary}{QUESTION_MARK}{tagged_prompt}"
    return tagged_prompt


def final_input(role_input: RoleInput) -> str:
    """The user's words with the time tag in front, composed with the memory or previous summary."""
    tagged = role_input.text
    if role_input.time_tag is not None:
        tagged = format_time_tag(role_input.time_tag) + tagged
    return compose_input(tagged, role_input.memory, role_input.summary)


def role_prompt(role: str, role_input: RoleInput) -> str:
    """The whole prompt a released adapter continues, ending with the role's start marker."""
    if role == "reply":
        return final_input(role_input) + REPLY_START
    if role == "memory":
        return final_input(role_input) + SUMMARY_START
    if role == "summary":
        return final_input(role_input) + ANSWER_MARK + (role_input.answer or "") + SUMMARY_START
    if role == "expression":
        return (role_input.answer or "") + EXPRESSION_START
    raise ValueError(f"unknown role: {role}")
