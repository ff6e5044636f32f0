"""``GET /healthz``: is the database reachable, is Redis reachable (when one is configured)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

from connector.bootstrap import Container

bp = Blueprint("health", __name__)


def _check_database(container: Container) -> dict[str, object]:
    try:
        with container.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "backend": container.engine.dialect.name}


def _check_redis(container: Container) -> dict[str, object]:
    client = container.redis
    if client is None:
        return {"ok": True, "configured": False, "mode": "embedded queue"}
    try:
        client.ping()
    except Exception as exc:
        return {"ok": False, "configured": True, "error": type(exc).__name__}
    return {"ok": True, "configured": True}


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    container: Container = current_app.extensions["connector"]
    checks = {"database": _check_database(container), "redis": _check_redis(container)}
    healthy = all(check["ok"] for check in checks.values())
    return jsonify({"status": "ok" if healthy else "unavailable", **checks}), 200 if healthy else 503
