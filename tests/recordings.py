"""Test recordings for `broadcast align`, built in code with known answers.

The human voices are the VIVOS utterances in ../shared/recordings (CC BY-NC-SA: read from there for tests and
benchmarks, never copied into the project). A case joins utterances with pauses of natural length, adds steady
noise at a given SNR, a mains hum and optionally music under the voice, and may leave a sentence of the
transcript out of the recording or put speech in it that the transcript lacks. The true speech span of every
sentence (measured on the clean utterance before mixing) is kept as the expected answer.

eSpeak renderings at other rates and voices stand in for other readers (`espeak_utterances`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from broadcast.align import features

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT.parent / "shared" / "recordings"
RATE = features.ANALYSIS_RATE
TRUTH_RANGE_DB = 30.0  # a 10 ms hop is speech when it is within this of the utterance's loudest hop
TRUTH_OVER_FLOOR_DB = 12.0  # and this far over its noise floor (a breath or lip noise is not speech)
TRUTH_MIN_RUN = 3  # hops in a row, so a click in the silence is not speech


@dataclass(frozen=True)
class Utterance:
    name: str
    text: str  # as a transcript sentence: capitalised, with a full stop
    samples: np.ndarray  # float32 at RATE, full scale 1.0
    speech: tuple[int, int]  # the true speech span, samples


@dataclass
class Case:
    name: str
    samples: np.ndarray  # float32 at RATE
    sentences: list[str]  # the transcript, in order
    truth: list[tuple[float, float] | None]  # each transcript sentence's speech span (s); None: not recorded
    untranscribed: list[tuple[float, float]] = field(default_factory=list)  # sound in the recording with no text

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    def pauses(self) -> list[tuple[float, float]]:
        """The true pause between consecutive recorded sentences."""
        spans = [t for t in self.truth if t is not None]
        return [(a[1], b[0]) for a, b in zip(spans, spans[1:])]

    def write(self, folder: Path, stem: str | None = None, paragraph: int = 4) -> tuple[Path, Path]:
        """The transcript (first sentence as title, then paragraphs) and the recording as a 16-bit WAV."""
        from broadcast.audio import sound

        stem = stem or self.name
        folder.mkdir(parents=True, exist_ok=True)
        body = [" ".join(self.sentences[k : k + paragraph]) for k in range(1, len(self.sentences), paragraph)]
        text_path = folder / f"{stem}.txt"
        text_path.write_text("\n\n".join([self.sentences[0], *body]) + "\n", encoding="utf-8")
        wav_path = folder / f"{stem}.wav"
        sound.write_wav(wav_path, to_pcm(self.samples), RATE)
        return text_path, wav_path


def available() -> bool:
    return (RECORDINGS / "001.wav").exists()


def to_pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()


def sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] + "."


def speech_span(samples: np.ndarray) -> tuple[int, int]:
    """First and last sample of speech in a clean utterance (see TRUTH_RANGE_DB and TRUTH_OVER_FLOOR_DB)."""
    energy = features.energy_db(samples)
    floor = np.percentile(energy, 10)
    loud = energy > max(energy.max() - TRUTH_RANGE_DB, floor + TRUTH_OVER_FLOOR_DB)
    runs = np.convolve(loud.astype(int), np.ones(TRUTH_MIN_RUN, int), mode="valid") == TRUTH_MIN_RUN
    hits = np.nonzero(runs)[0]
    first, last = int(hits[0]), int(hits[-1]) + TRUTH_MIN_RUN
    return first * features.HOP, min(len(samples), last * features.HOP)


def vivos() -> list[Utterance]:
    """The twelve human utterances (call only when `available()`)."""
    from broadcast.audio import sound

    out = []
    for wav in sorted(RECORDINGS.glob("*.wav")):
        pcm, rate = sound.read_wav(wav)
        assert rate == RATE, wav
        samples = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768
        out.append(Utterance(wav.stem, sentence(wav.with_suffix(".txt").read_text(encoding="utf-8")), samples,
                             speech_span(samples)))
    return out


def espeak_utterances(texts: list[str], voice: str, rate: float) -> list[Utterance]:
    """eSpeak readings of `texts` (transcript sentences) in another voice and pace, as stand-in readers."""
    from broadcast import speech
    from broadcast.voice.espeak import EspeakEngine

    engine = EspeakEngine(voice, rate)
    out = []
    for k, text in enumerate(texts):
        audio = engine.synthesize([speech.to_speech(text)])
        samples = resample(np.frombuffer(audio.pcm, "<i2").astype(np.float32) / 32768, audio.sample_rate)
        # the truth is eSpeak's own measure of its sound (the noise floor rule needs a noise floor)
        (first, last), ratio = audio.part_spans[0], RATE / audio.sample_rate
        out.append(Utterance(f"espeak-{voice}-{k}", text, samples, (int(first * ratio), int(last * ratio))))
    return out


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == RATE:
        return samples
    t = np.arange(int(len(samples) * RATE / rate)) * (rate / RATE)
    return np.interp(t, np.arange(len(samples)), samples).astype(np.float32)


def level_db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(samples, dtype=np.float64)) + 1e-20))


def music(seconds: float, rng: random.Random) -> np.ndarray:
    """Something like a news bed: a chord every half second (three sines with soft attacks), unit RMS."""
    t = np.arange(int(seconds * RATE)) / RATE
    out = np.zeros(len(t), dtype=np.float64)
    roots = [220.0, 246.9, 196.0, 174.6, 261.6]
    step = int(0.5 * RATE)
    for start in range(0, len(t), step):
        stop = min(len(t), start + step)
        root = rng.choice(roots)
        local = t[start:stop] - t[start]
        envelope = np.minimum(1.0, local / 0.05) * np.exp(-local * 1.5)
        for ratio in (1.0, 1.26, 1.5, 2.0):
            out[start:stop] += envelope * np.sin(2 * np.pi * root * ratio * t[start:stop])
    return (out / np.sqrt(np.mean(out**2))).astype(np.float32)


def build(
    name: str,
    utterances: list[Utterance],
    *,
    seed: int = 1,
    pause: tuple[float, float] = (0.2, 0.4),
    snr_db: float | None = 30.0,
    hum: bool = True,
    music_db: float | None = None,
    missing: tuple[int, ...] = (),
    extra: dict[int, Utterance] | None = None,
    insert: dict[int, np.ndarray] | None = None,
    lead: float = 0.5,
    room_tone: bool = False,
) -> Case:
    """Join `utterances` (the transcript, in order) into one recording.

    `missing`: positions of transcript sentences left out of the recording. `extra`: an utterance spoken (with
    no text) before the sentence at that position. `insert`: any other sound (music, silence) put there.
    `music_db`: music under everything, that many dB below the speech. Noise is white at `snr_db` below the
    speech's active level; the hum is 50 Hz with two harmonics at 40 dB below it. `room_tone`: each utterance
    keeps all the room tone recorded around it, and the pauses between are digital silence (an edited package).
    """
    rng = random.Random(seed)
    extra, insert = extra or {}, insert or {}
    pieces: list[np.ndarray] = [np.zeros(int(lead * RATE), np.float32)]
    position = len(pieces[0])
    truth: list[tuple[float, float] | None] = []
    untranscribed: list[tuple[float, float]] = []
    speech_spans: list[tuple[int, int]] = []
    previous_tail = 0

    def place(u: Utterance) -> tuple[int, int]:
        nonlocal position, previous_tail
        gap = int(rng.uniform(*pause) * RATE) if speech_spans else 0
        s0, s1 = u.speech
        before = s0 if room_tone else min(s0, gap // 2 if speech_spans else s0)
        filler = gap if room_tone else max(0, gap - previous_tail - before)
        if filler:
            pieces.append(np.zeros(filler, np.float32))
            position += filler
        elif speech_spans:  # the two utterances' own silences are longer than the pause: cut the earlier one
            cut = previous_tail + before - gap
            pieces[-1] = pieces[-1][: len(pieces[-1]) - cut]
            position -= cut
        after = len(u.samples) - s1 if room_tone else min(len(u.samples) - s1, int(pause[1] * RATE) // 2)
        pieces.append(u.samples[s0 - before : s1 + after])
        span = (position + before, position + before + (s1 - s0))
        position += before + (s1 - s0) + after
        previous_tail = after
        speech_spans.append(span)
        return span

    for k, u in enumerate(utterances):
        if k in insert:
            sound = insert[k].astype(np.float32)
            pieces.append(np.zeros(int(0.3 * RATE), np.float32))
            pieces.append(sound)
            untranscribed.append(((position + int(0.3 * RATE)) / RATE, (position + int(0.3 * RATE) + len(sound)) / RATE))
            position += int(0.3 * RATE) + len(sound)
            previous_tail = int(0.3 * RATE)
        if k in extra:
            a, b = place(extra[k])
            untranscribed.append((a / RATE, b / RATE))
        if k in missing:
            truth.append(None)
            continue
        a, b = place(u)
        truth.append((a / RATE, b / RATE))
    pieces.append(np.zeros(int(lead * RATE), np.float32))
    mix = np.concatenate(pieces).astype(np.float64)
    voice = np.concatenate([mix[a:b] for a, b in speech_spans])
    speech_db = level_db(voice)
    noise_rng = np.random.default_rng(seed)
    if music_db is not None:
        mix += music(len(mix) / RATE, rng) * 10 ** ((speech_db - music_db) / 20)
    if snr_db is not None:
        mix += noise_rng.standard_normal(len(mix)) * 10 ** ((speech_db - snr_db) / 20)
    if hum:
        t = np.arange(len(mix)) / RATE
        hum_level = 10 ** ((speech_db - (snr_db or 30.0) - 10) / 20) * np.sqrt(2)
        mix += hum_level * (np.sin(2 * np.pi * 50 * t) + 0.5 * np.sin(2 * np.pi * 100 * t)
                            + 0.3 * np.sin(2 * np.pi * 150 * t))
    peak = np.max(np.abs(mix))
    if peak > 0.9:
        mix *= 0.9 / peak
    return Case(name, mix.astype(np.float32), [u.text for u in utterances], truth, untranscribed)


@dataclass
class Score:
    """How an alignment compares with a case's truth (found sentences only; see `score`)."""

    edges: list[float]  # |error| of every start and end, s
    boundaries: list[bool]  # each boundary between consecutive recorded sentences: inside the true pause?
    reported_missing: list[int]  # sentences the aligner did not find
    low: list[int]  # sentences it gave low confidence

    def edges_within(self, tolerance: float = 0.1) -> float:
        return sum(e <= tolerance for e in self.edges) / max(1, len(self.edges))

    def boundaries_inside(self) -> float:
        return sum(self.boundaries) / max(1, len(self.boundaries))


def score(case: Case, timings) -> Score:
    """Edge errors against the true speech spans, and whether each boundary (the middle between one sentence's
    end and the next one's start) lies in the true pause between them. Sentences the recording lacks are
    left out, as are those the aligner did not find."""
    edges, boundaries = [], []
    for truth, t in zip(case.truth, timings):
        if truth is not None and t.found:
            edges += [abs(t.start - truth[0]), abs(t.end - truth[1])]
    recorded = [(truth, t) for truth, t in zip(case.truth, timings) if truth is not None]
    for (truth_a, a), (truth_b, b) in zip(recorded, recorded[1:]):
        if a.found and b.found:
            middle = (a.end + b.start) / 2
            boundaries.append(truth_a[1] <= middle <= truth_b[0])
        else:
            boundaries.append(False)
    return Score(edges, boundaries, [k for k, t in enumerate(timings) if not t.found],
                 [k for k, t in enumerate(timings) if t.low])
