"""Several transcripts in one run: folders expand to their *.txt files, `jobs` worker processes (eSpeak keeps
its state in process globals, so parallel synthesis needs processes), a failing transcript does not stop
the others, and every transcript ends as an `Outcome` for the summary table."""

from __future__ import annotations

import multiprocessing
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from broadcast import interrupt
from broadcast.errors import BroadcastError
from broadcast.pipeline import Progress, Settings, produce

WORKER_STOP_SECONDS = 30.0  # how long an interrupted worker may take to clean up before it is killed


class BatchError(BroadcastError):
    pass


@dataclass
class Outcome:
    source: Path
    error: str | None = None
    folder: Path | None = None
    duration: float = 0.0
    segments: int = 0
    cues: int = 0
    files: list[Path] = field(default_factory=list)
    integrated: float | None = None  # LUFS of the written bulletin
    true_peak: float | None = None  # dBTP
    gain_db: float = 0.0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    sources: str = ""  # where the speech came from when not all from the engine just now (cache, fallback)
    detail: str = ""  # a traceback for unexpected failures, shown with -v

    @property
    def ok(self) -> bool:
        return self.error is None


def expand(paths: Iterable[Path]) -> list[Path]:
    """Transcripts named on the command line; a folder stands for its *.txt files (sorted, not recursive)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
            if not found:
                raise BatchError(f"{path}: folder holds no .txt transcripts")
            out.extend(found)
        else:
            out.append(path)
    return out


def produce_one(path: Path, out_dir: Path, settings: Settings, progress: Progress | None = None) -> Outcome:
    """One transcript, never raising: errors become the outcome's `error` (one line)."""
    started = time.perf_counter()
    try:
        result = produce(path, out_dir, settings, progress)
    except BroadcastError as exc:
        return Outcome(path, error=str(exc), seconds=time.perf_counter() - started)
    except Exception as exc:  # a bug must not stop the other transcripts; -v shows the traceback
        return Outcome(path, error=f"{path}: unexpected {type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - started, detail=traceback.format_exc())
    p = result.programme
    return Outcome(
        path, folder=result.folder, duration=p.duration, segments=len(p.segments), cues=len(p.cues),
        files=result.files, integrated=result.loudness.integrated if result.loudness else None,
        true_peak=result.loudness.true_peak if result.loudness else None, gain_db=result.gain_db,
        seconds=result.seconds, warnings=result.warnings, sources=sources_note(result.synthesis_log, len(p.segments)),
    )


SHOWN_SENTENCES = 12  # sentences listed by number in the summary; more are counted


def sources_note(log, total: int) -> str:
    """"8 of 9 from cache, spoken now: 4; espeak fallback for 6 of 9 segments (cause)", or "" when all came
    from the engine just now. After an edit, the numbers say which sentences were spoken again."""
    notes = []
    if log.cached:
        note = f"{len(log.cached)} of {total} from cache"
        spoken = sorted(set(log.synthesized + log.fallback_segments) - set(log.cached))
        if spoken:
            shown = ", ".join(map(str, spoken[:SHOWN_SENTENCES]))
            more = f" and {len(spoken) - SHOWN_SENTENCES} more" if len(spoken) > SHOWN_SENTENCES else ""
            note += f", spoken now: {shown}{more}"
        notes.append(note)
    for use in log.fallbacks:
        notes.append(f"{use.engine} fallback for {len(use.segments)} of {total} segments ({use.cause})")
    return "; ".join(notes)


def run(paths: list[Path], out_dir: Path, settings: Settings, jobs: int = 1,
        progress: Progress | None = None, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Produce every transcript; outcomes in the order given. Two transcripts with the same name would
    write the same folder, so the later one fails instead."""
    outcomes: dict[int, Outcome] = {}
    seen: dict[str, Path] = {}
    todo: list[int] = []

    def finish(i: int, outcome: Outcome) -> None:
        outcomes[i] = outcome
        if on_done:
            on_done(outcome)

    for i, path in enumerate(paths):
        first = seen.setdefault(path.stem, path)
        if first is not path:
            finish(i, Outcome(path, error=f"{path}: same output folder {out_dir / path.stem} as {first}"))
        else:
            todo.append(i)

    if jobs <= 1 or len(todo) <= 1:
        for i in todo:
            finish(i, produce_one(paths[i], out_dir, settings, progress))
    else:
        # spawn: a fresh interpreter per worker, each loading its own eSpeak (no forked library state)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context,
                                 initializer=_worker_start) as pool:
            with interrupt.blocked_for_children():  # workers start with the stop signals held
                futures = {pool.submit(_worker_produce, paths[i], out_dir, settings): i for i in todo}
            try:
                for future in as_completed(futures):
                    finish(futures[future], future.result())
            except BaseException:
                _stop_workers(pool)
                raise
    return [outcomes[i] for i in range(len(paths))]


def _worker_start() -> None:
    """In each worker: SIGINT/SIGTERM stop the transcript in hand cleanly, and any later ones at once."""
    interrupt.install(raising=False)
    interrupt.unblock()  # a signal that came while this process was starting is acted on now


def _worker_produce(path: Path, out_dir: Path, settings: Settings) -> Outcome:
    if interrupt.received() is None:
        try:
            with interrupt.allowed():
                return produce_one(path, out_dir, settings)
        except KeyboardInterrupt:
            pass
    return Outcome(path, error=f"{path}: interrupted")


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool on Ctrl-C or SIGTERM: drop the transcripts not started, signal the workers (a terminal's
    Ctrl-C reaches them itself, a SIGTERM to this process does not) and wait until each has cleaned up."""
    import os
    import signal

    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive() and process.pid is not None:
            try:
                os.kill(process.pid, signal.SIGTERM)
            except OSError:
                pass
    for process in processes:
        process.join(timeout=WORKER_STOP_SECONDS)
        if process.is_alive():  # pragma: no cover - a worker stuck in a C call
            process.kill()
