"""Voices behind one small interface (`Engine` in base.py), created by name."""

from __future__ import annotations

import importlib

from broadcast.engines.base import Engine, EngineError, SpeechAudio

# name → "module:class"; imported only when used so start-up stays fast
ENGINES: dict[str, str] = {
    "espeak": "broadcast.engines.espeak:EspeakEngine",
    "gtts": "broadcast.engines.gtts_engine:GttsEngine",
}


def create(name: str, voice: str | None = None, rate: float = 3.3) -> Engine:
    try:
        module_name, class_name = ENGINES[name].split(":")
    except KeyError:
        raise EngineError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})") from None
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(voice=voice, rate=rate)


__all__ = ["ENGINES", "Engine", "EngineError", "SpeechAudio", "create"]
