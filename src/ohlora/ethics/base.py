"""Categories, actions, the firing rule and the judge protocol shared by both ethics judges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Protocol


class _Code(str, Enum):
    """A string enum that prints as its value, so a member can stand wherever the plain string did."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Category(_Code):
    LOVE = "love"
    NORMAL = "normal"
    POLITICS = "politics"
    PAEDRIP = "paedrip"
    HATE = "hate"


# The original's category anchor sentences (the ethics S-BERT compares prompts with these).
CATEGORY_ANCHORS: Mapping[Category, str] = MappingProxyType({
    Category.LOVE: "사랑 고백/만남",
    Category.NORMAL: "일반",
    Category.POLITICS: "정치",
    Category.PAEDRIP: "패드립",
    Category.HATE: "혐오/기타",
})

SANCTIONED = (Category.LOVE, Category.POLITICS, Category.PAEDRIP, Category.HATE)


class Action(_Code):
    """What a sanction does: a warning (no period) or a block for a period."""

    WARNING = "warning"
    BLOCK = "block"


@dataclass(frozen=True)
class EthicsThresholds:
    """A category fires when its score >= its threshold, unless normal >= normal_veto."""

    love: float
    politics: float
    paedrip: float
    hate: float
    normal_veto: float

    def of(self, category: Category) -> float:
        return float(getattr(self, category.value))


def firing(scores: Mapping[Category, float], thresholds: EthicsThresholds) -> tuple[Category, ...]:
    """The firing rule (spec §3.7): the sanctioned categories whose score reaches their threshold.

    In `SANCTIONED` order; none at all when the normal score reaches `normal_veto`.
    """
    if scores[Category.NORMAL] >= thresholds.normal_veto:
        return ()
    return tuple(c for c in SANCTIONED if scores[c] >= thresholds.of(c))


# The released ethics S-BERT's thresholds (spec §3.7).
SBERT_THRESHOLDS = EthicsThresholds(love=0.98, politics=0.95, paedrip=0.9, hate=0.9, normal_veto=0.5)


class EthicsJudge(Protocol):
    name: str
    thresholds: EthicsThresholds
    # The judge of Oh-LoRA's own answers (checked before anyone sees them): itself, or a faster one.
    for_answers: EthicsJudge

    def scores(self, text: str) -> dict[Category, float]:
        """One score per category (all five), higher = more likely."""
