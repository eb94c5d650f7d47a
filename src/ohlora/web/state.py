"""What the web app holds while it runs (`app.state.web`), created in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

from ohlora.clock import Clock
from ohlora.config import Settings
from ohlora.conversation.services import Services
from ohlora.web.access import TokenGuard
from ohlora.web.faces import FaceCatalog
from ohlora.web.identity import Identities
from ohlora.web.options import WebOptions
from ohlora.web.ratelimit import RateLimiter
from ohlora.web.sessions import SessionRegistry


@dataclass
class WebState:
    settings: Settings
    options: WebOptions
    services: Services
    clock: Clock
    identities: Identities
    limiter: RateLimiter
    faces: FaceCatalog
    sessions: SessionRegistry
    page: bytes  # index.html with its text filled in
    token_guard: TokenGuard = field(init=False)  # per-address back-off on wrong access tokens

    def __post_init__(self) -> None:
        o = self.options
        self.token_guard = TokenGuard(self.clock.monotonic, free=o.token_free_failures, base_s=o.token_backoff_s,
                                      max_s=o.token_backoff_max_s)

    def wall_time(self) -> float:
        """Seconds since the epoch by the app's clock (what cookies are stamped with)."""
        return self.clock.now().timestamp()
