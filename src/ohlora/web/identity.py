"""Who is who: a per-home secret and signed cookies that carry a store user id like `web-3f9c…`.

The secret lives in `<home>/web_secret`, created once with mode 0600 (never world-readable). A
cookie that does not verify (tampered, signed by another home's secret) is simply ignored and
the browser gets a new identity: nobody can claim another user's id without the secret.

Every cookie carries the time it was issued (seconds, from the app's clock) and is honoured only
for a maximum age; the app re-issues it once it is a day old, so a user who comes back within the
maximum age keeps their identity for good (a sliding expiry). Access cookies (token mode) also
carry a digest of the token (a new token shuts out every old cookie) and a random nonce: each
client's is its own.

Identity cookies from before cookies carried a time are still read (`Stamped.issued` is None) and
re-issued at once, so nobody loses their memories in the upgrade; old access cookies are not.
"""

from __future__ import annotations

import hmac
import math
import os
import re
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from ohlora import messages
from ohlora.errors import CorruptData

SECRET_FILE = "web_secret"
USER_PREFIX = "web-"
_USER_RE = re.compile(r"^web-[0-9a-f]{16}\Z")  # \Z: "$" would let a trailing newline through


def load_secret(home: Path) -> str:
    """Read `<home>/web_secret`, creating it (0600, 256 random bits) on first use."""
    path = home / SECRET_FILE
    home.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)  # someone loosened it: the secret must stay private
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptData(messages.SERVE_SECRET_BAD.format(path=path, detail=exc)) from exc
    if len(secret) < 32:
        raise CorruptData(messages.SERVE_SECRET_BAD.format(path=path, detail=messages.SERVE_SECRET_TOO_SHORT))
    return secret


_USER_SALT = "ohlora-user"
_ACCESS_SALT = "ohlora-access-v2"  # v1 held only the token digest, the same for every client


@dataclass(frozen=True)
class Stamped:
    """What a verified cookie says: its value and when it was issued (None: an old, untimed cookie)."""

    value: str
    issued: float | None

    def age(self, now: float) -> float:
        """Seconds since it was issued (an untimed cookie is infinitely old; a future one is new)."""
        return math.inf if self.issued is None else max(0.0, now - self.issued)


@dataclass(frozen=True)
class Identities:
    """Signs and verifies the identity and access cookies with the home's secret.

    Times are passed in (`now`, seconds since the epoch from the app's clock), never read here."""

    secret: str

    def _serializer(self, salt: str) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt=salt)

    @staticmethod
    def new_user() -> str:
        return USER_PREFIX + secrets.token_hex(8)

    def _load(self, salt: str, cookie: str | None) -> object:
        """The signed payload of a cookie, or None (absent or forged)."""
        if not cookie:
            return None
        try:
            return self._serializer(salt).loads(cookie)
        except BadSignature:
            return None

    @staticmethod
    def _stamped(payload: object) -> Stamped | None:
        if not isinstance(payload, dict):
            return None
        value, issued = payload.get("v"), payload.get("t")
        if not isinstance(value, str) or not isinstance(issued, (int, float)) or isinstance(issued, bool):
            return None
        return Stamped(value, float(issued))

    # --- identity ---------------------------------------------------------------------------------------
    def sign_user(self, user: str, now: float | None = None) -> str:
        """An identity cookie for `user`, issued at `now` (default: this machine's wall clock)."""
        issued = time.time() if now is None else now
        return self._serializer(_USER_SALT).dumps({"v": user, "t": int(issued)})

    def user_stamp(self, cookie: str | None) -> Stamped | None:
        """The user id and issue time of a genuine identity cookie (any age), else None."""
        payload = self._load(_USER_SALT, cookie)
        stamped = Stamped(payload, None) if isinstance(payload, str) else self._stamped(payload)
        return stamped if stamped is not None and _USER_RE.match(stamped.value) else None

    def check_user(self, cookie: str | None, *, now: float, max_age: float) -> Stamped | None:
        """`user_stamp`, when the cookie is not older than `max_age` (an untimed old cookie passes once:
        the caller re-issues it, `Stamped.age` being infinite)."""
        stamped = self.user_stamp(cookie)
        if stamped is None or (stamped.issued is not None and stamped.age(now) > max_age):
            return None
        return stamped

    def read_user(self, cookie: str | None) -> str | None:
        """Whose cookie this is (signature only, no age check: for tools and tests)."""
        stamped = self.user_stamp(cookie)
        return None if stamped is None else stamped.value

    # --- access (token mode) ------------------------------------------------------------------------------
    def sign_access(self, digest: str, now: float) -> str:
        """An access cookie of its own (random nonce) for a client that showed the token of `digest`."""
        return self._serializer(_ACCESS_SALT).dumps({"v": digest, "t": int(now), "n": secrets.token_urlsafe(12)})

    def check_access(self, cookie: str | None, *, digest: str, now: float, max_age: float) -> Stamped | None:
        """The stamp of a genuine access cookie for the token of `digest`, not older than `max_age`."""
        stamped = self._stamped(self._load(_ACCESS_SALT, cookie))
        if stamped is None or not hmac.compare_digest(stamped.value, digest) or stamped.age(now) > max_age:
            return None
        return stamped
