"""How right the speech text is: the normaliser against public written→spoken test suites. Prints tables.

    python bench/normalization.py [--show errors|ambiguous|all] [--suite NAME] [--category NAME] [--repeat N]

Reads ../shared/peer/normalization/cases.tsv (1,147 cases from NVIDIA NeMo-text-processing's Vietnamese tests and
five other projects', with their sources and licences in its README); prints a skip message when it is absent.
The cases are never copied into the project. Each case ends in one of four outcomes:

- strict      the reading equals an expected one on its surface: NFC, one tone-mark placement (hoá = hóa), lower
              case, punctuation dropped, spaces collapsed (the suites differ in case and in spacing around punctuation, which no voice hears);
- equivalent  equal once both sides go through the style equivalences in EQUIVALENCES below: ways of saying the
              same thing that a careful newsreader may use either of (ngàn/nghìn, lẻ/linh, 'không trăm' after
              nghìn, 'trên'/'một' for per, a letter or its Vietnamese name …), each one documented;
- ambiguous   listed, with the reason, in bench/normalization_ambiguous.tsv: cases whose expected reading is wrong,
              a colloquial contraction no bulletin uses, or undecidable without context; they still count as
              strict or equivalent when the reading matches anyway;
- error       everything else: a real misreading.

`contains` cases (g2p-hamster's) pass when every expected phrase appears in the reading.

Then the time to normalise each bulletin (the seed, assets/sample.txt, tests/data/transcripts): the fastest and the
median of --repeat runs of the speech stage over its segments, lexicon loaded beforehand.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcast.speech import speak_cues, speak_segments  # noqa: E402
from broadcast.speech.lexicon import unify_tone_marks  # noqa: E402
from broadcast.text import segmenter, transcript  # noqa: E402

CASES = ROOT.parent / "shared" / "peer" / "normalization" / "cases.tsv"
AMBIGUOUS = Path(__file__).with_name("normalization_ambiguous.tsv")
SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"

OUTCOMES = ("strict", "equivalent", "ambiguous", "error")

_NUMBER_WORD = r"(?:không|một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|triệu|tỷ|linh)"

# Style equivalences, applied in order to both the reading and the expected text (already on their surface form).
# Each is (what it accepts, pattern, replacement). Nothing here accepts a different number, date, unit or word.
EQUIVALENCES: tuple[tuple[str, str, object], ...] = (
    # spelling variants of one word
    ("ngàn = nghìn", r"\bngàn\b", "nghìn"),
    ("tỉ = tỷ, kỉ = kỷ (i/y spellings)", r"\b(t|k)ỉ\b", r"\1ỷ"),
    ("bẩy = bảy (northern spelling)", r"\bbẩy\b", "bảy"),
    ("lẻ = linh (a zero tens digit)", r"\blẻ\b", "linh"),
    ("trừ = âm (a minus sign)", r"\btrừ (?=" + _NUMBER_WORD + r")", "âm "),
    # decimals
    ("chấm = phẩy as the decimal mark (3.5 is read either way)", r"\b(" + _NUMBER_WORD + r") chấm (?=" + _NUMBER_WORD + r")", r"\1 phẩy "),
    ("two decimals read as a number or digit by digit (phẩy mười bốn = phẩy một bốn)",
     r"\bphẩy (mười|(hai|ba|bốn|năm|sáu|bảy|tám|chín) mươi)(?: (một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín))?(?! (?:mươi|trăm|nghìn|phẩy)\b)",
     lambda m: "phẩy " + (m.group(2) or "một") + " " + {None: "không", "mốt": "một", "tư": "bốn", "lăm": "năm"}.get(m.group(3), m.group(3))),
    # the same number said two accepted ways
    ("mươi mốt = mươi một", r"\bmươi mốt\b", "mươi một"),
    ("tư = bốn for the digit 4 after another number word (hai mươi tư, phẩy hai tư)", r"\b(" + _NUMBER_WORD + r"|phẩy|chấm) tư\b", r"\1 bốn"),
    ("mốt = một for the digit 1 after a tens digit (hai mốt)", r"\b(hai|ba|bốn|năm|sáu|bảy|tám|chín) mốt\b", r"\1 một"),
    ("lăm = năm for the digit 5 after a tens digit or linh (hai mươi lăm, chín lăm)", r"\blăm\b", "năm"),
    ("'không trăm' dropped after nghìn/triệu/tỷ", r"\b(nghìn|triệu|tỷ) không trăm (?=" + _NUMBER_WORD + r")", r"\1 "),
    ("'không nghìn' dropped after triệu/tỷ", r"\b(triệu|tỷ) không nghìn (?=" + _NUMBER_WORD + r")", r"\1 "),
    ("'linh' after nghìn/triệu/tỷ said or not (một nghìn linh một)", r"\b(nghìn|triệu|tỷ) linh (?=" + _NUMBER_WORD + r")", r"\1 "),
    ("colloquial tens without 'mươi' (hai mốt = hai mươi mốt, bốn ba = bốn mươi ba)",
     r"\b(hai|ba|bốn|năm|sáu|bảy|tám|chín) mươi (?=(?:một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín)\b)", r"\1 "),
    # dates
    ("optional 'ngày' before a date", r"\bngày (?=(?:" + _NUMBER_WORD + r" ){1,3}tháng\b)", ""),
    ("mùng = mồng (day of the month)", r"\bmồng\b", "mùng"),
    # 'per', fractions, products
    ("'trên' or 'một' for per", r"\b(đồng|đô|la|mỹ|rô|yên|mét|gam|lít|tấn|ta|khối|vuông|bai|bít) một (?=(?:ki lô |mi li |xen ti |xăng ti |héc |mê ga |gi ga )?(?:giờ|giây|phút|ngày|tháng|năm|người|lượt|lít|mét|gam|tấn|héc ta|kg|cái|quả|lượng|cổ phần|khách|hộ|suất|con|sào|tê ra bai)\b)", r"\1 trên "),
    ("a phần b = a trên b (fractions)", r"\b(" + _NUMBER_WORD + r") phần (?=" + _NUMBER_WORD + r")", r"\1 trên "),
    ("phần tư = trên bốn (a quarter)", r"\btrên tư\b", "trên bốn"),
    ("nhân = x between two quantities (3 x 4)", r"\bnhân (?=" + _NUMBER_WORD + r")", "x "),
    # clock times
    ("zero minutes/seconds said or not (tám giờ không phút)", r"\b(giờ|phút)(?: không (?:phút|giây))+", r"\1"),
    ("minutes with or without 'phút' in a clock time", r"\b(giờ(?: " + _NUMBER_WORD + r")+) phút\b", r"\1"),
    ("a zero before the minutes said or not (tám giờ không năm, năm giờ linh năm)", r"\bgiờ (?:không|linh) (?=" + _NUMBER_WORD + r")", "giờ "),
    # currency and unit names
    ("đô la Mỹ = đô la = đô = USD said by its letters (u ét đê)", r"\b(?:đô(?: la)?(?: mỹ)?|u ét đê)\b", "đô la"),
    ("Việt Nam đồng = đồng", r"\bviệt nam đồng\b", "đồng"),
    ("euro = ơ rô", r"\beuro\b", "ơ rô"),
    ("xen ti mét = xăng ti mét", r"\bxăng ti\b", "xen ti"),
    ("gram = gam", r"\bgram\b", "gam"),
    ("kilomet = ki lô mét", r"\bkilomet\b", "ki lô mét"),
    ("ký lô = ki lô", r"\bký lô\b", "ki lô"),
    ("ampe = am pe", r"\bampe\b", "am pe"),
    ("hẹc = héc (hertz)", r"\bhẹc\b", "héc"),
    ("gi ga bai = ghi ga bai = gigabyte, mê ga bít = megabit (and tera, kilo)",
     r"\b(?:(gi|ghi|tê|mê|ki)(?: | ?)(ga|ra|lô)(?: | ?)(bai|byte|bít|bit)|(giga|tera|mega|kilo)(byte|bit))\b",
     lambda m: {"gi": "gi ga", "ghi": "gi ga", "tê": "tê ra", "mê": "mê ga", "ki": "ki lô", "giga": "gi ga",
                "tera": "tê ra", "mega": "mê ga", "kilo": "ki lô"}[m.group(1) or m.group(4)]
     + (" bai" if (m.group(3) or m.group(5)) in ("bai", "byte") else " bít")),
    # letters and symbols of addresses
    ("@ said a còng, a móc or a vòng", r"\ba (?:móc|vòng)\b", "a còng"),
    ("/ said gạch chéo or sẹc", r"\bsẹc\b", "gạch chéo"),
    ("a letter = its Vietnamese name (c = xê, d = đê) or the English one said in Vietnamese (vi en = v n)",
     r"\b(?:bê|xê|dê|đê|ép|giê|gi|hát|ca|lờ|mờ|nờ|pê|quy|rờ|ét|tê|vê kép|vê|ích|dét|gờ|vi|en)\b",
     lambda m: {"bê": "b", "xê": "c", "dê": "d", "đê": "d", "ép": "f", "giê": "g", "gi": "j", "hát": "h", "ca": "k",
                "lờ": "l", "mờ": "m", "nờ": "n", "pê": "p", "quy": "q", "rờ": "r", "ét": "s", "tê": "t",
                "vê kép": "w", "vê": "v", "ích": "x", "dét": "z", "gờ": "g", "vi": "v", "en": "n"}[m.group(0)]),
)

_COMPILED = tuple((name, re.compile(pattern), replacement) for name, pattern, replacement in EQUIVALENCES)


def surface(text: str) -> str:
    """What a listener hears of a written reading: NFC, lower case, no punctuation, single spaces."""
    text = unify_tone_marks(unicodedata.normalize("NFC", text)).lower()
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def canonical(text: str) -> str:
    text = surface(text)
    for _, pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return "".join(text.split())  # spaces are not heard: a b c = abc, g mail = gmail


@dataclass(frozen=True)
class Case:
    suite: str
    category: str
    mode: str
    written: str
    expected: tuple[str, ...]


def read_cases(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        suite, category, mode, written, expected = line.split("\t")
        cases.append(Case(suite, category, mode, written, tuple(e.strip() for e in expected.split(" | "))))
    return cases


def read_ambiguous(path: Path) -> dict[tuple[str, str], str]:
    """(suite, written) → the reason the case is not held against the normaliser."""
    judged = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        suite, written, reason = line.split("\t")
        judged[(suite, written)] = reason
    return judged


def _contains(reading: str, phrase: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", reading) is not None


def judge(case: Case, reading: str, ambiguous: dict[tuple[str, str], str]) -> str:
    if case.mode == "contains":
        if all(_contains(surface(reading), surface(p)) for p in case.expected):
            return "strict"
        if all(canonical(p) in canonical(reading) for p in case.expected):
            return "equivalent"
    else:
        if surface(reading) in {surface(e) for e in case.expected}:
            return "strict"
        if canonical(reading) in {canonical(e) for e in case.expected}:
            return "equivalent"
    return "ambiguous" if (case.suite, case.written) in ambiguous else "error"


def read(written: str) -> str:
    return speak_cues([written])[0]


def table(results: list[tuple[Case, str, str]]) -> None:
    groups: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for case, _, outcome in results:
        groups[(case.suite, case.category)][outcome] += 1
        groups[(case.suite, "(all)")][outcome] += 1
        groups[("(all)", case.category)][outcome] += 1
        groups[("(all)", "(all)")][outcome] += 1
    print(f"{'suite':13} {'category':15} {'cases':>5} {'strict':>6} {'equiv':>6} {'ambig':>6} {'error':>6}  {'no error':>8}")
    for (suite, category), counts in sorted(groups.items(), key=lambda kv: (kv[0][0] == "(all)", kv[0])):
        total = sum(counts.values())
        ok = total - counts["error"]
        print(f"{suite:13} {category:15} {total:5d} {counts['strict']:6d} {counts['equivalent']:6d} "
              f"{counts['ambiguous']:6d} {counts['error']:6d}  {100 * ok / total:7.1f}%")


def bulletin_timings(repeat: int) -> list[tuple[str, int, float, float]]:
    files = [p for p in (SEED, ROOT / "assets" / "sample.txt") if p.exists()]
    files += sorted((ROOT / "tests" / "data" / "transcripts").glob("*.txt"))
    rows = []
    for path in files:
        segments = segmenter.segment(transcript.read(path), captions=True, source=True)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            speak_segments(segments)
            times.append(time.perf_counter() - started)
        words = sum(len(s.text.split()) for s in segments)
        rows.append((path.name, words, min(times), statistics.median(times)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", choices=("errors", "ambiguous", "all"), help="list cases with their reading")
    parser.add_argument("--suite")
    parser.add_argument("--category")
    parser.add_argument("--repeat", type=int, default=21, help="timing runs per bulletin (median)")
    args = parser.parse_args()
    if not CASES.exists():
        print(f"skipped: {CASES} is absent (the shared evaluation data is not beside this checkout)")
        return
    ambiguous = read_ambiguous(AMBIGUOUS)
    read("khởi động 1")  # load the lexicon and g2p-hamster before anything is timed
    cases = [c for c in read_cases(CASES)
             if (args.suite in (None, c.suite)) and (args.category in (None, c.category))]
    results = []
    for case in cases:
        reading = read(case.written)
        results.append((case, reading, judge(case, reading, ambiguous)))
    table(results)
    if args.show:
        wanted = {"errors": ("error",), "ambiguous": ("ambiguous",), "all": OUTCOMES}[args.show]
        print()
        for case, reading, outcome in results:
            if outcome in wanted:
                why = f"  [{ambiguous[(case.suite, case.written)]}]" if outcome == "ambiguous" else ""
                print(f"{outcome:10} {case.suite}/{case.category}: {case.written!r}\n"
                      f"{'':10} read     {reading!r}\n{'':10} expected {' | '.join(case.expected)!r}{why}")
    print("\nequivalences accepted (and spaces between words, which are not heard: a b c = abc, g mail = gmail):")
    for name, _, _ in EQUIVALENCES:
        print(f"  - {name}")
    print(f"\nnormalising a bulletin ({args.repeat} runs each; the fastest is the least disturbed by other load):")
    print(f"  {'bulletin':32} {'words':>6} {'best ms':>8} {'median ms':>10}")
    for name, words, best, median in bulletin_timings(args.repeat):
        print(f"  {name:32} {words:6d} {best * 1000:8.2f} {median * 1000:10.2f}")


if __name__ == "__main__":
    main()
