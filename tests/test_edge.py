"""The edge engine against a local fake of Microsoft's read-aloud service (tests/fake_edge.py): the real edge-tts
client, aiohttp, ffmpeg, the cache and the pipeline run unchanged; only the server is faked. No test here
touches the network."""

from __future__ import annotations

import json
import re
import socket
import time

import pytest
from click.testing import CliRunner
import cue_truth
from conftest import SAMPLE
from fake_edge import FakeEdge, part_onsets

from broadcast import pipeline
from broadcast.cli import cli
from broadcast.errors import BroadcastError
from broadcast.voice import edge_engine, synthesis
from broadcast.voice.base import EngineError
from broadcast.voice.cache import SegmentCache
from broadcast.voice.edge_engine import SAMPLE_RATE, EdgeEngine
from broadcast.voice.online import RetryPolicy

# generous timeouts (a loaded machine must not make a test fail), no waits between attempts
QUICK = RetryPolicy(connect_timeout=10.0, read_timeout=10.0, retries=2, backoff=0.0, max_wait=0.0)
FRAME = 1 / 25
SENTENCE = ["Sáng ngày mười hai tháng ba,", "tại thành phố Thanh Hóa,", "hội nghị tổng kết công tác y tế."]


@pytest.fixture(autouse=True)
def quick_and_clean(monkeypatch):
    from edge_tts.drm import DRM

    monkeypatch.setattr(edge_engine, "DEFAULT_POLICY", QUICK)
    monkeypatch.setattr(DRM, "clock_skew_seconds", 0.0)  # edge-tts keeps the skew it learns in a class attribute


def serve(monkeypatch, **options) -> FakeEdge:
    """A running fake that edge-tts is pointed at (its endpoint constant, as the issue tracker documents)."""
    import edge_tts.communicate

    fake = FakeEdge(**options).__enter__()
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", fake.url)
    return fake


@pytest.fixture
def edge(monkeypatch):
    fake = serve(monkeypatch)
    yield fake
    fake.__exit__(None, None, None)


@pytest.fixture
def faulty(monkeypatch):
    """serve_with(faults=…, clock_skew=…) → a running fake with those faults; all stopped after the test."""
    started: list[FakeEdge] = []

    def serve_with(**options) -> FakeEdge:
        started.append(serve(monkeypatch, **options))
        return started[-1]

    yield serve_with
    for fake in started:
        fake.__exit__(None, None, None)


# --- speaking -----------------------------------------------------------------------------------------------

def test_a_sentence_is_one_request_and_each_cue_starts_at_its_first_word(edge):
    speech = EdgeEngine(rate=4.5).synthesize(SENTENCE)
    [request] = edge.requests
    assert request.text == " ".join(SENTENCE) and request.word_boundary  # asked for word boundaries
    assert request.voice.endswith("(vi-VN, HoaiMyNeural)") and request.rate == "+0%"
    truth = part_onsets(edge, SENTENCE)
    starts = [a / SAMPLE_RATE for a, _ in speech.part_spans]
    assert all(abs(s - t) < FRAME for s, t in zip(starts, truth)), (starts, truth)
    ends = [b / SAMPLE_RATE for _, b in speech.part_spans]
    assert all(e < s for e, s in zip(ends, starts[1:]))  # each cue ends before the next begins


def test_word_offsets_reported_early_are_snapped_to_the_sound(monkeypatch, faulty):
    fake = faulty(early=0.08)
    speech = EdgeEngine(rate=4.5).synthesize(SENTENCE)
    truth = part_onsets(fake, SENTENCE)
    assert all(abs(a / SAMPLE_RATE - t) < 0.011 for (a, _), t in zip(speech.part_spans, truth))


def test_rate_is_syllables_per_second_mapped_to_the_service_percentage(edge):
    assert edge_engine.service_rate("vi-VN-HoaiMyNeural", 4.5) == 0
    EdgeEngine(rate=3.6, voice="vi-VN-NamMinhNeural").synthesize(["Xin chào."])
    assert edge.requests[-1].rate == "-20%" and "NamMinhNeural" in edge.requests[-1].voice
    with pytest.raises(EngineError, match=r"--rate 1.5: vi-VN-HoaiMyNeural speaks between 2.25 and 9.00"):
        EdgeEngine(rate=1.5)


def test_rate_mapping_speaks_the_rate_asked_for(monkeypatch, faulty):
    """On a voice whose own pace is known (the fake's), the mapping gives the syllable rate asked for."""
    fake = faulty(natural_rate=4.5)
    text = ["Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm qua,",
            "và triển khai nhiệm vụ trong thời gian tới."]
    syllables = sum(len(p.split()) for p in text)
    for rate in (3.3, 4.5, 6.0):
        speech = EdgeEngine(rate=rate).synthesize(text)
        seconds = (speech.part_spans[-1][1] - speech.part_spans[0][0]) / SAMPLE_RATE
        assert syllables / seconds == pytest.approx(rate, rel=0.05)
    assert [r.rate for r in fake.requests] == ["-27%", "+0%", "+33%"]


def test_voices_are_the_vietnamese_ones_in_any_case():
    assert EdgeEngine.resolve_voice(None) == "vi-VN-HoaiMyNeural"
    assert EdgeEngine.resolve_voice("vi-vn-namminhneural") == "vi-VN-NamMinhNeural"
    with pytest.raises(EngineError, match=r"--voice 'en-US-AriaNeural' is not a Vietnamese voice of edge "
                                          r"\(choose from: vi-VN-HoaiMyNeural, vi-VN-NamMinhNeural\)"):
        EdgeEngine.resolve_voice("en-US-AriaNeural")


def test_sentences_go_out_concurrently_longest_first(monkeypatch, faulty):
    fake = faulty(delay=0.5)  # long enough that three requests overlap even on a loaded machine
    sentences = [[f"Câu số {i}, phần một" + " thêm" * (i % 4) + ".", f"phần hai của câu {i}."] for i in range(7)]
    results = dict(EdgeEngine(concurrency=3).synthesize_all(sentences))
    assert sorted(results) == list(range(7)) and len(fake.requests) == 7
    assert fake.max_in_flight == 3
    longest = sorted(range(7), key=lambda i: -len(" ".join(sentences[i])))[:3]  # sentences 3, 2 and 6
    assert {r.text for r in fake.requests[:3]} == {" ".join(sentences[i]) for i in longest}


def test_a_cached_rerun_sends_nothing(edge, tmp_path):
    store = SegmentCache(tmp_path / "cache")
    path = SAMPLE
    segments = pipeline.plan(path, pipeline.Settings())
    first = list(synthesis.synthesize(path, segments, EdgeEngine(), store))
    sent = len(edge.requests)
    assert sent == len(segments)
    log = synthesis.SynthesisLog()
    again = list(synthesis.synthesize(path, segments, EdgeEngine(), store, log=log))
    assert len(edge.requests) == sent and len(log.cached) == len(segments)
    assert [s.pcm for s in again] == [s.pcm for s in first]


# --- the failures the service is known for ------------------------------------------------------------------

def test_a_clock_that_is_off_is_corrected_from_the_403_date(monkeypatch, faulty):
    fake = faulty(clock_skew=3600.0)  # the server is an hour ahead: our first token is refused
    engine = EdgeEngine()
    speech = engine.synthesize(["Xin chào."])
    assert speech.n_samples > 0 and fake.handshakes == 2 and engine.stats.retries == 0


def test_a_lasting_403_is_retried_then_one_line_saying_what_to_do(monkeypatch, faulty):
    fake = faulty(faults=lambda n, text: "403")
    with pytest.raises(EngineError) as info:
        EdgeEngine().synthesize(["Xin chào."])
    message = str(info.value)
    assert "\n" not in message and "HTTP 403" in message and "Sec-MS-GEC" in message
    assert "pip install -U edge-tts" in message and "after 3 attempts" in message
    assert fake.handshakes == 6  # edge-tts's own clock-skew retry inside each of our three attempts


@pytest.mark.parametrize("fault", ["429", "503", "no-audio", "drop", "drop-mid", "stall"])
def test_transient_failures_are_retried(monkeypatch, faulty, fault):
    # a reply is sent without pauses once it starts, so a 1 s receive timeout only catches the stalled one
    monkeypatch.setattr(edge_engine, "DEFAULT_POLICY", RetryPolicy(10.0, 1.0, retries=2, backoff=0.0))
    fake = faulty(faults=lambda n, text: fault if n == 0 else None)
    waits: list[float] = []
    engine = EdgeEngine(rate=4.5, wait_hook=waits.append)
    speech = engine.synthesize(SENTENCE)
    assert engine.stats.retries == 1 and len(waits) == 1 and fake.handshakes == 2
    clean = fake.render(" ".join(SENTENCE))
    assert [a for a, _ in speech.part_spans] != [] and speech.n_samples >= clean.words[-1][1] * SAMPLE_RATE


@pytest.mark.parametrize("fault, cause, connect", [
    ("503", "HTTP 503", 10.0), ("no-audio", "no audio received", 10.0),
    ("stall", "no answer within 0.3 s (timeout)", 10.0),  # the reply starts, then stops: the receive timeout
    ("silent", "no answer within 0.6 s (timeout)", 0.3),  # nothing ever comes: connect + receive timeouts
    ("drop-mid", "connection dropped mid-sentence", 10.0),
])
def test_failures_that_last_end_in_one_line(monkeypatch, faulty, fault, cause, connect):
    monkeypatch.setattr(edge_engine, "DEFAULT_POLICY", RetryPolicy(connect, 0.3, retries=1, backoff=0.0))
    faulty(faults=lambda n, text: fault)
    with pytest.raises(EngineError) as info:
        EdgeEngine().synthesize(SENTENCE)
    message = str(info.value)
    assert "\n" not in message and cause in message and "after 2 attempts" in message
    assert "Sáng ngày mười hai" in message


@pytest.mark.parametrize("fault, cause", [("not-mp3", "not MP3"), ("sentences", "no word boundaries")])
def test_replies_that_cannot_be_right_are_refused_without_retry(monkeypatch, faulty, fault, cause):
    fake = faulty(faults=lambda n, text: fault)
    with pytest.raises(EngineError, match=cause):
        EdgeEngine().synthesize(SENTENCE)
    assert fake.handshakes == 1


def test_word_boundaries_are_found_whatever_their_case_or_unicode_form():
    import unicodedata

    text = "Thanh Hóa, Ủy ban."
    boundaries = [edge_engine.Boundary(0.1 * i, 0.08, unicodedata.normalize("NFD", w.upper()))
                  for i, w in enumerate(["Thanh", "Hóa", "Ủy", "ban"])]
    events = edge_engine._locate(text, boundaries, SAMPLE_RATE)
    assert [e.text_position for e in events] == [0, 6, 11, 14]
    with pytest.raises(EngineError, match="word boundaries do not match the text sent"):
        edge_engine._locate(text, [edge_engine.Boundary(0.1, 0.08, "Hello")], SAMPLE_RATE)
    with pytest.raises(edge_engine._Retry, match="connection dropped mid-sentence"):
        edge_engine._locate(text, boundaries[:2], SAMPLE_RATE)  # the words stop before the text does
    with pytest.raises(edge_engine._Retry, match="connection dropped mid-sentence"):
        edge_engine._locate(text, boundaries, int(0.2 * SAMPLE_RATE))  # the audio stops before the words do


def test_connection_refused(monkeypatch):
    import edge_tts.communicate

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{port}/edge/v1?TrustedClientToken=x")
    with pytest.raises(EngineError) as info:
        EdgeEngine().synthesize(["Xin chào."])
    message = str(info.value)
    assert "cannot connect to 127.0.0.1" in message and "after 3 attempts" in message and "\n" not in message


def test_the_failing_sentence_is_named_and_the_rest_is_cancelled(monkeypatch, faulty):
    bad = "Câu số 2 hỏng."
    fake = faulty(faults=lambda n, text: "not-mp3" if text == bad else None, delay=0.05)
    sentences = [[f"Câu số {i} tốt."] for i in range(2)] + [[bad]] + [[f"Câu số {i} tốt."] for i in range(3, 30)]
    got = []
    with pytest.raises(EngineError) as info:
        for position, _ in EdgeEngine(concurrency=2).synthesize_all(sentences):
            got.append(position)
    assert info.value.position == 2 and len(fake.requests) < 10


def test_a_failure_among_many_in_flight_leaves_nothing_for_asyncio_to_log(monkeypatch, faulty, caplog):
    faulty(faults=lambda n, text: "not-mp3")  # every sentence fails, four at a time
    with pytest.raises(EngineError):
        list(EdgeEngine(concurrency=4).synthesize_all([[f"Câu số {i}."] for i in range(8)]))
    assert not [r for r in caplog.records if r.name == "asyncio"]


def test_stopping_early_cancels_what_is_in_flight(monkeypatch, faulty):
    fake = faulty(delay=0.2)
    stream = EdgeEngine(concurrency=2).synthesize_all([[f"Câu {i}."] for i in range(40)])
    next(stream)
    stream.close()  # returns once the loop has stopped
    sent = len(fake.requests)
    assert sent < 20  # (a few at most; loosely bounded so a loaded machine cannot fail it)
    time.sleep(0.5)
    assert len(fake.requests) == sent  # nothing goes out after close


# --- through the command line -------------------------------------------------------------------------------

def produce(*args):
    return CliRunner(mix_stderr=False).invoke(cli, ["produce", *[str(a) for a in args]])


def test_every_cue_of_a_bulletin_starts_within_a_frame_of_its_first_word(edge, bulletin):
    segments = pipeline.plan(bulletin, pipeline.Settings())
    errors = cue_truth.measure(bulletin, segments, EdgeEngine(), lambda parts, speech: part_onsets(edge, parts))
    assert len(errors) == sum(len(s.cues) for s in segments)
    assert max(abs(e.measured) for e in errors) < 0.005  # the measured start: at the word's sound
    # the in-time: the frame the word starts in, never earlier (later only where the cue before needs reading
    # time: the subtitle rules never let a cue go over --max-cps)
    assert all(e.shown > -FRAME for e in errors)
    assert sum(1 for e in errors if e.shown <= 1e-6) >= 0.9 * len(errors)


def test_produce_with_edge(edge, tmp_path):
    out = tmp_path / "out"
    result = produce(SAMPLE, "-o", out, "--engine", "edge", "--voice", "vi-VN-NamMinhNeural", "--format", "wav",
                     "--cache-dir", tmp_path / "cache")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "sample" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "edge" and manifest["voice"] == "vi-VN-NamMinhNeural"
    assert manifest["engine_version"].startswith("edge-tts ") and "rate -27%" in manifest["engine_version"]
    assert {s["engine"] for s in manifest["segments"]} == {"edge"} and manifest["fallback"] is None
    assert len(edge.requests) == len(manifest["segments"])
    again = produce(SAMPLE, "-o", out, "--engine", "edge", "--voice", "vi-VN-NamMinhNeural", "--format", "wav",
                    "--cache-dir", tmp_path / "cache")
    assert again.exit_code == 0 and len(edge.requests) == len(manifest["segments"])  # all from the cache


def test_produce_when_the_service_fails_is_one_line_and_writes_nothing(monkeypatch, faulty, tmp_path):
    faulty(faults=lambda n, text: "503")
    out = tmp_path / "out"
    result = produce(SAMPLE, "-o", out, "--engine", "edge", "--no-cache")
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    # four sentences are in flight at once: the one named is whichever ran out of retries first
    assert re.search(r"sample.txt: sentence \d+: edge-tts failed for '.*': HTTP 503, after 3 attempts$", line)
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_fallback_list_is_tried_in_order_and_recorded_per_segment(monkeypatch, faulty, tmp_path):
    import requests
    import responses

    segments = pipeline.plan(SAMPLE, pipeline.Settings())
    broken = segments[3]
    faulty(faults=lambda n, text: "not-mp3" if text == broken.speech else None)
    out = tmp_path / "out"
    with responses.RequestsMock() as google:  # Google is unreachable: gTTS, the first fallback, fails too
        google.add(responses.POST, re.compile(r"https://translate\.google\.com/.*"),
                   body=requests.exceptions.ConnectionError("[Errno 111] Connection refused"))
        monkeypatch.setattr("broadcast.voice.gtts_engine.DEFAULT_POLICY", QUICK)
        result = produce(SAMPLE, "-o", out, "--engine", "edge", "--fallback", "gtts,espeak", "--concurrency", "1",
                         "--no-cache", "--format", "wav")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "sample" / "manifest.json").read_text(encoding="utf-8"))
    gtts_use, espeak_use = manifest["fallback"]
    assert gtts_use["engine"] == "gtts" and gtts_use["segments"] == []
    assert f"sentence {broken.index}" in gtts_use["cause"] and "not MP3" in gtts_use["cause"]
    assert espeak_use["engine"] == "espeak" and "Connection refused" in espeak_use["cause"]
    spoken_by = {s["index"]: s["engine"] for s in manifest["segments"]}
    assert {i for i, e in spoken_by.items() if e == "edge"} == {s.index for s in segments[:3]}
    assert {i for i, e in spoken_by.items() if e == "espeak"} == {s.index for s in segments[3:]}
    assert espeak_use["segments"] == [s.index for s in segments[3:]]


def test_the_chain_failing_everywhere_is_one_line(monkeypatch, faulty, tmp_path):
    faulty(faults=lambda n, text: "not-mp3")
    log = synthesis.SynthesisLog()
    segments = pipeline.plan(SAMPLE, pipeline.Settings())

    def broken():
        raise EngineError("cannot start here")

    with pytest.raises(BroadcastError) as info:
        list(synthesis.synthesize(SAMPLE, segments, EdgeEngine(), None, [("piper", broken)], log=log))
    message = str(info.value)
    assert "\n" not in message and re.search(r"sentence \d+: edge-tts sent audio that is not MP3", message)
    assert "the fallback piper cannot start: cannot start here" in message
