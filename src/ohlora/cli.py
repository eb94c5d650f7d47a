"""The `ohlora` command line (Typer + Rich)."""

from __future__ import annotations

import json
import os
import select
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from ohlora import messages
from ohlora.clihelp import OhloraTyper
from ohlora.config import Settings, load_settings
from ohlora.conversation.result import TurnResult
from ohlora.errors import BadInput, OhloraError
from ohlora.face.commands import face_app
from ohlora.models.commands import models_app
from ohlora.web.commands import serve

app = OhloraTyper(
    help=messages.HELP_APP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
memory_app = OhloraTyper(help=messages.HELP_MEMORY_APP, no_args_is_help=True)
sanctions_app = OhloraTyper(help=messages.HELP_SANCTIONS_APP, no_args_is_help=True)
users_app = OhloraTyper(help=messages.HELP_USERS_APP, no_args_is_help=True)
app.add_typer(memory_app, name="memory")
app.add_typer(sanctions_app, name="sanctions")
app.add_typer(users_app, name="users")
app.add_typer(models_app, name="models")
app.add_typer(face_app, name="face")
app.command(help=messages.HELP_SERVE)(serve)

UserOption = typer.Option("local", "--user", "-u", help=messages.HELP_USER)
ForceOption = typer.Option(False, "--force", help=messages.HELP_FORCE)


@dataclass
class Context:
    settings: Settings
    out: Console = field(default_factory=lambda: Console(highlight=False, soft_wrap=True))
    err: Console = field(default_factory=lambda: Console(stderr=True, highlight=False, soft_wrap=True))

    def services(self):
        from ohlora.factory import build_services

        return build_services(self.settings)

    def store(self):
        from ohlora.store import Store

        return Store(self.settings.db_url)


@app.callback()
def main_options(
    ctx: typer.Context,
    home: Path | None = typer.Option(None, "--home", help=messages.HELP_HOME),
    models_dir: Path | None = typer.Option(None, "--models-dir", help=messages.HELP_MODELS_DIR),
    backend: str | None = typer.Option(None, "--backend", help=messages.HELP_BACKEND),
    embedder: str | None = typer.Option(None, "--embedder", help=messages.HELP_EMBEDDER),
    seed: int | None = typer.Option(None, "--seed", help=messages.HELP_SEED),
) -> None:
    settings = load_settings(
        home, models_dir=models_dir, llm_backend=backend, embedding_backend=backend, embedder=embedder, seed=seed
    )
    ctx.obj = Context(settings)


# --- output helpers -------------------------------------------------------------------------------------
def _print_system(out: Console, text: str, style: str = "yellow") -> None:
    out.print(f"[bold {style}]{messages.SYSTEM_LABEL}[/]")
    out.print(f"[{style}]{escape(text)}[/]")


def _print_result(out: Console, result: TurnResult, *, reply_shown: bool = False) -> None:
    style = "red" if result.blocked else "yellow"
    if result.system_message:
        _print_system(out, result.system_message, style)
    if result.reply is not None and not reply_shown:
        out.print(f"[bold magenta]{messages.REPLY_LABEL}[/]{escape(result.reply)}")


# --- chat ------------------------------------------------------------------------------------------------
class LineReader:
    """Lines from a file descriptor, decoded strictly as UTF-8, with an optional idle timeout."""

    def __init__(self, fd: int):
        self.fd = fd
        self._buffer = b""
        self._eof = False

    def read(self, timeout: float | None, poll: Callable[[], None] | None = None, poll_s: float = 1 / 30) -> bytes | None:
        """One line (without its newline); None at end of input; raises TimeoutError when idle.

        `poll`, when given, is called about every `poll_s` seconds while waiting (the live face)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer and not self._eof:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            wait = remaining if poll is None else (poll_s if remaining is None else min(poll_s, remaining))
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError
                if poll is not None:
                    poll()
                continue
            chunk = os.read(self.fd, 65536)
            if chunk:
                self._buffer += chunk
            else:
                self._eof = True
        if b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            return line.rstrip(b"\r")
        if self._buffer:
            line, self._buffer = self._buffer, b""
            return line
        return None


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(messages.NOT_UTF8) from exc


@app.command(help=messages.HELP_CHAT)
def chat(
    ctx: typer.Context,
    user: str = UserOption,
    jsonl: bool = typer.Option(False, "--jsonl", help=messages.HELP_CHAT_JSONL),
    face: str = typer.Option("auto", "--face", help=messages.HELP_CHAT_FACE),
    face_version: str | None = typer.Option(None, "--face-version", help=messages.HELP_CHAT_FACE_VERSION),
    face_case: int | None = typer.Option(None, "--face-case", help=messages.HELP_CHAT_FACE_CASE),
    stream: bool = typer.Option(True, "--stream/--no-stream", help=messages.HELP_CHAT_STREAM),
) -> None:
    c: Context = ctx.obj
    if jsonl:
        _chat_jsonl(c)
        return
    from ohlora.conversation.session import Conversation

    interactive = sys.stdin.isatty()
    view = _chat_face(c, face, face_version, face_case, interactive)
    services = c.services()
    conversation = None
    try:
        conversation = Conversation(services, user)
        block = conversation.active_block()
        if block is not None:
            _print_system(c.out, conversation.refusal(block), "red")
            return
        if interactive:
            for line in services.describe_choices():
                c.out.print(f"[dim]{escape(line)}[/]")
            c.out.print(f"[dim]{escape(messages.BACKEND_PICKED.format(roles=_describe(services.backend())))}[/]")
            c.out.print(messages.CHAT_WELCOME)
        reader = LineReader(sys.stdin.fileno())
        while True:
            if interactive:
                c.out.print()
                c.out.print(messages.INPUT_PROMPT, end="")
                c.out.file.flush()
            try:
                line = reader.read(c.settings.idle_timeout_s, poll=view.tick if view else None)
            except TimeoutError:
                c.out.print()
                _print_system(c.out, messages.idle_end(int(conversation.idle_seconds())))
                conversation.finish()
                return
            if line is None:
                if interactive:
                    c.out.print()
                    _print_system(c.out, messages.GOODBYE)
                return
            try:
                text = _decode(line)
            except BadInput as exc:
                _print_system(c.out, str(exc))
                continue
            shown: list[TurnResult] = []
            live = _TerminalStream(c.out)

            def show(early: TurnResult, shown: list[TurnResult] = shown, live: _TerminalStream = live) -> None:
                if live.finish(early):
                    if early.system_message:
                        _print_system(c.out, early.system_message)
                    shown.append(early)
                else:
                    _show_early(c.out, early, shown)
                if view is not None:
                    view.answered(early)

            def run_turn(text: str = text, show=show, draft=live.draft if stream else None) -> TurnResult:
                return conversation.turn(text, on_reply=show, on_draft=draft, background=True)

            if view is not None:
                view.user_sent()
                result = view.run(run_turn)
                view.turn_finished()
            else:
                result = run_turn()
            if not shown:
                _print_result(c.out, result)
            if result.blocked:
                return
    except KeyboardInterrupt:
        c.out.print()
        _print_system(c.out, messages.GOODBYE)
    finally:
        if conversation is not None:
            conversation.close()  # memory and summary of the last turn are saved before we leave
        services.close()
        if view is not None:
            view.close()


def _chat_face(c: Context, mode: str, version: str | None, case: int | None, interactive: bool):
    """The live face for the chat, or None (`--face none`, or not a terminal with `auto`).
    `--face-version`/`--face-case` override the face_version/face_case settings."""
    from ohlora.config import with_flags
    from ohlora.face.chatview import FACE_MODES, ChatFace, pick_sink

    if mode not in FACE_MODES:
        raise BadInput(messages.CONFIG_BAD_VALUE.format(key="--face", value=mode, allowed=", ".join(FACE_MODES)))
    settings = with_flags(c.settings, face_version=version, face_case=case)
    sink, note = pick_sink(mode, settings.home, interactive)
    if sink is None:
        return None
    import random

    from ohlora.face.factory import face_from_settings

    rng = random.Random(settings.seed)
    the_face = face_from_settings(settings, rng)
    if note:
        c.out.print(f"[dim]{escape(note)}[/]")
    return ChatFace(the_face, sink, rng=rng).__enter__()


class _TerminalStream:
    """Prints the reply while it is generated; a rejected trial is followed by a fresh line."""

    def __init__(self, out: Console):
        self.out = out
        self.trial: int | None = None
        self.shown = ""

    def draft(self, trial: int, draft: str) -> None:
        """The answer so far (`Conversation.turn`'s `on_draft`); a new trial starts a fresh line."""
        if trial != self.trial:
            if self.trial is not None:
                self.out.print()
                self.out.print(f"[dim]{escape(messages.STREAM_RETRY)}[/]")
            self.out.print(f"[bold magenta]{messages.REPLY_LABEL}[/]", end="")
            self.trial, self.shown = trial, ""
        if draft.startswith(self.shown) and len(draft) > len(self.shown):
            self.out.print(escape(draft[len(self.shown):]), end="")
            self.out.file.flush()
            self.shown = draft

    def finish(self, result: TurnResult) -> bool:
        """End the live line; True when the accepted reply is exactly what was streamed."""
        if self.trial is None:
            return False
        self.out.print()
        streamed = result.reply is not None and result.reply == self.shown
        if not streamed and result.reply is not None:
            self.out.print(f"[dim]{escape(messages.STREAM_RETRY)}[/]")
        self.trial = None
        return streamed


def _show_early(out: Console, result: TurnResult, shown: list[TurnResult]) -> None:
    """Print the reply as soon as it is ready (memory and summary still run afterwards)."""
    _print_result(out, result)
    shown.append(result)


def _describe(backend: dict[str, str]) -> str:
    return ", ".join(f"{role}={name}" for role, name in backend.items())


def _jsonl_lines() -> Iterator[tuple[int, bytes]]:
    reader = LineReader(sys.stdin.fileno())
    number = 0
    while True:
        line = reader.read(None)
        if line is None:
            return
        number += 1
        yield number, line


def _error_line(number: int, code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": message}, "line": number}, ensure_ascii=False)


def _json_kind(value: object) -> str:
    """How JSON calls the type of a parsed value, in the words of the error messages."""
    if value is None:
        kind = "null"
    elif isinstance(value, bool):
        kind = "boolean"
    elif isinstance(value, (int, float)):
        kind = "number"
    elif isinstance(value, str):
        kind = "string"
    elif isinstance(value, list):
        kind = "array"
    else:
        kind = "object"
    return messages.JSON_KINDS[kind]


def _jsonl_request(obj: object) -> tuple[str, str]:
    """(user, text) of one parsed `--jsonl` line; BadInput says exactly what is wrong with it."""
    if not isinstance(obj, dict):
        raise BadInput(messages.JSONL_NOT_OBJECT.format(kind=_json_kind(obj)))
    if "text" not in obj:
        raise BadInput(messages.JSONL_TEXT_MISSING)
    text = obj["text"]
    if not isinstance(text, str):
        raise BadInput(messages.JSONL_TEXT_NOT_STRING.format(kind=_json_kind(text)))
    user = obj.get("user", "local")
    if not isinstance(user, str):
        raise BadInput(messages.JSONL_USER_NOT_STRING.format(kind=_json_kind(user)))
    return user, text


def _chat_jsonl(c: Context) -> None:
    from ohlora.conversation.session import Conversation

    services = c.services()
    conversations: dict[str, Conversation] = {}
    try:
        for number, raw in _jsonl_lines():
            if not raw.strip():
                continue
            try:
                user, text = _jsonl_request(json.loads(_decode(raw)))
                conversation = conversations.get(user)
                if conversation is None:
                    conversation = conversations[user] = Conversation(services, user)
                result = conversation.turn(text)
            except json.JSONDecodeError:
                print(_error_line(number, "bad_json", messages.JSONL_NOT_JSON), flush=True)
                continue
            except BadInput as exc:
                print(_error_line(number, "bad_input", str(exc)), flush=True)
                continue
            print(result.to_json(), flush=True)
    finally:
        services.close()


@app.command(help=messages.HELP_ASK)
def ask(
    ctx: typer.Context,
    words: list[str] = typer.Argument(..., metavar="TEXT", help=messages.HELP_ASK_TEXT),
    user: str = UserOption,
    as_json: bool = typer.Option(False, "--json", help=messages.HELP_ASK_JSON),
) -> None:
    from ohlora.conversation.session import Conversation

    c: Context = ctx.obj
    text = " ".join(words)  # `ohlora ask 로라야 안녕` and `ohlora ask "로라야 안녕"` say the same
    services = c.services()
    try:
        result = Conversation(services, user).turn(text)
    finally:
        services.close()
    if as_json:
        print(result.to_json())
    else:
        _print_result(c.out, result)


# --- memory -------------------------------------------------------------------------------------------------
@memory_app.command("list", help=messages.HELP_MEMORY_LIST)
def memory_list(ctx: typer.Context, user: str = UserOption) -> None:
    c: Context = ctx.obj
    rows = c.store().memory_rows(user)
    if not rows:
        c.out.print(messages.MEMORY_EMPTY)
    for row in rows:
        c.out.print(escape(row.text))


@memory_app.command("add", help=messages.HELP_MEMORY_ADD)
def memory_add(
    ctx: typer.Context, item: str = typer.Argument(..., help=messages.HELP_MEMORY_ADD_ITEM), user: str = UserOption
) -> None:
    from ohlora.conversation.inputs import clean_memory_item
    from ohlora.memory import normalise_key

    c: Context = ctx.obj
    item = clean_memory_item(item)  # the shared normaliser; '[k:v]', '(k : v)' or 'k: v' become '[k: v]'
    _refuse_memory_change_if_blocked(c, user)
    added = c.store().add_memories(user, [(item, normalise_key(item), None)], None, time.time())
    c.out.print((messages.MEMORY_ADDED if added else messages.MEMORY_DUPLICATE).format(item=escape(item)))


@memory_app.command("forget", help=messages.HELP_MEMORY_FORGET)
def memory_forget(
    ctx: typer.Context, item: str = typer.Argument(..., help=messages.HELP_MEMORY_FORGET_ITEM), user: str = UserOption
) -> None:
    from ohlora.conversation.inputs import clean_memory_query
    from ohlora.memory import normalise_key

    c: Context = ctx.obj
    item = clean_memory_query(item)
    found = c.store().forget_memory(user, normalise_key(item))
    c.out.print((messages.MEMORY_FORGOTTEN if found else messages.MEMORY_NOT_FOUND).format(item=escape(item)))
    if not found:
        raise typer.Exit(1)


@memory_app.command("import", help=messages.HELP_MEMORY_IMPORT)
def memory_import(
    ctx: typer.Context, path: Path = typer.Argument(..., help=messages.HELP_MEMORY_FILE), user: str = UserOption
) -> None:
    from ohlora.conversation.inputs import clean_memory_item
    from ohlora.errors import CorruptData
    from ohlora.memory import normalise_key, read_legacy_memory

    c: Context = ctx.obj
    items = []
    for line in read_legacy_memory(path):
        try:
            items.append(clean_memory_item(line))
        except BadInput as exc:  # nothing is imported from a file with a bad item
            detail = f"{line[:80]!r} ({exc})"
            raise CorruptData(messages.LEGACY_BAD_ROW.format(path=path, line="?", detail=detail)) from exc
    _refuse_memory_change_if_blocked(c, user)
    added = c.store().add_memories(user, [(t, normalise_key(t), None) for t in items], None, time.time())
    c.out.print(messages.MEMORY_IMPORTED.format(added=len(added), skipped=len(items) - len(added)))


@memory_app.command("export", help=messages.HELP_MEMORY_EXPORT)
def memory_export(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help=messages.HELP_MEMORY_FILE),
    user: str = UserOption,
    force: bool = ForceOption,
) -> None:
    from ohlora.memory import write_legacy_memory

    c: Context = ctx.obj
    _refuse_overwrite(path, force)
    items = [row.text for row in c.store().memory_rows(user)]
    write_legacy_memory(path, items)
    c.out.print(messages.MEMORY_EXPORTED.format(count=len(items), path=path))


def _refuse_memory_change_if_blocked(c: Context, user: str) -> None:
    """A blocked user's memories can be listed, exported and forgotten, not added to."""
    from datetime import datetime

    from ohlora.ethics.sanctions import Sanctions

    block = Sanctions(c.store()).active(user, datetime.now())
    if block is not None:
        until = datetime.fromtimestamp(block.until).strftime("%Y.%m.%d %H:%M:%S")
        reasons = ", ".join(messages.BLOCK_REASONS[r] for r in block.reasons)
        raise BadInput(messages.MEMORY_ADD_BLOCKED.format(until=until, reasons=reasons))


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise BadInput(messages.FILE_EXISTS.format(path=path))


# --- sanctions ------------------------------------------------------------------------------------------------
@sanctions_app.command("status", help=messages.HELP_SANCTIONS_STATUS)
def sanctions_status(ctx: typer.Context, user: str = UserOption) -> None:
    from datetime import datetime

    from ohlora.ethics.sanctions import Sanctions

    c: Context = ctx.obj
    sanctions = Sanctions(c.store())
    rows = sanctions.history(user)
    if not rows:
        c.out.print(messages.SANCTIONS_NONE)
        return
    for row in rows:
        when = datetime.fromtimestamp(row.blocked_at).strftime("%Y.%m.%d %H:%M:%S")
        c.out.print(messages.sanction_line(when, row.reason, row.level, row.period_s))
    block = sanctions.active(user, datetime.now())
    if block is None:
        c.out.print(messages.SANCTIONS_NOT_ACTIVE)
    else:
        until = datetime.fromtimestamp(block.until).strftime("%Y.%m.%d %H:%M:%S")
        reason = ", ".join(messages.BLOCK_REASONS[r] for r in block.reasons)
        c.out.print(messages.SANCTIONS_ACTIVE.format(until=until, reason=reason), style="red")


@sanctions_app.command("import", help=messages.HELP_SANCTIONS_IMPORT)
def sanctions_import(
    ctx: typer.Context, path: Path = typer.Argument(..., help=messages.HELP_BLOCK_LOG_FILE), user: str = UserOption
) -> None:
    from ohlora.ethics.sanctions import read_block_log

    c: Context = ctx.obj
    rows = read_block_log(path)
    c.store().add_sanction_rows(user, rows)
    c.out.print(messages.SANCTIONS_IMPORTED.format(count=len(rows)))


@sanctions_app.command("export", help=messages.HELP_SANCTIONS_EXPORT)
def sanctions_export(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help=messages.HELP_BLOCK_LOG_FILE),
    user: str = UserOption,
    force: bool = ForceOption,
) -> None:
    from ohlora.ethics.sanctions import write_block_log

    c: Context = ctx.obj
    _refuse_overwrite(path, force)
    rows = c.store().sanctions(user)
    write_block_log(path, rows)
    c.out.print(messages.SANCTIONS_EXPORTED.format(count=len(rows), path=path))


# --- users --------------------------------------------------------------------------------------------------------
def _local_time(t: float, fmt: str = "%Y-%m-%d %H:%M") -> str:
    from datetime import datetime

    return datetime.fromtimestamp(t).strftime(fmt)


def _iso(t: float | None) -> str | None:
    from datetime import datetime

    return None if t is None else datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds")


@users_app.command("list", help=messages.HELP_USERS_LIST)
def users_list(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help=messages.HELP_USERS_JSON)
) -> None:
    from rich.table import Table

    c: Context = ctx.obj
    rows = c.store().user_rows()
    now = time.time()
    if as_json:
        print(json.dumps([
            {
                "user": row.user,
                "first_seen": _iso(row.first_seen),
                "last_seen": _iso(row.last_seen),
                "memories": row.memories,
                "sanctions": row.sanctions,
                "state": "blocked" if row.blocked(now) else "warned" if row.sanctions else "none",
                "blocked_until": _iso(row.blocked_until) if row.blocked(now) else None,
            }
            for row in rows
        ], ensure_ascii=False, indent=2))
        return
    if not rows:
        c.out.print(messages.USERS_NONE)
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    user_column, *columns = messages.USERS_COLUMNS
    table.add_column(user_column, no_wrap=True)  # an id is copied whole into `--user ...`
    for number, title in enumerate(columns):
        table.add_column(title, overflow="fold", justify="right" if number == 2 else "left")
    for row in rows:
        if row.blocked(now):
            assert row.blocked_until is not None
            state = messages.USERS_STATE_BLOCKED.format(until=_local_time(row.blocked_until))
        else:
            state = messages.USERS_STATE_WARNED if row.sanctions else messages.USERS_STATE_NONE
        table.add_row(row.user, _local_time(row.first_seen, "%Y-%m-%d"), _local_time(row.last_seen), str(row.memories),
                      state, style="red" if row.blocked(now) else None)
    c.out.print(table, soft_wrap=False)
    c.out.print(f"[dim]{escape(messages.USERS_HINT)}[/]", soft_wrap=False)


def main() -> None:
    try:
        app()
    except OhloraError as exc:
        Console(stderr=True, highlight=False).print(f"[bold red]{messages.ERROR_LABEL}[/] {escape(str(exc))}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
