"""The web API through HTTP: identity cookies, chat events, memory panel, blocks, limits, isolation.

Most tests use Starlette's TestClient on an services with scripted roles and a keyword judge (exact
sanctions); the concurrency test runs the real embedded services behind a real uvicorn server.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("itsdangerous")
pytest.importorskip("httpx")

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from conftest import CountingJudge, Scripted, make_services, wait_until  # noqa: E402
from ohlora import messages  # noqa: E402
from ohlora.config import load_settings  # noqa: E402
from ohlora.web.app import create_app  # noqa: E402
from ohlora.web.deps import USER_COOKIE  # noqa: E402
from ohlora.web.frames import split_mjpeg  # noqa: E402
from ohlora.web.identity import Identities, load_secret  # noqa: E402
from ohlora.web.options import RateRule, WebOptions  # noqa: E402

SORRY = " 미안 ㅠㅠ 나는 친구로 지내고 싶어! (답변 종료)"
HANGUL = re.compile(r"[가-힣]")


def reply_for(request) -> str:
    return SORRY if "사랑" in request.input.text else " 응 좋아! 오늘도 화이팅이야 (답변 종료)"


def memory_for(request) -> str:
    match = re.search(r"생일은 (\d+월 \d+일)", request.input.text)
    return f" [생일: {match.group(1)}] (요약 종료)" if match else " (요약 종료)"


@pytest.fixture
def scripted_app(home, clock):
    """An app on a scripted services (keyword judge: '사랑해' is a love confession) and a manual clock."""
    services = make_services(home, clock, reply=Scripted(reply_for), memory=Scripted(memory_for))
    settings = services.settings

    def build(**options):
        return create_app(settings, services=services, options=WebOptions(**options))

    yield build
    services.close()


class Browser:
    """Another browser on the same running app: its own cookies, the app's one event loop."""

    def __init__(self, client: TestClient):
        self.client = client
        self.jar_type = type(client.cookies)
        self.cookies = self.jar_type()

    def request(self, method: str, url: str, **kwargs):
        self.client.cookies = self.cookies
        try:
            return self.client.request(method, url, **kwargs)
        finally:
            self.cookies = self.jar_type(self.client.cookies)

    def get(self, url: str, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.request("POST", url, **kwargs)


def user_of(client, home) -> str:
    user = Identities(load_secret(home)).read_user(client.cookies.get(USER_COOKIE))
    assert user is not None and user.startswith("web-")
    return user


def chat_events(client, text: str) -> list[dict]:
    response = client.post("/api/chat", json={"text": text})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def done_result(events: list[dict]) -> dict:
    done = [e for e in events if e["type"] == "done"]
    assert len(done) == 1, events
    return done[0]["result"]


# --- health, page, identity ---------------------------------------------------------------------------------
def test_health_and_page(scripted_app):
    with TestClient(scripted_app()) as client:
        health = client.get("/api/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert USER_COOKIE not in health.headers.get("set-cookie", "")  # health knows nobody
        page = client.get("/")
        assert page.status_code == 200 and "오로라" in page.text and "{{" not in page.text
        assert "NanumGothic" in client.get("/static/style.css").text
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert page.headers["x-content-type-options"] == "nosniff"


def test_browser_gets_a_signed_identity_cookie(scripted_app, home):
    with TestClient(scripted_app()) as client:
        page = client.get("/")
        cookie = page.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        user = user_of(client, home)
        assert re.fullmatch(r"web-[0-9a-f]{16}", user)
        # the same cookie is the same user: no new cookie on the next request
        again = client.get("/api/state")
        assert USER_COOKIE not in again.headers.get("set-cookie", "")
        assert user_of(client, home) == user
        assert (home / "web_secret").stat().st_mode & 0o777 == 0o600


def test_tampered_or_foreign_cookies_get_a_new_identity(scripted_app, home, tmp_path):
    with TestClient(scripted_app()) as client:
        client.get("/")
        user = user_of(client, home)
        forged_elsewhere = Identities(load_secret(tmp_path / "other-home")).sign_user(user)
        for bad in (forged_elsewhere, client.cookies[USER_COOKIE][:-2] + "xx", "web-0000000000000000"):
            client.cookies.clear()
            client.cookies.set(USER_COOKIE, bad)
            response = client.get("/api/state")
            assert USER_COOKIE in response.headers["set-cookie"]
            fresh = Identities(load_secret(home)).read_user(response.cookies[USER_COOKIE])
            assert fresh is not None and fresh != user


# --- chat -------------------------------------------------------------------------------------------------------
def test_chat_streams_start_draft_reply_done_and_stores_the_turn(scripted_app, home):
    app = scripted_app()
    with TestClient(app) as client:
        client.get("/")
        events = chat_events(client, "내 생일은 3월 7일이야")
        assert [e["type"] for e in events] == ["start", "draft", "reply", "done"]
        assert events[1]["text"] == "응 좋아! 오늘도 화이팅이야"  # the end marker never shows
        assert events[2]["result"]["reply"] == "응 좋아! 오늘도 화이팅이야"
        result = done_result(events)
        assert result["memory_added"] == ["[생일: 3월 7일]"] and "user" not in result
        user = user_of(client, home)
        stored = app.state.web.services.store.turns(user)
        assert [t["text"] for t in stored] == ["내 생일은 3월 7일이야"]
        history = client.get("/api/history").json()["turns"]
        assert history[0]["reply"] == "응 좋아! 오늘도 화이팅이야"
        # the non-streaming form gives the same final result
        plain = client.post("/api/chat?stream=false", json={"text": "로라야 안녕"}).json()
        assert plain["result"]["reply"] == "응 좋아! 오늘도 화이팅이야" and plain["error"] is None


def test_a_message_that_may_be_sanctioned_shows_no_draft(scripted_app):
    with TestClient(scripted_app()) as client:
        events = chat_events(client, "로라야 사랑해")
        assert "draft" not in [e["type"] for e in events]
        assert done_result(events)["sanction"]["action"] == "warning"


def test_bad_input_becomes_a_system_message(scripted_app):
    with TestClient(scripted_app()) as client:
        result = done_result(chat_events(client, "   "))
        assert result["reply"] is None and result["system_message"] == messages.EMPTY_INPUT


# --- memory panel -----------------------------------------------------------------------------------------------
def test_memory_panel_lists_adds_and_forgets(scripted_app):
    with TestClient(scripted_app()) as client:
        assert client.get("/api/memory").json() == {"items": []}
        added = client.post("/api/memory", json={"item": "좋아하는 음식: 떡볶이"}).json()
        assert added["added"] and added["items"] == ["[좋아하는 음식: 떡볶이]"]
        again = client.post("/api/memory", json={"item": "[좋아하는 음식 : 떡볶이]"}).json()
        assert not again["added"] and again["items"] == ["[좋아하는 음식: 떡볶이]"]
        bad = client.post("/api/memory", json={"item": "그냥 아무 말"})
        assert bad.status_code == 400 and bad.json()["error"]["message"] == messages.MEMORY_BAD_ITEM
        forgot = client.post("/api/memory/forget", json={"item": "[좋아하는음식:떡볶이]"}).json()
        assert forgot["forgotten"] and forgot["items"] == []
        missing = client.post("/api/memory/forget", json={"item": "[없는: 기억]"}).json()
        assert not missing["forgotten"]


def test_added_memory_is_used_in_the_next_turn(scripted_app):
    with TestClient(scripted_app()) as client:
        client.post("/api/memory", json={"item": "[내일 일정: 면접]"})
        result = done_result(chat_events(client, "내일 일정 면접 너무 떨려"))
        assert result["memory_used"] == "[내일 일정: 면접]"


# --- sanctions --------------------------------------------------------------------------------------------------
def test_warning_then_block_that_survives_reload_and_new_tabs(scripted_app, home, clock):
    app = scripted_app()
    with TestClient(app) as client:
        client.get("/")
        first = done_result(chat_events(client, "로라야 사랑해"))
        assert first["sanction"]["action"] == "warning" and first["system_message"] == messages.warning(["love"])
        assert first["sanction"]["reason_text"] == messages.CATEGORY_NAMES["love"]
        second_events = chat_events(client, "로라야 사랑해")
        second = done_result(second_events)
        assert second["blocked"] and second["reply"] is None and second["sanction"]["period_s"] == 3600
        block = [e for e in second_events if e["type"] == "done"][0]["block"]
        assert block["reasons"] == ["love"] and block["seconds_left"] == 3600 and "1시간" in block["detail"]

        state = client.get("/api/state").json()
        assert state["blocked"]["until_text"] and state["blocked"]["reason_text"] == messages.BLOCK_REASONS["love"]
        assert state["session"] is None  # the blocked session was closed and its resources freed
        refused = client.post("/api/chat", json={"text": "안녕"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "blocked"
        assert client.get("/api/face/stream?frames=1").status_code == 403
        cookie = client.cookies[USER_COOKIE]

    # a "new tab" (same cookie, another connection, even after a server restart) is still blocked
    with TestClient(scripted_app()) as tab:
        tab.cookies.set(USER_COOKIE, cookie)
        assert tab.get("/api/state").json()["blocked"]["reasons"] == ["love"]
        clock.advance(3601)
        assert tab.get("/api/state").json()["blocked"] is None
        assert done_result(chat_events(tab, "다시 왔어"))["reply"]


def test_block_expiry_is_an_instant_with_its_offset(scripted_app, clock):
    """The page shows expiry times in the browser's zone: the API gives them as UTC instants."""
    from datetime import datetime, timezone

    with TestClient(scripted_app()) as client:
        client.get("/")
        warned = done_result(chat_events(client, "로라야 사랑해"))
        assert warned["sanction"]["until_utc"] is None
        blocked = done_result(chat_events(client, "로라야 사랑해"))
        expected = datetime.fromtimestamp(int(clock.now().timestamp()) + 3600, timezone.utc)
        sanction = blocked["sanction"]
        assert datetime.fromisoformat(sanction["until_utc"]) == expected
        assert sanction["until_utc"].endswith("+00:00")
        assert sanction["until"] == datetime.fromtimestamp(expected.timestamp()).isoformat(timespec="seconds")
        block = client.get("/api/state").json()["blocked"]
        assert block["until"] == expected.isoformat(timespec="seconds")
        assert block["until_text"] == datetime.fromtimestamp(expected.timestamp()).strftime("%Y.%m.%d %H:%M:%S")
        history = client.get("/api/history").json()["turns"]
        assert history[-1]["sanction"]["until_utc"] == sanction["until_utc"]


def test_history_brings_back_the_memory_notes_of_each_turn(scripted_app):
    app = scripted_app()
    with TestClient(app) as client:
        client.get("/")
        chat_events(client, "내 생일은 3월 7일이야")
        chat_events(client, "생일 3월 7일 기억해?")
        cookie = client.cookies[USER_COOKIE]
    with TestClient(scripted_app()) as again:  # a reload, even after a server restart
        again.cookies.set(USER_COOKIE, cookie)
        turns = again.get("/api/history").json()["turns"]
    assert [(t["memory_added"], t["memory_used"]) for t in turns] == [
        (["[생일: 3월 7일]"], None),
        ([], "[생일: 3월 7일]"),
    ]


def test_page_hides_the_setup_line_behind_an_info_button(scripted_app):
    with TestClient(scripted_app()) as client:
        page = client.get("/").text
        button = re.search(r'<button id="backend-toggle"[^>]*>', page).group(0)
        assert 'aria-expanded="false"' in button and 'aria-controls="backend"' in button
        assert f'aria-label="{messages.WEB_UI["backend_toggle"]}"' in button
        assert re.search(r'<p id="backend"[^>]*\bhidden\b', page)
        css = client.get("/static/style.css").text
        assert "word-break: keep-all" in css and "overflow-wrap: anywhere" in css


# --- limits -----------------------------------------------------------------------------------------------------
def test_request_size_limits(scripted_app):
    with TestClient(scripted_app(max_body_bytes=2048, max_text_chars=100)) as client:
        huge = client.post("/api/chat", content=json.dumps({"text": "가" * 4000}),
                           headers={"content-type": "application/json"})
        assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
        long = client.post("/api/chat", json={"text": "가" * 101})
        assert long.status_code == 413 and long.json()["error"]["message"] == messages.TOO_LONG

        def chunks():
            for _ in range(8):
                yield b"x" * 512

        streamed = client.post("/api/memory", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413


def test_rate_limit_per_user(scripted_app):
    app = scripted_app(turn_rate=RateRule(burst=2, per_second=0.001))
    with TestClient(app) as client:
        other = Browser(client)
        assert client.post("/api/chat?stream=false", json={"text": "하나"}).status_code == 200
        assert client.post("/api/chat?stream=false", json={"text": "둘"}).status_code == 200
        third = client.post("/api/chat?stream=false", json={"text": "셋"})
        assert third.status_code == 429 and int(third.headers["retry-after"]) >= 1
        assert "천천히" in third.json()["error"]["message"]
        # the seconds to wait, also in the body (the page says when the kept message can be sent)
        assert third.json()["error"]["retry_after_s"] == int(third.headers["retry-after"])
        assert f"{third.json()['error']['retry_after_s']}초" in third.json()["error"]["message"]
        # another user is not slowed down by the first one
        assert other.post("/api/chat?stream=false", json={"text": "안녕"}).status_code == 200


def test_new_identities_are_rate_limited_per_address(scripted_app):
    with TestClient(scripted_app(new_user_rate=RateRule(burst=3, per_second=0.001))) as client:
        codes = []
        for _ in range(4):
            client.cookies.clear()
            codes.append(client.get("/api/state").status_code)
        assert codes == [200, 200, 200, 429]


def test_cross_site_and_non_json_posts_are_refused(scripted_app):
    with TestClient(scripted_app()) as client:
        evil = client.post("/api/memory", json={"item": "[a: b]"}, headers={"origin": "http://evil.example"})
        assert evil.status_code == 403
        form = client.post("/api/memory", data={"item": "[a: b]"})
        assert form.status_code == 415
        same = client.post("/api/memory", json={"item": "[a: b]"}, headers={"origin": "http://testserver"})
        assert same.status_code == 200


# --- sessions -------------------------------------------------------------------------------------------------
def test_idle_sessions_are_closed_after_the_timeout_and_freed(scripted_app, clock):
    app = scripted_app()
    with TestClient(app) as client:
        registry = app.state.web.sessions
        trims = []
        registry.trim = lambda: trims.append(1)
        assert client.get("/api/face/frame.jpg").status_code == 200
        (session,) = registry.sessions.values()
        assert session.pipeline is not None and session.pipeline._thread.is_alive()
        render_thread = session.pipeline._thread
        clock.advance(179)
        assert client.portal.call(registry.reap) == []
        clock.advance(2)
        closed = client.portal.call(registry.reap)
        assert len(closed) == 1 and registry.sessions == {}
        assert session.closed and session.pipeline is None and not render_thread.is_alive()
        assert trims == [1]  # the freed memory is given back once per reap
        state = client.get("/api/state").json()
        assert state["session"] is None and state["ended"]["reason"] == "idle"
        assert state["ended"]["message"] == messages.idle_end(181)
        # talking again opens a fresh session
        assert done_result(chat_events(client, "나 왔어"))["reply"]
        assert client.get("/api/state").json()["session"]["status"] == "waiting"


def test_the_face_of_a_session_nobody_watches_is_parked_and_resumed(scripted_app):
    app = scripted_app(frame_cache=5)
    with TestClient(app) as client:
        registry = app.state.web.sessions
        trims = []
        registry.trim = lambda: trims.append(1)
        frames = split_mjpeg(client.get("/api/face/stream?frames=2").content)
        assert len(frames) == 2 and all(f.startswith(b"\xff\xd8") for f in frames)
        (session,) = registry.sessions.values()
        pipeline = session.pipeline
        assert pipeline is not None and pipeline.cache_size == 5
        # the only viewer left: no render thread, no pictures; the animator stays for the next viewer
        assert wait_until(lambda: trims == [1])
        assert session.viewers == 0 and not pipeline.running and pipeline.cached == 0
        animator = pipeline.animator
        assert done_result(chat_events(client, "안녕"))["reply"]  # a turn while unwatched still works
        frames = split_mjpeg(client.get("/api/face/stream?frames=1").content)
        assert len(frames) == 1 and session.pipeline is pipeline and pipeline.animator is animator
        assert wait_until(lambda: trims == [1, 1]) and not pipeline.running


def test_rate_limiter_keeps_buckets_for_at_most_max_keys():
    from ohlora.web.ratelimit import RateLimiter

    now = [0.0]
    limiter = RateLimiter(lambda: now[0], max_keys=3)
    rule = RateRule(burst=1, per_second=0.001)
    for i in range(10):
        assert limiter.take(("turn", f"u{i}"), rule) == 0.0
        assert len(limiter._buckets) <= 3
    assert list(limiter._buckets) == [("turn", "u7"), ("turn", "u8"), ("turn", "u9")]
    assert limiter.take(("turn", "u9"), rule) > 0  # a kept key still limits
    assert limiter.take(("turn", "u0"), rule) == 0.0  # a forgotten one starts full again


def test_giving_memory_back_is_safe_anywhere():
    from ohlora.web.heap import release_free_memory

    assert release_free_memory() in (True, False)  # glibc: trimmed or nothing to trim; elsewhere: no-op


def test_face_picker_lists_the_embedded_face_and_refuses_unknown_ones(scripted_app):
    with TestClient(scripted_app()) as client:
        faces = client.get("/api/faces").json()
        assert [c["id"] for c in faces["choices"]] == ["embedded"]
        assert client.post("/api/face", json={"id": "v8:83"}).status_code == 400
        assert client.post("/api/face", json={"id": "embedded"}).json() == {"current": "embedded"}


def face_catalog(home, env: dict[str, str], choices=None):
    from ohlora.web.faces import EMBEDDED, FaceCatalog, FaceChoice

    if choices is None:
        choices = (FaceChoice("v8:83", "v8 83", "v8", 83), FaceChoice("v8:84", "v8 84", "v8", 84),
                   FaceChoice("v7:3", "v7 3", "v7", 3), FaceChoice(EMBEDDED, "embedded", EMBEDDED))
    return FaceCatalog(load_settings(home, env=env), choices, random.Random(5))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"v8:83", "v8:84"}),  # auto: a random v8 face, as the original
        ({"OHLORA_FACE_CASE": "84"}, {"v8:84"}),
        ({"OHLORA_FACE_VERSION": "v7"}, {"v7:3"}),
        ({"OHLORA_FACE_VERSION": "V8", "OHLORA_FACE_CASE": "83"}, {"v8:83"}),
        ({"OHLORA_FACE_VERSION": "v8", "OHLORA_FACE_CASE": "99"}, {"v8:83", "v8:84"}),  # a case not offered
        ({"OHLORA_FACE_VERSION": "embedded", "OHLORA_FACE_CASE": "83"}, {"embedded"}),
    ],
)
def test_the_face_settings_choose_a_new_sessions_face(home, env, expected):
    catalog = face_catalog(home, env)
    assert {catalog.default_id() for _ in range(20)} <= expected


def test_a_face_version_the_picker_does_not_offer_falls_back_to_what_it_offers(home):
    from ohlora.web.faces import EMBEDDED, FaceChoice

    only_v8 = (FaceChoice("v8:83", "v8 83", "v8", 83), FaceChoice(EMBEDDED, "embedded", EMBEDDED))
    assert face_catalog(home, {"OHLORA_FACE_VERSION": "v7"}, only_v8).default_id() == "v8:83"
    only_embedded = (FaceChoice(EMBEDDED, "embedded", EMBEDDED),)
    assert face_catalog(home, {"OHLORA_FACE_VERSION": "v8"}, only_embedded).default_id() == EMBEDDED


@pytest.fixture
def fake_stylegan(monkeypatch):
    """StyleGAN faces replaced: every load is recorded and gets the embedded face."""
    import sys
    import types

    from ohlora.face.procedural import ProceduralFace

    loads = []
    fake = types.ModuleType("ohlora.face.stylegan_face")

    def load_stylegan_face(models_root, version, case=None, rng=None, device="auto", dtype="auto"):
        loads.append((models_root, version, case, device))
        return ProceduralFace()

    fake.load_stylegan_face = load_stylegan_face
    monkeypatch.setitem(sys.modules, "ohlora.face.stylegan_face", fake)
    return loads


def test_picked_faces_load_from_the_settings_models_folder_on_the_face_device(home, fake_stylegan):
    from ohlora.face.procedural import ProceduralFace

    loads = fake_stylegan
    catalog = face_catalog(home, {"OHLORA_DEVICE": "reply=cuda:0,face=cpu", "OHLORA_FACE_CASE": "84"})
    first = catalog.face("v8:83")
    assert catalog.face("v7:3") is not first and catalog.face("v8:83") is first  # loaded once, then shared
    assert isinstance(catalog.face("embedded"), ProceduralFace)
    root = catalog.settings.models_root
    assert loads == [(root, "v8", 83, "cpu"), (root, "v7", 3, "cpu")]


def test_a_new_session_gets_the_face_the_settings_ask_for(home, clock, fake_stylegan):
    from ohlora.web.faces import EMBEDDED, FaceChoice

    choices = (FaceChoice("v8:83", "v8 83", "v8", 83), FaceChoice(EMBEDDED, "embedded", EMBEDDED))
    services = make_services(home, clock)
    try:
        for env, expected in (({}, "v8:83"), ({"OHLORA_FACE_VERSION": "embedded"}, EMBEDDED)):
            settings = load_settings(home, env=env)
            with TestClient(create_app(settings, services=services, face_choices=choices)) as client:
                assert client.get("/api/face/frame.jpg").status_code == 200  # opens the session
                assert client.get("/api/faces").json()["current"] == expected
    finally:
        services.close()
    assert [load[1:] for load in fake_stylegan] == [("v8", 83, "auto")]


# --- isolation ------------------------------------------------------------------------------------------------
def test_one_user_sees_nothing_of_another(scripted_app, home):
    app = scripted_app()
    with TestClient(app) as client:
        alice, bob = Browser(client), Browser(client)
        alice.post("/api/memory", json={"item": "[비밀: 앨리스의 일기]"})
        chat_events(alice, "로라야 사랑해")
        chat_events(alice, "로라야 사랑해")  # alice is blocked now
        assert alice.get("/api/state").json()["blocked"] is not None

        assert bob.get("/api/memory").json()["items"] == []
        assert bob.get("/api/history").json()["turns"] == []
        state = bob.get("/api/state").json()
        assert state["blocked"] is None
        result = done_result(chat_events(bob, "로라야 안녕"))
        assert result["reply"] and result["sanction"] is None and result["memory_used"] is None
        assert user_of(alice, home) != user_of(bob, home)


def test_twenty_users_five_turns_each_concurrently(home):
    """The real embedded services behind uvicorn: every turn lands under its own user, nothing leaks."""
    from ohlora.web.server import ServerThread

    settings = load_settings(home, env={}, seed=7)
    users, turns_per_user = 20, 5
    app = create_app(settings, options=WebOptions(turn_rate=RateRule(burst=turns_per_user, per_second=1),
                                                  # every user comes from 127.0.0.1: the address shares their turns
                                                  address_turn_rate=RateRule(burst=users * turns_per_user, per_second=1)))

    def messages_of(i: int) -> list[str]:
        month, day = i % 12 + 1, i + 1
        return [f"로라야 안녕 나는 {i}번 손님이야", f"내 생일은 {month}월 {day}일이야", f"{i}번 손님은 오늘 기분 좋아",
                f"{i}번 손님이 좋아하는 음식은 떡볶이야", f"{i}번 손님 이제 갈게 안녕"]

    def one_user(i: int, url: str) -> tuple[str, list[dict]]:
        with httpx.Client(base_url=url, timeout=120) as client:
            client.get("/")
            cookie = client.cookies[USER_COOKIE]
            start.wait()
            results = []
            for text in messages_of(i):
                response = client.post("/api/chat?stream=false", json={"text": text})
                assert response.status_code == 200, response.text
                results.append(response.json()["result"])
            memory = client.get("/api/memory").json()["items"]
            return cookie, results, memory

    start = threading.Event()
    with ServerThread(app) as url, ThreadPoolExecutor(max_workers=users) as pool:
        futures = [pool.submit(one_user, i, url) for i in range(users)]
        start.set()
        outcomes = [f.result(timeout=300) for f in futures]

    identities = Identities(load_secret(home))
    db = sqlite3.connect(home / "ohlora.db")
    seen_users = set()
    for i, (cookie, results, memory) in enumerate(outcomes):
        user = identities.read_user(cookie)
        assert user is not None and user not in seen_users
        seen_users.add(user)
        sent = messages_of(i)
        assert [r["text"] for r in results] == sent
        assert all(r["reply"] and HANGUL.search(r["reply"]) for r in results)
        stored = db.execute("SELECT text, reply FROM turns WHERE user = ? ORDER BY id", (user,)).fetchall()
        assert [t for t, _ in stored] == sent  # in order, all five, under the right user
        assert [r for _, r in stored] == [r["reply"] for r in results]
        month, day = i % 12 + 1, i + 1
        assert f"[생일: {month}월 {day}일]" in memory
        for item in memory:  # only this user's facts
            assert not re.search(r"\d+월 \d+일", item) or f"{month}월 {day}일" in item
    other_users = {row[0] for row in db.execute("SELECT DISTINCT user FROM turns")}
    assert other_users == seen_users
    db.close()


def test_engine_is_shared_by_every_session(scripted_app):
    app = scripted_app()
    with TestClient(app) as client:
        chat_events(Browser(client), "안녕")
        chat_events(Browser(client), "안녕")
        first, second = app.state.web.sessions.sessions.values()
        assert first.services is second.services  # one services for everybody; streaming is the turn's own business


def test_the_judge_reads_each_message_once_per_web_turn(home, clock):
    judge = CountingJudge()
    services = make_services(home, clock, reply=Scripted(reply_for), judge=judge)
    try:
        app = create_app(services.settings, services=services, options=WebOptions())
        with TestClient(app) as client:
            client.get("/")
            for text in ("오늘 날씨 좋다", "로라야 사랑해"):
                judge.texts.clear()
                events = chat_events(client, text)
                assert events[-1]["type"] == "done"
                assert judge.texts.count(text) == 1  # the message, once, whatever streams or is sanctioned
                assert len(judge.texts) == 2  # and her one accepted answer, checked before anyone sees it
    finally:
        services.close()


def test_the_web_path_never_imports_torch(tmp_path):
    """The embedded default through the web app runs on numpy alone (fresh interpreter)."""
    import os
    import subprocess
    import sys

    code = "\n".join([
        "import sys",
        "from fastapi.testclient import TestClient",
        "from ohlora.config import load_settings",
        "from ohlora.web.app import create_app",
        "app = create_app(load_settings(sys.argv[1], env={}))",
        "with TestClient(app) as c:",
        "    assert c.post('/api/chat?stream=false', json={'text': '로라야 안녕'}).json()['result']['reply']",
        "    assert c.get('/api/face/frame.jpg').status_code == 200",
        "assert 'torch' not in sys.modules, 'torch was imported'",
    ])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "home")], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
