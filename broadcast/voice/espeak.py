"""The offline voice: eSpeak NG from the espeakng-loader wheel, driven through ctypes.

The library keeps all its state in globals, so every call goes through one process-wide lock; use
processes, not threads, for parallel synthesis. Some of that state outlives a call (see espeak_state): it is
put back as it was before the first call, so a sentence's audio depends on its text, voice and rate only.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

from broadcast.voice import espeak_state
from broadcast.voice.base import EngineError, SpeechAudio, VoiceInfo, join_parts

SAMPLE_RATE = 22050

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # without it a bad data path makes the library call exit(1)
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_PARAM_RATE = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_SENTENCE = 2
_EVENT_END = 5
_EVENT_MSG_TERMINATED = 6

# eSpeak's rate is in words per minute, and a Vietnamese "word" to eSpeak is one syllable; the factor
# was measured on the seed (42.4–43.2 over 150–260 wpm) so that --rate means syllables per second.
_WPM_PER_SYLLABLE_PER_SECOND = 42.9

# spoken twice at load, the state reset between: the same samples both times, or the reset is not trusted
_PROBE = ("Bản tin thời sự tối nay.", "vi", 175)


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class WordEvent:
    text_position: int  # 0-based code point offset into the text passed to synth
    sample: int  # sample offset from the start of the call


class _Library:
    """The loaded library, initialised once per process."""

    _lock = threading.Lock()
    _instance: "_Library | None" = None

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise EngineError("espeakng-loader is not installed (pip install espeakng-loader)") from exc
        try:
            library_path = espeakng_loader.get_library_path()
            self.lib = ctypes.CDLL(library_path)
            data_path = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise EngineError(f"cannot load eSpeak NG: {exc}") from exc
        lib = self.lib
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_Callback]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise EngineError(f"eSpeak NG could not initialise with data at {data_path}")
        self.sample_rate = rate
        self.version = (lib.espeak_Info(None) or b"?").decode()
        self._samples: list[bytes] = []
        self._events: list[WordEvent] = []
        self._callback = _Callback(self._on_audio)  # kept referenced: the library holds the pointer
        lib.espeak_SetSynthCallback(self._callback)
        self._voice: bytes | None = None
        self._reset: espeak_state.StateReset | None = None
        self.state_carried = ""  # why a sentence may depend on the ones before it, or "" when it cannot
        try:
            self._reset = espeak_state.locate(lib, library_path)
            if self._synth(*_PROBE) != self._synth(*_PROBE):
                raise espeak_state.StateUnavailable("resetting its counters did not make a sentence repeat")
        except (espeak_state.StateUnavailable, EngineError) as exc:
            self._reset, self.state_carried = None, str(exc)

    @classmethod
    def get(cls) -> "_Library":
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _on_audio(self, wav, n_samples, events) -> int:
        if n_samples > 0 and wav:
            self._samples.append(ctypes.string_at(wav, n_samples * 2))
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            event = events[i]
            if event.type == _EVENT_WORD:
                self._events.append(WordEvent(event.text_position - 1, event.sample))
            i += 1
        return 0

    def synth(self, text: str, voice: str, words_per_minute: int) -> tuple[bytes, list[WordEvent]]:
        with self._lock:
            return self._synth(text, voice, words_per_minute)

    def _synth(self, text: str, voice: str, words_per_minute: int) -> tuple[bytes, list[WordEvent]]:
        if self._voice != voice.encode():
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise EngineError(f"eSpeak NG has no voice {voice!r}")
            self._voice = voice.encode()
        self.lib.espeak_SetParameter(_PARAM_RATE, words_per_minute, 0)
        self._samples, self._events = [], []
        if self._reset is not None:
            self._reset()
        data = text.encode("utf-8") + b"\0"
        status = self.lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if status != 0:
            raise EngineError(f"eSpeak NG failed to synthesize (status {status})")
        return b"".join(self._samples), self._events


class EspeakEngine:
    """eSpeak NG, offline. `rate` is in syllables per second."""

    name = "espeak"
    default_voice = "vi"
    summary = "eSpeak NG, offline formant voice (robotic, always available)"
    needs = "nothing: offline, installed with broadcast"
    VOICES = (
        VoiceInfo("vi", "Vietnamese, northern (Hà Nội)", needs),
        VoiceInfo("vi-VN-x-central", "Vietnamese, central (Huế)", needs),
        VoiceInfo("vi-VN-x-south", "Vietnamese, southern (Sài Gòn)", needs),
    )

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        return list(cls.VOICES)

    @classmethod
    def resolve_voice(cls, voice: str | None) -> str:
        if voice is None:
            return cls.default_voice
        if voice not in {v.name for v in cls.VOICES}:
            from broadcast.voice.engines import voice_error

            raise voice_error(cls.name, voice, cls.voices())
        return voice

    def __init__(self, voice: str | None = None, rate: float = 3.3) -> None:
        self.voice = self.resolve_voice(voice)
        self.rate = rate
        self._library = _Library.get()
        self.version = f"espeak-ng {self._library.version}"
        if self._library.state_carried:  # kept apart in the cache from audio that depends on the text alone
            self.version += " (sentences depend on the ones before)"

    def synthesize(self, parts: list[str]) -> SpeechAudio:
        text, part_starts = join_parts(parts)
        wpm = max(80, min(450, round(self.rate * _WPM_PER_SYLLABLE_PER_SECOND)))
        pcm, events = self._library.synth(text, self.voice, wpm)
        return SpeechAudio.from_word_events(pcm, self._library.sample_rate, part_starts, events)
