"""The live face: an MJPEG stream for an <img>, single frames, and the face picker.

Each viewer gets frames at `options.fps`; viewers of the same session (two tabs) share one
encode per tick. A viewer that falls behind skips ticks instead of queueing them, so the
animation stays in real time. The stream ends when the session closes (idle, blocked); when the
last stream of a session ends, its face is parked (no render thread, no pictures kept).

One identity may hold `options.max_streams_per_user` streams and one client address
`options.max_streams_per_address`: an extra one gets 429 with Retry-After (the others go on).
A server full of active sessions answers 503 with Retry-After (no active session is evicted).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send

from ohlora import messages
from ohlora.errors import ConfigError, OhloraError
from ohlora.web.deps import (
    CurrentUser,
    State,
    api_error,
    api_rate,
    client_address,
    require_access,
    require_json,
    retry_error,
    same_origin,
)
from ohlora.web.faces import EMBEDDED
from ohlora.web.frames import MJPEG_MEDIA_TYPE, mjpeg_part
from ohlora.web.routes.common import open_session, refuse_if_blocked
from ohlora.web.sessions import SessionClosed, SessionsFull, StreamLease, TooManyStreams, WebSession
from ohlora.web.state import WebState

router = APIRouter(dependencies=[Depends(require_access)])
log = logging.getLogger("ohlora.web")
NO_STORE = {"Cache-Control": "no-store"}


async def _viewer_session(state: WebState, user: str, address: str) -> WebSession:
    """The user's session with its face running; a face that fails to load falls back to the embedded one."""
    await refuse_if_blocked(state, user)
    for _ in range(3):  # a session closed between opening and starting its face is opened again
        session = await open_session(state, user, address)
        session.mark_active()  # not idle while its face starts (no newcomer takes its slot meanwhile)
        try:
            await state.sessions.ensure_face(session)
        except SessionClosed:
            continue
        except OhloraError as exc:
            if session.face_id == EMBEDDED:
                raise
            log.warning("face %s failed for %s: %s", session.face_id, user, exc)
            session.face_id = EMBEDDED
            await state.sessions.ensure_face(session)
        return session
    raise SessionsFull(messages.WEB_BUSY)


class LeasedStream(StreamingResponse):
    """A streaming response that gives its stream slot back however it ends (even never started)."""

    def __init__(self, content: AsyncIterator[bytes], lease: StreamLease, **kwargs) -> None:
        super().__init__(content, **kwargs)
        self.lease = lease

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.lease.release()


@router.get("/api/face/stream", dependencies=[Depends(api_rate)])
async def stream(request: Request, state: State, user: CurrentUser,
                 frames: int | None = Query(None, ge=1, le=100_000)) -> Response:
    registry = state.sessions
    try:
        lease = registry.claim_stream(user, client_address(request))
    except TooManyStreams as exc:
        raise retry_error("too_many_streams", messages.WEB_STREAMS_LIMITED, exc.retry_after_s) from None
    try:
        session = await _viewer_session(state, user, lease.address)
    except BaseException:
        lease.release()
        raise
    lease.attach(session)  # watched from now on: never evicted while the stream lasts
    period = 1.0 / max(0.5, state.options.fps)

    async def parts() -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        sent = 0
        next_at = loop.time()
        try:
            while not session.closed and (frames is None or sent < frames):
                try:
                    jpeg = await registry.frame(session)
                except SessionClosed:  # the session closed while this frame was asked for
                    return
                yield mjpeg_part(jpeg)
                sent += 1
                next_at += period
                delay = next_at - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                else:
                    next_at = loop.time()  # late: skip the missed ticks
        finally:
            lease.release()  # the last viewer to leave parks the face (no await here: may be cancelled)

    return LeasedStream(parts(), lease, media_type=MJPEG_MEDIA_TYPE, headers=NO_STORE)


@router.get("/api/face/frame.jpg", dependencies=[Depends(api_rate)])
async def frame(request: Request, state: State, user: CurrentUser) -> Response:
    session = await _viewer_session(state, user, client_address(request))
    try:
        jpeg = await state.sessions.frame(session)
    except SessionClosed as exc:
        raise api_error(409, "session_closed", messages.WEB_INTERNAL) from exc
    return Response(jpeg, media_type="image/jpeg", headers=NO_STORE)


@router.get("/api/faces", dependencies=[Depends(api_rate)])
async def faces(state: State, user: CurrentUser) -> JSONResponse:
    session = state.sessions.get(user)
    current = session.face_id if session is not None else None
    return JSONResponse({"current": current, "choices": [c.to_dict() for c in state.faces.choices]}, headers=NO_STORE)


class FaceIn(BaseModel):
    id: str


@router.post("/api/face", dependencies=[Depends(api_rate), Depends(same_origin), Depends(require_json)])
async def pick_face(body: FaceIn, request: Request, state: State, user: CurrentUser) -> JSONResponse:
    try:
        state.faces.choice(body.id)
    except ConfigError as exc:
        raise api_error(400, "unknown_face", str(exc)) from exc
    await refuse_if_blocked(state, user)
    session = await open_session(state, user, client_address(request))
    session.mark_active()
    try:
        await state.sessions.switch_face(session, body.id)
    except OhloraError as exc:
        raise api_error(503, "face_failed", messages.WEB_FACE_FAILED.format(detail=exc)) from exc
    return JSONResponse({"current": session.face_id})
