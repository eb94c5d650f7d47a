"""The access token of `ohlora serve --allow-remote`: where it comes from, whether it is hard enough
to guess, and the back-off that makes guessing it slow.

The token comes from `OHLORA_WEB_TOKEN`, from a file (`--token-file`, its first line) or, visible
to every user of the machine in `ps`, from `--token`; exactly one of them. `estimated_bits` scores
how guessable it is; `TokenGuard` makes an address that keeps presenting wrong tokens wait longer
and longer; `client_address` / `forwarded_https` read a trusted reverse proxy's headers.
"""

from __future__ import annotations

import ipaddress
import math
import string
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ohlora import messages
from ohlora.errors import ConfigError

MIN_TOKEN_BITS = 64.0
TOKEN_RECIPE = 'python -c "import secrets; print(secrets.token_urlsafe(24))"'
TOKEN_ENV = "OHLORA_WEB_TOKEN"


_CLASSES = (  # (characters, how many there are): the alphabet a guesser must try for each class used
    (frozenset(string.ascii_lowercase), 26),
    (frozenset(string.ascii_uppercase), 26),
    (frozenset(string.digits), 10),
    (frozenset(string.punctuation), 32),
)
_OTHER_CLASS = 100  # anything else (Hangul, other scripts): a generous guess of the alphabet


def estimated_bits(token: str) -> float:
    """A conservative estimate of how many bits a guesser must cover to find `token`.

    Each character is worth log2 of an alphabet: that of the character classes the token uses
    (a-z, A-Z, 0-9, punctuation, other), but at most twice the number of distinct characters in it
    (a token of few different characters is drawn from few). A character that merely repeats or
    continues the one before it (`aa`, `ab`, `ba`), or repeats three characters seen earlier
    (`abcabc`, `Passw0rd!Passw0rd!`), is worth one bit. `aaaa…`, `abab…` and `1234567890123456` score
    far below `MIN_TOKEN_BITS`; a `secrets.token_urlsafe(16)` (22 characters) scores about 110, and
    never below 80 in 200,000 seeded tries.
    """
    if not token:
        return 0.0
    pool = 0
    used = set(token)
    for members, size in _CLASSES:
        if used & members:
            pool += size
    if any(not any(ch in members for members, _ in _CLASSES) for ch in used):
        pool += _OTHER_CLASS
    alphabet = min(pool, 2 * len(used))
    if len(used) < 2:
        return 0.0
    per_char = math.log2(alphabet)
    bits = per_char  # the first character
    for i in range(1, len(token)):
        ch, before = token[i], token[i - 1]
        repeats = i >= 3 and token[i - 2 : i + 1] in token[: i]
        bits += 1.0 if abs(ord(ch) - ord(before)) <= 1 or repeats else per_char
    return bits


def read_token_file(path: Path) -> str:
    """The first line of a token file, stripped; a clear error when it cannot be read or is empty."""
    try:
        with Path(path).open(encoding="utf-8") as f:
            first = f.readline(4096)
    except (OSError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(messages.SERVE_TOKEN_FILE_BAD.format(path=path, detail=detail)) from None
    token = first.strip()
    if not token:
        raise ConfigError(messages.SERVE_TOKEN_FILE_EMPTY.format(path=path))
    return token


def pick_token(*, from_env: str | None, from_file: Path | None, from_argv: str | None) -> str | None:
    """The one token given (environment, file or command line); more than one is an error."""
    given = [name for name, value in (("OHLORA_WEB_TOKEN", from_env), ("--token-file", from_file),
                                      ("--token", from_argv)) if value is not None and str(value).strip()]
    if len(given) > 1:
        raise ConfigError(messages.SERVE_TOKEN_TWICE.format(sources=", ".join(given)))
    if from_file is not None:
        return read_token_file(from_file)
    return from_env if from_env is not None and from_env.strip() else from_argv


def address_key(address: str) -> str:
    """Who a failed token attempt is counted against: the address, or for IPv6 its /64 network
    (one machine usually owns a whole /64, so counting single addresses would be no limit)."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def is_trusted(address: str, proxies: tuple[str, ...]) -> bool:
    """True when `address` is one of the trusted proxies (addresses or networks like 10.0.0.0/8)."""
    if not proxies:
        return False
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    for proxy in proxies:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def check_proxies(proxies: tuple[str, ...]) -> tuple[str, ...]:
    """`--trusted-proxy` values must be addresses or networks (no host names: they can change)."""
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy.strip("[]"), strict=False)
        except ValueError:
            raise ConfigError(messages.SERVE_PROXY_BAD.format(proxy=proxy)) from None
    return tuple(p.strip("[]") for p in proxies)


@dataclass
class _Failures:
    count: int
    last: float


class TokenGuard:
    """Per-address back-off on wrong tokens.

    After `free` wrong tokens from an address, it must wait `base_s` after its last failure before
    it may present a token again, twice as long after each further failure (at most `max_s`); what
    it presents meanwhile is not even looked at, so the wait cannot be used to guess. A right token
    clears the record; a record is forgotten `forget_s` after the last failure. At most `max_keys`
    addresses are remembered (the least recently failing go first).
    """

    def __init__(self, now: Callable[[], float], *, free: int = 5, base_s: float = 1.0, max_s: float = 900.0,
                 forget_s: float = 3600.0, max_keys: int = 10_000):
        self._now = now
        self.free, self.base_s, self.max_s, self.forget_s, self.max_keys = free, base_s, max_s, forget_s, max_keys
        self._failures: OrderedDict[str, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def _delay(self, count: int) -> float:
        extra = count - self.free  # 0 right after the last free failure
        if extra < 0:
            return 0.0
        return min(self.max_s, self.base_s * 2.0 ** min(extra, 64))

    def wait(self, address: str) -> float:
        """Seconds `address` must still wait before a token it presents is even looked at (0: go)."""
        now = self._now()
        key = address_key(address)
        with self._lock:
            record = self._failures.get(key)
            if record is None:
                return 0.0
            if now - record.last >= self.forget_s:
                del self._failures[key]
                return 0.0
            return max(0.0, record.last + self._delay(record.count) - now)

    def failed(self, address: str) -> None:
        now = self._now()
        key = address_key(address)
        with self._lock:
            record = self._failures.get(key)
            if record is None or now - record.last >= self.forget_s:
                record = self._failures[key] = _Failures(0, now)
            record.count += 1
            record.last = now
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address_key(address), None)

    def __len__(self) -> int:
        return len(self._failures)


def client_address(peer: str | None, headers: Mapping[str, str], proxies: tuple[str, ...]) -> str:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the nearest address
    in X-Forwarded-For that is not itself a trusted proxy (the ones before it could be forged)."""
    address = peer or "?"
    if not is_trusted(address, proxies):
        return address
    hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, proxies):
            return hop
    return address


def forwarded_https(peer: str | None, headers: Mapping[str, str], proxies: tuple[str, ...]) -> bool:
    """True when a trusted proxy says (X-Forwarded-Proto) that the client came over https."""
    if not is_trusted(peer or "?", proxies):
        return False
    protos = [p.strip().lower() for p in headers.get("x-forwarded-proto", "").split(",") if p.strip()]
    return bool(protos) and protos[-1] == "https"
