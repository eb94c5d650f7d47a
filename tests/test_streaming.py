import io

from rich.console import Console

from conftest import KeywordJudge, Scripted
from ohlora import messages
from ohlora.cli import _TerminalStream
from ohlora.conversation.result import TurnResult
from ohlora.mind.base import GenerationRequest
from ohlora.mind.streaming import StreamingReply, draft_text, safe_to_stream


def test_draft_text_hides_the_end_marker_and_its_partial_tail():
    assert draft_text(" 안녕! (답변 종료) 뒤") == "안녕!"
    assert draft_text(" 안녕! (답변") == "안녕!"
    assert draft_text(" 안녕! (") == "안녕!"
    assert draft_text(" 안녕!") == "안녕!"


def test_streaming_reply_forwards_pieces_with_the_trial_number():
    def pieces(request: GenerationRequest) -> str:
        return " 안녕 (답변 종료)"

    class Chunky(Scripted):
        def generate(self, request, on_text=None):
            for piece in (" 안", "녕 ", "(답변 종료)"):
                if on_text:
                    on_text(piece)
            return super().generate(request)

    wrapper = StreamingReply(Chunky(pieces))
    seen = []
    wrapper.listener = lambda trial, text: seen.append((trial, text))
    wrapper.generate(GenerationRequest("x (답변 시작)", "(답변 종료)", 0.6, 10, trial=2))
    assert seen == [(2, " 안"), (2, "녕 "), (2, "(답변 종료)")]
    wrapper.listener = None
    wrapper.generate(GenerationRequest("x (답변 시작)", "(답변 종료)", 0.6, 10))
    assert len(seen) == 3


def test_only_harmless_messages_are_streamed():
    judge = KeywordJudge()
    assert safe_to_stream(judge, "오늘 날씨 좋다")
    assert not safe_to_stream(judge, "로라야 사랑해")  # might end in a warning: never shown early


def test_terminal_stream_prints_live_and_restarts_after_a_rejected_trial():
    buffer = io.StringIO()
    out = Console(file=buffer, force_terminal=False, width=200)
    live = _TerminalStream(out)
    live.piece(0, " 오늘 불")
    live.piece(0, "금! (답변 종료)")
    live.piece(1, " 좋은 ")
    live.piece(1, "하루! (답변 종료)")
    assert live.finish(TurnResult(user="u", text="t", reply="좋은 하루!"))
    text = buffer.getvalue()
    assert "오늘 불금!" in text and messages.STREAM_RETRY in text and text.rstrip().endswith("좋은 하루!")
    assert text.count(messages.REPLY_LABEL.strip()) == 2
