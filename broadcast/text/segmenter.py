"""Transcript blocks → sentences (one segment each) → subtitle cues of at most 2 × 42 characters.

Sentence rules are data (the sets below); the cue splitter is a small dynamic programme over word gaps
that prefers breaks at ; : then commas, then before conjunctions and prepositions, and never inside a
name or between a number and what follows it when another break exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Literal

from broadcast import defaults
from broadcast.speech import estimate
from broadcast.subtitles.rules import CueRules
from broadcast.text.transcript import Transcript

SegmentKind = Literal["title", "paragraph", "caption", "source"]

MAX_LINE_CHARS = 42
MAX_LINES = 2
DEFAULT_RATE = defaults.RATE

# Dotted words after which a period never ends a sentence (compared on the last dotted component,
# so "PGS.TS." and "TP." both match); single capital letters (initials, N.T.H.) never end one either.
ABBREVIATIONS = frozenset(
    """TP Tp TS PGS GS ThS Th.S BS BSCKI BSCKII KS CN NSƯT NSND NGƯT NGND TT Q P X H TX Tr tr St Mr Mrs Ms Dr
    Ths Ts Gs Pgs ĐT đt Đ/c đ/c No Nxb NXB""".split()
)
TERMINATORS = ".!?…"
CLOSERS = "\"”’)]»"
OPENERS = "\"“‘([«"
_BRACKET_PAIRS = {"(": ")", "[": "]", "“": "”", "‘": "’", "«": "»"}

# Cue breaks: cost of breaking after a word that ends in this punctuation (lower is better).
BREAK_AFTER_PUNCTUATION = {".": 0.0, "!": 0.0, "?": 0.0, "…": 0.0, ";": 0.5, ":": 0.5, ",": 1.5, "-": 3.0, "–": 3.0}
BREAK_BEFORE_WORD = 4.0  # before a conjunction or preposition
BREAK_BETWEEN_WORDS = 8.0
BREAK_INSIDE_UNIT = 20.0  # inside a name, or after a number
CUE_COST = 10.0
CUE_BREAK_WEIGHT = 2.0  # a bad break between cues reads worse than the same break between two lines  # each extra cue costs this much: fewer, fuller cues unless a better break exists
SHORT_CUE_CHARS = 20
BREAK_AFTER_FUNCTION_WORD = 12.0  # a preposition, conjunction or quantifier belongs with the words it heads
BREAK_AFTER_CAPITALISED = 10.0  # Công | an, Thượng | tướng: a capitalised syllable usually opens a compound
SHORT_CUE_COST = 25.0
FAST_CUE_COST = 1.0  # per character/s above the target, estimated from syllables at the rate
DURATION_MARGIN = 0.85
# Inside a cue eSpeak speaks 1.09 × --rate syllables/s (measured on 147 cues of five bulletins at 3.4–3.9):
# the rate is a sentence's pace, pauses at commas included.
CUE_PACE = 1.09  # estimates from syllables are rough: plan cues well inside the maximum duration  # a cue estimated to be spoken in less than the minimum duration
# Last syllables of titles that head a name (Thượng tướng, Phó Chủ tịch, đồng chí, ông, bà, Giám đốc, bác sĩ …):
# no break between them and the capitalised name or body that follows.
TITLE_ENDINGS = frozenset(
    """tướng tá úy uý trưởng thư tịch đốc chí ông bà anh chị cô chú bác cụ sĩ sư nhân viên tướng nghệ
    PGS.TS. PGS.TS GS.TS. TS. ThS. BS. KS. NSND NSƯT NGND NGƯT""".split()
)
# Words that join a number to the magnitude or unit after it (96,5 tỷ đồng, 2,1 triệu lượt người).
MAGNITUDES = frozenset("nghìn ngàn triệu tỷ tỉ trăm".split())
FUNCTION_WORDS = frozenset("các những một mọi mỗi từng của cho với tại trong để từ đến theo về và là".split())
CONJUNCTIONS_AND_PREPOSITIONS = frozenset(
    """và hoặc hay nhưng mà thì nên của cho với tại trong ngoài để từ đến theo về như nhằm khi nếu vì do bởi trên
    dưới sau trước giữa cùng bằng qua nhờ tới đối nhất là gồm""".split()
)


@dataclass(frozen=True)
class Cue:
    """A subtitle cue as written; `lines` are what the viewer sees, `speech` what the voice is given."""

    text: str
    lines: tuple[str, ...]
    speech: str = ""


@dataclass(frozen=True)
class Segment:
    """One sentence: spoken as one clip, shown as one or more cues."""

    index: int  # 1-based, in reading order among spoken/subtitled segments
    kind: SegmentKind
    paragraph: int
    text: str
    cues: tuple[Cue, ...] = field(default_factory=tuple)

    @property
    def speech(self) -> str:
        return " ".join(c.speech or c.text for c in self.cues)

    def with_speech(self, speeches: Iterable[str]) -> "Segment":
        return replace(self, cues=tuple(replace(c, speech=s) for c, s in zip(self.cues, speeches, strict=True)))


# ---------------------------------------------------------------- sentences


def split_sentences(text: str) -> list[str]:
    """Split one paragraph into sentences."""
    ignore_straight_quotes = text.count('"') % 2 == 1
    sentences: list[str] = []
    start = 0
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        closed = False
        if ch == '"' and not ignore_straight_quotes and not (stack and stack[-1] == '"'):
            stack.append('"')
        elif ch in _BRACKET_PAIRS:
            stack.append(_BRACKET_PAIRS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            closed = True
        # a sentence ends at a terminator outside quotes, or at a quote that closes right after one
        at_end = (ch in TERMINATORS and not stack) or (closed and not stack and i > 0 and text[i - 1] in TERMINATORS)
        if at_end:
            term = i if ch in TERMINATORS else i - 1
            j = i + 1
            while j < n and (text[j] in TERMINATORS or text[j] in CLOSERS and text[j] != '"'):
                j += 1
            if (j == n or text[j].isspace()) and _ends_sentence(text, start, term, j):
                sentence = text[start:j].strip()
                if sentence:
                    sentences.append(sentence)
                start = j
                i = j
                continue
            i = j
            continue
        i += 1
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _ends_sentence(text: str, start: int, term: int, after: int) -> bool:
    """Is the terminator run text[term:after] the end of a sentence?"""
    rest = text[after:].lstrip()
    if not rest:
        return True
    if not _starts_sentence(rest):
        return False
    if text[term] == "." and after - term == 1:
        word = text[start:term].split()[-1] if text[start:term].split() else ""
        word = word.lstrip(OPENERS)
        last = word.split(".")[-1] if word else ""
        if word in ABBREVIATIONS or last in ABBREVIATIONS:
            return False
        if len(last) == 1 and last.isalpha() and last.isupper():
            return False  # an initial: N.T.H.
    return True


def _starts_sentence(rest: str) -> bool:
    k = 0
    while k < len(rest) and rest[k] in OPENERS:
        k += 1
    return k < len(rest) and (rest[k].isupper() or rest[k].isdigit())


# ---------------------------------------------------------------- lines and cues


def layout_lines(text: str, max_chars: int = MAX_LINE_CHARS, max_lines: int = MAX_LINES) -> tuple[str, ...] | None:
    """Lay text out in at most `max_lines` lines of `max_chars`; None when it cannot fit."""
    laid = _layout(text, max_chars, max_lines)
    return None if laid is None else laid[1]


def _layout(text: str, max_chars: int, max_lines: int) -> tuple[float, tuple[str, ...]] | None:
    """(cost, lines) of the best layout: one line when it fits, else the cheapest, most balanced break."""
    if len(text) <= max_chars:
        return 0.0, (text,)
    if max_lines < 2:
        return None
    words = text.split(" ")
    best: tuple[float, tuple[str, ...]] | None = None
    top_len = -1
    for k in range(1, len(words)):
        top_len += len(words[k - 1]) + 1
        if top_len > max_chars:
            break
        bottom_len = len(text) - top_len - 1
        if bottom_len > max_chars:
            if max_lines == 2:
                continue
            rest = _layout(" ".join(words[k:]), max_chars, max_lines - 1)
            if rest is None:
                continue
            cost, lines = rest[0], (" ".join(words[:k]), *rest[1])
        else:
            cost, lines = 0.0, (" ".join(words[:k]), " ".join(words[k:]))
        # a good break point first, then balance; when unequal the bottom line should be the longer
        cost += _gap_cost(words, k) + abs(bottom_len - top_len) / 8 + (0.5 if top_len > bottom_len else 0.0)
        if best is None or cost < best[0]:
            best = (cost, lines)
    return best


def _gap_cost(words: list[str], k: int) -> float:
    """Cost of breaking between words[k-1] and words[k]."""
    left, right = words[k - 1], words[k]
    if _is_number(left) and right in ("-", "–") or left in ("-", "–") and k >= 2 and _is_number(words[k - 2]):
        return BREAK_INSIDE_UNIT  # a range: 7.200 – 7.600 đồng/kg
    tail = left.rstrip(CLOSERS)
    if tail.endswith(".") and tail[:-1].split(".")[-1] in ABBREVIATIONS:
        return BREAK_INSIDE_UNIT  # TP. | Thanh Hóa, PGS.TS. | Nguyễn Minh Tuấn
    if tail and tail[-1] in BREAK_AFTER_PUNCTUATION:
        return BREAK_AFTER_PUNCTUATION[tail[-1]]
    if right in ("-", "–"):
        return BREAK_AFTER_PUNCTUATION["-"]
    bare_right = right.strip(OPENERS + CLOSERS)
    bare_left = left.strip(OPENERS + CLOSERS)
    if any(ch.isdigit() for ch in bare_left):
        return BREAK_INSIDE_UNIT
    if bare_left.lower() in MAGNITUDES and k >= 2 and any(ch.isdigit() for ch in words[k - 2]):
        return BREAK_INSIDE_UNIT  # 96,5 tỷ | đồng
    if bare_right[:1].isupper() and (bare_left[:1].isupper() or bare_left in TITLE_ENDINGS
                                     or bare_left.lower() in TITLE_ENDINGS):
        return BREAK_INSIDE_UNIT  # inside a name (Trần Quốc Tỏ) or after its title (Thượng tướng Trần Quốc Tỏ)
    if bare_right[:1].isdigit() and bare_left.lower() in ("ngày", "tháng", "năm", "số", "lúc", "đến", "từ"):
        return BREAK_INSIDE_UNIT  # ngày | 12/3
    if bare_right.lower() in CONJUNCTIONS_AND_PREPOSITIONS:
        return BREAK_BEFORE_WORD
    if bare_left.lower() in FUNCTION_WORDS:
        return BREAK_AFTER_FUNCTION_WORD
    if bare_left[:1].isupper():
        return BREAK_AFTER_CAPITALISED
    return BREAK_BETWEEN_WORDS


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def split_cues(
    sentence: str, max_chars: int = MAX_LINE_CHARS, max_lines: int = MAX_LINES, *,
    rules: CueRules | None = None, rate: float = DEFAULT_RATE,
) -> list[Cue]:
    """Cut a sentence into cues that each fit `max_lines` × `max_chars`, at the cheapest breaks.

    With `rules`, the line limits come from them and each cue's duration is estimated from its syllables at
    `rate`: a cue longer than `rules.max_duration` is never made (unless it is one word), and one shorter
    than `rules.min_duration` costs extra, so that short cues merge with a neighbour where they can.
    """
    if rules is not None:
        max_chars, max_lines = rules.max_chars, rules.max_lines
    words = sentence.split(" ")
    n = len(words)
    syllables = [0]
    for count in estimate.syllables_per_word(words):  # as the speech stage reads each word
        syllables.append(syllables[-1] + count)
    # best[i]: (cost, previous break) for the words[:i] cut into cues
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * n
    for i in range(1, n + 1):
        length = -1
        for j in range(i - 1, -1, -1):
            length += len(words[j]) + 1
            if length > max_chars * max_lines:
                break
            if best[j][0] == float("inf"):
                continue
            cost = best[j][0] + CUE_COST + (CUE_BREAK_WEIGHT * _gap_cost(words, i) if i < n else 0.0)
            if length < SHORT_CUE_CHARS and n > 1:
                cost += (SHORT_CUE_CHARS - length) * 0.5
            if rules is not None:
                seconds = (syllables[i] - syllables[j]) / rate
                if seconds > DURATION_MARGIN * rules.max_duration and i - j > 1:
                    continue
                if seconds < rules.min_duration and (j > 0 or i < n):
                    cost += SHORT_CUE_COST
                # a cue dense in characters per spoken syllable reads fast: spread the density evenly
                if seconds > 0:
                    # the sentence's last cue may stay up into the pause after it
                    shown = seconds / CUE_PACE + (rules.max_overhang if i == n else 0.0)
                    cps = length / shown
                    cost += FAST_CUE_COST * max(0.0, cps - rules.target_cps)
            if cost >= best[i][0]:
                continue
            laid = _layout(" ".join(words[j:i]), max_chars, max_lines)
            if laid is not None and cost + laid[0] < best[i][0]:
                best[i] = (cost + laid[0], j)
        if best[i][0] == float("inf"):
            # a single word longer than a cue: it gets a cue of its own, cut at max_chars
            best[i] = (best[i - 1][0] + CUE_COST, i - 1)
    cuts: list[tuple[int, int]] = []
    i = n
    while i > 0:
        j = best[i][1]
        cuts.append((j, i))
        i = j
    cues = []
    for j, i in reversed(cuts):
        text = " ".join(words[j:i])
        lines = layout_lines(text, max_chars, max_lines) or _hard_wrap(text, max_chars)
        cues.append(Cue(text, lines))
    return cues


def _hard_wrap(text: str, max_chars: int) -> tuple[str, ...]:
    return tuple(text[k : k + max_chars] for k in range(0, len(text), max_chars))


# ---------------------------------------------------------------- segments and estimates

_SPOKEN_KINDS = {"title", "paragraph"}


def segment(
    transcript: Transcript,
    captions: bool = False,
    source: bool = False,
    max_chars: int = MAX_LINE_CHARS,
    max_lines: int = MAX_LINES,
    rules: CueRules | None = None,
    rate: float = DEFAULT_RATE,
) -> list[Segment]:
    """Segments to speak and subtitle, in reading order. Placeholders are never included."""
    wanted = set(_SPOKEN_KINDS)
    if captions:
        wanted.add("caption")
    if source:
        wanted.add("source")
    segments: list[Segment] = []
    for block in transcript.blocks:
        if block.kind not in wanted:
            continue
        sentences = [block.text] if block.kind in ("title", "source") else split_sentences(block.text)
        for sentence in sentences:
            segments.append(
                Segment(
                    index=len(segments) + 1,
                    kind=block.kind,  # type: ignore[arg-type]
                    paragraph=block.paragraph,
                    text=sentence,
                    cues=tuple(split_cues(sentence, max_chars, max_lines, rules=rules, rate=rate)),
                )
            )
    return segments
