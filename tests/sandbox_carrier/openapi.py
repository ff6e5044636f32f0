"""Validate what the sandbox carrier says against Sendcloud's committed OpenAPI descriptions.

Every response goes through :func:`check_response`: the operation is found by method and path among the
descriptions in ``carriers/sendcloud/openapi/`` (server prefix ``/api/v3`` or ``/api/v2``), and the body is
validated (JSON Schema 2020-12, formats checked) against the schema described for that status, following
``$ref`` inside the file. A status the operation does not describe must still be one of the descriptions'
error shapes. Webhook bodies go through :func:`check_webhook`. Any divergence raises, so the test fails.

``ERRATA`` lists the only places where the descriptions contradict themselves and the schema is widened to
the description's own example; nothing else is patched.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

OPENAPI_DIR: Final = Path(__file__).resolve().parents[2] / "carriers" / "sendcloud" / "openapi"
FILES: Final = {
    "/api/v3": ("sendcloud-v3-returns-openapi.yml", "sendcloud-v3-service-points-openapi.yml",
                "sendcloud-v3-parcel-tracking-openapi.yml", "sendcloud-v3-parcel-documents-openapi.yml"),
    "/api/v2": ("sendcloud-v2-parcel-documents-openapi.yml",),
}  # fmt: skip
WEBHOOKS_FILE: Final = "sendcloud-v3-webhooks-openapi.yml"


def _precision_may_be_null(doc: dict[str, Any]) -> None:
    # Service points: GeocodingResult.precision is typed string|null but its enum omits null, while the
    # description's own example ``AddressNotFound`` answers ``"precision": null``.
    doc["components"]["schemas"]["GeocodingResult"]["properties"]["precision"]["enum"].append(None)


ERRATA: Final[dict[str, Callable[[dict[str, Any]], None]]] = {
    "sendcloud-v3-service-points-openapi.yml": _precision_may_be_null,
}


@functools.cache
def document(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((OPENAPI_DIR / name).read_text(encoding="utf-8"))
    patched = copy.deepcopy(loaded)
    if name in ERRATA:
        ERRATA[name](patched)
    return patched  # type: ignore[no-any-return]


def _validator(name: str, pointer: str) -> jsonschema.protocols.Validator:
    uri = f"urn:sendcloud:{name}"
    resource = Resource.from_contents(document(name), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(uri, resource)
    schema = {"$ref": f"{uri}#{pointer}"}
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())


def validate(name: str, pointer: str, instance: Any) -> None:
    """Raise jsonschema.ValidationError if ``instance`` diverges from the schema at ``pointer``."""
    errors = sorted(_validator(name, pointer).iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
        raise jsonschema.ValidationError(f"{name}#{pointer}: {details}")


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def find_operation(method: str, path: str) -> tuple[str, str]:
    """(file, JSON pointer of the operation) for a request path such as ``/api/v3/returns/12``."""
    for prefix, names in FILES.items():
        if not path.startswith(prefix + "/"):
            continue
        rest = path[len(prefix) :]
        for name in names:
            for template, item in document(name)["paths"].items():
                pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
                if re.match(pattern, rest) and method.lower() in item:
                    return name, f"/paths/{_escape(template)}/{method.lower()}"
    raise AssertionError(f"no described operation for {method} {path}")


def _resolve(name: str, pointer: str) -> tuple[str, dict[str, Any]]:
    node: Any = document(name)
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if isinstance(node, dict) and "$ref" in node:
        return _resolve(name, node["$ref"].lstrip("#"))
    return pointer, node


ERROR_SHAPES: Final = (
    ("sendcloud-v3-returns-openapi.yml", "/components/schemas/errors"),
    ("sendcloud-v3-returns-openapi.yml", "/components/responses/400/content/application~1json/schema"),
    ("sendcloud-v3-service-points-openapi.yml", "/components/schemas/errors"),
)


def check_response(method: str, path: str, status: int, content_type: str, body: bytes, json_body: Any) -> str:
    """Validate one response; returns what it was checked against (for the tests' own assertions)."""
    name, operation = find_operation(method, path)
    responses = _resolve(name, operation)[1]["responses"]
    if str(status) not in responses:
        assert content_type.startswith("application/json"), f"{status} {path}: undescribed non-JSON answer"
        failures = []
        for shape_file, pointer in ERROR_SHAPES:
            try:
                validate(shape_file, pointer, json_body)
                _require_error_content(json_body)
                return f"{shape_file}#{pointer}"
            except (jsonschema.ValidationError, AssertionError) as exc:
                failures.append(str(exc))
        raise AssertionError(f"{status} {method} {path} matches no described error shape: {failures}")
    response_pointer, response = _resolve(name, f"{operation}/responses/{status}")
    content = response.get("content")
    if not content:
        return f"{name}#{response_pointer} (no content)"
    media = content_type.split(";")[0].strip()
    assert media in content, f"{status} {method} {path}: {media} not among {sorted(content)}"
    if not media.endswith("json"):
        assert body, "empty document"
        return f"{name}#{response_pointer} ({media})"
    schema_pointer = f"{response_pointer}/content/{_escape(media)}/schema"
    validate(name, schema_pointer, json_body)
    return f"{name}#{schema_pointer}"


def _require_error_content(body: Any) -> None:
    """The error schemas require nothing at the top: an empty object would pass them, so ask for content."""
    assert isinstance(body, dict) and (body.get("errors") or body.get("error")), "error body without an error"


def check_webhook(body: dict[str, Any]) -> None:
    validate(WEBHOOKS_FILE, "/components/schemas/ParcelStatusChangedWebhook", body)
