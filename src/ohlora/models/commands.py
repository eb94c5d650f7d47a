"""`ohlora models status | pull | verify`.

The root comes from `ctx.obj.settings.models_root` (the global `--models-dir` option sets it); base
LLMs come from where `base_models` puts them (`models/bases.py`). `status` prints one line per
artifact (mark, name, state, size, users) and, only where it helps, the folder or hub id on an
indented line below: it stays readable in an 80-column terminal and when piped; `--json` gives the
same facts to programs. The start-up readiness check lives in `models/readiness.py`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import MappingProxyType

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ohlora import messages
from ohlora.clihelp import OhloraTyper
from ohlora.config import Settings
from ohlora.errors import BadInput, OhloraError
from ohlora.models.bases import MODELS_DIR, base_overrides
from ohlora.models.check import CORRUPT, HUB_ID, MISSING, PARTIAL, PRESENT, ArtifactStatus, check_artifact
from ohlora.models.registry import ARTIFACTS, BY_NAME, Artifact

models_app = OhloraTyper(help=messages.HELP_MODELS_APP, no_args_is_help=True)

STATE_STYLES = MappingProxyType({PRESENT: "green", MISSING: "dim", PARTIAL: "yellow", CORRUPT: "red", HUB_ID: "cyan"})
STATE_MARKS = MappingProxyType({PRESENT: "✓", MISSING: "✗", PARTIAL: "✗", CORRUPT: "✗", HUB_ID: "~"})
NAME_WIDTH = max(len(a.name) for a in ARTIFACTS)
STATE_WIDTH = max(len(s) for s in STATE_MARKS)
SIZE_WIDTH = 21
PATH_INDENT = "    "
OnlyOption = typer.Option(None, "--only", metavar="<name>", help=messages.HELP_MODELS_ONLY)


# --- helpers ------------------------------------------------------------------------------------------
def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj.settings


def _consoles(ctx: typer.Context) -> tuple[Console, Console]:
    out = getattr(ctx.obj, "out", None) or Console(highlight=False, soft_wrap=True)
    err = getattr(ctx.obj, "err", None) or Console(stderr=True, highlight=False, soft_wrap=True)
    return out, err


def _select(only: Sequence[str] | None) -> list[Artifact]:
    if not only:
        return list(ARTIFACTS)
    unknown = [n for n in only if n not in BY_NAME]
    if unknown:
        raise BadInput(messages.models_unknown(unknown, BY_NAME))
    return [BY_NAME[n] for n in dict.fromkeys(only)]


def parse_revisions(items: Sequence[str] | None) -> dict[str, str]:
    revisions = {}
    for item in items or ():
        name, sep, rev = item.partition("=")
        if not sep or not rev or name not in BY_NAME:
            raise BadInput(messages.models_bad_revision(BY_NAME, item))
        revisions[name] = rev
    return revisions


def _size(n: float) -> str:
    """Three significant figures: 4.65 GB, 55.0 MB, 220 MB, 300 kB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            value = n / scale
            return f"{value:.2f} {unit}" if value < 10 else f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{n:.0f} B"


def _size_text(status: ArtifactStatus) -> str:
    on_disk, expected = _size(status.bytes_on_disk), _size(status.bytes_expected)
    if status.state == HUB_ID:
        return messages.MODELS_SIZE_HUB
    if status.state == PRESENT:
        return messages.MODELS_SIZE_PRESENT.format(on_disk=on_disk, expected=expected)
    if status.state == MISSING:
        return messages.MODELS_SIZE_MISSING.format(on_disk=on_disk, expected=expected)
    return messages.MODELS_SIZE_PARTIAL.format(on_disk=on_disk, expected=expected)


def _origin(status: ArtifactStatus) -> str:
    return status.source.origin if status.source is not None else MODELS_DIR


def _where(status: ArtifactStatus) -> str | None:
    """The indented second line: a base_models folder or hub id, or where missing files belong."""
    if _origin(status) != MODELS_DIR:
        return messages.models_from_override(status.location)
    if status.state != PRESENT:
        return status.artifact.target
    return None


def _line(status: ArtifactStatus) -> str:
    """`✓ name  state  size  users`, padded so the columns line up (every part is ASCII)."""
    style = STATE_STYLES[status.state]
    head = f"{STATE_MARKS[status.state]} {status.artifact.name:<{NAME_WIDTH}}  {status.state:<{STATE_WIDTH}}"
    return (f"[{style}]{escape(head)}[/]  {escape(_size_text(status)):<{SIZE_WIDTH}}  "
            f"[dim]{escape(', '.join(status.artifact.roles))}[/]")


def _print_status(out: Console, status: ArtifactStatus) -> None:
    out.print(_line(status), soft_wrap=False)
    where = _where(status)
    if where is not None:  # a long path folds onto further lines, each indented like the first
        for piece in Text(where).wrap(out, max(20, out.width - len(PATH_INDENT)), overflow="fold"):
            out.print(Text(PATH_INDENT) + piece, soft_wrap=False)


def _as_json(status: ArtifactStatus) -> dict:
    return {
        "name": status.artifact.name,
        "kind": status.artifact.kind,
        "roles": list(status.artifact.roles),
        "state": status.state,
        "ok": status.ok,
        "origin": _origin(status),
        "location": status.location,
        "bytes_on_disk": status.bytes_on_disk,
        "bytes_expected": status.bytes_expected,
        "problems": status.lines(),
        "notes": list(status.notes),
    }


def _fail(err: Console, exc: OhloraError) -> typer.Exit:
    err.print(f"[bold red]{messages.ERROR_LABEL}[/] {escape(str(exc))}")
    return typer.Exit(exc.exit_code)


def _report(out: Console, status: ArtifactStatus) -> None:
    _print_status(out, status)
    for line in status.lines():
        out.print(f"  {escape(line)}")
    for note in status.notes:
        out.print(f"  [dim]{messages.MODELS_NOTE_LABEL} {escape(note)}[/]")


# --- commands -----------------------------------------------------------------------------------------
@models_app.command(help=messages.HELP_MODELS_STATUS)
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help=messages.HELP_MODELS_STATUS_JSON),
) -> None:
    out, err = _consoles(ctx)
    settings = _settings(ctx)
    root = settings.models_root
    try:
        overrides = base_overrides(settings)
    except OhloraError as exc:
        raise _fail(err, exc) from exc
    statuses = [check_artifact(art, root, deep=False, overrides=overrides) for art in ARTIFACTS]
    if as_json:
        typer.echo(json.dumps({"root": str(root), "artifacts": [_as_json(st) for st in statuses]},
                              ensure_ascii=False, indent=2))
        return
    out.print(messages.MODELS_STATUS_TITLE.format(root=escape(str(root))), soft_wrap=False, overflow="fold")
    for st in statuses:
        _print_status(out, st)
    out.print(f"[dim]{messages.MODELS_STATUS_HINT}[/]", soft_wrap=False)


@models_app.command(help=messages.HELP_MODELS_PULL)
def pull(
    ctx: typer.Context,
    only: list[str] | None = OnlyOption,
    revision: list[str] | None = typer.Option(None, "--revision", metavar="<name=rev>", help=messages.HELP_MODELS_REVISION),
) -> None:
    from ohlora.models.pull import pull as run_pull

    out, err = _consoles(ctx)
    settings = _settings(ctx)
    root = settings.models_root
    try:
        artifacts = _select(only)
        if not only:  # a base that base_models takes from elsewhere is not downloaded unless named
            overrides = base_overrides(settings)
            for art in [a for a in artifacts if a.name in overrides]:
                out.print(f"[dim]{escape(messages.pull_skipped_override(art.name, overrides[art.name]))}[/]")
                artifacts.remove(art)
        results = run_pull(artifacts, root, revisions=parse_revisions(revision),
                           log=lambda msg: out.print(escape(msg)))
    except OhloraError as exc:
        raise _fail(err, exc) from exc
    failed = False
    for r in results:
        if r.ok:
            out.print(f"[green]✓ {r.name}[/]: {messages.models_pulled(len(r.installed), len(r.kept))}")
            continue
        failed = True
        out.print(f"[red]✗ {r.name}[/]: {r.state}")
        for problem in r.problems:
            out.print(f"  {escape(problem)} → {messages.pull_command(r.name)}")
    if failed:
        raise typer.Exit(1)


@models_app.command(help=messages.HELP_MODELS_VERIFY)
def verify(ctx: typer.Context, only: list[str] | None = OnlyOption) -> None:
    out, err = _consoles(ctx)
    settings = _settings(ctx)
    root = settings.models_root
    try:
        artifacts = _select(only)
        overrides = base_overrides(settings)
    except OhloraError as exc:
        raise _fail(err, exc) from exc
    bad = 0
    for art in artifacts:
        st = check_artifact(art, root, deep=True, overrides=overrides)
        _report(out, st)
        bad += not st.ok
    if bad:
        out.print(f"[red]{messages.MODELS_VERIFY_BAD.format(count=bad)}[/] {messages.MODELS_VERIFY_BAD_HINT}")
        raise typer.Exit(1)
    out.print(f"[green]{messages.MODELS_VERIFY_OK}[/]")
