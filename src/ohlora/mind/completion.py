"""The four text roles with the original's validation and retry rules (spec §3.6–3.10).

Each function takes a `Generator` (released LoRA model or embedded component) and the turn's
`RoleInput`, and returns the accepted result. Generators return only their output (never the
prompt), so the original's character-offset slicing bug cannot happen here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from ohlora.face.base import Expression
from ohlora.mind.base import GenerationRequest, Generator, RoleInput
from ohlora.mind.prompt import FALLBACK_REPLY, REPLY_END, SUMMARY_END
from ohlora.mind.timetag import WEEKDAYS, effective_day

REPLY_TRIALS = 5
MEMORY_TRIALS = 5
SUMMARY_TRIALS = 3
EXPRESSION_TRIALS = 5
REPLY_TEMPERATURE = 0.6
MEMORY_TEMPERATURE = 0.6
SUMMARY_TEMPERATURE = 0.6
EXPRESSION_TEMPERATURE = 1.0
MEMORY_MAX_NEW_TOKENS = 24
SUMMARY_MAX_NEW_TOKENS = 64
SUMMARY_REJECT_TOKENS = 60
EXPRESSION_MAX_NEW_TOKENS = 36

_INVISIBLE = ("\u200b", "\xa0")


def _clean(text: str) -> str:
    for ch in _INVISIBLE:
        text = text.replace(ch, "")
    return text


# --- reply ---------------------------------------------------------------------------------------------
# (phrases, weekday indices on which they are true) -- spec §3.6 day-of-week hallucination table
_MON, _TUE, _WED, _THU, _FRI, _SAT, _SUN = range(7)
_DAY_PHRASES: tuple[tuple[tuple[str, ...], frozenset[int]], ...] = (
    (("내일 주말", "내일은 주말"), frozenset({_THU, _FRI, _SAT})),
    (("오늘 주말", "오늘은 주말"), frozenset({_FRI, _SAT, _SUN})),
    (("내일부터 주말이",), frozenset({_THU, _FRI})),
    (("오늘부터 주말이",), frozenset({_FRI, _SAT})),
    (("내일 불금", "내일은 불금"), frozenset({_THU})),
    (("오늘 불금", "오늘은 불금"), frozenset({_FRI})),
    (("내일부터 한 주 시작",), frozenset({_SAT, _SUN})),
    (("오늘부터 한 주 시작",), frozenset({_SUN, _MON})),
)


def weekday_hallucination(answer: str, now: datetime) -> bool:
    """True when the answer claims a day fact that is false for the effective day (before 04:00 = yesterday)."""
    today = effective_day(now)
    for phrases, allowed in _DAY_PHRASES:
        if today not in allowed and any(p in answer for p in phrases):
            return True
    tomorrow = (today + 1) % 7
    for index, letter in enumerate(WEEKDAYS):
        for prefix, day in (("오늘", today), ("내일", tomorrow)):
            if index != day and any(f"{prefix}{j} {letter}요일" in answer for j in ("", "은", "도")):
                return True
    return False


@dataclass(frozen=True)
class ReplyOutcome:
    text: str  # accepted answer without the end marker (leading space kept), or "(읽씹)"
    fallback: bool
    trials: int
    rejections: tuple[str, ...] = ()


def reply_rejection(text: str, stopped: bool, now: datetime, check_days: bool) -> str | None:
    """Why a reply trial is rejected (None = accepted). Rules of spec §3.6, plus truncation."""
    without_end = text.replace(REPLY_END, "")
    if not without_end.replace("\n", "").replace(" ", ""):
        return "empty"
    if "답변 종료" in without_end or "답변종료" in without_end:
        return "malformed-end"
    compact = text.replace(" ", "")
    if "(사용자" in compact or "요약)" in compact:
        return "leaked-marker"
    if check_days and weekday_hallucination(text, now):
        return "weekday"
    if "http" in text:
        return "http"
    if not stopped and REPLY_END not in text:
        return "truncated"
    return None


def generate_reply(
    generator: Generator,
    role_input: RoleInput,
    *,
    max_new_tokens: int,
    is_unsafe: Callable[[str], bool] | None = None,
    on_text: Callable[[int, str], None] | None = None,
) -> ReplyOutcome:
    """Up to 5 trials; temperature 0.6 + 0.1 per weekday hallucination so far; fallback "(읽씹)".

    Unlike the original, the weekday check also applies to the last trial (spec §12 bug 7), an
    answer cut off before its end marker is rejected (bug 6), and `is_unsafe` (the ethics judge on
    Oh-LoRA's own words) can reject an answer before anyone sees it. `on_text(trial, piece)`
    receives the output of each trial as it is made.
    """
    now = role_input.now
    hallucinations = 0
    rejections: list[str] = []
    for trial in range(REPLY_TRIALS):
        request = GenerationRequest(
            role="reply",
            input=role_input,
            temperature=REPLY_TEMPERATURE + 0.1 * hallucinations,
            max_new_tokens=max_new_tokens,
            trial=trial,
        )
        pieces = None if on_text is None else (lambda piece, trial=trial: on_text(trial, piece))
        generation = generator.generate(request, on_text=pieces)
        text = _clean(generation.text).replace("오늘는", "오늘은").replace("내일는", "내일은")
        # keep only what precedes the end marker: anything after it is not part of the answer
        if REPLY_END in text:
            text = text[: text.index(REPLY_END) + len(REPLY_END)]
        reason = reply_rejection(text, generation.stopped, now, check_days=True)
        answer = text.replace(REPLY_END, "")
        if reason is None and is_unsafe is not None and is_unsafe(answer):
            reason = "unsafe"
        if reason is None:
            return ReplyOutcome(answer, False, trial + 1, tuple(rejections))
        rejections.append(reason)
        if reason == "weekday":
            hallucinations += 1
    return ReplyOutcome(FALLBACK_REPLY, True, REPLY_TRIALS, tuple(rejections))


def draft_text(raw: str) -> str:
    """What a half-made answer shows: up to the end marker, a partial marker at the tail hidden."""
    end = raw.find(REPLY_END)
    if end >= 0:
        return _clean(raw[:end]).strip()
    for k in range(len(REPLY_END) - 1, 0, -1):
        if raw.endswith(REPLY_END[:k]):
            return _clean(raw[:-k]).strip()
    return _clean(raw).strip()


# --- memory ----------------------------------------------------------------------------------------------
def normalise_memory(text: str) -> str:
    """The original's bracket and colon normalisation (spec §3.8 steps 2–5)."""
    for a, b in (("(", "["), (")", "]"), ("{", "["), ("}", "]")):
        text = text.replace(a, b)
    text = text.replace(" : ", ": ")
    if "[" in text and "]" in text:
        start = text.index("[")
        end = text.find("]", start)
        if end != -1:
            text = text[start : end + 1]
    if ": " not in text:
        text = text.replace(":", ": ")
    if "[" not in text and "]" not in text and ": " in text:
        text = f"[{text}]"
    return text


def memory_format_ok(text: str) -> bool:
    if not text.strip():
        return True  # blank: nothing to remember, which is a valid answer
    if not (text.startswith("[") and text.endswith("]") and ": " in text):
        return False
    if text.count("[") != 1 or text.count("]") != 1 or text.count(":") != 1:
        return False
    key, _, value = text[1:-1].partition(":")
    return bool(key.strip()) and bool(value.strip())


def extract_memory(generator: Generator, role_input: RoleInput) -> list[str] | None:
    """A one-item list (maybe blank) when a trial is accepted, None after 5 failures."""
    for trial in range(MEMORY_TRIALS):
        generation = generator.generate(
            GenerationRequest("memory", role_input, MEMORY_TEMPERATURE, MEMORY_MAX_NEW_TOKENS, trial)
        )
        text = _clean(generation.text)
        if SUMMARY_END in text:
            text = text[: text.index(SUMMARY_END)]
        text = normalise_memory(text.strip())
        if "요약 종료" in text or "요약종료" in text:
            continue
        if generation.new_tokens >= MEMORY_MAX_NEW_TOKENS:
            continue
        if not memory_format_ok(text):
            continue
        if "\ufffd" in text or "     " in text or "http" in text:
            continue
        return [text]
    return None


# --- summary ---------------------------------------------------------------------------------------------
def summarize(generator: Generator, role_input: RoleInput, answer: str) -> str:
    """The accepted summary, or "" after 3 failures (then the next turn has no summary prefix)."""
    role_input = replace(role_input, answer=answer)
    for trial in range(SUMMARY_TRIALS):
        generation = generator.generate(
            GenerationRequest("summary", role_input, SUMMARY_TEMPERATURE, SUMMARY_MAX_NEW_TOKENS, trial)
        )
        text = _clean(generation.text)
        if SUMMARY_END in text:
            text = text[: text.index(SUMMARY_END) + len(SUMMARY_END)]
        text = text.strip()
        without_end = text.replace(SUMMARY_END, "")
        if "요약 종료" in without_end or "요약종료" in without_end:
            continue
        if generation.new_tokens >= SUMMARY_REJECT_TOKENS:
            continue
        if len(without_end.strip()) < 2 or "http" in without_end:
            continue
        return without_end.strip()
    return ""


# --- expression ---------------------------------------------------------------------------------------------
EYES_LABELS = ("작게", "보통", "크게", "아주 크게")
MOUTH_LABELS = ("보통", "크게", "아주 크게")
POSE_LABELS = ("없음", "보통", "많이")
DEFAULT_EXPRESSION = ("보통", "보통", "없음")


def _field(text: str, name: str) -> str | None:
    if name not in text:
        return None
    value = text.split(name, 1)[1].split(",", 1)[0].split(")", 1)[0]
    return value


def _label(value: str | None, labels: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    found = None
    for label in labels:  # the last matching label in list order wins, like the original
        if value.startswith(label):
            found = label
    return found


def parse_expression(text: str) -> tuple[str, str, str] | None:
    eyes = _label(_field(text, "눈 "), EYES_LABELS)
    mouth = _label(_field(text, "입 "), MOUTH_LABELS)
    pose = _label(_field(text, "고개 돌림 "), POSE_LABELS)
    if eyes is None or mouth is None or pose is None:
        return None
    return eyes, mouth, pose


def choose_expression(generator: Generator, role_input: RoleInput, answer: str) -> tuple[str, str, str]:
    role_input = replace(role_input, answer=answer)
    for trial in range(EXPRESSION_TRIALS):
        generation = generator.generate(
            GenerationRequest("expression", role_input, EXPRESSION_TEMPERATURE, EXPRESSION_MAX_NEW_TOKENS, trial)
        )
        labels = parse_expression(_clean(generation.text))
        if labels is not None:
            return labels
    return DEFAULT_EXPRESSION


@dataclass(frozen=True)
class TurnExpression:
    """Her expression for one answer: the labels the expression role chose and the face weights drawn
    from them (`weights` is what the face animates; more negative = wider eyes, more open mouth)."""

    eyes: str
    mouth: str
    pose: str
    weights: Expression = field(default_factory=Expression)

    @property
    def scores(self) -> dict[str, float]:
        return {"eyes": self.weights.eyes, "mouth": self.weights.mouth, "pose": self.weights.pose}

    def to_dict(self) -> dict:
        return {"eyes": self.eyes, "mouth": self.mouth, "pose": self.pose, "scores": self.scores}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TurnExpression:
        scores = data.get("scores") or {}
        base = Expression()
        weights = Expression(float(scores.get("eyes", base.eyes)), float(scores.get("mouth", base.mouth)),
                             float(scores.get("pose", base.pose)))
        return cls(str(data.get("eyes", "")), str(data.get("mouth", "")), str(data.get("pose", "")), weights)


_EYES_RANGES = MappingProxyType({"작게": (-0.2, 0.1), "보통": (0.3, 0.6), "크게": (0.8, 1.1)})
_EYES_OTHER = (1.1, 1.2)
_MOUTH_RANGES = MappingProxyType({"보통": (0.4, 0.8), "크게": (1.0, 1.4)})
_MOUTH_OTHER = (1.4, 1.6)
_POSE_RANGES = MappingProxyType({"없음": (-0.6, 0.3), "보통": (0.8, 1.5)})
_POSE_OTHER = (1.5, 1.8)


def expression_scores(
    labels: tuple[str, str, str], rng: random.Random, *, original_pose_bug: bool = False
) -> Expression:
    """Label → weight (spec §3.10): uniform in the label's range, then × −1.

    The original chose the pose range from the *mouth* label; we use the pose label unless
    `original_pose_bug` asks for bit-parity with the original.
    """
    eyes, mouth, pose = labels

    def draw(lo_hi: tuple[float, float]) -> float:
        lo, hi = lo_hi
        return -(lo + (hi - lo) * rng.random())

    pose_key = pose
    if original_pose_bug and pose != "없음":
        pose_key = "보통" if mouth == "보통" else "많이"
    weights = Expression(
        round(draw(_EYES_RANGES.get(eyes, _EYES_OTHER)), 4),
        round(draw(_MOUTH_RANGES.get(mouth, _MOUTH_OTHER)), 4),
        round(draw(_POSE_RANGES.get(pose_key, _POSE_OTHER)), 4),
    )
    return TurnExpression(eyes, mouth, pose, weights)


def display_reply(answer: str) -> str:
    """The answer as shown: surrounding whitespace trimmed (the model's leading space is internal)."""
    return answer.strip()
