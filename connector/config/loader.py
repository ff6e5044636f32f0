"""Load and validate the config file; every problem is reported with its key, file and line.

The platforms' own tables are validated against the sections they describe (``connector.config.sections``):
by default the installed platforms', or the ``sections`` a caller passes (a platform registered in code).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from connector.branding import BrandingChoices
from connector.carrier_settings import FROM_CONFIG
from connector.config.carrier_schema import carrier_from
from connector.config.locate import key_lines, line_of
from connector.config.model import (
    AppSettings,
    Config,
    DatabaseSettings,
    PhotoSettings,
    QueueSettings,
    RedisSettings,
    ShopDeclaration,
    WebhookSettings,
)
from connector.config.schema import config_schema
from connector.config.sections import ConfigSection, installed_sections

ENV_CONFIG = "RETURNS_CONNECTOR_CONFIG"


@dataclass(frozen=True, slots=True)
class Problem:
    key: str
    message: str
    file: str
    line: int | None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}"


class ConfigError(Exception):
    """The config file is invalid; ``problems`` lists each key at fault."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def default_path(environ: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if environ is None else environ
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG])
    local = Path("config.toml")
    return local if local.exists() else None


Sections = Mapping[str, ConfigSection[Any]]
"""The platforms' tables a file may have, by key; None: the installed platforms' (``installed_sections``)."""


def load_config(path: Path | str | None = None, environ: Mapping[str, str] | None = None,
                sections: Sections | None = None) -> Config:
    """Load ``path`` (or $RETURNS_CONNECTOR_CONFIG, or ./config.toml, or built-in defaults)."""
    resolved = Path(path) if path is not None else default_path(environ)
    if resolved is None:
        return _with_env(Config(), environ)
    try:
        text = resolved.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([Problem("(file)", f"cannot read: {exc.strerror}", str(resolved), None)]) from exc
    return load_config_text(text, str(resolved), environ, sections)


def load_config_text(text: str, filename: str = "<config>", environ: Mapping[str, str] | None = None,
                     sections: Sections | None = None) -> Config:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise ConfigError([Problem("(syntax)", str(exc), filename, line)]) from exc
    known = installed_sections() if sections is None else sections
    try:
        data = config_schema(known, raw).load(raw)
    except ValidationError as exc:
        lines = key_lines(text)
        problems = [
            Problem(path, message, filename, line_of(path, lines)) for path, message in error_paths(exc.messages)
        ]
        raise ConfigError(problems) from exc
    config = _build(data, Path(filename), known)
    return _with_env(config, environ)


def error_paths(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Marshmallow's nested messages as ``(dotted.key[index], message)`` pairs, sorted: how every error names its
    key (``carriers add`` names the table's keys the same way)."""
    out: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
            out.extend(error_paths(value, path))
    elif isinstance(messages, list):
        for item in messages:
            if isinstance(item, dict | list):
                out.extend(error_paths(item, prefix))
            else:
                out.append((prefix or "(root)", str(item)))
    else:
        out.append((prefix or "(root)", str(messages)))
    return sorted(out)


def _build(data: dict[str, Any], source: Path, sections: Sections) -> Config:
    shops = tuple(
        ShopDeclaration(
            platform=item["platform"],
            address=item["address"],
            currency=item.get("currency", "EUR"),
            locale=item.get("locale", "en"),
            name=item.get("name", ""),
            credentials_env=dict(item.get("credentials_env", {})),
            policy_file=item.get("policy_file"),
            branding=BrandingChoices(shop_name=item.get("name") or None, **item.get("branding", {})),
            carrier=carrier_from(item["carrier"], FROM_CONFIG) if "carrier" in item else None,
        )
        for item in data.get("shops", [])
    )
    return Config(
        app=AppSettings(**data.get("app", {})),
        database=DatabaseSettings(**data.get("database", {})),
        redis=RedisSettings(**data.get("redis", {})),
        queue=QueueSettings(**data.get("queue", {})),
        webhooks=WebhookSettings(**data.get("webhooks", {})),
        photos=PhotoSettings(**data.get("photos", {})),
        shops=shops,
        source=source,
        sections={key: section.settings_from(data[key]) if key in data else section.settings()
                  for key, section in sections.items()},
    )


def _with_env(config: Config, environ: Mapping[str, str] | None) -> Config:
    """DATABASE_URL and REDIS_URL override the file, so deployments keep secrets out of it."""
    env = os.environ if environ is None else environ
    if env.get("DATABASE_URL"):
        config = replace(config, database=DatabaseSettings(url=env["DATABASE_URL"]))
    if "REDIS_URL" in env:
        config = replace(config, redis=RedisSettings(url=env["REDIS_URL"]))
    return config
