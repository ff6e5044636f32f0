"""Persistence: SQLAlchemy Core tables, shop-scoped repositories and a unit of work."""
