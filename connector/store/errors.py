"""Store errors."""

from __future__ import annotations

from connector.errors import ConnectorError


class ConcurrentUpdate(ConnectorError):
    """Someone else saved this return since we loaded it; reload and try again."""


class UnknownShop(ConnectorError):
    """No shop with that id or address."""


class DuplicateShop(ConnectorError):
    """A shop with that platform and address already exists."""
