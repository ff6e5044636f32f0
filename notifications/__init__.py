"""Notifications: the implementations of ``connector.ports.Notifier`` (e-mail to customers and agents,
outgoing webhooks to the merchant's systems), beside ``platforms/``. Empty until the portal and admin
issues (18, 20) need them.

What it may import: ``connector.ports`` and ``connector.domain`` (the messages the port delivers), the
standard library and its transports' libraries; never ``connector.services`` (the use cases decide what to
say and when, a notifier only delivers) and never ``platforms``. The wiring layer at the top is the only code
that imports a notifier. ``tests/test_new_packages_imports.py`` checks this.
"""
