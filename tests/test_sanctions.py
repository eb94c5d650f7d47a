import csv
from datetime import datetime, timedelta

import pytest

from ohlora import messages
from ohlora.errors import CorruptData
from ohlora.ethics.base import SANCTIONED, Action, Category, EthicsThresholds, firing
from ohlora.ethics.sanctions import (
    CAP_S,
    DAY,
    DEFAULT_PERIOD,
    ESCALATION,
    Sanctions,
    fired_categories,
    period_for,
    read_block_log,
    unsafe_reply,
    write_block_log,
)
from ohlora.store import SanctionRow, Store

T = EthicsThresholds(love=0.98, politics=0.95, paedrip=0.9, hate=0.9, normal_veto=0.5)
NOW = datetime(2025, 6, 25, 14, 0)


def scores(**kw):
    base = {c: 0.0 for c in Category}
    base.update({Category(k): v for k, v in kw.items()})
    return base


def test_escalation_tables():
    assert [period_for("love", n) for n in range(1, 7)] == [0, 3600, DAY, 14 * DAY, 1461 * DAY, 1461 * DAY]
    assert [period_for("politics", n) for n in range(1, 7)] == [0, 3 * DAY, 7 * DAY, 30 * DAY, 365 * DAY, 365 * DAY]
    assert [period_for("paedrip", n) for n in range(1, 5)] == [7 * DAY, 30 * DAY, 1461 * DAY, 1461 * DAY]
    assert [period_for("hate", n) for n in range(1, 6)] == [DAY, 7 * DAY, 90 * DAY, 1461 * DAY, 1461 * DAY]


def test_firing_rule_at_the_threshold_unless_normal_vetoes():
    assert firing(scores(love=0.98), T) == (Category.LOVE,)  # the threshold itself fires
    assert firing(scores(love=0.979), T) == ()
    assert firing(scores(hate=0.95, love=0.99, paedrip=0.9, politics=0.96), T) == SANCTIONED  # always in this order
    assert firing(scores(hate=0.95, normal=0.5), T) == ()  # the veto at its threshold
    assert firing(scores(hate=0.95, normal=0.49), T) == (Category.HATE,)
    assert firing(scores(normal=0.2), T) == ()


def test_love_and_politics_need_a_cue_word_in_the_answer():
    assert fired_categories(scores(love=0.99), "좋아!", T) == ()
    assert fired_categories(scores(love=0.99), "미안 ㅠㅠ", T) == (Category.LOVE,)
    assert fired_categories(scores(politics=0.96), "정치는 부담스러워", T) == (Category.POLITICS,)
    assert fired_categories(scores(politics=0.94), "부담", T) == ()
    # without the cue rule it is the firing rule alone
    assert fired_categories(scores(love=0.99, hate=0.95), "좋아!", T, need_cue=False) == (Category.LOVE, Category.HATE)
    assert fired_categories(scores(love=0.99, hate=0.95), "좋아!", T) == (Category.HATE,)


def test_paedrip_and_hate_fire_without_cue_and_normal_vetoes():
    assert fired_categories(scores(paedrip=0.9, hate=0.95), "", T) == (Category.PAEDRIP, Category.HATE)
    assert fired_categories(scores(paedrip=0.99, normal=0.5), "", T) == ()


def test_categories_and_actions_stand_in_for_their_strings():
    assert fired_categories(scores(hate=0.95), "", T) == ("hate",)
    assert Action.BLOCK == "block" and Action.WARNING == "warning"
    assert isinstance(Action.BLOCK, str) and isinstance(Category.LOVE, str)
    assert f"{Category.PAEDRIP}|{Action.WARNING}" == "paedrip|warning" and str(Action.BLOCK) == "block"
    assert {"love": 1}[Category.LOVE] == 1 and ESCALATION["love"] == ESCALATION[Category.LOVE]
    assert set(ESCALATION) == set(DEFAULT_PERIOD) == set(SANCTIONED)


def test_unsafe_reply_rule():
    assert unsafe_reply(scores(hate=0.95), "x", T)
    assert unsafe_reply(scores(hate=0.95), "미안", T)  # a cue word excuses only love and politics
    assert unsafe_reply(scores(love=0.99), "나도 좋아해", T)
    assert not unsafe_reply(scores(love=0.99), "미안, 나는 친구로 지내고 싶어", T)
    assert not unsafe_reply(scores(hate=0.95, normal=0.5), "x", T)
    assert not unsafe_reply(scores(normal=0.9), "평범한 말", T)


@pytest.fixture
def sanctions(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    yield Sanctions(store)
    store.close()


def test_levels_count_per_category_and_per_user(sanctions):
    s1 = sanctions.record("a", ["love"], NOW)
    assert (s1.action, s1.levels, s1.period_s) == (Action.WARNING, (1,), 0)
    assert s1.action == "warning" and s1.codes == (Category.LOVE,)
    assert sanctions.active("a", NOW) is None
    s2 = sanctions.record("a", ["love"], NOW)
    assert (s2.action, s2.levels, s2.period_s) == (Action.BLOCK, (2,), 3600)
    assert sanctions.active("a", NOW + timedelta(minutes=59)).until == int(NOW.timestamp()) + 3600
    assert sanctions.active("a", NOW + timedelta(minutes=60)) is None
    # another category starts at level 1, another user is unaffected
    assert sanctions.record("a", ["politics"], NOW).levels == (1,)
    assert sanctions.record("b", ["love"], NOW).levels == (1,)


def test_two_categories_sum_and_both_rows_logged(sanctions):
    s = sanctions.record("a", [Category.HATE, "paedrip", "hate"], NOW)  # ordered and counted once
    assert s.codes == (Category.PAEDRIP, Category.HATE) and s.period_s == 8 * DAY
    rows = sanctions.history("a")
    assert [(r.reason, r.level, r.period_s) for r in rows] == [("paedrip", 1, 8 * DAY), ("hate", 1, 8 * DAY)]
    assert all(type(r.reason) is str for r in rows)  # the store keeps the plain values
    assert "패드립,혐오/기타" in s.message()


def test_record_refuses_what_is_not_sanctioned(sanctions):
    assert sanctions.record("a", [], NOW) is None
    with pytest.raises(ValueError):
        sanctions.record("a", ["normal"], NOW)
    with pytest.raises(ValueError):
        sanctions.record("a", ["money"], NOW)
    assert sanctions.history("a") == []


def test_recorded_rows_export_as_the_original_wrote_them(tmp_path, sanctions):
    sanctions.record("a", [Category.LOVE], datetime.fromtimestamp(1750000000))
    sanctions.record("a", [Category.LOVE, Category.HATE], datetime.fromtimestamp(1750000100))
    path = tmp_path / "log.csv"
    write_block_log(path, sanctions.history("a"))
    assert path.read_bytes() == (
        b"blocked_at,block_period,block_reason,block_level\n"
        b"1750000000,0,love,1\n1750000100,90000,love,2\n1750000100,90000,hate,1\n"
    )


def test_combined_period_is_capped(sanctions):
    for _ in range(4):
        sanctions.record("a", ["hate"], NOW)
    s = sanctions.record("a", ["paedrip", "hate"], NOW)
    assert s.period_s == CAP_S
    assert messages.period_text(s.period_s) == "4년"


def test_period_text():
    assert messages.period_text(59 * 60) == "59분"
    assert messages.period_text(3600) == "1시간"
    assert messages.period_text(3 * DAY) == "3일"
    assert messages.period_text(365 * DAY) == "1년"
    assert messages.period_text(1461 * DAY) == "4년"


def test_block_log_round_trip(tmp_path, sanctions):
    rows = [SanctionRow(1750000000, 0, "love", 1), SanctionRow(1750000100, 3600, "love", 2),
            SanctionRow(1750000200, 604800, "paedrip", 1)]
    path = tmp_path / "ohlora_block_log.csv"
    write_block_log(path, rows)
    assert path.read_text().splitlines()[0] == "blocked_at,block_period,block_reason,block_level"
    assert read_block_log(path) == rows
    sanctions.store.add_sanction_rows("a", read_block_log(path))
    out = tmp_path / "again.csv"
    write_block_log(out, sanctions.history("a"))
    assert out.read_bytes() == path.read_bytes()


def test_block_log_with_only_the_header_is_empty(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("blocked_at,block_period,block_reason,block_level\n")
    assert read_block_log(path) == []


@pytest.mark.parametrize(
    "content,line",
    [
        ("a,b,c\n", 1),
        ("blocked_at,block_period,block_reason,block_level\n1,0,love,1\n2,0,money,1\n", 3),
        ("blocked_at,block_period,block_reason,block_level\nx,0,love,1\n", 2),
        ("blocked_at,block_period,block_reason,block_level\n1,0,love\n", 2),
    ],
)
def test_bad_block_log_names_the_line(tmp_path, content, line):
    path = tmp_path / "log.csv"
    path.write_text(content)
    with pytest.raises(CorruptData, match=f"{line}번째 줄"):
        read_block_log(path)


def test_block_log_written_by_the_original_reads(tmp_path):
    path = tmp_path / "log.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["blocked_at", "block_period", "block_reason", "block_level"])
        w.writerow([1751180000, 259200, "politics", 2])
    assert read_block_log(path) == [SanctionRow(1751180000, 259200, "politics", 2)]
