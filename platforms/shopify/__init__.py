"""Shopify: GraphQL Admin API adapter, install flow, webhook translation, and the sandbox shop."""
