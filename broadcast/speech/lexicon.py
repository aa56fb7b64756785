"""Abbreviations → what a newsreader says: a TSV lexicon (written<TAB>spoken), the built-in one in assets/
extended by the user's (--lexicon FILE; user entries win)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from broadcast.errors import BroadcastError


def _assets() -> Path:
    """assets/ of a checkout (or editable install), else the copy a wheel installs as broadcast/assets."""
    checkout = Path(__file__).resolve().parent.parent.parent / "assets"
    if (checkout / "lexicon.tsv").is_file():
        return checkout
    return Path(__file__).resolve().parent.parent / "assets"


ASSETS = _assets()
BUILTIN_LEXICON = ASSETS / "lexicon.tsv"
BUILTIN_LOANWORDS = ASSETS / "loanwords.txt"

# Old tone placement on open oa/oe/uy → the placement on the first vowel (Hoá → Hóa, Uỷ → Ủy, khoẻ → khỏe).
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
OLD_TONE_PLACEMENT = {
    unicodedata.normalize("NFC", first + second + tone): unicodedata.normalize("NFC", first + tone + second)
    for first, second in (("o", "a"), ("o", "e"), ("u", "y"), ("O", "A"), ("O", "E"), ("U", "Y"),
                          ("O", "a"), ("O", "e"), ("U", "y"))
    for tone in _TONES
}
_OLD_TONE = re.compile(r"(?<![qQ])(" + "|".join(OLD_TONE_PLACEMENT) + r")(?!\w)")


def unify_tone_marks(text: str) -> str:
    """One spelling per syllable for speech: Thanh Hoá → Thanh Hóa, Uỷ ban → Ủy ban (quý, thuở untouched)."""
    return _OLD_TONE.sub(lambda m: OLD_TONE_PLACEMENT[m.group(1)], text)


def read_table(path: Path) -> dict[str, str]:
    """written<TAB>spoken lines; # comments and blank lines skipped. Bad lines are errors naming the line."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BroadcastError(f"{path}: lexicon file not found") from None
    except UnicodeDecodeError:
        raise BroadcastError(f"{path}: lexicon is not UTF-8 text") from None
    except OSError as exc:
        raise BroadcastError(f"{path}: cannot read lexicon: {exc.strerror}") from None
    table: dict[str, str] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise BroadcastError(f"{path}: line {number}: expected 'written<TAB>spoken', got {line!r}")
        table[unicodedata.normalize("NFC", parts[0].strip())] = unicodedata.normalize("NFC", parts[1].strip())
    return table


def read_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@dataclass(frozen=True, eq=False)
class Lexicon:
    entries: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, user: Path | None = None) -> "Lexicon":
        entries = read_table(BUILTIN_LEXICON)
        if user is not None:
            entries.update(read_table(user))
        return cls(entries)

    def pattern(self) -> re.Pattern[str]:
        """Whole tokens, longest first; a key ending in '.' may run into the next word (TP.Thanh Hóa)."""
        keys = sorted(self.entries, key=len, reverse=True)
        alternatives = (re.escape(k) + ("" if k.endswith(".") else r"(?![\w&])") for k in keys)
        return re.compile(r"(?<![\w.&])(?:" + "|".join(alternatives) + ")")

    def expand(self, text: str) -> str:
        if not self.entries:
            return text
        return self._compiled().sub(lambda m: self._spoken(m.group(0)), text)

    def _spoken(self, written: str) -> str:
        spoken = self.entries[written]
        return spoken + " " if written.endswith(".") else spoken

    @functools.cached_property
    def _compiled_pattern(self) -> re.Pattern[str]:
        return self.pattern()

    def _compiled(self) -> re.Pattern[str]:
        return self._compiled_pattern


def _comparable(text: str) -> str:
    return " ".join(unify_tone_marks(unicodedata.normalize("NFC", text)).lower().split())


def drop_repeated_acronyms(text: str, lexicon: Lexicon, before: str = "") -> str:
    """'Hội đồng nhân dân (HĐND)' is read once: an acronym in brackets right after its own expansion goes.

    The expansion is the lexicon's, or else the initials of the words just before the bracket. `before` is the
    text preceding `text` (the earlier cues of the sentence), so the expansion may sit in another cue.
    """
    def repeated(m: re.Match[str]) -> str:
        acronym, preceding = m.group(2), _comparable(before + " " + text[: m.start()])
        expansion = lexicon.entries.get(acronym)
        if expansion and preceding.endswith(_comparable(expansion)):
            return ""
        letters = [ch for ch in acronym if ch.isalpha()]
        words = preceding.split()[-len(letters):] if letters else []
        if len(letters) >= 2 and len(words) == len(letters):
            if all(w[0] == ch.lower() for w, ch in zip(words, letters)):
                return ""
        return m.group(0)

    return re.sub(r"(\s*)\(([A-ZĐ][\w&.-]*)\)", repeated, text)
