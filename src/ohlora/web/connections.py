"""Connection-level defences of `ohlora serve`, below the app: what one client can hold open.

uvicorn's h11 protocol times out only an idle keep-alive connection between two requests, and its
`limit_concurrency` answers *every* new request with 503 once the server holds that many
connections, so one client with a few hundred silent sockets shuts everybody out. This module
replaces both with rules enforced per connection, from the moment it is accepted:

- **per-address bound**: at most `max_connections_per_address` open connections per client
  address (an IPv4 address, or an IPv6 /64); the next one is answered at once with a short 429 and
  `Retry-After`, and closed. Other addresses are not affected. A trusted proxy (`trusted_proxies`)
  has no such bound: every user behind it shares its address.
- **global bound**: at most `max_connections` in all. When it is reached, a newcomer from a lighter
  address takes the place of an idle connection (no request under way) of the heaviest address;
  only when there is none to take is the newcomer answered 503 + `Retry-After`. A connection with a
  request under way (a chat turn, a face stream) is never closed to make room.
- **timeouts**: a new connection that sends nothing is closed after `idle_timeout_s`; request line
  and headers must be complete `header_timeout_s` after the connection opened (or after the first
  byte of a later request), else 408 and closed; a body must be complete `body_timeout_s` after its
  headers, else 408 and closed; a client that takes none of a response for `send_timeout_s` is
  dropped. Idle keep-alive between requests stays uvicorn's (`timeout_keep_alive`).
- **request heads**: a request line + headers over `max_header_bytes` is answered 431, a request
  with both Content-Length and Transfer-Encoding 400 (the two framings disagree: request smuggling).
  These answers, and every other refusal here, are small JSON errors with our security headers.

`protocol_class(guard)` is what `ohlora.web.server.uvicorn_config` passes as uvicorn's `http=`: a
subclass of uvicorn's `H11Protocol` bound to one `ConnectionGuard` (one per server, no globals).
"""

from __future__ import annotations

import asyncio
import http
import ipaddress
import json
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ohlora import messages
from ohlora.web.middleware import SECURITY_HEADERS

log = logging.getLogger("ohlora.web")

LINGER_S = 1.0  # how long a refused connection may still be read (discarded) before it is dropped
MAX_LINGERING = 256  # refused connections lingering at once; beyond, a refusal is dropped at once
CLOSE_GRACE_S = 5.0  # a closing connection whose last bytes are not taken by then is dropped
LOG_EVERY_S = 60.0  # refusals and cut-offs are logged as one summary line at most this often
UVICORN_BAD_REQUEST = "Invalid HTTP request received."  # uvicorn's warning, once per bad request


@dataclass(frozen=True)
class ConnectionRules:
    """The limits a `ConnectionGuard` enforces (from `WebOptions`; 0 per address = no bound)."""

    max_connections: int = 1000
    max_connections_per_address: int = 32
    header_timeout_s: float = 10.0
    body_timeout_s: float = 20.0
    idle_timeout_s: float = 5.0
    send_timeout_s: float = 30.0
    max_header_bytes: int = 16 * 1024
    retry_after_s: int = 5
    unbounded: tuple[str, ...] = ()  # addresses/networks with no per-address bound (trusted proxies)


def in_networks(client: tuple[str, int] | None, networks: tuple[str, ...]) -> bool:
    """Whether the client's address lies in one of `networks` ("10.0.0.5", "10.0.0.0/8", "::1")."""
    if not client or not networks:
        return False
    try:
        ip = ipaddress.ip_address(str(client[0]).split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def address_key(client: tuple[str, int] | None) -> str:
    """Whose connection this is: the IPv4 address, or the /64 of an IPv6 address (one subscriber
    usually holds a whole /64); an IPv4-mapped IPv6 address counts as its IPv4 address."""
    if not client:
        return ""
    host = str(client[0]).split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def error_response(status: int, code: str, message: str, retry_after_s: int | None = None) -> bytes:
    """A complete HTTP/1.1 response that closes the connection: a JSON error and our security headers."""
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode("utf-8")
    phrase = http.HTTPStatus(status).phrase
    head = [
        f"HTTP/1.1 {status} {phrase}".encode("ascii"),
        b"content-type: application/json; charset=utf-8",
        b"content-length: " + str(len(body)).encode("ascii"),
        b"connection: close",
        b"cache-control: no-store",
    ]
    if retry_after_s is not None:
        head.append(b"retry-after: " + str(int(retry_after_s)).encode("ascii"))
    head += [name + b": " + value for name, value in SECURITY_HEADERS]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class ConnectionGuard:
    """Open connections by client address, for one server. Used from the event loop thread only."""

    def __init__(self, rules: ConnectionRules, clock: Callable[[], float] = time.monotonic):
        self.rules = rules
        self._clock = clock
        self._unlogged: Counter[str] = Counter()
        self._logged_at: float | None = None
        self._by_address: dict[str, OrderedDict[int, GuardedH11Protocol]] = {}
        self._open = 0
        self.lingering = 0
        self.refused = {"per_address": 0, "global": 0}
        self.evicted = 0
        self.timed_out = {"idle": 0, "header": 0, "body": 0, "send": 0}
        retry = rules.retry_after_s
        self.responses = {
            "per_address": error_response(429, "too_many_connections",
                                          messages.WEB_TOO_MANY_CONNECTIONS.format(seconds=retry), retry),
            "global": error_response(503, "busy", messages.WEB_SERVER_FULL.format(seconds=retry), retry),
            "timeout": error_response(408, "request_timeout", messages.WEB_REQUEST_TIMEOUT),
        }

    @property
    def open_connections(self) -> int:
        return self._open

    def open_from(self, key: str) -> int:
        return len(self._by_address.get(key, ()))

    def stats(self) -> dict[str, Any]:
        return {
            "open": self._open,
            "addresses": len(self._by_address),
            "busiest_address": max((len(c) for c in self._by_address.values()), default=0),
            "lingering": self.lingering,
            "refused": dict(self.refused),
            "evicted": self.evicted,
            "timed_out": dict(self.timed_out),
        }

    def note(self, event: str) -> None:
        """Count a refusal or cut-off for the log: the first at once, then one summary a minute (an
        attacker must not be able to fill the disk with one line per connection)."""
        self._unlogged[event] += 1
        now = self._clock()
        if self._logged_at is None or now - self._logged_at >= LOG_EVERY_S:
            summary = ", ".join(f"{name} {count}" for name, count in sorted(self._unlogged.items()))
            log.warning("connections refused or cut off since the last report: %s (open now: %d)", summary, self._open)
            self._unlogged.clear()
            self._logged_at = now

    def admit(self, conn: GuardedH11Protocol) -> str | None:
        """Count `conn` in, or say why not ('per_address' or 'global')."""
        rules = self.rules
        mine = self._by_address.get(conn.address)
        held = len(mine) if mine else 0
        if rules.max_connections_per_address and held >= rules.max_connections_per_address and not conn.unbounded:
            self.refused["per_address"] += 1
            self.note("refused_per_address")
            return "per_address"
        if self._open >= rules.max_connections and not self._make_room(conn.address, held):
            self.refused["global"] += 1
            self.note("refused_server_full")
            return "global"
        if mine is None:
            mine = self._by_address[conn.address] = OrderedDict()
        mine[id(conn)] = conn
        self._open += 1
        return None

    def _make_room(self, address: str, held: int) -> bool:
        """Close an idle connection of the address holding the most, if it holds clearly more than `address`."""
        heaviest = max(self._by_address, key=lambda key: len(self._by_address[key]), default=None)
        if heaviest is None or heaviest == address or len(self._by_address[heaviest]) <= held + 1:
            return False
        for victim in self._by_address[heaviest].values():  # oldest first
            if victim.is_idle():
                self.release(victim)
                victim.drop()
                self.evicted += 1
                self.note("evicted_idle")
                return True
        return False

    def release(self, conn: GuardedH11Protocol) -> None:
        held = self._by_address.get(conn.address)
        if held is not None and held.pop(id(conn), None) is not None:
            self._open -= 1
            if not held:
                del self._by_address[conn.address]


class _Parser(h11.Connection):
    """h11's server side, with our checks on each request head and hooks for the timers.

    A head that breaks our rules raises `h11.RemoteProtocolError` like one h11 itself refuses, so
    uvicorn takes its usual path (`send_400_response`, which our protocol answers with `status`)."""

    def __init__(self, protocol: GuardedH11Protocol, max_header_bytes: int):
        super().__init__(h11.SERVER, max_incomplete_event_size=max_header_bytes)
        self._protocol = protocol
        self._max_header_bytes = max_header_bytes
        self.status = 400  # of the last refused request
        self.framing = False  # it was refused for carrying both Content-Length and Transfer-Encoding

    def next_event(self) -> Any:
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as exc:
            self.status = exc.error_status_hint
            raise
        if isinstance(event, h11.Request):
            self._check_head(event)
            self._protocol.head_received()
        elif isinstance(event, h11.EndOfMessage):
            self._protocol.body_received()
        return event

    def _check_head(self, request: h11.Request) -> None:
        # request line + header lines as sent, give or take optional whitespace that h11 dropped
        size = len(request.method) + len(request.target) + len(b" HTTP/1.1\r\n") + 2
        names = set()
        for name, value in request.headers:
            size += len(name) + len(value) + 4
            names.add(name)
        if size > self._max_header_bytes:
            self.status = 431
            raise h11.RemoteProtocolError("request header fields too large", error_status_hint=431)
        if b"content-length" in names and b"transfer-encoding" in names:
            self.status, self.framing = 400, True
            raise h11.RemoteProtocolError("both Content-Length and Transfer-Encoding", error_status_hint=400)


class _ConnectionLog:
    """uvicorn's logger for one connection, except that its warning per malformed request goes to
    the guard's summary instead of a line each."""

    def __init__(self, logger: logging.Logger, guard: ConnectionGuard):
        self._logger = logger
        self._guard = guard

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        if msg == UVICORN_BAD_REQUEST:
            self._guard.note("bad_request")
            return
        self._logger.warning(msg, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol under a `ConnectionGuard`: admission, timeouts, our refusals."""

    guard: ClassVar[ConnectionGuard]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rules = self.guard.rules
        self.conn = _Parser(self, self.rules.max_header_bytes)
        self.logger = _ConnectionLog(self.logger, self.guard)  # type: ignore[assignment]
        self.address = ""
        self.unbounded = False  # a trusted proxy: many users behind one address
        self._admitted = False
        self._refused = False
        self._lingering = False
        self._timers: dict[str, asyncio.TimerHandle] = {}

    # --- admission ------------------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.address = address_key(self.client)
        self.unbounded = in_networks(self.client, self.rules.unbounded)
        why = self.guard.admit(self)
        if why is not None:
            self._refuse(self.guard.responses[why])
            return
        self._admitted = True
        self._arm("idle", self.rules.idle_timeout_s, self._on_idle)
        self._arm("head", self.rules.header_timeout_s, self._on_head_timeout)

    def _refuse(self, response: bytes) -> None:
        """Answer at once and stop writing; read (and drop) what the client still sends, briefly, so
        that it sees the answer instead of a reset; then close."""
        self._refused = True
        self.transport.write(response)
        guard = self.guard
        if guard.lingering >= MAX_LINGERING or not self.transport.can_write_eof():
            self.transport.close()
            return
        guard.lingering += 1
        self._lingering = True
        self.transport.write_eof()
        self._arm("linger", LINGER_S, self.transport.abort)

    def is_idle(self) -> bool:
        """No request under way: nothing sent yet, part of a head, or kept alive after a response."""
        if self.transport is None or self.transport.is_closing():
            return False
        return (self.cycle is None or self.cycle.response_complete) and self.conn.their_state in (h11.IDLE, h11.DONE)

    def drop(self) -> None:
        """Closed to make room (no request under way, so there is nothing to answer)."""
        self._cancel_all()
        self.transport.abort()

    # --- timers ---------------------------------------------------------------------------------------------
    def _arm(self, name: str, delay: float, callback: Any) -> None:
        self._disarm(name)
        self._timers[name] = self.loop.call_later(delay, callback)

    def _disarm(self, name: str) -> None:
        handle = self._timers.pop(name, None)
        if handle is not None:
            handle.cancel()

    def _cancel_all(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()

    def _close_with(self, response: bytes | None) -> None:
        if self.transport.is_closing():
            return
        if response is not None:
            self.transport.write(response)
        self.transport.close()
        self._arm("close", CLOSE_GRACE_S, self.transport.abort)  # a client that takes none of it

    def _on_idle(self) -> None:
        self._timers.pop("idle", None)
        self.guard.timed_out["idle"] += 1
        self._close_with(None)

    def _on_head_timeout(self) -> None:
        self._timers.pop("head", None)
        if not self.is_idle():
            return
        self.guard.timed_out["header"] += 1
        self.guard.note("timeout_header")
        self._close_with(self.guard.responses["timeout"])

    def _on_body_timeout(self) -> None:
        self._timers.pop("body", None)
        if self.conn.their_state is not h11.SEND_BODY:
            return
        self.guard.timed_out["body"] += 1
        self.guard.note("timeout_body")
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            cycle.disconnected = True  # the app's own answer, if it comes, goes nowhere
            cycle.message_event.set()
            self._close_with(self.guard.responses["timeout"])
        else:
            self._close_with(None)

    def _on_send_stalled(self) -> None:
        self._timers.pop("send", None)
        self.guard.timed_out["send"] += 1
        self.guard.note("timeout_send")
        self.transport.abort()

    # --- hooks from the parser and from uvicorn ----------------------------------------------------------------
    def head_received(self) -> None:
        self._disarm("idle")
        self._disarm("head")
        self._arm("body", self.rules.body_timeout_s, self._on_body_timeout)

    def body_received(self) -> None:
        self._disarm("body")

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # a refused connection: dropped unread
        self._disarm("idle")
        if "head" not in self._timers and data and self.is_idle():
            self._arm("head", self.rules.header_timeout_s, self._on_head_timeout)  # a later request begins
        super().data_received(data)

    def eof_received(self) -> bool | None:
        if self._refused:
            self.transport.close()
            return None
        return super().eof_received()  # type: ignore[func-returns-value]

    def send_400_response(self, msg: str) -> None:
        status = getattr(self.conn, "status", 400)
        if status == 431:
            body = error_response(431, "headers_too_large",
                                  messages.WEB_HEADERS_TOO_LARGE.format(limit=self.rules.max_header_bytes))
        elif getattr(self.conn, "framing", False):
            body = error_response(400, "bad_framing", messages.WEB_BAD_FRAMING)
        elif status == 501:
            body = error_response(501, "not_implemented", messages.WEB_BAD_HTTP.format(detail=msg))
        else:
            body = error_response(400, "bad_http", messages.WEB_BAD_HTTP.format(detail=msg))
        self._cancel_all()
        self._close_with(body)

    def shutdown(self) -> None:
        if self._refused or self.transport is None or self.transport.is_closing():
            return  # already on its way out (h11 may be mid-request: nothing more to say on it)
        super().shutdown()

    def pause_writing(self) -> None:
        super().pause_writing()
        self._arm("send", self.rules.send_timeout_s, self._on_send_stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._disarm("send")

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_all()
        if self._refused:
            if self._lingering:
                self.guard.lingering -= 1
                self._lingering = False
        else:
            self.guard.release(self)
        super().connection_lost(exc)


def protocol_class(guard: ConnectionGuard) -> type[GuardedH11Protocol]:
    """The protocol class to pass as uvicorn's `http=`, bound to `guard`."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"guard": guard})
