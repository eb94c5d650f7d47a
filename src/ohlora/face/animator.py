"""Oh-LoRA's face in time: answer transitions, idle jitter, blinks, the ombre cycle and the idle finish.

The original (spec face §5, conversation §5) counted everything in frames of a loop with no frame
clock, so its behaviour depended on the GPU. Here every rule is in **seconds**:

* `Animator` is a pure state machine. Jitter and blink decisions happen on a fixed grid of ticks
  (1/20 s in the compat preset, the original's frame counts at 20 fps); `advance(now)` processes
  the ticks up to `now` and `state_at(now)` gives the expression, ombre parameters and phase.
  No threads, no sleeping: with a `ManualClock` tests are exact.
* `FramePipeline` turns states into pictures. A render worker thread draws expressions through a
  `Face` (in batches, looking ahead along a known transition) into an LRU cache keyed by the
  quantised expression; `frame(now)` / `latest_frame()` never wait for a render: they show the
  nearest ready picture and apply the ombre of the display time (cheap), so a slow renderer shows
  fewer fresh renders, never a slower animation.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np

from ohlora.clock import Clock
from ohlora.face.base import BASE_EYES, BASE_MOUTH, BASE_POSE, Drawn, Expression, Face

# --- constants of the original (spec face §5.3–5.4, §4) ---------------------------------------------------
COMPAT_FPS = 20.0
RISE_FRAMES, HOLD_FRAMES, FALL_FRAMES = 50, 10, 50
OMBRE_PERIOD_FRAMES = 360
BLINK_CURVES: tuple[tuple[float, ...], ...] = (
    (0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.25),
    (0.25, 0.4, 0.5, 0.6, 0.7, 0.75, 0.7, 0.6, 0.5, 0.4, 0.25),
    (0.25, 0.4, 0.6, 0.7, 0.7, 0.6, 0.4, 0.25),
)
BLINK_CURVE_CUTS = (0.4, 0.7)  # r < 0.4 → curve 0, r < 0.7 → curve 1, else curve 2
ORIGINAL_IDLE_EXTRA_MEAN_S = (1.0 / COMPAT_FPS) / 0.0007  # p = 0.0007 per frame at 20 fps ≈ 71 s


@dataclass(frozen=True)
class Jitter:
    """A bounded random walk around `base`: each tick adds U(−step, step), then clips to base ± half_range."""

    base: float
    half_range: float
    step: float


@dataclass(frozen=True)
class Timing:
    """Every time constant of the animation, in seconds. `Timing()` is the compat preset at 20 fps."""

    rise_s: float = RISE_FRAMES / COMPAT_FPS
    hold_s: float = HOLD_FRAMES / COMPAT_FPS
    fall_s: float = FALL_FRAMES / COMPAT_FPS
    tick_s: float = 1.0 / COMPAT_FPS  # the grid of jitter steps and blink decisions
    eyes: Jitter = Jitter(BASE_EYES, 0.15, 0.02)
    mouth: Jitter = Jitter(BASE_MOUTH, 0.1, 0.015)
    pose: Jitter = Jitter(BASE_POSE, 0.2, 0.025)
    blink_after_answer_s: float = 15.0
    blink_gap_s: float = 2.0
    blink_p_per_tick: float = 0.025
    blink_magnitude: tuple[float, float] = (1.1, 1.5)
    blink_sample_s: float = 1.0 / COMPAT_FPS  # spacing of the blink curve values
    ombre_period_s: float = OMBRE_PERIOD_FRAMES / COMPAT_FPS
    idle_finish_s: float | None = 180.0  # None: never end the session for idleness
    idle_extra_mean_s: float = 0.0  # > 0: add a seeded exponential extra delay (the original's feel)

    @classmethod
    def compat(cls, fps: float = COMPAT_FPS, **changes) -> Timing:
        """The original's frame counts read at `fps` frames per second (its loop had no frame clock)."""
        frame = 1.0 / fps
        base = cls(
            rise_s=RISE_FRAMES * frame,
            hold_s=HOLD_FRAMES * frame,
            fall_s=FALL_FRAMES * frame,
            tick_s=frame,
            blink_sample_s=frame,
            ombre_period_s=OMBRE_PERIOD_FRAMES * frame,
        )
        return replace(base, **changes)

    @property
    def transition_s(self) -> float:
        return self.rise_s + self.hold_s + self.fall_s


def transition_weight(tau: float, timing: Timing) -> float:
    """How far towards the target an answer's transition is, `tau` seconds after it started (0..1).

    Half-cosine rise, hold at 1, half-cosine fall. Sampled at 1/20 s it gives the original's 110 values.
    """
    if tau <= 0.0:
        return 0.0
    if tau < timing.rise_s:
        return (1.0 - math.cos(math.pi * tau / timing.rise_s)) / 2.0
    tau -= timing.rise_s
    if tau < timing.hold_s:
        return 1.0
    tau -= timing.hold_s
    if tau < timing.fall_s:
        return (1.0 + math.cos(math.pi * tau / timing.fall_s)) / 2.0
    return 0.0


@dataclass(frozen=True)
class OmbreParams:
    color: float
    height: float
    grad_height: float


def ombre_at(seconds: float, timing: Timing) -> OmbreParams:
    """The ombre cycle (spec face §4): colour sweeps the hues once per period, height and gradient wave.

    In the original, frame n (n = 1 for the first frame) has p = n/360; here n is continuous time.
    """
    return OmbreParams(*ombre_cycle(seconds / timing.ombre_period_s * OMBRE_PERIOD_FRAMES + 1.0))


def ombre_cycle(t_frames: float) -> tuple[float, float, float]:
    """(color, height, grad_height) at frame `t_frames` of the original's loop (period 360 frames;
    fractional frames allowed for a time-based animator): p = n/360, color = p,
    height = 0.6 + 0.2·cos(6πp), grad_height = 0.5 + 0.2·cos(8πp)."""
    p = (float(t_frames) % OMBRE_PERIOD_FRAMES) / OMBRE_PERIOD_FRAMES
    return p, 0.6 + 0.2 * math.cos(6 * math.pi * p), 0.5 + 0.2 * math.cos(8 * math.pi * p)


def expression_from_scores(scores: Mapping[str, float]) -> Expression:
    """The face weights of a turn (`TurnResult.expression.scores`: eyes, mouth, pose); missing = base."""
    return Expression(
        float(scores.get("eyes", BASE_EYES)), float(scores.get("mouth", BASE_MOUTH)), float(scores.get("pose", BASE_POSE))
    )


class Phase(str, Enum):
    """Where the face's conversation is (the original's `status`); the turn's own is
    `conversation.session.Status`."""

    WAITING = "waiting"  # idle: waiting for the user's message
    GENERATING = "generating"  # a turn is being answered
    FINISHED = "finished"


@dataclass(frozen=True)
class AnimState:
    t: float  # clock.monotonic() seconds
    expression: Expression  # what to draw: jitter + transition + blink
    jitter: Expression  # the idle random walk alone
    offset: Expression  # the answer transition's offset alone
    blink: float  # the blink's eyes offset alone
    ombre: OmbreParams
    phase: Phase


@dataclass(frozen=True)
class _Transition:
    start: float
    from_offset: tuple[float, float, float]
    to_offset: tuple[float, float, float]


@dataclass(frozen=True)
class _Blink:
    start: float
    offsets: tuple[float, ...]  # eyes offsets at start + (i + 1)·sample


class Animator:
    """The animation state machine. Drive it with `advance(now)` (or `state_at(now)`, which advances).

    Events: `user_sent` (a turn starts), `answered` (a reply with its expression), `turn_finished`
    (a turn ended without an answer, e.g. a too-long prompt: fixes the original's stuck status),
    `finish` (Ctrl+C). When the user stays idle for `timing.idle_finish_s` (+ optional seeded extra)
    after the last turn, the phase becomes FINISHED and `on_finish(idle_seconds)` is called once.
    """

    def __init__(self, clock: Clock, rng: random.Random, timing: Timing = Timing(),
                 on_finish: Callable[[float], None] | None = None):
        self.clock = clock
        self.rng = rng
        self.timing = timing
        self.on_finish = on_finish
        now = clock.monotonic()
        self._t0 = now
        self._tick_index = 0  # ticks processed: tick k happens at t0 + k·tick_s
        base = (timing.eyes.base, timing.mouth.base, timing.pose.base)
        self._jitter_prev = base
        self._jitter = base
        self._transition: _Transition | None = None
        self._blink: _Blink | None = None
        self._blinks: list[float] = []  # start times, for tests and statistics (bounded below)
        self.phase = Phase.WAITING
        self._last_answer = now
        self._last_activity = now
        self._idle_extra = self._draw_idle_extra()
        self.finished_after: float | None = None  # idle seconds when the animator ended the session

    # --- events -----------------------------------------------------------------------------------------
    def user_sent(self, now: float | None = None) -> None:
        now = self._now(now)
        self.advance(now)
        if self.phase is not Phase.FINISHED:
            self.phase = Phase.GENERATING
            self._last_activity = now

    def answered(self, expression: Expression, now: float | None = None) -> None:
        """Start the eased transition to `expression` and back, from the current value (never a snap)."""
        now = self._now(now)
        self.advance(now)
        jitter = self._jitter_at(now)
        current = self._offset_at(now)
        target = (expression.eyes - jitter[0], expression.mouth - jitter[1], expression.pose - jitter[2])
        self._transition = _Transition(now, current, target)
        self._last_answer = now
        self.turn_finished(now)

    def turn_finished(self, now: float | None = None) -> None:
        """A turn ended (with or without an answer): back to waiting, the idle clock restarts."""
        now = self._now(now)
        self.advance(now)
        if self.phase is not Phase.FINISHED:
            self.phase = Phase.WAITING
            self._last_activity = now
            self._idle_extra = self._draw_idle_extra()

    def finish(self) -> None:
        self.phase = Phase.FINISHED

    @property
    def finished(self) -> bool:
        return self.phase is Phase.FINISHED

    @property
    def blink_starts(self) -> tuple[float, ...]:
        return tuple(self._blinks)

    # --- time ---------------------------------------------------------------------------------------------
    def advance(self, now: float | None = None) -> None:
        """Process every tick up to `now`: jitter steps, blink decisions, the idle finish."""
        now = self._now(now)
        tm = self.timing
        while True:
            t = self._t0 + (self._tick_index + 1) * tm.tick_s
            if t > now + 1e-9:
                break
            self._tick_index += 1
            self._step(t)

    def state_at(self, now: float | None = None) -> AnimState:
        now = self._now(now)
        self.advance(now)
        jitter = self._jitter_at(now)
        offset = self._offset_at(now)
        blink = self._blink_at(now)
        expr = Expression(jitter[0] + offset[0] + blink, jitter[1] + offset[1], jitter[2] + offset[2])
        return AnimState(now, expr, Expression(*jitter), Expression(*offset), blink,
                         ombre_at(now - self._t0, self.timing), self.phase)

    def plan(self, now: float, times: Sequence[float]) -> list[Expression]:
        """The expressions at future `times` of the transition running at `now`, jitter held still.

        Empty when no transition is running. A slow renderer uses it to draw ahead; the random parts
        (jitter, blinks) cannot be predicted and are left out.
        """
        tr = self._transition
        if tr is None or now >= tr.start + self.timing.transition_s:
            return []
        jitter = self._jitter_at(now)
        out = []
        for t in times:
            off = self._offset_at(t)
            out.append(Expression(jitter[0] + off[0], jitter[1] + off[1], jitter[2] + off[2]))
        return out

    # --- internals ------------------------------------------------------------------------------------------
    def _now(self, now: float | None) -> float:
        return self.clock.monotonic() if now is None else now

    def _draw_idle_extra(self) -> float:
        mean = self.timing.idle_extra_mean_s
        return self.rng.expovariate(1.0 / mean) if mean > 0 else 0.0

    def _step(self, t: float) -> None:
        tm = self.timing
        self._jitter_prev = self._jitter
        self._jitter = tuple(
            min(j.base + j.half_range, max(j.base - j.half_range, v + self.rng.uniform(-j.step, j.step)))
            for j, v in zip((tm.eyes, tm.mouth, tm.pose), self._jitter)
        )
        if self.phase is Phase.FINISHED:
            return
        last_blink = self._blinks[-1] if self._blinks else None
        eligible = t - self._last_answer >= tm.blink_after_answer_s - 1e-9 and (
            last_blink is None or t - last_blink >= tm.blink_gap_s - 1e-9
        )
        if eligible and self.rng.random() < tm.blink_p_per_tick:
            magnitude = self.rng.uniform(*tm.blink_magnitude)
            r = self.rng.random()
            curve = BLINK_CURVES[0 if r < BLINK_CURVE_CUTS[0] else 1 if r < BLINK_CURVE_CUTS[1] else 2]
            offsets = tuple(max(0.0, magnitude * c - tm.eyes.base) for c in curve)
            self._blink = _Blink(t, offsets)
            self._blinks.append(t)
            if len(self._blinks) > 4096:
                del self._blinks[:2048]
        idle = t - self._last_activity
        if (self.phase is Phase.WAITING and tm.idle_finish_s is not None
                and idle >= tm.idle_finish_s + self._idle_extra - 1e-9):
            self.phase = Phase.FINISHED
            self.finished_after = idle
            if self.on_finish is not None:
                self.on_finish(idle)

    def _jitter_at(self, now: float) -> tuple[float, float, float]:
        """The random walk, interpolated between the last two ticks (one tick of lag, no jumps)."""
        last_tick = self._t0 + self._tick_index * self.timing.tick_s
        f = min(1.0, max(0.0, (now - last_tick) / self.timing.tick_s))
        return tuple(a + (b - a) * f for a, b in zip(self._jitter_prev, self._jitter))

    def _offset_at(self, t: float) -> tuple[float, float, float]:
        tr = self._transition
        if tr is None:
            return (0.0, 0.0, 0.0)
        tau = t - tr.start
        tm = self.timing
        if tau <= 0.0:
            return tr.from_offset
        if tau < tm.rise_s:
            k = transition_weight(tau, tm)
            return tuple(a + (b - a) * k for a, b in zip(tr.from_offset, tr.to_offset))
        k = transition_weight(tau, tm)
        return tuple(b * k for b in tr.to_offset)

    def _blink_at(self, t: float) -> float:
        b = self._blink
        if b is None:
            return 0.0
        x = (t - b.start) / self.timing.blink_sample_s  # sample i sits at x = i + 1; 0 at x = 0 and n + 1
        n = len(b.offsets)
        if x <= 0.0 or x >= n + 1:
            return 0.0
        values = (0.0, *b.offsets, 0.0)
        i = int(x)
        return values[i] + (values[i + 1] - values[i]) * (x - i)


# --- rendering ------------------------------------------------------------------------------------------------
OmbreFn = Callable[[np.ndarray, np.ndarray, float, float, float], np.ndarray]
_Key = tuple[int, int, int]


def default_ombre() -> OmbreFn:
    """`ohlora.face.ombre.apply_ombre`, imported only when a pipeline needs it."""
    from ohlora.face.ombre import apply_ombre

    return apply_ombre


@dataclass(frozen=True)
class Frame:
    """One displayed frame: the picture (ombre applied) and what it shows."""

    rgb: np.ndarray  # uint8 (H, W, 3)
    state: AnimState  # the animation state at display time
    drawn_for: Expression  # the (quantised) expression the face was rendered for
    fresh: bool  # True when drawn_for is the wanted expression (after quantisation)


@dataclass
class PipelineStats:
    displayed: int = 0
    fresh: int = 0
    rendered: int = 0
    batches: int = 0
    largest_batch: int = 0
    lag_total: float = 0.0  # sum over displayed frames of max |wanted − drawn| weight
    render_s: float = 0.0  # time spent in Face.draw

    @property
    def mean_lag(self) -> float:
        """How far (in weight units) the shown picture was from the wanted expression, on average."""
        return self.lag_total / self.displayed if self.displayed else 0.0

    @property
    def ms_per_render(self) -> float:
        return 1000.0 * self.render_s / self.rendered if self.rendered else 0.0


class FramePipeline:
    """Renders an `Animator`'s states with a `Face` on a worker thread; displays never wait.

    Use it as a context manager (or `start()` / `stop()`), forward the conversation's events
    (`user_sent`, `answered`, `turn_finished`, `finish`) and call `latest_frame()` at any rate.
    `ombre=None` shows the face without ombre; the default applies `ohlora.face.ombre.apply_ombre`.

    Expressions are quantised by `quantum` (cache keys). A fast face (the embedded one) just draws
    what the display wants next. A face slower than `lookahead_min_ms` per frame (StyleGAN on a CPU)
    draws a running answer transition ahead instead, in batches of up to `batch_size` frames sized
    to about `lookahead_s` of work, timed so they are ready when the display reaches them.

    Memory is bounded: at most `cache_size` pictures are kept, and with `unwatched_s` set nothing
    is drawn (ahead or otherwise) once no frame has been shown for that long. `park()` stops the
    worker and drops every picture while nobody watches; the animator keeps its state and still
    takes the conversation's events, and `start()` resumes.
    """

    def __init__(
        self,
        face: Face,
        animator: Animator,
        *,
        ombre: OmbreFn | None | str = "auto",
        quantum: float = 0.01,
        cache_size: int = 512,
        batch_size: int = 8,
        lookahead_s: float = 1.0,
        lookahead_step_s: float = 0.05,
        lookahead_min_ms: float = 20.0,
        unwatched_s: float | None = None,
    ):
        self.face = face
        self.animator = animator
        self.clock = animator.clock
        self.quantum = quantum
        self.cache_size = cache_size
        self.batch_size = batch_size
        self.lookahead_s = lookahead_s
        self.lookahead_step_s = lookahead_step_s
        self.lookahead_min_ms = lookahead_min_ms  # draw ahead only for faces slower than this per frame
        self.unwatched_s = unwatched_s  # no frame shown for this long: draw nothing (None: always draw)
        self.ombre_error: str | None = None
        if ombre == "auto":
            try:
                ombre = default_ombre()
            except ImportError as exc:  # e.g. OpenCV missing: the face still works, without ombre
                self.ombre_error = str(exc)
                ombre = None
        self._ombre: OmbreFn | None = ombre  # type: ignore[assignment]
        self.stats = PipelineStats()
        self._cache: OrderedDict[_Key, Drawn] = OrderedDict()
        self._wanted: _Key | None = None
        self._latest: Frame | None = None
        self._shown_at: float | None = None  # clock time of the last latest_frame()
        self._lock = threading.Lock()  # guards the animator, the cache and the wanted key
        self._wake = threading.Condition(self._lock)
        self._stop = False
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None  # a render failure, re-raised by latest_frame()

    # --- lifecycle ----------------------------------------------------------------------------------------
    def start(self) -> FramePipeline:
        """Render the current expression once (so there is always a frame), then start the worker."""
        if self._thread is not None:
            return self
        with self._lock:
            key = self._key(self.animator.state_at().expression)
        self._render([key])
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="ohlora-face-render", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._wake:
            self._stop = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=30.0)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def park(self) -> None:
        """Nobody watches: stop the worker and drop the pictures (the animator carries on; `start()` resumes)."""
        self.stop()
        with self._lock:
            self._cache.clear()
            self._wanted = None
            self._latest = None
            self._shown_at = None

    @property
    def cached(self) -> int:
        """How many drawn pictures are kept."""
        with self._lock:
            return len(self._cache)

    def __enter__(self) -> FramePipeline:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- conversation events (thread-safe) --------------------------------------------------------------
    def user_sent(self) -> None:
        with self._wake:
            self.animator.user_sent()

    def answered(self, expression: Expression) -> None:
        with self._wake:
            self.animator.answered(expression)
            self._wake.notify_all()  # a transition is known: draw ahead

    def turn_finished(self) -> None:
        with self._wake:
            self.animator.turn_finished()

    def finish(self) -> None:
        with self._wake:
            self.animator.finish()

    @property
    def finished(self) -> bool:
        with self._lock:
            return self.animator.finished

    # --- display side -------------------------------------------------------------------------------------
    def latest_frame(self, now: float | None = None) -> Frame:
        """The frame for `now` (default: the clock's now) from the nearest ready picture. Never waits."""
        if self.error is not None:
            raise self.error
        with self._wake:
            state = self.animator.state_at(now)
            self._shown_at = state.t
            key = self._key(state.expression)
            if key != self._wanted:
                self._wanted = key
                self._wake.notify_all()
            drawn_key, drawn = self._nearest(key)
        rgb = drawn.rgb
        if self._ombre is not None:
            o = state.ombre
            rgb = self._ombre(drawn.rgb, drawn.hair, o.color, o.height, o.grad_height)
        frame = Frame(rgb, state, self._expression(drawn_key), drawn_key == key)
        self.stats.displayed += 1
        self.stats.fresh += int(frame.fresh)
        self.stats.lag_total += max(abs(a - b) for a, b in zip(key, drawn_key)) * self.quantum
        self._latest = frame
        return frame

    @property
    def last_shown(self) -> Frame | None:
        """The last frame `latest_frame` returned (None before the first call)."""
        return self._latest

    def wait_until_fresh(self, timeout: float) -> bool:
        """Block until the wanted expression is rendered (tests and offline rendering only)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._wanted is None or self._wanted in self._cache:
                    return True
            time.sleep(0.005)
        return False

    # --- worker side ----------------------------------------------------------------------------------------
    def _work(self) -> None:
        try:
            while True:
                with self._wake:
                    jobs = self._jobs()
                    while not jobs and not self._stop:
                        self._wake.wait(timeout=0.25)
                        jobs = self._jobs()
                    if self._stop:
                        return
                self._render(jobs)
        except BaseException as exc:  # surfaced to the display side
            self.error = exc

    def _jobs(self) -> list[_Key]:
        """Keys to render next (lock held).

        A fast face draws what the display wants now. A slow one (more than `lookahead_min_ms` per
        frame) draws a running transition ahead: a batch of b frames is ready b·r seconds from now
        (r = seconds per frame), so it samples the times from then on, r apart, for the display to
        find them just in time; without a transition it draws what the display wants.
        """
        now = self.clock.monotonic()
        if self.unwatched_s is not None and (self._shown_at is None or now - self._shown_at > self.unwatched_s):
            return []  # nobody is looking: draw nothing, not even the known transition
        wanted = [self._wanted] if self._wanted is not None and self._wanted not in self._cache else []
        r = self.stats.ms_per_render / 1000.0
        if r * 1000.0 < self.lookahead_min_ms:
            return wanted
        if not self.animator.plan(now, [now]):  # no transition running
            return wanted
        spacing = max(r, self.lookahead_step_s)
        b = max(1, min(self.batch_size, int(self.lookahead_s / spacing)))
        times = [now + (b + i) * spacing for i in range(b)]
        jobs: list[_Key] = []
        for expr in self.animator.plan(now, times):
            key = self._key(expr)
            if key not in self._cache and key not in jobs:
                jobs.append(key)
        return jobs

    def _render(self, keys: Sequence[_Key]) -> None:
        t0 = time.perf_counter()
        drawn = self.face.draw([self._expression(k) for k in keys])
        elapsed = time.perf_counter() - t0
        with self._lock:
            self.stats.render_s += elapsed
            for key, d in zip(keys, drawn):
                self._cache[key] = d
                self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            self.stats.rendered += len(keys)
            self.stats.batches += 1
            self.stats.largest_batch = max(self.stats.largest_batch, len(keys))

    # --- keys -------------------------------------------------------------------------------------------------
    def _key(self, e: Expression) -> _Key:
        q = self.quantum
        return (round(e.eyes / q), round(e.mouth / q), round(e.pose / q))

    def _expression(self, key: _Key) -> Expression:
        q = self.quantum
        return Expression(key[0] * q, key[1] * q, key[2] * q)

    def _nearest(self, key: _Key) -> tuple[_Key, Drawn]:
        """The cached picture closest to `key` (lock held). The cache is never empty after start()."""
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return key, hit
        if not self._cache:
            raise RuntimeError("FramePipeline.latest_frame() called before start()")
        best = min(self._cache, key=lambda k: (k[0] - key[0]) ** 2 + (k[1] - key[1]) ** 2 + (k[2] - key[2]) ** 2)
        return best, self._cache[best]
