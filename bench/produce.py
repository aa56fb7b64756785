"""How fast and how lean `broadcast produce` is; prints tables, asserts nothing.

    python bench/produce.py [--repeat 5] [--quick] [--baseline DIR]

1. produce against three floors, every command run once per round, rounds alternating (so load from other work
   on the machine falls on all of them alike), on the seed and the bundled sample. Medians, and the spread:
   - floor: eSpeak NG in one process on the same speech text, then one MP3 encode of its output;
   - floor, everything delivered: the same plus an MP3 encode of each sentence (what produce delivers: the
     bulletin and one clip per sentence), the encodes run on all cores at once;
   - bare floor: the `espeak-ng` program speaking the same text, then one `ffmpeg` MP3 encode as long as
     produce's bulletin. Without the program on PATH the libespeak-ng of the espeakng-loader wheel stands in
     (one call on the whole text from a minimal Python driver); the table says which was used.
   Ratios are taken per round (paired), then the median and range of those.
2. scaling: 1×, 10× and a ~60-minute transcript (the seed's paragraphs repeated): seconds per minute of audio
   and peak memory (RSS of the broadcast process, from wait4) against the final PCM.
3. ffmpeg processes started by one produce (counted through an IMAGEIO_FFMPEG_EXE wrapper), at 1× and 10×.
4. clips against the bulletin: each clip and the bulletin decoded by ffmpeg (honouring gapless tags); how many
   clips are the bulletin's samples for their span, the largest difference (16-bit LSB) and length difference.
5. a rerun after a one-sentence edit against a cold run (segment cache on).
6. `broadcast --help` start-up against `python -c "import click"`.

`--baseline DIR` names another checkout of broadcast (say `git worktree add /tmp/before main`); its produce is
measured alternately with this one's in tables 1–4. Every produce run is a real `broadcast produce` process
with its own empty cache unless stated.
"""

from __future__ import annotations

import argparse
import array
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"
SAMPLE = ROOT / "assets" / "sample.txt"
BROADCAST = [sys.executable, "-c", "from broadcast.cli import main; main()"]


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    rss: int  # peak resident memory of the process itself, bytes
    cpu: float  # user + system seconds of the process and every process it started and waited for

    def __add__(self, other: "Run") -> "Run":
        return Run(self.wall + other.wall, max(self.rss, other.rss), self.cpu + other.cpu)


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Run:
    """One child process, measured (run in `cwd`: the code `python -c` imports)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[-6:])} failed: {err.strip()[-500:]}")
    return Run(seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime)


def code_env(code: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(code), **extra)


def produce(transcript: Path, out: Path, cache: Path | None, *extra: str, code: Path = ROOT,
            env: dict[str, str] | None = None) -> Run:
    env = code_env(code, **(env or {}))
    args = [*BROADCAST, "produce", str(transcript), "-o", str(out), "-q", *extra]
    if cache is None:
        args.append("--no-cache")
    else:
        env["BROADCAST_CACHE_DIR"] = str(cache)
    return run(args, env, cwd=code)


FLOOR = """
import os, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from broadcast import pipeline
from broadcast.audio import sound
from broadcast.voice.espeak import _Library, _WPM_PER_SYLLABLE_PER_SECOND
segments = pipeline.plan(Path(sys.argv[1]), pipeline.Settings())
library = _Library.get()
wpm = round(pipeline.Settings().rate * _WPM_PER_SYLLABLE_PER_SECOND)
speech = [library.synth(s.speech, "vi", wpm)[0] for s in segments]
out = Path(sys.argv[2])
jobs = [(b"".join(speech), out / "floor.mp3")]
if sys.argv[3] == "everything":
    (out / "clips").mkdir(exist_ok=True)
    jobs += [(pcm, out / "clips" / f"{i:03d}.mp3") for i, pcm in enumerate(speech, 1)]
with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
    list(pool.map(lambda job: sound.encode(job[0], library.sample_rate, job[1], "mp3"), jobs))
"""

STAND_IN = """
import sys
from pathlib import Path
from broadcast.voice.espeak import _Library
pcm, _ = _Library.get().synth(Path(sys.argv[1]).read_text(encoding="utf-8"), "vi", int(sys.argv[2]))
Path(sys.argv[3]).write_bytes(pcm)
"""


def floor(transcript: Path, out: Path, what: str) -> Run:
    """eSpeak alone on the same speech text, then MP3 encodes (text preparation included, as in produce):
    of the bulletin (`what` = "bulletin") or of the bulletin and every sentence ("everything")."""
    out.mkdir(exist_ok=True)
    return run([sys.executable, "-c", FLOOR, str(transcript), str(out), what], code_env(ROOT))


def bare_floor(speech_text: Path, samples: int, out: Path, program: str | None) -> Run:
    """`espeak-ng` (or the stand-in) speaking the text, then one ffmpeg MP3 encode of `samples` samples (as many
    as produce's bulletin: the speech padded with silence or cut)."""
    from broadcast.audio import sound
    from broadcast.voice.espeak import _WPM_PER_SYLLABLE_PER_SECOND

    wpm = str(round(3.3 * _WPM_PER_SYLLABLE_PER_SECOND))
    if program:
        speak = run([program, "-v", "vi", "-s", wpm, "-w", str(out / "bare.wav"), "-f", str(speech_text)])
        source = ["-i", str(out / "bare.wav")]
    else:
        speak = run([sys.executable, "-c", STAND_IN, str(speech_text), wpm, str(out / "bare.raw")], code_env(ROOT))
        source = ["-f", "s16le", "-ar", "22050", "-ac", "1", "-i", str(out / "bare.raw")]
    return speak + run([sound.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *source, "-af",
                        f"apad=whole_len={samples},atrim=end_sample={samples}", "-c:a", "libmp3lame", "-b:a", "128k",
                        str(out / "bare.mp3")])


def speech_text(transcript: Path, folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from broadcast import pipeline

    path = folder / f"{transcript.stem}.speech.txt"
    segments = pipeline.plan(transcript, pipeline.Settings())
    path.write_text("\n".join(s.speech for s in segments), encoding="utf-8")
    return path


def repeated(transcript: Path, times: int, folder: Path) -> Path:
    """The transcript's title and credit once, its body `times` times (photo lines kept)."""
    lines = transcript.read_text(encoding="utf-8").splitlines()
    title, body = lines[0], [line for line in lines[1:] if not line.startswith("Nguồn:")]
    path = folder / f"{transcript.stem}_x{times}.txt"
    path.write_text("\n".join([title, *body * times, "", "Nguồn: Bản tin Thời sự tối/TTV"]), encoding="utf-8")
    return path


def manifest(out: Path, stem: str) -> dict:
    return json.loads((out / stem / "manifest.json").read_text(encoding="utf-8"))


def table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        print("  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    print()


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """median (min–max)"""
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def against_floors(inputs: list[Path], tmp: Path, repeat: int, codes: dict[str, Path]) -> None:
    program = shutil.which("espeak-ng")
    bare_kinds = ([("bare", program)] if program else []) + [("bare, stand-in", None)]
    version = ""
    if program:
        version = subprocess.run([program, "--version"], capture_output=True, text=True).stdout.split(":")[1]
        version = version.split()[0]
    print("1. produce against the floors, alternating rounds; median (min–max) over", repeat, "rounds")
    print(f"   bare = the espeak-ng {version} program on PATH" if program else "   no espeak-ng program on PATH",
          "; bare, stand-in = libespeak-ng from the espeakng-loader wheel, one call, minimal driver")
    rows = [("transcript", "audio s", "command", "wall s", "CPU s", "produce's wall ÷ its, per round")]
    for transcript in inputs:
        text = speech_text(transcript, tmp)
        produce(transcript, tmp / "out", None)  # warm the page cache and learn the bulletin's length
        m = manifest(tmp / "out", transcript.stem)
        samples = round(m["duration"] * m["sample_rate"])
        times: dict[str, list[Run]] = {}
        for _ in range(repeat):
            times.setdefault("floor: eSpeak + 1 MP3", []).append(floor(transcript, tmp / "floor", "bulletin"))
            times.setdefault("floor: eSpeak + MP3 of all delivered", []).append(
                floor(transcript, tmp / "floor-all", "everything"))
            for label, exe in bare_kinds:
                times.setdefault(label, []).append(bare_floor(text, samples, tmp, exe))
            for name, code in codes.items():
                times.setdefault(name, []).append(produce(transcript, tmp / f"out-{name}", None, code=code))
        for label, runs in times.items():
            ratios = {name: [p.wall / f.wall for p, f in zip(times[name], runs)] for name in codes}
            rows.append((transcript.stem, f"{m['duration']:.1f}", label, spread([r.wall for r in runs]),
                         f"{statistics.median(r.cpu for r in runs):.2f}",
                         "; ".join(f"{name} {spread(r)}" for name, r in ratios.items())))
    table(rows)


def scaling(base: Path, tmp: Path, quick: bool, codes: dict[str, Path]) -> None:
    print("2. scaling (cold, no cache): time per minute of audio and peak memory")
    rows = [("code", "input", "audio min", "wall s", "s per audio min (vs 1×)", "peak RSS MB", "final PCM MB",
             "limit MB")]
    scales = [1, 10] + ([] if quick else [0])
    per_minute_1x: dict[str, float] = {}
    minutes_per_copy = 0.0
    for times in scales:
        if times == 0:  # as many copies as make about 60 minutes
            times = max(1, round(60 / minutes_per_copy))
        transcript = repeated(base, times, tmp)
        for name, code in codes.items():
            out = tmp / f"scale-{name}"
            measured = produce(transcript, out, None, code=code)
            seconds, rss = measured.wall, measured.rss
            m = manifest(out, transcript.stem)
            minutes = m["duration"] / 60
            minutes_per_copy = minutes_per_copy or minutes
            width = (m.get("bit_depth") or 16) // 8
            pcm_mb = m["duration"] * m.get("sample_rate", 22050) * width / 1e6
            per_minute = seconds / minutes
            first = per_minute_1x.setdefault(name, per_minute)
            rows.append((name, f"{times}×", f"{minutes:.1f}", f"{seconds:.1f}",
                         f"{per_minute:.2f} ({per_minute / first:.2f}×)", f"{rss / 1e6:.0f}", f"{pcm_mb:.0f}",
                         f"{1.5 * pcm_mb + 150:.0f}"))
            shutil.rmtree(out / transcript.stem)
    table(rows)


def ffmpeg_processes(base: Path, tmp: Path, codes: dict[str, Path]) -> None:
    from broadcast.audio import sound

    print("3. ffmpeg processes started by one produce (the imageio-ffmpeg `-version` check not counted)")
    log = tmp / "ffmpeg.log"
    wrapper = tmp / "ffmpeg-counting"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{sound.ffmpeg_exe()}" "$@"\n')
    wrapper.chmod(0o755)
    rows = [("code", "input", "format", "segments", "ffmpeg processes")]
    for times in (1, 10):
        transcript = repeated(base, times, tmp)
        for name, code in codes.items():
            for fmt in ("mp3", "wav"):
                log.write_text("")
                produce(transcript, tmp / "count", None, "--format", fmt, code=code,
                        env={"IMAGEIO_FFMPEG_EXE": str(wrapper)})
                calls = [line for line in log.read_text().splitlines() if line.strip() != "-version"]
                segments = len(manifest(tmp / "count", transcript.stem)["segments"])
                rows.append((name, f"{times}×", fmt, str(segments), str(len(calls))))
    table(rows)


def clips_against_bulletin(base: Path, tmp: Path, codes: dict[str, Path]) -> None:
    from broadcast.audio import sound

    def decoded(path: Path) -> array.array:
        pcm = subprocess.run([sound.ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-"],
                             capture_output=True, check=True).stdout
        return array.array("h", pcm)

    print("4. clips against the bulletin (both decoded by ffmpeg, gapless tags honoured; 16-bit samples)")
    rows = [("code", "format", "clips", "sample-identical", "max |diff| LSB", "max length diff (samples)")]
    for name, code in codes.items():
        for fmt in ("mp3", "wav"):
            out = tmp / f"clips-{name}-{fmt}"
            produce(base, out, None, "--format", fmt, code=code)
            m = manifest(out, base.stem)
            whole = decoded(out / base.stem / m["audio"])
            same, worst, longest = 0, 0, 0
            for seg in m["segments"]:
                first, last = seg["samples"]
                clip, span = decoded(out / base.stem / seg["clip"]), whole[first:last]
                same += clip == span
                worst = max([worst, *(abs(a - b) for a, b in zip(clip, span))])
                longest = max(longest, abs(len(clip) - len(span)))
            rows.append((name, fmt, str(len(m["segments"])), str(same), str(worst), str(longest)))
    table(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the 60-minute transcript")
    parser.add_argument("--baseline", type=Path, help="another broadcast checkout to measure alternately")
    parser.add_argument("--only", type=int, nargs="*", help="run only these tables (1–6)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    inputs = [p for p in (SEED, SAMPLE) if p.exists()]
    base = SEED if SEED.exists() else SAMPLE
    codes = {"produce": ROOT}
    if args.baseline:
        codes["baseline"] = args.baseline.resolve()
    wanted = set(args.only or range(1, 7))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start\n")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if 1 in wanted:
            against_floors(inputs, tmp, args.repeat, codes)
        if 2 in wanted:
            scaling(base, tmp, args.quick, codes)
        if 3 in wanted:
            ffmpeg_processes(base, tmp, codes)
        if 4 in wanted:
            clips_against_bulletin(base, tmp, codes)
        if 5 in wanted:
            print("5. rerun after a one-sentence edit against a cold run (cache on)")
            cache = tmp / "cache"
            transcript = tmp / "edit" / base.name
            transcript.parent.mkdir()
            text = base.read_text(encoding="utf-8")
            transcript.write_text(text, encoding="utf-8")
            cold = produce(transcript, tmp / "edit-out", cache).wall
            marker = "đánh giá cao"
            assert marker in text
            transcript.write_text(text.replace(marker, "đánh giá rất cao", 1), encoding="utf-8")
            rerun = produce(transcript, tmp / "edit-out", cache).wall
            table([("run", "wall s", "vs cold"), ("cold", f"{cold:.2f}", "1.00"),
                   ("one sentence edited", f"{rerun:.2f}", f"{rerun / cold:.2f}")])
        if 6 in wanted:
            print("6. start-up: `broadcast --help` against `python -c \"import click\"`, medians of 10")
            env = code_env(ROOT)
            helps = [run([*BROADCAST, "--help"], env).wall for _ in range(10)]
            clicks = [run([sys.executable, "-c", "import click"], env).wall for _ in range(10)]
            h, c = statistics.median(helps), statistics.median(clicks)
            table([("command", "ms", "ratio"), ("broadcast --help", f"{h * 1000:.0f}", f"{h / c:.2f}"),
                   ("import click", f"{c * 1000:.0f}", "1.00")])
    print(f"load average {os.getloadavg()[0]:.1f} at the end (2 cores shared with other work: see the spreads)")


if __name__ == "__main__":
    main()
