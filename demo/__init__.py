"""`returns-connector demo`: both sandbox shops, the app and a worker, with real returns flowing.

Also where the installed ``returns-connector`` command is put together (``demo.cli``): connector's commands plus
``demo`` and ``sandbox``. This package sits on top: it may import ``connector``, ``platforms``, ``webhooks`` and
``sandboxes``; no production package imports it (an import-linter contract in pyproject.toml checks that).
"""
