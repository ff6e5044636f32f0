"""Local shops that speak the platforms' real APIs, for the demo and the tests only.

``shopify`` (GraphQL Admin API, OAuth, webhooks), ``woocommerce`` (REST API v3, wc-auth, webhooks) and ``kit``
(what both share: seeded catalogues and fault injection). They stand in for the real shops over real HTTP, so of
the project they may import only the domain (``connector.domain``, for its money arithmetic) and each other
(``kit``). No production package (``connector``, ``platforms``, ``webhooks``) imports them; an import-linter
contract in pyproject.toml checks that.
"""
