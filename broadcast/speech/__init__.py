"""Written text → the text a voice is given. Subtitles keep the written text; only `speech` changes.

Normalization is a list of small steps (str → str) applied in order, each a rule whose data sits beside it
(tables here, in `numbers.py`, and the lexicon in assets/lexicon.tsv); callers may pass their own list.
A sentence is normalized cue by cue, since each cue is one part of the voice's input, but with the sentence
as context: `CONTEXT_STEPS` see all cues of a sentence before the per-cue steps run.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Sequence

from broadcast.speech import numbers
from broadcast.speech.lexicon import Lexicon, drop_repeated_acronyms, unify_tone_marks
from broadcast.text.segmenter import Segment
from broadcast.text.transcript import drop_emoji  # the voice cannot say them, whatever path text came by

Step = Callable[[str], str]
ContextStep = Callable[[list[str]], list[str]]

# After a number (case-sensitive). Rates read "một" (per) where a newsreader says it, "trên" for concentrations.
UNITS = {
    "km/h": "ki lô mét một giờ", "m/s": "mét một giây", "mg/l": "mi li gam trên lít", "tạ/ha": "tạ một héc ta",
    "tấn/ha": "tấn một héc ta", "đồng/kg": "đồng một ki lô gam", "km": "ki lô mét", "m": "mét",
    "cm": "xen ti mét", "mm": "mi li mét", "kg": "ki lô gam", "g": "gam", "mg": "mi li gam", "l": "lít",
    "ml": "mi li lít", "ha": "héc ta", "m2": "mét vuông", "m²": "mét vuông", "km2": "ki lô mét vuông",
    "km²": "ki lô mét vuông", "m3": "mét khối", "m³": "mét khối", "%": "phần trăm", "°C": "độ xê",
    "kW": "ki lô oát", "MW": "mê ga oát", "kWh": "ki lô oát giờ", "USD": "đô la Mỹ",
}
# After a slash that follows a word: 62.000 đồng/kg, 5 triệu đồng/người/tháng.
PER_UNITS = {
    "kg": "ki lô gam", "ha": "héc ta", "h": "giờ", "giờ": "giờ", "ngày": "ngày", "tháng": "tháng", "năm": "năm",
    "người": "người", "lít": "lít", "l": "lít", "tấn": "tấn", "m2": "mét vuông", "m²": "mét vuông", "con": "con",
    "hộ": "hộ", "sào": "sào", "suất": "suất", "lượt": "lượt", "km": "ki lô mét",
}
# Capital letters spelled out in acronyms that no lexicon knows (TTV → tê tê vê).
LETTER_NAMES = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê", "F": "ép",
    "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "lờ", "M": "mờ", "N": "nờ", "O": "o", "Ô": "ô",
    "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "rờ", "S": "ét", "T": "tê", "U": "u", "Ư": "ư", "V": "vê",
    "W": "vê kép", "X": "ích", "Y": "i", "Z": "dét",
}
SYMBOLS = {"&": " và ", "+": " cộng ", "%": " phần trăm ", "@": " a còng ", "=": " bằng "}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def drop_quotes(text: str) -> str:
    """Quotation marks are not spoken; eSpeak reads some of them aloud."""
    return re.sub(r"[\"“”‘’«»]", "", text)


def units(text: str) -> str:
    """92 km/h → 92 ki lô mét một giờ; 6,3% → 6,3 phần trăm; 62.000 đồng/kg → … đồng một ki lô gam."""
    after_number = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    text = re.sub(r"(?<=\d)\s?(" + after_number + r")(?![\w/])", lambda m: " " + UNITS[m.group(1)], text)
    per = "|".join(re.escape(u) for u in sorted(PER_UNITS, key=len, reverse=True))
    return re.sub(r"(?<=\w)/(" + per + r")(?!\w)", lambda m: " một " + PER_UNITS[m.group(1)], text)


def spell_acronyms(text: str) -> str:
    """Capitals left after the lexicon are spelled by letter: TTV → tê tê vê, N.T.H. → nờ tê hát, 1 B → 1 bê."""
    def spell(m: re.Match[str]) -> str:
        letters = [ch for ch in m.group(0) if ch != "."]
        if len(letters) == 1 and letters[0] in "AEIOUYÔƠƯÊ":
            return m.group(0).rstrip(".")  # a single vowel is a word as well as a letter
        return " ".join(LETTER_NAMES.get(ch, ch) for ch in letters)

    caps = "A-ZĐĂÂÊÔƠƯ"
    return re.sub(rf"(?<![\w.])(?:[{caps}]\.){{2,}}|(?<![\w.])[{caps}]{{1,8}}(?![\w])", spell, text)


def symbols(text: str) -> str:
    """Dashes between words become a pause, joining hyphens and slashes a space, & and % words."""
    text = re.sub(r"\s+[–—-]\s+", ", ", text)
    text = re.sub(r"(?<=\w)[-/](?=\w)", " ", text)
    text = re.sub(r"^\s*[–—-]\s*|\s*[–—-]\s*$", " ", text)
    for symbol, word in SYMBOLS.items():
        text = text.replace(symbol, word)
    text = re.sub(r"\s+([,.;:!?…)])", r"\1", text)
    return re.sub(r",(\s*,)+", ",", text)


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


NUMBER_STEPS: tuple[Step, ...] = (
    numbers.digits_then_letters, units, numbers.phone_numbers, numbers.document_numbers, numbers.number_ranges, numbers.dates,
    numbers.fractions, numbers.times, numbers.decimals, numbers.roman_numerals, numbers.ordinals,
    numbers.leading_zeros, numbers.cardinals, numbers.leftover_digits,
)


def default_steps(lexicon: Lexicon) -> tuple[Step, ...]:
    return (nfc, drop_emoji, unify_tone_marks, drop_quotes, lexicon.expand, *NUMBER_STEPS, spell_acronyms, symbols,
            collapse_spaces)


@functools.lru_cache(maxsize=1)
def _builtin_lexicon() -> Lexicon:
    return Lexicon.load()


def _lexicon(path: Path | None) -> Lexicon:
    """The built-in lexicon (loaded once), or it extended by a user file (read on every call: it may change)."""
    return _builtin_lexicon() if path is None else Lexicon.load(path)


def to_speech(text: str, steps: Sequence[Step] | None = None) -> str:
    spoken = text
    for step in steps if steps is not None else default_steps(_lexicon(None)):
        spoken = step(spoken)
    if text[:1].isupper() and spoken[:1].islower():
        spoken = spoken[0].upper() + spoken[1:]  # PGS.TS. Nguyễn … → Phó giáo sư …
    return spoken


def dash_across_cues(cues: list[str]) -> list[str]:
    """'từ 15 –' | '18 triệu': a range split between cues still reads 'đến'."""
    out = list(cues)
    for i in range(len(out) - 1):
        if re.search(r"\d\s*[–—-]$", out[i]) and re.match(r"\d", out[i + 1]):
            out[i] = re.sub(r"\s*[–—-]$", " đến", out[i])
        elif re.search(r"\d$", out[i]) and re.match(r"[–—-]\s*\d", out[i + 1]):
            out[i + 1] = re.sub(r"^[–—-]\s*", "đến ", out[i + 1])
    return out


def acronyms_across_cues(lexicon: Lexicon) -> ContextStep:
    def step(cues: list[str]) -> list[str]:
        return [drop_repeated_acronyms(c, lexicon, " ".join(cues[:i])) for i, c in enumerate(cues)]

    return step


def speak_cues(cues: Sequence[str], lexicon: Lexicon | None = None, steps: Sequence[Step] | None = None) -> list[str]:
    """The speech text of each cue of one sentence."""
    lexicon = lexicon if lexicon is not None else _lexicon(None)
    texts = [nfc(c) for c in cues]
    for context_step in (dash_across_cues, acronyms_across_cues(lexicon)):
        texts = context_step(texts)
    steps = steps if steps is not None else default_steps(lexicon)
    return [to_speech(t, steps) for t in texts]


def speak_segments(
    segments: Iterable[Segment], steps: Sequence[Step] | None = None, lexicon: Path | Lexicon | None = None
) -> list[Segment]:
    """Give every cue of every segment its speech text; `lexicon` is a user lexicon file (or a loaded one)."""
    lex = lexicon if isinstance(lexicon, Lexicon) else _lexicon(lexicon)
    return [s.with_speech(speak_cues([c.text for c in s.cues], lex, steps)) for s in segments]
