"""The original's marker strings. The released models were trained on them: keep them byte-exact."""

from __future__ import annotations

SUMMARY_PREFIX = "(오로라 답변 요약) "
QUESTION_MARK = " (사용자 질문) "
REPLY_START = " (답변 시작)"
REPLY_END = "(답변 종료)"
SUMMARY_START = " (요약 시작)"
SUMMARY_END = "(요약 종료)"
ANSWER_MARK = " (오로라 답변)"
EXPRESSION_START = " (표정 출력 시작)"
EXPRESSION_END = "(표정 출력 종료)"

# Everything that looks like one of our markers, with or without its spaces. User text that
# contains one is refused before it reaches a model (it would confuse the roles' parsing).
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

FALLBACK_REPLY = "(읽씹)"
