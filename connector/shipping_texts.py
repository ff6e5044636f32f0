"""What the label job needs from the pages without importing them: a label's words in the customer's language,
the signed URL its QR code carries, and the signed link to the stored PDF.

Why a protocol of its own: the translations (the pages' Babel catalogues) and the signing keys live in
``connector.pages``, which imports the services; the services importing the pages back would be a cycle. So the
pages implement this (``connector.pages.labels.PageLabelTexts``) and whoever builds the process hands it to the
container (``Container.label_texts``), as the WooCommerce provider hands its adapter ``ReturnLinkNotes``.
"""

from __future__ import annotations

from typing import Protocol

from connector.domain.shipping import LabelWording, PaperSize


class LabelTexts(Protocol):
    def wording(self, locale: str | None) -> LabelWording:
        """The words a self-drawn label prints, in ``locale``'s language (the app's default when not offered)."""
        ...

    def verification_url(self, shop_id: str, return_id: str) -> str:
        """The signed URL a label's QR code carries: scanned at the counter, it opens the return's store page."""
        ...

    def label_url(self, shop_id: str, shipment_id: str, size: PaperSize = PaperSize.A6) -> str:
        """The long-lived signed link to the stored label PDF (for the shop's admin, e-mails, the tracking page)."""
        ...
