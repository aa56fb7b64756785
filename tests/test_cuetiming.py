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
    # 45 characters need 2.65 s at 17 cps; the speech lasts 2 s: out-time 12 frames (0.48 s, the most whole
    # frames within 0.5 s) after it, not 0.65 s (2.48 s is still within 20 cps)
    [(start, end)] = seconds(frame_times([(0.0, 2.0, 45)], RULES))
    assert end == pytest.approx(2.48)
    # 34 characters need exactly 2 s: 0.4 s of overhang is enough
    [(_, end)] = seconds(frame_times([(0.0, 1.6, 34)], RULES))
    assert end == pytest.approx(2.0)


def test_never_over_the_next_cue_and_at_least_two_frames_before_it():
    frames = frame_times([(0.0, 2.0, 40), (2.2, 4.0, 10)], RULES)
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
    programme = Programme(b"\0\0" * int(22050 * 3.03), 22050, (TimedSegment(seg, 0.0, 3.03, cues, 0, 100),))
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
@given(speech_spans(), st.sampled_from(["23.976", "24", "25", "29.97", "30", "50", "59.94"]))
def test_rules_hold_for_any_speech(spans, fps):
    rules = CueRules(fps=fps)
    fps = rules.fps
    frames = frame_times(spans, rules)
    for k, ((s, e, chars), (a, b)) in enumerate(zip(spans, frames)):
        speech_frame = int(s * fps + 1e-6)
        # in at the speech's frame, or just after the previous cue when that one needed the time to be read
        assert a == speech_frame or (k and a == frames[k - 1][1] + rules.min_gap_frames and a > speech_frame)
        assert b > a and (b - a) / fps <= rules.max_duration + 1e-9
        assert chars / ((b - a) / fps) <= rules.max_cps + 1e-9  # never too fast to read, ever
        if k + 1 < len(spans):
            following = frames[k + 1][0]
            gap = following - b
            assert gap >= rules.min_gap_frames  # never over the next cue
            if b - a < round(rules.max_duration * fps):
                assert gap == rules.min_gap_frames or gap > rules.chain_frames  # chaining
            room = max((following - rules.min_gap_frames) / fps, a / fps + chars / rules.max_cps)
        else:
            room = float("inf")
        # long enough to read, or as long as the overhang and the next cue allow
        wanted = max(min(e + rules.max_overhang, s + chars / rules.target_cps), e, s + rules.min_duration)
        assert b / fps >= min(wanted, room, a / fps + rules.max_duration) - 1 / fps
        chained = k + 1 < len(spans) and frames[k + 1][0] - b == rules.min_gap_frames
        if not chained:  # only chaining or the reading-speed limit take a cue past its overhang or minimum
            assert b / fps <= max(e + rules.max_overhang, a / fps + rules.min_duration,
                                  a / fps + chars / rules.max_cps) + 1 / fps + 1e-9


# ---------------------------------------------------------------- exact frames, coverage, reading speed (issue 11)

from fractions import Fraction  # noqa: E402

from broadcast.subtitles import timing  # noqa: E402


@pytest.mark.parametrize("given, exact", [("29.97", Fraction(30000, 1001)), ("23.976", Fraction(24000, 1001)),
                                          ("59.94", Fraction(60000, 1001)), ("30000/1001", Fraction(30000, 1001)),
                                          (29.97, Fraction(30000, 1001)), ("25", Fraction(25))])
def test_ntsc_rates_are_exact(given, exact):
    assert CueRules(fps=given).fps == exact


def test_times_at_29_97_sit_on_the_ntsc_grid():
    rules = CueRules(fps="29.97")
    spans = [(3600.0 + 2.1 * k, 3600.0 + 2.1 * k + 1.7, 30) for k in range(20)]
    for a, b in frame_times(spans, rules):
        for frame in (a, b):
            seconds = frame * Fraction(1001, 30000)
            assert abs(round(float(seconds) * 1000) / 1000 - float(seconds)) <= 0.0005 + 1e-9


def test_drop_frame_and_non_drop_frame_timecode():
    assert parse_timecode("01:00:00:00", "29.97") == Fraction(36036, 10)  # 108,000 frames counted: 3603.6 s
    assert parse_timecode("01:00:00;00", "29.97") == 107892 * Fraction(1001, 30000)  # drop-frame: real time
    assert parse_timecode("00:10:00;00", "29.97") == 17982 * Fraction(1001, 30000)
    assert parse_timecode("00:01:00;02", "29.97") == 1800 * Fraction(1001, 30000)
    assert parse_timecode("00:01:00;04", "59.94") == 3600 * Fraction(1001, 60000)
    for bad, fps in (("00:01:00;00", "29.97"), ("00:01:00;01", "29.97"), ("01:00:00;00", "25"),
                     ("00:00:00:30", "29.97"), ("99:99:99:99", "25")):
        with pytest.raises(ValueError):
            parse_timecode(bad, fps)
    with pytest.raises(ValueError, match="at 25 fps"):
        parse_timecode("00:00:00:25", "25")


def test_the_last_cue_never_ends_after_the_audio():
    # the reading speed and the minimum duration would take the last cue 0.5 s past its speech
    frames = frame_times([(0.0, 0.5, 10), (3.0, 3.3, 30)], RULES, limit=3.33)
    assert frames[-1][1] <= int(3.33 * 25)
    assert 30 / ((frames[-1][1] - frames[-1][0]) / 25) <= RULES.max_cps  # started earlier instead


def test_text_the_voice_skips_still_gets_screen_time():
    # "(NN&PTNT)," is not read again after its expansion: the speech is short, the text is not
    text = "Phát triển nông thôn (NN&PTNT),"
    cues = (TimedCue(0.0, 1.0, text, (text,)), TimedCue(1.1, 3.0, "tỉnh đã gieo cấy hơn 120 nghìn ha lúa.",
                                                         ("tỉnh đã gieo cấy hơn 120 nghìn ha lúa.",)))
    seg = Segment(1, "paragraph", 1, "x", tuple(Cue(c.text, c.lines) for c in cues))
    programme = Programme(b"\0\0" * 22050 * 4, 22050, (TimedSegment(seg, 0.0, 3.5, cues, 0, 22050 * 3),))
    for cue in retime(programme, RULES).cues:
        assert len(cue.text) / (cue.end - cue.start) <= RULES.max_cps


def test_speech_longer_than_a_cue_is_never_left_uncovered():
    # eSpeak reading a long foreign stretch: 20 s of speech under one short cue
    cues = (TimedCue(0.5, 20.5, "你好世界", ("你好世界",)), TimedCue(21.0, 23.0, "Xin chào.", ("Xin chào.",)))
    seg = Segment(1, "paragraph", 1, "x", tuple(Cue(c.text, c.lines) for c in cues))
    programme = Programme(b"\0\0" * 22050 * 24, 22050, (TimedSegment(seg, 0.0, 23.5, cues, 0, 22050 * 23),))
    shown = retime(programme, RULES).cues
    repeats = [c for c in shown if c.text == "你好世界"]
    assert len(repeats) == 4 and all(c.end - c.start <= RULES.max_duration for c in repeats)
    covered = sum(c.end - c.start for c in repeats)
    assert covered >= 20.0 - 3 * RULES.min_gap - 1e-9  # the speech is shown all along, but for the 2-frame gaps
    assert repeats[0].start <= 0.5 and repeats[-1].end >= 20.5


def test_clip_cues_sit_on_the_frame_grid_from_the_clip_start():
    measured = (TimedCue(10.013, 11.52, "Một hai ba bốn", ("Một hai ba bốn",)),
                TimedCue(11.57, 13.0, "năm sáu bảy tám.", ("năm sáu bảy tám.",)))
    seg = Segment(1, "paragraph", 1, "x", tuple(Cue(c.text, c.lines) for c in measured))
    programme = Programme(b"\0\0" * 22050 * 14, 22050,
                          (TimedSegment(seg, 9.983, 13.03, measured, 0, 22050 * 3),))
    retimed = retime(programme, RULES).segments[0]
    clip = timing.clip_cues(retimed, RULES)
    for cue in clip:
        for t in (cue.start, cue.end):
            assert abs(t * 25 - round(t * 25)) < 1e-6
    assert clip[-1].end <= 13.03 - 9.983
    assert clip[0].start == 0.0  # speech 0.03 s into the clip starts in its first frame
