"""Shop platforms as plugins: one package per platform (``shopify``, ``woocommerce``), each the only code that
speaks that platform's API.

Each package describes itself once in ``<name>/provider.py``: a ``connector.providers.PlatformProvider``
(its key, adapter factory, webhook source, install blueprints, config section, poll interval and capabilities),
registered under the ``returns_connector.platforms`` entry point in pyproject.toml. The core finds providers
through that entry point and never imports this package; a third platform is a new package and one line there.

What it may import: ``connector`` (the ports, domain, config and store it implements against) and its own
package. Never another platform, the intake (``webhooks``), the wiring layer, the demo or the sandboxes
(import-linter contracts in pyproject.toml).
"""
