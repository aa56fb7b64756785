"""What libespeak-ng carries from one synthesis to the next, and putting it back as it was before the first.

libespeak-ng 1.52 keeps three counters in function-static variables of wavegen.c that nothing in its API
resets (re-initialising, espeak_Cancel, a voice change and espeak_ng_SetRandSeed all leave them):
- `Flutter_ix` (AdvanceParameters): the read position in the pitch-flutter table, advanced every 64 samples of
  voice, so the pitch wobble a sentence gets depends on how much was voiced before it;
- `cycle_count` (Wavegen): glottal cycles so far, whose remainder picks the cycles that the voice's roughness
  weakens;
- `agc` (Wavegen): the gain that keeps a loud sample from overflowing, which recovers slowly after one (the
  first two change every sentence; this one was never seen carried over, and is put back all the same).
As counters they never settle, so no reset utterance can bring them back; being static they are not exported.
The wheel's Linux library keeps its symbol table, which names them: they are found there, checked (unique,
4 bytes, in a writable section, at their initial values right after espeak_Initialize) and written back to
those values before each synthesis. Where any check fails (another build, a stripped library, not ELF) nothing
is written and `locate` says why.
"""

from __future__ import annotations

import ctypes
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


@dataclass(frozen=True)
class Counter:
    name: str  # as in eSpeak NG's source
    initial: int  # its value before the library first speaks


COUNTERS = (Counter("Flutter_ix", 0), Counter("cycle_count", 0), Counter("agc", 256))
# exported functions whose addresses give where the library was loaded; two, so that each checks the other
_ANCHORS = ("espeak_Initialize", "espeak_Synth")

_SHT_SYMTAB = 2
_SHF_WRITE = 0x1
_SHF_ALLOC = 0x2
_STT_OBJECT = 1
_STT_FUNC = 2


class StateUnavailable(Exception):
    """The counters cannot be located safely in this library; the message says why."""


class _Symbol(NamedTuple):
    name: str
    value: int
    size: int
    kind: int
    section: int


class StateReset:
    """Writes each counter back to its initial value: call it before every synthesis."""

    def __init__(self, cells: list[tuple[ctypes.c_int, int]]) -> None:
        self._cells = cells

    def __call__(self) -> None:
        for cell, value in self._cells:
            cell.value = value


def locate(lib: ctypes.CDLL, path: str | Path) -> StateReset:
    """The counters of `lib`, loaded from `path` and initialised but not yet spoken through."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise StateUnavailable(f"cannot read {path}: {exc.strerror or exc}") from None
    symbols, writable = _elf_symbols(data)
    base = _load_base(lib, symbols)
    cells = []
    for counter in COUNTERS:
        found = [s for s in symbols if s.kind == _STT_OBJECT and _names(s.name, counter.name)]
        if len(found) != 1:
            raise StateUnavailable(f"{len(found)} writable variables named {counter.name}, expected one")
        symbol = found[0]
        if symbol.size != ctypes.sizeof(ctypes.c_int) or symbol.section not in writable:
            raise StateUnavailable(f"{symbol.name} is not a 4-byte variable in a writable section")
        cell = ctypes.c_int.from_address(base + symbol.value)
        if cell.value != counter.initial:
            raise StateUnavailable(f"{symbol.name} is {cell.value} before any synthesis, expected {counter.initial}")
        cells.append((cell, counter.initial))
    return StateReset(cells)


def _names(symbol: str, variable: str) -> bool:
    """GCC names a function-static `Flutter_ix.5965`, clang `AdvanceParameters.Flutter_ix`."""
    return variable in symbol and re.fullmatch(rf"{variable}(\.\d+)?|\w+\.{variable}", symbol) is not None


def _load_base(lib: ctypes.CDLL, symbols: list[_Symbol]) -> int:
    bases = set()
    for name in _ANCHORS:
        found = [s for s in symbols if s.name == name and s.kind == _STT_FUNC]
        if len(found) != 1:
            raise StateUnavailable(f"no single symbol for {name}")
        address = ctypes.cast(getattr(lib, name), ctypes.c_void_p).value
        bases.add(address - found[0].value)
    if len(bases) != 1:
        raise StateUnavailable("the library in memory is not the file read")
    return bases.pop()


def _elf_symbols(data: bytes) -> tuple[list[_Symbol], set[int]]:
    """From the full symbol table (.symtab, locals included) of a 64-bit little-endian ELF file: its variables
    in writable, allocated sections and the anchor functions; and the indexes of those sections."""
    if data[:4] != b"\x7fELF" or len(data) < 64:
        raise StateUnavailable("not an ELF library")
    if data[4] != 2 or data[5] != 1:
        raise StateUnavailable("not a 64-bit little-endian ELF library")
    try:
        (section_offset,) = struct.unpack_from("<Q", data, 0x28)
        entry_size, count = struct.unpack_from("<HH", data, 0x3A)
        # name, type, flags, addr, offset, size, link, info, addralign, entsize
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, section_offset + i * entry_size) for i in range(count)]
        tables = [s for s in sections if s[1] == _SHT_SYMTAB]
        if not tables:
            raise StateUnavailable("the library's symbol table was stripped")
        table = tables[0]
        if table[9] != struct.calcsize("<IBBHQQ"):
            raise StateUnavailable("a symbol table of an unknown layout")
        writable = {i for i, s in enumerate(sections) if s[2] & _SHF_WRITE and s[2] & _SHF_ALLOC}
        strings = sections[table[6]][4]
        anchors = tuple(name.encode() + b"\0" for name in _ANCHORS)
        symbols = []
        for name_at, info, _, section, value, size in struct.iter_unpack("<IBBHQQ", data[table[4]:table[4] + table[5]]):
            start, kind = strings + name_at, info & 0xF
            if kind == _STT_OBJECT and section in writable or kind == _STT_FUNC and data.startswith(anchors, start):
                name = data[start:data.index(b"\0", start)].decode("ascii", "replace")
                symbols.append(_Symbol(name, value, size, kind, section))
    except (struct.error, ValueError, IndexError, ZeroDivisionError):
        raise StateUnavailable("a damaged ELF symbol table") from None
    return symbols, writable
