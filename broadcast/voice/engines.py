"""Voices behind one small interface (`Engine` in base.py), created by name."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from broadcast.voice.base import Engine, EngineError, SpeechAudio

# name → "module:class"; imported only when used so start-up stays fast
ENGINES: dict[str, str] = {
    "espeak": "broadcast.voice.espeak:EspeakEngine",
    "gtts": "broadcast.voice.gtts_engine:GttsEngine",
}


def create(name: str, voice: str | None = None, rate: float = 3.3, **options: Any) -> Engine:
    """The engine called `name`; `options` it does not take (e.g. concurrency for an offline voice) are dropped."""
    try:
        module_name, class_name = ENGINES[name].split(":")
    except KeyError:
        raise EngineError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})") from None
    cls = getattr(importlib.import_module(module_name), class_name)
    accepted = inspect.signature(cls).parameters
    return cls(voice=voice, rate=rate, **{k: v for k, v in options.items() if k in accepted})


__all__ = ["ENGINES", "Engine", "EngineError", "SpeechAudio", "create"]
