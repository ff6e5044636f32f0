"""A customer's photo on a return's page, behind a signed link (``return_page.PHOTO``) rather than the agent's
credential: inside Shopify's iframe an ``<img>`` request carries no ID token. The link names one photo of one
return of one shop and lasts an hour; anything else (another shop's link, an old or edited one, a photo since
removed) answers 404. Served privately and as an image only, never sniffed into anything else."""

from __future__ import annotations

from flask import Response, abort

from connector.errors import ConfigError
from connector.pages.admin import bp
from connector.pages.admin.current import container, signer
from connector.pages.admin.return_page import PHOTO
from connector.pages.signed import SignedValueRejected

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


@bp.get("/photos/<token>")
def photo(shop_id: str, token: str) -> Response:
    try:
        claims = signer().loads(PHOTO, token, shop_id)
    except (SignedValueRejected, ConfigError):
        abort(404)
    return_id, photo_id = claims.get("r", ""), claims.get("p", "")
    with container().uow() as uow:
        found = next((p for p in uow.photos(shop_id).for_return(return_id) if str(p.id) == photo_id), None)
    if found is None or found.ref.media_type not in IMAGE_TYPES:
        abort(404)
    try:
        content = container().photos.open(found.ref)
    except KeyError:
        abort(404)
    response = Response(content, mimetype=found.ref.media_type)
    response.headers["Cache-Control"] = "private, max-age=600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
