"""A return's label: the signed link that serves its PDF, and the words and QR URL a self-drawn label prints.

The link is ``/labels/<token>``: the token (``LABEL``, signed by ``connector.pages.signed``) names the shop, the
shipment and the paper size (A6 unless ``?size=A4``), and lives as long as the tracking link, since a customer
prints the label days after the e-mail and the merchant opens it from the shop's admin weeks later. The PDF is
read from the store through the shop the token names, so a token can only ever serve that shop's label; a bad,
expired or tampered token, or a size never stored, answers 404. The response is ``private``: a shared cache must
not keep a customer's address.

No request is needed to make a link: the worker writes it into the shop's admin (``ATTACH_SHIPPING``) and
e-mails, through ``label_url`` or ``PageLabelTexts``, which the process hands the services as their
``connector.shipping_texts.LabelTexts`` (``install_label_texts``; the services never import the pages).
"""

from __future__ import annotations

import functools
from datetime import timedelta
from pathlib import Path
from typing import Final, cast

from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, Response, current_app, request

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain.shipping import LabelWording, PaperSize
from connector.pages.catalogs import DOMAIN, compiled_catalogs
from connector.pages.i18n import SIGNER_EXTENSION, supported_language
from connector.pages.keys import portal_keys
from connector.pages.signed import PortalSigner, Purpose, Rejected, SignedValueRejected
from connector.pages.store.links import store_return_url
from connector.store.shipments_repo import PDF

LABEL: Final = Purpose("return-label", timedelta(days=400))
"""As long as the tracking link (``portal.tracking_link``): the label is reprinted, or opened from the admin."""
ROUTE: Final = "/labels/<token>"
FALLBACK_LANGUAGE: Final = "en"

bp = Blueprint("labels", __name__)


def label_token(signer: PortalSigner, shop_id: str, shipment_id: str, size: PaperSize = PaperSize.A6) -> str:
    return signer.dumps(LABEL, None, {"s": shop_id, "p": shipment_id, "z": size.value})


def read_label_token(signer: PortalSigner, token: str) -> tuple[str, str, PaperSize]:
    """(shop id, shipment id, size) of a link we made; ``SignedValueRejected`` otherwise."""
    claims = signer.loads(LABEL, token, None)
    shop_id, shipment_id, size = claims.get("s"), claims.get("p"), claims.get("z")
    if not shop_id or not shipment_id or not size or size not in PaperSize.__members__:
        raise SignedValueRejected(Rejected.INVALID)
    return shop_id, shipment_id, PaperSize(size)


def label_path(token: str) -> str:
    return f"/labels/{token}"


def label_url(
    config: Config, shop_id: str, shipment_id: str, size: str = "A6", signer: PortalSigner | None = None
) -> str:
    """The absolute link to a stored label, on the app's own address (``app.base_url``), usable outside a request
    (``signer`` defaults to one keyed from the process's secret)."""
    signer = signer or PortalSigner(portal_keys(config))
    return config.app.base_url.rstrip("/") + label_path(label_token(signer, shop_id, shipment_id, PaperSize(size)))


@bp.get(ROUTE)
def serve_label(token: str) -> Response:
    signer = cast(PortalSigner, current_app.extensions[SIGNER_EXTENSION])
    try:
        shop_id, shipment_id, size = read_label_token(signer, token)
    except SignedValueRejected:
        return _not_found()
    asked = request.args.get("size", size.value).upper()
    if asked not in PaperSize.__members__:
        return _not_found()
    container = cast(Container, current_app.extensions["connector"])
    with container.uow() as uow:
        pdf = uow.shipments(shop_id).document(shipment_id, PDF, asked)
    if pdf is None:
        return _not_found()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="return-label-{asked}.pdf"'
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _not_found() -> Response:
    return Response("This label link is not valid.\n", status=404, mimetype="text/plain")


class PageLabelTexts:
    """``connector.shipping_texts.LabelTexts`` from the pages' catalogues and signing keys. The keys are read on
    first use: a process without a secret must still start (and refund), failing only when it makes a label."""

    def __init__(self, config: Config, signer: PortalSigner | None = None) -> None:
        self._config = config
        self._signer = signer
        self._keys_read: list[str] | None = None

    def wording(self, locale: str | None) -> LabelWording:
        language = supported_language(locale) or supported_language(self._config.app.default_locale)
        language = language or FALLBACK_LANGUAGE
        _ = _translations(self._config.data_path, language).gettext
        return LabelWording(
            language=language,
            return_to=_("Return to"),
            sender=_("From"),
            return_number=_("Return number"),
            contents=_("In the parcel"),
            instructions=(
                _("Pack the items listed above, well protected."),
                _("Stick this label on the parcel and cover any old labels."),
                _("Drop the parcel at a post office or relay point and keep the receipt."),
            ),
        )

    def verification_url(self, shop_id: str, return_id: str) -> str:
        return store_return_url(self._config, shop_id, return_id, self._keys())

    def label_url(self, shop_id: str, shipment_id: str, size: PaperSize = PaperSize.A6) -> str:
        if self._signer is None:
            self._signer = PortalSigner(self._keys())
        return label_url(self._config, shop_id, shipment_id, size.value, self._signer)

    def _keys(self) -> list[str]:
        if self._keys_read is None:
            self._keys_read = portal_keys(self._config)
        return self._keys_read


def install_label_texts(container: Container) -> None:
    """Give the container the label's words and links, unless it was given its own (a test's)."""
    if container.label_texts is None:
        container.label_texts = PageLabelTexts(container.config)


def install_labels(app: Flask, container: Container) -> None:
    """The label link's route on ``app`` (after ``install_i18n``, whose signer reads the tokens), and the label
    texts on its container, for the jobs it runs in-process."""
    install_label_texts(container)
    app.register_blueprint(bp)


@functools.lru_cache(maxsize=8)
def _translations(data_path: Path, language: str) -> NullTranslations:
    """A language's catalogue, compiled (once per process) where the app compiles its own."""
    directory = compiled_catalogs(data_path / "cache" / "translations")
    return Translations.load(str(directory), [language], domain=DOMAIN)
