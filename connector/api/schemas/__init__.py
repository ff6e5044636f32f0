"""Marshmallow schemas of the Returns API: requests are loaded through them, answers dumped through them,
and the OpenAPI document is generated from them."""
