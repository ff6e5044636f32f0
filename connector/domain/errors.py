"""Domain errors: raised by the model, mapped to 4xx/409 answers by the web layer."""

from __future__ import annotations


class DomainError(Exception):
    """Base for every rule the model refuses to break."""


class InvalidReturn(DomainError):
    """A return or one of its lines breaks an invariant (quantity, currency, resolution)."""


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies were combined."""


class IllegalTransition(DomainError):
    """A status change the state machine does not allow; names the current state."""

    def __init__(self, current: str, action: str, detail: str = "") -> None:
        self.current = current
        self.action = action
        message = f"cannot {action} a return that is {current}"
        if detail:
            message = f"{message}: {detail}"
        super().__init__(message)
