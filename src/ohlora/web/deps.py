"""Dependencies: the server state, the access token, the current user (signed cookie), rate limits.

Every user-specific endpoint takes `CurrentUser`; there is no way to name another user in a
request, so no endpoint can reveal another user's data.
"""

from __future__ import annotations

import math
from http.cookies import SimpleCookie
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request

from ohlora import messages
from ohlora.web import access
from ohlora.web.middleware import SET_COOKIES_KEY
from ohlora.web.safety import same_secret, token_digest
from ohlora.web.state import WebState

USER_COOKIE = "ohlora_user"
ACCESS_COOKIE = "ohlora_access"


def get_state(request: Request) -> WebState:
    return request.app.state.web


State = Annotated[WebState, Depends(get_state)]


def api_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status, detail={"code": code, "message": message}, headers=headers)


def add_cookie(request: Request, state: WebState, name: str, value: str, max_age: int | None) -> None:
    """Queue a Set-Cookie header (added by the ResponseHeaders middleware, also to streaming responses)."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"  # sent when following a link here (Strict would mint a new identity), never on cross-site POSTs
    if max_age is not None:
        morsel["max-age"] = max_age
    if state.options.secure_cookies or is_https(request, state):
        morsel["secure"] = True
    pending = list(getattr(request.state, SET_COOKIES_KEY, ()))
    pending.append(morsel.OutputString())
    setattr(request.state, SET_COOKIES_KEY, pending)


# --- access token ------------------------------------------------------------------------------------------
def presented_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-ohlora-token")


def is_https(request: Request, state: WebState) -> bool:
    """The request came over https: directly, or as a trusted proxy says (X-Forwarded-Proto)."""
    peer = request.client.host if request.client else None
    return request.url.scheme == "https" or access.forwarded_https(peer, request.headers, state.options.trusted_proxies)


def try_token(request: Request, state: WebState, given: str | None) -> bool:
    """Whether `given` is the access token; wrong ones are counted against the client's address, and
    while that address must back off, whatever it presents gets 429 with Retry-After."""
    guard, address = state.token_guard, client_address(request)
    wait = guard.wait(address)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        error = api_error(429, "token_backoff", messages.WEB_TOKEN_BACKOFF.format(seconds=seconds),
                          {"Retry-After": str(seconds)})
        error.detail["retry_after_s"] = seconds
        raise error
    if state.options.token is not None and same_secret(given, state.options.token):
        guard.succeeded(address)
        return True
    guard.failed(address)
    return False


def has_access(request: Request, state: WebState) -> bool:
    """True when no token is required, the request carries a live access cookie of this token (one
    a day old is re-issued), or the token itself (a wrong one counts towards the back-off)."""
    token = state.options.token
    if token is None or getattr(request.state, "ohlora_access", False):
        return True
    now = state.wall_time()
    stamp = state.identities.check_access(request.cookies.get(ACCESS_COOKIE), digest=token_digest(token), now=now,
                                          max_age=state.options.access_max_age_s)
    if stamp is not None:
        if stamp.age(now) > state.options.cookie_refresh_s:
            grant_access_cookie(request, state)
    else:
        given = presented_token(request)
        if given is None or not try_token(request, state, given):
            return False
    request.state.ohlora_access = True
    return True


def require_access(request: Request, state: State) -> None:
    if not has_access(request, state):
        raise api_error(401, "token_required", messages.WEB_TOKEN_REQUIRED, {"WWW-Authenticate": "Bearer"})


def grant_access_cookie(request: Request, state: WebState) -> None:
    token = state.options.token
    if token is not None:
        cookie = state.identities.sign_access(token_digest(token), state.wall_time())
        add_cookie(request, state, ACCESS_COOKIE, cookie, state.options.access_max_age_s)


def same_origin(request: Request) -> None:
    """State-changing requests from another site's page are refused (with SameSite cookies, twice safe)."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")
    if urlsplit(origin).netloc.lower() != host.lower():
        raise api_error(403, "cross_origin", messages.WEB_FORBIDDEN_ORIGIN)


def require_json(request: Request) -> None:
    """POST/DELETE bodies must be JSON: a plain HTML form from another site cannot send that."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise api_error(415, "need_json", messages.WEB_NEED_JSON)


# --- identity ------------------------------------------------------------------------------------------------
def client_address(request: Request) -> str:
    """The client's address: the peer's, or the one a trusted proxy (`--trusted-proxy`) names."""
    peer = request.client.host if request.client else None
    return access.client_address(peer, request.headers, get_state(request).options.trusted_proxies)


def retry_error(code: str, template: str, wait: float, status: int = 429) -> HTTPException:
    """A refusal that says when to try again: `{seconds}` in the message, Retry-After, `retry_after_s`."""
    seconds = max(1, math.ceil(wait))
    error = api_error(status, code, template.format(seconds=seconds), {"Retry-After": str(seconds)})
    error.detail["retry_after_s"] = seconds
    return error


def current_user(request: Request, state: State) -> str:
    """The store user id of this browser; a new `web-…` id (and cookie) when it has none, or its cookie
    is older than `cookie_max_age_s`; a cookie a day old is re-issued (the user stays who they are)."""
    user = getattr(request.state, "ohlora_user", None)
    if user is not None:
        return user
    now = state.wall_time()
    stamp = state.identities.check_user(request.cookies.get(USER_COOKIE), now=now, max_age=state.options.cookie_max_age_s)
    if stamp is not None:
        user = stamp.value
        if stamp.age(now) > state.options.cookie_refresh_s:
            add_cookie(request, state, USER_COOKIE, state.identities.sign_user(user, now), state.options.cookie_max_age_s)
    if user is None:
        wait = state.limiter.take(("new-user", client_address(request)), state.options.new_user_rate)
        if wait:
            raise retry_error("too_many_new_users", messages.WEB_NEW_USERS_LIMITED, wait)
        user = state.identities.new_user()
        add_cookie(request, state, USER_COOKIE, state.identities.sign_user(user, now), state.options.cookie_max_age_s)
    request.state.ohlora_user = user
    return user


CurrentUser = Annotated[str, Depends(current_user)]


def api_rate(request: Request, state: State, user: CurrentUser) -> None:
    wait = state.limiter.take(("api", user), state.options.api_rate)
    if wait:
        raise retry_error("rate_limited", messages.WEB_RATE_LIMITED, wait)


def turn_rate(request: Request, state: State, user: CurrentUser) -> None:
    """The user's own turn bucket and the one its client address shares with all its identities
    (many identities from one address do not multiply the turn rate); a token from both or none."""
    options = state.options
    wait = state.limiter.take_all(((("turn", user), options.turn_rate),
                                   (("turn-address", client_address(request)), options.address_turn_rate)))
    if wait:
        raise retry_error("rate_limited", messages.WEB_RATE_LIMITED, wait)
