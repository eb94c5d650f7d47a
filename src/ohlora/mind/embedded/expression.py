"""Embedded expression tagger: eyes, mouth and head turn for Oh-LoRA's answer.

It serves the eyes_mouth_pose role like the fine-tuned Polyglot model: it reads the answer from
the role input and writes the original's output, " (눈 <eyes>, 입 <mouth>, 고개 돌림 <pose>) (표정 출력 종료)".
Cue words and emoji of her actual reply put it in one mood, following the dataset's pattern:
apologies and refusals → narrow eyes, a head turned a lot; embarrassment and pouting (부끄, 😳,
😅, 흥) → narrow eyes, the head turned a little; surprise (헉, 헐, 진짜?!) → very wide eyes, an open
mouth; congratulations and big excitement → very wide eyes and mouth; cheerfulness → wide eyes and
mouth; comfort → a calm face; plain facts → 보통/보통/없음. Each mood is a distribution over labels
whose main label is the one a careful reader would choose; the labels are drawn with the injected
rng, sharpened or flattened by the request temperature, so the face varies a little while the
mood's main label wins most of the time. Our own labelled replies and the agreement figures:
tests/data/expression_dev.jsonl, tests/data/expression_blind.jsonl, tests/test_embedded_roles.py.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ohlora.mind.base import Generation, GenerationRequest
from ohlora.mind.embedded.korean import estimate_tokens
from ohlora.mind.prompt import EXPRESSION_END

EYES = ("작게", "보통", "크게", "아주 크게")
MOUTH = ("보통", "크게", "아주 크게")
POSE = ("없음", "보통", "많이")


@dataclass(frozen=True)
class Mood:
    eyes: tuple[float, float, float, float]  # weights in EYES order
    mouth: tuple[float, float, float]  # MOUTH order
    pose: tuple[float, float, float]  # POSE order


MOODS = MappingProxyType(
    {
        "refuse": Mood(eyes=(0.85, 0.13, 0.02, 0.0), mouth=(0.92, 0.08, 0.0), pose=(0.05, 0.25, 0.70)),
        "shy": Mood(eyes=(0.80, 0.18, 0.02, 0.0), mouth=(0.92, 0.08, 0.0), pose=(0.12, 0.78, 0.10)),
        "surprise": Mood(eyes=(0.0, 0.03, 0.17, 0.80), mouth=(0.12, 0.78, 0.10), pose=(0.92, 0.08, 0.0)),
        "thrilled": Mood(eyes=(0.0, 0.03, 0.17, 0.80), mouth=(0.03, 0.17, 0.80), pose=(0.92, 0.08, 0.0)),
        "happy": Mood(eyes=(0.0, 0.12, 0.85, 0.03), mouth=(0.12, 0.85, 0.03), pose=(0.92, 0.08, 0.0)),
        "comfort": Mood(eyes=(0.08, 0.87, 0.05, 0.0), mouth=(0.92, 0.08, 0.0), pose=(0.88, 0.12, 0.0)),
        "neutral": Mood(eyes=(0.03, 0.87, 0.10, 0.0), mouth=(0.90, 0.10, 0.0), pose=(0.95, 0.05, 0.0)),
    }
)

# (pattern, weight) per mood family; each pattern counts once.
_CUES: MappingProxyType[str, tuple[tuple[re.Pattern[str], float], ...]] = MappingProxyType(
    {
        "refuse": tuple(
            (re.compile(p), w)
            for p, w in (
                (r"미안", 2.0), (r"부담", 2.0), (r"안\s?돼", 2.0), (r"곤란", 2.0), (r"못\s?해", 2.0), (r"죄송", 2.0),
                (r"어려울\s?것\s?같", 1.5), (r"거절", 1.0), (r"싫어", 1.0), (r"[ㅠㅜ]", 1.0), (r"[😥😢😓🥲🙏😰]", 0.5),
            )
        ),
        "shy": tuple(
            (re.compile(p), w)
            for p, w in (
                (r"부끄|쑥스|민망|창피", 2.0), (r"[😳😤]", 2.0), (r"(?:^|\s)흥[\s,!.~]", 1.5), (r"[😅🥲]", 1.0),
                (r"(?:^|\s)(?:앗|에이)(?:\s|$)", 1.0), (r"모르겠", 0.5),
            )
        ),
        "surprise": tuple(
            (re.compile(p), w)
            for p, w in (
                (r"(?:^|\s)(?:헉|헐|엥|어머|세상에)", 2.0), (r"(?:진짜|정말|실화)\s?[?!]|정말로", 1.5), (r"\?!|!\?", 1.5),
                (r"[😮😲😱🙀]", 1.5), (r"벌써", 0.5),
            )
        ),
        "excite": tuple(
            (re.compile(p), w)
            for p, w in (
                (r"!!", 1.5), (r"우와|와우|우왕", 2.0), (r"대박", 2.0), (r"축하|ㅊㅋ", 2.5), (r"[🎉🥳🎊🎂]", 2.0),
                (r"(?:^|\s)꺄", 2.0), (r"[😆🤩😍]", 1.5), (r"ㅋㅋ|ㅎㅎ", 1.0), (r"최고|최애", 1.0), (r"짱", 1.0),
                (r"멋지|멋있|멋져", 1.0), (r"신나|신난", 1.0), (r"오!|와!", 1.0), (r"반가워|반갑|좋은\s?아침|굿모닝", 1.0),
                (r"화이팅|파이팅", 1.0), (r"재밌|재미있|설레|기분\s?좋", 1.0),
                (r"[✨💕💖😊😄😁🎵🎶☀🌞💪🍀🌳🌙🐾🍗🍺🍻😋🤗👍❤🌶]", 0.5),
            )
        ),
        "comfort": tuple(
            (re.compile(p), w)
            for p, w in (
                (r"괜찮", 1.5), (r"힘내", 1.0), (r"속상", 2.0), (r"슬프|슬퍼", 2.0), (r"힘들", 1.5), (r"아프|아팠", 1.5),
                (r"위로", 1.5), (r"토닥", 2.0), (r"걱정", 1.0), (r"푹\s?쉬|쉬어", 1.5), (r"고생", 1.0),
                (r"[😢🥺😥]", 0.5), (r"[ㅠㅜ]", 0.5),
            )
        ),
    }
)
_FAMILIES = ("refuse", "shy", "surprise", "excite", "comfort")
_QUIET = 1.0  # below this score the answer is a plain statement
_THRILLED = 3.0  # an excitement score from here on opens the face fully


def cue_scores(answer: str) -> dict[str, float]:
    scores = {mood: sum(w for pattern, w in cues if pattern.search(answer)) for mood, cues in _CUES.items()}
    scores["excite"] += 0.5 * min(answer.count("!"), 3)  # each exclamation mark lifts the mood a little
    return scores


def mood_of(answer: str) -> str:
    """'refuse', 'shy', 'surprise', 'thrilled', 'happy', 'comfort' or 'neutral'. Ties go to the
    family named first (refuse, shy, surprise, excite, comfort)."""
    scores = cue_scores(answer)
    family = max(_FAMILIES, key=lambda name: scores[name])  # first wins a tie
    top = scores[family]
    if top < _QUIET:
        return "neutral"
    if family == "excite":
        return "thrilled" if top >= _THRILLED else "happy"
    return family


def tempered(weights: Sequence[float], temperature: float) -> list[float]:
    """Weights sharpened (T < 1) or flattened (T > 1) like a softmax temperature; T ≤ 0 → argmax."""
    if temperature <= 0:
        best = max(range(len(weights)), key=lambda i: weights[i])
        return [1.0 if i == best else 0.0 for i in range(len(weights))]
    top = max(weights)  # relative to the largest weight: no overflow or underflow at tiny T
    powered = [math.exp(math.log(w / top) / temperature) if w > 0 else 0.0 for w in weights]
    total = sum(powered)
    return [w / total for w in powered]


def choose_labels(answer: str, rng: random.Random, temperature: float = 1.0) -> tuple[str, str, str]:
    mood = MOODS[mood_of(answer)]
    eyes = rng.choices(EYES, weights=tempered(mood.eyes, temperature))[0]
    mouth = rng.choices(MOUTH, weights=tempered(mood.mouth, temperature))[0]
    pose = rng.choices(POSE, weights=tempered(mood.pose, temperature))[0]
    return eyes, mouth, pose


class EmbeddedExpressionTagger:
    """The expression role without a model (see `choose_labels`)."""

    name = "embedded-expression"

    def __init__(self, rng: random.Random | None = None):
        self.rng = rng if rng is not None else random.Random()

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> Generation:
        answer = request.input.answer or ""
        eyes, mouth, pose = choose_labels(answer, self.rng, request.temperature)
        text = f" (눈 {eyes}, 입 {mouth}, 고개 돌림 {pose}) {EXPRESSION_END}"
        if on_text is not None:
            on_text(text)
        return Generation(text=text, new_tokens=estimate_tokens(text, request.max_new_tokens), stopped=True)
