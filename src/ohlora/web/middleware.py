"""Pure ASGI middleware: the Host check, request size and text limits, the identity cookie, security headers.

Pure ASGI (not BaseHTTPMiddleware) so that streaming responses pass straight through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ohlora import messages
from ohlora.conversation.inputs import has_lone_surrogate
from ohlora.web.safety import allowed_hosts_text, host_allowed

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SET_COOKIES_KEY = "ohlora_set_cookies"  # request.state key: Set-Cookie header values to add

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
)


def security_headers() -> dict[str, str]:
    """The security headers as a dict (for responses sent outside `ResponseHeaders`, e.g. a 500)."""
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in SECURITY_HEADERS}


def json_bytes(payload: Any) -> bytes:
    """JSON as UTF-8; a lone surrogate that slipped into a message becomes '?' instead of an error."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8", errors="replace")


async def _send_json(send: Send, status: int, payload: dict[str, Any]) -> None:
    body = json_bytes(payload)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


# A JSON string escape of a UTF-16 surrogate (an encoded one fails the strict UTF-8 check instead).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def json_has_lone_surrogate(body: bytes) -> bool:
    """True when `body` is a JSON document with a lone surrogate in any string (key or value).

    Python's JSON reader (FastAPI's too) makes one from an escape ("\\ud800") and also from raw
    bytes: it decodes UTF-8 (or UTF-16/32) with 'surrogatepass'. Plain UTF-8 without such an
    escape, nearly every body, is let through without parsing.
    """
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass  # maybe an encoded surrogate, or another encoding: look properly
    else:
        if not _SURROGATE_ESCAPE.search(body):
            return False
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # not JSON: the route refuses it as such
        return False
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class HostCheck:
    """421 for a request whose Host header does not name this server (see `safety.host_allowed`).

    Outermost, so that a refused request is never read further. Nothing here builds a URL from
    the Host header.
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()):
        self.app = app
        self.allowed = tuple(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts = [value for name, value in scope.get("headers", ()) if name == b"host"]
        header = hosts[0].decode("latin-1") if len(hosts) == 1 else None
        server = scope.get("server")
        # No Host at all (an HTTP/1.0 monitor) cannot come from a browser page: let it through.
        if not hosts or host_allowed(header, server, self.allowed, https=scope.get("scheme") in ("https", "wss")):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        shown = (header or "")[:100]
        message = messages.WEB_BAD_HOST.format(host=shown, allowed=allowed_hosts_text(server, self.allowed))
        await _send_json(send, 421, {"error": {"code": "bad_host", "message": message}})


class BodyLimit:
    """413 for a request whose body is larger than `limit` bytes, declared or actually sent; 400
    for a JSON body with a lone surrogate in a string (it cannot be stored or echoed as UTF-8).

    Request bodies here are small JSON documents, so the body is read in full first (at most
    `limit` bytes are ever held) and handed to the app only when it fits.
    """

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        error = {"error": {"code": "too_large", "message": messages.WEB_TOO_LARGE.format(limit=self.limit)}}
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await _send_json(send, 413, error)
                    return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await _send_json(send, 413, error)
                return
            if not message.get("more_body", False):
                break
        if json_has_lone_surrogate(bytes(body)):
            await _send_json(send, 400, {"error": {"code": "bad_text", "message": messages.TEXT_SURROGATE}})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as usual

        await self.app(scope, replay, send)


class ResponseHeaders:
    """Adds the security headers to every response, and the cookies a dependency asked for."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        state = scope.setdefault("state", {})  # the same dict object as `request.state` downstream

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                for cookie in state.get(SET_COOKIES_KEY, ()):
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
