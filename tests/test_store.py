import multiprocessing as mp
import sqlite3

import pytest

from ohlora.conversation.result import TurnResult
from ohlora.errors import CorruptData
from ohlora.ethics.sanctions import Sanctions
from ohlora.memory import normalise_key
from ohlora.store import SCHEMA_VERSION, Store


def test_schema_version_is_recorded(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    assert store.schema_version() == SCHEMA_VERSION
    store.close()


def test_corrupt_file_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "ohlora.db"
    garbage = b"this is not sqlite" * 50
    path.write_bytes(garbage)
    with pytest.raises(CorruptData, match="ohlora.db"):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == garbage


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "ohlora.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(CorruptData, match="99"):
        Store(f"sqlite:///{path}")


def _writer(url: str, name: str, count: int, start: mp.Event) -> None:
    store = Store(url)
    sanctions = Sanctions(store)
    start.wait()
    from datetime import datetime

    for i in range(count):
        item = f"[{name} {i}: 값]"
        store.add_memories("shared", [(item, normalise_key(item), None)], None, float(i))
        if i % 10 == 0:
            sanctions.record("shared", ["love"], datetime(2025, 1, 1))
    store.close()


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    Store(url).close()
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(url, name, 100, start)) for name in ("p1", "p2")]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = Store(url)
    texts = {row.text for row in store.memory_rows("shared")}
    assert len(texts) == 200
    assert all(f"[{n} {i}: 값]" in texts for n in ("p1", "p2") for i in range(100))
    # levels were read and written atomically: 20 warnings/blocks with levels 1..20, no repeats
    levels = sorted(r.level for r in store.sanctions("shared"))
    assert levels == list(range(1, 21))
    store.close()


def test_memory_dedupe_ignores_whitespace(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    first = store.add_memories("u", [("[내일 일정: 면접]", normalise_key("[내일 일정: 면접]"), None)], None, 0)
    again = store.add_memories("u", [("[내일일정:  면접]", normalise_key("[내일일정:  면접]"), None)], None, 0)
    assert first == ["[내일 일정: 면접]"] and again == []
    assert store.add_memories("v", [("[내일일정: 면접]", normalise_key("[내일일정: 면접]"), None)], None, 0)
    store.close()


def test_user_rows_sum_up_every_user_in_one_query(tmp_path):
    from sqlalchemy import event

    from ohlora.store import SanctionRow

    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    store.finish_turn("web-00000000000000aa", 1000.0, TurnResult(user="web-00000000000000aa", text="안녕"), "인사함")
    store.add_memories("web-00000000000000aa", [("[이름: 민아]", "[이름:민아]", None), ("[취미: 등산]", "[취미:등산]", None)],
                       None, 1500.0)
    store.finish_turn("web-00000000000000aa", 2000.0, TurnResult(user="web-00000000000000aa", text="또 왔어"), None)
    store.add_sanction_rows("warned", [SanctionRow(3000, 0, "love", 1)])
    store.add_sanction_rows("blocked", [SanctionRow(500, 0, "hate", 1), SanctionRow(4000, 86400, "hate", 2),
                                        SanctionRow(4000, 3600, "love", 1)])
    store.add_memories("quiet", [("[내일 일정: 면접]", "[내일일정:면접]", None)], None, 100.0)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    rows = store.user_rows()
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    by_user = {row.user: row for row in rows}
    assert [row.user for row in rows] == ["blocked", "warned", "web-00000000000000aa", "quiet"]  # latest first
    web = by_user["web-00000000000000aa"]
    assert (web.first_seen, web.last_seen, web.memories, web.sanctions, web.blocked_until) == (1000.0, 2000.0, 2, 0, None)
    assert (by_user["warned"].sanctions, by_user["warned"].blocked_until) == (1, None)
    blocked = by_user["blocked"]
    assert (blocked.first_seen, blocked.last_seen, blocked.sanctions, blocked.blocked_until) == (500.0, 4000.0, 3, 4000 + 86400)
    assert blocked.blocked(4000 + 86399) and not blocked.blocked(4000 + 86400)
    assert (by_user["quiet"].memories, by_user["quiet"].first_seen) == (1, 100.0)
    store.close()


def test_user_rows_of_an_empty_database(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    assert store.user_rows() == []
    store.close()


def test_said_gives_the_users_answered_messages_oldest_first(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'said.db'}")
    user = "u1"
    store.finish_turn(user, 1.0, TurnResult(user=user, text="안녕 나 지우야", reply="반가워 지우야!"), None)
    store.finish_turn(user, 2.0, TurnResult(user=user, text="너무 긴 메시지", system_message="너무 길어"), None)
    store.finish_turn(user, 3.0, TurnResult(user=user, text="꺼져", blocked=True, system_message="차단"), None)
    store.finish_turn(user, 4.0, TurnResult(user=user, text="나 고양이 키워", reply="우와!"), None)
    store.finish_turn("u2", 5.0, TurnResult(user="u2", text="다른 사람", reply="응"), None)
    assert store.said(user) == ["안녕 나 지우야", "나 고양이 키워"]
    assert store.said(user, limit=1) == ["나 고양이 키워"]
    assert store.said("nobody") == []
    store.close()
