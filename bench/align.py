"""How well and how fast `broadcast align` aligns; prints tables, asserts nothing.

    python bench/align.py [--quick] [--minutes 5,15,30,60]

1. accuracy on recordings built from the shared VIVOS utterances (tests/recordings.py): joined with 0.2–0.4 s
   pauses under white noise at 30 dB SNR and a 50 Hz hum; the same with music under the voice, at 20 dB SNR,
   with a sentence left out, with speech the transcript lacks, with an 8 s jingle and a 10 s silence between
   sentences; and eSpeak readers in other voices and paces. Sentence edges are compared with the true speech
   edges of each utterance (measured on it before mixing); a boundary counts as inside the pause when the
   middle of the gap between one sentence's end and the next one's start lies in the true pause.
2. the wrong file: a transcript against a recording of other sentences, or in another order.
3. speed and peak memory of the aligner (decoding with ffmpeg included) on 5 to 60 minutes of recording, each
   in its own process (wall and CPU seconds, its children's included; peak RSS of the Python process, VmHWM),
   and of the whole `broadcast align` command; `--rate 48000` resamples these recordings first.

The VIVOS audio is CC BY-NC-SA and is read from ../shared/recordings, never copied; the bench stops with a
message where it is absent. The machine may be shared: CPU seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402
import recordings  # noqa: E402

from broadcast import speech  # noqa: E402
from broadcast.align import aligner  # noqa: E402
from broadcast.align.recording import InMemory  # noqa: E402

# aeneas-ng 1.7.4 on human Vietnamese read speech (VIVOS, 0.2–0.4 s pauses): boundaries inside the true pause
# (shared/research/alignment.md)
AENEAS = {14: ["3 of 14", "7 of 14"], 59: ["23 of 59"]}


def table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


def cases(quick: bool) -> list[tuple[recordings.Case, str]]:
    us = recordings.vivos()
    rng = np.random.default_rng(7)
    out = []
    for seed in (1, 2) if quick else (1, 2, 3):
        order = [us[i] for i in rng.permutation(14) % 12]
        out.append((recordings.build(f"14 sentences, seed {seed}", order, seed=seed), "target"))
    order = [us[i] for i in rng.permutation(59) % 12]
    out.append((recordings.build("59 sentences", order, seed=4), "target"))
    out.append((recordings.build("music 20 dB under", us, seed=5, music_db=20), ""))
    out.append((recordings.build("noise at 20 dB SNR", us, seed=6, snr_db=20), ""))
    out.append((recordings.build("room tone kept, digital silence between", us, seed=12, room_tone=True, snr_db=None,
                                 hum=False), ""))
    out.append((recordings.build("sentence 6 left out", us, seed=7, missing=(5,)), "target"))
    short_first = sorted(us, key=lambda u: len(u.text.split()))
    out.append((recordings.build("a short first sentence (the title) not read", short_first, seed=13, missing=(0,)),
                "target"))
    out.append((recordings.build("speech with no text", us[:6] + us[7:], seed=8, extra={4: us[6]}), "target"))
    out.append((recordings.build("8 s jingle", us, seed=9, insert={6: recordings.music(8, random.Random(9)) * 0.1}),
                ""))
    out.append((recordings.build("10 s silence", us, seed=10, insert={6: np.zeros(10 * recordings.RATE)}), ""))
    texts = [u.text for u in us]
    for voice, rate in (("vi-VN-x-south", 4.5), ("vi-VN-x-central", 3.0)):
        readers = recordings.espeak_utterances(texts, voice, rate)
        out.append((recordings.build(f"eSpeak {voice} at {rate}", readers, seed=11), ""))
    return out


def accuracy(quick: bool) -> None:
    rows = [["case", "audio", "sentences", "edges ≤ 100 ms", "mean", "worst", "boundaries in pause", "aeneas",
             "not found", "sound with no text", "doubtful", "s CPU"]]
    for case, kind in cases(quick):
        started = time.process_time()
        alignment = aligner.align(InMemory(case.samples), [[speech.to_speech(s)] for s in case.sentences])
        cpu = time.process_time() - started
        score = recordings.score(case, alignment.sentences)
        errors = np.array(score.edges) * 1000
        recorded = sum(t is not None for t in case.truth)
        inside = sum(score.boundaries)
        met = score.edges_within() >= 0.95 and score.boundaries_inside() >= 0.95
        truly_missing = [k + 1 for k, t in enumerate(case.truth) if t is None]
        found_untranscribed = [f"{s.start:.1f}–{s.end:.1f}" for s in alignment.untranscribed]
        true_untranscribed = ", ".join(f"{a:.1f}–{b:.1f}" for a, b in case.untranscribed)
        rows.append([
            case.name + (" *" if kind == "target" else ""), f"{case.seconds:.0f} s", str(len(case.sentences)),
            f"{100 * score.edges_within():.0f}%" + ("" if met or kind != "target" else " MISSED"),
            f"{errors.mean():.0f} ms", f"{errors.max():.0f} ms",
            f"{inside} of {len(score.boundaries)} ({100 * score.boundaries_inside():.0f}%)",
            " / ".join(AENEAS.get(recorded, [])) if case.name.endswith(("seed 1", "seed 2", "59 sentences")) else "",
            (", ".join(str(k + 1) for k in score.reported_missing) or "–")
            + (f" (true: {', '.join(map(str, truly_missing))})" if truly_missing else ""),
            (", ".join(found_untranscribed) or "–") + (f" (true: {true_untranscribed})" if true_untranscribed else ""),
            ", ".join(str(k + 1) for k in score.low) or "–", f"{cpu:.1f}",
        ])
    print("\n## Accuracy (* = cases the issue sets targets on: ≥ 95% of edges within 100 ms, ≥ 95% of boundaries "
          "in the pause)\n")
    table(rows)


def wrong_files() -> None:
    us = recordings.vivos()
    other_order = recordings.build("other order", us[6:] + us[:6], seed=12)
    sample = [s.strip() + "." for s in (ROOT / "assets" / "sample.txt").read_text(encoding="utf-8").split(".")
              if len(s.split()) > 4][:12]
    rows = [["transcript", "recording", "verdict"]]
    for name, case, texts in (("the 12 sentences", other_order, [u.text for u in us]),
                              ("12 sentences of the sample bulletin", other_order, sample)):
        try:
            alignment = aligner.align(InMemory(case.samples), [[speech.to_speech(s)] for s in texts])
            verdict = f"accepted; doubtful: {', '.join(str(k + 1) for k in alignment.low()) or 'none'}"
        except aligner.AlignError as exc:
            verdict = f"refused: {exc}"
        rows.append([name, "the same utterances, halves swapped", verdict])
    print("\n## The wrong file\n")
    table(rows)


def long_case(minutes: float, folder: Path) -> tuple[Path, Path, list[float]]:
    """About `minutes` of the utterances in shuffled rounds, written as transcript and WAV; the true starts."""
    us = recordings.vivos()
    per_round = sum(u.speech[1] - u.speech[0] for u in us) / recordings.RATE + 12 * 0.3
    rounds = int(np.ceil(minutes * 60 / per_round))
    rng = np.random.default_rng(int(minutes))
    order = [us[i] for r in range(rounds) for i in rng.permutation(12)]
    case = recordings.build(f"{minutes:g}min", order, seed=int(minutes))
    return (*case.write(folder, paragraph=6), [t[0] for t in case.truth if t is not None])


# The child reports its own peak (VmHWM: the high-water mark of its own memory since exec). wait4's ru_maxrss
# would count the bench's own memory, which a forked child holds until it execs.
PEAK = "import atexit, sys; atexit.register(lambda: print('peak_kb', open('/proc/self/status').read()" \
       ".split('VmHWM:')[1].split()[0], file=sys.stderr))\n"


def child(code: str, args: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (with its ffmpeg and other children), peak RSS (bytes) of Python code run in
    a child process, and its last stdout line."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", PEAK + code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    out_bytes, err_bytes = proc.communicate()
    wall = time.perf_counter() - started
    out, err = out_bytes.decode(), err_bytes.decode()
    if proc.returncode != 0:
        raise SystemExit(f"{code[:40]}… failed: {err.strip()[-500:]}")
    peak = int(err.rsplit("peak_kb", 1)[1].split()[0]) * 1024
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, cpu.ru_utime + cpu.ru_stime, peak, (out.strip().splitlines() or [""])[-1]


ALIGN_ONLY = """
import json, sys, tempfile
from pathlib import Path
from broadcast.pipeline import Settings, plan
from broadcast.align import aligner, recording
text, wav = Path(sys.argv[1]), Path(sys.argv[2])
segments = plan(text, Settings())
with tempfile.TemporaryDirectory() as work:
    analysis = recording.Analysis(wav, Path(work) / "a.raw", info=recording.probe(wav))
    result = aligner.align(analysis, [[c.speech for c in s.cues] for s in segments])
print(json.dumps({"found": sum(t.found for t in result.sentences), "n": len(result.sentences),
                  "starts": [t.start for t in result.sentences]}))
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def at_rate(wav: Path, rate: int) -> Path:
    """The recording resampled by ffmpeg (a broadcast recording is 48 kHz; the VIVOS utterances are 16 kHz)."""
    from broadcast.audio import sound

    if rate == recordings.RATE:
        return wav
    out = wav.with_name(f"{wav.stem}-{rate}.wav")
    subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav), "-ar", str(rate),
                    str(out)], check=True)
    wav.unlink()
    return out


def speed(minutes_list: list[float], whole: list[float], rate: int = recordings.RATE) -> None:
    rows = [["recording", "sentences", "stage", "wall s", "CPU s", "CPU / audio", "peak RSS", "edges ≤ 100 ms"]]
    with tempfile.TemporaryDirectory(prefix="bench-align-") as tmp:
        folder = Path(tmp)
        for minutes in minutes_list:
            text, wav, case_truth = long_case(minutes, folder / f"m{minutes:g}")
            wav = at_rate(wav, rate)
            before = _children_cpu()
            wall, cpu, rss, last = child(ALIGN_ONLY, [str(text), str(wav)])
            cpu -= before
            got = json.loads(last)
            errors = [abs(a - b) for a, b in zip(got["starts"], case_truth) if a is not None]
            within = sum(e <= 0.1 for e in errors) / max(1, len(errors))
            rows.append([f"{minutes:g} min", str(got["n"]), "aligner", f"{wall:.1f}", f"{cpu:.1f}",
                         f"1/{minutes * 60 / cpu:.0f}", f"{rss / 2**20:.0f} MB", f"{100 * within:.1f}% of starts"])
            if minutes in whole:
                out = folder / "out"
                args = ["align", str(text), str(wav), "-o", str(out), "-q", "--no-cache", "--overwrite"]
                before = _children_cpu()
                wall, cpu, rss, _ = child("import sys; from broadcast.cli import main\nsys.argv[0] = 'broadcast'\n"
                                          "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code",
                                          args)
                cpu -= before
                rows.append([f"{minutes:g} min", str(got["n"]), "broadcast align (MP3)", f"{wall:.1f}", f"{cpu:.1f}",
                             f"1/{minutes * 60 / cpu:.0f}", f"{rss / 2**20:.0f} MB", ""])
            for p in (text, wav):
                p.unlink()
    print(f"\n## Speed and memory ({rate / 1000:g} kHz recordings; each run its own process; CPU / audio: CPU "
          "seconds per second of recording)\n")
    table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer cases, 5 minutes only")
    parser.add_argument("--minutes", default="5,15,30,60", help="lengths for the speed table ('' for none)")
    parser.add_argument("--speed-only", action="store_true", help="only the speed and memory table")
    parser.add_argument("--whole", default="5,60", help="lengths also run as the whole command")
    parser.add_argument("--rate", type=int, default=recordings.RATE, help="sample rate of the speed table's "
                        "recordings (16000, the utterances' own; 48000 as from a studio)")
    args = parser.parse_args()
    if not recordings.available():
        raise SystemExit(f"the shared recordings are not at {recordings.RECORDINGS}: nothing to measure")
    if not args.speed_only:
        accuracy(args.quick)
        wrong_files()
    minutes = [5.0] if args.quick else [float(m) for m in args.minutes.split(",") if m]
    if minutes:
        speed(minutes, [float(m) for m in args.whole.split(",") if m] if not args.quick else [5.0], args.rate)


if __name__ == "__main__":
    main()
