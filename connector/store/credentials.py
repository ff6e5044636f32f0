"""Database-backed collaborators the platform install flows need: credentials and single-use values.

Credentials are looked up by the shop's platform and address and kept encrypted (see ``crypto``).
"""

from __future__ import annotations

from collections.abc import Callable

from connector.domain.orders import Platform
from connector.store.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]


class DbCredentialStore:
    """``load/save(address)`` over the shops table; ``save`` registers the shop when it is new."""

    def __init__(
        self, uow: UnitOfWorkFactory, platform: Platform, *, currency: str = "EUR", locale: str = "en"
    ) -> None:
        self._uow = uow
        self._platform = platform
        self._currency = currency
        self._locale = locale

    def load(self, address: str) -> dict[str, str] | None:
        with self._uow() as uow:
            shop = uow.shops.find(self._platform, address)
            return None if shop is None else uow.shops.credentials(shop.id)

    def save(self, address: str, creds: dict[str, str]) -> None:
        with self._uow() as uow:
            shop = uow.shops.find(self._platform, address)
            if shop is None:
                uow.shops.add(self._platform, address, currency=self._currency, locale=self._locale, credentials=creds)
            else:
                current = uow.shops.credentials(shop.id) or {}
                uow.shops.set_credentials(shop.id, {**current, **creds})
                if not shop.active:
                    uow.shops.set_active(shop.id, True)
            uow.commit()

    def set_currency(self, address: str, currency: str) -> None:
        """The currency the shop itself reported when it was connected (the one given at creation is a guess)."""
        with self._uow() as uow:
            shop = uow.shops.find(self._platform, address)
            if shop is not None and shop.currency != currency.upper():
                uow.shops.set_currency(shop.id, currency)
                uow.commit()


class DbSingleUse:
    """OAuth ``state`` / wc-auth ``user_id``: issued once, consumed at most once, across processes."""

    def __init__(self, uow: UnitOfWorkFactory, purpose: str) -> None:
        self._uow = uow
        self._purpose = purpose

    def issue(self, subject: str = "") -> str:
        with self._uow() as uow:
            value = uow.single_use(self._purpose).issue(subject)
            uow.commit()
        return value

    def consume(self, value: str, subject: str | None = None) -> bool:
        with self._uow() as uow:
            ok = uow.single_use(self._purpose).consume(value, subject)
            uow.commit()
        return ok
