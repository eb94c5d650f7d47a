"""The page in headless Chromium (Debian's, driven by Playwright): face, chat, warning, block, isolation.

Screenshots land in `<tmp_path>/test-output/` (and in $OHLORA_TEST_OUTPUT when set, to keep them).
Skipped with a reason when Playwright or /usr/bin/chromium is missing (bash scripts/install-browser.sh).
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("itsdangerous")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is missing: run `bash scripts/install-browser.sh`"
)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
HANGUL = re.compile(r"[가-힣]")
WARNING_BG = "rgb(255, 246, 221)"  # --warn-bg in style.css
FINAL_REPLY = ".msg.lora:not(.typing):not(.draft) .bubble"


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path):
    """A fresh home and the real embedded pipeline behind uvicorn on a free loopback port."""
    from ohlora.config import load_settings
    from ohlora.web.app import create_app
    from ohlora.web.server import ServerThread

    app = create_app(load_settings(tmp_path / "home", env={}, seed=11))
    with ServerThread(app) as url:
        yield url


@pytest.fixture
def shots(tmp_path):
    folder = tmp_path / "test-output"
    folder.mkdir()
    yield folder
    keep = os.environ.get("OHLORA_TEST_OUTPUT")
    if keep:
        shutil.copytree(folder, Path(keep), dirs_exist_ok=True)


def open_page(chromium, url: str, viewport: dict, timezone_id: str | None = None, cookies=()):
    options = {"timezone_id": timezone_id} if timezone_id else {}
    context = chromium.new_context(viewport=viewport, locale="ko-KR", **options)
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="domcontentloaded")
    return context, page, errors


def face_is_live(page) -> None:
    page.wait_for_function("() => document.getElementById('face').naturalWidth > 0", timeout=20_000)


def face_pixels(page):
    from PIL import Image

    return Image.open(io.BytesIO(page.locator("#face").screenshot())).convert("RGB")


def say(page, text: str) -> None:
    before = page.locator(FINAL_REPLY).count() + page.locator(".sys").count()
    page.fill("#input", text)
    page.press("#input", "Enter")
    page.wait_for_function(
        "(n) => document.querySelectorAll('.msg.lora:not(.typing):not(.draft) .bubble').length"
        " + document.querySelectorAll('.sys').length > n && !document.getElementById('send').disabled",
        arg=before, timeout=30_000,
    )


def test_face_chat_warning_block_and_a_second_user(chromium, server, shots):
    pytest.importorskip("PIL")
    from PIL import ImageChops

    alice_ctx, alice, alice_errors = open_page(chromium, server, DESKTOP)
    bob_ctx, bob, bob_errors = open_page(chromium, server, PHONE)
    try:
        # the face is there and alive: two captures a moment apart differ
        face_is_live(alice)
        face_is_live(bob)
        first = face_pixels(alice)
        alice.wait_for_timeout(1500)
        second = face_pixels(alice)
        assert ImageChops.difference(first, second).getbbox() is not None, "the face did not change over time"
        alice.screenshot(path=str(shots / "01-desktop-welcome.png"))
        bob.screenshot(path=str(shots / "01-phone-welcome.png"))

        # a Korean reply
        say(alice, "로라야 안녕")
        reply = alice.locator(FINAL_REPLY).last.inner_text()
        assert HANGUL.search(reply), reply
        say(alice, "내 생일은 3월 7일이야")
        alice.wait_for_function("() => document.getElementById('memory-count').textContent === '1'")
        alice.screenshot(path=str(shots / "02-desktop-reply.png"))

        # a love confession: a warning, styled as a warning
        say(alice, "로라야 사랑해")
        warning = alice.locator(".sys.warning").last
        warning.wait_for()
        assert "경고" in warning.inner_text() and "사랑 고백" in warning.inner_text()
        assert warning.evaluate("e => getComputedStyle(e).backgroundColor") == WARNING_BG
        alice.screenshot(path=str(shots / "03-desktop-warning.png"))

        # again: the block page, with reason and expiry
        alice.fill("#input", "로라야 사랑해")
        alice.press("#input", "Enter")
        alice.locator("#blocked").wait_for(state="visible", timeout=30_000)
        assert "사랑 고백" in alice.locator("#blocked-reason").inner_text()
        assert re.search(r"\d{4}\.\d{2}\.\d{2}", alice.locator("#blocked-until").inner_text())
        assert "시간" in alice.locator("#blocked-message").inner_text()
        alice.screenshot(path=str(shots / "04-desktop-blocked.png"))

        # reload and a new tab: still blocked
        alice.reload(wait_until="domcontentloaded")
        alice.locator("#blocked").wait_for(state="visible", timeout=20_000)
        alice.screenshot(path=str(shots / "05-desktop-blocked-after-reload.png"))
        tab = alice_ctx.new_page()
        tab.goto(server, wait_until="domcontentloaded")
        tab.locator("#blocked").wait_for(state="visible", timeout=20_000)
        assert not tab.locator("#input").is_visible()

        # the other user, at the same time: chats normally, sees none of that
        say(bob, "나 내일 면접 있어")
        assert HANGUL.search(bob.locator(FINAL_REPLY).last.inner_text())
        assert bob.locator("#blocked").is_hidden()
        assert bob.locator(".sys.warning, .sys.block").count() == 0
        bob.click("#memory-toggle")
        bob.locator("#memory-panel").wait_for(state="visible")
        bob.wait_for_function("() => document.querySelectorAll('#memory-list li').length > 0")
        items = bob.locator("#memory-list li span").all_inner_texts()
        assert items == ["[내일 일정: 면접]"], items
        assert "3월 7일" not in bob.content()
        bob.screenshot(path=str(shots / "06-phone-memory-panel.png"))
        bob.click("#memory-close")
        bob.screenshot(path=str(shots / "07-phone-chat.png"))
        assert not alice_errors and not bob_errors, alice_errors + bob_errors
    finally:
        alice_ctx.close()
        bob_ctx.close()
    assert len(list(shots.glob("*.png"))) == 8


def test_idle_session_ends_and_talking_again_brings_her_back(chromium, tmp_path, shots):
    """The 180 s rule, shortened: the page shows the idle end, the face pauses, a message resumes it."""
    from ohlora import messages
    from ohlora.config import load_settings
    from ohlora.web.app import create_app
    from ohlora.web.options import WebOptions
    from ohlora.web.server import ServerThread

    settings = load_settings(tmp_path / "home", env={}, seed=12, idle_timeout_s=2)
    app = create_app(settings, options=WebOptions(reap_interval_s=0.5, poll_s=0.5))
    with ServerThread(app) as url:
        context, page, errors = open_page(chromium, url, PHONE)
        try:
            face_is_live(page)
            note = page.locator(".sys.notice", has_text="대화를 마쳤어요")
            note.wait_for(timeout=20_000)
            assert "초 동안 아무 말이 없어서" in note.inner_text()
            page.wait_for_function("() => document.querySelector('.face-frame').classList.contains('paused')")
            assert page.locator("#status-text").inner_text() == messages.WEB_UI["status_ended"]
            assert app.state.web.sessions.sessions == {}  # the server freed the session
            page.screenshot(path=str(shots / "08-phone-idle-end.png"))
            say(page, "나 다시 왔어")
            page.wait_for_function("() => !document.querySelector('.face-frame').classList.contains('paused')")
            assert len(app.state.web.sessions.sessions) == 1
            assert not errors, errors
        finally:
            context.close()


# --- nothing the user typed is lost; times in the browser's zone; Korean wraps between words -------------------
@pytest.fixture
def scripted_server(home, clock):
    """`start(**options) -> (url, app)`: the app on scripted roles, a keyword judge and a manual clock.

    The clock never moves by itself: rate-limit buckets do not refill and sessions never go idle.
    """
    from contextlib import ExitStack

    from conftest import Scripted, make_services
    from ohlora.web.app import create_app
    from ohlora.web.options import RateRule, WebOptions
    from ohlora.web.server import ServerThread

    def memory_for(request) -> str:
        match = re.search(r"생일은 (\d+월 \d+일)", request.input.text)
        return f" [생일: {match.group(1)}] (요약 종료)" if match else " (요약 종료)"

    services = make_services(home, clock, memory=Scripted(memory_for))
    stack = ExitStack()

    def start(**options):
        options.setdefault("api_rate", RateRule(burst=10_000, per_second=100))
        app = create_app(services.settings, services=services, options=WebOptions(**options))
        return stack.enter_context(ServerThread(app)), app

    yield start
    stack.close()
    services.close()


def welcome_shown(page) -> None:
    """The page's start-up finished (state read, history drawn, welcome shown)."""
    page.locator(".sys.notice").first.wait_for(timeout=20_000)


def breaks_inside_words(locator) -> list[str]:
    """Where the rendered text wraps to a new line without a space or newline before it (should be none)."""
    return locator.evaluate(
        """(root) => {
            const bad = [];
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.textContent;
                let lastTop = null;
                for (let i = 0; i < text.length; i++) {
                    if (/\\s/.test(text[i])) continue;
                    const range = document.createRange();
                    range.setStart(node, i);
                    range.setEnd(node, i + 1);
                    const rect = range.getBoundingClientRect();
                    if (lastTop !== null && rect.top > lastTop + 2 && !/\\s/.test(text[i - 1])) {
                        bad.push(text.slice(Math.max(0, i - 4), i) + "|" + text.slice(i, i + 4));
                    }
                    lastTop = rect.top;
                }
            }
            return bad;
        }"""
    )


def line_count(locator) -> int:
    """How many lines the element's text takes on screen."""
    return locator.evaluate(
        """(root) => {
            const range = document.createRange();
            range.selectNodeContents(root);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        }"""
    )


def assert_keep_all(page, selector: str) -> None:
    style = page.locator(selector).first.evaluate(
        "e => { const s = getComputedStyle(e); return [s.wordBreak, s.overflowWrap]; }"
    )
    assert style == ["keep-all", "anywhere"], (selector, style)


def test_a_rate_limited_message_stays_in_the_input_box_and_is_not_drawn(chromium, scripted_server):
    from ohlora import messages
    from ohlora.web.options import RateRule

    url, _app = scripted_server(turn_rate=RateRule(burst=1, per_second=1 / 600))
    context, page, errors = open_page(chromium, url, DESKTOP)
    try:
        welcome_shown(page)
        say(page, "로라야 안녕")
        assert page.locator(".msg.user .bubble").all_inner_texts() == ["로라야 안녕"]
        assert page.input_value("#input") == ""  # a message the server took leaves the box

        second = "오늘 저녁에 뭐 먹을지 같이 골라 줘"
        with page.expect_response(lambda r: r.url.endswith("/api/chat") and r.request.method == "POST") as refused:
            page.fill("#input", second)
            page.press("#input", "Enter")
        response = refused.value
        assert response.status == 429
        seconds = int(response.headers["retry-after"])
        assert seconds >= 600 and response.json()["error"]["retry_after_s"] == seconds
        notice = page.locator(".sys.notice", has_text=f"{seconds}초")
        notice.wait_for()
        page.wait_for_function("() => !document.getElementById('send').disabled")

        assert page.input_value("#input") == second
        assert page.locator(".msg.user .bubble").all_inner_texts() == ["로라야 안녕"]
        assert second not in page.locator("#log").inner_text()
        assert page.locator(".msg.lora.typing").count() == 0
        text = notice.inner_text()
        assert messages.WEB_UI["rate_limited"].format(seconds=seconds) in text
        assert messages.WEB_UI["message_kept"] in text
        assert_keep_all(page, ".sys.notice .sys-text")
        assert not errors, errors
    finally:
        context.close()


def test_block_expiry_is_shown_in_the_browsers_time_zone(chromium, scripted_server, home, clock):
    from datetime import datetime, timedelta, timezone

    from ohlora.store import SanctionRow
    from ohlora.web.deps import USER_COOKIE
    from ohlora.web.identity import Identities, load_secret

    url, app = scripted_server()
    seoul_ctx, seoul, seoul_errors = open_page(chromium, url, DESKTOP, "Asia/Seoul")
    utc_ctx = None
    try:
        welcome_shown(seoul)
        cookies = seoul_ctx.cookies()
        user = Identities(load_secret(home)).read_user(next(c["value"] for c in cookies if c["name"] == USER_COOKIE))
        assert user is not None
        blocked_at = int(clock.now().timestamp())
        app.state.web.services.store.add_sanction_rows(user, [SanctionRow(blocked_at, 3600, "love", 2)])
        until_ts = blocked_at + 3600

        seoul.reload(wait_until="domcontentloaded")
        seoul.locator("#blocked").wait_for(state="visible", timeout=20_000)
        until = seoul.request.get(url + "/api/state").json()["blocked"]["until"]
        assert datetime.fromisoformat(until) == datetime.fromtimestamp(until_ts, timezone.utc)
        assert datetime.fromisoformat(until).utcoffset() == timedelta(0)
        in_seoul = datetime.fromisoformat(until).astimezone(timezone(timedelta(hours=9)))
        seoul.wait_for_function("() => document.getElementById('blocked-until').textContent.length > 0")
        assert seoul.locator("#blocked-until").inner_text() == in_seoul.strftime("%Y.%m.%d %H:%M:%S")
        for selector in ("#blocked-message", "#blocked-until", "#blocked-reason"):
            assert_keep_all(seoul, selector)

        # the same block in a browser set to UTC shows the same instant on its own clock (a phone, too)
        utc_ctx, utc, utc_errors = open_page(chromium, url, PHONE, "UTC", cookies)
        utc.locator("#blocked").wait_for(state="visible", timeout=20_000)
        utc.wait_for_function("() => document.getElementById('blocked-until').textContent.length > 0")
        in_utc = datetime.fromtimestamp(until_ts, timezone.utc).strftime("%Y.%m.%d %H:%M:%S")
        assert utc.locator("#blocked-until").inner_text() == in_utc
        message = utc.locator("#blocked-message")
        assert "사랑 고백" in message.inner_text()
        assert breaks_inside_words(message) == []
        assert not seoul_errors and not utc_errors, seoul_errors + utc_errors
    finally:
        seoul_ctx.close()
        if utc_ctx is not None:
            utc_ctx.close()


def test_memory_notes_come_back_after_a_reload_and_the_setup_line_waits_behind_a_toggle(chromium, scripted_server):
    from ohlora import messages

    ui = messages.WEB_UI
    url, _app = scripted_server()
    context, page, errors = open_page(chromium, url, PHONE)
    try:
        welcome_shown(page)
        # the developer line: filled in, hidden, shown and hidden again by the ⓘ button
        toggle = page.locator("#backend-toggle")
        page.wait_for_function("() => document.getElementById('backend').textContent.length > 0")
        assert page.locator("#backend").is_hidden() and toggle.get_attribute("aria-expanded") == "false"
        assert toggle.get_attribute("aria-label") == ui["backend_toggle"]
        toggle.click()
        assert page.locator("#backend").is_visible() and toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#backend").inner_text().startswith(ui["backend"] + ":")
        toggle.click()
        assert page.locator("#backend").is_hidden() and toggle.get_attribute("aria-expanded") == "false"

        say(page, "내 생일은 3월 7일이야")
        say(page, "생일 3월 7일 기억해?")
        expected = [f"{ui['memory_added_note']}: [생일: 3월 7일]", f"{ui['memory_used_note']}: [생일: 3월 7일]"]
        assert page.locator(".msg.lora .note").all_inner_texts() == expected
        for selector in (".msg.user .bubble", ".msg.lora .bubble", ".msg.lora .note", ".sys .sys-text"):
            assert_keep_all(page, selector)

        page.reload(wait_until="domcontentloaded")
        welcome_shown(page)
        page.wait_for_function("() => document.querySelectorAll('.msg.lora .note').length >= 2")
        assert page.locator(".msg.user .bubble").all_inner_texts() == ["내 생일은 3월 7일이야", "생일 3월 7일 기억해?"]
        assert page.locator(".msg.lora .note").all_inner_texts() == expected
        assert page.locator("#backend").is_hidden()  # hidden again after the reload

        # a long Korean line in a bubble wraps between words only
        long_text = "오늘은 정말 오랜만에 학교 앞 작은 카페에서 친구들이랑 밤늦게까지 과제를 하면서 이야기를 많이 나눴어"
        say(page, long_text)
        bubble = page.locator(".msg.user .bubble", has_text="오랜만에").last
        assert line_count(bubble) >= 2  # it did wrap
        assert breaks_inside_words(bubble) == []
        assert not errors, errors
    finally:
        context.close()
