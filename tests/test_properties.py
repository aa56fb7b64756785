"""Properties of the text stages on arbitrary Unicode (Hypothesis): the reader, the segmenter, the speech
normaliser and the subtitle writers never crash, and what they promise holds for any input.

Tests elsewhere cover narrower inputs: split_cues on words without spaces or controls (test_segmenter),
the normaliser on a news alphabet (test_speech), writers on hand-built cues (test_writers). Here the text
is anything Unicode can hold except lone surrogates (a Python str from a decoded file cannot have them):
controls, combining marks, right-to-left scripts, emoji, other scripts' digits, mixed with Vietnamese
news words and numbers so that the interesting paths (numbers, acronyms, units, captions) are reached.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import pysubs2
import pytest
import srt
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from broadcast import speech
from broadcast.audio.timeline import TimedCue
from broadcast.subtitles import writers
from broadcast.subtitles.lint import parse_srt, parse_vtt
from broadcast.subtitles.rules import CueRules
from broadcast.text import segmenter, transcript
from broadcast.text.transcript import TranscriptError

SETTINGS = settings(max_examples=int(__import__("os").environ.get("PROP_N", 300)), deadline=None, suppress_health_check=[HealthCheck.too_slow])

ANY_CHAR = st.characters(blacklist_categories=("Cs",))
SPECIAL = [
    "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x00", "\x7f", "\x9b",
    "\u00a0", "\u2007", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u031b", "\u0306", "\u20e3",  # Vietnamese marks
    "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "שלום", "مرحبا", "٣٤", "۱۲", "३",
    "🎉", "🇻🇳", "👍🏽", "❤️", "👨‍👩‍👧", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣", "©", "°C", "№", "²", "½", "Ⅻ", "０１２", "𝟗", "①",
    "…", "–", "—", "“", "”", "«", "»", "(", ")", "[", "]", '"', "'", "/", "%", "&", "+", "@", "=", "<", ">",
    "-->", "{\\an8}", "<b>", "&amp;", "- Ảnh 1.", "Nguồn:", "TP.", "PGS.TS.",
]
WORDS = "Thanh Hóa tỉnh UBND HĐND BHYT CSGT TTV hội nghị đồng chí Lê Văn Hòa ngày năm tỷ đồng km/h ha triệu".split()


def numbers() -> st.SearchStrategy[str]:
    n = st.integers(0, 10**13)
    return st.one_of(
        n.map(str),
        n.map(lambda v: f"{v:,}".replace(",", ".")),  # 1.200.000
        st.tuples(n, st.integers(0, 999)).map(lambda t: f"{t[0]},{t[1]}"),  # 3,5
        st.tuples(st.integers(0, 40), st.integers(0, 15)).map(lambda t: f"{t[0]}/{t[1]}"),  # 12/3
        st.tuples(st.integers(0, 30), st.integers(0, 70)).map(lambda t: f"{t[0]}h{t[1]}"),  # 10h30
        st.integers(0, 10**6).map(lambda v: f"{v}%"),
        st.text("0123456789.,:/-–", min_size=1, max_size=12),
    )


TOKENS = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(SPECIAL), numbers(),
    st.text(ANY_CHAR, min_size=1, max_size=8),
    st.text("ABCDĐEGHIKLMNOPQRSTUVXY", min_size=2, max_size=6),  # acronyms no lexicon knows
)
SEPARATORS = st.sampled_from([" ", " ", " ", ", ", ". ", "\n", "\n\n", " – ", "; ", "", "  \t"])


@st.composite
def texts(draw, max_tokens: int = 60) -> str:
    """News-like text made of any tokens; sometimes pure arbitrary Unicode."""
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(st.text(ANY_CHAR, max_size=200))
    tokens = draw(st.lists(st.tuples(TOKENS, SEPARATORS), max_size=max_tokens))
    return "".join(t + s for t, s in tokens)


INVISIBLE = set("\u00ad\u200b\u200c\u200d\u2060\ufeff\u2028\u2029")  # dropped or made spaces on reading


def has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


# ---------------------------------------------------------------- reader


@SETTINGS
@given(texts())
@example("Tiêu đề\n\nCâu một.\x0bCâu hai\u2028tiếp.\n\nTiêu đề - Ảnh 1.\n\nChú thích ảnh.\n\nNguồn: TTV")
@example("A\u0301 \u200do\u0302\u0301 Thanh Hoa\u0301")
def test_reader_never_crashes_and_gives_clean_nfc_blocks(text):
    for source in ("utf-8", "utf-8-sig"):
        try:
            decoded = transcript.decode(text.encode(source), "t.txt")
        except TranscriptError as exc:
            assert str(exc).startswith("t.txt: ") and "\n" not in str(exc)
            continue
        doc = transcript.parse(decoded, "t.txt")
        for block in doc.blocks:
            assert block.text and block.text == block.text.strip()
            assert unicodedata.is_normalized("NFC", block.text), ascii(block.text)
            assert not has_control(block.text) and not INVISIBLE.intersection(block.text)
        assert [b.kind for b in doc.blocks].count("title") <= 1
        assert all(b.kind != "source" for b in doc.blocks[:-1])


@SETTINGS
@given(texts())
def test_parse_gives_nfc_blocks_whatever_the_caller_passes(text):
    """`parse` is also called on text that never went through `decode` (tests, other front ends)."""
    for block in transcript.parse(unicodedata.normalize("NFD", text)).blocks:
        assert unicodedata.is_normalized("NFC", block.text) and not has_control(block.text)


# ---------------------------------------------------------------- segmenter


def assert_cue_limits(segments, max_chars: int, max_lines: int) -> None:
    for seg in segments:
        if all(len(word) <= max_chars for word in seg.text.split(" ")):
            assert " ".join(c.text for c in seg.cues) == seg.text
        else:  # a token longer than a line is cut, and its pieces may fall in different cues
            assert "".join(c.text for c in seg.cues).replace(" ", "") == seg.text.replace(" ", "")
        for cue in seg.cues:
            assert cue.text and cue.lines
            assert "".join(cue.lines).replace(" ", "") == cue.text.replace(" ", "")  # lines hold the cue's text
            # a word longer than a line is cut, never dropped: the limits always hold
            assert len(cue.lines) <= max_lines, cue.lines
            assert all(len(line) <= max_chars for line in cue.lines), cue.lines


@SETTINGS
@given(texts(), st.sampled_from([(42, 2), (32, 2), (37, 1), (60, 3)]), st.booleans())
@example("1.000.000.0001.000.000.0001.000.000.000 ", (37, 1), False)
def test_segmenter_never_crashes_and_cue_limits_hold(text, limits, with_rules):
    max_chars, max_lines = limits
    rules = CueRules(max_chars=max_chars, max_lines=max_lines) if with_rules else None
    doc = transcript.parse(transcript.decode(text.encode("utf-8"), "t.txt") if not has_control(text) else text)
    segments = segmenter.segment(doc, captions=True, source=True, max_chars=max_chars, max_lines=max_lines,
                                 rules=rules)
    assert [s.index for s in segments] == list(range(1, len(segments) + 1))
    assert_cue_limits(segments, max_chars, max_lines)


# ---------------------------------------------------------------- speech normaliser


def has_digit(text: str) -> bool:
    return any(unicodedata.category(ch) == "Nd" for ch in text)


@SETTINGS
@given(texts())
@example("Ngày 12/3/2024 lúc 10h30, 1.200 người, 3,5%, 96,5 tỷ đồng, 15 – 18 triệu, km 2, m²")
@example("٣٤ ۱۲ ३ ０１２ 𝟗")
def test_normaliser_never_crashes_and_leaves_no_digits(text):
    spoken = speech.to_speech(text)
    assert not has_digit(spoken), (text, spoken)
    assert "  " not in spoken and spoken == spoken.strip()


@SETTINGS
@given(texts(max_tokens=40))
def test_speech_for_segments_has_no_digits_and_one_text_per_cue(text):
    doc = transcript.parse(text)
    segments = speech.speak_segments(segmenter.segment(doc, captions=True, source=True))
    for seg in segments:
        for cue in seg.cues:
            assert not has_digit(cue.speech), (cue.text, cue.speech)


# ---------------------------------------------------------------- writers: SRT and WebVTT round trips


@st.composite
def timed_cues(draw) -> list[TimedCue]:
    """Cues as the pipeline makes them (segmenter on arbitrary text), at arbitrary millisecond times."""
    doc = transcript.parse(draw(texts(max_tokens=40)))
    cues = [c for s in segmenter.segment(doc, captions=True, source=True) for c in s.cues]
    out, t = [], draw(st.integers(0, 10 * 3600 * 1000))
    for cue in cues:
        t += draw(st.integers(0, 5000))
        length = draw(st.integers(1, 8000))
        out.append(TimedCue(t / 1000, (t + length) / 1000, cue.text, cue.lines))
        t += length
    return out


from broadcast.subtitles.writers.srt_writer import _no_timing_arrow  # noqa: E402


def ms(seconds: float) -> int:
    return round(seconds * 1000)


@SETTINGS
@given(timed_cues(), st.sampled_from(["lf", "crlf"]), st.booleans())
def test_srt_round_trips_pipeline_cues(cues, eol, bom):
    text = writers.get("srt").render(cues, writers.WriterOptions(eol=eol, bom=bom))
    parsed = list(srt.parse(text.removeprefix("\ufeff")))
    # "-->" is written "->" (ffmpeg's SRT reader drops a cue whose text looks like a timing line)
    written = ["\n".join(_no_timing_arrow(line) for line in c.lines) for c in cues]
    assert [s.content.replace("\r\n", "\n") for s in parsed] == written
    assert [(s.start, s.end) for s in parsed] == [
        (timedelta(milliseconds=ms(c.start)), timedelta(milliseconds=ms(c.end))) for c in cues]
    # SRT has no escapes: a literal <i> or {\an8} in a transcript reaches players as a tag (see README)
    plain = [c for c in cues if not re.search(r"<[^>]*>|\{\\", c.text)]
    if len(plain) == len(cues):
        assert [c.lines for c in parse_srt(text.removeprefix("\ufeff"))] == [
            tuple(_no_timing_arrow(line) for line in c.lines) for c in cues]


@SETTINGS
@given(timed_cues(), st.sampled_from(["lf", "crlf"]))
def test_webvtt_round_trips_pipeline_cues(cues, eol):
    text = writers.get("vtt").render(cues, writers.WriterOptions(eol=eol))
    parsed = parse_vtt(text)
    assert parsed.stray_blocks == []
    assert [c.lines for c in parsed.cues] == [c.lines for c in cues]
    assert [(ms(c.start), ms(c.end)) for c in parsed.cues] == [(ms(c.start), ms(c.end)) for c in cues]
    subs = pysubs2.SSAFile.from_string(text.replace("\r\n", "\n"), format_="vtt")  # as pysubs2.load reads a file
    assert [(e.start, e.end) for e in subs] == [(ms(c.start), ms(c.end)) for c in cues]
    # pysubs2 is a second opinion on times only: it leaves entities escaped, reads {…} as an ASS override and
    # drops a last line that is only digits (it takes it for the next cue's number)
