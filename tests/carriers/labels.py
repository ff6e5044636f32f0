"""Label requests for the carrier tests: a French and an English return, with the words the core will pass."""

from __future__ import annotations

from dataclasses import replace

from connector.domain.shipping import LabelRequest, LabelWording, PackingLine, Parcel, PostalAddress

FRENCH = LabelWording(
    language="fr",
    return_to="Retour à",
    sender="Expéditeur",
    return_number="N° de retour",
    contents="Dans le colis",
    instructions=(
        "Mettez les articles listés ci-dessus dans le colis, bien protégés.",
        "Collez cette étiquette sur le colis et masquez les anciennes étiquettes.",
        "Déposez le colis au bureau de poste de votre choix et gardez le reçu.",
    ),
)
ENGLISH = LabelWording(
    language="en",
    return_to="Return to",
    sender="From",
    return_number="Return number",
    contents="In the parcel",
    instructions=(
        "Pack the items listed above, well protected.",
        "Stick this label on the parcel and cover any old labels.",
        "Drop the parcel at any post office and keep the receipt.",
    ),
)
MERCHANT = PostalAddress(name="Atelier Dupont", company="Entrepôt retours", street="Zone industrielle, bâtiment C",
                         postal_code="33000", city="Bordeaux", country="FR")
CUSTOMER = PostalAddress(name="Élodie Martin", street="rue des Lilas", house_number="12", postal_code="69003",
                         city="Lyon", country="FR")
URL = "https://retours.example-shop.fr/r/R7F3A9C21B04D?exp=1767225600&sig=q8Zr0bVt3XkLw9mH2cPn5sYd7fGj1aEu4oIx6"


def label_request(wording: LabelWording = FRENCH, **changes: object) -> LabelRequest:
    request = LabelRequest(
        return_id="R7F3A9C21B04D",
        idempotency_key="label:R7F3A9C21B04D",
        sender=CUSTOMER,
        recipient=MERCHANT,
        parcel=Parcel(weight_grams=900),
        method="label",
        lines=(PackingLine("Chemise en lin bleue, taille M", 2), PackingLine("Ceinture en cuir", 1)),
        verification_url=URL,
        wording=wording,
    )
    return replace(request, **changes)  # type: ignore[arg-type]
