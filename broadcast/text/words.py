"""Where Vietnamese words begin and end, so that subtitle lines and cues break between words.

Vietnamese writes every syllable apart ("xây dựng", "lực lượng", "Bộ Công an"), so a space is not a word
boundary. Word knowledge: the 34,203 multi-syllable words of VnVocab, the vocabulary of VnCoreNLP's
RDRsegmenter, shipped in the `python-rdrsegmenter` wheel (GPL-3.0) as a Java-serialized set that is read here
without Java, and a few dozen more that it lacks, written for this project (assets/words.txt). Words are found by greedy longest match (up to four syllables, as RDRsegmenter's first pass
does), with tone placement normalised (hoá = hóa, uỷ = ủy) and case ignored; then capitalised syllables
in a row are one name (Trần Quốc Tỏ, Thanh Hóa, Bộ Công an). The vocabulary is read on first use, not at
import, so `broadcast --help` does not pay for it.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

VOCABULARY_PACKAGE = "python_rdrsegmenter"
VOCABULARY_FILE = "vi-vocab"
PROJECT_WORDS = "words.txt"  # in assets/
MAX_WORD_SYLLABLES = 4
# Old and new tone placement (hoá/hóa, uỷ/ủy, khoẻ/khỏe) differ only in oa, oe and uy: compare in the old
# placement, which VnVocab uses.
_NEW_TO_OLD_PLACEMENT = [(o + v, "o" + m) for o, m, v in zip("òóỏõọ", "àáảãạ", "aaaaa")] + [
    (o + "e", "o" + m) for o, m in zip("òóỏõọ", "èéẻẽẹ")] + [(u + "y", "u" + m) for u, m in zip("ùúủũụ", "ỳýỷỹỵ")]
_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}<>.,;:!?…-–—/"


def key(text: str) -> str:
    """Text compared without case or tone placement: "Thanh Hoá", "thanh hóa" and "THANH HOÁ" give one key."""
    text = unicodedata.normalize("NFC", text.lower())
    for new, old in _NEW_TO_OLD_PLACEMENT:
        if new in text:
            text = text.replace(new, old)
    return text


def read_java_string_set(data: bytes) -> list[str]:
    """The strings of a Java-serialized java.util.HashSet<String> (the format RDRsegmenter keeps its vocabulary in).

    Layout: stream header, the HashSet class descriptor, a 12-byte block (capacity, load factor, size), then
    `size` TC_STRING records (0x74, u2 length, modified UTF-8) and TC_ENDBLOCKDATA.
    """
    if data[:4] != b"\xac\xed\x00\x05" or b"java.util.HashSet" not in data[:64]:
        raise ValueError("not a serialized java.util.HashSet")
    block = data.index(b"\x77\x0c", 4)  # TC_BLOCKDATA of 12 bytes
    (size,) = struct.unpack_from(">i", data, block + 10)
    at = block + 14
    # Fast path: UTF-8 text never holds a NUL, so "t\x00" + one length byte only ever starts a string record.
    records = _SHORT_STRING.split(data[at:data.rindex(b"\x78")])
    if len(records) == size + 1 and not records[0]:
        return [r.decode("utf-8", "surrogatepass") for r in records[1:]]
    out: list[str] = []
    for _ in range(size):
        if data[at] != 0x74:
            raise ValueError(f"unexpected record 0x{data[at]:02x} at byte {at}")
        (length,) = struct.unpack_from(">H", data, at + 1)
        # modified UTF-8 equals UTF-8 for Vietnamese text (no NUL, nothing outside the BMP)
        out.append(data[at + 3 : at + 3 + length].decode("utf-8", "surrogatepass"))
        at += 3 + length
    return out


_SHORT_STRING = re.compile(rb"t\x00[\x00-\xff]", re.DOTALL)


@dataclass(frozen=True)
class Vocabulary:
    words: frozenset[str]  # multi-syllable words, each as syllable keys joined by spaces
    longest: int

    @classmethod
    def from_words(cls, words: Sequence[str]) -> "Vocabulary":
        multi = [" ".join(w.split()) for w in words if " " in w.strip()]
        keys = key("\n".join(multi)).split("\n") if multi else []
        return cls(frozenset(keys), max((k.count(" ") + 1 for k in keys), default=1))


def project_words() -> list[str]:
    """assets/words.txt: words VnVocab lacks, written for this project."""
    from broadcast.speech.lexicon import ASSETS

    lines = (ASSETS / PROJECT_WORDS).read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = resources.files(VOCABULARY_PACKAGE).joinpath(VOCABULARY_FILE).read_bytes()
    return Vocabulary.from_words(read_java_string_set(data) + project_words())


def _bare(token: str) -> str:
    return token.strip(_EDGE_PUNCTUATION)


def _is_syllable(token: str) -> bool:
    return token.isalpha()


def _is_capitalised(token: str) -> bool:
    """A capitalised syllable (Thanh, Hóa, Ủy), not an acronym (UBND) or a single letter."""
    return len(token) > 1 and token[0].isupper() and not token.isupper() and token.isalpha()


def joined_gaps(tokens: Sequence[str], vocab: Vocabulary | None = None, names: bool = True) -> frozenset[int]:
    """The gaps inside a word: k is in the set when tokens[k-1] and tokens[k] belong to one word.

    `tokens` are the text's space-separated pieces, punctuation attached ("lượng,", "“Camera"); a gap with
    punctuation at it is never inside a word. `names`: capitalised syllables in a row are one name too.
    """
    vocab = vocab or vocabulary()
    n = len(tokens)
    bare = [_bare(t) for t in tokens]
    # a gap can be inside a word only when no punctuation stands at it
    open_gap = [False] + [
        _is_syllable(bare[k - 1]) and _is_syllable(bare[k])
        and tokens[k - 1].endswith(bare[k - 1]) and tokens[k].startswith(bare[k])
        for k in range(1, n)
    ]
    keys = key("\n".join(b if _is_syllable(b) else "" for b in bare)).split("\n")
    joined: set[int] = set()
    i = 0
    longest = min(vocab.longest, MAX_WORD_SYLLABLES)
    while i < n:
        end = i + 1
        for j in range(min(n, i + longest), i + 1, -1):
            if all(open_gap[k] for k in range(i + 1, j)) and " ".join(keys[i:j]) in vocab.words:
                end = j
                break
        joined.update(range(i + 1, end))
        i = end
    for k in range(1 if names else n, n):
        if open_gap[k] and _is_capitalised(bare[k - 1]) and _is_capitalised(bare[k]):
            joined.add(k)
    return frozenset(joined)


def segment(text: str, vocab: Vocabulary | None = None) -> list[str]:
    """The text as words, the syllables of each joined by "_" (Thanh_Hóa): for measuring and for tests."""
    tokens = text.split()
    if not tokens:
        return []
    joined = joined_gaps(tokens, vocab)
    out = [tokens[0]]
    for k in range(1, len(tokens)):
        if k in joined:
            out[-1] += "_" + tokens[k]
        else:
            out.append(tokens[k])
    return out
