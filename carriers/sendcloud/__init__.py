"""Sendcloud, the EU aggregator (Colissimo, Mondial Relay, Chronopost, DPD…): return labels through the Returns
API v3, service points, labelless QR, pickup, cancellation, signed tracking webhooks and polling
(``adapter.SendcloudCarrier``, registered by ``provider.PROVIDER``). Checked against Sendcloud's own OpenAPI
descriptions, kept unchanged in ``openapi/`` (see ``openapi/SOURCE.md``)."""
