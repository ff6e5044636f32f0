"""Which carrier account each shop uses (``connector.carrier_settings.ShopCarrier``): one row per shop."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from connector.carrier_settings import ShopCarrier
from connector.store.logistics_tables import shop_carriers


class CarrierRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        self._conn = conn
        self.shop_id = shop_id

    def get(self) -> ShopCarrier | None:
        row = self._conn.execute(select(shop_carriers).where(shop_carriers.c.shop_id == self.shop_id)).first()
        if row is None:
            return None
        m = row._mapping
        return ShopCarrier(m["carrier"], dict(m["settings"]), dict(m["credentials_env"]), m["source"])

    def put(self, carrier: ShopCarrier, at: datetime) -> None:
        """Replace the shop's carrier account."""
        self.remove()
        self._conn.execute(
            insert(shop_carriers).values(
                shop_id=self.shop_id,
                carrier=carrier.carrier,
                settings=dict(carrier.settings),
                credentials_env=dict(carrier.credentials_env),
                source=carrier.source,
                updated_at=at,
            )
        )

    def remove(self) -> None:
        self._conn.execute(delete(shop_carriers).where(shop_carriers.c.shop_id == self.shop_id))
