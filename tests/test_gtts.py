"""gTTS against a faked network: `responses` or a local HTTP server (tests/fake_google.py) stands in for
Google; everything behind the wire (gTTS's request bodies, ffmpeg decoding, timing, cache) is real."""

import re
import socket
import threading

import pytest
import requests
import responses
from fake_google import FakeGoogle, google_reply, sent_text, tone_mp3
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.audio import sound
from broadcast.voice.base import EngineError
from broadcast.voice import gtts_engine
from broadcast.voice.gtts_engine import MAX_CHARS, SAMPLE_RATE, GttsEngine, RetryPolicy, split_for_google

URL = re.compile(r"https://translate\.google\.com/_/TranslateWebserverUi/data/batchexecute.*")
QUICK = RetryPolicy(connect_timeout=1.0, read_timeout=1.0, retries=2, backoff=0.0)
LONG_PART = ("Ủy ban nhân dân tỉnh Thanh Hóa vừa tổ chức hội nghị tổng kết công tác năm 2024 và triển khai "
             "nhiệm vụ năm 2025 với sự tham dự của đồng chí Nguyễn Văn A, Phó Chủ tịch Ủy ban nhân dân tỉnh, "
             "cùng đại diện lãnh đạo các sở, ban, ngành, đoàn thể cấp tỉnh")


@pytest.fixture(scope="module")
def mp3_bytes() -> bytes:
    return tone_mp3(0.5)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(gtts_engine, "DEFAULT_POLICY", QUICK)


def engine(**options) -> GttsEngine:
    return GttsEngine(**options)


# --- chunking -----------------------------------------------------------------------------------------------

def test_short_text_is_one_chunk():
    assert split_for_google("Xin chào, các bạn.") == ["Xin chào, các bạn."]


def test_long_part_is_cut_at_a_clause_not_at_every_comma():
    chunks = split_for_google(LONG_PART)
    assert all(len(c) <= MAX_CHARS for c in chunks)
    assert " ".join(chunks) == LONG_PART
    # cut before a conjunction and after a comma, where a reader pauses; not inside "nhiệm vụ" or a name
    assert [c.split()[-1] for c in chunks] == ["2024", "A,", "tỉnh"]
    from gtts import gTTS

    assert len(gTTS(LONG_PART, lang="vi", lang_check=False)._tokenize(LONG_PART)) == 7  # at every comma


def test_numbers_and_names_are_never_cut():
    text = ("Tổng vốn đầu tư 1.234.567.890 đồng, tăng 3,5% so với cùng kỳ, do TP.HCM và Hà Nội dẫn đầu "
            "theo báo cáo lúc 12:30 ngày 12/3/2025 của Bộ Kế hoạch và Đầu tư")
    chunks = split_for_google(text)
    joined_words = [w for c in chunks for w in c.split()]
    assert joined_words == text.split()
    for token in ("1.234.567.890", "3,5%", "TP.HCM", "12:30", "12/3/2025"):
        assert any(token in c for c in chunks)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãờớợởỡ0123456789.,;:", min_size=1,
                        max_size=30), min_size=1, max_size=40))
def test_chunks_fit_and_keep_every_word(words):
    text = " ".join(words)
    chunks = split_for_google(text)
    assert [w for c in chunks for w in c.split()] == text.split()
    assert all(len(c) <= MAX_CHARS for c in chunks)


# --- transport ----------------------------------------------------------------------------------------------

@responses.activate
def test_each_part_is_fetched_and_timed_from_its_own_audio(mp3_bytes):
    responses.add(responses.POST, URL, body=google_reply(mp3_bytes))
    speech = engine().synthesize(["Sáng ngày mười hai tháng ba,", "đoàn công tác đến thăm."])
    assert sorted(sent_text(c.request.body) for c in responses.calls) == ["Sáng ngày mười hai tháng ba,",
                                                                          "đoàn công tác đến thăm."]
    (a0, a1), (b0, b1) = speech.part_spans
    assert 0.45 < (a1 - a0) / SAMPLE_RATE < 0.55 and 0.45 < (b1 - b0) / SAMPLE_RATE < 0.55
    assert b0 > a1


@responses.activate
def test_requests_carry_at_most_100_characters_with_tls_checks_and_timeouts(mp3_bytes):
    responses.add(responses.POST, URL, body=google_reply(mp3_bytes))
    speech = engine().synthesize([LONG_PART, "Xin cảm ơn."])
    texts = [sent_text(c.request.body) for c in responses.calls]
    assert len(texts) == 4 and all(len(t) <= MAX_CHARS for t in texts)
    assert sorted(texts) == sorted(split_for_google(LONG_PART) + ["Xin cảm ơn."])
    for call in responses.calls:
        verify = call.request.req_kwargs["verify"]
        assert verify is True or verify == requests.utils.DEFAULT_CA_BUNDLE_PATH or str(verify).endswith(".crt")
        assert call.request.req_kwargs["timeout"] == (QUICK.connect_timeout, QUICK.read_timeout)
    # the long part is timed as a whole: its three chunks, joined without drift
    (a0, a1), _ = speech.part_spans
    assert abs((a1 - a0) / SAMPLE_RATE - 1.5) < 0.03


@responses.activate
def test_429_then_success_honours_retry_after(mp3_bytes):
    responses.add(responses.POST, URL, status=429, headers={"Retry-After": "3"})
    responses.add(responses.POST, URL, body=google_reply(mp3_bytes))
    waits: list[float] = []
    speech = engine(wait_hook=waits.append).synthesize(["Xin chào."])
    assert len(responses.calls) == 2 and speech.n_samples > 0
    assert waits == [3.0]


@responses.activate
def test_server_errors_until_retries_are_exhausted():
    responses.add(responses.POST, URL, status=503)
    gt = engine()
    with pytest.raises(EngineError) as info:
        gt.synthesize(["Xin chào."])
    message = str(info.value)
    assert len(responses.calls) == QUICK.retries + 1
    assert "\n" not in message and "Xin chào." in message and "HTTP 503" in message and "3 attempts" in message
    assert gt.stats.retries == QUICK.retries


def test_backoff_grows_with_jitter_and_is_capped():
    policy = RetryPolicy(backoff=0.5, max_wait=3.0)
    assert [policy.wait_before(n, None, rng=lambda: 1.0) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.wait_before(2, None, rng=lambda: 0.25) == 0.5
    assert policy.wait_before(0, 120.0) == 3.0  # a Retry-After beyond the cap waits the cap


@responses.activate
def test_read_timeout_is_retried_then_reported():
    responses.add(responses.POST, URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(EngineError, match=r"no answer within 1 s \(timeout\), after 3 attempts"):
        engine().synthesize(["Xin chào."])
    assert len(responses.calls) == 3


def test_a_server_that_never_answers_times_out(mp3_bytes):
    policy = RetryPolicy(connect_timeout=1.0, read_timeout=0.2, retries=1, backoff=0.0)
    with FakeGoogle(mp3_bytes, stall=True) as google:
        with pytest.raises(EngineError, match="timeout"):
            engine(endpoint=google.url, policy=policy).synthesize(["Xin chào."])
        assert len(google.texts) == 2


@responses.activate
def test_garbage_body_is_an_error_without_retry():
    responses.add(responses.POST, URL, body="<html>captive portal</html>")
    with pytest.raises(EngineError, match="holds no audio"):
        engine().synthesize(["Xin chào."])
    assert len(responses.calls) == 1


@responses.activate
def test_audio_that_is_not_mp3_is_an_error():
    responses.add(responses.POST, URL, body=google_reply(b"not an mp3 at all"))
    with pytest.raises(EngineError, match="cannot be decoded"):
        engine().synthesize(["Xin chào."])


def test_connection_refused():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/_/TranslateWebserverUi/data/batchexecute"
    with pytest.raises(EngineError) as info:
        engine(endpoint=url).synthesize(["Xin chào."])
    message = str(info.value)
    assert "Connection refused" in message and "after 3 attempts" in message and "\n" not in message


@responses.activate
def test_a_bad_certificate_is_not_retried():
    responses.add(responses.POST, URL, body=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(EngineError, match="TLS certificate check failed"):
        engine().synthesize(["Xin chào."])
    assert len(responses.calls) == 1


def test_chunks_go_out_in_parallel_up_to_the_limit(mp3_bytes):
    sentences = [[f"Câu số {i}, phần một.", f"phần hai của câu {i}."] for i in range(6)]
    with FakeGoogle(mp3_bytes, delay=0.15) as google:
        results = dict(engine(endpoint=google.url, concurrency=3).synthesize_all(sentences))
    assert sorted(results) == list(range(6)) and len(google.texts) == 12
    assert google.max_in_flight == 3


def test_a_language_that_is_not_vietnamese_is_refused():
    with pytest.raises(EngineError, match=r"--voice 'en' is not a Vietnamese voice of gtts \(choose from: vi\)"):
        GttsEngine(voice="en")


# --- encoder padding ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("tagged, tolerance", [(True, 0.001), (False, 0.15)])
def test_eighteen_joined_chunks_do_not_drift(tagged, tolerance):
    chunk = tone_mp3(0.5, tagged=tagged)
    naive = len(sound.decode_mp3(chunk * 18, SAMPLE_RATE)) / 2 / SAMPLE_RATE  # what gTTS's joined MP3 gives
    assert naive - 9.0 > 0.5
    trimmed = 18 * len(sound.decode_mp3_gapless(chunk, SAMPLE_RATE)) / 2 / SAMPLE_RATE  # chunks decoded alone
    assert abs(trimmed - 9.0) < tolerance


def test_mp3_stream_header():
    info = sound.mp3_stream(tone_mp3(0.2, tagged=True))
    assert info is not None and info.sample_rate == 24000 and info.gapless_tag
    assert not sound.mp3_stream(tone_mp3(0.2, tagged=False)).gapless_tag
    assert sound.mp3_stream(b"<html>") is None


def test_the_sentence_named_is_the_first_that_fails_whatever_order_the_replies_come_in(mp3_bytes):
    """Sentence 2's request fails first; sentence 1's fails after it: the error names sentence 1 (position 0).
    Sentence 1 fails once the run is stopped, or after 0.5 s if it never is (a run that stopped at the first
    failure it saw would name sentence 2)."""
    second_failed = threading.Event()

    class OutOfOrder(GttsEngine):
        def chunk_pcm(self, text, stop=None):
            if "một" in text:
                assert second_failed.wait(10)
                stop.wait(0.5)
                raise EngineError("first sentence refused")
            if "hai" in text:
                second_failed.set()
                raise EngineError("second sentence refused")
            return super().chunk_pcm(text, stop)

    with FakeGoogle(mp3_bytes) as google:
        voice = OutOfOrder(endpoint=google.url, concurrency=4, policy=QUICK)
        with pytest.raises(EngineError, match="first sentence refused") as caught:
            list(voice.synthesize_all([["Câu một."], ["Câu hai."], ["Câu ba."]]))
    assert caught.value.position == 0
