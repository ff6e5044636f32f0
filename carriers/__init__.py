"""Carriers: the implementations of ``connector.ports.CarrierAdapter`` (return labels, relay points,
pickups, tracking), one package per carrier, beside ``platforms/``. Empty until issue 19.

What it may import: ``connector.ports`` and ``connector.domain`` (the values the port speaks), the standard
library and the carrier's own client libraries; never ``connector.services`` (the use cases call carriers,
not the other way round) and never ``platforms`` (a carrier knows no shop platform). The wiring layer at
the top is the only code that imports a carrier. ``tests/test_new_packages_imports.py`` checks this.
"""
