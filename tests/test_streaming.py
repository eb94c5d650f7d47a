"""Drafts of the reply: the conversation decides what may be streamed; the terminal shows it live."""

import io

from rich.console import Console

from conftest import CountingJudge, Scripted
from ohlora import messages
from ohlora.cli import _TerminalStream
from ohlora.conversation.result import TurnResult
from ohlora.conversation.session import Conversation
from ohlora.mind.completion import draft_text


def test_draft_text_hides_the_end_marker_and_its_partial_tail():
    assert draft_text(" 안녕! (답변 종료) 뒤") == "안녕!"
    assert draft_text(" 안녕! (답변") == "안녕!"
    assert draft_text(" 안녕! (") == "안녕!"
    assert draft_text(" 안녕!") == "안녕!"


class Chunky(Scripted):
    """Answers in three pieces, as a model streams tokens."""

    def generate(self, request, on_text=None):
        generation = super().generate(request)
        if on_text:
            text = generation.text
            for piece in (text[:3], text[3:-4], text[-4:]):
                on_text(piece)
        return generation


def test_drafts_grow_per_trial_and_a_rejected_trial_starts_over(services_factory):
    reply = Chunky([" 오늘 불금이다! (답변 종료)", " 좋은 하루 보내! (답변 종료)"])  # Wednesday: trial 0 is rejected
    conversation = Conversation(services_factory(reply=reply), "u")
    drafts: list[tuple[int, str]] = []
    result = conversation.turn("오늘 뭐 해?", on_draft=lambda trial, text: drafts.append((trial, text)))
    assert result.reply == "좋은 하루 보내!"
    assert [t for t, _ in drafts] == sorted(t for t, _ in drafts) and {t for t, _ in drafts} == {0, 1}
    assert drafts[-1] == (1, "좋은 하루 보내!")
    assert all("(답변" not in text for _, text in drafts)


def test_a_message_that_may_be_sanctioned_gets_no_drafts(services_factory):
    conversation = Conversation(services_factory(reply=Chunky([" 미안 ㅠㅠ 친구로 지내자 (답변 종료)"])), "u")
    drafts: list[tuple[int, str]] = []
    result = conversation.turn("로라야 사랑해", on_draft=lambda trial, text: drafts.append((trial, text)))
    assert drafts == [] and result.sanction is not None and result.sanction.action == "warning"


def test_the_judge_reads_the_message_once_per_turn(services_factory):
    judge = CountingJudge()
    conversation = Conversation(services_factory(judge=judge), "u")
    for text in ("오늘 날씨 좋다", "로라야 사랑해", "대통령 누구 좋아해?"):
        judge.texts.clear()
        conversation.turn(text, on_draft=lambda trial, draft: None)
        assert judge.texts.count(text) == 1
        assert len(judge.texts) == 2  # the message and her one accepted answer


def test_terminal_stream_prints_live_and_restarts_after_a_rejected_trial():
    buffer = io.StringIO()
    out = Console(file=buffer, force_terminal=False, width=200)
    live = _TerminalStream(out)
    live.draft(0, "오늘 불")
    live.draft(0, "오늘 불금!")
    live.draft(1, "좋은")
    live.draft(1, "좋은 하루!")
    assert live.finish(TurnResult(user="u", text="t", reply="좋은 하루!"))
    text = buffer.getvalue()
    assert "오늘 불금!" in text and messages.STREAM_RETRY in text and text.rstrip().endswith("좋은 하루!")
    assert text.count(messages.REPLY_LABEL.strip()) == 2
