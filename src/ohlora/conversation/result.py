"""TurnResult: everything one turn produced, as a frozen dataclass that serialises to JSON.

This is the scripting interface (`ohlora chat --jsonl`, `ohlora ask --json`): keep it stable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ohlora.ethics.base import Action, Category
from ohlora.mind.completion import TurnExpression


@dataclass(frozen=True)
class SanctionInfo:
    category: Category  # the first that fired (see `categories`)
    level: int
    action: Action  # warning | block
    period_s: int
    until: str | None  # ISO-8601 local time when the block ends; None for a warning
    categories: tuple[Category, ...] = ()  # every category that fired this turn
    levels: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = self.category.value
        data["action"] = self.action.value
        data["categories"] = [c.value for c in self.categories]
        data["levels"] = list(self.levels)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SanctionInfo:
        categories = tuple(Category(c) for c in data.get("categories") or [data["category"]])
        return cls(
            category=Category(data["category"]),
            level=int(data["level"]),
            action=Action(data["action"]),
            period_s=int(data["period_s"]),
            until=data.get("until"),
            categories=categories,
            levels=tuple(int(v) for v in data.get("levels") or [data["level"]]),
        )


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
    expression: TurnExpression | None = None  # labels and the face weights drawn from them
    backend: dict[str, str] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "text": self.text,
            "reply": self.reply,
            "system_message": self.system_message,
            "blocked": self.blocked,
            "sanction": self.sanction.to_dict() if self.sanction is not None else None,
            "memory_used": self.memory_used,
            "memory_added": list(self.memory_added),
            "summary": self.summary,
            "expression": self.expression.to_dict() if self.expression is not None else None,
            "backend": dict(self.backend),
            "timings_ms": dict(self.timings_ms),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TurnResult:
        """A recorded turn read back (`Store.turns`); fields an older record lacks take their defaults."""
        sanction = data.get("sanction")
        expression = data.get("expression")
        return cls(
            user=str(data.get("user", "")),
            text=str(data.get("text", "")),
            reply=data.get("reply"),
            system_message=data.get("system_message"),
            blocked=bool(data.get("blocked", False)),
            sanction=SanctionInfo.from_dict(sanction) if sanction else None,
            memory_used=data.get("memory_used"),
            memory_added=tuple(data.get("memory_added") or ()),
            summary=data.get("summary"),
            expression=TurnExpression.from_dict(expression) if expression else None,
            backend=dict(data.get("backend") or {}),
            timings_ms=dict(data.get("timings_ms") or {}),
        )
