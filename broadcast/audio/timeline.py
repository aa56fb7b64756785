"""Speech audio laid end to end with pauses; every time here is measured on the real audio."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from broadcast import defaults
from broadcast.audio import sound
from broadcast.text.segmenter import Segment
from broadcast.voice.base import SpeechAudio

DEFAULT_SENTENCE_PAUSE = defaults.SENTENCE_PAUSE
DEFAULT_PARAGRAPH_PAUSE = defaults.PARAGRAPH_PAUSE
EDGE_MARGIN = 0.03  # kept around each sentence's sound so soft onsets and releases are not clipped


@dataclass(frozen=True)
class TimedCue:
    start: float
    end: float
    text: str
    lines: tuple[str, ...]
    # where the cue is spoken, measured on the audio; start/end are the times shown (see cuetiming)
    speech_start: float | None = None
    speech_end: float | None = None


@dataclass(frozen=True)
class TimedSegment:
    segment: Segment
    start: float
    end: float
    cues: tuple[TimedCue, ...]
    first_sample: int  # the segment's clip is programme.pcm samples [first_sample, last_sample)
    last_sample: int


@dataclass(frozen=True)
class RawFile:
    """PCM left in a raw file (an hour's recording at 48 kHz is 345 MB): its length, and bytes read only where
    sliced. Mastering has ffmpeg read the file itself."""

    path: Path
    size: int  # bytes

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, span: slice) -> bytes:
        start, stop, _ = span.indices(self.size)
        with self.path.open("rb") as src:
            src.seek(start)
            return src.read(max(0, stop - start))


@dataclass(frozen=True)
class Programme:
    pcm: bytes | bytearray | RawFile  # 16-bit mono at sample_rate
    sample_rate: int
    segments: tuple[TimedSegment, ...]

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate

    @property
    def cues(self) -> list[TimedCue]:
        return [c for s in self.segments for c in s.cues]

    def clip_pcm(self, segment: TimedSegment) -> bytes:
        return self.pcm[2 * segment.first_sample : 2 * segment.last_sample]


def assemble(
    segments: Sequence[Segment],
    speeches: Iterable[SpeechAudio],
    sentence_pause: float = DEFAULT_SENTENCE_PAUSE,
    paragraph_pause: float = DEFAULT_PARAGRAPH_PAUSE,
    on_segment: Callable[[int], None] | None = None,
    on_audio: Callable[[bytes | memoryview, int], None] | None = None,
) -> Programme:
    """Lay speech end to end; cost is linear in the number of segments, and memory about one programme's
    PCM: each sentence is appended to one growing buffer and released. `on_audio` sees every piece appended
    (PCM, sample rate), in order, as it is appended: readings of the programme can run while it grows."""
    pcm = bytearray()
    timed: list[TimedSegment] = []
    position = 0
    rate: int | None = None
    previous: Segment | None = None
    for segment, speech in zip(segments, speeches, strict=True):
        if rate is None:
            rate = speech.sample_rate
        speech = resample(speech, rate)
        if previous is not None:
            pause = paragraph_pause if segment.paragraph != previous.paragraph else sentence_pause
            gap = int(round(pause * rate))
            pcm += sound.silence(gap)
            position += gap
            if on_audio:
                on_audio(sound.silence(gap), rate)
        margin = int(EDGE_MARGIN * rate)
        clip_start = max(0, speech.part_spans[0][0] - margin) if speech.part_spans else 0
        clip_end = min(speech.n_samples, speech.part_spans[-1][1] + margin) if speech.part_spans else 0
        clip_end = max(clip_start, clip_end)
        piece = memoryview(speech.pcm)[2 * clip_start : 2 * clip_end]
        pcm += piece
        if on_audio:
            on_audio(piece, rate)
        offset = position - clip_start
        cues = tuple(
            TimedCue((offset + a) / rate, (offset + b) / rate, cue.text, cue.lines)
            for cue, (a, b) in zip(segment.cues, speech.part_spans, strict=True)
        )
        timed.append(
            TimedSegment(segment, position / rate, (position + clip_end - clip_start) / rate, cues,
                         position, position + clip_end - clip_start)
        )
        position += clip_end - clip_start
        previous = segment
        if on_segment:
            on_segment(segment.index)
    return Programme(pcm, rate or 22050, tuple(timed))


def resample(speech: SpeechAudio, rate: int) -> SpeechAudio:
    if speech.sample_rate == rate:
        return speech
    pcm, _ = sound.audioop.ratecv(speech.pcm, 2, 1, speech.sample_rate, rate, None)
    factor = rate / speech.sample_rate
    spans = tuple((int(a * factor), int(b * factor)) for a, b in speech.part_spans)
    return SpeechAudio(pcm, rate, spans)


def estimate(
    segments: Sequence[Segment],
    rate: float,
    sentence_pause: float = DEFAULT_SENTENCE_PAUSE,
    paragraph_pause: float = DEFAULT_PARAGRAPH_PAUSE,
) -> list[TimedSegment]:
    """A plan before any audio exists: durations from syllable counts of the speech text."""
    from broadcast.speech.estimate import estimate_seconds

    timed: list[TimedSegment] = []
    t = 0.0
    previous: Segment | None = None
    for segment in segments:
        if previous is not None:
            t += paragraph_pause if segment.paragraph != previous.paragraph else sentence_pause
        start = t
        cues = []
        for cue in segment.cues:
            d = estimate_seconds(cue.speech or cue.text, rate)
            cues.append(TimedCue(t, t + d, cue.text, cue.lines))
            t += d
        timed.append(TimedSegment(segment, start, t, tuple(cues), 0, 0))
        previous = segment
    return timed
