"""The face animation in seconds (fake clock, exact) and the render pipeline (display never waits)."""

from __future__ import annotations

import math
import random
import threading
import time
from datetime import datetime

import numpy as np
import pytest

from conftest import wait_until
from ohlora.clock import ManualClock
from ohlora.face.animator import (
    BLINK_CURVES,
    Animator,
    FramePipeline,
    Jitter,
    Phase,
    Timing,
    expression_from_scores,
    ombre_at,
    transition_weight,
)
from ohlora.face.base import BASE_EYES, BASE_MOUTH, BASE_POSE, Drawn, Expression

STILL = Timing(eyes=Jitter(BASE_EYES, 0.0, 0.0), mouth=Jitter(BASE_MOUTH, 0.0, 0.0), pose=Jitter(BASE_POSE, 0.0, 0.0),
               blink_p_per_tick=0.0)


def make(timing: Timing = Timing(), seed: int = 0, **kw) -> tuple[Animator, ManualClock]:
    clock = ManualClock(datetime(2025, 6, 25, 14, 0, 0))
    return Animator(clock, random.Random(seed), timing, **kw), clock


def ex(e: Expression) -> tuple[float, float, float]:
    return (e.eyes, e.mouth, e.pose)


def at(animator: Animator, clock: ManualClock, t: float):
    clock.advance(t - clock.monotonic())
    return animator.state_at()


# --- transitions --------------------------------------------------------------------------------------------
def test_weight_sampled_at_20_fps_is_the_original_110_value_curve():
    timing = Timing()
    original = [(math.cos((1 + x / 50) * math.pi) + 1) / 2 for x in range(50)] + [1.0] * 10
    original += [(math.cos((2 + x / 50) * math.pi) + 1) / 2 for x in range(50)]
    ours = [transition_weight(i / 20, timing) for i in range(110)]
    assert ours == pytest.approx(original, abs=1e-12)
    assert transition_weight(5.5, timing) == 0.0 and transition_weight(-1.0, timing) == 0.0


def test_answer_transition_rises_holds_and_returns_in_seconds():
    animator, clock = make(STILL)
    target = Expression(-1.0, -1.2, -0.9)
    at(animator, clock, 10.0)
    animator.answered(target)
    base = Expression(BASE_EYES, BASE_MOUTH, BASE_POSE)
    assert at(animator, clock, 10.0).expression == base
    mid = at(animator, clock, 11.25).expression
    assert mid.eyes == pytest.approx((base.eyes + target.eyes) / 2)
    assert mid.mouth == pytest.approx((base.mouth + target.mouth) / 2)
    rise = [at(animator, clock, 10.0 + i * 0.1).expression.mouth for i in range(26)]
    assert all(a > b for a, b in zip(rise, rise[1:]))  # monotone towards the (lower) target
    for t in (12.5, 12.75, 13.0):
        assert ex(at(animator, clock, t).expression) == pytest.approx(ex(target))
    assert at(animator, clock, 14.25).expression.pose == pytest.approx((base.pose + target.pose) / 2)
    assert ex(at(animator, clock, 15.5).expression) == pytest.approx(ex(base))
    assert at(animator, clock, 40.0).expression == base


def test_turn_scores_become_an_expression():
    assert expression_from_scores({"eyes": -0.9, "mouth": -1.3, "pose": 0.4}) == Expression(-0.9, -1.3, 0.4)
    assert expression_from_scores({"eyes": -0.5}) == Expression(-0.5, BASE_MOUTH, BASE_POSE)


def test_compat_preset_reads_the_frame_counts_at_any_fps():
    t = Timing.compat(30.0)
    assert (t.rise_s, t.hold_s, t.fall_s, t.tick_s, t.ombre_period_s) == pytest.approx((50 / 30, 10 / 30, 50 / 30, 1 / 30, 12.0))
    assert Timing() == Timing.compat(20.0)
    assert Timing().transition_s == pytest.approx(5.5)


@pytest.mark.parametrize("second_at", [1.7, 2.8, 4.1])  # rising, holding, falling
def test_a_new_answer_mid_transition_starts_from_the_current_value(second_at):
    animator, clock = make(STILL)
    animator.answered(Expression(-1.1, -1.5, -1.6))
    before = at(animator, clock, second_at).expression
    second = Expression(0.1, -0.4, 0.5)
    animator.answered(second)
    after = animator.state_at().expression
    assert ex(after) == pytest.approx(ex(before))  # no snap
    just_after = at(animator, clock, second_at + 0.05).expression
    assert abs(just_after.mouth - before.mouth) < 0.01  # eased start
    assert ex(at(animator, clock, second_at + 2.5).expression) == pytest.approx(ex(second))
    assert ex(at(animator, clock, second_at + 5.5).expression) == pytest.approx(ex(Expression()))


def test_transition_rides_on_the_jitter_and_ends_on_it():
    animator, clock = make(Timing(blink_p_per_tick=0.0), seed=3)
    at(animator, clock, 2.0)
    animator.answered(Expression(-0.8, -1.0, -1.2))
    for t in np.arange(2.0, 9.0, 0.037):
        s = at(animator, clock, float(t))
        assert s.expression.eyes == pytest.approx(s.jitter.eyes + s.offset.eyes)
        assert s.expression.pose == pytest.approx(s.jitter.pose + s.offset.pose)
    assert s.offset == Expression(0.0, 0.0, 0.0)


# --- jitter and blinks ---------------------------------------------------------------------------------------
def test_jitter_stays_in_its_bands_and_moves_in_small_steps():
    animator, clock = make(Timing(blink_p_per_tick=0.0), seed=7)
    rng = random.Random(1)
    values = []
    t = 0.0
    while t < 600.0:
        t += rng.uniform(0.001, 0.2)  # any display rate
        values.append(at(animator, clock, t).jitter)
    eyes = np.array([v.eyes for v in values])
    mouth = np.array([v.mouth for v in values])
    pose = np.array([v.pose for v in values])
    assert eyes.min() >= 0.05 - 1e-9 and eyes.max() <= 0.35 + 1e-9
    assert mouth.min() >= 0.9 - 1e-9 and mouth.max() <= 1.1 + 1e-9
    assert pose.min() >= -0.2 - 1e-9 and pose.max() <= 0.2 + 1e-9
    assert eyes.std() > 0.02 and mouth.std() > 0.01 and pose.std() > 0.02  # it does move
    ticks = Timing().tick_s
    # between samples the walk moves at most one step per elapsed tick
    animator2, clock2 = make(Timing(blink_p_per_tick=0.0), seed=7)
    prev = at(animator2, clock2, 0.0).jitter
    for k in range(1, 2000):
        cur = at(animator2, clock2, k * ticks).jitter
        assert abs(cur.eyes - prev.eyes) <= 0.02 + 1e-9 and abs(cur.pose - prev.pose) <= 0.025 + 1e-9
        prev = cur


def test_jitter_does_not_depend_on_the_display_rate():
    a, ca = make(seed=5)
    b, cb = make(seed=5)
    for i in range(1, 601):
        at(a, ca, i / 60.0)  # 60 fps display
    for i in range(1, 101):
        at(b, cb, i / 10.0)  # 10 fps display
    assert at(a, ca, 10.0) == at(b, cb, 10.0)


def test_blinks_wait_15_s_after_an_answer_and_2_s_after_each_other():
    animator, clock = make(Timing(idle_finish_s=None), seed=11)
    animator.answered(Expression(-0.5, -0.6, 0.0))
    t = 0.0
    while t < 1000.0:
        t += 0.033
        at(animator, clock, t)
    starts = animator.blink_starts
    assert starts and starts[0] >= 15.0
    gaps = np.diff(starts)
    assert gaps.min() >= 2.0 - 1e-9
    # hazard 0.025 per 1/20 s after a 2 s pause: about one blink every 4 s
    assert 180 <= len(starts) <= 320, len(starts)
    assert 3.2 < gaps.mean() < 4.8


def test_blink_rate_is_the_same_at_any_display_rate():
    counts = []
    for step in (1 / 60, 1 / 7):
        animator, clock = make(Timing(idle_finish_s=None), seed=2)
        t = 0.0
        while t < 600.0:
            t += step
            at(animator, clock, t)
        counts.append(len(animator.blink_starts))
    assert counts[0] == counts[1]  # decisions happen on the tick grid, not per displayed frame


def test_a_blink_closes_the_eyes_on_top_of_the_current_value():
    animator, clock = make(Timing(idle_finish_s=None), seed=4)
    t = 0.0
    while not animator.blink_starts:
        t += 0.05
        at(animator, clock, t)
    start = animator.blink_starts[0]
    samples = [at(animator, clock, start + i * 0.01) for i in range(0, 80)]
    blinks = [s.blink for s in samples]
    assert blinks[0] == 0.0 and blinks[-1] == 0.0
    peak = max(blinks)
    lowest_peak = 1.1 * min(max(c) for c in BLINK_CURVES) - BASE_EYES
    highest_peak = 1.5 * max(max(c) for c in BLINK_CURVES) - BASE_EYES
    assert lowest_peak - 1e-9 <= peak <= highest_peak + 1e-9
    for s in samples:
        assert s.expression.eyes == pytest.approx(s.jitter.eyes + s.offset.eyes + s.blink)
    durations = [len(c) for c in BLINK_CURVES]
    active = sum(b > 0 for b in blinks) * 0.01
    assert min(durations) * 0.05 - 0.06 <= active <= (max(durations) + 1) * 0.05


# --- idle finish and status -------------------------------------------------------------------------------------
def test_session_ends_180_s_after_the_last_answer():
    calls = []
    animator, clock = make(on_finish=calls.append)
    at(animator, clock, 5.0)
    animator.answered(Expression())
    assert at(animator, clock, 184.9).phase is Phase.WAITING
    assert at(animator, clock, 185.0).phase is Phase.FINISHED
    at(animator, clock, 400.0)
    assert calls == [pytest.approx(180.0)] and animator.finished_after == pytest.approx(180.0)
    animator.user_sent()
    assert animator.phase is Phase.FINISHED  # finished is final


def test_no_idle_finish_while_an_answer_is_being_generated():
    animator, clock = make()
    animator.user_sent()
    assert at(animator, clock, 900.0).phase is Phase.GENERATING
    animator.turn_finished()  # e.g. the prompt was too long: waiting again (the original stayed stuck)
    assert animator.phase is Phase.WAITING
    assert at(animator, clock, 1079.9).phase is Phase.WAITING
    assert at(animator, clock, 1080.0).phase is Phase.FINISHED


def test_idle_finish_can_be_off_or_randomly_later_but_reproducible():
    never, clock = make(Timing(idle_finish_s=None))
    assert at(never, clock, 5000.0).phase is Phase.WAITING
    ends = []
    for _ in range(2):
        animator, clock = make(Timing(idle_extra_mean_s=70.0), seed=9)
        t = 0.0
        while not animator.finished:
            t += 0.5
            at(animator, clock, t)
        ends.append(animator.finished_after)
    assert ends[0] == ends[1] and ends[0] > 180.0


def test_ombre_cycles_every_18_s_like_the_original_360_frames():
    timing = Timing()
    for k in (0, 1, 59, 180, 359):
        o = ombre_at(k / 20.0, timing)
        p = ((k + 1) % 360) / 360  # the original's frame n = k + 1
        assert o.color == pytest.approx(p)
        assert o.height == pytest.approx(0.6 + 0.2 * math.cos(6 * math.pi * p))
        assert o.grad_height == pytest.approx(0.5 + 0.2 * math.cos(8 * math.pi * p))
    assert ombre_at(3.3, timing) == ombre_at(3.3 + 18.0, timing)
    assert 0.0 <= ombre_at(17.99, timing).color < 1.0


# --- the render pipeline ----------------------------------------------------------------------------------------
class FakeFace:
    """Draws a picture whose pixels encode the expression; optionally blocks until released."""

    name = "fake"
    size = 8

    def __init__(self, block_after: int | None = None, fail: bool = False):
        self.batches: list[list[Expression]] = []
        self.release = threading.Event()
        self.entered = threading.Event()
        self.block_after = block_after
        self.fail = fail

    def draw(self, expressions):
        self.batches.append(list(expressions))
        if self.block_after is not None and len(self.batches) > self.block_after:
            self.entered.set()
            self.release.wait(timeout=30)
        if self.fail and len(self.batches) > 1:
            raise RuntimeError("renderer broke")
        out = []
        for e in expressions:
            rgb = np.zeros((8, 8, 3), np.uint8)
            rgb[..., 0] = int(np.clip(100 + 50 * e.eyes, 0, 255))
            out.append(Drawn(rgb, np.ones((8, 8), np.float32)))
        return out


def fake_ombre(calls):
    def apply(rgb, mask, color, height, grad):
        calls.append((color, height, grad))
        out = rgb.copy()
        out[..., 2] = int(color * 255)
        return out

    return apply


def test_display_never_waits_for_a_slow_renderer():
    animator, clock = make(seed=1)
    face = FakeFace(block_after=1)  # the first render (at start) is quick, every later one blocks
    calls = []
    with FramePipeline(face, animator, ombre=fake_ombre(calls), quantum=0.001) as pipeline:
        frames = []
        for _ in range(40):
            clock.advance(0.05)
            frames.append(pipeline.latest_frame())  # returns although the worker is stuck
        assert face.entered.wait(5)
        assert len(face.batches) == 2  # one at start, one in progress
        times = [f.state.t for f in frames]
        assert times == sorted(times) and times[-1] - times[0] == pytest.approx(39 * 0.05)
        assert len({f.rgb[0, 0, 2] for f in frames}) > 20  # ombre follows display time
        assert [c[0] for c in calls] == [f.state.ombre.color for f in frames]
        assert not frames[-1].fresh  # the nearest ready picture, not the wanted one
        face.release.set()
        face.block_after = None
        assert pipeline.wait_until_fresh(10)
        assert pipeline.latest_frame().fresh


def test_a_slow_face_draws_the_known_transition_ahead_in_batches():
    animator, clock = make(STILL)
    face = FakeFace()
    with FramePipeline(face, animator, ombre=None, batch_size=6, lookahead_s=2.0, lookahead_step_s=0.1,
                       lookahead_min_ms=0.0) as pipeline:  # treat the fake face as slow
        pipeline.latest_frame()
        pipeline.answered(Expression(-1.0, -1.0, -1.0))
        assert wait_until(lambda: pipeline.stats.rendered >= 7)
        time.sleep(0.05)
        assert pipeline.stats.largest_batch == 6 and len(face.batches) == 2  # then nothing new to draw
        ahead = [e.eyes for e in face.batches[1]]
        assert ahead == sorted(ahead, reverse=True) and ahead[0] < BASE_EYES  # along the transition, in order
        clock.advance(0.7)  # the first drawn-ahead time
        frame = pipeline.latest_frame()
        assert frame.fresh and frame.drawn_for.eyes == pytest.approx(ahead[1], abs=1e-9)
        clock.advance(5.0)  # the transition is over: back to drawing what the display wants
        assert pipeline.latest_frame().state.offset == Expression(0.0, 0.0, 0.0)
        assert pipeline.wait_until_fresh(10)


def test_a_fast_face_draws_only_what_the_display_wants():
    animator, clock = make(STILL)
    face = FakeFace()
    with FramePipeline(face, animator, ombre=None, lookahead_min_ms=1e9) as pipeline:
        pipeline.answered(Expression(-1.0, -1.0, -1.0))
        for _ in range(10):
            clock.advance(0.1)
            pipeline.latest_frame()
            assert pipeline.wait_until_fresh(10)
        assert pipeline.stats.largest_batch == 1 and pipeline.stats.rendered == 11


def test_same_expression_is_drawn_once():
    animator, clock = make(STILL)
    face = FakeFace()
    with FramePipeline(face, animator, ombre=None) as pipeline:
        for _ in range(20):
            clock.advance(0.05)
            assert pipeline.latest_frame().fresh
        time.sleep(0.05)
        assert sum(len(b) for b in face.batches) == 1


def test_pipeline_forwards_events_and_render_errors():
    animator, clock = make()
    face = FakeFace(fail=True)
    with FramePipeline(face, animator, ombre=None, quantum=0.001) as pipeline:
        pipeline.user_sent()
        assert animator.phase is Phase.GENERATING
        pipeline.turn_finished()
        assert animator.phase is Phase.WAITING
        clock.advance(1.0)
        pipeline.latest_frame()
        assert wait_until(lambda: pipeline.error is not None)
        with pytest.raises(RuntimeError, match="renderer broke"):
            pipeline.latest_frame()
        pipeline.finish()
        assert pipeline.finished


def test_display_loop_keeps_real_time_and_stops_when_the_session_ends():
    from ohlora.face.sinks import run_display

    class CountingSink:
        count = 0

        def show(self, rgb):
            self.count += 1

        def close(self):
            pass

    animator, clock = make(Timing(idle_finish_s=3.0))
    sink = CountingSink()

    def sleep(seconds: float) -> None:
        clock.advance(seconds)

    with FramePipeline(FakeFace(), animator, ombre=None) as pipeline:
        stats = run_display(pipeline, [sink], fps=30, duration_s=2.0, now=clock.monotonic, sleep=sleep)
        assert stats.frames == sink.count == 60 and stats.fps == pytest.approx(30.0, rel=0.02)
        stats = run_display(pipeline, [sink], fps=30, duration_s=100.0, now=clock.monotonic, sleep=sleep)
        assert pipeline.finished and stats.seconds < 1.1  # ended by the idle finish at 3 s


# --- bounded memory -----------------------------------------------------------------------------------------
def test_pipeline_keeps_at_most_cache_size_pictures():
    animator, clock = make(STILL)
    with FramePipeline(FakeFace(), animator, ombre=None, quantum=0.001, cache_size=4, lookahead_min_ms=1e9) as pipeline:
        pipeline.answered(Expression(-1.0, -1.0, -1.0))
        for _ in range(12):
            clock.advance(0.1)  # a new expression along the transition every step
            pipeline.latest_frame()
            assert pipeline.wait_until_fresh(10)
            assert pipeline.cached <= 4
        assert pipeline.cached == 4 and pipeline.stats.rendered == 13


def test_a_face_nobody_looks_at_draws_nothing_ahead():
    animator, clock = make(STILL)
    pipeline = FramePipeline(FakeFace(), animator, ombre=None, unwatched_s=2.0)
    pipeline.start()
    pipeline.stop()  # one picture and no worker: the decisions below are exact
    pipeline.stats.render_s = 0.05 * pipeline.stats.rendered  # as slow as StyleGAN on a CPU: it draws ahead
    pipeline.answered(Expression(-1.0, -1.0, -1.0))
    assert pipeline._jobs() == []  # no frame shown yet
    pipeline.latest_frame()
    assert len(pipeline._jobs()) > 1  # somebody looks: the transition is drawn ahead
    clock.advance(2.5)  # nothing shown for longer than unwatched_s, the transition still runs
    assert pipeline._jobs() == []
    pipeline.latest_frame()
    assert len(pipeline._jobs()) > 1


def test_park_drops_the_pictures_and_start_resumes_the_same_animation():
    animator, clock = make(STILL)
    face = FakeFace()
    pipeline = FramePipeline(face, animator, ombre=None, quantum=0.001).start()
    try:
        pipeline.answered(Expression(-1.0, -1.0, -1.0))
        for _ in range(3):
            clock.advance(0.1)
            pipeline.latest_frame()
            assert pipeline.wait_until_fresh(10)
        assert pipeline.cached == 4
        thread = pipeline._thread
        pipeline.park()
        assert not pipeline.running and not thread.is_alive()
        assert pipeline.cached == 0 and pipeline.last_shown is None
        pipeline.user_sent()  # events still reach the animator while parked
        assert animator.phase is Phase.GENERATING
        clock.advance(0.5)
        pipeline.start()  # draws the current expression, then renders on a new worker
        assert pipeline.running and pipeline.cached == 1
        assert pipeline.latest_frame().fresh
    finally:
        pipeline.stop()
