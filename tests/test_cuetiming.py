"""The timing stage on hand-made speech spans: in-time, reading-speed overhang, minimum and maximum
duration, gaps and chaining, all on the frame grid."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.audio.timeline import Programme, TimedCue, TimedSegment
from broadcast.subtitles.rules import CueRules, parse_timecode
from broadcast.subtitles.timing import frame_times, retime
from broadcast.text.segmenter import Cue, Segment

RULES = CueRules()  # 25 fps: a frame is 40 ms


def seconds(frames):
    return [(a / 25, b / 25) for a, b in frames]


def test_in_time_is_the_start_of_speech_on_the_frame_grid():
    [(start, _)] = seconds(frame_times([(1.013, 3.0, 30)], RULES))
    assert start == pytest.approx(1.0)  # the frame the speech starts in: never after the speech


def test_out_time_runs_into_silence_for_reading_speed_but_at_most_half_a_second():
    # 51 characters need 3 s at 17 cps; the speech lasts 2 s: out-time 12 frames (0.48 s, the most whole
    # frames within 0.5 s) after it, not 1 s
    [(start, end)] = seconds(frame_times([(0.0, 2.0, 51)], RULES))
    assert end == pytest.approx(2.48)
    # 34 characters need exactly 2 s: 0.4 s of overhang is enough
    [(_, end)] = seconds(frame_times([(0.0, 1.6, 34)], RULES))
    assert end == pytest.approx(2.0)


def test_never_over_the_next_cue_and_at_least_two_frames_before_it():
    frames = frame_times([(0.0, 2.0, 51), (2.2, 4.0, 10)], RULES)
    assert frames[0][1] == frames[1][0] - 2
    assert frames[1][0] / 25 <= 2.2


def test_short_gaps_are_chained_to_exactly_two_frames():
    # speech ends at 2.0 s, next at 2.48 s (12 frames later): the gap closes to 2 frames
    frames = frame_times([(0.0, 2.0, 20), (2.48, 4.0, 20)], RULES)
    assert frames[1][0] - frames[0][1] == 2
    # 13 frames of silence stay open (the first cue needs no overhang)
    frames = frame_times([(0.0, 2.0, 20), (2.52, 4.0, 20)], RULES)
    assert frames[1][0] - frames[0][1] == 13


def test_minimum_duration_extends_into_silence():
    [(start, end)] = seconds(frame_times([(5.0, 5.3, 5)], RULES))
    assert end - start == pytest.approx(21 / 25)  # 5/6 s rounded up to whole frames
    assert end - start >= RULES.min_duration


def test_maximum_duration_is_a_cap():
    [(start, end)] = seconds(frame_times([(0.0, 9.0, 80)], RULES))
    assert end - start == pytest.approx(7.0)


def test_other_frame_rates():
    rules = CueRules(fps=30)
    frames = frame_times([(0.0, 1.0, 10), (1.1, 2.0, 10)], rules)
    assert frames[1][0] - frames[0][1] == 2 and frames[1][0] == 33


def test_timecode():
    assert parse_timecode("01:00:00:00") == 3600.0
    assert parse_timecode("00:00:01:12", 25) == pytest.approx(1.48)
    for bad in ("1:00:00", "00:00:00:25", "00:61:00:00", "x"):
        with pytest.raises(ValueError):
            parse_timecode(bad, 25)


def test_retime_keeps_the_measured_times():
    cues = (TimedCue(0.013, 1.5, "Một hai ba bốn", ("Một hai ba bốn",)),
            TimedCue(1.52, 3.0, "năm sáu bảy tám.", ("năm sáu bảy tám.",)))
    seg = Segment(1, "paragraph", 1, "x", tuple(Cue(c.text, c.lines) for c in cues))
    programme = Programme(b"\0\0" * 100, 22050, (TimedSegment(seg, 0.0, 3.03, cues, 0, 100),))
    out = retime(programme, RULES).segments[0].cues
    assert [(c.speech_start, c.speech_end) for c in out] == [(0.013, 1.5), (1.52, 3.0)]
    assert out[0].start == 0.0 and out[0].end == pytest.approx(1.52 - 0.08)  # 1.52 s is frame 38
    assert out[1].start == pytest.approx(1.52)


@st.composite
def speech_spans(draw):
    spans, t = [], draw(st.floats(0, 5))
    for _ in range(draw(st.integers(1, 15))):
        length = draw(st.floats(0.3, 6.5))
        spans.append((t, t + length, draw(st.integers(1, 84))))
        t += length + draw(st.floats(0, 2))
    return spans


@settings(max_examples=300, deadline=None)
@given(speech_spans(), st.sampled_from([23.976, 24, 25, 29.97, 30, 50]))
def test_rules_hold_for_any_speech(spans, fps):
    rules = CueRules(fps=fps)
    frames = frame_times(spans, rules)
    for k, ((s, e, chars), (a, b)) in enumerate(zip(spans, frames)):
        assert a / fps <= s + 1e-9 < (a + 1) / fps  # in at the speech's frame
        assert b > a and (b - a) / fps <= rules.max_duration + 1e-9
        if k + 1 < len(spans):
            following = frames[k + 1][0]
            gap = following - b
            assert gap >= rules.min_gap_frames  # never over the next cue
            if b - a < round(rules.max_duration * fps):
                assert gap == rules.min_gap_frames or gap > rules.chain_frames  # chaining
            room = (following - rules.min_gap_frames) / fps
        else:
            room = float("inf")
        # long enough to read, or as long as the overhang and the next cue allow
        wanted = max(min(e + rules.max_overhang, s + chars / rules.target_cps), e, s + rules.min_duration)
        assert b / fps >= min(wanted, room, a / fps + rules.max_duration) - 1 / fps
        chained = k + 1 < len(spans) and frames[k + 1][0] - b == rules.min_gap_frames
        if not chained:  # only chaining takes a cue further than its overhang or minimum duration
            assert b / fps <= max(e + rules.max_overhang, s + rules.min_duration) + 1 / fps + 1e-9
