"""The wiring layer: the one place that puts the whole connector together.

It is the only code that imports the concrete platforms, the webhook intake (``webhooks``), the carriers and the
notifiers, and it composes them with the core (``connector``): the served app (``wiring.app``) and the production
command line (``wiring.cli``). Why a layer of its own: the core stays free of every concrete plugin, so a new
platform, carrier or channel is a new package plus a line here, never an edit of ``connector/``.

It may import every production package; none of them imports it (``[tool.importlinter]`` in pyproject.toml). The
platforms themselves are still found by entry point (``connector.providers``): the wiring registers what each
provider hands over, it does not list them.
"""
