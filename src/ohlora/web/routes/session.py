"""The page, the health check, and what this browser's user should see now (`/api/state`)."""

from __future__ import annotations

import html

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ohlora import __version__, messages
from ohlora.web.deps import (
    CurrentUser,
    State,
    api_rate,
    current_user,
    grant_access_cookie,
    has_access,
    require_access,
    try_token,
)
from ohlora.web.routes.common import block_info

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def page(request: Request, state: State, token: str | None = Query(None, max_length=256)) -> Response:
    if token is not None:
        try:  # wrong tokens count against the address; while it must back off, 429
            granted = state.options.token is not None and try_token(request, state, token)
        except HTTPException as refused:
            text = refused.detail["message"] if isinstance(refused.detail, dict) else str(refused.detail)
            return HTMLResponse(f"<!doctype html><meta charset=utf-8><p>{html.escape(text)}</p>", 429,
                                headers=refused.headers)
        if granted:
            grant_access_cookie(request, state)
            return RedirectResponse("/", status_code=303)  # the token leaves the address bar
        return HTMLResponse(f"<!doctype html><meta charset=utf-8><p>{messages.WEB_TOKEN_REQUIRED}</p>", 401)
    if not has_access(request, state):
        return HTMLResponse(f"<!doctype html><meta charset=utf-8><p>{messages.WEB_TOKEN_REQUIRED}</p>", 401)
    current_user(request, state)  # a new browser gets its identity cookie with the page
    return Response(state.page, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


@router.get("/api/health")
async def health(state: State) -> dict:
    """Liveness for monitors: no user data, no token needed."""
    return {"status": "ok", "version": __version__, "sessions": len(state.sessions.sessions)}


@router.get("/api/state", dependencies=[Depends(require_access), Depends(api_rate)])
async def user_state(state: State, user: CurrentUser) -> JSONResponse:
    """Blocked or not (with expiry and reason), the session's status, why it ended, the setup."""
    session = state.sessions.get(user)
    ended = state.sessions.ended.get(user) if session is None else None
    body = {
        "blocked": await block_info(state, user),
        "session": None if session is None else {
            "status": session.face_status(),
            "face": session.face_id,
            "turns": session.turns,
        },
        "ended": None if ended is None else {"reason": ended.reason, "message": ended.message},
        "backend": state.services.backend(),
        "choices": state.services.describe_choices(),
        "fps": state.options.fps,
        "poll_s": state.options.poll_s,
        "idle_timeout_s": state.settings.idle_timeout_s,
        "max_text_chars": state.options.max_text_chars,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
