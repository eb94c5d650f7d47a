"""Who is who: a per-home secret and signed cookies that carry a store user id like `web-3f9c…`.

The secret lives in `<home>/web_secret`, created once with mode 0600 (never world-readable). A
cookie that does not verify (tampered, signed by another home's secret) is simply ignored and
the browser gets a new identity: nobody can claim another user's id without the secret.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from ohlora import messages
from ohlora.errors import CorruptData

SECRET_FILE = "web_secret"
USER_PREFIX = "web-"
_USER_RE = re.compile(r"^web-[0-9a-f]{16}$")


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
_ACCESS_SALT = "ohlora-access"


@dataclass(frozen=True)
class Identities:
    """Signs and verifies the identity and access cookies with the home's secret."""

    secret: str

    def _serializer(self, salt: str) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt=salt)

    @staticmethod
    def new_user() -> str:
        return USER_PREFIX + secrets.token_hex(8)

    def _read(self, salt: str, cookie: str | None) -> str | None:
        """The signed string in a cookie, or None (absent, forged or not a string)."""
        if not cookie:
            return None
        try:
            value = self._serializer(salt).loads(cookie)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def sign_user(self, user: str) -> str:
        return self._serializer(_USER_SALT).dumps(user)

    def read_user(self, cookie: str | None) -> str | None:
        user = self._read(_USER_SALT, cookie)
        return user if user is not None and _USER_RE.match(user) else None

    def sign_access(self, digest: str) -> str:
        return self._serializer(_ACCESS_SALT).dumps(digest)

    def read_access(self, cookie: str | None) -> str | None:
        return self._read(_ACCESS_SALT, cookie)
