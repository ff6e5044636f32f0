"""The Flask web app: factory, error handling, health and the blueprints."""

from connector.web.app import create_core_app

__all__ = ["create_core_app"]
