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


def open_page(chromium, url: str, viewport: dict):
    context = chromium.new_context(viewport=viewport, locale="ko-KR")
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
