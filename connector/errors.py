"""One error tree for everything that talks to the outside: retryable, permanent, or configuration."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base of errors raised by adapters, the store and services."""


class RetryableError(ConnectorError):
    """Try again later (throttling, 5xx, timeouts). ``retry_after`` is a hint in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OutcomeUnknown(RetryableError):
    """The request may have been applied (timeout after sending): look for its effect before retrying."""


class PermanentError(ConnectorError):
    """The shop refused the request for good (validation, not found); retrying will not help."""


class ConfigError(ConnectorError):
    """Missing or wrong credentials, scopes or settings: a human must fix the configuration."""


class NotFound(PermanentError):
    """The shop has no such resource."""
