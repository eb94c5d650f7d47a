"""`--help` pages for every `ohlora` command: Typer's parsing, our own Rich layout.

Typer's Rich help (typer 0.29) has two faults we cannot configure away:

- it prints a type column for every option, so flags show `<bool>` (`--json <bool>`);
- its tables cut cells with "…" (Rich's default overflow), and Rich (15.0) keeps the space at a
  line break when the line holds wide (Korean) characters (`Text.rstrip_end` compares characters,
  not cells), so such a line is one cell too wide and loses its last letter to the ellipsis.

So `HelpCommand` and `HelpGroup` render the page themselves from click's public help records
(`Parameter.get_help_record`, which never gives a flag a value placeholder), fold instead of
cutting, and always show a command's whole help sentence in the commands list. Every Typer app
of the CLI is an `OhloraTyper`, whose commands and sub-groups get these classes by default.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from ohlora import messages


def _help_text(help: str | None) -> str:
    """A command's help without what click hides after a form feed."""
    return (help or "").split("\f", 1)[0].strip()


def _argument_label(param: Any) -> str:
    """`TEXT...`, `ITEM`: an argument as the usage line and the arguments panel name it."""
    label = param.metavar or (param.name or "").upper()
    return label + ("..." if param.nargs != 1 else "")


def _param_rows(command: Any, ctx: Any) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(names, help, extras such as `[default: x]`) for the arguments and for the options of `command`."""
    arguments, options = [], []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, full = record
        own = param.help or ""
        help, extras = (own, full[len(own):].strip()) if full.startswith(own) else (full, "")
        if param.param_type_name == "argument":
            arguments.append((_argument_label(param), help, extras))
        else:
            options.append((names, help, extras))
    return arguments, options


def _panel(title: str, rows: list[tuple[RenderableType, ...]]) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return Panel(table, title=title, title_align="left", border_style="dim")


def _describe(help: str, extras: str) -> Text:
    text = Text(help, overflow="fold")
    if extras:
        text.append((" " if help else "") + extras, style="dim")
    return text


def print_help(command: Any, ctx: Any) -> None:
    """Print the help page of `command` (width: $COLUMNS, else the terminal, else 80 columns)."""
    console = Console(highlight=False)
    usage = messages.HELP_USAGE.format(usage=" ".join([ctx.command_path, *command.collect_usage_pieces(ctx)]))
    parts: list[RenderableType] = [Padding(Text(usage, style="bold", overflow="fold"), (1, 1, 0, 1), expand=False)]
    description = _help_text(command.help)
    if description:
        paragraphs = [Text(p.replace("\n", " ").strip(), overflow="fold") for p in description.split("\n\n")]
        parts.append(Padding(Group(*paragraphs), (1, 1, 0, 1), expand=False))
    parts.append(Text(""))
    arguments, options = _param_rows(command, ctx)
    for title, rows in ((messages.HELP_PANEL_ARGUMENTS, arguments), (messages.HELP_PANEL_OPTIONS, options)):
        if rows:
            parts.append(_panel(title, [(Text(names, style="bold cyan"), _describe(h, x)) for names, h, x in rows]))
    commands = []
    for name in getattr(command, "list_commands", lambda _ctx: [])(ctx):
        sub = command.get_command(ctx, name)
        if sub is not None and not sub.hidden:
            summary = _help_text(sub.short_help or sub.help).split("\n\n", 1)[0].replace("\n", " ")
            commands.append((Text(name, style="bold cyan"), Text(summary, overflow="fold")))
    if commands:
        parts.append(_panel(messages.HELP_PANEL_COMMANDS, commands))
    console.print(Group(*parts), soft_wrap=False)


class _OurHelp:
    """Our help page and our `--help` sentence, for a command or a group."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []  # type: ignore[attr-defined]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                label = _argument_label(param)
                pieces.append(label if param.required else f"[{label}]")
        metavar = getattr(self, "subcommand_metavar", None)
        return [*pieces, metavar] if metavar else pieces

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = messages.HELP_HELP
        return option


class HelpCommand(_OurHelp, TyperCommand):
    pass


class HelpGroup(_OurHelp, TyperGroup):
    pass


class OhloraTyper(typer.Typer):
    """A Typer app whose commands and groups print our help pages."""

    def __init__(self, *, cls: type[TyperGroup] | None = None, **kwargs: Any):
        super().__init__(cls=cls or HelpGroup, **kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any):
        return super().command(name, cls=cls or HelpCommand, **kwargs)
