"""What every voice gives back, and the small interface every engine implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol, Sequence

from broadcast.audio import sound
from broadcast.errors import BroadcastError


class EngineError(BroadcastError):
    """A voice could not speak; the message is one line a user can act on.

    `position` is the index of the failing sentence in a `synthesize_all` call, when known.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class SpeechAudio:
    """One sentence of speech: 16-bit mono PCM and where each part of it is heard.

    `part_spans[i]` is the (start, end) sample range in which part i is spoken, with the silence around
    it left out; parts are the pieces of text passed to `Engine.synthesize`, in order.
    """

    pcm: bytes
    sample_rate: int
    part_spans: tuple[tuple[int, int], ...]

    @property
    def n_samples(self) -> int:
        return len(self.pcm) // 2

    @classmethod
    def from_word_events(
        cls, pcm: bytes, sample_rate: int, part_starts: Sequence[int], events: Sequence["HasPosition"]
    ) -> "SpeechAudio":
        """Locate parts from word events: a part begins at the first word at or after its text offset."""
        n = len(pcm) // 2
        starts: list[int] = []
        for offset in part_starts:
            sample = next((e.sample for e in events if e.text_position >= offset), None)
            starts.append(n if sample is None else sample)
        return cls.from_part_starts(pcm, sample_rate, starts)

    @classmethod
    def from_part_starts(cls, pcm: bytes, sample_rate: int, starts: Sequence[int]) -> "SpeechAudio":
        """Spans from where each part may start (word events, alignments): each start is snapped forward to
        the part's first sound, and each part ends at its last sound before the next part starts."""
        n = len(pcm) // 2
        # Events and alignments only mark where a part's sound may start; snap to the sound itself.
        snapped = [sound.first_sound(pcm, min(max(s, 0), n), sample_rate) for s in starts]
        snapped = _monotonic(snapped, n)
        spans = []
        for i, start in enumerate(snapped):
            limit = snapped[i + 1] if i + 1 < len(snapped) else n
            end = sound.last_sound(pcm, start, limit, sample_rate)
            spans.append((start, max(start, end)))
        return cls(pcm, sample_rate, tuple(spans))

    @classmethod
    def from_parts(cls, pcms: Sequence[bytes], sample_rate: int, gap_samples: int = 0) -> "SpeechAudio":
        """Join separately synthesized parts; each part's span is its own sound."""
        chunks: list[bytes] = []
        spans = []
        position = 0
        silence = b"\0\0" * gap_samples
        for i, pcm in enumerate(pcms):
            if i:
                chunks.append(silence)
                position += gap_samples
            n = len(pcm) // 2
            start = sound.first_sound(pcm, 0, sample_rate)
            end = sound.last_sound(pcm, start, n, sample_rate)
            spans.append((position + start, position + max(start, end)))
            chunks.append(pcm)
            position += n
        return cls(b"".join(chunks), sample_rate, tuple(spans))


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers, as `broadcast voices` lists it and `--voice` takes it."""

    name: str  # what --voice takes
    description: str  # e.g. "Vietnamese, northern"
    needs: str = ""  # what it takes to use: "nothing", "internet", a file …
    file: str = ""  # where the voice lives on disk, for voices the user installed (Piper)


def join_parts(parts: Sequence[str]) -> tuple[str, list[int]]:
    """A sentence's parts as one text, joined by spaces, and where each part starts in it (for engines that
    speak the sentence whole and report word positions in that text)."""
    text = ""
    starts: list[int] = []
    for part in parts:
        if text:
            text += " "
        starts.append(len(text))
        text += part
    return text, starts


class HasPosition(Protocol):
    text_position: int
    sample: int


def _monotonic(starts: list[int], n: int) -> list[int]:
    out: list[int] = []
    for s in starts:
        out.append(min(n, max(s, out[-1] if out else 0)))
    return out


class Engine(Protocol):
    """A voice. `synthesize` speaks a sentence given as parts (its cues' speech texts).

    The class also offers `voices() -> list[VoiceInfo]` (its Vietnamese voices) and
    `resolve_voice(voice: str | None) -> str` (the voice to use, the default for None; an EngineError naming
    the voices it has otherwise), both classmethods, so a voice is checked before any work starts.

    An engine may also offer `synthesize_all(sentences) -> Iterator[tuple[int, SpeechAudio]]`, yielding
    (position, speech) in any order, to work on many sentences at once (see `BatchEngine`); the pipeline
    uses it when present and otherwise calls `synthesize` once per sentence.
    """

    name: str
    voice: str
    rate: float
    version: str

    def synthesize(self, parts: list[str]) -> SpeechAudio: ...


class BatchEngine(Engine, Protocol):
    def synthesize_all(self, sentences: Sequence[Sequence[str]]) -> Iterator[tuple[int, SpeechAudio]]: ...
