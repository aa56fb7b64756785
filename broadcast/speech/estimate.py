"""How long speech takes, estimated from the syllables a voice says: the segmenter plans cues with these.

One source of truth: a written word counts the syllables the speech stage reads it as (176 → một trăm bảy mươi
sáu, 5; BHYT → bảo hiểm y tế, 4; 12/3 → mười hai tháng ba, 4), and an acronym in brackets right after its own
expansion counts none, because the speech stage does not read it again.
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

from broadcast import defaults
from broadcast.speech import _lexicon, fallbacks, to_speech
from broadcast.speech.lexicon import drop_repeated_acronyms
from broadcast.speech.numbers import cardinal

_SYLLABLE = re.compile(r"\w+", re.UNICODE)


def count_syllables(text: str) -> int:
    """Spoken syllables, counted on speech text (each Vietnamese word written apart is one syllable)."""
    return len(_SYLLABLE.findall(text))


def number_syllables(digits: str) -> int:
    """Syllables of a whole number as read: 500.000 → năm trăm nghìn (3), 2024 → hai nghìn không trăm hai mươi
    bốn (7)."""
    return count_syllables(cardinal(digits))


@functools.lru_cache(maxsize=8192)
def spoken_syllables(word: str) -> int:
    """Syllables a voice takes to say one written word, as the speech stage reads it on its own."""
    with fallbacks.silenced():
        return count_syllables(to_speech(word))


def syllables_per_word(words: Sequence[str]) -> list[int]:
    """Each word's spoken syllables within its sentence: '(HĐND)' after 'Hội đồng nhân dân' counts none."""
    counts = []
    for i, word in enumerate(words):
        if "(" in word and drop_repeated_acronyms(word, _lexicon(None), " ".join(words[:i])).strip(" ,.;:") == "":
            counts.append(0)
        else:
            counts.append(spoken_syllables(word))
    return counts


def estimate_seconds(text: str, rate: float = defaults.RATE) -> float:
    """Seconds to say a speech text at `rate` syllables per second."""
    return max(1, count_syllables(text)) / rate
