"""What every API view needs from the app: the container, the return service, the request's locale."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from marshmallow import Schema

from connector.bootstrap import Container
from connector.services.returns import ReturnService

LOCALES = ("en", "fr")


def container() -> Container:
    found: Container = current_app.extensions["connector"]
    return found


def service() -> ReturnService:
    return ReturnService(container())


def locale(default: str = "en") -> str:
    """``?locale=`` first, then Accept-Language, then the shop's own locale."""
    asked = (request.args.get("locale") or "").strip().lower()[:2]
    if asked in LOCALES:
        return asked
    best = request.accept_languages.best_match(LOCALES)
    if best:
        return str(best)
    return default if default in LOCALES else "en"


def body(schema: Schema) -> Any:
    """The JSON body loaded through ``schema``; marshmallow's ValidationError becomes a 422 naming fields.
    A body that is not JSON we accept is a 400 ``invalid_json`` saying why (``connector.web.json_provider``)."""
    raw = request.get_data(cache=True)
    return schema.load(request.get_json(force=True) if raw else {})


def query(schema: Schema) -> Any:
    return schema.load(request.args.to_dict())
