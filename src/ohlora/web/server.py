"""Running the app with uvicorn: the settings `ohlora serve` uses, the listening sockets it binds
itself (a busy port is an error message, not uvicorn's log line), and a background-thread server
on a free loopback port for tests and benchmarks (`with ServerThread(app) as url: ...`)."""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from typing import Any

import uvicorn

from ohlora import messages
from ohlora.errors import ConfigError
from ohlora.web.connections import ConnectionGuard, ConnectionRules, protocol_class
from ohlora.web.options import WebOptions

STARTUP_TIMEOUT_S = 120.0
PORT_SEARCH = 100  # how far above a busy port we look for a free one to suggest


class PortTaken(ConfigError):
    """Another program listens on the port `ohlora serve` was asked to use."""


def _bind_all(host: str, port: int) -> list[socket.socket]:
    """A bound socket for every address `host` resolves to, as uvicorn (asyncio) would bind them."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    bound: list[socket.socket] = []
    try:
        for family, kind, proto, _name, address in dict.fromkeys(infos):
            try:
                sock = socket.socket(family, kind, proto)
            except OSError:
                continue  # an address family this machine does not support
            bound.append(sock)
            if os.name != "nt":  # lets a restarted server reuse a port in TIME_WAIT, never a listening one
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
    except BaseException:
        for sock in bound:
            sock.close()
        raise
    if not bound:
        raise OSError(errno.EAFNOSUPPORT, os.strerror(errno.EAFNOSUPPORT))
    return bound


def _free_port_above(host: str, port: int) -> int | None:
    for candidate in range(port + 1, min(port + PORT_SEARCH, 65535) + 1):
        try:
            sockets = _bind_all(host, candidate)
        except OSError:
            continue
        for sock in sockets:
            sock.close()
        return candidate
    return None


def bind_sockets(host: str, port: int) -> list[socket.socket]:
    """The sockets `ohlora serve` listens on, bound before anything is announced.

    A busy port raises `PortTaken`, whose message suggests a free `--port`; any other address
    problem (unknown host name, a port that needs privileges) raises `ConfigError`."""
    try:
        return _bind_all(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            suggestion = _free_port_above(host, port) or (port + 1 if port < 65535 else 8080)
            raise PortTaken(messages.SERVE_PORT_TAKEN.format(port=port, suggestion=suggestion)) from None
        detail = exc.strerror or str(exc)
        raise ConfigError(messages.SERVE_CANNOT_BIND.format(host=host, port=port, detail=detail)) from None


FD_RESERVE = 128  # open files kept free for the database, models, logs when the connection bound is set


def connection_rules(options: WebOptions) -> ConnectionRules:
    """The connection bounds of `options`, with the global one kept under this process's open-file limit."""
    most = options.max_connections
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY:
            most = min(most, max(16, soft - FD_RESERVE))
    except (ImportError, OSError, ValueError):  # no such limit here (Windows)
        pass
    return ConnectionRules(
        max_connections=max(1, most),
        max_connections_per_address=max(0, options.max_connections_per_address),
        header_timeout_s=options.header_timeout_s,
        body_timeout_s=options.body_timeout_s,
        idle_timeout_s=options.idle_connection_s,
        send_timeout_s=options.send_timeout_s,
        max_header_bytes=options.max_header_bytes,
        retry_after_s=options.connection_retry_after_s,
        unbounded=tuple(options.trusted_proxies),
    )


def uvicorn_config(app: Any, host: str, port: int, log_level: str = "warning",
                   options: WebOptions | None = None) -> uvicorn.Config:
    """uvicorn's settings for `app`, with our HTTP protocol (web/connections.py) enforcing the
    connection bounds and timeouts of `options` (uvicorn's own `limit_concurrency` is off: it refuses
    every user once one client holds enough sockets)."""
    options = options or WebOptions()
    guard = ConnectionGuard(connection_rules(options))
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(guard),
        ws="none",  # no WebSockets: the face is an MJPEG stream, the chat plain HTTP
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
        timeout_keep_alive=options.idle_connection_s,  # type: ignore[arg-type]  # idle between two requests
        limit_concurrency=None,
        h11_max_incomplete_event_size=options.max_header_bytes,
    )


def connection_guard(config: uvicorn.Config) -> ConnectionGuard:
    """The guard counting the connections of a server made with `uvicorn_config` (tests, benchmarks)."""
    return config.http.guard  # type: ignore[union-attr]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ServerThread:
    """uvicorn serving `app` on 127.0.0.1 in a daemon thread; `url` once started. `options`: the
    connection bounds and timeouts (the app's other options are the app's own)."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int | None = None,
                 options: WebOptions | None = None):
        self.host = host
        self.port = port or free_port(host)
        self.server = uvicorn.Server(uvicorn_config(app, self.host, self.port, options=options))
        self._thread = threading.Thread(target=self.server.run, name="ohlora-web-server", daemon=True)

    @property
    def guard(self) -> ConnectionGuard:
        return connection_guard(self.server.config)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the web server did not start on {self.url}")
            time.sleep(0.02)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=90.0)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
