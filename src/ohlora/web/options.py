"""Options of the web server that are not part of `Settings` (they only matter while serving)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from ohlora import messages
from ohlora.errors import ConfigError

FRAME_CACHE = 64  # drawn face pictures a watched session keeps (~450 kB each for the 256x256 embedded face)


@dataclass(frozen=True)
class RateRule:
    """A token bucket: up to `burst` requests at once, refilled at `per_second`."""

    burst: float
    per_second: float


@dataclass(frozen=True)
class WebOptions:
    token: str | None = None  # when set, every request must carry it (required off loopback)
    # Host names requests may use besides the address they came in on (and, on loopback, 127.0.0.1,
    # localhost, [::1]): "name" (any port) or "name:port". Anything else gets 421 (DNS rebinding).
    allowed_hosts: tuple[str, ...] = ()
    max_body_bytes: int = 16 * 1024  # larger request bodies get 413
    max_text_chars: int = 1000  # a chat message longer than this is refused before the pipeline
    turn_rate: RateRule = RateRule(burst=8, per_second=1 / 3)  # chat turns per user
    api_rate: RateRule = RateRule(burst=60, per_second=5)  # every other API call per user
    new_user_rate: RateRule = RateRule(burst=30, per_second=1 / 6)  # new identities per client address
    address_turn_rate: RateRule = RateRule(burst=30, per_second=2)  # chat turns per client address, all its identities
    max_sessions: int = 64  # open sessions (one animator each); only an idle one yields to a newcomer
    max_sessions_per_address: int = 32  # open sessions opened from one client address (all its identities)
    evict_idle_s: float = 60.0  # a session with no message and no face stream for this long is idle (may yield)
    max_streams_per_user: int = 2  # face streams one identity may hold open at once
    max_streams_per_address: int = 8  # face streams one client address may hold open at once
    stream_retry_after_s: int = 10  # the Retry-After of a refused extra face stream
    fps: float = 15.0  # face frames per second sent to each viewer
    frame_cache: int = FRAME_CACHE  # drawn pictures kept per watched session (an unwatched one keeps none)
    jpeg_quality: int = 82
    reap_interval_s: float = 5.0  # how often idle sessions are looked for
    poll_s: float = 10.0  # how often the page asks for its state (block expiry, idle end)
    secure_cookies: bool = False  # always set the Secure flag (serve behind HTTPS); else only on https requests
    cookie_max_age_s: int = 180 * 24 * 3600  # an identity cookie is honoured this long after it was (re-)issued
    access_max_age_s: int = 30 * 24 * 3600  # an access cookie (token mode) likewise
    cookie_refresh_s: int = 24 * 3600  # a cookie older than this is re-issued: coming back keeps it alive
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For and -Proto are believed
    token_free_failures: int = 5  # wrong tokens an address may present before it must wait
    token_backoff_s: float = 1.0  # the first wait; it doubles with every further wrong token
    token_backoff_max_s: float = 900.0  # the longest wait
    # connections, enforced below the app by web/connections.py (the one HTTP protocol `ohlora serve` runs)
    max_connections: int = 1000  # open in all (also kept under the process's open-file limit)
    max_connections_per_address: int = 32  # per client IPv4 address or IPv6 /64 (0: none, e.g. behind a proxy)
    header_timeout_s: float = 10.0  # request line + headers not complete this long after the connection opened
    # (or after the first byte of a later request on it): 408 and closed
    body_timeout_s: float = 20.0  # request body not complete this long after its headers: 408
    idle_connection_s: float = 5.0  # a connection with no request under way (new or kept alive) is closed after this
    send_timeout_s: float = 30.0  # a client that takes none of a response for this long is dropped
    max_header_bytes: int = 16 * 1024  # request line + headers; larger: 431
    connection_retry_after_s: int = 5  # Retry-After of a connection refused at the bounds above


# --- limits an operator may change (`ohlora serve --limit NAME=VALUE`) ---------------------------------------
_LIMIT_KINDS = {"int": int, "float": float, "RateRule": RateRule}


def limit_names() -> list[str]:
    """The numeric fields of `WebOptions` (counts, sizes, seconds, rates): the server's limits."""
    return [f.name for f in fields(WebOptions) if f.type in _LIMIT_KINDS]


def _parse_limit(name: str, kind: str, value: str) -> int | float | RateRule:
    try:
        if kind == "RateRule":
            burst, per_second = (float(part) for part in value.split("/"))
            if burst < 1 or per_second < 0:
                raise ValueError(value)
            return RateRule(burst=burst, per_second=per_second)
        number = _LIMIT_KINDS[kind](value)
        if number < 0:
            raise ValueError(value)
        return number
    except ValueError:
        expected = (messages.WEB_LIMIT_EXPECTS_RATE if kind == "RateRule"
                    else messages.WEB_LIMIT_EXPECTS_NUMBER.format(kind=kind))
        raise ConfigError(messages.WEB_LIMIT_BAD_VALUE.format(name=name, value=value, expected=expected)) from None


def with_limits(options: WebOptions, pairs: Iterable[str]) -> WebOptions:
    """`options` with the limits given as "name=value" changed; unknown names and bad values are refused."""
    kinds = {f.name: f.type for f in fields(WebOptions) if f.type in _LIMIT_KINDS}
    changes: dict[str, int | float | RateRule] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ConfigError(messages.WEB_LIMIT_BAD_PAIR.format(pair=pair))
        if name not in kinds:
            raise ConfigError(messages.WEB_LIMIT_UNKNOWN.format(name=name, names=", ".join(limit_names())))
        changes[name] = _parse_limit(name, kinds[name], value)
    return replace(options, **changes)


def describe_limits(options: WebOptions) -> list[str]:
    """"name = value" for every limit, rates as burst/per_second (what `--limit` takes)."""
    lines = []
    for name in limit_names():
        value = getattr(options, name)
        if isinstance(value, RateRule):
            shown = f"{value.burst:g}/{value.per_second:.6g}"
        else:
            shown = f"{value:.6g}" if isinstance(value, float) else str(value)
        lines.append(f"{name} = {shown}")
    return lines
