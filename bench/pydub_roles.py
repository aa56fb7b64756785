"""What pydub would do in broadcast, measured against what broadcast does; prints tables, asserts nothing.

    pip install pydub && python bench/pydub_roles.py [--repeat 20]

pydub is not a dependency (README: Dependencies); this script is how that was decided, and reruns the check.
On the seed's sentences spoken by eSpeak (the bundled sample when the seed is absent):

1. decoding an online voice's MP3 chunk (a sentence encoded as Google sends it: 24 kHz mono 32 kb/s with a
   LAME tag): sound.decode_mp3_gapless against pydub's AudioSegment.from_file, from memory and from a file;
   samples the same? time per chunk (alternating, medians).
2. finding the sound in a sentence: sound.first_sound/last_sound (10 ms windows, peak over −40 dBFS) against
   pydub.silence.detect_leading_silence (10 ms chunks, RMS over −40 dBFS) from each end; where they differ,
   time per sentence.
3. joining the sentences with pauses into the programme: timeline.assemble's one growing buffer against
   pydub's AudioSegment `+`, at 1× and 10× the seed: time and peak Python memory (tracemalloc).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"
SAMPLE = ROOT / "assets" / "sample.txt"

from broadcast import pipeline  # noqa: E402
from broadcast.audio import sound, timeline  # noqa: E402
from broadcast.voice.espeak import EspeakEngine  # noqa: E402
from produce import table  # noqa: E402  (bench/produce.py, beside this script)


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    try:
        import pydub
        import pydub.silence
    except ImportError:
        raise SystemExit("pydub is not installed: pip install pydub") from None
    pydub.AudioSegment.converter = sound.ffmpeg_exe()

    source = SEED if SEED.exists() else SAMPLE
    segments = pipeline.plan(source, pipeline.Settings())
    engine = EspeakEngine()
    speeches = [engine.synthesize([c.speech for c in s.cues]) for s in segments]
    rate = speeches[0].sample_rate
    print(f"{source.stem}: {len(segments)} sentences, {sum(s.n_samples for s in speeches) / rate:.1f} s of speech\n")

    # 1. decoding MP3 chunks
    with tempfile.TemporaryDirectory() as folder:
        chunk = Path(folder) / "chunk.mp3"
        sound.encode(speeches[0].pcm[: 2 * 5 * rate], rate, chunk, "mp3", "32k", out_rate=24000)
        data = chunk.read_bytes()
        ours_pcm = sound.decode_mp3_gapless(data, 24000)

        def pydub_memory() -> bytes:
            return pydub.AudioSegment.from_file(io.BytesIO(data), format="mp3", codec="mp3").raw_data

        def pydub_file() -> bytes:
            return pydub.AudioSegment.from_file(str(chunk), format="mp3", codec="mp3").raw_data

        times: dict[str, list[float]] = {"sound.decode_mp3_gapless": [], "pydub, from memory": [],
                                         "pydub, from a file": []}
        results = {}
        for _ in range(args.repeat):
            for name, fn in (("sound.decode_mp3_gapless", lambda: sound.decode_mp3_gapless(data, 24000)),
                             ("pydub, from memory", pydub_memory), ("pydub, from a file", pydub_file)):
                seconds, results[name] = timed(fn)
                times[name].append(seconds)
        print("1. decoding a 5 s MP3 chunk (24 kHz, 32 kb/s, LAME tag) to 16-bit PCM, medians of", args.repeat)
        rows = [("decoder", "ms", "samples", "same samples as ours")]
        for name, values in times.items():
            rows.append((name, f"{1000 * statistics.median(values):.1f}", str(len(results[name]) // 2),
                         "yes" if results[name] == ours_pcm else
                         f"no ({len(results[name]) // 2 - len(ours_pcm) // 2:+d} samples)"))
        table(rows)

    # 2. finding the sound in each sentence
    window_ms = 10
    ours_t, pydub_t, differences = [], [], []
    for speech in speeches:
        seconds, ours = timed(lambda: (sound.first_sound(speech.pcm, 0, rate),
                                       sound.last_sound(speech.pcm, 0, speech.n_samples, rate)))
        ours_t.append(seconds)
        segment = pydub.AudioSegment(speech.pcm, sample_width=2, frame_rate=rate, channels=1)

        def pydub_bounds():
            lead = pydub.silence.detect_leading_silence(segment, -40.0, window_ms)
            trail = pydub.silence.detect_leading_silence(segment.reverse(), -40.0, window_ms)
            return lead * rate // 1000, speech.n_samples - trail * rate // 1000

        seconds, theirs = timed(pydub_bounds)
        pydub_t.append(seconds)
        differences.append(max(abs(a - b) for a, b in zip(ours, theirs)) / rate * 1000)
    print("2. where the sound starts and ends in each sentence (threshold −40 dBFS, 10 ms steps)")
    table([("method", "ms per sentence", "largest difference from ours, ms"),
           ("sound.first_sound / last_sound (peak)", f"{1000 * statistics.median(ours_t):.2f}", "0"),
           ("pydub.silence.detect_leading_silence (RMS)", f"{1000 * statistics.median(pydub_t):.2f}",
            f"{max(differences):.0f}")])

    # 3. joining
    print("3. joining the sentences with 0.45 s pauses into one programme")
    rows = [("method", "sentences", "seconds", "peak Python memory MB", "programme MB")]
    for times_over in (1, 10):
        many_segments = segments * times_over
        many = speeches * times_over
        for name in ("timeline.assemble", "pydub AudioSegment +"):
            tracemalloc.start()
            started = time.perf_counter()
            if name == "timeline.assemble":
                renumbered = [s.__class__(i, s.kind, 0, s.text, s.cues) for i, s in enumerate(many_segments, 1)]
                size = len(timeline.assemble(renumbered, many).pcm)
            else:
                pause = pydub.AudioSegment.silent(450, frame_rate=rate)
                programme = pydub.AudioSegment.empty()
                for i, speech in enumerate(many):
                    if i:
                        programme += pause
                    programme += pydub.AudioSegment(speech.pcm, sample_width=2, frame_rate=rate, channels=1)
                size = len(programme.raw_data)
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rows.append((name, str(len(many)), f"{seconds:.2f}", f"{peak / 1e6:.0f}", f"{size / 1e6:.1f}"))
    table(rows)


if __name__ == "__main__":
    main()
