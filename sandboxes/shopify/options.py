"""Sandbox settings (CLI flags map one-to-one onto these fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sandboxes.kit.faults import FaultConfig


@dataclass
class SandboxOptions:
    shop_domain: str = "sandbox-shop.myshopify.com"
    shop_name: str = "Sandbox Shop"
    currency: str = "EUR"
    seed: int = 1
    orders: int = 200
    products: int = 40
    api_key: str = "sandbox-api-key"
    api_secret: str = "shpss_sandbox00000000000000000000000000"  # noqa: S105 - a well-known sandbox value, not a secret
    access_token: str | None = "shpat_sandbox"  # noqa: S105 - fixed sandbox token for scripts
    bucket_size: float = 2000.0
    restore_rate: float = 100.0
    token_ttl: int = 3600
    strict_refresh_rotation: bool = False
    min_api_version: str = "2026-04"
    webhook_retry_schedule: tuple[float, ...] = (1.0, 2.0, 4.0)
    webhook_timeout: float = 5.0
    app_url: str = ""  # the embedded app's application_url, framed by /store/<name>/apps/<api key> (admin_frame)
    compliance_uri: str | None = None  # app-wide (TOML-like) subscription for the compliance topics
    faults: FaultConfig = field(default_factory=FaultConfig)
    now: datetime | None = None  # seed "now"; the wall clock when None
