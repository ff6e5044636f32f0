"""The packages installed as plugins under one entry-point group, shared by the registries that the platform and
carrier packages fill (``connector.providers``, ``connector.carriers_registry``).

Why one module: both registries find their packages the same way, and the details are easy to get subtly wrong
twice: entry points are read once per process (reading them scans every installed distribution), under a lock
(two threads of a web worker may ask first at once), and each entry is checked to be the registry's kind of
provider, so a mistyped entry point fails at startup with its name rather than later at some attribute.

Why the plugins are held apart from what code registers: a test that swaps a registry's registered dict and
restores it afterwards must not drop the installed plugins for the rest of the process. A registry keeps its
code-registered entries itself and passes them in; they come first, so a test's fake replaces a plugin of the
same key.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Generic, Protocol, TypeVar

from connector.errors import ConfigError


class Keyed(Protocol):
    """What a registry holds: a provider known by its key."""

    @property
    def key(self) -> str: ...


P = TypeVar("P", bound=Keyed)


class EntryPointPlugins(Generic[P]):
    """The providers of type ``kind`` registered under the entry-point group ``group``, by key, loaded on first
    use; the first of two entries with the same key is kept."""

    def __init__(self, group: str, kind: type[P]) -> None:
        self.group = group
        self.kind = kind
        self._found: dict[str, P] | None = None
        self._guard = threading.Lock()

    def load(self) -> Mapping[str, P]:
        """Every plugin of the group, loaded on the first call of the process. Raises ``ConfigError`` for an entry
        that is not a ``kind`` (and loads again on the next call, which raises again)."""
        found = self._found
        if found is not None:  # loaded: no lock on the path every lookup takes
            return found
        with self._guard:
            if self._found is None:
                loading: dict[str, P] = {}
                for entry in entry_points(group=self.group):
                    provider = entry.load()
                    if not isinstance(provider, self.kind):
                        raise ConfigError(
                            f"plugin {entry.name} ({entry.value}) of {self.group} is not a {self.kind.__name__}"
                        )
                    loading.setdefault(provider.key, provider)
                self._found = loading
            return self._found

    def lookup(self, registered: Mapping[str, P], key: str) -> P | None:
        """The provider of ``key``: the one registered in code if any, else the plugin."""
        return registered.get(key) or self.load().get(key)

    def everything(self, registered: Mapping[str, P]) -> tuple[P, ...]:
        """Every provider, each key once, the one registered in code replacing the plugin of its key."""
        return tuple({**self.load(), **registered}.values())
