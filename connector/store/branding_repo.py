"""A shop's portal look as set through the app: one row per shop, NULL where the shop set nothing."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from connector.branding import BrandingChoices, InvalidBranding
from connector.store.tables import shop_branding

log = logging.getLogger("connector.branding")

_COLUMNS = ("shop_name", "logo_url", "accent_colour", "policy_url", "contact_url")


class BrandingRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        self._conn = conn
        self.shop_id = shop_id

    def get(self) -> BrandingChoices:
        """What the shop set, each value checked again on the way out: one that fails (written by hand, or
        from before a check was tightened) is left out and logged, so the portal falls back instead of failing."""
        row = self._conn.execute(select(shop_branding).where(shop_branding.c.shop_id == self.shop_id)).first()
        if row is None:
            return BrandingChoices()
        kept: dict[str, str] = {}
        for name in _COLUMNS:
            value = row._mapping[name]
            if value is None:
                continue
            try:
                BrandingChoices(**{name: value})
            except InvalidBranding as exc:
                log.warning("branding.stored-value-refused", extra={"shop": self.shop_id, "problem": str(exc)})
                continue
            kept[name] = value
        return BrandingChoices(**kept)

    def put(self, choices: BrandingChoices, at: datetime) -> None:
        """Replace what the shop set; an all-None ``choices`` forgets it (back to the config and defaults)."""
        self._conn.execute(delete(shop_branding).where(shop_branding.c.shop_id == self.shop_id))
        values = asdict(choices)
        if any(values[name] is not None for name in _COLUMNS):
            self._conn.execute(insert(shop_branding).values(shop_id=self.shop_id, updated_at=at, **values))
