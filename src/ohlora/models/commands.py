"""`ohlora models status | pull | verify`, and the start-up readiness check of the full path.

The root comes from `ctx.obj.settings.models_root` (the global `--models-dir` option sets it).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ohlora import messages
from ohlora.config import Settings
from ohlora.errors import BadInput, OhloraError
from ohlora.models.check import CORRUPT, MISSING, PARTIAL, PRESENT, ArtifactStatus, check_artifact
from ohlora.models.registry import (
    ARTIFACTS,
    BY_NAME,
    EMBEDDING_ARTIFACTS,
    FACE_ARTIFACTS,
    LLM_ROLE_ARTIFACTS,
    Artifact,
)

models_app = typer.Typer(help=messages.HELP_MODELS_APP, no_args_is_help=True)

STATE_STYLES = MappingProxyType({PRESENT: "green", MISSING: "dim", PARTIAL: "yellow", CORRUPT: "red"})
OnlyOption = typer.Option(None, "--only", help=messages.HELP_MODELS_ONLY)


def group_artifacts(group: str) -> tuple[str, ...]:
    """Artifact names a role group needs: llm, llm:<role>, embedding, face-v7, face-v8."""
    if group == "llm":
        return tuple(dict.fromkeys(n for names in LLM_ROLE_ARTIFACTS.values() for n in names))
    if group.startswith("llm:") and group[4:] in LLM_ROLE_ARTIFACTS:
        return LLM_ROLE_ARTIFACTS[group[4:]]
    if group == "embedding":
        return EMBEDDING_ARTIFACTS
    if group.startswith("face-") and group[5:] in FACE_ARTIFACTS:
        return FACE_ARTIFACTS[group[5:]]
    known = ["llm", *(f"llm:{r}" for r in LLM_ROLE_ARTIFACTS), "embedding", *(f"face-{v}" for v in FACE_ARTIFACTS)]
    raise ValueError(f"unknown artifact group {group!r}; known: {', '.join(known)}")


def full_path_ready(settings: Settings, group: str) -> tuple[bool, tuple[str, ...]]:
    """Shallow check (presence, sizes, JSON, safetensors lengths) of what `group` needs; reasons if not."""
    reasons: list[str] = []
    for name in group_artifacts(group):
        status = check_artifact(BY_NAME[name], settings.models_root, deep=False)
        if not status.ok:
            reasons += status.lines()
    return not reasons, tuple(reasons)


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


def _mb(n: float) -> str:
    if n == 0:
        return "0"
    return f"{n / 1e6:,.1f} MB" if n >= 1e5 else f"{n / 1e3:,.1f} kB"


def _fail(err: Console, exc: OhloraError) -> typer.Exit:
    err.print(f"[bold red]{messages.ERROR_LABEL}[/] {escape(str(exc))}")
    return typer.Exit(exc.exit_code)


def _report(out: Console, status: ArtifactStatus) -> None:
    style = STATE_STYLES[status.state]
    mark = "✓" if status.ok else "✗"
    out.print(f"[{style}]{mark} {status.artifact.name}: {status.state}[/] "
              f"({_mb(status.bytes_on_disk)} / ~{_mb(status.bytes_expected)}) {escape(str(status.path))}")
    for line in status.lines():
        out.print(f"  {escape(line)}")
    for note in status.notes:
        out.print(f"  [dim]{messages.MODELS_NOTE_LABEL} {escape(note)}[/]")


# --- commands -----------------------------------------------------------------------------------------
@models_app.command(help=messages.HELP_MODELS_STATUS)
def status(ctx: typer.Context) -> None:
    out, _ = _consoles(ctx)
    root = _settings(ctx).models_root
    table = Table(title=messages.MODELS_TABLE_TITLE.format(root=escape(str(root))), title_justify="left")
    for column in messages.MODELS_TABLE_COLUMNS:
        table.add_column(column, overflow="fold")
    for art in ARTIFACTS:
        st = check_artifact(art, root, deep=False)
        table.add_row(art.name, art.kind, ", ".join(art.roles),
                      f"[{STATE_STYLES[st.state]}]{st.state}[/]",
                      f"{_mb(st.bytes_on_disk)} / ~{_mb(st.bytes_expected)}", escape(art.target))
    out.print(table)
    out.print(f"[dim]{messages.MODELS_STATUS_HINT}[/]")


@models_app.command(help=messages.HELP_MODELS_PULL)
def pull(
    ctx: typer.Context,
    only: list[str] | None = OnlyOption,
    revision: list[str] | None = typer.Option(None, "--revision", help=messages.HELP_MODELS_REVISION),
) -> None:
    from ohlora.models.pull import pull as run_pull

    out, err = _consoles(ctx)
    root = _settings(ctx).models_root
    try:
        artifacts = _select(only)
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
    root = _settings(ctx).models_root
    try:
        artifacts = _select(only)
    except OhloraError as exc:
        raise _fail(err, exc) from exc
    bad = 0
    for art in artifacts:
        st = check_artifact(art, root, deep=True)
        _report(out, st)
        bad += not st.ok
    if bad:
        out.print(f"[red]{messages.MODELS_VERIFY_BAD.format(count=bad)}[/] {messages.MODELS_VERIFY_BAD_HINT}")
        raise typer.Exit(1)
    out.print(f"[green]{messages.MODELS_VERIFY_OK}[/]")
