"""The alignment stage: where the sentences and cues of a text are spoken in audio of someone reading it.

    features  MFCC + deltas and hop energies, in numpy
    dtw       banded dynamic time warping with skips (text not read) and insertions (sound with no text)
    refine    pauses, and edges moved to them
    aligner   windows, anchors, confidence: `align(signal, sentences) -> Alignment`
    recording reading any file ffmpeg reads, window by window
    blas      numpy's OpenBLAS kept to one thread while aligning

`broadcast align` (pipeline.align) uses it on a newsreader's recording; `time_parts` times the cues inside one
sentence of speech from any engine that does not say where its words are.
"""

from __future__ import annotations

from typing import Sequence


def time_parts(pcm: bytes, sample_rate: int, parts: Sequence[str], voice: str | None = None):
    """A sentence's audio (16-bit mono PCM) as a SpeechAudio whose part spans are found by aligning it with
    eSpeak's reading of the parts. When the alignment fails the spans share the sound by syllable count."""
    from broadcast.align import aligner
    from broadcast.align.recording import InMemory, to_analysis
    from broadcast.audio import sound
    from broadcast.voice.base import SpeechAudio

    n = len(pcm) // 2
    scale = sample_rate / aligner.features.ANALYSIS_RATE
    try:
        alignment = aligner.align(InMemory(to_analysis(pcm, sample_rate)), [list(parts)],
                                  aligner.espeak_speaker(voice))
        timing = alignment.sentences[0]
        if not timing.found:
            raise aligner.AlignError("not found")
        rate = aligner.features.ANALYSIS_RATE
        spans = tuple((min(n, int(round(a * rate * scale))), min(n, int(round(b * rate * scale))))
                      for a, b in timing.parts)
        return SpeechAudio(pcm, sample_rate, spans)
    except aligner.AlignError:
        start = sound.first_sound(pcm, 0, sample_rate)
        end = max(start, sound.last_sound(pcm, start, n, sample_rate))
        weights = [max(1, aligner.syllables([p])) for p in parts]
        total = sum(weights)
        edges = [start + (end - start) * sum(weights[:k]) // total for k in range(len(parts) + 1)]
        return SpeechAudio(pcm, sample_rate, tuple(zip(edges[:-1], edges[1:])))
