"""What `broadcast voices` prints: every engine of the registry with its Vietnamese voices and what each needs.
Nothing here uses the network; an engine that cannot be loaded is listed with the reason."""

from __future__ import annotations

import os

from broadcast.voice import engines
from broadcast.voice.base import EngineError


def lines(only: str | None = None) -> list[str]:
    out: list[str] = []
    for name, entry in engines.registry().items():
        if only is not None and name != only:
            continue
        if out:
            out.append("")
        try:
            cls = engines.engine_class(name)
        except EngineError as exc:
            out.append(f"{name}  ({entry.origin})")
            out.append(f"  cannot be used: {exc}")
            continue
        out.append(f"{name}  {getattr(cls, 'summary', '')}  ({entry.origin})".replace("    ", "  "))
        needs = getattr(cls, "needs", "")
        if needs:
            out.append(f"  needs: {needs}")
        out.extend(_extra(name))
        try:
            default = cls.resolve_voice(None)
        except EngineError:
            default = None
        voices = cls.voices()
        if not voices:
            out.append("  (no voices installed)")
        width = max((len(v.name) for v in voices), default=0)
        for voice in voices:
            marks = [voice.description]
            if voice.needs and voice.needs != needs:
                marks.append(f"needs {voice.needs}")
            if voice.file:
                marks.append(voice.file)
            if default is not None and default in (voice.name, voice.file):
                marks.append("[default]")
            out.append(f"  {voice.name:<{width}}  " + "  ".join(marks))
    return out


def _extra(name: str) -> list[str]:
    """Lines only one engine has: where Piper voices are looked for, whether its runtime is installed, and
    how edge's --rate is mapped."""
    if name == "piper":
        from broadcast.voice import piper_engine

        folder = piper_engine.voices_folder()
        where = f"${piper_engine.ENV_VAR}" if os.environ.get(piper_engine.ENV_VAR) else "default"
        extra = [f"  voices folder: {folder} ({where}; --voice NAME finds NAME.onnx there)"]
        try:
            extra.append(f"  runtime: piper-tts {piper_engine._runtime_version()}")
        except EngineError as exc:
            extra.append(f"  runtime: not installed ({exc})")
        return extra
    if name == "edge":
        from broadcast.voice import edge_engine

        paces = ", ".join(f"{r:g}" for r in sorted(set(edge_engine.NATURAL_RATE.values())))
        state = "measured" if edge_engine.RATE_CALIBRATED else "assumed, not measured yet: bench/edge_rate.py"
        return [f"  --rate: the service's +0% taken as {paces} syllables/s ({state})",
                "  voices: the Vietnamese ones broadcast knows, listed without the network "
                "(the service's own list: edge-tts --list-voices)"]
    return []
