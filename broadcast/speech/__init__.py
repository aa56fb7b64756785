"""Written text → the text a voice is given. Subtitles keep the written text; only `speech` changes.

Normalization is a list of small steps (str → str) applied in order, each a rule whose data sits beside it, one
module per family: numbers.py, dates.py (dates and times), money.py, measures.py, addresses.py (e-mail and web
addresses, telephones, postal short forms), abbreviations.py (spelling what the lexicon in assets/lexicon.tsv does
not expand). Callers may pass their own list. A sentence is normalized cue by cue, since each cue is one part of
the voice's input, but with the sentence as context: `CONTEXT_STEPS` see all cues of a sentence before the per-cue
steps run. Readings that no rule could decide are reported through `fallbacks`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from broadcast.speech import addresses, dates, measures, money, numbers
from broadcast.speech.abbreviations import spell_acronyms
from broadcast.speech.lexicon import Lexicon, drop_repeated_acronyms, unify_tone_marks
from broadcast.text.transcript import drop_emoji  # the voice cannot say them, whatever path text came by

if TYPE_CHECKING:
    from broadcast.text.segmenter import Segment

Step = Callable[[str], str]
ContextStep = Callable[[list[str]], list[str]]

SYMBOLS = {"&": " và ", "+": " cộng ", "%": " phần trăm ", "@": " a còng ", "=": " bằng "}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def drop_quotes(text: str) -> str:
    """Quotation marks are not spoken; eSpeak reads some of them aloud."""
    return re.sub(r"[\"“”‘’«»]", "", text)


_SPACED_DASH = re.compile(r"\s+[–—-]\s+")
_JOINING = re.compile(r"(?<=\w)[-/](?=\w)")
_EDGE_DASH = re.compile(r"^\s*[–—-]\s*|\s*[–—-]\s*$")
_SYMBOL = re.compile("|".join(re.escape(s) for s in SYMBOLS))
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?…)])")
_COMMAS = re.compile(r",(\s*,)+")


def symbols(text: str) -> str:
    """Dashes between words become a pause, joining hyphens and slashes a space, & and % words."""
    text = _SPACED_DASH.sub(", ", text)
    text = _JOINING.sub(" ", text)
    text = _EDGE_DASH.sub(" ", text)
    text = _SYMBOL.sub(lambda m: SYMBOLS[m.group(0)], text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    return _COMMAS.sub(",", text)


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


# The rules for digits, in order: each family's rules sit where the forms they read must be taken before others
# would misread them (a full date's dashes before ranges, ranges before signs, fractions before dates' slashes …).
NUMBER_STEPS: tuple[Step, ...] = (
    addresses.telephones, numbers.groupings, dates.document_numbers, numbers.scores, dates.dates,
    numbers.number_ranges, dates.months, numbers.signs, numbers.products, numbers.mixed_fractions, dates.slash_forms,
    dates.times, measures.heights, money.money, measures.measures, numbers.shorthand, numbers.digits_then_letters,
    numbers.decimals, numbers.ordinals, numbers.leading_zeros, numbers.cardinals, numbers.leftover_digits,
)
_DIGIT = re.compile(r"\d")


def with_digits(steps: Sequence[Step]) -> Step:
    """The steps as one, run only on text that has a digit (most cues have none: this keeps a bulletin fast)."""
    def step(text: str) -> str:
        if _DIGIT.search(text):
            for each in steps:
                text = each(text)
        return text

    step.__qualname__ = "with_digits"
    return step


_NUMBERS = with_digits(NUMBER_STEPS)


def default_steps(lexicon: Lexicon) -> tuple[Step, ...]:
    return (nfc, drop_emoji, unify_tone_marks, drop_quotes, addresses.electronic, addresses.short_forms,
            lexicon.expand, numbers.roman_numerals, _NUMBERS, measures.units_after_words, money.currency_codes,
            spell_acronyms, symbols, collapse_spaces)


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
