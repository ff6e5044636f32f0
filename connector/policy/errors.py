"""Policy configuration errors name the source (file or shop) and every bad key path."""

from __future__ import annotations

from collections.abc import Sequence

from connector.errors import ConfigError


class PolicyError(ConfigError):
    """An invalid policy document; ``errors`` holds one ``key.path: message`` line per problem."""

    def __init__(self, source: str, errors: Sequence[str]) -> None:
        self.source = source
        self.errors = tuple(errors)
        super().__init__(f"{source}: " + "; ".join(self.errors))
