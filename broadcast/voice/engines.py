"""Voices behind one small interface (`Engine` in base.py), created by name."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from broadcast.voice.base import Engine, EngineError, SpeechAudio, VoiceInfo

# name → "module:class"; imported only when used so start-up stays fast
ENGINES: dict[str, str] = {
    "espeak": "broadcast.voice.espeak:EspeakEngine",
    "gtts": "broadcast.voice.gtts_engine:GttsEngine",
}


def engine_class(name: str) -> Any:
    """The class of the engine called `name` (imported now)."""
    try:
        module_name, class_name = ENGINES[name].split(":")
    except KeyError:
        raise EngineError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})") from None
    return getattr(importlib.import_module(module_name), class_name)


def voices(name: str) -> list[VoiceInfo]:
    """The Vietnamese voices of the engine called `name`."""
    return engine_class(name).voices()


def resolve_voice(name: str, voice: str | None) -> str:
    """The voice the engine `name` will use for `voice` (its default for None); EngineError names the choices."""
    return engine_class(name).resolve_voice(voice)


def create(name: str, voice: str | None = None, rate: float = 3.3, **options: Any) -> Engine:
    """The engine called `name`; `options` it does not take (e.g. concurrency for an offline voice) are dropped."""
    cls = engine_class(name)
    accepted = inspect.signature(cls).parameters
    return cls(voice=cls.resolve_voice(voice), rate=rate, **{k: v for k, v in options.items() if k in accepted})


def voice_error(engine: str, voice: str, choices: list[VoiceInfo]) -> EngineError:
    """The one-line refusal of a voice an engine does not have."""
    names = ", ".join(v.name for v in choices)
    return EngineError(f"--voice {voice!r} is not a Vietnamese voice of {engine} (choose from: {names})")


__all__ = ["ENGINES", "Engine", "EngineError", "SpeechAudio", "VoiceInfo", "create", "engine_class", "resolve_voice",
           "voice_error", "voices"]
