"""Per-user web sessions: one Conversation, one animator (FramePipeline), one turn at a time.

A session opens when a browser first needs it (the face stream or a chat message) and closes
when the conversation ends: after `settings.idle_timeout_s` without a message (the original's
180 s rule, checked by the reaper), when the user is blocked, when the server stops, or when
the server is full and this is the least recently active idle session. Closing stops the
render thread and finishes the turn's background work; everything lasting is in the store.

Fairness: a session is *active* while its face is watched, while a turn runs, and for
`options.evict_idle_s` after its last message, face frame or opening. A newcomer never ends an
active session: when every slot is active it is refused (`SessionsFull`, with the seconds to
wait) instead. One client address may hold at most `options.max_sessions_per_address` sessions
(its own idle ones yield first), and face streams are capped per identity and per address
(`StreamLease`). Opening is serialised by a lock, so the cap holds while an eviction is awaited.

Memory stays bounded: a session keeps at most `options.frame_cache` drawn pictures and draws
nothing while no frame is shown; when its last face stream ends the render thread stops and the
pictures are dropped (the animator carries on and resumes with the next viewer). After sessions
close or park, the freed memory is handed back to the system (`trim`, glibc's malloc_trim).

The registry is used from the event loop only (no lock needed for its dict); blocking work
(starting or stopping a render thread, running a turn, encoding a frame) goes to threads.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import anyio

from ohlora import messages
from ohlora.conversation.result import SanctionInfo, TurnResult
from ohlora.conversation.services import Services
from ohlora.conversation.session import Conversation
from ohlora.conversation.session import Status as TurnStatus
from ohlora.face.animator import Animator, FramePipeline, Timing
from ohlora.face.base import Face
from ohlora.web.faces import FaceCatalog
from ohlora.web.frames import encode_jpeg
from ohlora.web.heap import release_free_memory
from ohlora.web.options import FRAME_CACHE, WebOptions

Emit = Callable[[dict[str, Any]], None]
ENDED_KEPT = 4096  # how many "your session ended because…" notes are remembered
UNWATCHED_S = 2.0  # a face with no frame shown for this long draws nothing more


class SessionsFull(Exception):
    """Every session slot (of the server, or of one client address) is held by an active session."""

    def __init__(self, template: str = messages.WEB_BUSY, retry_after_s: float = 30.0, *, code: str = "busy"):
        self.seconds = max(1, math.ceil(retry_after_s))
        self.template = template  # may say `{seconds}`
        self.message = template.format(seconds=self.seconds)
        self.retry_after_s = retry_after_s
        self.code = code
        super().__init__(self.message)


class TooManyStreams(Exception):
    """This identity or client address already holds as many face streams as it may."""

    def __init__(self, scope: str, retry_after_s: float):
        super().__init__(f"too many face streams for this {scope}")
        self.scope = scope  # user | address
        self.retry_after_s = retry_after_s


class SessionClosed(RuntimeError):
    """The session was closed (idle, blocked, shutdown) while a request was using it."""


def describe_sanction(sanction: SanctionInfo | None) -> dict[str, Any] | None:
    """A sanction with the texts the page shows: the reasons and the expiry.

    `until` stays the TurnResult's (the server's local time, no offset); `until_utc` is the same
    instant with its offset, which the page shows in the browser's own time zone.
    """
    if sanction is None:
        return None
    out = sanction.to_dict()
    codes = sanction.categories or (sanction.category,)
    out["reason_text"] = ", ".join(messages.CATEGORY_NAMES.get(c.value, c.value) for c in codes)
    until = datetime.fromisoformat(sanction.until) if sanction.until else None
    out["until_text"] = until.strftime("%Y.%m.%d %H:%M:%S") if until else None
    out["until_utc"] = until.astimezone(timezone.utc).isoformat(timespec="seconds") if until else None
    return out


def public_result(result: TurnResult) -> dict[str, Any]:
    """A turn result as the browser gets it (its own data only; the user id is not repeated)."""
    data = result.to_dict()
    data.pop("user", None)
    data["sanction"] = describe_sanction(result.sanction)
    return data


HISTORY_FIELDS = ("text", "reply", "system_message", "blocked", "memory_used", "memory_added")


def history_entry(result: TurnResult) -> dict[str, Any]:
    """A recorded turn as the page shows it again after a reload."""
    data = result.to_dict()
    return {**{k: data[k] for k in HISTORY_FIELDS}, "sanction": describe_sanction(result.sanction)}


# --- one session --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EndNote:
    reason: str  # idle | blocked | evicted | shutdown
    message: str | None


class WebSession:
    def __init__(self, user: str, services: Services, face_id: str, rng: random.Random, *, frame_cache: int = FRAME_CACHE,
                 unwatched_s: float = UNWATCHED_S, address: str = "?"):
        self.user = user
        self.address = address  # the client address that opened it (per-address session cap)
        self.services = services
        self.conversation = Conversation(self.services, user)
        self.face_id = face_id
        self.rng = rng
        self.pipeline: FramePipeline | None = None
        self.frame_cache = frame_cache  # drawn pictures kept while the face is watched
        self.unwatched_s = unwatched_s
        self.viewers = 0  # open face streams (event loop only)
        self.turn_lock = asyncio.Lock()  # one turn at a time for this user
        self.face_lock = asyncio.Lock()  # pipeline creation / face switch / frame encoding
        self.closed = False
        self.turns = 0
        self.last_active = services.clock.monotonic()  # last message, face frame or opening (eviction order)
        self._jpeg: bytes | None = None
        self._jpeg_at = -1.0

    # --- the face ---------------------------------------------------------------------------------------------
    def _pipeline(self, face: Face, animator: Animator) -> FramePipeline:
        return FramePipeline(face, animator, cache_size=self.frame_cache, unwatched_s=self.unwatched_s)

    def start_pipeline(self, faces: FaceCatalog) -> FramePipeline:
        """Create and start this session's animator and render thread, or resume a parked one (blocking)."""
        pipeline = self.pipeline
        if pipeline is None:
            animator = Animator(self.services.clock, self.rng, Timing(idle_finish_s=None))  # the reaper ends sessions
            pipeline = self._pipeline(faces.face(self.face_id), animator)
        pipeline.start()  # renders the current expression first; nothing to do when running
        self.pipeline = pipeline
        return pipeline

    def park_face(self) -> None:
        """Nobody watches: stop the render thread and drop the pictures; the animator stays (blocking)."""
        self._jpeg = None
        if self.pipeline is not None:
            self.pipeline.park()

    def switch_face(self, faces: FaceCatalog, face_id: str) -> None:
        """Show another face; the animation (expression, ombre cycle) carries on (blocking)."""
        face = faces.face(face_id)
        old = self.pipeline
        self.face_id = face_id
        self._jpeg = None
        if old is None:
            return
        running = old.running
        old.park()
        pipeline = self._pipeline(face, old.animator)
        if running:
            pipeline.start()
        self.pipeline = pipeline

    def jpeg(self, quality: int, max_age_s: float) -> bytes:
        """The current face frame as JPEG; viewers asking within `max_age_s` share one encode (blocking)."""
        now = time.monotonic()
        if self._jpeg is not None and now - self._jpeg_at < max_age_s:
            return self._jpeg
        pipeline = self.pipeline
        if pipeline is None:
            raise SessionClosed("the face pipeline is not running")
        self._jpeg = encode_jpeg(pipeline.latest_frame().rgb, quality)
        self._jpeg_at = now
        return self._jpeg

    def mark_active(self) -> None:
        """A message, a face frame or a stream that just ended: not idle for a while (any thread)."""
        self.last_active = self.services.clock.monotonic()

    def active(self, now: float, window_s: float) -> bool:
        """Watched, in a turn, or used within `window_s`: such a session is never evicted."""
        return self.viewers > 0 or self.turn_lock.locked() or now - self.last_active < window_s

    def face_status(self) -> str:
        if self.closed or self.conversation.status == TurnStatus.FINISHED:
            return "ended"
        return self.conversation.status.value

    # --- a turn (blocking; runs in a worker thread while `turn_lock` is held) ------------------------------
    def run_turn(self, text: str, emit: Emit) -> TurnResult:
        def on_draft(trial: int, shown: str) -> None:
            emit({"type": "draft", "trial": trial, "text": shown})

        def on_reply(early: TurnResult) -> None:
            pipeline = self.pipeline
            if pipeline is not None and early.expression is not None and early.reply is not None:
                pipeline.answered(early.expression.weights)
            emit({"type": "reply", "result": public_result(early)})

        self.mark_active()
        pipeline = self.pipeline
        if pipeline is not None:
            pipeline.user_sent()
        try:
            # the conversation decides what may be streamed (only messages the judge finds harmless)
            result = self.conversation.turn(text, on_reply=on_reply, on_draft=on_draft, background=False)
        finally:
            pipeline = self.pipeline
            if pipeline is not None:
                pipeline.turn_finished()
            self.mark_active()
        self.turns += 1
        return result

    def close(self) -> None:
        """Finish background work and stop the render thread (blocking)."""
        self.closed = True
        self._jpeg = None
        try:
            self.conversation.close()
        finally:
            if self.pipeline is not None:
                self.pipeline.park()
                self.pipeline = None


# --- face streams ---------------------------------------------------------------------------------------------
class StreamLease:
    """One open face stream, counted for its identity and its client address until released.

    Taken before the session is opened (so the count and the check cannot be split by an await);
    `release()` may be called more than once (the stream's end and the response's end both call it).
    """

    def __init__(self, registry: SessionRegistry, user: str, address: str):
        self.registry = registry
        self.user = user
        self.address = address
        self.session: WebSession | None = None
        self.released = False

    def attach(self, session: WebSession) -> None:
        """The stream now shows this session's face: it counts as watched (event loop only)."""
        if self.released or self.session is not None:
            return
        self.session = session
        self.registry.watching(session)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        self.registry.stream_ended(self)


# --- all sessions --------------------------------------------------------------------------------------------
class SessionRegistry:
    def __init__(self, services: Services, faces: FaceCatalog, options: WebOptions, rng: random.Random, *,
                 trim: Callable[[], object] = release_free_memory):
        self.services = services
        self.faces = faces
        self.options = options
        self.rng = rng
        self.sessions: dict[str, WebSession] = {}
        self.ended: OrderedDict[str, EndNote] = OrderedDict()
        self.tasks: set[asyncio.Task] = set()  # running turns (they finish even if the browser left), parkings
        self.trim = trim  # gives freed memory back to the system (blocking; runs in a thread)
        self.streams_by_user: Counter[str] = Counter()  # open face streams (event loop only)
        self.streams_by_address: Counter[str] = Counter()
        self._opening = asyncio.Lock()  # one open() at a time decides who gets a slot

    def track(self, task: asyncio.Task) -> None:
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def get(self, user: str) -> WebSession | None:
        """This user's open session, if any (looking does not count as activity)."""
        return self.sessions.get(user)

    def now(self) -> float:
        return self.services.clock.monotonic()

    async def open(self, user: str, address: str = "?") -> WebSession:
        """This user's session, opened if needed.

        A full server (or a full client address) first reaps idle-expired sessions, then closes
        its least recently active *idle* session; when every one is active the newcomer gets
        `SessionsFull` with the seconds until one may become idle. Raises nothing for a user
        whose session is open.
        """
        session = self.sessions.get(user)
        if session is not None:
            return session
        async with self._opening:  # the check and the insert are not split by another open()
            session = self.sessions.get(user)  # opened while this one waited
            if session is not None:
                return session
            options = self.options
            if len(self.sessions) >= options.max_sessions or self._count_from(address) >= options.max_sessions_per_address:
                await self.reap()
            if self._count_from(address) >= options.max_sessions_per_address:
                await self._make_room([s for s in self.sessions.values() if s.address == address],
                                      messages.WEB_ADDRESS_FULL, "address_busy")
            if len(self.sessions) >= options.max_sessions:
                await self._make_room(list(self.sessions.values()), messages.WEB_FULL, "busy")
            rng = random.Random(self.rng.random())
            session = WebSession(user, self.services, self.faces.default_id(), rng,
                                 frame_cache=options.frame_cache, address=address)
            self.sessions[user] = session
            self.ended.pop(user, None)
            return session

    def _count_from(self, address: str) -> int:
        return sum(1 for s in self.sessions.values() if s.address == address)

    async def _make_room(self, candidates: list[WebSession], template: str, code: str) -> None:
        """Close the least recently active idle session among `candidates`, or refuse the newcomer."""
        now, window = self.now(), self.options.evict_idle_s
        idle = [s for s in candidates if not s.active(now, window)]
        if idle:
            await self.close(min(idle, key=lambda s: s.last_active).user, "evicted")
            return
        # the soonest a session may turn idle: one neither watched nor in a turn, else a full window
        waits = [s.last_active + window - now for s in candidates if not s.viewers and not s.turn_lock.locked()]
        raise SessionsFull(template, max(1.0, min(waits, default=window)), code=code)

    async def ensure_face(self, session: WebSession) -> FramePipeline:
        async with session.face_lock:
            if session.closed:
                raise SessionClosed("the session is closed")
            if session.pipeline is None or not session.pipeline.running:
                await anyio.to_thread.run_sync(session.start_pipeline, self.faces)
            assert session.pipeline is not None
            return session.pipeline

    async def frame(self, session: WebSession) -> bytes:
        """The current face frame as JPEG; being shown a frame counts as activity."""
        await self.ensure_face(session)
        session.mark_active()
        async with session.face_lock:
            max_age = 0.5 / max(1.0, self.options.fps)
            return await anyio.to_thread.run_sync(session.jpeg, self.options.jpeg_quality, max_age)

    async def switch_face(self, session: WebSession, face_id: str) -> None:
        self.faces.choice(face_id)  # unknown ids fail before anything changes
        async with session.face_lock:
            await anyio.to_thread.run_sync(session.switch_face, self.faces, face_id)

    # --- face streams -----------------------------------------------------------------------------------------
    def claim_stream(self, user: str, address: str) -> StreamLease:
        """Count a new face stream of `user` from `address`, or raise `TooManyStreams` (event loop only)."""
        options = self.options
        if self.streams_by_user[user] >= options.max_streams_per_user:
            raise TooManyStreams("user", options.stream_retry_after_s)
        if self.streams_by_address[address] >= options.max_streams_per_address:
            raise TooManyStreams("address", options.stream_retry_after_s)
        self.streams_by_user[user] += 1
        self.streams_by_address[address] += 1
        return StreamLease(self, user, address)

    def stream_ended(self, lease: StreamLease) -> None:
        """Called by `StreamLease.release()`: uncount it; its session was watched until now."""
        for counter, key in ((self.streams_by_user, lease.user), (self.streams_by_address, lease.address)):
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]
        if lease.session is not None:
            lease.session.mark_active()
            self.left(lease.session)

    def watching(self, session: WebSession) -> None:
        """A face stream of this session started (call from the event loop)."""
        session.viewers += 1
        session.mark_active()

    def left(self, session: WebSession) -> None:
        """A face stream ended; the last one to leave parks the face (call from the event loop)."""
        session.viewers = max(0, session.viewers - 1)
        if session.viewers == 0 and not session.closed:
            self.track(asyncio.get_running_loop().create_task(self.park(session), name=f"ohlora-park-{session.user}"))

    async def park(self, session: WebSession) -> None:
        """Stop the render thread of a face nobody watches and drop its pictures (a new viewer resumes it)."""
        async with session.face_lock:
            if session.viewers or session.closed or session.pipeline is None or not session.pipeline.running:
                return
            await anyio.to_thread.run_sync(session.park_face)
        await self.release_memory()

    async def release_memory(self) -> None:
        """Hand the memory freed by closed sessions and parked faces back to the system."""
        await anyio.to_thread.run_sync(self.trim)

    async def close(self, user: str, reason: str, message: str | None = None, *, release: bool = True) -> None:
        session = self.sessions.pop(user, None)
        if session is None:
            return
        self.ended[user] = EndNote(reason, message)
        self.ended.move_to_end(user)
        while len(self.ended) > ENDED_KEPT:
            self.ended.popitem(last=False)
        session.closed = True  # viewers stop asking for frames
        async with session.face_lock:
            await anyio.to_thread.run_sync(session.close)
        if release:
            await self.release_memory()

    def expired(self) -> list[WebSession]:
        """Sessions whose user has said nothing for the idle timeout (and no turn is running)."""
        return [s for s in self.sessions.values() if not s.turn_lock.locked() and s.conversation.idle_expired()]

    async def reap(self) -> list[str]:
        """Close every idle-expired session; return their users."""
        users = []
        for session in self.expired():
            seconds = int(session.conversation.idle_seconds())
            await self.close(session.user, "idle", messages.idle_end(seconds), release=False)
            users.append(session.user)
        if users:
            await self.release_memory()
        return users

    async def reap_forever(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            await self.reap()

    async def shutdown(self, wait_s: float = 60.0) -> None:
        """Let running turns finish (they are stored), then close every session."""
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=wait_s)
        for user in list(self.sessions):
            await self.close(user, "shutdown", release=False)
