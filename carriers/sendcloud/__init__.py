"""Sendcloud, the EU aggregator (Colissimo, Mondial Relay, Chronopost, DPD…): return labels through the Returns
API v3, service points, labelless QR, pickup, cancellation, signed tracking webhooks and polling
(``adapter.SendcloudCarrier``, registered by ``provider.PROVIDER``). Checked against Sendcloud's own OpenAPI
descriptions, kept unchanged in ``openapi/`` (see ``openapi/SOURCE.md``).

Where the descriptions and ``shared/reference/carriers.md`` disagree, the descriptions win (issue 19):

* Finding a return by ``external_reference``: the v3 list ``GET /returns`` has no such filter and its Return
  object describes neither ``id`` nor ``external_reference``. The look-up lists a time window (``from_date``
  and ``to_date`` are required) and matches the reference when present, else ``order_number`` (our return
  number); without an ``id`` in the answer the outcome stays unknown rather than risk a second label.
* ``paper_size`` is ``A4|A5|A6`` (parameter enum), not the ``a4`` of the example URLs.
* The QR code of a labelless return: v3 parcel documents describe only ``label``, ``customs-declaration`` and
  ``air-waybill``; the ``qr`` type is described in v2, so it is read there, and a 404 means "no QR".
* Pickup: ``CreateReturn`` has no ``first_mile``; a pickup is ``delivery_option: "pickup"`` with a shipping
  option that has ``pick_up``, on a day the carrier picks (no slots described).
* Service points: v3 only (``/v3/service-points``, ``carrier_code`` or ``use_integration_carriers``); the
  ``CreateReturn`` body has no service point field, so the chosen point is where the customer drops the parcel.
* Rate limits: no rate-limit headers are described (a 429 comes with an empty body), so the client paces itself
  to the documented budget and honours ``Retry-After`` only when sent.
* Parcel status 1: "Announced" in carriers.md, "Ready to send" in the webhook example; both come before the
  first scan, so the state is the same. The cancel 409 gives ``code`` as an integer where the ``errors`` schema
  says a string: both are read.
* The webhook names the parcel, not the return: its events carry the parcel id as ``carrier_ref``; polled
  events carry the return id. The tracking number is in both, and is what the core matches on. Return parcels
  get webhooks "only if the outgoing shipment was created through the API Shop", so polling stays.
"""
