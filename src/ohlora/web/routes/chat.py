"""Chat: one turn per request, streamed as NDJSON events while it happens.

Events, one JSON object per line:
  {"type": "start"}                          the turn began (this user's earlier turn is done)
  {"type": "draft", "trial": n, "text": …}   the answer so far, where the backend streams
  {"type": "reply", "result": {…}}           the answer can be shown (memory and summary still run)
  {"type": "done", "result": {…}}            the whole turn, with what was remembered
  {"type": "error", "message": …}

`?stream=false` answers with one JSON object {"events": [...], "result": {...}} instead.
The turn keeps running if the browser goes away; its result is stored either way.

Turns are limited per identity and per client address (all its identities together). The
session is opened before the answer starts, so a server full of active sessions is a plain 503
with Retry-After rather than an error event.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel

from ohlora import messages
from ohlora.conversation.result import TurnResult
from ohlora.errors import OhloraError
from ohlora.web.deps import (
    CurrentUser,
    State,
    api_error,
    api_rate,
    client_address,
    require_access,
    require_json,
    same_origin,
    turn_rate,
)
from ohlora.web.routes.common import block_info, open_session, refuse_if_blocked
from ohlora.web.sessions import WebSession, history_entry, public_result
from ohlora.web.state import WebState

router = APIRouter(dependencies=[Depends(require_access)])
log = logging.getLogger("ohlora.web")
_END = object()


class ChatIn(BaseModel):
    text: str


async def _locked_session(state: WebState, user: str, address: str) -> WebSession:
    """This user's open session with its turn lock held (a session closed meanwhile is replaced)."""
    while True:
        session = await state.sessions.open(user, address)
        await session.turn_lock.acquire()
        if not session.closed:
            return session
        session.turn_lock.release()


async def _run(state: WebState, user: str, address: str, text: str, queue: asyncio.Queue) -> None:
    loop = asyncio.get_running_loop()

    def emit(event: dict[str, Any]) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, event)

    try:
        session = await _locked_session(state, user, address)
    except Exception as exc:  # e.g. every session slot busy
        queue.put_nowait({"type": "error", "message": str(exc) or messages.WEB_INTERNAL})
        queue.put_nowait(_END)
        return
    try:
        queue.put_nowait({"type": "start"})
        result = await anyio.to_thread.run_sync(session.run_turn, text, emit)
        done: dict[str, Any] = {"type": "done", "result": public_result(result)}
        if result.blocked:
            done["block"] = await block_info(state, user)
            await state.sessions.close(user, "blocked", result.system_message)
        queue.put_nowait(done)
    except OhloraError as exc:
        queue.put_nowait({"type": "error", "message": str(exc)})
    except Exception:
        log.exception("turn failed for %s", user)
        queue.put_nowait({"type": "error", "message": messages.WEB_INTERNAL})
    finally:
        session.turn_lock.release()
        queue.put_nowait(_END)


async def _events(queue: asyncio.Queue) -> AsyncIterator[dict[str, Any]]:
    while True:
        event = await queue.get()
        if event is _END:
            return
        yield event


@router.post("/api/chat", dependencies=[Depends(same_origin), Depends(require_json)])
async def chat(body: ChatIn, request: Request, state: State, user: CurrentUser, _rate: None = Depends(turn_rate),
               stream: bool = Query(True)) -> Response:
    if len(body.text) > state.options.max_text_chars:
        raise api_error(413, "too_long", messages.TOO_LONG)
    await refuse_if_blocked(state, user)
    address = client_address(request)
    (await open_session(state, user, address)).mark_active()  # a full server: 503 before anything starts
    queue: asyncio.Queue = asyncio.Queue()
    state.sessions.track(asyncio.create_task(_run(state, user, address, body.text, queue), name=f"ohlora-turn-{user}"))
    if not stream:
        events = [event async for event in _events(queue)]
        final = next((e for e in reversed(events) if e["type"] in ("done", "error")), None)
        return JSONResponse({"events": events, "result": final.get("result") if final else None,
                             "error": final.get("message") if final and final["type"] == "error" else None})

    async def lines() -> AsyncIterator[bytes]:
        async for event in _events(queue):
            yield (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")

    return StreamingResponse(lines(), media_type="application/x-ndjson",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/api/history", dependencies=[Depends(api_rate)])
async def history(state: State, user: CurrentUser, limit: int = Query(30, ge=1, le=200)) -> JSONResponse:
    """This user's latest turns (oldest first), to show the conversation again after a reload."""
    turns = await anyio.to_thread.run_sync(state.services.store.turns, user, limit)
    shown = [history_entry(TurnResult.from_dict(t)) for t in turns]
    return JSONResponse({"turns": shown}, headers={"Cache-Control": "no-store"})
