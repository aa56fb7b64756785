"""Is a token a well-formed Vietnamese syllable? Onset + rhyme + at most one tone, stop codas only with sắc/nặng.

The check is on spelling, not on meaning: "Pôông" fails (its rhyme is not Vietnamese), "camera" fails (three
syllables written as one), "HĐND" fails (no rhyme). Both tone placements (hóa, hoá) pass.
"""

from __future__ import annotations

import unicodedata

# Combining tone marks; the vowel marks (circumflex, breve, horn) stay on the letter.
TONE_MARKS = {"\u0300": "huyền", "\u0301": "sắc", "\u0309": "hỏi", "\u0303": "ngã", "\u0323": "nặng"}

# Longest first, so "ngh" is tried before "ng" and "n".
ONSETS = tuple(
    sorted("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split(), key=len, reverse=True)
) + ("",)

# Rhymes without tone marks (medial o/u included).
RHYMES = frozenset(
    """a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot oong ooc ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
    ư ưa ưc ưi ưm ưn ưng ưp ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêt yêu
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
    uân uâng uât uây uê uêch uênh uy uya uych uyn uynh uyp uyt uyu uyên uyêt uơ""".split()
)
STOP_CODAS = ("p", "t", "c", "ch")


def split_tone(word: str) -> tuple[str, list[str]]:
    """(the word without tone marks, the tone marks found), lower-cased and NFC."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [TONE_MARKS[ch] for ch in decomposed if ch in TONE_MARKS]
    bare = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", bare), tones


def is_syllable(word: str) -> bool:
    """True when `word` is spelled as one Vietnamese syllable (any case, either tone placement)."""
    bare, tones = split_tone(word)
    if not bare or len(tones) > 1 or not bare.isalpha():
        return False
    tone = tones[0] if tones else "ngang"
    for onset in ONSETS:
        if not bare.startswith(onset):
            continue
        rhyme = bare[len(onset) :]
        if onset == "gi" and (rhyme == "" or rhyme[:1] in ("ê", "n", "m", "p", "t", "c")):
            rhyme = "i" + rhyme  # gì, giếng, gìn: the i is shared by onset and rhyme
        if onset == "qu" and rhyme == "":
            continue
        if rhyme in RHYMES:
            if rhyme.endswith(STOP_CODAS) and tone not in ("sắc", "nặng"):
                continue
            return True
    return False
