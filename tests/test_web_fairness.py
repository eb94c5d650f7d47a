"""Session fairness: one person cannot hog face streams, end other people's sessions, or multiply
the turn rate with many identities; and the session cap holds under concurrent opens.

The services runs on scripted roles with a manual clock (activity windows and rate buckets move only
when the test advances it). Held-open face streams need a real server (uvicorn in a thread); the
rest goes through Starlette's TestClient. Nothing here asserts a duration.
"""

from __future__ import annotations

import asyncio
from contextlib import ExitStack

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("itsdangerous")
pytest.importorskip("httpx")

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from conftest import make_services, wait_until  # noqa: E402
from ohlora import messages  # noqa: E402
from ohlora.web.app import create_app  # noqa: E402
from ohlora.web.frames import BOUNDARY  # noqa: E402
from ohlora.web.options import RateRule, WebOptions  # noqa: E402
from ohlora.web.ratelimit import RateLimiter  # noqa: E402
from ohlora.web.server import ServerThread  # noqa: E402
from ohlora.web.sessions import SessionsFull  # noqa: E402

MANY = RateRule(burst=10_000, per_second=1_000)
MARKER = f"--{BOUNDARY}\r\n".encode("ascii")


@pytest.fixture
def services(home, clock):
    services = make_services(home, clock)
    yield services
    services.close()


@pytest.fixture
def build(services):
    """`build(**options) -> app`: the app on the scripted services; identity minting and API calls are not limited."""

    def make(**options):
        options.setdefault("new_user_rate", MANY)
        options.setdefault("api_rate", MANY)
        return create_app(services.settings, services=services, options=WebOptions(**options))

    return make


@pytest.fixture
def serve(build):
    """`serve(**options) -> (url, app)`: the app behind uvicorn on a free loopback port."""
    stack = ExitStack()

    def start(**options):
        app = build(**options)
        return stack.enter_context(ServerThread(app)), app

    yield start
    stack.close()


class Viewer:
    """One open MJPEG face stream of a client; `frames(n)` reads n more pictures from it."""

    def __init__(self, client: httpx.Client):
        self._context = client.stream("GET", "/api/face/stream")
        self.response = self._context.__enter__()
        self.status = self.response.status_code
        self._chunks = self.response.iter_bytes() if self.status == 200 else None

    def frames(self, n: int) -> int:
        seen = 0
        for chunk in self._chunks:
            seen += chunk.count(MARKER)
            if seen >= n:
                break
        return seen

    def close(self) -> None:
        self._context.__exit__(None, None, None)


def browser(url: str, address: str = "127.0.0.1") -> httpx.Client:
    """A new browser (no cookie yet: its first request mints an identity) leaving from `address`."""
    return httpx.Client(base_url=url, timeout=60, transport=httpx.HTTPTransport(local_address=address))


def open_session(client) -> httpx.Response:
    """Open this browser's session without drawing anything (picking the default face)."""
    return client.post("/api/face", json={"id": "embedded"})


def state_of(client) -> dict:
    return client.get("/api/state").json()


# --- face streams -----------------------------------------------------------------------------------------------
def test_a_third_stream_of_one_identity_is_refused_while_the_other_two_stream(serve):
    url, app = serve(max_streams_per_user=2, max_streams_per_address=8, stream_retry_after_s=7)
    registry = app.state.web.sessions
    with browser(url) as client:
        client.get("/")
        first, second = Viewer(client), Viewer(client)
        try:
            assert (first.status, second.status) == (200, 200)
            assert first.frames(1) and second.frames(1)
            third = client.get("/api/face/stream")
            assert third.status_code == 429 and third.headers["retry-after"] == "7"
            error = third.json()["error"]
            assert error["code"] == "too_many_streams" and error["retry_after_s"] == 7
            assert error["message"] == messages.WEB_STREAMS_LIMITED.format(seconds=7)
            # the two streams go on
            assert first.frames(3) >= 3 and second.frames(3) >= 3
            (session,) = registry.sessions.values()
            assert session.viewers == 2 and not session.closed
        finally:
            first.close()
        # a stream that ends gives its slot back
        assert wait_until(lambda: sum(registry.streams_by_user.values()) == 1)
        again = Viewer(client)
        try:
            assert again.status == 200 and again.frames(1)
        finally:
            again.close()
            second.close()
        assert wait_until(lambda: not registry.streams_by_user and not registry.streams_by_address)
        assert wait_until(lambda: session.viewers == 0)


def test_face_streams_are_capped_per_client_address(serve):
    url, app = serve(max_streams_per_user=2, max_streams_per_address=3)
    registry = app.state.web.sessions
    with browser(url) as alice, browser(url) as bob, browser(url, "127.0.0.2") as carol:
        for client in (alice, bob, carol):
            client.get("/")
        viewers = [Viewer(alice), Viewer(alice), Viewer(bob)]
        try:
            assert [v.status for v in viewers] == [200, 200, 200]
            refused = bob.get("/api/face/stream")  # bob has one stream, but the address has three
            assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_streams"
            assert int(refused.headers["retry-after"]) >= 1
            other = Viewer(carol)  # another address is not affected
            viewers.append(other)
            assert other.status == 200 and other.frames(1)
            assert all(v.frames(2) >= 2 for v in viewers)
            viewers.pop(0).close()
            assert wait_until(lambda: registry.streams_by_address["127.0.0.1"] == 2)
            viewers.append(Viewer(bob))
            assert viewers[-1].status == 200 and viewers[-1].frames(1)
        finally:
            for viewer in viewers:
                viewer.close()


# --- eviction -------------------------------------------------------------------------------------------------
def test_fresh_identities_from_one_address_never_evict_an_active_session(serve, clock):
    url, app = serve(max_sessions=64, max_sessions_per_address=1000, evict_idle_s=60)
    registry = app.state.web.sessions
    with browser(url) as watcher, browser(url) as chatter:
        watcher.get("/")
        stream = Viewer(watcher)
        try:
            assert stream.status == 200 and stream.frames(1)
            clock.advance(1)
            reply = chatter.post("/api/chat?stream=false", json={"text": "로라야 안녕"})
            assert reply.status_code == 200 and reply.json()["result"]["reply"]
            clock.advance(1)

            codes = []
            for i in range(64):  # one person, 64 identities, one address, as fast as it can
                if i % 16 == 0:
                    assert stream.frames(1)  # the watcher keeps reading (a stalled reader is dropped)
                with browser(url) as fresh:
                    response = open_session(fresh)
                    codes.append(response.status_code)
                    if response.status_code == 503:
                        error = response.json()["error"]
                        assert error["code"] == "busy" and int(response.headers["retry-after"]) >= 1
                        assert error["message"] == messages.WEB_FULL.format(seconds=error["retry_after_s"])
            assert codes.count(200) == 62 and codes.count(503) == 2  # only the free slots were taken
            assert len(registry.sessions) == 64
            for victim in (watcher, chatter):
                state = state_of(victim)
                assert state["session"] is not None and state["ended"] is None
            assert stream.frames(2) >= 2  # still watching

            # a minute on, nobody has said anything: every session but the watched one is idle, and a
            # newcomer takes the slot of the least recently active one (the chatter's)
            clock.advance(61)
            with browser(url) as late:
                assert open_session(late).status_code == 200
            ended = state_of(chatter)
            assert ended["session"] is None and ended["ended"]["reason"] == "evicted"
            assert state_of(watcher)["ended"] is None
            for i in range(70):  # however many come, the watched session stays
                if i % 16 == 0:
                    assert stream.frames(1)
                with browser(url) as fresh:
                    assert open_session(fresh).status_code in (200, 503)
            assert state_of(watcher)["session"] is not None and stream.frames(1)
            assert len(registry.sessions) == 64
        finally:
            stream.close()


def test_one_address_holds_at_most_its_share_of_sessions(serve, clock):
    url, app = serve(max_sessions=10, max_sessions_per_address=3, evict_idle_s=60)
    registry = app.state.web.sessions
    clients = [browser(url) for _ in range(4)]
    try:
        assert [open_session(c).status_code for c in clients[:3]] == [200, 200, 200]
        refused = open_session(clients[3])
        error = refused.json()["error"]
        assert refused.status_code == 503 and error["code"] == "address_busy"
        assert error["message"] == messages.WEB_ADDRESS_FULL.format(seconds=error["retry_after_s"])
        with browser(url, "127.0.0.2") as other:  # the server is not full: another address gets in
            assert open_session(other).status_code == 200
            clock.advance(61)
            # now idle: the address's own least recently active session yields, not another address's
            assert open_session(clients[3]).status_code == 200
            assert state_of(clients[0])["ended"]["reason"] == "evicted"
            assert state_of(other)["ended"] is None
        assert sorted(s.address for s in registry.sessions.values()) == ["127.0.0.1"] * 3 + ["127.0.0.2"]
    finally:
        for c in clients:
            c.close()


def test_a_refused_newcomer_is_told_when_a_slot_may_free_up(build, clock):
    app = build(max_sessions=1, evict_idle_s=60)
    with TestClient(app) as client:
        assert open_session(client).status_code == 200
        first = dict(client.cookies)
        clock.advance(45)
        client.cookies.clear()  # another browser
        refused = open_session(client)
        assert refused.status_code == 503 and refused.headers["retry-after"] == "15"
        clock.advance(15)
        assert open_session(client).status_code == 200
        client.cookies = first
        assert state_of(client)["ended"]["reason"] == "evicted"


def test_the_chat_of_a_refused_newcomer_is_a_503_not_an_event(build):
    app = build(max_sessions=1)
    with TestClient(app) as client:
        assert client.post("/api/chat?stream=false", json={"text": "안녕"}).json()["result"]["reply"]
        (user,) = app.state.web.sessions.sessions
        client.cookies.clear()  # another browser, while the first one's chat is recent
        refused = client.post("/api/chat", json={"text": "안녕"})
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "busy"
        assert int(refused.headers["retry-after"]) >= 1
        assert list(app.state.web.sessions.sessions) == [user]


# --- turns per address ----------------------------------------------------------------------------------------
def test_many_identities_from_one_address_share_its_turn_rate(build, clock):
    app = build(turn_rate=RateRule(burst=1, per_second=0.001), address_turn_rate=RateRule(burst=5, per_second=1 / 60))
    with TestClient(app) as client:
        codes, waits = [], []
        for _ in range(10):  # ten identities, one address, one message each
            client.cookies.clear()
            response = client.post("/api/chat?stream=false", json={"text": "로라야 안녕"})
            codes.append(response.status_code)
            if response.status_code == 429:
                waits.append(int(response.headers["retry-after"]))
                assert response.json()["error"]["code"] == "rate_limited"
        assert codes == [200] * 5 + [429] * 5
        assert all(w >= 1 for w in waits)
        # a refusal by the address spends nothing of the identity's own bucket
        clock.advance(60)
        assert client.post("/api/chat?stream=false", json={"text": "다시 안녕"}).status_code == 200


def test_rate_limiter_takes_a_token_from_every_bucket_or_from_none():
    now = [0.0]
    limiter = RateLimiter(lambda: now[0])
    user_rule, address_rule = RateRule(burst=2, per_second=0.0), RateRule(burst=1, per_second=0.5)
    assert limiter.take_all([(("turn", "a"), user_rule), (("addr", "x"), address_rule)]) == 0.0
    assert limiter.take_all([(("turn", "b"), user_rule), (("addr", "x"), address_rule)]) == pytest.approx(2.0)
    assert limiter.take_all([(("turn", "b"), user_rule), (("addr", "y"), address_rule)]) == 0.0
    assert limiter.take_all([(("turn", "b"), user_rule), (("addr", "z"), address_rule)]) == 0.0  # b had 2
    assert limiter.take_all([(("turn", "b"), user_rule), (("addr", "w"), address_rule)]) == float("inf")
    assert limiter.take(("addr", "w"), address_rule) == 0.0  # the refusal above spent nothing of w


# --- the session cap under concurrency ------------------------------------------------------------------------
def test_concurrent_opens_never_exceed_max_sessions(build, clock):
    app = build(max_sessions=2, max_sessions_per_address=100, evict_idle_s=60)
    with TestClient(app) as client:
        registry = app.state.web.sessions
        users = [f"web-{i:016x}" for i in range(8)]
        for user in users[:2]:
            client.portal.call(registry.open, user, "10.0.0.1")
        clock.advance(61)  # both idle: each may yield to one newcomer (closing one awaits a thread)
        seen: list[int] = []

        async def many() -> list:
            async def one(user: str):
                session = await registry.open(user, "10.0.0.1")
                seen.append(len(registry.sessions))
                return session

            return await asyncio.gather(*(one(u) for u in users[2:]), return_exceptions=True)

        outcomes = client.portal.call(many)
        assert max(seen) <= 2 and len(registry.sessions) == 2
        opened = [o for o in outcomes if not isinstance(o, BaseException)]
        assert len(opened) == 2 and all(isinstance(o, SessionsFull) for o in outcomes if o not in opened)
        assert {registry.ended[u].reason for u in users[:2]} == {"evicted"}
        assert set(registry.sessions) == {o.user for o in opened}
