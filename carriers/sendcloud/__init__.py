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
* The v3 create-return body (``CreateReturn``) has no field for the chosen service point nor for a pickup
  window. The point is where the customer drops the parcel, kept in our records (the shipment) and shown to
  them, never sent; the pickup window the customer picked is our record only (the carrier comes on its day).
* Service points: v3 only (``/v3/service-points``, ``carrier_code`` or ``use_integration_carriers``). A point
  takes only its own network's parcels, while ``use_integration_carriers`` lists every carrier of the account:
  the search names the networks the shop has a relay option for (``carrier_code``; ``relay_option_codes``, or the
  network the single relay option's code starts with, ``<carrier>:<product>`` as sendcloud.dev/api/v3/
  shipping-options writes them), and the label uses the option of the chosen point's network (``relay.py``),
  found by the point's ``carrier.code`` (``GET /v3/service-points/{id}`` when the request does not carry it). The
  description warns that ``carrier.code`` "may differ from the requested carrier_code" (a superseded carrier):
  such points are left out and logged, since no option of the shop serves them.
* Rate limits: no rate-limit headers are described (a 429 comes with an empty body), so the client paces itself
  to the documented budget and honours ``Retry-After`` only when sent.
* Parcel status 1: "Announced" in carriers.md, "Ready to send" in the webhook example; both come before the
  first scan, so the state is the same. The cancel 409 gives ``code`` as an integer where the ``errors`` schema
  says a string: both are read.
* The webhook names the parcel, not the return: its events carry the parcel id as ``carrier_ref``; polled
  events carry the return id. The tracking number is in both, and is what the core matches on. Return parcels
  get webhooks "only if the outgoing shipment was created through the API Shop", so polling stays.
"""
