"""How much of a speech text a Vietnamese voice can read as it is: every token that is not a well-formed
Vietnamese syllable (digits, leftover acronyms, symbols) and not an allow-listed loanword, with counts."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from broadcast.speech.lexicon import BUILTIN_LOANWORDS, read_words
from broadcast.speech.syllable import is_syllable

_EDGE_PUNCTUATION = ".,;:!?…()[]{}\"'“”‘’«»"


def tokens(text: str) -> list[str]:
    """Whitespace-separated tokens without the punctuation at their edges (inner punctuation stays: 'TP.HCM')."""
    out = []
    for raw in text.split():
        token = raw.strip(_EDGE_PUNCTUATION)
        if token:
            out.append(token)
        elif not re.fullmatch(r"[.,;:!?…()\"“”‘’«»]+", raw):
            out.append(raw)
    return out


def is_speakable(token: str, allowed: frozenset[str] = frozenset()) -> bool:
    """A Vietnamese syllable not written as a capitals-only acronym, or an allow-listed word."""
    if token.lower() in allowed:
        return True
    letters = [ch for ch in token if ch.isalpha()]
    if len(letters) > 1 and token.isupper():
        return False  # an acronym that happens to spell a syllable (BAN) is still read by letter by eSpeak
    return is_syllable(token)


@dataclass
class Coverage:
    total: int = 0
    unspoken: Counter = field(default_factory=Counter)  # token → how often

    @property
    def bad(self) -> int:
        return sum(self.unspoken.values())

    @property
    def percent(self) -> float:
        return 100.0 * (self.total - self.bad) / self.total if self.total else 100.0

    def summary(self) -> str:
        return f"{self.total - self.bad}/{self.total} tokens are Vietnamese syllables ({self.percent:.1f}%)"


def loanwords() -> frozenset[str]:
    return read_words(BUILTIN_LOANWORDS)


def measure(texts: Iterable[str], allowed: frozenset[str] | None = None) -> Coverage:
    allowed = loanwords() if allowed is None else allowed
    cov = Coverage()
    for text in texts:
        for token in tokens(text):
            cov.total += 1
            if not is_speakable(token, allowed):
                cov.unspoken[token] += 1
    return cov
