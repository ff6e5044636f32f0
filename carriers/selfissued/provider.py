"""The self-issued carrier's description of itself, registered under the ``returns_connector.carriers``
entry point (``pyproject.toml``). It needs no configuration and no credentials: there is no account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from carriers.selfissued.adapter import CAPABILITIES, KEY, SelfIssuedCarrier
from connector.carriers_registry import CarrierProvider
from connector.ports import CarrierAdapter


def _build(_section: Mapping[str, Any], _credentials: Mapping[str, str]) -> CarrierAdapter:
    return SelfIssuedCarrier()


PROVIDER = CarrierProvider(key=KEY, adapter_factory=_build, capabilities=CAPABILITIES)
