"""`create_app(settings)`: the FastAPI application of `ohlora serve`.

Everything the app holds lives in `app.state.web` (a `WebState`), created in the lifespan: the
services (built here unless one is passed in), the per-home secret, the rate limiter, the face
catalogue and the session registry with its idle reaper. Nothing is module-global.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException  # FastAPI's own is a subclass; its body errors raise this one

from ohlora import __version__, messages
from ohlora.clock import Clock
from ohlora.config import Settings
from ohlora.conversation.services import Services
from ohlora.errors import BadInput, ConfigError, OhloraError
from ohlora.web.faces import FaceCatalog, FaceChoice, available_choices
from ohlora.web.identity import Identities, load_secret
from ohlora.web.middleware import BodyLimit, HostCheck, ResponseHeaders, json_bytes, security_headers
from ohlora.web.options import WebOptions
from ohlora.web.ratelimit import RateLimiter
from ohlora.web.routes import chat, face, memory, session
from ohlora.web.sessions import SessionRegistry, SessionsFull
from ohlora.web.state import WebState

STATIC_DIR = Path(__file__).resolve().parent / "static"


def render_page(template: str) -> bytes:
    """index.html with `{{key}}` replaced by `messages.WEB_UI[key]` (escaped) and the UI text as JSON."""
    ui = dict(messages.WEB_UI)
    page = template.replace("{{ui_json}}", json.dumps(ui, ensure_ascii=False).replace("</", "<\\/"))
    for key, value in ui.items():
        page = page.replace("{{" + key + "}}", html.escape(value))
    return page.encode("utf-8")


class ErrorResponse(JSONResponse):
    """The JSON of an error: never fails to encode (a lone surrogate in an echoed value becomes '?'),
    and carries the security headers itself (a 500 is sent outside the `ResponseHeaders` middleware)."""

    def __init__(self, content: Any, status_code: int, headers: dict[str, str] | None = None):
        super().__init__(content, status_code=status_code, headers={**security_headers(), **(headers or {})})

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return ErrorResponse({"error": {"code": code, "message": message}}, status, headers)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        if isinstance(exc.detail, dict):
            return ErrorResponse({"error": exc.detail}, exc.status_code, exc.headers)
        if exc.status_code == 404:
            message = messages.WEB_NOT_FOUND
        elif exc.status_code == 400:  # e.g. a body that is not JSON text
            message = messages.WEB_BAD_REQUEST.format(detail=exc.detail)
        else:
            message = str(exc.detail)
        return _error(exc.status_code, "http_" + str(exc.status_code), message, exc.headers)

    @app.exception_handler(Exception)
    async def internal(_request: Request, exc: Exception) -> JSONResponse:
        # Starlette sends this from its outermost layer (then re-raises, so the server logs the
        # traceback): ErrorResponse adds the security headers the middleware cannot.
        return _error(500, "internal", messages.WEB_INTERNAL)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = "; ".join(str(e.get("msg", "")) for e in exc.errors()[:3])
        return _error(422, "bad_request", messages.WEB_BAD_REQUEST.format(detail=details))

    @app.exception_handler(SessionsFull)
    async def full(_request: Request, exc: SessionsFull) -> JSONResponse:
        return _error(503, "busy", messages.WEB_BUSY, {"Retry-After": "30"})

    @app.exception_handler(OhloraError)
    async def ohlora_error(_request: Request, exc: OhloraError) -> JSONResponse:
        code = "bad_input" if isinstance(exc, (BadInput, ConfigError)) else "unavailable"
        return _error(400 if code == "bad_input" else 503, code, str(exc))


def create_app(
    settings: Settings,
    *,
    services: Services | None = None,
    clock: Clock | None = None,
    options: WebOptions | None = None,
    face_choices: tuple[FaceChoice, ...] | None = None,
) -> FastAPI:
    """The app. `services` (shared by all users) is built in the lifespan when not given; `clock`
    defaults to the services'. `face_choices` overrides what the picker offers (tests)."""
    options = options or WebOptions()
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from ohlora.factory import build_services

        owns_services = services is None
        the_services = services if services is not None else await anyio.to_thread.run_sync(
            lambda: build_services(settings, clock=clock)
        )
        the_clock = clock or the_services.clock
        rng = random.Random(settings.seed)
        try:
            secret = load_secret(settings.home)
            choices = face_choices if face_choices is not None else await anyio.to_thread.run_sync(
                available_choices, settings
            )
            faces = FaceCatalog(settings, choices, random.Random(rng.random()))
            registry = SessionRegistry(the_services, faces, options, random.Random(rng.random()))
            app.state.web = WebState(
                settings=settings,
                options=options,
                services=the_services,
                clock=the_clock,
                identities=Identities(secret),
                limiter=RateLimiter(the_clock.monotonic),
                faces=faces,
                sessions=registry,
                page=render_page(template),
            )
            reaper = asyncio.create_task(registry.reap_forever(options.reap_interval_s), name="ohlora-reaper")
            try:
                yield
            finally:
                reaper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reaper
                await registry.shutdown()
        finally:
            if owns_services:
                the_services.close()

    app = FastAPI(
        title=messages.WEB_APP_TITLE,
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,  # no "/static" -> "http://<Host>/static/" redirect built from the Host header
    )
    _install_handlers(app)
    app.include_router(session.router)
    app.include_router(chat.router)
    app.include_router(face.router)
    app.include_router(memory.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(ResponseHeaders)
    app.add_middleware(BodyLimit, limit=options.max_body_bytes)
    app.add_middleware(HostCheck, allowed=options.allowed_hosts)  # outermost: a foreign Host goes no further
    return app
