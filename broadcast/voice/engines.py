"""Voices behind one small interface (`Engine` in base.py), found by name in the entry-point group
`broadcast.engines`.

Another package adds an engine without touching this project by declaring, in its pyproject.toml,

    [project.entry-points."broadcast.engines"]
    myvoice = "my_package.module:MyEngine"

The built-in engines are declared the same way in broadcast's own pyproject.toml; they are also listed in
`BUILTIN` so that a source checkout that was never installed still finds them, and a plugin cannot take a
built-in name. Nothing is imported until an engine is used, so start-up stays fast.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from broadcast.voice.base import Engine, EngineError, SpeechAudio, VoiceInfo

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "broadcast.engines"

BUILTIN: dict[str, str] = {
    "espeak": "broadcast.voice.espeak:EspeakEngine",
    "gtts": "broadcast.voice.gtts_engine:GttsEngine",
    "edge": "broadcast.voice.edge_engine:EdgeEngine",
    "piper": "broadcast.voice.piper_engine:PiperEngine",
}
ENGINES = BUILTIN  # the built-in names, in the order `broadcast voices` lists them

_REQUIRED = ("voices", "resolve_voice", "synthesize")


@dataclass(frozen=True)
class Registered:
    """An engine the registry knows: where its class is, and which package declared it (None: built in)."""

    entry_point: EntryPoint
    package: str | None = None

    @property
    def name(self) -> str:
        return self.entry_point.name

    @property
    def origin(self) -> str:
        return "built in" if self.package is None else f"plugin from {self.package}"


_registry: dict[str, Registered] | None = None


def registry() -> dict[str, Registered]:
    """Every engine by name: the built-in ones first, then plugins' in name order (read once per process)."""
    global _registry
    if _registry is None:
        from importlib.metadata import EntryPoint, entry_points

        found = {name: Registered(EntryPoint(name, target, ENTRY_POINT_GROUP)) for name, target in BUILTIN.items()}
        plugins = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: (ep.name, _package(ep) or ""))
        for ep in plugins:
            if ep.name not in found:  # built-in names stay built in; of two plugins with one name, the first
                found[ep.name] = Registered(ep, _package(ep) or "an unnamed package")
        _registry = found
    return _registry


def forget() -> None:
    """Read the entry points again on next use (after installing a plugin in a running process; tests)."""
    global _registry
    _registry = None


def names() -> list[str]:
    return list(registry())


def is_engine(name: str) -> bool:
    """Whether `name` is an engine of the registry; a built-in name is known without reading every installed
    package's entry points (a plugin cannot take it; reading them costs 30 ms of each run)."""
    return name in BUILTIN or name in registry()


def _package(ep: EntryPoint) -> str | None:
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else None


def engine_class(name: str) -> Any:
    """The class of the engine called `name` (imported now). A built-in name is found without reading every
    installed package's entry points (a plugin cannot take it; reading them costs 30 ms of each run)."""
    if name in BUILTIN:
        origin = "built in"
        module, _, attr = BUILTIN[name].partition(":")
        load: Callable[[], Any] = lambda: getattr(importlib.import_module(module), attr)  # noqa: E731
    else:
        known = registry()
        if name not in known:
            raise EngineError(f"unknown engine {name!r} (known: {', '.join(known)})")
        origin, load = known[name].origin, known[name].entry_point.load
    try:
        cls = load()
    except Exception as exc:  # a plugin's import can fail in any way; say which and go on
        raise EngineError(f"engine {name!r} ({origin}) cannot be loaded: {type(exc).__name__}: {exc}") from None
    missing = [attr for attr in _REQUIRED if not callable(getattr(cls, attr, None))]
    if missing:
        raise EngineError(f"engine {name!r} ({origin}) is not a broadcast engine: it has no {', '.join(missing)}")
    return cls


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
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    return cls(voice=cls.resolve_voice(voice), rate=rate,
               **{k: v for k, v in options.items() if takes_any or k in accepted})


def check_fallbacks(engine: str, fallbacks: Sequence[str]) -> None:
    """Refuse a fallback list that names the engine itself or an engine twice, or whose default voice is
    missing (a Piper fallback with no voice installed), before any work starts."""
    seen: set[str] = set()
    for name in fallbacks:
        if name == engine:
            raise EngineError(f"--fallback {name}: that is the --engine itself (fall back to another engine)")
        if name in seen:
            raise EngineError(f"--fallback {name}: named twice")
        seen.add(name)
        try:
            resolve_voice(name, None)
        except EngineError as exc:
            raise EngineError(f"--fallback {name}: {exc}") from None


def voice_error(engine: str, voice: str, choices: list[VoiceInfo]) -> EngineError:
    """The one-line refusal of a voice an engine does not have."""
    names = ", ".join(v.name for v in choices)
    return EngineError(f"--voice {voice!r} is not a Vietnamese voice of {engine} (choose from: {names})")


__all__ = ["BUILTIN", "ENGINES", "ENTRY_POINT_GROUP", "Engine", "EngineError", "Registered", "SpeechAudio",
           "VoiceInfo", "check_fallbacks", "create", "engine_class", "forget", "names", "registry",
           "resolve_voice", "voice_error", "voices"]
