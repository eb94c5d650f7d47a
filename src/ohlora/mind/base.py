"""The one interface every text role is served through.

A role's prompt is the original's text with its markers (see `completion.py`); a `Generator`
continues it. The released LoRA models do that with transformers (`hf.py`); the embedded
components in `embedded/` read the same prompt and answer in the same format, so both go
through the same validation and retry rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str  # the whole prompt, ending with the role's start marker, e.g. "... (답변 시작)"
    stop_marker: str  # e.g. "(답변 종료)"; generation should end right after it
    temperature: float
    max_new_tokens: int
    trial: int = 0  # 0-based trial number within the role's retry loop


@dataclass(frozen=True)
class Generation:
    text: str  # the continuation only (never the prompt), usually ending with the stop marker
    new_tokens: int  # how many tokens were generated (embedded generators estimate)
    stopped: bool  # True when the stop marker (or EOS) ended generation, False when the limit did


class Generator(Protocol):
    """Continues a role prompt. `name` says which implementation served it (TurnResult.backend)."""

    name: str

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> Generation:
        """Return the continuation. `on_text`, when given, receives text pieces as they are made."""
