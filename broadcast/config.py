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

from broadcast.errors import BroadcastError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_NAME = "broadcast.toml"
GROUPS = ("text", "voice", "audio", "subtitles", "output")
NOT_CONFIGURABLE = {"transcripts", "transcript", "config", "help", "srt_path"}


class ConfigError(BroadcastError):
    pass


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
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    names = _names(command)
    ctx = click.Context(command)
    defaults: dict[str, Any] = {}
    for key, value in _flatten(path, data).items():
        param = names.get(key.replace("-", "_"))
        if param is None:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(p.name for p in set(names.values())))})")
        if isinstance(param.type, click.Choice) and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # sample_rate = 48000 means the choice "48000"
        if isinstance(value, (list, dict)) and not param.multiple:
            raise ConfigError(f"{path}: {key}: expected a single value, not {value!r}")
        try:
            checked = param.type_cast_value(ctx, value)
            if param.callback is not None:
                param.callback(ctx, param, checked)
        except click.BadParameter as exc:
            raise ConfigError(f"{path}: {key}: {exc.message}") from None
        defaults[param.name] = value
    return defaults
