"""TurnResult: everything one turn produced, as a frozen dataclass that serialises to JSON.

This is the scripting interface (`ohlora chat --jsonl`, `ohlora ask --json`): keep it stable.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SanctionInfo:
    category: str  # love | politics | paedrip | hate (the first that fired; see `categories`)
    level: int
    action: str  # warning | block
    period_s: int
    until: str | None  # ISO-8601 local time when the block ends; None for a warning
    categories: tuple[str, ...] = ()  # every category that fired this turn
    levels: tuple[int, ...] = ()


@dataclass(frozen=True)
class ExpressionInfo:
    eyes: str
    mouth: str
    pose: str
    scores: dict[str, float]


@dataclass(frozen=True)
class TurnResult:
    user: str
    text: str
    reply: str | None = None
    system_message: str | None = None
    blocked: bool = False
    sanction: SanctionInfo | None = None
    memory_used: str | None = None
    memory_added: tuple[str, ...] = ()
    summary: str | None = None
    expression: ExpressionInfo | None = None
    backend: dict[str, str] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["memory_added"] = list(self.memory_added)
        if self.sanction is not None:
            data["sanction"]["categories"] = list(self.sanction.categories)
            data["sanction"]["levels"] = list(self.sanction.levels)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)
