"""WooCommerce sandbox shop: an in-memory server speaking WooCommerce REST v3 for what the connector uses.

Run it with ``returns-connector sandbox woocommerce`` (``cli.configure``/``cli.run``) or, in tests,
``app.start_in_thread(SandboxOptions(...)) -> (base_url, stop)`` which binds 127.0.0.1 on a free port.

REST under ``/wp-json/wc/v3/``: orders (list/filters/pagination headers, get, create, update, delete, batch,
notes), order refunds and ``/refunds``, coupons, products and variations (stock), webhooks, system_status,
``settings/<group>[/<id>]`` (currency and tax settings, ``SandboxOptions.currency``/``calc_taxes``/
``prices_include_tax``), ``data/currencies/current`` and ``payment_gateways[/<id>]`` (``method_supports``
lists ``refunds`` unless ``/__sandbox/gateways/<id>`` says ``can_refund: false``). A ``fixed_cart`` coupon
meets tax as the tax settings say (``coupon_apply``); only ``date_expires`` sets a coupon's expiry, as on
WooCommerce 10.0.2.
Auth: Basic or ``consumer_key``/``consumer_secret`` query keys (accepted on plain HTTP, as if behind TLS),
OAuth 1.0a query/header signing as the ``woocommerce`` package sends it. App install: ``/wc-auth/v1/authorize``.

Sandbox-only endpoints under ``/__sandbox/``: ``state``, ``orders/<id>`` (+ ``touch``, ``trash``, ``untrash``),
``refunds`` (with gateway calls), ``coupons``, ``stock``, ``webhooks`` and ``webhooks/deliveries``,
``webhooks/flush``, ``gateways[/<id>]`` (``can_refund``, ``fail_refunds``), ``keys``, ``faults`` (fault kit).

REST-created orders are taxed as the real store taxes them (``taxes``), at one rate per country (the first
seeded), base country ``Store.base_country``. Deliberate differences from a real shop: money formatting uses
``dp`` (default 2) for every currency; site time defaults to Europe/Paris (use the ``_gmt`` fields); webhook
and wc-auth callback URLs must be loopback unless ``allow_external_urls``.
"""
