"""Network-safety rules of `ohlora serve`: where it may listen, and the access token.

Binding to loopback needs nothing. Any other address (0.0.0.0, a LAN address, a host name) is
refused unless the operator asks for it with `--allow-remote` *and* gives an access token, which
every request must then carry.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re

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


# --- the Host header ------------------------------------------------------------------------------------
# A page on another site can make a browser send requests here under the attacker's own host name
# (DNS rebinding: evil.example first resolves to the attacker, then to 127.0.0.1). Such a request
# is same-origin for the browser, so only the Host header tells it apart: it must name this server.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_.-]{0,251}[a-z0-9_.])?")
_PORT = re.compile(r"[0-9]{1,5}")


def _normal_name(name: str) -> str | None:
    """A host name or address as compared: lower case, no brackets or final dot; None when malformed."""
    name = name.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        try:
            return ipaddress.IPv6Address(name[1:-1]).compressed
        except ValueError:
            return None
    if ":" in name:  # a bare IPv6 address (the ASGI server address is written that way)
        try:
            return ipaddress.IPv6Address(name).compressed
        except ValueError:
            return None
    name = name[:-1] if name.endswith(".") else name
    return name if _HOST_NAME.fullmatch(name) else None


def parse_host(value: str) -> tuple[str, int | None] | None:
    """A Host header (or an `--allowed-host` entry) as (name, port or None); None when malformed."""
    value = value.strip()
    if not value or len(value) > 260:
        return None
    port: int | None = None
    if value.startswith("["):
        end = value.find("]")
        host, rest = value[: end + 1], value[end + 1 :]
        if end < 0 or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:] if rest else None
    elif value.count(":") == 1:
        host, port_text = value.split(":")
    else:
        host, port_text = value, None
    if port_text is not None:
        if not _PORT.fullmatch(port_text) or not 0 < int(port_text) <= 65535:
            return None
        port = int(port_text)
    name = _normal_name(host)
    return None if name is None else (name, port)


def check_allowed_host(entry: str) -> str:
    """An `--allowed-host` value checked (NAME or NAME:PORT), as given; ConfigError when malformed."""
    if parse_host(entry) is None:
        raise ConfigError(messages.SERVE_BAD_ALLOWED_HOST.format(entry=entry))
    return entry.strip()


def host_allowed(
    header: str | None, server: tuple[str, int | None] | None, allowed: tuple[str, ...] = (), *, https: bool = False
) -> bool:
    """True when a request's Host header names this server.

    `server` is the address the request came in on (the ASGI scope's "server"). Allowed are: that
    address with its port; for a loopback address, also 127.0.0.1, localhost and [::1] with that
    port; and every `allowed` entry (NAME matches any port, NAME:PORT only that port). Without a
    server address (a Unix socket), the loopback names are allowed on any port.
    """
    parsed = parse_host(header) if header else None
    if parsed is None:
        return False
    name, port = parsed
    port = port if port is not None else (443 if https else 80)
    if server is None or not server[0]:
        if name in LOOPBACK_HOSTS:
            return True
    elif server[1] is None or int(server[1]) == port:
        server_name = _normal_name(str(server[0]))
        if server_name is not None and (name == server_name or (is_loopback(server_name) and name in LOOPBACK_HOSTS)):
            return True
    for entry in allowed:
        wanted = parse_host(entry)
        if wanted is not None and wanted[0] == name and (wanted[1] is None or wanted[1] == port):
            return True
    return False


def allowed_hosts_text(server: tuple[str, int | None] | None, allowed: tuple[str, ...] = ()) -> str:
    """The host names a request may use, for the refusal message."""

    def show(name: str, port: int | None) -> str:
        shown = f"[{name}]" if ":" in name else name
        return shown if port is None else f"{shown}:{port}"

    names: list[str] = []
    server_name = _normal_name(str(server[0])) if server is not None and server[0] else None
    port = None if server is None or server[1] is None else int(server[1])
    if server_name is None or is_loopback(server_name):
        names += [show(n, port) for n in ("127.0.0.1", "localhost", "::1")]
    if server_name is not None and server_name not in LOOPBACK_HOSTS:
        names.append(show(server_name, port))
    names += [entry.strip() for entry in allowed]
    return ", ".join(dict.fromkeys(names))


def allowed_host_list(bind_host: str, extra: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The `allowed_hosts` of `ohlora serve --host BIND --allowed-host …`: each entry checked (a
    comma or space separated list counts as several), plus the bound name itself when it is a name
    (a request that comes in on a socket bound by name carries that name, not the address)."""
    entries = [part for item in extra for part in re.split(r"[\s,]+", item) if part]
    checked = [check_allowed_host(entry) for entry in entries]
    if bind_host.strip() not in ("", "0.0.0.0", "::", "[::]"):
        checked.insert(0, bind_host.strip())
    return tuple(dict.fromkeys(checked))
