"""The validated configuration as frozen dataclasses."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from connector.branding import BrandingChoices
from connector.carrier_settings import ShopCarrier
from connector.envvars import missing_named, read_named

S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class AppSettings:
    environment: str = "development"
    base_url: str = "http://127.0.0.1:8000"
    data_dir: str = "var"
    log_level: str = "INFO"
    default_locale: str = "en"
    allow_private_store_urls: bool = False
    """Let store URLs point at loopback, private and other internal addresses (see ``connector.netguard``)."""


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str = "sqlite:///var/connector.sqlite3"


@dataclass(frozen=True, slots=True)
class RedisSettings:
    url: str = ""


@dataclass(frozen=True, slots=True)
class QueueSettings:
    name: str = "returns"
    job_timeout_seconds: int = 180
    max_attempts: int = 8
    backoff_base_seconds: int = 2
    backoff_max_seconds: int = 600
    stuck_after_seconds: int = 300
    reconcile_every_seconds: int = 300
    relay_every_seconds: float = 0.2
    tracking_poll_after_seconds: int = 6 * 3600


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    max_body_bytes: int = 1_048_576


@dataclass(frozen=True, slots=True)
class PhotoSettings:
    max_bytes: int = 8 * 1024 * 1024
    """Per photo, as sent: a phone's full-resolution JPEG fits, a video renamed .jpg does not."""


@dataclass(frozen=True, slots=True)
class ShopDeclaration:
    """A shop declared in the file; ``credentials_env`` maps a credential name to an env var name."""

    platform: str
    address: str
    currency: str = "EUR"
    locale: str = "en"
    name: str = ""
    credentials_env: Mapping[str, str] = field(default_factory=dict)
    policy_file: str | None = None
    branding: BrandingChoices = field(default_factory=BrandingChoices)
    """The portal's look (``[shops.branding]``), over the neutral defaults and under what the database holds."""
    carrier: ShopCarrier | None = None
    """The shop's carrier account (``[shops.carrier]``, source ``config``), synced into the database with the
    shop; one set with ``returns-connector carriers add`` wins over it."""

    def credentials(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        return read_named(self.credentials_env, environ)

    def missing_env(self, environ: Mapping[str, str] | None = None) -> list[str]:
        return missing_named(self.credentials_env, environ)


@dataclass(frozen=True, slots=True)
class Config:
    app: AppSettings = AppSettings()
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    queue: QueueSettings = QueueSettings()
    webhooks: WebhookSettings = WebhookSettings()
    photos: PhotoSettings = PhotoSettings()
    shops: tuple[ShopDeclaration, ...] = ()
    source: Path | None = None
    sections: Mapping[str, object] = field(default_factory=dict, hash=False)
    """The platforms' own tables (``[shopify]``), by key, as each platform's ``ConfigSection`` built them. The core
    names no platform's settings: a platform reads its own through ``section``. Left out of the hash (a dict has
    none), so a config stays hashable; equality still compares them."""

    def section(self, key: str, kind: type[S]) -> S:
        """The settings of the ``[key]`` table, or ``kind()`` (its defaults) when the file has none or the config
        was built in code without it. A value of another type is a programming error, not a file's."""
        found = self.sections.get(key)
        if found is None:
            return kind()
        if not isinstance(found, kind):
            raise TypeError(f"config section {key!r} holds a {type(found).__name__}, not a {kind.__name__}")
        return found

    def with_section(self, key: str, settings: object) -> Config:
        """This config with ``[key]`` replaced (a test's or the demo's settings built in code)."""
        return replace(self, sections={**self.sections, key: settings})

    @property
    def is_production(self) -> bool:
        return self.app.environment == "production"

    @property
    def data_path(self) -> Path:
        return Path(self.app.data_dir)

    @staticmethod
    def secret(env_var: str, environ: Mapping[str, str] | None = None) -> str | None:
        env = os.environ if environ is None else environ
        return env.get(env_var) or None
