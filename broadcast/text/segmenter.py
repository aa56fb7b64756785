"""Transcript blocks → sentences (one segment each) → subtitle cues of at most 2 × 42 characters.

Sentence rules are data (the sets below); the cue splitter is a small dynamic programme over the gaps
between syllables that prefers breaks at ; : then commas, then before conjunctions and prepositions, and
never inside a word (broadcast.text.words: Vietnamese writes every syllable apart), inside a name, between a
number and what follows it, or across a quotation or brackets when another break exists. A token longer than
a line (a URL, text with no spaces) is cut into pieces that fit, so no cue is ever over the limits.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Literal, Sequence

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
BREAK_INSIDE_UNIT = 20.0  # between a title and a name, or after a number
BREAK_INSIDE_WORD = 100.0  # inside a word or a name: only when nothing else fits the limits
QUOTE_CUE_BREAK = 40.0  # a cue break inside a quotation or brackets
CUE_COST = 10.0
CUE_BREAK_WEIGHT = 2.0  # a bad break between cues reads worse than the same break between two lines  # each extra cue costs this much: fewer, fuller cues unless a better break exists
SHORT_CUE_CHARS = 20
BREAK_AFTER_FUNCTION_WORD = 12.0  # a preposition, conjunction or quantifier belongs with the words it heads
BREAK_AFTER_CAPITALISED = 10.0  # Công | an, Thượng | tướng: a capitalised syllable usually opens a compound
SHORT_CUE_COST = 25.0
FAST_CUE_COST = 1.0  # per character/s above the target, estimated from syllables at the rate
OVER_LIMIT_CPS_COST = 20.0  # per character/s above 90% of the limit: the estimate is rough, the limit is not
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


@dataclass(frozen=True)
class _Tokens:
    """A sentence as the pieces lines and cues are made of, and what each gap between two pieces is.

    Gap k lies between words[k-1] and words[k]. `glued`: no space there (a token longer than a line was cut);
    `joined`: inside a word or name (glued gaps included); `enclosed`: inside quotation marks or brackets.
    """

    words: list[str]
    glued: frozenset[int]
    joined: frozenset[int]
    enclosed: frozenset[int]

    @classmethod
    def of(cls, text: str, max_chars: int) -> "_Tokens":
        from broadcast.text import words as word_knowledge

        pieces: list[str] = []
        glued: set[int] = set()
        for word in text.split(" "):
            for k, piece in enumerate(_cut(word, max_chars)):
                if k:
                    glued.add(len(pieces))
                pieces.append(piece)
        joined = word_knowledge.joined_gaps(pieces) | glued
        return cls(pieces, frozenset(glued), frozenset(joined), _enclosed_gaps(pieces))

    def join(self, lo: int, hi: int) -> str:
        """The text of words[lo:hi] as written."""
        return "".join(("" if k == lo or k in self.glued else " ") + self.words[k] for k in range(lo, hi))

    def length(self, lo: int, hi: int) -> int:
        return sum(len(self.words[k]) for k in range(lo, hi)) + sum(
            1 for k in range(lo + 1, hi) if k not in self.glued)


def _cut(word: str, max_chars: int) -> list[str]:
    """A token no longer than a line, or pieces of at most max_chars (never before a combining mark)."""
    if len(word) <= max_chars:
        return [word]
    pieces, start = [], 0
    while len(word) - start > max_chars:
        end = start + max_chars
        while end > start + 1 and unicodedata.combining(word[end]):
            end -= 1
        pieces.append(word[start:end])
        start = end
    pieces.append(word[start:])
    return pieces


_QUOTE_OPENERS = "“«(["
_QUOTE_CLOSERS = "”»)]"


def _enclosed_gaps(words: Sequence[str]) -> frozenset[int]:
    """Gaps inside quotation marks or brackets (straight quotes only when they pair up)."""
    straight = sum(w.count('"') for w in words) % 2 == 0
    depth, inside_straight, out = 0, False, set()
    for k, word in enumerate(words):
        if k and (depth > 0 or inside_straight):
            out.add(k)
        for ch in word:
            if ch in _QUOTE_OPENERS:
                depth += 1
            elif ch in _QUOTE_CLOSERS:
                depth = max(0, depth - 1)
            elif ch == '"' and straight:
                inside_straight = not inside_straight
    return frozenset(out)


def layout_lines(text: str, max_chars: int = MAX_LINE_CHARS, max_lines: int = MAX_LINES) -> tuple[str, ...] | None:
    """Lay text out in at most `max_lines` lines of `max_chars`; None when it cannot fit."""
    if any(len(word) > max_chars for word in text.split(" ")):
        return None
    tokens = _Tokens.of(text, max_chars)
    laid = _layout(tokens, 0, len(tokens.words), max_chars, max_lines)
    return None if laid is None else laid[1]


def _layout(tokens: _Tokens, lo: int, hi: int, max_chars: int, max_lines: int
            ) -> tuple[float, tuple[str, ...]] | None:
    """(cost, lines) of the best layout of words[lo:hi]: one line when it fits, else the cheapest, most balanced
    break."""
    total = tokens.length(lo, hi)
    if total <= max_chars:
        return 0.0, (tokens.join(lo, hi),)
    if max_lines < 2:
        return None
    words = tokens.words
    best: tuple[float, tuple[str, ...]] | None = None
    top_len = 0
    for k in range(lo + 1, hi):
        top_len += len(words[k - 1]) + (0 if k - 1 == lo or k - 1 in tokens.glued else 1)
        if top_len > max_chars:
            break
        gap = 0 if k in tokens.glued else 1
        bottom_len = total - top_len - gap
        if bottom_len > max_chars:
            if max_lines == 2:
                continue
            rest = _layout(tokens, k, hi, max_chars, max_lines - 1)
            if rest is None:
                continue
            cost, lines = rest[0], (tokens.join(lo, k), *rest[1])
        else:
            cost, lines = 0.0, (tokens.join(lo, k), tokens.join(k, hi))
        # a good break point first, then balance; when unequal the bottom line should be the longer
        cost += _gap_cost(tokens, k) + abs(bottom_len - top_len) / 8 + (2.0 if top_len > bottom_len else 0.0)
        if best is None or cost < best[0]:
            best = (cost, lines)
    return best


@lru_cache(maxsize=16)
def _tokens_of(words: tuple[str, ...]) -> _Tokens:
    return _Tokens.of(" ".join(words), max_chars=sys.maxsize)


def _gap_cost(tokens: "_Tokens | Sequence[str]", k: int) -> float:
    """Cost of breaking between words[k-1] and words[k] (of a sentence's tokens, or of a plain list of words,
    as the gTTS chunker asks)."""
    if not isinstance(tokens, _Tokens):
        tokens = _tokens_of(tuple(tokens))
    if k in tokens.joined:
        return BREAK_INSIDE_WORD
    words = tokens.words
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
    `rate`: a cue longer than `rules.max_duration` is never made (unless it is one word), one shorter than
    `rules.min_duration` costs extra, so that short cues merge with a neighbour where they can, and one whose
    estimated reading speed nears `rules.max_cps` costs far more.
    """
    if rules is not None:
        max_chars, max_lines = rules.max_chars, rules.max_lines
    tokens = _Tokens.of(sentence, max_chars)
    words = tokens.words
    n = len(words)
    syllables = [0]
    for count in estimate.syllables_per_word(words):  # as the speech stage reads each word
        syllables.append(syllables[-1] + count)
    # best[i]: (cost, previous break) for the words[:i] cut into cues
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * n
    for i in range(1, n + 1):
        length = 0
        for j in range(i - 1, -1, -1):
            length += len(words[j]) + (0 if j == i - 1 or j + 1 in tokens.glued else 1)
            if length > max_chars * max_lines:
                break
            if best[j][0] == float("inf"):
                continue
            cost = best[j][0] + CUE_COST
            if i < n:
                cost += CUE_BREAK_WEIGHT * _gap_cost(tokens, i) + (QUOTE_CUE_BREAK if i in tokens.enclosed else 0.0)
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
                    cost += OVER_LIMIT_CPS_COST * max(0.0, cps - 0.9 * rules.max_cps)
            if cost >= best[i][0]:
                continue
            laid = _layout(tokens, j, i, max_chars, max_lines)
            if laid is not None and cost + laid[0] < best[i][0]:
                best[i] = (cost + laid[0], j)
        if best[i][0] == float("inf"):  # cannot happen with pieces no longer than a line; kept as a guard
            best[i] = (best[i - 1][0] + CUE_COST, i - 1)
    cuts: list[tuple[int, int]] = []
    i = n
    while i > 0:
        j = best[i][1]
        cuts.append((j, i))
        i = j
    cues = []
    for j, i in reversed(cuts):
        laid = _layout(tokens, j, i, max_chars, max_lines)
        text = tokens.join(j, i)
        cues.append(Cue(text, laid[1] if laid is not None else (text,)))
    return cues


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
    """Segments to speak and subtitle, in reading order. Placeholders are never included, nor sentences of
    punctuation alone."""
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
            if not any(ch.isalnum() for ch in sentence):
                continue  # "***", "…", "—": nothing to say, and a cue of it would show over silence
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
