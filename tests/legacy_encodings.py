"""Encoders from Unicode to the legacy Vietnamese encodings, for building test fixtures.

Written from the layouts of the encodings themselves, not from viparse's tables (the reader uses those to
decode), so a test that round-trips through them checks the reader against an independent source:
- TCVN3 (TCVN 5712:1993, VN3 "ABC", .VnTime fonts): one byte per letter; each vowel's five toned forms sit
  in a row in the order huyền, hỏi, ngã, sắc, nặng. Only Ă Â Ê Ô Ơ Ư Đ exist as capitals: toned capitals were
  drawn by a separate "H" font from the lower-case bytes, so a plain-text file cannot carry them.
- VNI-Windows: a base letter followed by mark bytes (a tone, or a hat/breve combined with a tone); ơ ư đ and
  the toned i's are single bytes; ỵ is the single byte 0xEE. Capitals use the marks 0x20 lower.
- Windows-1258: precomposed letters where cp1258 has them, the five tone marks as combining characters.
Characters the encoding lacks raise, so a fixture cannot silently lose letters.
"""

from __future__ import annotations

import unicodedata

GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
TONES = (GRAVE, HOOK, TILDE, ACUTE, DOT)

# TCVN3: the byte of the bare vowel (None where it is ASCII), then huyền, hỏi, ngã, sắc, nặng.
TCVN3_ROWS = {
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB), "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4), "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE), "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9), "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
TCVN3_OTHERS = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

# VNI lower-case mark bytes.
VNI_TONE = {ACUTE: 0xF9, GRAVE: 0xF8, HOOK: 0xFB, TILDE: 0xF5, DOT: 0xEF}
VNI_HAT = {"": 0xE2, ACUTE: 0xE1, GRAVE: 0xE0, HOOK: 0xE5, TILDE: 0xE3, DOT: 0xE4}  # â ê ô and their tones
VNI_BREVE = {"": 0xEA, ACUTE: 0xE9, GRAVE: 0xE8, HOOK: 0xFA, TILDE: 0xFC, DOT: 0xEB}  # ă and its tones
VNI_TONED_I = {ACUTE: 0xED, GRAVE: 0xEC, HOOK: 0xE6, TILDE: 0xF3, DOT: 0xF2}
VNI_HORN = {"o": 0xF4, "u": 0xF6}
VNI_D, VNI_Y_DOT = 0xF1, 0xEE


def _tcvn3_table() -> dict[str, str]:
    table = {}
    for base, codes in TCVN3_ROWS.items():
        for tone, code in zip(("",) + TONES, codes):
            if code is not None:
                table[unicodedata.normalize("NFC", base + tone)] = chr(code)
    table.update({letter: chr(code) for letter, code in TCVN3_OTHERS.items()})
    return table


_TCVN3 = _tcvn3_table()


def to_tcvn3(text: str) -> bytes:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TCVN3:
            out.append(_TCVN3[ch])
        elif ch.isalpha() and not ch.isascii():
            raise ValueError(f"TCVN3 cannot carry {ch!r}")
        else:
            out.append(ch)
    return "".join(out).encode("cp1252")  # punctuation such as … and “ ” as Windows wrote it


def _vni_letter(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    shift = 0x20 if base.isupper() else 0

    def mark(code: int) -> str:
        return chr(code - shift)

    tone = next((m for m in marks if m in TONES), "")
    if ch in "đĐ":
        return chr(VNI_D - (0x20 if ch == "Đ" else 0))
    if "\u0302" in marks:
        return base + mark(VNI_HAT[tone])
    if "\u0306" in marks:
        return base + mark(VNI_BREVE[tone])
    if "\u031b" in marks:
        return mark(VNI_HORN[base.lower()]) + (mark(VNI_TONE[tone]) if tone else "")
    if base.lower() == "i" and tone:
        return mark(VNI_TONED_I[tone])
    if base.lower() == "y" and tone == DOT:
        return mark(VNI_Y_DOT)
    if tone:
        return base + mark(VNI_TONE[tone])
    raise ValueError(f"VNI cannot carry {ch!r}")


def to_vni(text: str) -> bytes:
    return "".join(
        _vni_letter(ch) if ch.isalpha() and not ch.isascii() else ch
        for ch in unicodedata.normalize("NFC", text)
    ).encode("cp1252")


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: the letter with its hat, breve or horn (â ă ê ô ơ ư đ are
    single bytes), then the tone mark as a combining character."""
    clusters: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and clusters:
            clusters[-1] += ch
        else:
            clusters.append(ch)
    out = []
    for cluster in clusters:
        tones = "".join(ch for ch in cluster if ch in TONES)
        letter = unicodedata.normalize("NFC", "".join(ch for ch in cluster if ch not in TONES))
        out.append(letter + tones)
    return "".join(out).encode("cp1258")
