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
class SynthesisLog:
    """Where each sentence's speech came from (segment indexes, 1-based as in the manifest)."""

    cached: list[int] = field(default_factory=list)
    synthesized: list[int] = field(default_factory=list)
    fallback_engine: str | None = None
    fallback: list[int] = field(default_factory=list)
    fallback_cause: str | None = None


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
    fallback: Callable[[], Engine] | None = None,
    progress: Progress | None = None,
    log: SynthesisLog | None = None,
) -> Iterator[SpeechAudio]:
    """Speech for each segment, in order. Every finished sentence goes into the cache at once, so a run that
    stops part-way resumes there. A failure names the sentence, unless `fallback` gives another voice, which
    then speaks every sentence not yet done."""
    log = log if log is not None else SynthesisLog()
    parts = [[c.speech for c in seg.cues] for seg in segments]
    done: dict[int, SpeechAudio] = {}
    todo: list[int] = []
    for i, seg in enumerate(segments):
        hit = cache.get(cache.key(engine, parts[i])) if cache else None
        if hit is None:
            todo.append(i)
        else:
            done[i] = hit
            log.cached.append(seg.index)
    next_out = 0

    def ready() -> Iterator[SpeechAudio]:
        nonlocal next_out
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1

    def run(voice: Engine, indexes: list[int], record: list[int]) -> Iterator[SpeechAudio]:
        for position, speech in stream(voice, [parts[i] for i in indexes]):
            i = indexes[position]
            if cache:
                cache.put(cache.key(voice, parts[i]), speech)
            done[i] = speech
            record.append(segments[i].index)
            if progress:
                progress("synthesis", len(log.cached) + len(log.synthesized) + len(log.fallback), len(segments))
            yield from ready()

    yield from ready()
    try:
        yield from run(engine, todo, log.synthesized)
    except EngineError as exc:
        failed = todo[exc.position] if exc.position is not None and exc.position < len(todo) else None
        where = f"sentence {segments[failed].index}" if failed is not None else "synthesis"
        if fallback is None:
            raise BroadcastError(f"{path}: {where}: {exc}") from None
        voice = fallback()
        log.fallback_engine = voice.name
        log.fallback_cause = f"{where}: {exc}"
        rest = [i for i in todo if i >= next_out and i not in done]
        try:
            yield from run(voice, rest, log.fallback)
        except EngineError as exc2:
            raise BroadcastError(f"{path}: {where}: {exc}; the fallback {voice.name} failed too: {exc2}") from None
    if next_out != len(segments):  # pragma: no cover - every sentence is yielded or an error raised
        raise BroadcastError(f"{path}: {len(segments) - next_out} sentences got no speech")
