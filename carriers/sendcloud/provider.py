"""Sendcloud's description of itself, registered under the ``returns_connector.carriers`` entry point.

Credentials come from environment variables, as for shops: the wiring layer reads them and hands them in as
``public_key``, ``secret_key`` and (optional) ``webhook_signature_key``; a section may instead name the
variables itself (``public_key_env``, ``secret_key_env``, ``webhook_signature_key_env``). ``base_url`` points
the adapter at the sandbox carrier in tests and the demo.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from carriers.sendcloud.adapter import SendcloudCarrier
from carriers.sendcloud.client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, SendcloudClient
from carriers.sendcloud.settings import CAPABILITIES, KEY, SendcloudSettings
from connector.carriers_registry import CarrierProvider
from connector.errors import ConfigError
from connector.ports import CarrierAdapter


def _credential(name: str, section: Mapping[str, Any], credentials: Mapping[str, str]) -> str:
    if credentials.get(name):
        return credentials[name]
    variable = section.get(f"{name}_env")
    return os.environ.get(str(variable), "") if variable else ""


def build(section: Mapping[str, Any], credentials: Mapping[str, str]) -> CarrierAdapter:
    public_key = _credential("public_key", section, credentials)
    secret_key = _credential("secret_key", section, credentials)
    if not public_key or not secret_key:
        raise ConfigError("Sendcloud needs its Public Key and Secret Key (public_key_env, secret_key_env)")
    timeout = (
        float(section.get("connect_timeout_s", DEFAULT_TIMEOUT[0])),
        float(section.get("read_timeout_s", DEFAULT_TIMEOUT[1])),
    )
    client = SendcloudClient(
        public_key, secret_key, base_url=str(section.get("base_url", DEFAULT_BASE_URL)), timeout=timeout
    )
    webhook_secret = _credential("webhook_signature_key", section, credentials) or secret_key
    return SendcloudCarrier(client, SendcloudSettings.from_section(section), webhook_secret)


PROVIDER = CarrierProvider(key=KEY, adapter_factory=build, capabilities=CAPABILITIES)
