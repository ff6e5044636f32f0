"""A platform's own table of the config file (``[shopify]``), described by the platform, validated by the core.

Why a description rather than a schema field per platform: the core must load a file naming a platform it has
never heard of (issue 17: adding a platform changes no core module). Each platform hands over a
``ConfigSection`` on its ``PlatformProvider``: the table's strict schema, how the validated table becomes its
settings object, how a ``[[shops]]`` entry of that platform spells its address, and what ``config check`` should
warn about.

How the loader finds them without importing ``connector.providers`` (which imports ``connector.config``, so the
other way round would be a cycle): ``installed_sections`` reads the same entry points the providers registry
reads (``PLATFORM_PLUGIN_GROUP``) and takes each plugin's ``config_section``. A platform registered in code only
(a test's fake) is not installed, so its caller hands the loader the sections it wants
(``load_config_text(..., sections=...)``; ``connector.providers.config_sections`` lists every registered one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from marshmallow import RAISE, Schema, validate

from connector.config.model import Config
from connector.plugins import EntryPointPlugins

PLATFORM_PLUGIN_GROUP = "returns_connector.platforms"
"""The entry-point group a platform package registers its ``PROVIDER`` under (``pyproject.toml``)."""

S = TypeVar("S")

ENV_NAME = validate.Regexp(r"^[A-Z_][A-Z0-9_]*$", error="must be an environment variable name")
"""How a table names the environment variable holding a secret (shops', platforms' and carriers' alike)."""


class StrictSchema(Schema):
    """A table's schema: an unknown key is an error naming it, like every core table's."""

    class Meta:
        unknown = RAISE


class AddressSpeller(Protocol):
    """The stored spelling of a ``[[shops]]`` address of one platform, so a declared shop matches its webhooks;
    raises ``connector.errors.ConfigError`` with the reason for one the platform cannot have. ``allow_private``
    is the file's ``[app] allow_private_store_urls``. Pure: loading the file asks no DNS server."""

    def __call__(self, raw: str, *, allow_private: bool) -> str: ...


def no_warnings(_settings: Any, _config: Config) -> list[str]:
    """A section with nothing for ``config check`` to warn about."""
    return []


@dataclass(frozen=True, slots=True)
class ConfigSection(Generic[S]):
    """One platform's table: its key is both the table's name and the ``[[shops]] platform`` that selects it."""

    key: str
    schema: type[Schema]
    """Strict (``StrictSchema``); the loader nests it with ``unknown=RAISE`` whatever its own ``Meta`` says."""
    settings: type[S]
    """The typed settings; ``settings()`` (every field defaulted) is what a file without the table gets."""
    spell_address: AddressSpeller
    build: Callable[[Mapping[str, Any]], S] | None = None
    """The settings from the schema's validated table; None: ``settings(**table)`` with its arrays made tuples
    (the settings are frozen values)."""
    warnings: Callable[[S, Config], list[str]] = field(default=no_warnings)
    """What ``config check`` tells of a valid but incomplete table (a secret's env var not set)."""

    def settings_from(self, table: Mapping[str, Any]) -> S:
        if self.build is not None:
            return self.build(table)
        return self.settings(**{key: tuple(v) if isinstance(v, list) else v for key, v in table.items()})

    def settings_in(self, config: Config) -> S:
        return config.section(self.key, self.settings)

    def warnings_for(self, config: Config) -> list[str]:
        return self.warnings(self.settings_in(config), config)


@runtime_checkable
class PlatformPlugin(Protocol):
    """What the loader reads of a platform plugin's object (a ``connector.providers.PlatformProvider``)."""

    @property
    def key(self) -> str: ...
    @property
    def config_section(self) -> ConfigSection[Any] | None: ...


# A runtime-checkable protocol is a sound isinstance target: EntryPointPlugins only checks with it, never
# instantiates it, which is what mypy's type-abstract guards against.
_plugins = EntryPointPlugins(PLATFORM_PLUGIN_GROUP, PlatformPlugin)  # type: ignore[type-abstract]
"""The same entry points as ``connector.providers`` reads, each loaded object checked to carry a section."""


def installed_sections() -> Mapping[str, ConfigSection[Any]]:
    """The sections of the platforms installed as plugins, by key."""
    return {p.config_section.key: p.config_section for p in _plugins.load().values() if p.config_section is not None}
