"""Unit of work: one transaction, the repositories bound to it, rollback unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from connector.store.actions_repo import ActionRepository
from connector.store.apikeys_repo import ApiKeyRepository
from connector.store.branding_repo import BrandingRepository
from connector.store.carriers_repo import CarrierRepository
from connector.store.crypto import CredentialCipher
from connector.store.draft_photos_repo import DraftPhotoRepository
from connector.store.idempotency_repo import IdempotencyRepository
from connector.store.inbox_repo import InboxRepository
from connector.store.orders_repo import OrderSnapshotRepository
from connector.store.outbox_repo import Outbox
from connector.store.photos_repo import PhotoRepository
from connector.store.policies_repo import PolicyRepository
from connector.store.returns_repo import ReturnRepository
from connector.store.shipments_repo import ShipmentRepository
from connector.store.shops_repo import ShopRepository
from connector.store.states_repo import SingleUseValues


class UnitOfWork:
    """``with UnitOfWork(engine, cipher) as uow: ...; uow.commit()``."""

    def __init__(self, engine: Engine, cipher: CredentialCipher) -> None:
        self._engine = engine
        self._cipher = cipher
        self._conn: Connection | None = None
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self._conn = self._engine.connect()
        self._conn.begin()
        self._committed = False
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn = self.connection
        try:
            if not self._committed:
                conn.rollback()
        finally:
            conn.close()
            self._conn = None

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work is not open")
        return self._conn

    def commit(self) -> None:
        self.connection.commit()
        self._committed = True

    def rollback(self) -> None:
        self.connection.rollback()

    @property
    def shops(self) -> ShopRepository:
        return ShopRepository(self.connection, self._cipher)

    def returns(self, shop_id: str) -> ReturnRepository:
        return ReturnRepository(self.connection, shop_id)

    def orders(self, shop_id: str) -> OrderSnapshotRepository:
        return OrderSnapshotRepository(self.connection, shop_id)

    def actions(self, shop_id: str) -> ActionRepository:
        return ActionRepository(self.connection, shop_id)

    def carriers(self, shop_id: str) -> CarrierRepository:
        return CarrierRepository(self.connection, shop_id)

    def shipments(self, shop_id: str) -> ShipmentRepository:
        return ShipmentRepository(self.connection, shop_id)

    def branding(self, shop_id: str) -> BrandingRepository:
        return BrandingRepository(self.connection, shop_id)

    def photos(self, shop_id: str) -> PhotoRepository:
        return PhotoRepository(self.connection, shop_id)

    @property
    def draft_photos(self) -> DraftPhotoRepository:
        return DraftPhotoRepository(self.connection)

    def policies(self, shop_id: str) -> PolicyRepository:
        return PolicyRepository(self.connection, shop_id)

    @property
    def outbox(self) -> Outbox:
        return Outbox(self.connection)

    @property
    def inbox(self) -> InboxRepository:
        return InboxRepository(self.connection)

    def single_use(self, purpose: str) -> SingleUseValues:
        return SingleUseValues(self.connection, purpose)

    @property
    def api_keys(self) -> ApiKeyRepository:
        return ApiKeyRepository(self.connection)

    def idempotency(self, shop_id: str) -> IdempotencyRepository:
        return IdempotencyRepository(self.connection, shop_id)
