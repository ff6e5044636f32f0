"""The ``returns-connector`` command line."""
