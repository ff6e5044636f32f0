"""Sendcloud's own OpenAPI descriptions (``carriers/sendcloud/openapi/``, unchanged) as a test oracle.

``validate(prepared)`` checks one request the adapter sent (path, method, query and header parameters,
security, JSON body) with openapi-core against whichever description serves its path; ``example(...)`` reads
a documented example, so the answers the tests mock are Sendcloud's, not ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest
from openapi_core.templating.paths.exceptions import PathNotFound, ServerNotFound

FOLDER = Path(__file__).resolve().parents[3] / "carriers" / "sendcloud" / "openapi"
SERVED = (
    "sendcloud-v3-returns-openapi.yml",
    "sendcloud-v3-service-points-openapi.yml",
    "sendcloud-v3-parcel-documents-openapi.yml",
    "sendcloud-v2-parcel-documents-openapi.yml",
    "sendcloud-v3-parcel-tracking-openapi.yml",
)


@cache
def document(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((FOLDER / name).read_text(encoding="utf-8"))
    return loaded


@cache
def _openapi(name: str) -> OpenAPI:
    return OpenAPI.from_dict(document(name))


def validate(prepared: requests.PreparedRequest) -> str:
    """The description that validated the request; raises openapi-core's error when it breaks it, and
    AssertionError when no description serves its path at all."""
    wrapped = RequestsOpenAPIRequest(prepared)
    for name in SERVED:
        try:
            _openapi(name).validate_request(wrapped)
        except (PathNotFound, ServerNotFound):
            continue
        return name
    raise AssertionError(f"no Sendcloud description serves {prepared.method} {prepared.url}")


def validate_all(requests_sent: Iterable[requests.PreparedRequest]) -> list[str]:
    return [validate(prepared) for prepared in requests_sent]


def example(name: str, path: str, method: str, status: str, key: str | None = None) -> Any:
    """A documented response example: ``examples[key].value`` (the first when no key), else ``example``."""
    response = document(name)["paths"][path][method]["responses"][status]
    content = response["content"]["application/json"]
    if "examples" in content:
        examples = content["examples"]
        return examples[key or next(iter(examples))]["value"]
    return content["example"]


def request_example(name: str, key: str) -> Any:
    return document(name)["components"]["requestBodies"]["CreateReturn"]["content"]["application/json"][
        "examples"
    ][key]["value"]
