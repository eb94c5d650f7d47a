"""What every face implementation provides, and the frames that flow to the sinks (design §4).

A `Face` turns expression weights into pictures. The weights follow the original's convention
(spec face §2.8, conversation §3.10): more negative eyes = wider eyes, positive = closing (blinks);
more negative mouth = more open; pose != 0 turns the head (more negative = more turned).
Neutral base scores: eyes 0.2, mouth 1.0, pose 0.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

BASE_EYES = 0.2
BASE_MOUTH = 1.0
BASE_POSE = 0.0
# tolerances around the tested weight ranges (spec face §8.12): every face clamps to these
EYES_RANGE = (-1.5, 1.5)
MOUTH_RANGE = (-2.0, 2.0)
POSE_RANGE = (-2.0, 1.0)


@dataclass(frozen=True)
class Expression:
    eyes: float = BASE_EYES
    mouth: float = BASE_MOUTH
    pose: float = BASE_POSE


@dataclass(frozen=True)
class Drawn:
    """One rendered face: RGB uint8 (H, W, 3) and its hair probability mask float32 (h, w) in [0, 1].

    The mask may be smaller than the image (the segmentation student outputs 224×224); ombre
    resizes it. It is computed once per drawn image and travels with it (cached).
    """

    rgb: np.ndarray
    hair: np.ndarray


class Face(Protocol):
    name: str  # e.g. "stylegan-v8 #83" or "embedded"
    size: int  # output side in pixels (256)

    def draw(self, expressions: Sequence[Expression]) -> list[Drawn]:
        """Render a batch (the animator batches frames it already knows it needs)."""
