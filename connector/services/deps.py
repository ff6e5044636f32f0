"""What the use cases receive from the entry point that calls them, and nothing more.

A use case is handed these collaborators; it never fetches them from a process-wide container. The entry
points (API views, jobs, the CLI) pass the process's ``connector.bootstrap.Container``, which has exactly these
members; a test passes whatever fake it likes. Keeping the list short keeps the services honest about what
they touch: the store through a unit of work, the shop through its adapter (a port), the platform's
capabilities through its provider, the time through a clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from connector.config.model import Config
from connector.domain.orders import Shop
from connector.photos.ports import PhotoStore
from connector.ports import CarrierAdapter, ShopAdapter
from connector.providers import Capability, PlatformProvider
from connector.shipping_texts import LabelTexts
from connector.store.uow import UnitOfWork


class Deps(Protocol):
    @property
    def config(self) -> Config:
        """The settings the use cases read: declared shops, queue timings, the shops' policies' defaults."""

    @property
    def clock(self) -> Callable[[], datetime]:
        """Now, timezone-aware UTC; a test's clock moves time."""

    def uow(self) -> UnitOfWork:
        """A fresh unit of work: one transaction, committed explicitly."""

    def adapter_for(self, uow: UnitOfWork, shop: Shop) -> ShopAdapter | None:
        """The shop's adapter (the port to its platform), None while it has no credentials."""

    def carrier_for(self, uow: UnitOfWork, shop: Shop) -> CarrierAdapter | None:
        """The shop's carrier (the port to its labels, relay points and tracking), None when it has none."""

    @property
    def label_texts(self) -> LabelTexts | None:
        """A label's words and signed links (``connector.shipping_texts``); None where the process set none."""

    def provider_for(self, platform: str) -> PlatformProvider:
        """The platform's provider, for what differs by platform."""

    def capable(self, shop: Shop, capability: Capability) -> bool:
        """Whether the shop's platform can do this: the services ask this, never which platform it is."""

    @property
    def photos(self) -> PhotoStore:
        """Where customers' photos are kept: files under the data directory unless a deployment says otherwise."""
