"""Sanctions (spec §3.7): which categories fire, escalation levels, block periods, the legacy CSV.

Levels count per category and per user: the new level is the highest level ever logged for that
category plus one. When several categories fire in one turn, the period is the sum of their
periods capped at 1461 days, and one row per category is logged in the same transaction (the
original lost all but the last row).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from ohlora import messages
from ohlora.errors import CorruptData
from ohlora.ethics.base import SANCTIONED, Action, Category, EthicsThresholds, firing
from ohlora.store import SanctionRow, Store

DAY = 24 * 3600
CAP_S = 1461 * DAY
CUE_WORDS = ("미안", "부담")
# Oh-LoRA refuses these topics with a cue word; the others are sanctioned whatever she answers.
CUE_CATEGORIES = (Category.LOVE, Category.POLITICS)

# Periods by level (1-based); beyond the table the default applies.
ESCALATION: Mapping[Category, tuple[int, ...]] = MappingProxyType({
    Category.LOVE: (0, 3600, DAY, 14 * DAY, 1461 * DAY),
    Category.POLITICS: (0, 3 * DAY, 7 * DAY, 30 * DAY, 365 * DAY),
    Category.PAEDRIP: (7 * DAY, 30 * DAY, 1461 * DAY),
    Category.HATE: (DAY, 7 * DAY, 90 * DAY, 1461 * DAY),
})
DEFAULT_PERIOD: Mapping[Category, int] = MappingProxyType({
    Category.LOVE: 1461 * DAY,
    Category.POLITICS: 365 * DAY,
    Category.PAEDRIP: 1461 * DAY,
    Category.HATE: 1461 * DAY,
})

LEGACY_HEADER = ("blocked_at", "block_period", "block_reason", "block_level")


def period_for(reason: Category | str, level: int) -> int:
    table = ESCALATION[reason]
    return table[level - 1] if 1 <= level <= len(table) else DEFAULT_PERIOD[reason]


def _has_cue(answer: str) -> bool:
    return any(word in answer for word in CUE_WORDS)


def fired_categories(
    scores: Mapping[Category, float], answer: str, thresholds: EthicsThresholds, *, need_cue: bool = True
) -> tuple[Category, ...]:
    """The categories sanctioned for a user's message (spec §3.7 decision rules), in `SANCTIONED` order.

    The firing rule (`firing`), and love and politics also need a cue word (미안/부담) in Oh-LoRA's
    answer: the model refuses those topics with them, so a sanction applies only when Oh-LoRA herself
    treated it that way. `need_cue=False` applies the firing rule alone.
    """
    fired = firing(scores, thresholds)
    if not need_cue or _has_cue(answer):
        return fired
    return tuple(c for c in fired if c not in CUE_CATEGORIES)


def _ordered(codes: Iterable[Category | str]) -> tuple[Category, ...]:
    """`codes` as sanctioned categories, once each, in `SANCTIONED` order."""
    wanted = {Category(code) for code in codes}
    unknown = wanted.difference(SANCTIONED)
    if unknown:
        raise ValueError(f"not a sanctioned category: {', '.join(sorted(c.value for c in unknown))}")
    return tuple(c for c in SANCTIONED if c in wanted)


@dataclass(frozen=True)
class Sanction:
    codes: tuple[Category, ...]  # every category that fired, in SANCTIONED order
    levels: tuple[int, ...]
    period_s: int  # combined, capped
    at: int  # Unix seconds

    @property
    def action(self) -> Action:
        return Action.BLOCK if self.period_s > 0 else Action.WARNING

    @property
    def until(self) -> int | None:
        return self.at + self.period_s if self.period_s > 0 else None

    def message(self) -> str:
        return messages.block(list(self.codes), self.period_s) if self.period_s else messages.warning(list(self.codes))


@dataclass(frozen=True)
class ActiveBlock:
    until: int
    reasons: tuple[str, ...]


def combine(
    codes: Sequence[Category], previous: Sequence[SanctionRow], at: int
) -> tuple[list[SanctionRow], int]:
    """The rows to log for the categories that fired, given the user's earlier rows.

    The rows carry the plain string codes, as the store and the legacy CSV keep them.
    """
    levels = {code: max((r.level for r in previous if r.reason == code.value), default=0) + 1 for code in codes}
    total = min(sum(period_for(code, levels[code]) for code in codes), CAP_S)
    return [SanctionRow(at, total, code.value, levels[code]) for code in codes], total


class Sanctions:
    """Per-user sanctions over the store."""

    def __init__(self, store: Store):
        self.store = store

    def record(self, user: str, codes: Iterable[Category | str], now: datetime) -> Sanction | None:
        """Log the categories that fired this turn (strings are read as their `Category`)."""
        codes = _ordered(codes)
        if not codes:
            return None
        at = int(now.timestamp())
        result: dict[str, int] = {}

        def decide(previous: list[SanctionRow]) -> list[SanctionRow]:
            rows, total = combine(codes, previous, at)
            result["total"] = total
            return rows

        rows = self.store.record_sanctions(user, decide)
        return Sanction(tuple(Category(r.reason) for r in rows), tuple(r.level for r in rows), result["total"], at)

    def active(self, user: str, now: datetime) -> ActiveBlock | None:
        """The block in force now, if any: the latest expiry, with every reason logged at that moment."""
        t = now.timestamp()
        rows = [r for r in self.store.sanctions(user) if r.period_s > 0 and t < r.until]
        if not rows:
            return None
        until = max(r.until for r in rows)
        reasons = tuple(dict.fromkeys(r.reason for r in rows if r.until == until))
        return ActiveBlock(until, reasons)

    def history(self, user: str) -> list[SanctionRow]:
        return self.store.sanctions(user)


# --- the original's ohlora_block_log.csv ------------------------------------------------------------
def read_block_log(path: Path) -> list[SanctionRow]:
    """Rows of a block log CSV; any bad row is an error naming the line, and nothing is imported."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptData(messages.LEGACY_BAD_ROW.format(path=path, line=1, detail=messages.LEGACY_NOT_UTF8)) from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != LEGACY_HEADER:
        raise CorruptData(
            messages.LEGACY_BAD_ROW.format(path=path, line=1, detail=messages.legacy_bad_header(LEGACY_HEADER))
        )
    rows = []
    for line_no, fields in enumerate(reader, start=2):
        if not fields or not "".join(fields).strip():
            continue
        try:
            if len(fields) != 4:
                raise ValueError(messages.LEGACY_FIELD_COUNT.format(count=len(fields)))
            blocked_at, period, reason, level = (f.strip() for f in fields)
            if reason not in ESCALATION:
                raise ValueError(messages.LEGACY_UNKNOWN_REASON.format(reason=reason))
            row = SanctionRow(int(float(blocked_at)), int(float(period)), reason, int(level))
            if row.period_s < 0 or row.level < 1:
                raise ValueError(messages.LEGACY_BAD_VALUES)
        except ValueError as exc:
            raise CorruptData(messages.LEGACY_BAD_ROW.format(path=path, line=line_no, detail=exc)) from exc
        rows.append(row)
    return rows


def write_block_log(path: Path, rows: Sequence[SanctionRow]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(LEGACY_HEADER)
        for r in rows:
            writer.writerow((r.blocked_at, r.period_s, r.reason, r.level))


def unsafe_reply(scores: Mapping[Category, float], answer: str, thresholds: EthicsThresholds) -> bool:
    """Oh-LoRA's own answer must not be hateful or insulting, nor accept love or politics.

    A love- or politics-like answer that carries a cue word (미안/부담) is her refusal, which is fine.
    """
    cue = _has_cue(answer)
    return any(c not in CUE_CATEGORIES or not cue for c in firing(scores, thresholds))
