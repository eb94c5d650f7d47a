"""What the web app holds while it runs (`app.state.web`), created in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from ohlora.clock import Clock
from ohlora.config import Settings
from ohlora.conversation.engine import Engine
from ohlora.web.faces import FaceCatalog
from ohlora.web.identity import Identities
from ohlora.web.options import WebOptions
from ohlora.web.ratelimit import RateLimiter
from ohlora.web.sessions import SessionRegistry


@dataclass
class WebState:
    settings: Settings
    options: WebOptions
    engine: Engine
    clock: Clock
    identities: Identities
    limiter: RateLimiter
    faces: FaceCatalog
    sessions: SessionRegistry
    page: bytes  # index.html with its text filled in
