import subprocess
from datetime import timedelta

import pysubs2
import pytest
import srt
from hypothesis import given, settings, strategies as st

from broadcast import audio, writers
from broadcast.timeline import TimedCue

CUES = [
    TimedCue(0.03, 2.921, "Thứ trưởng Bộ Công an Trần Quốc Tỏ thăm và làm việc",
             ("Thứ trưởng Bộ Công an Trần Quốc Tỏ thăm", "và làm việc")),
    TimedCue(3.5, 7.25, "Chủ tịch Hội đồng Nhân dân (HĐND) <tỉnh> & TP.", ("Chủ tịch Hội đồng Nhân dân (HĐND) <tỉnh> & TP.",)),
    TimedCue(3725.001, 3728.999, "Một giờ sau.", ("Một giờ sau.",)),
]


def test_srt_parses_back_with_srt():
    text = writers.get("srt").render(CUES)
    assert not text.startswith("\ufeff")
    subs = list(srt.parse(text))
    assert [s.index for s in subs] == [1, 2, 3]
    assert subs[0].start == timedelta(milliseconds=30) and subs[0].end == timedelta(milliseconds=2921)
    assert subs[2].start == timedelta(hours=1, minutes=2, seconds=5, milliseconds=1)
    assert [s.content for s in subs] == ["\n".join(c.lines) for c in CUES]
    assert "01:02:05,001 --> 01:02:08,999" in text


def test_srt_and_vtt_load_in_pysubs2():
    for name in ("srt", "vtt"):
        subs = pysubs2.SSAFile.from_string(writers.get(name).render(CUES))
        assert len(subs) == 3
        assert subs[0].start == 30 and subs[0].end == 2921
        assert subs[0].plaintext == "\n".join(CUES[0].lines)


def test_vtt_has_header_and_escapes():
    text = writers.get("vtt").render(CUES)
    assert text.startswith("WEBVTT\n\n")
    assert "00:00:03.500 --> 00:00:07.250" in text
    assert "&lt;tỉnh&gt; &amp; TP." in text
    for block in text.strip().split("\n\n")[1:]:
        assert all(line.strip() for line in block.split("\n"))  # no blank line inside a cue


@pytest.mark.parametrize("name", ["srt", "vtt"])
def test_ffmpeg_reads_our_subtitles(tmp_path, name):
    path = tmp_path / f"x.{name}"
    path.write_text(writers.get(name).render(CUES), encoding="utf-8")
    out = subprocess.run([audio.ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "srt", "-"],
                         capture_output=True, check=True)
    again = list(srt.parse(out.stdout.decode("utf-8")))
    assert len(again) == 3 and again[1].content.startswith("Chủ tịch")


def test_unknown_writer():
    with pytest.raises(ValueError, match="unknown subtitle format"):
        writers.get("stl")


line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\r\n"),
               min_size=1, max_size=42).map(str.strip).filter(bool)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000_000), st.integers(1, 7000), st.lists(line, min_size=1, max_size=2)),
                min_size=1, max_size=20))
def test_srt_round_trip(items):
    cues, t = [], 0
    for gap, length, lines in items:
        t += gap % 5000
        cues.append(TimedCue(t / 1000, (t + length) / 1000, " ".join(lines), tuple(lines)))
        t += length
    parsed = list(srt.parse(writers.get("srt").render(cues)))
    assert len(parsed) == len(cues)
    for cue, sub in zip(cues, parsed):
        assert sub.start.total_seconds() == pytest.approx(cue.start, abs=5e-4)
        assert sub.end.total_seconds() == pytest.approx(cue.end, abs=5e-4)
