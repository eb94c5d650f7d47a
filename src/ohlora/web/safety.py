"""Network-safety rules of `ohlora serve`: where it may listen, and the access token.

Binding to loopback needs nothing. Any other address (0.0.0.0, a LAN address, a host name) is
refused unless the operator asks for it with `--allow-remote` *and* gives an access token, which
every request must then carry.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from ohlora import messages
from ohlora.errors import ConfigError
from ohlora.web.access import MIN_TOKEN_BITS, TOKEN_RECIPE, estimated_bits

MIN_TOKEN_CHARS = 16
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and the usual names of this machine; everything else is remote."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_token(token: str | None) -> str | None:
    """The token stripped, or None when none is given; a token must be long, without spaces and hard
    to guess (at least `MIN_TOKEN_BITS` by `estimated_bits`)."""
    if token is None or not token.strip():
        return None
    token = token.strip()
    if len(token) < MIN_TOKEN_CHARS or any(ch.isspace() for ch in token):
        raise ConfigError(messages.SERVE_TOKEN_SHORT.format(minimum=MIN_TOKEN_CHARS, recipe=TOKEN_RECIPE))
    if estimated_bits(token) < MIN_TOKEN_BITS:
        raise ConfigError(messages.SERVE_TOKEN_WEAK.format(recipe=TOKEN_RECIPE))
    return token


def check_bind(host: str, port: int, *, allow_remote: bool, token: str | None) -> str | None:
    """Refuse an unsafe listening address; return the (checked) token the server must require."""
    if not 1 <= int(port) <= 65535:
        raise ConfigError(messages.SERVE_BAD_PORT.format(port=port))
    token = check_token(token)
    if is_loopback(host):
        return token
    if not allow_remote:
        raise ConfigError(messages.SERVE_REMOTE_REFUSED.format(host=host))
    if token is None:
        raise ConfigError(messages.SERVE_TOKEN_MISSING)
    return token


def token_digest(token: str) -> str:
    """What the access cookie stores: a digest, never the token itself."""
    return hashlib.sha256(("ohlora-web-access:" + token).encode("utf-8")).hexdigest()


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison (no early exit on the first differing character)."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
