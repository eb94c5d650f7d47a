"""Conversation: one user's session and the per-turn pipeline (spec §3, design §3).

    1 block check → 2 time tag → 3 length limit → ethics scores of the message (once per turn)
    4 memory → 5 the role input → 6 reply (drafts to `on_draft` only when the message is harmless)
    7 sanctions (a block ends the turn, the reply is never shown) → 8 expression
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
from ohlora.conversation.inputs import check_user_id, clean_extracted_items, clean_user_text
from ohlora.conversation.result import SanctionInfo, TurnResult
from ohlora.conversation.services import Services
from ohlora.errors import BadInput
from ohlora.ethics.base import Action, firing
from ohlora.ethics.crisis import CRISIS_LINE, is_crisis
from ohlora.ethics.sanctions import ActiveBlock, Sanction, fired_categories, unsafe_reply
from ohlora.mind import completion
from ohlora.mind.base import RoleInput
from ohlora.mind.timetag import tag_for

MEMORIES_GIVEN = 64  # the most recent remembered items a role may read (recall questions)
SAID_GIVEN = 30  # the user's latest earlier messages a role may read (recall questions)
Draft = Callable[[int, str], None]  # (trial, the answer so far): a half-made reply that may be shown


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

    def __init__(self, services: Services, user: str = "local"):
        self.services = services
        self.user = check_user_id(user)
        self.status = Status.WAITING
        self.last_activity = services.clock.monotonic()
        self._pending: Future[TurnResult] | None = None
        self._worker: ThreadPoolExecutor | None = None

    # --- start-up ---------------------------------------------------------------------------------------
    def active_block(self) -> ActiveBlock | None:
        return self.services.sanctions.active(self.user, self.services.clock.now())

    def refusal(self, block: ActiveBlock) -> str:
        return messages.start_refused(datetime.fromtimestamp(block.until), list(block.reasons))

    def idle_seconds(self) -> float:
        return self.services.clock.monotonic() - self.last_activity

    def idle_expired(self) -> bool:
        return self.status == Status.WAITING and self.idle_seconds() >= self.services.settings.idle_timeout_s

    def finish(self) -> None:
        self.status = Status.FINISHED

    # --- one turn ---------------------------------------------------------------------------------------
    def turn(
        self,
        raw_text: str,
        on_reply: Callable[[TurnResult], None] | None = None,
        *,
        on_draft: Draft | None = None,
        background: bool = False,
    ) -> TurnResult:
        """Run one turn. `on_reply` gets the result as soon as the reply can be shown.

        `on_draft(trial, text)` gets the answer while it is generated, but only for a message the
        ethics judge finds harmless on its own: a turn that may end in a warning or a block never
        shows a draft that is then taken back. A new `trial` means the previous draft was rejected.

        With `background=True` the memory extraction and the summary (step 10) run in a worker
        thread after the reply and the result is returned without them (`memory_added` empty,
        `summary` None); the next turn (or `close()`) waits for that work first, so every turn
        still sees the memory and summary of the one before. `pending()` gives the full result.
        """
        services = self.services
        self.wait_pending()
        timer = _Timer()
        self.last_activity = services.clock.monotonic()
        self.status = Status.GENERATING
        try:
            return self._turn(raw_text, timer, on_reply, on_draft, background)
        finally:
            if self.status != Status.FINISHED:
                self.status = Status.WAITING  # also after a refused or too-long prompt (spec §12 bug 4)
            self.last_activity = services.clock.monotonic()

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
        self,
        raw_text: str,
        timer: _Timer,
        on_reply: Callable[[TurnResult], None] | None,
        on_draft: Draft | None,
        background: bool,
    ) -> TurnResult:
        services = self.services
        now = services.clock.now()
        base = TurnResult(user=self.user, text=raw_text, backend=services.backend())

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
        time_tag = tag_for(text, now)
        timer.lap("time_tag")

        # 3. length limit: nothing else runs, the previous summary is kept
        if services.counter.count(text) > services.settings.max_prompt_tokens:
            timer.lap("length")
            return replace(base, system_message=messages.TOO_LONG, timings_ms=timer.done())
        timer.lap("length")

        # the judge reads the message once; the reply role, the drafts and the sanctions share it
        judge = services.judge
        thresholds = judge.thresholds
        scores = judge.scores(text)
        crisis = is_crisis(text)  # self-harm: care and 109, never a sanction, whatever the scores
        flagged = () if crisis else firing(scores, thresholds)
        timer.lap("ethics_scores")

        # 4. memory retrieval (single best item)
        match = services.memory.best(self.user, text)
        memory_used = match.text if match else None
        timer.lap("memory_retrieval")

        # 5. the roles' input: memory, else a fresh previous summary
        summary = None if memory_used else self._fresh_summary(now)
        role_input = RoleInput(
            user=self.user, text=text, now=now, memory=memory_used, summary=summary, time_tag=time_tag,
            flagged=flagged, memories=tuple(services.memory.items(self.user)[-MEMORIES_GIVEN:]),
            said=tuple(services.store.said(self.user, SAID_GIVEN)),
        )

        # 6. reply (validation + retries; Oh-LoRA's own words are checked by the judge too)
        answers_judge = judge.for_answers

        def is_unsafe(answer: str) -> bool:
            return unsafe_reply(answers_judge.scores(answer), answer, answers_judge.thresholds)

        outcome = completion.generate_reply(
            services.roles.reply,
            role_input,
            max_new_tokens=services.settings.reply_max_new_tokens,
            is_unsafe=is_unsafe,
            on_text=_Drafts(on_draft) if on_draft is not None and not flagged else None,
        )
        if crisis and CRISIS_LINE not in outcome.text:
            outcome = replace(outcome, text=messages.CRISIS_REPLY, fallback=False)
        timer.lap("reply")

        # 7. sanctions: the message's scores with the answer's cue words (never for a crisis)
        codes = () if crisis else fired_categories(scores, outcome.text, thresholds)
        sanction = services.sanctions.record(self.user, codes, now)
        timer.lap("ethics")
        sanction_info = _sanction_info(sanction) if sanction else None
        if sanction is not None and sanction.action == Action.BLOCK:
            self.finish()
            result = replace(
                base,
                blocked=True,
                sanction=sanction_info,
                system_message=sanction.message(),
                memory_used=memory_used,
                timings_ms=timer.done(),
            )
            services.store.finish_turn(self.user, now.timestamp(), result, None)
            return result

        # 8. expression (the fallback "(읽씹)" is not a real answer: neutral face, no model call)
        if outcome.fallback:
            labels = completion.DEFAULT_EXPRESSION
        else:
            labels = completion.choose_expression(services.roles.expression, role_input, outcome.text)
        expression = completion.expression_scores(labels, services.rng)
        timer.lap("expression")

        notes = [m for m in (sanction.message() if sanction else None, cleaned.note) if m]
        result = replace(
            base,
            reply=completion.display_reply(outcome.text),
            system_message="\n".join(notes) or None,
            sanction=sanction_info,
            memory_used=memory_used,
            expression=expression,
        )
        # 9. the reply can be shown now
        if on_reply is not None:
            on_reply(result)

        # 10. memory extraction and summary (must finish before the next turn)
        def after_reply() -> TurnResult:
            extracted = completion.extract_memory(services.roles.memory, role_input) or []
            added = services.memory.add(self.user, clean_extracted_items(extracted), now.timestamp())
            timer.lap("memory_extraction")
            new_summary = (
                None if outcome.fallback else completion.summarize(services.roles.summary, role_input, outcome.text)
            )
            timer.lap("summary")
            full = replace(
                result, memory_added=tuple(added), summary=new_summary if new_summary is not None else summary
            )
            services.store.finish_turn(self.user, now.timestamp(), replace(full, timings_ms=timer.done()), new_summary)
            timer.lap("store")
            return replace(full, timings_ms=timer.done())

        if not background:
            return after_reply()
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ohlora-{self.user}")
        self._pending = self._worker.submit(after_reply)
        return replace(result, timings_ms=dict(timer.marks))

    def _fresh_summary(self, now: datetime) -> str | None:
        stored = self.services.store.summary(self.user)
        if stored is None:
            return None
        text, updated_at = stored
        if now.timestamp() - updated_at > self.services.settings.summary_ttl_s:
            return None
        return text or None


class _Drafts:
    """Turns the reply role's text pieces into drafts: the answer so far, per trial, marker hidden."""

    def __init__(self, on_draft: Draft):
        self._on_draft = on_draft
        self._trial = -1
        self._raw = ""
        self._shown = ""

    def __call__(self, trial: int, piece: str) -> None:
        if trial != self._trial:
            self._trial, self._raw, self._shown = trial, "", ""
        self._raw += piece
        draft = completion.draft_text(self._raw)
        if draft and draft != self._shown:
            self._shown = draft
            self._on_draft(trial, draft)


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
