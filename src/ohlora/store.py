"""One database for every user's state: memories (with cached vectors), sanctions, summaries, turns.

SQLAlchemy Core; a SQLite file under the home folder by default (any SQLAlchemy URL works).
Every write is a transaction. On SQLite, transactions start with BEGIN IMMEDIATE and the file
runs in WAL mode with a generous busy timeout, so several processes can write at once and
read-modify-write steps (sanction levels, memory de-duplication) cannot interleave.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event, exc

from ohlora import messages
from ohlora.errors import BadInput, CorruptData

SCHEMA_VERSION = 1

metadata = sa.MetaData()

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

memories = sa.Table(
    "memories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user", sa.String(64), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("norm", sa.Text, nullable=False),  # text without any whitespace: the de-dup key
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("embedder", sa.String(64)),  # which embedder made `vector`
    sa.Column("vector", sa.LargeBinary),  # float32 bytes
    sa.UniqueConstraint("user", "norm", name="uq_memory_user_norm"),
)

sanctions = sa.Table(
    "sanctions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user", sa.String(64), nullable=False, index=True),
    sa.Column("blocked_at", sa.Integer, nullable=False),  # Unix seconds
    sa.Column("period_s", sa.Integer, nullable=False),  # 0 = warning
    sa.Column("reason", sa.String(16), nullable=False),  # love | politics | paedrip | hate
    sa.Column("level", sa.Integer, nullable=False),
)

summaries = sa.Table(
    "summaries",
    metadata,
    sa.Column("user", sa.String(64), primary_key=True),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

turns = sa.Table(
    "turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("reply", sa.Text),
    sa.Column("system_message", sa.Text),
    sa.Column("blocked", sa.Boolean, nullable=False),
    sa.Column("result", sa.Text, nullable=False),  # the TurnResult as JSON
)


class TurnRecord(Protocol):
    """A finished turn as the store records it (the conversation's `TurnResult`)."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class MemoryRow:
    id: int
    text: str
    created_at: float


@dataclass(frozen=True)
class SanctionRow:
    blocked_at: int
    period_s: int
    reason: str
    level: int

    @property
    def until(self) -> int:
        return self.blocked_at + self.period_s


@dataclass(frozen=True)
class UserRow:
    """One user as `ohlora users list` shows them (times in Unix seconds)."""

    user: str
    first_seen: float  # the earliest turn, memory, sanction or summary
    last_seen: float  # the latest of those
    memories: int
    sanctions: int  # rows logged: warnings and blocks
    blocked_until: int | None  # the latest end of any block ever logged, None without blocks

    def blocked(self, now: float) -> bool:
        return self.blocked_until is not None and now < self.blocked_until


def _sqlite_path(url: sa.URL) -> Path | None:
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database)
    return None


DB_FILE_MODE = 0o600  # users' memories and turns: readable by the owner only


def _create_private(path: Path) -> None:
    """Create an empty database file readable by its owner only, unless it exists (its mode is then
    left alone). SQLite gives its -wal and -shm files the database file's mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DB_FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def _text(*values: str | None) -> None:
    """Refuse text that cannot be stored as UTF-8 (a lone surrogate) before SQLite's encoder fails."""
    for value in values:
        if value is None:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise BadInput(messages.TEXT_SURROGATE) from err


class Store:
    """Access to the database. Create one per process (it holds a connection pool)."""

    def __init__(self, url: str):
        self.url = sa.make_url(url)
        self.path = _sqlite_path(self.url)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(self.path)
            self.engine = sa.create_engine(self.url, connect_args={"timeout": 60})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = sa.create_engine(self.url)
        self._prepare()

    # --- setup ------------------------------------------------------------------------------------
    def _describe(self) -> str:
        return str(self.path) if self.path is not None else self.url.render_as_string(hide_password=True)

    def _prepare(self) -> None:
        try:
            with self.transaction() as conn:
                metadata.create_all(conn)
                row = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).first()
                if row is None:
                    conn.execute(sa.insert(meta_table).values(key="schema_version", value=str(SCHEMA_VERSION)))
                elif int(row.value) > SCHEMA_VERSION:
                    raise CorruptData(
                        messages.DB_TOO_NEW.format(path=self._describe(), found=row.value, ours=SCHEMA_VERSION)
                    )
        except exc.DatabaseError as err:
            detail = str(err.orig) if getattr(err, "orig", None) is not None else str(err)
            raise CorruptData(messages.DB_CORRUPT.format(path=self._describe(), detail=detail)) from err
        except ValueError as err:
            raise CorruptData(messages.DB_CORRUPT.format(path=self._describe(), detail=err)) from err

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite: it holds the write lock from the start)."""
        with self.engine.connect() as conn:
            conn.execution_options(ohlora_write=True)
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar_one())

    # --- memories -----------------------------------------------------------------------------------
    def memory_rows(self, user: str) -> list[MemoryRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(memories.c.id, memories.c.text, memories.c.created_at)
                .where(memories.c.user == user)
                .order_by(memories.c.id)
            )
            return [MemoryRow(r.id, r.text, r.created_at) for r in rows]

    def memory_version(self, user: str) -> tuple[int, int]:
        """(count, max id): changes whenever this user's memories change, in any process."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(sa.func.count(memories.c.id), sa.func.coalesce(sa.func.max(memories.c.id), 0)).where(
                    memories.c.user == user
                )
            ).one()
            return int(row[0]), int(row[1])

    def memory_vectors(self, user: str) -> list[tuple[int, str, str | None, bytes | None]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(memories.c.id, memories.c.text, memories.c.embedder, memories.c.vector)
                .where(memories.c.user == user)
                .order_by(memories.c.id)
            )
            return [(r.id, r.text, r.embedder, r.vector) for r in rows]

    def add_memories(
        self,
        user: str,
        items: Sequence[tuple[str, str, np.ndarray | None]],
        embedder: str | None,
        now: float,
        supersedes: Callable[[str, str], bool] | None = None,
    ) -> list[str]:
        """Insert (text, norm, vector) items whose norm is new for this user; return the texts added.

        `supersedes(new_text, old_text)`, when given, names the stored items a new item replaces (the
        memory book's update-by-key): they are deleted in the same transaction as the insert, so no
        reader ever sees both or neither. An item whose norm is already stored is skipped either way.
        """
        _text(user, *(t for item in items for t in item[:2]))
        added: list[str] = []
        with self.transaction() as conn:
            stored = {
                r.norm: (r.id, r.text)
                for r in conn.execute(
                    sa.select(memories.c.id, memories.c.norm, memories.c.text).where(memories.c.user == user)
                )
            }
            for text, norm, vector in items:
                if norm in stored:
                    continue
                if supersedes is not None:
                    for old_norm, (memory_id, old_text) in list(stored.items()):
                        if supersedes(text, old_text):
                            conn.execute(sa.delete(memories).where(memories.c.id == memory_id))
                            del stored[old_norm]
                            if old_text in added:  # added earlier in this call, replaced now
                                added.remove(old_text)
                inserted = conn.execute(
                    sa.insert(memories).values(
                        user=user,
                        text=text,
                        norm=norm,
                        created_at=now,
                        embedder=embedder if vector is not None else None,
                        vector=None if vector is None else np.asarray(vector, np.float32).tobytes(),
                    )
                )
                stored[norm] = (inserted.inserted_primary_key[0], text)
                added.append(text)
        return added

    def set_memory_vectors(self, updates: Sequence[tuple[int, np.ndarray]], embedder: str) -> None:
        with self.transaction() as conn:
            for memory_id, vector in updates:
                conn.execute(
                    sa.update(memories)
                    .where(memories.c.id == memory_id)
                    .values(embedder=embedder, vector=np.asarray(vector, np.float32).tobytes())
                )

    def forget_memory(self, user: str, norm: str) -> bool:
        _text(user, norm)
        with self.transaction() as conn:
            result = conn.execute(sa.delete(memories).where(memories.c.user == user, memories.c.norm == norm))
            return result.rowcount > 0

    # --- sanctions ------------------------------------------------------------------------------------
    def sanctions(self, user: str) -> list[SanctionRow]:
        with self.engine.connect() as conn:
            return _sanction_rows(conn, user)

    def record_sanctions(self, user: str, decide: Any) -> list[SanctionRow]:
        """Read this user's sanctions, let `decide(rows) -> new rows` choose, append them: one transaction."""
        with self.transaction() as conn:
            new_rows: list[SanctionRow] = decide(_sanction_rows(conn, user))
            _insert_sanctions(conn, user, new_rows)
            return new_rows

    def add_sanction_rows(self, user: str, rows: Sequence[SanctionRow]) -> None:
        with self.transaction() as conn:
            _insert_sanctions(conn, user, rows)

    # --- summaries and turns ----------------------------------------------------------------------------
    def summary(self, user: str) -> tuple[str, float] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(summaries.c.summary, summaries.c.updated_at).where(summaries.c.user == user)
            ).first()
            return (row.summary, row.updated_at) if row else None

    def finish_turn(self, user: str, at: float, turn: TurnRecord, summary: str | None) -> None:
        """Record a finished turn and, when `summary` is not None, replace the user's summary."""
        result = turn.to_dict()
        encoded = json.dumps(result, ensure_ascii=False)
        _text(user, summary, encoded)  # the text, reply and system message are in `encoded` too
        with self.transaction() as conn:
            conn.execute(
                sa.insert(turns).values(
                    user=user,
                    at=at,
                    text=result["text"],
                    reply=result.get("reply"),
                    system_message=result.get("system_message"),
                    blocked=bool(result.get("blocked")),
                    result=encoded,
                )
            )
            if summary is not None:
                _upsert_summary(conn, user, summary, at)

    def turns(self, user: str, limit: int = 100) -> list[dict[str, Any]]:
        """The user's latest turns, oldest first, as recorded (`TurnResult.from_dict` reads them back)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(turns.c.result).where(turns.c.user == user).order_by(turns.c.id.desc()).limit(limit)
            )
            return [json.loads(r.result) for r in rows][::-1]

    def said(self, user: str, limit: int = 30) -> list[str]:
        """The user's latest messages that got an answer (not a block or a refusal), oldest first: what
        the embedded mind answers "what did I tell you?" from when no remembered item holds it."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(turns.c.text)
                .where(turns.c.user == user, turns.c.reply.is_not(None), turns.c.blocked.is_(False))
                .order_by(turns.c.id.desc())
                .limit(limit)
            )
            return [r.text for r in rows][::-1]

    def user_rows(self) -> list[UserRow]:
        """Every user with anything stored, the most recently seen first: one query for all of them."""
        seen = sa.union_all(
            sa.select(turns.c.user.label("user"), turns.c.at.label("at")),
            sa.select(memories.c.user, memories.c.created_at),
            sa.select(sanctions.c.user, sa.cast(sanctions.c.blocked_at, sa.Float)),
            sa.select(summaries.c.user, summaries.c.updated_at),
        ).subquery("seen")
        spans = (
            sa.select(seen.c.user, sa.func.min(seen.c.at).label("first_seen"), sa.func.max(seen.c.at).label("last_seen"))
            .group_by(seen.c.user)
            .subquery("spans")
        )
        kept = (
            sa.select(memories.c.user, sa.func.count(memories.c.id).label("count"))
            .group_by(memories.c.user)
            .subquery("kept")
        )
        block_end = sa.case((sanctions.c.period_s > 0, sanctions.c.blocked_at + sanctions.c.period_s))
        logged = (
            sa.select(sanctions.c.user, sa.func.count(sanctions.c.id).label("count"), sa.func.max(block_end).label("until"))
            .group_by(sanctions.c.user)
            .subquery("logged")
        )
        query = (
            sa.select(
                spans.c.user,
                spans.c.first_seen,
                spans.c.last_seen,
                sa.func.coalesce(kept.c.count, 0).label("memories"),
                sa.func.coalesce(logged.c.count, 0).label("sanctions"),
                logged.c.until,
            )
            .select_from(
                spans.outerjoin(kept, kept.c.user == spans.c.user).outerjoin(logged, logged.c.user == spans.c.user)
            )
            .order_by(spans.c.last_seen.desc(), spans.c.user)
        )
        with self.engine.connect() as conn:
            return [
                UserRow(r.user, float(r.first_seen), float(r.last_seen), int(r.memories), int(r.sanctions),
                        None if r.until is None else int(r.until))
                for r in conn.execute(query)
            ]

    def users(self) -> list[str]:
        with self.engine.connect() as conn:
            names: set[str] = set()
            for table in (memories, sanctions, summaries, turns):
                names.update(conn.execute(sa.select(table.c.user).distinct()).scalars())
            return sorted(names)


def _sanction_rows(conn: sa.Connection, user: str) -> list[SanctionRow]:
    rows = conn.execute(
        sa.select(sanctions.c.blocked_at, sanctions.c.period_s, sanctions.c.reason, sanctions.c.level)
        .where(sanctions.c.user == user)
        .order_by(sanctions.c.id)
    )
    return [SanctionRow(r.blocked_at, r.period_s, r.reason, r.level) for r in rows]


def _insert_sanctions(conn: sa.Connection, user: str, rows: Sequence[SanctionRow]) -> None:
    for row in rows:
        conn.execute(
            sa.insert(sanctions).values(
                user=user, blocked_at=row.blocked_at, period_s=row.period_s, reason=row.reason, level=row.level
            )
        )


def _upsert_summary(conn: sa.Connection, user: str, summary: str, at: float) -> None:
    updated = conn.execute(
        sa.update(summaries).where(summaries.c.user == user).values(summary=summary, updated_at=at)
    ).rowcount
    if not updated:
        conn.execute(sa.insert(summaries).values(user=user, summary=summary, updated_at=at))


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 60000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("ohlora_write") else "BEGIN")
