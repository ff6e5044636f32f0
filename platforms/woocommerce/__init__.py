"""WooCommerce: REST v3 adapter, wc-auth connect flow, webhook translation, and the sandbox shop."""
