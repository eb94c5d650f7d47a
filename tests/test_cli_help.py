"""Every `--help` page of the command line, at a fixed terminal width: no `<bool>` placeholder on a
flag, no line wider than the terminal, no sentence cut off, every help string from messages.py whole."""

from __future__ import annotations

import re

import pytest
import typer
from rich.cells import cell_len
from typer.testing import CliRunner

from ohlora import messages
from ohlora.cli import app

BOX = re.compile(r"[\s│─╭╮╰╯]")
USAGE_ELLIPSES = re.compile(r"(\[ARGS\]|[A-Z_]+)\.\.\.")  # `COMMAND [ARGS]...`, `TEXT...`


def squash(text: str) -> str:
    """The text without whitespace and panel borders: wrapped lines read as one."""
    return BOX.sub("", text)


def pages() -> list[tuple[tuple[str, ...], object]]:
    """(command path, click command) for the top level and every command and group below it."""
    found = []

    def walk(path: tuple[str, ...], command) -> None:
        found.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk((*path, name), sub)

    walk((), typer.main.get_command(app))
    return found


def message_strings() -> set[str]:
    return {value for name, value in vars(messages).items() if name.isupper() and isinstance(value, str)}


def expected_sentences(command) -> list[str]:
    """The help strings a page must show whole: its own, its parameters', its commands'."""
    texts = [command.help]
    texts += [param.help for param in command.params if getattr(param, "help", None)]
    texts += [sub.help for sub in getattr(command, "commands", {}).values() if not sub.hidden]
    return [t for t in texts if t]


def show_help(path: tuple[str, ...], columns: int, tmp_path) -> str:
    env = {"COLUMNS": str(columns), "LINES": "50", "OHLORA_HOME": str(tmp_path), "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner().invoke(app, [*path, "--help"], env=env, prog_name="ohlora")
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_walked():
    paths = {" ".join(path) for path, _ in pages()}
    for path in ("", "chat", "ask", "serve", "memory list", "memory add", "sanctions status", "users list",
                 "models status", "models pull", "models verify", "face render", "face gif", "face live"):
        assert path in paths


@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("path", [path for path, _ in pages()], ids=lambda p: " ".join(p) or "ohlora")
def test_help_page_reads_well(path, columns, tmp_path):
    command = dict(pages())[path]
    output = show_help(path, columns, tmp_path)
    assert "<bool>" not in output
    assert "Show this message and exit" not in output  # click's own sentence is replaced by ours
    for line in output.splitlines():
        assert cell_len(line) <= columns, line
    page = squash(output)
    sentences = [*expected_sentences(command), messages.HELP_HELP]
    strings = message_strings()
    for sentence in sentences:
        assert sentence in strings, f"help text not from messages.py: {sentence!r}"
        assert squash(sentence) in page, f"{sentence!r} is not shown whole in:\n{output}"
    rest = page
    for sentence in sorted(sentences, key=len, reverse=True):
        rest = rest.replace(squash(sentence), "")
    rest = USAGE_ELLIPSES.sub("", rest)
    assert "…" not in rest and "..." not in rest, output


def test_every_cli_help_string_is_used(tmp_path):
    shown = "".join(squash(show_help(path, 80, tmp_path)) for path, _ in pages())
    layout = {"HELP_USAGE", "HELP_PANEL_ARGUMENTS", "HELP_PANEL_OPTIONS", "HELP_PANEL_COMMANDS"}
    for name, value in vars(messages).items():
        if name.startswith("HELP_") and not name.startswith("HELP_TRAIN_") and name not in layout:
            assert squash(value) in shown, name


def test_flags_have_no_value_placeholder_but_options_keep_theirs(tmp_path):
    output = show_help(("ask",), 80, tmp_path)
    assert re.search(r"--json\s+Print", output)
    assert "--user <str>" in output
    assert "Usage: ohlora ask [OPTIONS] TEXT..." in output
