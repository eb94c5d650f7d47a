"""Services: the components every conversation shares (built once per process by `factory.py`)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ohlora.clock import Clock
from ohlora.config import Settings
from ohlora.ethics.base import EthicsJudge
from ohlora.ethics.sanctions import Sanctions
from ohlora.memory import MemoryBook
from ohlora.mind.base import Generator
from ohlora.mind.length import TokenCounter
from ohlora.store import Store


@dataclass(frozen=True)
class Roles:
    reply: Generator
    memory: Generator
    summary: Generator
    expression: Generator


@dataclass
class Services:
    settings: Settings
    store: Store
    memory: MemoryBook
    sanctions: Sanctions
    judge: EthicsJudge
    roles: Roles
    counter: TokenCounter
    clock: Clock
    rng: random.Random
    choices: tuple = ()  # factory.Choice per role group: what was picked and why

    def describe_choices(self) -> list[str]:
        return [f"{c.group}: {'full' if c.full else 'embedded'} ({c.reason})" for c in self.choices]

    def backend(self) -> dict[str, str]:
        """Which implementation serves each role (TurnResult.backend)."""
        return {
            "reply": self.roles.reply.name,
            "memory": self.roles.memory.name,
            "summary": self.roles.summary.name,
            "expression": self.roles.expression.name,
            "embedder": self.memory.embedder.name,
            "ethics": self.judge.name,
            "length": self.counter.name,
        }

    def close(self) -> None:
        self.store.close()
