"""The Flask web app: factory, error handling, health and the blueprints."""

from connector.web.app import create_app

__all__ = ["create_app"]
