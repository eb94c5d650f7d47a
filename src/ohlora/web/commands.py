"""`ohlora serve`: the web page on this machine.

The CLI registers it with `app.command(help=messages.HELP_SERVE)(serve)`.
"""

from __future__ import annotations

import importlib.util
import threading
import time
import webbrowser
from dataclasses import replace
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from ohlora import messages
from ohlora.errors import OhloraError
from ohlora.web.access import TOKEN_ENV, check_proxies, pick_token
from ohlora.web.safety import allowed_host_list, check_bind

WEB_MODULES = ("fastapi", "uvicorn", "itsdangerous")


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _open_when_ready(server, url: str) -> None:
    def wait_and_open() -> None:
        deadline = time.monotonic() + 60.0
        while not server.started and not server.should_exit and time.monotonic() < deadline:
            time.sleep(0.1)
        if server.started:
            webbrowser.open(url)

    threading.Thread(target=wait_and_open, name="ohlora-open-browser", daemon=True).start()


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help=messages.HELP_SERVE_HOST),
    port: int = typer.Option(8000, "--port", help=messages.HELP_SERVE_PORT),
    open_browser: bool = typer.Option(False, "--open", help=messages.HELP_SERVE_OPEN),
    allow_remote: bool = typer.Option(False, "--allow-remote", help=messages.HELP_SERVE_ALLOW_REMOTE),
    token: str | None = typer.Option(None, "--token", envvar=TOKEN_ENV, help=messages.HELP_SERVE_TOKEN),
    token_file: Path | None = typer.Option(
        None, "--token-file", envvar="OHLORA_WEB_TOKEN_FILE", help=messages.HELP_SERVE_TOKEN_FILE
    ),
    secure_cookies: bool = typer.Option(False, "--secure-cookies", help=messages.HELP_SERVE_SECURE_COOKIES),
    trusted_proxy: list[str] = typer.Option(
        [], "--trusted-proxy", metavar="<addr>", help=messages.HELP_SERVE_TRUSTED_PROXY
    ),
    fps: float = typer.Option(15.0, "--fps", min=1.0, max=30.0, help=messages.HELP_SERVE_FPS),
    allowed_host: list[str] = typer.Option(
        [], "--allowed-host", metavar="<name>", envvar="OHLORA_ALLOWED_HOSTS", help=messages.HELP_SERVE_ALLOWED_HOST
    ),
    limit: list[str] = typer.Option(
        [], "--limit", metavar="<name=value>", envvar="OHLORA_WEB_LIMITS", help=messages.HELP_SERVE_LIMIT
    ),
    show_limits: bool = typer.Option(False, "--show-limits", help=messages.HELP_SERVE_SHOW_LIMITS),
) -> None:
    from ohlora.web.options import WebOptions, describe_limits, with_limits

    limits = with_limits(WebOptions(fps=fps), limit)  # bad names and values are refused before anything starts
    if show_limits:
        out = getattr(ctx.obj, "out", None) or Console(highlight=False)
        for line in describe_limits(limits):
            out.print(escape(line))
        return
    # typer may bring its own click, so the source is compared by name
    on_command_line = getattr(ctx.get_parameter_source("token"), "name", None) == "COMMANDLINE"
    token = pick_token(from_env=None if on_command_line else token, from_file=token_file,
                       from_argv=token if on_command_line else None)
    checked_token = check_bind(host, port, allow_remote=allow_remote, token=token)
    proxies = check_proxies(tuple(trusted_proxy))
    if on_command_line and checked_token is not None:  # every user of this machine sees it in `ps`
        err = getattr(ctx.obj, "err", None) or Console(stderr=True, highlight=False)
        err.print(escape(messages.SERVE_TOKEN_IN_ARGV))
    allowed_hosts = allowed_host_list(host, allowed_host)
    missing = [m for m in WEB_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise OhloraError(messages.SERVE_NEEDS_WEB.format(modules=", ".join(missing)))
    import uvicorn

    from ohlora.web.app import create_app
    from ohlora.web.server import bind_sockets, uvicorn_config

    settings = ctx.obj.settings
    out = getattr(ctx.obj, "out", None) or Console(highlight=False)
    sockets = bind_sockets(host, port)  # a busy port is said now, before she "waits" anywhere
    try:
        options = replace(limits, token=checked_token, secure_cookies=secure_cookies, trusted_proxies=proxies,
                          allowed_hosts=allowed_hosts)
        app = create_app(settings, options=options)
        server = uvicorn.Server(uvicorn_config(app, host, port, options=options))  # connection bounds, timeouts
        url = _url(host, port)
        out.print(escape(messages.SERVE_LISTENING.format(url=url)))
        if checked_token is not None:
            out.print(escape(messages.SERVE_TOKEN_HINT.format(url=url)))
        if open_browser:  # with a token, the page trades it for a cookie and drops it from the address
            _open_when_ready(server, url if checked_token is None else f"{url}?token={checked_token}")
        server.run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()
