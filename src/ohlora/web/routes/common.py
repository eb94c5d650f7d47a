"""Small helpers the routers share: the user's active block, as the browser sees it; opening a session."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import anyio

from ohlora import messages
from ohlora.web.deps import api_error, retry_error
from ohlora.web.sessions import SessionsFull, WebSession
from ohlora.web.state import WebState


async def block_info(state: WebState, user: str) -> dict[str, Any] | None:
    """The block in force for this user (expiry, reasons, the refusal text), or None."""
    now = state.clock.now()
    block = await anyio.to_thread.run_sync(state.services.sanctions.active, user, now)
    if block is None:
        return None
    rows = await anyio.to_thread.run_sync(state.services.sanctions.history, user)
    period = max((r.period_s for r in rows if r.period_s > 0 and r.until == block.until), default=0)
    until = datetime.fromtimestamp(block.until)  # the server's local time, for `until_text` and `message`
    return {
        # an instant with its offset: the page shows it in the browser's own time zone
        "until": datetime.fromtimestamp(block.until, timezone.utc).isoformat(timespec="seconds"),
        "until_text": until.strftime("%Y.%m.%d %H:%M:%S"),
        "seconds_left": max(0, int(block.until - now.timestamp())),
        "reasons": list(block.reasons),
        "reason_text": ", ".join(messages.BLOCK_REASONS[r] for r in block.reasons),
        "message": messages.start_refused(until, list(block.reasons)),
        "detail": messages.block(list(block.reasons), period) if period else None,
    }


async def refuse_if_blocked(state: WebState, user: str) -> None:
    info = await block_info(state, user)
    if info is not None:
        error = api_error(403, "blocked", info["message"])
        error.detail["block"] = info
        raise error


async def open_session(state: WebState, user: str, address: str) -> WebSession:
    """The user's session, opened if needed; a server (or address) full of active sessions is a 503
    that says when to come back (Retry-After, `retry_after_s`): nobody active is evicted for it."""
    try:
        return await state.sessions.open(user, address)
    except SessionsFull as exc:
        raise retry_error(exc.code, exc.template, exc.retry_after_s, status=503) from None
