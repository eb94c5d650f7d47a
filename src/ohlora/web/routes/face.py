"""The live face: an MJPEG stream for an <img>, single frames, and the face picker.

Each viewer gets frames at `options.fps`; viewers of the same session (two tabs) share one
encode per tick. A viewer that falls behind skips ticks instead of queueing them, so the
animation stays in real time. The stream ends when the session closes (idle, blocked); when the
last stream of a session ends, its face is parked (no render thread, no pictures kept).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel

from ohlora import messages
from ohlora.errors import ConfigError, OhloraError
from ohlora.web.deps import CurrentUser, State, api_error, api_rate, require_access, require_json, same_origin
from ohlora.web.faces import EMBEDDED
from ohlora.web.frames import MJPEG_MEDIA_TYPE, mjpeg_part
from ohlora.web.routes.common import refuse_if_blocked
from ohlora.web.sessions import SessionClosed, SessionsFull, WebSession
from ohlora.web.state import WebState

router = APIRouter(dependencies=[Depends(require_access)])
log = logging.getLogger("ohlora.web")
NO_STORE = {"Cache-Control": "no-store"}


async def _viewer_session(state: WebState, user: str) -> WebSession:
    """The user's session with its face running; a face that fails to load falls back to the embedded one."""
    await refuse_if_blocked(state, user)
    for _ in range(3):  # a session closed between opening and starting its face is opened again
        session = await state.sessions.open(user)
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


@router.get("/api/face/stream", dependencies=[Depends(api_rate)])
async def stream(state: State, user: CurrentUser, frames: int | None = Query(None, ge=1, le=100_000)) -> Response:
    session = await _viewer_session(state, user)
    registry = state.sessions
    period = 1.0 / max(0.5, state.options.fps)

    async def parts() -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        sent = 0
        next_at = loop.time()
        registry.watching(session)
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
            registry.left(session)  # the last viewer to leave parks the face (no await here: may be cancelled)

    return StreamingResponse(parts(), media_type=MJPEG_MEDIA_TYPE, headers=NO_STORE)


@router.get("/api/face/frame.jpg", dependencies=[Depends(api_rate)])
async def frame(state: State, user: CurrentUser) -> Response:
    session = await _viewer_session(state, user)
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
async def pick_face(body: FaceIn, state: State, user: CurrentUser) -> JSONResponse:
    try:
        state.faces.choice(body.id)
    except ConfigError as exc:
        raise api_error(400, "unknown_face", str(exc)) from exc
    await refuse_if_blocked(state, user)
    session = await state.sessions.open(user)
    try:
        await state.sessions.switch_face(session, body.id)
    except OhloraError as exc:
        raise api_error(503, "face_failed", messages.WEB_FACE_FAILED.format(detail=exc)) from exc
    return JSONResponse({"current": session.face_id})
