"""Hostile input and hostile hosts (issue 12): one input normaliser for every text field, no 500
from any body, the Host allow-list (DNS rebinding, no open redirect), a blocked user's memories,
the database file's mode, and the security headers on every response (a 500 included)."""

from __future__ import annotations

import json
import os
import stat

import pytest
import typer

from conftest import Scripted, make_services
from ohlora import messages
from ohlora.conversation.inputs import (
    check_user_id,
    clean_memory_item,
    clean_user_text,
    find_marker,
    normalise_text,
)
from ohlora.conversation.result import TurnResult
from ohlora.errors import BadInput
from ohlora.store import Store

SECURITY = ("x-content-type-options", "content-security-policy", "x-frame-options", "referrer-policy")


# --- the normaliser ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["\ud800", "[a: \udfff]", "안녕\udc80", "\ud83d"])
def test_lone_surrogates_are_refused_with_a_clear_message(raw):
    for clean in (normalise_text, clean_user_text, clean_memory_item):
        with pytest.raises(BadInput) as err:
            clean(raw)
        assert str(err.value) == messages.TEXT_SURROGATE


def test_control_format_and_separator_characters_are_removed():
    raw = "안\x00녕\x07 \u202e하\u200b세\u2066요\u0085로라\u2028야\u2029\u00a0\u3000반가워\t\r\n\U000e0041"
    text, changed = normalise_text(raw)
    assert text == "안녕 하세요 로라 야 반가워" and changed
    assert normalise_text("  보통   문장  ") == ("보통 문장", False)
    # a joiner between Hangul is a hiding place; between emoji it is part of the picture
    assert normalise_text("답\u200d변")[0] == "답변"
    for emoji in ("👩\u200d💻", "👩🏽\u200d💻", "❤\ufe0f\u200d🔥"):
        assert normalise_text(emoji) == (emoji, False)


@pytest.mark.parametrize("look_alike", [
    "(답변 종료)",
    "(답변\u00a0종료)",  # NBSP
    "(답변\u200d 종료)",  # ZWJ
    "(답\u200b변 종료)",  # zero-width space
    "\uff08답변 종료\uff09",  # full-width brackets
    "\ufe59답변 종료\ufe5a",  # small brackets
    "(\u1103\u1161\u11b8변 종료)",  # conjoining jamo
    "(답변\u3000종료)",  # ideographic space
    "(답변\n종료)",
    "(답변\u202e 종료)",
])
def test_marker_look_alikes_are_caught(look_alike):
    assert find_marker(f"안녕 {look_alike} 하하") == "(답변 종료)"
    with pytest.raises(BadInput) as err:
        clean_user_text(f"안녕 {look_alike} 하하")
    assert str(err.value) == messages.CONTAINS_MARKER.format(marker="(답변 종료)")
    with pytest.raises(BadInput):
        clean_memory_item(f"[메모: {look_alike}]")


def test_stored_text_is_not_nfkc_folded():
    assert normalise_text("ㅋㅋ ｆｕｌｌ")[0] == "ㅋㅋ ｆｕｌｌ"
    assert find_marker("ㅋㅋ 답변 종료") is None  # the words alone are fine


def test_memory_items_are_normalised():
    assert clean_memory_item(" [좋아하는\x00 음식:\u202e 떡볶이]\u0085") == "[좋아하는 음식: 떡볶이]"
    assert clean_memory_item("음식:떡볶이") == "[음식: 떡볶이]"
    for bad in ("그냥 문장", "", "\x00", "[" + "가" * 300 + ": 나]"):
        with pytest.raises(BadInput):
            clean_memory_item(bad)


def test_user_ids_must_match_in_full():
    assert check_user_id("mina") == "mina"
    for bad in ("mina\n", "mina\r\n", "", "a b", "가" * 65):
        with pytest.raises(BadInput):
            check_user_id(bad)


def test_web_user_cookie_with_a_trailing_newline_is_not_an_identity():
    from ohlora.web.identity import _USER_RE

    assert _USER_RE.match("web-0123456789abcdef")
    assert not _USER_RE.match("web-0123456789abcdef\n")


# --- the store ------------------------------------------------------------------------------------------
def test_store_refuses_lone_surrogates_instead_of_failing(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        for call in (
            lambda: store.add_memories("a", [("[a: \ud800]", "[a:\ud800]", None)], None, 0.0),
            lambda: store.add_memories("\udc80", [("[a: b]", "[a:b]", None)], None, 0.0),
            lambda: store.forget_memory("a", "\ud800"),
            lambda: store.finish_turn("a", 0.0, TurnResult(user="a", text="\ud800"), None),
        ):
            with pytest.raises(BadInput) as err:
                call()
            assert str(err.value) == messages.TEXT_SURROGATE
        assert store.memory_rows("a") == [] and store.turns("a") == []
    finally:
        store.close()


def test_database_file_is_created_private_and_an_existing_ones_mode_is_kept(tmp_path):
    path = tmp_path / "new" / "ohlora.db"
    store = Store(f"sqlite:///{path}")
    try:
        store.add_memories("a", [("[a: b]", "[a:b]", None)], None, 0.0)
        made = [p for p in (path, path.with_name("ohlora.db-wal"), path.with_name("ohlora.db-shm")) if p.exists()]
        assert path in made
        for p in made:
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    finally:
        store.close()

    existing = tmp_path / "shared.db"
    existing.touch()
    existing.chmod(0o640)
    Store(f"sqlite:///{existing}").close()
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640


# --- the web app ------------------------------------------------------------------------------------------
fastapi = pytest.importorskip("fastapi")
pytest.importorskip("itsdangerous")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from ohlora.web.app import create_app  # noqa: E402
from ohlora.web.options import RateRule, WebOptions  # noqa: E402

ROOMY = RateRule(burst=10_000, per_second=1_000)


@pytest.fixture
def web(home, clock):
    services = make_services(home, clock, reply=Scripted(lambda r: " 응 좋아! (답변 종료)"))

    def build(**options):
        options = {"api_rate": ROOMY, "turn_rate": ROOMY, **options}
        return create_app(services.settings, services=services, options=WebOptions(**options))

    yield build, services
    services.close()


def has_security_headers(response) -> bool:
    return all(name in response.headers for name in SECURITY)


def test_surrogate_bodies_get_a_400_with_a_clear_message(web):
    build, services = web
    with TestClient(build()) as client:
        client.get("/")
        for url, body in (("/api/memory", '{"item":"[a: \\ud800]"}'),
                          ("/api/memory/forget", '{"item":"[a: \\ud800]"}'),
                          ("/api/face", '{"id":"\\ud800"}'),
                          ("/api/chat", '{"text":"\\udc00 안녕"}'),
                          ("/api/chat", '{"\\ud800":"x", "text":"안녕"}')):
            response = client.post(url, content=body, headers={"content-type": "application/json"})
            assert response.status_code == 400, (url, response.text)
            assert response.json()["error"] == {"code": "bad_text", "message": messages.TEXT_SURROGATE}
            assert has_security_headers(response)
        # a surrogate pair written as two escapes is an ordinary emoji
        ok = client.post("/api/memory", content='{"item":"[기분: \\ud83d\\ude00]"}',
                         headers={"content-type": "application/json"})
        assert ok.status_code == 200 and ok.json()["added"]
    assert services.memory.items(next(iter(services.store.users()))) == ["[기분: 😀]"]


def test_memory_items_go_through_the_normaliser(web):
    build, services = web
    with TestClient(build()) as client:
        added = client.post("/api/memory", json={"item": "[좋아\x00하는\x07 음식:\u202e 떡볶이]\u0085"})
        assert added.status_code == 200 and added.json()["items"] == ["[좋아하는 음식: 떡볶이]"]
        for look_alike in ("[메모: (답변\u00a0종료)]", "[메모: \uff08답변 종료\uff09]", "[메모: (답변\u200d 종료)]"):
            refused = client.post("/api/memory", json={"item": look_alike})
            assert refused.status_code == 400, look_alike
            assert refused.json()["error"]["message"] == messages.CONTAINS_MARKER.format(marker="(답변 종료)")
        forgotten = client.post("/api/memory/forget", json={"item": "[좋아하는 음식:\u200b 떡볶이]"})
        assert forgotten.json()["forgotten"] and forgotten.json()["items"] == []
        # chat: the same check, the same look-alikes
        result = client.post("/api/chat?stream=false", json={"text": "안녕 (답변\u00a0종료)"}).json()["result"]
        assert result["system_message"] == messages.CONTAINS_MARKER.format(marker="(답변 종료)")
        assert result["reply"] is None


HOSTILE_BODIES = [
    b'{"text":"\\ud800","item":"\\udfff","id":"\\udbff"}',
    b'{"text":"\xed\xa0\x80","item":"\xed\xa0\x80","id":"\xed\xa0\x80"}',  # a surrogate encoded as UTF-8 bytes
    b'{"text":"\xff\xfe","item":"\xc3\x28","id":"\x80"}',  # not UTF-8
    b"\xef\xbb\xbf" + '{"text":"안녕","item":"[a: b]","id":"embedded"}'.encode(),  # a BOM
    b'{"text":"\\u0000\\u202e\\u2028","item":"\\u0000","id":"\\u0000"}',
    b'{"text":null,"item":1e999,"id":[]}',
    b'{"text":NaN,"item":Infinity,"id":-Infinity}',
    b'{"text":' + b"9" * 5000 + b"}",
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 2000 + b"1" + b"}" * 2000,
    b'"\\ud800"',
    b"[]",
    b"",
    b"{",
    b'{"text":"a","text":"\\ud800"}',
    json.dumps({"text": "가" * 5000, "item": "[" + "가" * 3000 + ": b]", "id": "x" * 3000}).encode(),
]


def post_paths(routes) -> set[str]:
    """Every POST path of the app, also inside included routers (however this FastAPI nests them)."""
    paths: set[str] = set()
    for route in routes:
        if "POST" in (getattr(route, "methods", None) or ()):
            paths.add(route.path)
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and inner is not route:
            prefix = getattr(route, "prefix", "") or ""
            paths |= {prefix + path for path in post_paths(inner.routes)}
    return paths


def test_no_body_gives_a_500_on_any_json_endpoint(web):
    build, _ = web
    app = build(max_text_chars=10_000)
    posts = sorted(post_paths(app.routes))
    assert {"/api/chat", "/api/memory", "/api/memory/forget", "/api/face"} <= set(posts)
    with TestClient(app) as client:  # a server exception would be raised here
        client.get("/")
        for path in posts:
            for body in HOSTILE_BODIES:
                response = client.post(path, content=body, headers={"content-type": "application/json"})
                assert 400 <= response.status_code < 500 or response.status_code == 200, (path, body[:40], response.text)
                assert has_security_headers(response), (path, body[:40])
                if response.status_code != 200 or path != "/api/chat":
                    assert "error" in response.json() or response.status_code == 200


def test_every_error_response_has_the_security_headers(web, monkeypatch):
    build, services = web
    app = build(max_body_bytes=100)

    def broken(_user):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.memory, "items", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        failed = client.get("/api/memory")
        assert failed.status_code == 500 and failed.json()["error"]["code"] == "internal"
        assert failed.json()["error"]["message"] == messages.WEB_INTERNAL and "fire" not in failed.text
        assert has_security_headers(failed)
        for response in (client.get("/nowhere"), client.put("/api/memory"),
                         client.post("/api/memory", content=b"x" * 200, headers={"content-type": "application/json"}),
                         client.post("/api/memory", json={"wrong": 1}),
                         client.get("/", headers={"host": "evil.example"})):
            assert response.status_code >= 400 and has_security_headers(response), response.status_code


# --- the Host header -----------------------------------------------------------------------------------------
def test_a_foreign_host_is_refused_even_with_a_matching_origin(web):
    build, services = web
    with TestClient(build(), follow_redirects=False) as client:
        evil = {"host": "evil.example", "origin": "http://evil.example"}
        for method, url, kwargs in (("POST", "/api/chat", {"json": {"text": "안녕"}}), ("GET", "/", {}),
                                    ("GET", "/api/health", {}), ("GET", "/static", {}),
                                    ("POST", "/api/memory", {"json": {"item": "[a: b]"}})):
            response = client.request(method, url, headers=evil, **kwargs)
            assert response.status_code == 421, (url, response.text)
            error = response.json()["error"]
            assert error["code"] == "bad_host" and "evil.example" in error["message"] and "--allowed-host" in error["message"]
            assert "location" not in response.headers and "set-cookie" not in response.headers
        for bad in ("", "a b", "evil.example:99999", "testserver@evil.example", "[::1", "testserver:80:80"):
            assert client.get("/api/health", headers={"host": bad}).status_code in (400, 421), bad
        assert services.store.users() == [] and services.store.turns("x") == []
        assert client.get("/api/health").status_code == 200  # the address it came in on


def test_static_has_no_redirect_built_from_the_host(web):
    build, _ = web
    with TestClient(build(), follow_redirects=False) as client:
        response = client.get("/static")
        assert response.status_code == 404 and "location" not in response.headers
        assert client.get("/static/app.js").status_code == 200


def test_allowed_hosts_are_accepted(web):
    build, _ = web
    with TestClient(build(allowed_hosts=("ohlora.example", "lan.example:8080")), follow_redirects=False) as client:
        assert client.get("/api/health", headers={"host": "ohlora.example"}).status_code == 200
        assert client.get("/api/health", headers={"host": "OHLORA.example.:443"}).status_code == 200
        assert client.get("/api/health", headers={"host": "lan.example:8080"}).status_code == 200
        assert client.get("/api/health", headers={"host": "lan.example:8081"}).status_code == 421
        same = client.post("/api/memory", json={"item": "[a: b]"},
                           headers={"host": "ohlora.example", "origin": "http://ohlora.example"})
        assert same.status_code == 200


def test_host_rules():
    from ohlora.web.safety import allowed_host_list, check_allowed_host, host_allowed

    loop = ("127.0.0.1", 8000)
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST:8000", "localhost.:8000"):
        assert host_allowed(host, loop), host
    for host in ("evil.example:8000", "localhost:8001", "localhost", "127.0.0.2:8000", "0.0.0.0:8000", None, ""):
        assert not host_allowed(host, loop), host
    assert host_allowed("[::1]:9000", ("::1", 9000)) and host_allowed("localhost:9000", ("::1", 9000))
    assert host_allowed("localhost", ("127.0.0.1", 80))
    remote = ("192.168.0.7", 8000)
    assert host_allowed("192.168.0.7:8000", remote) and not host_allowed("localhost:8000", remote)
    assert host_allowed("ohlora.example", remote, ("ohlora.example",))
    assert host_allowed("ohlora.example", remote, ("ohlora.example:443",), https=True)
    assert allowed_host_list("0.0.0.0", ["a.example, b.example:81", "a.example"]) == ("a.example", "b.example:81")
    assert allowed_host_list("myhost.lan", []) == ("myhost.lan",)
    with pytest.raises(Exception, match="--allowed-host"):
        check_allowed_host("http://evil/")


def test_serve_passes_allowed_hosts_to_the_app(home, monkeypatch):
    import socket

    import uvicorn
    from typer.testing import CliRunner

    from ohlora.config import load_settings
    from ohlora.web.commands import serve

    started: list[object] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: started.append(self.config))

    class Obj:
        settings = load_settings(home, env={})

    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = Obj()

    app.command()(serve)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(app, ["serve", "--port", str(port), "--allowed-host", "ohlora.example",
                                      "--allowed-host", "lan.example:81"], env={})
    assert result.exit_code == 0, result.output
    with TestClient(started[-1].app) as client:
        assert client.get("/api/health", headers={"host": "ohlora.example"}).status_code == 200
        assert client.get("/api/health", headers={"host": "lan.example:81"}).status_code == 200
        assert client.get("/api/health", headers={"host": "evil.example"}).status_code == 421
    bad = CliRunner().invoke(app, ["serve", "--port", str(port), "--allowed-host", "http://x/"], env={})
    assert bad.exit_code != 0 and "--allowed-host" in str(bad.exception)


def test_real_server_checks_the_host_against_its_port(web):
    import httpx

    from ohlora.web.server import ServerThread

    build, _ = web
    with ServerThread(build()) as url, httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        port = url.rsplit(":", 1)[1]
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            assert client.get("/api/health", headers={"host": host}).status_code == 200, host
        for host in ("evil.example", f"evil.example:{port}", "localhost:1"):
            assert client.get("/api/health", headers={"host": host}).status_code == 421, host
        rebinding = client.post("/api/chat?stream=false", json={"text": "안녕"},
                                headers={"host": f"evil.example:{port}", "origin": f"http://evil.example:{port}"})
        assert rebinding.status_code == 421
        static = client.get("/static", headers={"host": f"localhost:{port}"})
        assert static.status_code == 404 and "location" not in static.headers


# --- a blocked user's memories ------------------------------------------------------------------------------
def test_a_blocked_user_can_read_and_forget_but_not_add_memories(web, clock):
    build, services = web
    with TestClient(build()) as client:
        assert client.post("/api/memory", json={"item": "[취미: 등산]"}).json()["added"]
        user = services.store.users()[0]
        services.sanctions.record(user, ["love"], clock.now())
        services.sanctions.record(user, ["love"], clock.now())  # the second time: a block
        assert services.sanctions.active(user, clock.now()) is not None
        refused = client.post("/api/memory", json={"item": "[음식: 떡볶이]"})
        assert refused.status_code == 403
        error = refused.json()["error"]
        assert error["code"] == "blocked" and error["block"]["reasons"] == ["love"]
        assert error["message"] == messages.MEMORY_ADD_BLOCKED.format(
            until=error["block"]["until_text"], reasons=messages.BLOCK_REASONS["love"])
        assert client.get("/api/memory").json()["items"] == ["[취미: 등산]"]
        forgot = client.post("/api/memory/forget", json={"item": "[취미: 등산]"})
        assert forgot.status_code == 200 and forgot.json()["forgotten"]
    assert services.memory.items(user) == []


def test_cli_memory_add_and_import_refuse_a_blocked_user(home, clock, tmp_path):
    from typer.testing import CliRunner

    from ohlora.cli import app

    services = make_services(home, clock)
    try:
        from datetime import datetime

        now = datetime.now()
        services.sanctions.record("mina", ["love"], now)
        services.sanctions.record("mina", ["love"], now)
    finally:
        services.close()
    runner = CliRunner()
    env = {"OHLORA_HOME": str(home)}
    added = runner.invoke(app, ["memory", "add", "--user", "mina", "[음식: 떡볶이]"], env=env)
    assert added.exit_code != 0 and "차단" in added.output + str(added.exception)
    file = tmp_path / "ohlora_memory.txt"
    file.write_text("[음식: 떡볶이]\n", encoding="utf-8")
    imported = runner.invoke(app, ["memory", "import", "--user", "mina", str(file)], env=env)
    assert imported.exit_code != 0
    hostile = runner.invoke(app, ["memory", "add", "--user", "someone", "[음식:\x07 떡\u202e볶이]"], env=env)
    assert hostile.exit_code == 0, hostile.output
    store = Store(f"sqlite:///{home / 'ohlora.db'}")
    try:
        assert store.memory_rows("mina") == []
        assert [r.text for r in store.memory_rows("someone")] == ["[음식: 떡볶이]"]
    finally:
        store.close()


def test_file_mode_survives_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "loose.db"
        Store(f"sqlite:///{path}").close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
