"""The one interface every text role is served through.

The pipeline hands each role a typed `RoleInput` (design §3). A `Generator` answers a
`GenerationRequest` for one role: the released LoRA models build the original's prompt from the
input (`prompt.py`) and continue it (`hf.py`); the embedded components in `embedded/` read the
input's fields. Both answer in the original's output format, so the same validation and retry
rules apply to both (`completion.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ohlora.ethics.base import Category
from ohlora.mind.timetag import TimeTag

ROLES = ("reply", "memory", "summary", "expression")


def split_memory(item: str | None) -> tuple[str, str] | None:
    """'[내일 일정: 면접]' -> ('내일 일정', '면접'); None when it is not in that form."""
    if not item:
        return None
    text = item.strip()
    if not (text.startswith("[") and text.endswith("]")) or text.count("[") != 1 or text.count("]") != 1:
        return None
    key, sep, value = text[1:-1].partition(":")
    if not sep or not key.strip():
        return None
    return key.strip(), value.strip()


@dataclass(frozen=True)
class RoleInput:
    """What one turn gives the roles. The pipeline fills it once; roles only read it."""

    user: str  # whose turn (per-user state such as the replier's recent answers)
    text: str  # the user's words, cleaned
    now: datetime  # when the turn happens (weekday checks)
    memory: str | None = None  # the best remembered item, "[key: value]"
    summary: str | None = None  # the previous turn's summary, given only when no memory was found
    time_tag: TimeTag | None = None  # set when the message talks about time (spec §3.2)
    flagged: tuple[Category, ...] = ()  # categories the ethics judge fires on the message alone
    memories: tuple[str, ...] = ()  # everything remembered about the user, oldest first (recall questions)
    said: tuple[str, ...] = ()  # the user's latest earlier messages, oldest first (recall questions)
    answer: str | None = None  # her accepted reply (summary and expression roles)

    @property
    def memory_key(self) -> str | None:
        kv = split_memory(self.memory)
        return kv[0] if kv else None

    @property
    def memory_value(self) -> str | None:
        kv = split_memory(self.memory)
        return kv[1] if kv else None


@dataclass(frozen=True)
class GenerationRequest:
    role: str  # reply | memory | summary | expression
    input: RoleInput
    temperature: float
    max_new_tokens: int
    trial: int = 0  # 0-based trial number within the role's retry loop


@dataclass(frozen=True)
class Generation:
    text: str  # the output only, in the original's output format, usually ending with the role's stop marker
    new_tokens: int  # how many tokens were generated (embedded generators estimate)
    stopped: bool  # True when the stop marker (or EOS) ended generation, False when the limit did


class Generator(Protocol):
    """Serves one role. `name` says which implementation served it (TurnResult.backend)."""

    name: str

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> Generation:
        """Return the output. `on_text`, when given, receives text pieces as they are made."""
