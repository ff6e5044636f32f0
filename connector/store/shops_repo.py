"""Shops and their encrypted credentials. This table is the shops themselves, so it is not shop-scoped."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from connector.domain.orders import Platform, Shop
from connector.domain.timeutil import utcnow
from connector.store.crypto import CredentialCipher
from connector.store.errors import DuplicateShop, UnknownShop
from connector.store.tables import outbox, shops, webhook_inbox


def _shop(row: Row[tuple[object, ...]]) -> Shop:
    m = row._mapping
    return Shop(
        id=m["id"],
        platform=Platform.key(m["platform"]),
        address=m["address"],
        currency=m["currency"],
        locale=m["locale"],
        name=m["name"],
        active=m["active"],
    )


class ShopRepository:
    def __init__(self, conn: Connection, cipher: CredentialCipher) -> None:
        self._conn = conn
        self._cipher = cipher

    def add(
        self,
        platform: str,
        address: str,
        *,
        currency: str = "EUR",
        locale: str = "en",
        name: str = "",
        credentials: Mapping[str, str] | None = None,
        declared_in_config: bool = False,
        shop_id: str | None = None,
    ) -> Shop:
        now = utcnow()
        values = {
            "id": shop_id or uuid.uuid4().hex,
            "platform": str(platform),
            "address": address,
            "currency": currency.upper(),
            "locale": locale,
            "name": name,
            "active": True,
            "credentials": None if credentials is None else self._cipher.encrypt(credentials),
            "declared_in_config": declared_in_config,
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(shops).values(**values))
        except IntegrityError as exc:
            raise DuplicateShop(f"{platform} shop {address} is already registered") from exc
        return self.get(values["id"])  # type: ignore[arg-type]

    def get(self, shop_id: str) -> Shop:
        shop = self.find_by_id(shop_id)
        if shop is None:
            raise UnknownShop(f"no shop {shop_id}")
        return shop

    def find_by_id(self, shop_id: str) -> Shop | None:
        row = self._conn.execute(select(shops).where(shops.c.id == shop_id)).first()
        return None if row is None else _shop(row)

    def find(self, platform: Platform | str, address: str) -> Shop | None:
        row = self._conn.execute(
            select(shops).where(shops.c.platform == str(platform), shops.c.address == address)
        ).first()
        return None if row is None else _shop(row)

    def confirm_platform_id(self, platform: Platform | str, address: str, claimed: str, *, learn: bool) -> bool:
        """Whether ``claimed`` is the id the platform knows this shop by. Unknown so far: remembered when
        ``learn`` (the same signed content also named the shop's address), else taken as it comes."""
        where = (shops.c.platform == str(platform), shops.c.address == address)
        if learn:
            self._conn.execute(
                update(shops).where(*where, shops.c.platform_shop_id.is_(None)).values(platform_shop_id=claimed)
            )
        known = self._conn.execute(select(shops.c.platform_shop_id).where(*where)).scalar()
        return known is None or known == claimed

    def list(self, *, active_only: bool = False) -> list[Shop]:
        query = select(shops).order_by(shops.c.platform, shops.c.address)
        if active_only:
            query = query.where(shops.c.active.is_(True))
        return [_shop(row) for row in self._conn.execute(query)]

    def remove(self, shop_id: str) -> None:
        """The shop and everything of it: the other tables cascade, the intake tables have no foreign key."""
        for table in (outbox, webhook_inbox):
            self._conn.execute(delete(table).where(table.c.shop_id == shop_id))
        result = self._conn.execute(delete(shops).where(shops.c.id == shop_id))
        if result.rowcount == 0:
            raise UnknownShop(f"no shop {shop_id}")

    def set_active(self, shop_id: str, active: bool) -> None:
        self._update(shop_id, active=active)

    def set_currency(self, shop_id: str, currency: str) -> None:
        self._update(shop_id, currency=currency.upper())

    def set_locale(self, shop_id: str, locale: str) -> None:
        """The shop's own language (the settings page): its customers' texts when theirs is not known."""
        self._update(shop_id, locale=locale)

    def set_credentials(self, shop_id: str, credentials: Mapping[str, str]) -> None:
        self._update(shop_id, credentials=self._cipher.encrypt(credentials))

    def clear_credentials(self, shop_id: str) -> None:
        self._update(shop_id, credentials=None)

    def credentials(self, shop_id: str) -> dict[str, str] | None:
        token = self._conn.execute(select(shops.c.credentials).where(shops.c.id == shop_id)).scalar_one_or_none()
        return None if token is None else self._cipher.decrypt(token)

    def mark_synced(self, shop_id: str, at: datetime) -> None:
        self._update(shop_id, last_synced_at=at)

    def last_synced_at(self, shop_id: str) -> datetime | None:
        value = self._conn.execute(select(shops.c.last_synced_at).where(shops.c.id == shop_id)).scalar()
        return value if isinstance(value, datetime) else None

    def rotate_keys(self) -> int:
        """Re-encrypt every stored credential under the newest key; returns how many were rewritten."""
        rows = self._conn.execute(select(shops.c.id, shops.c.credentials).where(shops.c.credentials.isnot(None)))
        count = 0
        for shop_id, token in rows.all():
            self._update(str(shop_id), credentials=self._cipher.rotate(cast(bytes, token)))
            count += 1
        return count

    def _update(self, shop_id: str, **values: object) -> None:
        result = self._conn.execute(
            update(shops).where(shops.c.id == shop_id).values(updated_at=utcnow(), **values)
        )
        if result.rowcount == 0:
            raise UnknownShop(f"no shop {shop_id}")
