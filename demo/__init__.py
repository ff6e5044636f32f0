"""`returns-connector demo`: both sandbox shops, the app and a worker, with real returns flowing.

Also where the installed ``returns-connector`` command is put together (``demo.cli``): the production commands
(``wiring.cli``) plus ``demo`` and ``sandbox``. This package sits on top: it may import ``wiring``, ``connector``,
``platforms``, ``webhooks`` and ``sandboxes``; no production package imports it (import-linter contracts in
pyproject.toml check that).
"""
