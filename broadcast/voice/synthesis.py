"""Speech for every sentence of a bulletin: from the cache when it is there, else from the engine (many
sentences at once when the engine can), and from a fallback voice for the rest when the engine fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from broadcast import interrupt
from broadcast.errors import BroadcastError
from broadcast.text.segmenter import Segment
from broadcast.voice.base import Engine, EngineError, SpeechAudio
from broadcast.voice.cache import SegmentCache

Progress = Callable[[str, int, int], None]


@dataclass
class FallbackUse:
    """One fallback voice that spoke: which engine, which segments (1-based), and what made the voice before
    it fail."""

    engine: str
    segments: list[int]
    cause: str


@dataclass
class SynthesisLog:
    """Where each sentence's speech came from (segment indexes, 1-based as in the manifest)."""

    cached: list[int] = field(default_factory=list)
    synthesized: list[int] = field(default_factory=list)
    fallbacks: list[FallbackUse] = field(default_factory=list)  # in the order they were called on
    spoken_by: dict[int, str] = field(default_factory=dict)  # segment index → the engine whose voice it is

    @property
    def fallback_segments(self) -> list[int]:
        return [i for use in self.fallbacks for i in use.segments]


def stream(engine: Engine, sentences: Sequence[Sequence[str]]) -> Iterator[tuple[int, SpeechAudio]]:
    """(position, speech) from the engine's own batch method, or one sentence at a time."""
    batch = getattr(engine, "synthesize_all", None)
    if batch is not None:
        yield from batch(sentences)
        return
    for position, parts in enumerate(sentences):
        try:
            # Ctrl-C or SIGTERM waits for the sentence: raised inside eSpeak's ctypes audio callback it would
            # be swallowed, and the sentence would lose audio (and be cached so)
            with interrupt.deferred():
                speech = engine.synthesize(list(parts))
        except EngineError as exc:
            raise EngineError(str(exc), position=position) from None
        yield position, speech


def synthesize(
    path: Path,
    segments: Sequence[Segment],
    engine: Engine,
    cache: SegmentCache | None = None,
    fallbacks: Sequence[tuple[str, Callable[[], Engine]]] = (),
    progress: Progress | None = None,
    log: SynthesisLog | None = None,
) -> Iterator[SpeechAudio]:
    """Speech for each segment, in order. Every finished sentence goes into the cache at once, so a run that
    stops part-way resumes there. A failure names the sentence, unless `fallbacks` (engine name, how to make
    it) give other voices: then the first speaks every sentence not yet done, the next whatever the first could
    not, and so on. A fallback's own cache entries are used too."""
    log = log if log is not None else SynthesisLog()
    parts = [[c.speech for c in seg.cues] for seg in segments]
    done: dict[int, SpeechAudio] = {}
    next_out = 0

    def ready() -> Iterator[SpeechAudio]:
        nonlocal next_out
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1

    def from_cache(voice: Engine, indexes: list[int], record: list[int] | None) -> list[int]:
        """Take what the cache holds in `voice`'s name; the indexes still to speak."""
        todo = []
        for i in indexes:
            hit = cache.get(cache.key(voice, parts[i])) if cache else None
            if hit is None:
                todo.append(i)
                continue
            done[i] = hit
            log.cached.append(segments[i].index)
            log.spoken_by[segments[i].index] = voice.name
            if record is not None:
                record.append(segments[i].index)
        return todo

    def run(voice: Engine, indexes: list[int], record: list[int]) -> Iterator[SpeechAudio]:
        for position, speech in stream(voice, [parts[i] for i in indexes]):
            i = indexes[position]
            if cache:
                cache.put(cache.key(voice, parts[i]), speech)
            done[i] = speech
            record.append(segments[i].index)
            log.spoken_by[segments[i].index] = voice.name
            if progress:
                progress("synthesis", len(done) + next_out, len(segments))
            yield from ready()

    todo = from_cache(engine, list(range(len(segments))), None)
    yield from ready()
    failures: list[str] = []
    voice: Engine = engine
    record = log.synthesized
    makers = iter(fallbacks)
    while True:
        try:
            yield from run(voice, todo, record)
            break
        except EngineError as exc:
            failed = todo[exc.position] if exc.position is not None and exc.position < len(todo) else None
            where = f"sentence {segments[failed].index}" if failed is not None else "synthesis"
            failures.append(f"{where}: {exc}")
        while True:  # the next fallback that can be made
            name, make = next(makers, (None, None))
            if make is None:
                raise BroadcastError(f"{path}: {'; '.join(failures)}") from None
            try:
                voice = make()
                break
            except EngineError as exc:
                failures.append(f"the fallback {name} cannot start: {exc}")
        use = FallbackUse(voice.name, [], failures[-1])
        log.fallbacks.append(use)
        failures.append(f"the fallback {voice.name} failed too")
        record = use.segments
        todo = from_cache(voice, [i for i in range(next_out, len(segments)) if i not in done], record)
        yield from ready()
    if next_out != len(segments):  # pragma: no cover - every sentence is yielded or an error raised
        raise BroadcastError(f"{path}: {len(segments) - next_out} sentences got no speech")
