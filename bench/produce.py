"""How fast and how lean `broadcast produce` is; prints tables, asserts nothing.

    python bench/produce.py [--repeat 5] [--quick]

1. produce against the floor: eSpeak NG alone on the same speech text plus one MP3 encode of its output,
   measured alternately in one run (median of --repeat pairs), on the seed and the bundled sample.
2. scaling: 1×, 10× and a ~60-minute transcript (the seed's paragraphs repeated): seconds per minute of
   audio and peak memory (RSS of the broadcast process, from wait4) against the final PCM.
3. a rerun after a one-sentence edit against a cold run (segment cache on).
4. `broadcast --help` start-up against `python -c "import click"`.

Every produce run is a real `broadcast produce` process with its own empty cache unless stated.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"
SAMPLE = ROOT / "assets" / "sample.txt"
BROADCAST = [sys.executable, "-c", "from broadcast.cli import main; main()"]


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[-6:])} failed: {err.strip()[-500:]}")
    return seconds, usage.ru_maxrss * 1024


def produce(transcript: Path, out: Path, cache: Path | None, *extra: str) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [*BROADCAST, "produce", str(transcript), "-o", str(out), "-q", *extra]
    if cache is None:
        args.append("--no-cache")
    else:
        env["BROADCAST_CACHE_DIR"] = str(cache)
    return run(args, env)


FLOOR = """
import subprocess, sys, time
from pathlib import Path
from broadcast import pipeline
from broadcast.audio import sound
from broadcast.voice.espeak import EspeakEngine, _Library, _WPM_PER_SYLLABLE_PER_SECOND
segments = pipeline.plan(Path(sys.argv[1]), pipeline.Settings())
library = _Library.get()
wpm = round(pipeline.Settings().rate * _WPM_PER_SYLLABLE_PER_SECOND)
pcm = b"".join(library.synth(s.speech, "vi", wpm)[0] for s in segments)
sound.encode(pcm, library.sample_rate, Path(sys.argv[2]), "mp3")
"""


def floor(transcript: Path, out: Path) -> tuple[float, int]:
    """eSpeak alone on the same speech text, then one MP3 encode (text preparation included, as in produce)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return run([sys.executable, "-c", FLOOR, str(transcript), str(out / "floor.mp3")], env)


def repeated(transcript: Path, times: int, folder: Path) -> Path:
    """The transcript's title and credit once, its body `times` times (photo lines kept)."""
    lines = transcript.read_text(encoding="utf-8").splitlines()
    title, body = lines[0], [line for line in lines[1:] if not line.startswith("Nguồn:")]
    path = folder / f"{transcript.stem}_x{times}.txt"
    path.write_text("\n".join([title, *body * times, "", "Nguồn: Bản tin Thời sự tối/TTV"]), encoding="utf-8")
    return path


def manifest_duration(out: Path, stem: str) -> float:
    import json

    return json.loads((out / stem / "manifest.json").read_text(encoding="utf-8"))["duration"]


def table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        print("  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the 60-minute transcript")
    args = parser.parse_args()
    inputs = [p for p in (SEED, SAMPLE) if p.exists()]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)

        print("1. produce against the floor (eSpeak alone + one MP3 encode), alternating runs, medians")
        rows = [("transcript", "audio s", "floor s", "produce s", "ratio")]
        for transcript in inputs:
            floors, produces = [], []
            for _ in range(args.repeat):
                floors.append(floor(transcript, tmp)[0])
                produces.append(produce(transcript, tmp / "out", None)[0])
            f, p = statistics.median(floors), statistics.median(produces)
            rows.append((transcript.stem, f"{manifest_duration(tmp / 'out', transcript.stem):.1f}", f"{f:.2f}",
                         f"{p:.2f}", f"{p / f:.2f}"))
        table(rows)

        print("2. scaling (cold, no cache): time per minute of audio and peak memory")
        rows = [("input", "audio min", "wall s", "s per audio min", "peak RSS MB", "final PCM MB", "limit MB")]
        base = SEED if SEED.exists() else SAMPLE
        scales = [1, 10] + ([] if args.quick else [0])
        one_minute_cost = None
        for times in scales:
            if times == 0:  # as many copies as make about 60 minutes
                minutes_per_copy = manifest_duration(tmp / "scale", f"{base.stem}_x1") / 60
                times = max(1, round(60 / minutes_per_copy))
            transcript = repeated(base, times, tmp)
            seconds, rss = produce(transcript, tmp / "scale", None)
            import json

            manifest = json.loads((tmp / "scale" / transcript.stem / "manifest.json").read_text(encoding="utf-8"))
            minutes = manifest["duration"] / 60
            width = (manifest.get("bit_depth") or 16) // 8
            pcm_mb = manifest["duration"] * manifest.get("sample_rate", 22050) * width / 1e6
            per_minute = seconds / minutes
            one_minute_cost = one_minute_cost or per_minute
            rows.append((f"{times}×", f"{minutes:.1f}", f"{seconds:.1f}", f"{per_minute:.2f} ({per_minute / one_minute_cost:.2f}×)",
                         f"{rss / 1e6:.0f}", f"{pcm_mb:.0f}", f"{1.5 * pcm_mb + 150:.0f}"))
        table(rows)

        print("3. rerun after a one-sentence edit against a cold run (cache on)")
        cache = tmp / "cache"
        transcript = tmp / "edit" / base.name
        transcript.parent.mkdir()
        text = base.read_text(encoding="utf-8")
        transcript.write_text(text, encoding="utf-8")
        cold, _ = produce(transcript, tmp / "edit-out", cache)
        marker = "đánh giá cao"
        assert marker in text
        transcript.write_text(text.replace(marker, "đánh giá rất cao", 1), encoding="utf-8")
        rerun, _ = produce(transcript, tmp / "edit-out", cache)
        table([("run", "wall s", "vs cold"), ("cold", f"{cold:.2f}", "1.00"), ("one sentence edited", f"{rerun:.2f}", f"{rerun / cold:.2f}")])

        print("4. start-up: `broadcast --help` against `python -c \"import click\"`, medians of 10")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        helps = [run([*BROADCAST, "--help"], env)[0] for _ in range(10)]
        clicks = [run([sys.executable, "-c", "import click"], env)[0] for _ in range(10)]
        h, c = statistics.median(helps), statistics.median(clicks)
        table([("command", "ms", "ratio"), ("broadcast --help", f"{h * 1000:.0f}", f"{h / c:.2f}"),
               ("import click", f"{c * 1000:.0f}", "1.00")])


if __name__ == "__main__":
    main()
