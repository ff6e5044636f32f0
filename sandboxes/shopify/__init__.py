"""A local Shopify shop speaking the Admin GraphQL API subset the connector uses (see app.create_app)."""
