"""Conversation: one user's session and the per-turn pipeline (spec §3, design §3).

    1 block check → 2 time tag → 3 length limit → 4 memory → 5 compose → 6 reply
    7 ethics + sanctions (a block ends the turn, the reply is never shown) → 8 expression
    9 the result is ready (`on_reply`) → 10 memory extraction and summary, then the turn is stored
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum

from ohlora import messages
from ohlora.conversation.compose import compose_input
from ohlora.conversation.engine import Engine
from ohlora.conversation.inputs import check_user_id, clean_extracted_items, clean_user_text
from ohlora.conversation.result import ExpressionInfo, SanctionInfo, TurnResult
from ohlora.conversation.timetag import add_time_tag
from ohlora.errors import BadInput
from ohlora.ethics.sanctions import ActiveBlock, Sanction, fired_categories, unsafe_reply
from ohlora.mind import completion


class Status(str, Enum):
    WAITING = "waiting"
    GENERATING = "generating"
    FINISHED = "finished"


@dataclass
class _Timer:
    marks: dict[str, float] = field(default_factory=dict)
    _t: float = field(default_factory=time.perf_counter)
    _start: float = field(default_factory=time.perf_counter)

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.marks[name] = round((now - self._t) * 1000, 3)
        self._t = now

    def done(self) -> dict[str, float]:
        self.marks["total"] = round((time.perf_counter() - self._start) * 1000, 3)
        return dict(self.marks)


class Conversation:
    """One user's session. Cheap to create; all lasting state lives in the store."""

    def __init__(self, engine: Engine, user: str = "local"):
        self.engine = engine
        self.user = check_user_id(user)
        self.status = Status.WAITING
        self.last_activity = engine.clock.monotonic()
        self._pending: Future[TurnResult] | None = None
        self._worker: ThreadPoolExecutor | None = None

    # --- start-up ---------------------------------------------------------------------------------------
    def active_block(self) -> ActiveBlock | None:
        return self.engine.sanctions.active(self.user, self.engine.clock.now())

    def refusal(self, block: ActiveBlock) -> str:
        return messages.start_refused(datetime.fromtimestamp(block.until), list(block.reasons))

    def idle_seconds(self) -> float:
        return self.engine.clock.monotonic() - self.last_activity

    def idle_expired(self) -> bool:
        return self.status == Status.WAITING and self.idle_seconds() >= self.engine.settings.idle_timeout_s

    def finish(self) -> None:
        self.status = Status.FINISHED

    # --- one turn ---------------------------------------------------------------------------------------
    def turn(
        self, raw_text: str, on_reply: Callable[[TurnResult], None] | None = None, *, background: bool = False
    ) -> TurnResult:
        """Run one turn. `on_reply` gets the result as soon as the reply can be shown.

        With `background=True` the memory extraction and the summary (step 10) run in a worker
        thread after the reply and the result is returned without them (`memory_added` empty,
        `summary` None); the next turn (or `close()`) waits for that work first, so every turn
        still sees the memory and summary of the one before. `pending()` gives the full result.
        """
        engine = self.engine
        self.wait_pending()
        timer = _Timer()
        self.last_activity = engine.clock.monotonic()
        self.status = Status.GENERATING
        try:
            return self._turn(raw_text, timer, on_reply, background)
        finally:
            if self.status != Status.FINISHED:
                self.status = Status.WAITING  # also after a refused or too-long prompt (spec §12 bug 4)
            self.last_activity = engine.clock.monotonic()

    def wait_pending(self) -> TurnResult | None:
        """Wait for the background part of the previous turn; its complete result (or None)."""
        future, self._pending = self._pending, None
        return future.result() if future is not None else None

    def close(self) -> None:
        """Finish background work and release the worker thread."""
        try:
            self.wait_pending()
        finally:
            if self._worker is not None:
                self._worker.shutdown(wait=True)
                self._worker = None

    def _turn(
        self, raw_text: str, timer: _Timer, on_reply: Callable[[TurnResult], None] | None, background: bool
    ) -> TurnResult:
        engine = self.engine
        now = engine.clock.now()
        base = TurnResult(user=self.user, text=raw_text, backend=engine.backend())

        # 1. block check
        block = self.active_block()
        timer.lap("block_check")
        if block is not None:
            self.finish()
            return replace(base, blocked=True, system_message=self.refusal(block), timings_ms=timer.done())

        try:
            cleaned = clean_user_text(raw_text)
        except BadInput as exc:
            return replace(base, system_message=str(exc), timings_ms=timer.done())
        text = cleaned.text
        base = replace(base, text=text)

        # 2. time tag (one timestamp for date and hour)
        tagged = add_time_tag(text, now)
        timer.lap("time_tag")

        # 3. length limit: nothing else runs, the previous summary is kept
        if engine.counter.count(text) > engine.settings.max_prompt_tokens:
            timer.lap("length")
            return replace(base, system_message=messages.TOO_LONG, timings_ms=timer.done())
        timer.lap("length")

        # 4. memory retrieval (single best item)
        match = engine.memory.best(self.user, text)
        memory_used = match.text if match else None
        timer.lap("memory_retrieval")

        # 5. input composition: memory, else a fresh previous summary
        summary = "" if memory_used else self._fresh_summary(now)
        final_input = compose_input(tagged, memory_used, summary)

        # 6. reply (validation + retries; Oh-LoRA's own words are checked by the judge too)
        thresholds = engine.judge.thresholds

        def is_unsafe(answer: str) -> bool:
            return unsafe_reply(engine.judge.scores(answer), answer, thresholds)

        outcome = completion.generate_reply(
            engine.roles.reply,
            final_input,
            now,
            max_new_tokens=engine.settings.reply_max_new_tokens,
            is_unsafe=is_unsafe,
        )
        timer.lap("reply")

        # 7. ethics on the user's words (with the answer's cue words) and sanctions
        codes = fired_categories(engine.judge.scores(text), outcome.text, thresholds)
        sanction = engine.sanctions.record(self.user, codes, now)
        timer.lap("ethics")
        sanction_info = _sanction_info(sanction) if sanction else None
        if sanction is not None and sanction.action == "block":
            self.finish()
            result = replace(
                base,
                blocked=True,
                sanction=sanction_info,
                system_message=sanction.message(),
                memory_used=memory_used,
                timings_ms=timer.done(),
            )
            engine.store.finish_turn(self.user, now.timestamp(), result.to_dict(), None)
            return result

        # 8. expression (the fallback "(읽씹)" is not a real answer: neutral face, no model call)
        if outcome.fallback:
            labels = completion.DEFAULT_EXPRESSION
        else:
            labels = completion.choose_expression(engine.roles.expression, outcome.text)
        expression = completion.expression_scores(labels, engine.rng)
        timer.lap("expression")

        notes = [m for m in (sanction.message() if sanction else None, cleaned.note) if m]
        result = replace(
            base,
            reply=completion.display_reply(outcome.text),
            system_message="\n".join(notes) or None,
            sanction=sanction_info,
            memory_used=memory_used,
            expression=ExpressionInfo(expression.eyes, expression.mouth, expression.pose, dict(expression.scores)),
        )
        # 9. the reply can be shown now
        if on_reply is not None:
            on_reply(result)

        # 10. memory extraction and summary (must finish before the next turn)
        def after_reply() -> TurnResult:
            extracted = completion.extract_memory(engine.roles.memory, final_input) or []
            added = engine.memory.add(self.user, clean_extracted_items(extracted), now.timestamp())
            timer.lap("memory_extraction")
            new_summary = (
                None if outcome.fallback else completion.summarize(engine.roles.summary, final_input, outcome.text)
            )
            timer.lap("summary")
            full = replace(
                result, memory_added=tuple(added), summary=new_summary if new_summary is not None else (summary or None)
            )
            engine.store.finish_turn(self.user, now.timestamp(), replace(full, timings_ms=timer.done()).to_dict(), new_summary)
            timer.lap("store")
            return replace(full, timings_ms=timer.done())

        if not background:
            return after_reply()
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ohlora-{self.user}")
        self._pending = self._worker.submit(after_reply)
        return replace(result, timings_ms=dict(timer.marks))

    def _fresh_summary(self, now: datetime) -> str:
        stored = self.engine.store.summary(self.user)
        if stored is None:
            return ""
        text, updated_at = stored
        if now.timestamp() - updated_at > self.engine.settings.summary_ttl_s:
            return ""
        return text


def _sanction_info(sanction: Sanction) -> SanctionInfo:
    until = datetime.fromtimestamp(sanction.until).isoformat(timespec="seconds") if sanction.until else None
    return SanctionInfo(
        category=sanction.codes[0],
        level=sanction.levels[0],
        action=sanction.action,
        period_s=sanction.period_s,
        until=until,
        categories=sanction.codes,
        levels=sanction.levels,
    )
