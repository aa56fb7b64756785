"""Abbreviations: what the lexicon (assets/lexicon.tsv, --lexicon) does not expand is spelled the way a newsreader
spells it: TTV → tê tê vê, N.T.H. → nờ tê hát, USD → u ét đê (D is 'đê' when spelled), 1 B → 1 bê.
Every acronym spelled this way is reported as a fallback: a producer may want it in --lexicon."""

from __future__ import annotations

import re

from broadcast.speech import fallbacks

LETTER_NAMES = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "đê", "Đ": "đê", "E": "e", "Ê": "ê", "F": "ép",
    "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "lờ", "M": "mờ", "N": "nờ", "O": "o", "Ô": "ô",
    "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "rờ", "S": "ét", "T": "tê", "U": "u", "Ư": "ư", "V": "vê",
    "W": "vê kép", "X": "ích", "Y": "i", "Z": "dét",
}
SINGLE_VOWELS = "AEIOUYÔƠƯÊ"  # a single vowel is a word as well as a letter: left as written
_CAPS = "A-ZĐĂÂÊÔƠƯ"
_ACRONYM = re.compile(rf"(?<![\w.])(?:[{_CAPS}]\.){{2,}}|(?<![\w.])[{_CAPS}]{{1,8}}(?![\w])")


def spell(letters: str) -> str:
    return " ".join(LETTER_NAMES.get(ch.upper(), ch) for ch in letters if ch != ".")


def spell_lower(word: str) -> str:
    return spell(word.upper())


def spell_acronyms(text: str) -> str:
    """Capitals left after the lexicon are spelled by letter: TTV → tê tê vê, N.T.H. → nờ tê hát, 1 B → 1 bê."""
    def read(m: re.Match[str]) -> str:
        letters = [ch for ch in m.group(0) if ch != "."]
        if len(letters) == 1 and letters[0] in SINGLE_VOWELS:
            return m.group(0).rstrip(".")
        spoken = spell("".join(letters))
        if len(letters) > 1:
            fallbacks.note(fallbacks.SPELLED, m.group(0), spoken)
        return spoken

    return _ACRONYM.sub(read, text)
