"""Station defaults from a TOML file (`broadcast.toml` in the working folder, or `--config FILE`).

Keys are the names of `produce`'s options, spelled as the Settings fields (`rate`, `sentence_pause`,
`audio_format`, `loudness`…) or as the option (`format`, `sample-rate`); they may sit at the top level or
in tables named after the option groups (`[voice]`, `[audio]`…). Values are checked exactly as the command
line would check them; they become click's defaults, so options given on the command line win.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from broadcast.errors import UsageError
from broadcast.options import suggestion

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_NAME = "broadcast.toml"
GROUPS = ("text", "voice", "audio", "subtitles", "output")
NOT_CONFIGURABLE = {"transcripts", "transcript", "config", "help", "srt_path"}
MAX_BYTES = 1_000_000  # a station's settings are a few hundred bytes


class ConfigError(UsageError):
    pass


def spelling(param: click.Parameter) -> str:
    """The key as the README and --help spell it: the long option without its dashes (`format`, `sample-rate`)."""
    longs = [o[2:] for o in param.opts if o.startswith("--")]
    return longs[0] if longs else str(param.name)


def _names(command: click.Command) -> dict[str, click.Parameter]:
    """Every spelling of each configurable option → the option."""
    names: dict[str, click.Parameter] = {}
    for param in command.params:
        if param.name in NOT_CONFIGURABLE or not isinstance(param, click.Option):
            continue
        names[param.name] = param
        for opt in param.opts:
            if opt.startswith("--"):
                names[opt[2:].replace("-", "_")] = param
    return names


def _flatten(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            if key not in GROUPS:
                raise ConfigError(f"{path}: unknown table [{key}] (tables: {', '.join(GROUPS)})")
            flat.update(value)
        else:
            flat[key] = value
    return flat


def load(path: Path | None, command: click.Command) -> dict[str, Any]:
    """Defaults for `command`'s options by option name; {} when no file is named and none is present."""
    if path is None:
        path = Path(DEFAULT_NAME)
        if not path.is_file():
            return {}
    from broadcast.files import ReadError, read_limited

    try:
        data = tomllib.loads(read_limited(path, MAX_BYTES, "a broadcast.toml").decode("utf-8"))
    except ReadError as exc:
        raise ConfigError(str(exc)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays or inline tables
        raise ConfigError(f"{path}: not valid TOML (nested too deeply)") from None
    names = _names(command)
    ctx = click.Context(command)
    defaults: dict[str, Any] = {}
    for key, value in _flatten(path, data).items():
        param = names.get(key.replace("-", "_"))
        if param is None:
            known = sorted({spelling(p) for p in names.values()})
            raise ConfigError(f"{path}: unknown setting {key!r}{suggestion(key, known)} (known: {', '.join(known)})")
        if isinstance(param.type, click.Choice) and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # sample_rate = 48000 means the choice "48000"
        if isinstance(param, click.Option) and param.is_flag and not isinstance(value, bool):
            raise ConfigError(f"{path}: {key}: {value!r} is not true or false")
        if isinstance(value, (list, dict)) and not param.multiple:
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            raise ConfigError(f"{path}: {key}: expected a single value, not {shown}")
        try:
            checked = param.type_cast_value(ctx, value)
            if param.callback is not None:
                param.callback(ctx, param, checked)
        except click.BadParameter as exc:
            raise ConfigError(f"{path}: {key}: {exc.message}") from None
        defaults[param.name] = value
    return defaults
