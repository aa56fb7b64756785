import math
import struct

import pytest

from broadcast import speech
from broadcast.audio import timeline
from broadcast.text.segmenter import Cue, Segment, split_cues
from broadcast.voice.base import SpeechAudio
from broadcast.voice.espeak import EspeakEngine

RATE = 16000


def tone(seconds: float) -> bytes:
    n = int(seconds * RATE)
    return b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / RATE))) for i in range(n))


def quiet(seconds: float) -> bytes:
    return b"\0\0" * int(seconds * RATE)


def make_segment(index: int, paragraph: int, texts: list[str]) -> Segment:
    return Segment(index, "paragraph", paragraph, " ".join(texts), tuple(Cue(t, (t,)) for t in texts))


def test_cue_times_are_where_the_sound_is():
    # sentence 1: 0.2 s silence, part A 1.0 s, 0.3 s silence, part B 0.5 s, 0.4 s silence
    pcm = quiet(0.2) + tone(1.0) + quiet(0.3) + tone(0.5) + quiet(0.4)
    s1 = SpeechAudio(pcm, RATE, ((int(0.2 * RATE), int(1.2 * RATE)), (int(1.5 * RATE), int(2.0 * RATE))))
    s2 = SpeechAudio(tone(0.7), RATE, ((0, int(0.7 * RATE)),))
    segs = [make_segment(1, 1, ["a", "b"]), make_segment(2, 2, ["c"])]
    programme = timeline.assemble(segs, [s1, s2], sentence_pause=0.25, paragraph_pause=1.0)
    margin = timeline.EDGE_MARGIN
    first, second = programme.segments
    a, b = first.cues
    assert a.start == pytest.approx(margin, abs=1e-3)
    assert a.end - a.start == pytest.approx(1.0, abs=1e-3)
    assert b.start - a.start == pytest.approx(1.3, abs=1e-3)
    assert first.end == pytest.approx(b.end + margin, abs=1e-3)
    # paragraph change: the longer pause
    assert second.start - first.end == pytest.approx(1.0, abs=1e-3)
    assert second.cues[0].start == pytest.approx(second.start, abs=1e-3)  # no silence before s2 to trim
    assert programme.duration == pytest.approx(second.end, abs=1e-3)
    # a clip is exactly the programme's samples between its segment's start and end
    assert len(programme.clip_pcm(first)) / 2 / RATE == pytest.approx(first.end - first.start, abs=1e-4)


def test_sentence_pause_within_a_paragraph():
    segs = [make_segment(1, 1, ["a"]), make_segment(2, 1, ["b"])]
    speeches = [SpeechAudio(tone(0.5), RATE, ((0, int(0.5 * RATE)),)) for _ in segs]
    programme = timeline.assemble(segs, speeches, sentence_pause=0.4, paragraph_pause=2.0)
    assert programme.segments[1].start - programme.segments[0].end == pytest.approx(0.4, abs=1e-3)


def test_mixed_sample_rates_are_resampled():
    segs = [make_segment(1, 1, ["a"]), make_segment(2, 1, ["b"])]
    s1 = SpeechAudio(tone(0.5), RATE, ((0, int(0.5 * RATE)),))
    pcm2 = b"\x10\x10" * 24000
    s2 = SpeechAudio(pcm2, 24000, ((0, 24000),))
    programme = timeline.assemble(segs, [s1, s2], 0.1, 0.1)
    assert programme.sample_rate == RATE
    assert programme.segments[1].end - programme.segments[1].start == pytest.approx(1.0, abs=2e-3)


def test_real_voice_cues_follow_the_speech():
    text = "Sáng ngày 12/3, Đoàn công tác của Bộ Công an do Thượng tướng Trần Quốc Tỏ, Ủy viên Trung ương Đảng, " \
           "Thứ trưởng Bộ Công an làm Trưởng đoàn đã làm việc với Công an tỉnh Thanh Hóa."
    seg = speech.speak_segments([Segment(1, "paragraph", 1, text, tuple(split_cues(text)))])[0]
    engine = EspeakEngine()
    programme = timeline.assemble([seg], [engine.synthesize([c.speech for c in seg.cues])])
    cues = programme.segments[0].cues
    assert len(cues) >= 2
    for a, b in zip(cues, cues[1:]):
        assert a.start < a.end <= b.start < b.end
    # each cue lasts about as long as its syllables take at the configured rate
    for cue in cues:
        syllables = len(cue.text.split())
        assert 0.5 * syllables / engine.rate < cue.end - cue.start < 2.0 * syllables / engine.rate


def test_estimate_is_linear_in_syllables():
    segs = speech.speak_segments([make_segment(1, 1, ["một hai ba bốn"]), make_segment(2, 1, ["năm sáu"])])
    timed = timeline.estimate(segs, rate=2.0, sentence_pause=0.5, paragraph_pause=1.0)
    assert timed[0].end == pytest.approx(2.0)
    assert timed[1].start == pytest.approx(2.5) and timed[1].end == pytest.approx(3.5)
