"""The stages joined up: transcript → segments → speech text → audio → timeline → writers."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from broadcast import __version__, audio, engines, segmenter, speech, timeline, transcript, writers
from broadcast.errors import BroadcastError
from broadcast.output import StagedFolder
from broadcast.writers import manifest


@dataclass
class Settings:
    engine: str = "espeak"
    voice: str | None = None
    rate: float = segmenter.DEFAULT_RATE
    audio_format: str = "mp3"
    bitrate: str = "128k"
    captions: bool = False
    credit: bool = False
    sentence_pause: float = timeline.DEFAULT_SENTENCE_PAUSE
    paragraph_pause: float = timeline.DEFAULT_PARAGRAPH_PAUSE
    subtitles: tuple[str, ...] = ("srt", "vtt")
    overwrite: bool = False


@dataclass
class Result:
    source: Path
    folder: Path
    programme: timeline.Programme
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def plan(path: Path, settings: Settings) -> list[segmenter.Segment]:
    """Read, segment and give speech text; no audio."""
    doc = transcript.read(path)
    segments = segmenter.segment(doc, captions=settings.captions, source=settings.credit)
    if not segments:
        raise BroadcastError(f"{path}: nothing to speak (only photo placeholders or captions)")
    return speech.speak_segments(segments)


def produce(
    path: Path, out_dir: Path, settings: Settings, progress: Callable[[str, int, int], None] | None = None
) -> Result:
    started = time.perf_counter()
    segments = plan(path, settings)
    engine = engines.create(settings.engine, settings.voice, settings.rate)

    def synthesized():
        for i, seg in enumerate(segments, start=1):
            try:
                yield engine.synthesize([c.speech for c in seg.cues])
            except BroadcastError as exc:
                raise BroadcastError(f"{path}: sentence {seg.index}: {exc}") from None
            if progress:
                progress("synthesis", i, len(segments))

    programme = timeline.assemble(segments, synthesized(), settings.sentence_pause, settings.paragraph_pause)
    stem = path.stem
    target = out_dir / stem
    ext = "." + settings.audio_format
    with StagedFolder(target, settings.overwrite) as stage:
        (stage / "clips").mkdir()
        audio_name = stem + ext
        clip_names = [f"clips/{s.segment.index:03d}{ext}" for s in programme.segments]
        jobs = [(programme.pcm, stage / audio_name)] + [
            (programme.clip_pcm(s), stage / name) for s, name in zip(programme.segments, clip_names)
        ]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # ffmpeg runs as subprocesses
            done = 0
            for _ in pool.map(
                lambda job: audio.encode(job[0], programme.sample_rate, job[1], settings.audio_format,
                                         settings.bitrate),
                jobs,
            ):
                done += 1
                if progress:
                    progress("encoding", done, len(jobs))
        for name in settings.subtitles:
            writer = writers.get(name)
            (stage / (stem + writer.extension)).write_text(writer.render(programme.cues), encoding="utf-8", newline="")
        (stage / "manifest.json").write_text(
            manifest.render(
                programme, source=path.name, engine=settings.engine, voice=engine.voice, audio=audio_name,
                clip_names=clip_names,
                extra={"engine_version": engine.version, "rate": settings.rate, "broadcast_version": __version__},
            ),
            encoding="utf-8",
        )
        files = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    return Result(path, target, programme, [target / f for f in files], time.perf_counter() - started)
