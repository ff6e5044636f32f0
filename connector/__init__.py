"""The returns connector core: what a return is and how it is decided, stored and carried out, for any shop.

Inside: ``domain`` (the common return model, plain Python), ``policy`` (a shop's rules and the pure engine
applying them), ``store`` (tables, repositories, the unit of work, inbox and outbox), ``services`` (the use
cases), ``jobs`` (queue and worker tasks), ``api`` (the JSON API), ``pages`` (the HTML portal and admin),
``web`` (the core Flask app: error handling, health), ``config``, ``cli``, and the contracts every plugin fills:
``ports`` (shop, carrier, notifier), ``providers`` (what a platform offers) and ``webhook_source``.

What it may import: the standard library and third-party libraries only. It never imports a platform, the
webhook intake (``webhooks``), a carrier, a notifier, the sandboxes, the demo or the wiring layer: they plug
in through the ports and the ``returns_connector.platforms`` entry point, and ``wiring`` composes them.
Inside, ``domain`` imports nothing else, and no two subpackages import each other both ways. Import-linter
contracts in pyproject.toml check all three.
"""
