"""The released ethics S-BERT as an `EthicsJudge` (spec conversation §3.7, §7.3).

A category's score is the cosine between the user's message and the category's anchor string
("사랑 고백/만남", "일반", "정치", "패드립", "혐오/기타") under the ethics S-BERT. The original
re-encoded the five anchors on every turn; here they are encoded once, when the judge is made.
Thresholds: `SBERT_THRESHOLDS` (love 0.98, politics 0.95, paedrip 0.9, hate 0.9, normal veto 0.5).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ohlora.embedding.sbert import BATCH_SIZE, encode_unit, load_sbert
from ohlora.ethics.base import CATEGORY_ANCHORS, SBERT_THRESHOLDS, Category, EthicsThresholds


class SBertEthicsJudge:
    name = "sbert-ethics"

    def __init__(self, path: Path | str, device: str = "auto", *, thresholds: EthicsThresholds = SBERT_THRESHOLDS):
        self.model = load_sbert(path, device, artifact_name="sbert-ethics")
        self.thresholds = thresholds
        self.categories: tuple[Category, ...] = tuple(CATEGORY_ANCHORS)
        anchors = encode_unit(self.model, [CATEGORY_ANCHORS[c] for c in self.categories])
        anchors.setflags(write=False)
        self.anchors = anchors  # (5, dim) unit rows, in `categories` order
        self.for_answers = self

    def scores(self, text: str) -> dict[Category, float]:
        return self.scores_many([text])[0]

    def scores_many(self, texts: list[str]) -> list[dict[Category, float]]:
        """Batch form of `scores` (one batched encode for all texts)."""
        vectors = encode_unit(self.model, texts, BATCH_SIZE)
        cosines = vectors @ self.anchors.T
        return [
            {category: float(np.clip(row[i], -1.0, 1.0)) for i, category in enumerate(self.categories)}
            for row in cosines
        ]
