"""The Returns API: one documented JSON API for customers, agents and other systems.

``register_api(app)`` adds the customer portal (``/api/v1/portal/<shop_id>``), tracking links
(``/api/v1/track/<token>``), the agent API (``/api/v1/shops/<shop_id>/returns``) and the OpenAPI
document (``/api/openapi.json``). See ``connector/api/README.md`` and the document itself for the endpoints.
"""

from __future__ import annotations

from flask import Flask


def register_api(app: Flask) -> None:
    from connector.api import agent, openapi, portal, tracking

    for blueprint in (portal.bp, tracking.bp, agent.bp, openapi.bp):
        app.register_blueprint(blueprint)


__all__ = ["register_api"]
