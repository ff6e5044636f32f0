"""The process's resources, built once per process from the config: engine, cipher, Redis, adapters.

It imports no platform: a shop's adapter comes from its platform's provider, which the plugin registry
(``connector.providers``) finds. The wiring at the top (``wiring/``) builds one and hands it to the entry points.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from redis import Redis
from sqlalchemy import Engine

from connector.adapter_cache import AdapterCache, credentials_fingerprint
from connector.carriers_registry import carrier_provider
from connector.config.model import Config
from connector.domain.orders import Shop
from connector.domain.timeutil import utcnow
from connector.photos.local import LocalPhotoStore
from connector.photos.ports import PhotoStore
from connector.ports import CarrierAdapter, ShopAdapter
from connector.providers import AdapterFactory, Capability, PlatformProvider, provider_for
from connector.shipping_texts import LabelTexts
from connector.store.crypto import CredentialCipher
from connector.store.engine import make_engine
from connector.store.uow import UnitOfWork

log = logging.getLogger("connector.bootstrap")


@dataclass
class Container:
    """The process-wide collaborators; cheap to build, connections opened lazily."""

    config: Config
    _cipher: CredentialCipher | None = field(default=None, repr=False)
    clock: Callable[[], datetime] = utcnow
    adapter_factory: AdapterFactory | None = None
    """Builds every shop's adapter when set (a test's fake shop); otherwise the shop's platform provider does."""
    _adapters: AdapterCache = field(default_factory=AdapterCache, repr=False)
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    carrier_factory: Callable[[Shop], CarrierAdapter | None] | None = None
    """Builds every shop's carrier when set (a test's fake carrier); otherwise the shop's stored account does."""
    _carriers: dict[str, tuple[tuple[str, str], CarrierAdapter]] = field(default_factory=dict, repr=False)
    _carrier_guard: threading.Lock = field(default_factory=threading.Lock, repr=False)
    label_texts: LabelTexts | None = None
    """A label's words and signed links (``connector.pages.labels.PageLabelTexts``): set by whoever builds the
    process (the web app, the CLI, the worker), since the pages that make them cannot be imported from here."""

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.config.database.url)

    def on_close(self, closer: Callable[[], None]) -> None:
        """Something opened on the container's behalf (a connection of its own) that ``close`` must close."""
        self._closers.append(closer)

    @property
    def cipher(self) -> CredentialCipher:
        if self._cipher is None:
            dev_key = None if self.config.is_production else self.config.data_path / "secret.key"
            self._cipher = CredentialCipher.from_env(dev_key_file=dev_key)
        return self._cipher

    @cached_property
    def redis(self) -> Redis | None:
        url = self.config.redis.url
        if not url:
            return None
        return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.cipher)

    @cached_property
    def photos(self) -> PhotoStore:
        return LocalPhotoStore(self.config.data_path / "photos")

    def adapter_for(self, uow: UnitOfWork, shop: Shop) -> ShopAdapter | None:
        """The shop's adapter, built from its stored credentials; None when it has none yet."""
        credentials = uow.shops.credentials(shop.id)
        if not credentials:
            return None
        if self.adapter_factory is not None:
            return self.adapter_factory(self, shop, credentials)
        factory = self.provider_for(shop.platform).adapter_factory
        return self._adapters.get_or_build(shop.id, credentials, lambda: factory(self, shop, credentials))

    def carrier_for(self, uow: UnitOfWork, shop: Shop) -> CarrierAdapter | None:
        """The shop's carrier adapter, built from its stored account and the credentials its environment
        variables hold; None when the shop has no carrier. Reused while the account and credentials are unchanged,
        so its HTTP pool is reused too."""
        if self.carrier_factory is not None:
            return self.carrier_factory(shop)
        account = uow.carriers(shop.id).get()
        if account is None:
            return None
        credentials = account.credentials()
        fingerprint = credentials_fingerprint({**credentials, "_": json.dumps(dict(account.settings), sort_keys=True)})
        with self._carrier_guard:
            cached = self._carriers.get(shop.id)
            if cached is not None and cached[0] == (account.carrier, fingerprint):
                return cached[1]
        adapter = carrier_provider(account.carrier).adapter_factory(account.options, credentials)
        with self._carrier_guard:
            self._carriers[shop.id] = ((account.carrier, fingerprint), adapter)
        return adapter

    def provider_for(self, platform: str) -> PlatformProvider:
        """The platform's provider, from the plugins installed (``connector.providers``)."""
        return provider_for(platform)

    def capable(self, shop: Shop, capability: Capability) -> bool:
        """Whether the shop's platform can do this: the core asks this, never which platform the shop is on."""
        return self.provider_for(shop.platform).has(capability)

    def close(self) -> None:
        for closer in self._closers:
            closer()
        if "engine" in self.__dict__:
            self.engine.dispose()
        if "redis" in self.__dict__ and self.redis is not None:
            self.redis.close()
