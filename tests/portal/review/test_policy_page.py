"""The return policy page, ``/portal/<shop_id>/policy``: written from the policy in force, so changing the policy
changes the page; in French and English; linked from every portal page."""

from __future__ import annotations

from flask.testing import FlaskClient

from connector.bootstrap import Container
from tests.portal.review.portal_app import (
    SHOP,
    text_of,
    use_policy,
)

POLICY = f"/portal/{SHOP}/policy"
FRENCH = {"Accept-Language": "fr-FR"}
ENGLISH = {"Accept-Language": "en-GB"}
EU_POLICY = {
    "windows": {"days": 45},
    "methods": ["prepaid_label", "in_store"],
    "fees": {"return_shipping": {"EUR": "4.90"}, "by_method": {"in_store": {"EUR": "0"}}},
    "bonus": {"kind": "flat", "flat": {"EUR": "5.00"}, "outcomes": ["store_credit"]},
    "exclusions": {"final_sale": True, "tags": ["personalised"]},
    "eu_withdrawal": {"days": 14, "refund_days": 14},
}


def policy_words(client: FlaskClient, headers: dict[str, str]) -> str:
    answer = client.get(POLICY, headers=headers)
    assert answer.status_code == 200
    return text_of(answer.get_data(as_text=True))


def test_the_page_changes_when_the_policy_does(container: Container, client: FlaskClient) -> None:
    before = policy_words(client, ENGLISH)
    assert "Returns are accepted within 30 days of delivery" in before
    assert "Return shipping is free." in before
    assert "Ways to send an item back: prepaid label (by post)." in before
    assert "Your legal right of withdrawal" not in before

    use_policy(container, EU_POLICY)
    after = policy_words(client, ENGLISH)
    assert "Returns are accepted within 45 days of delivery" in after
    assert "Return shipping costs €4.90" in after
    assert "Ways to send an item back: prepaid label (by post) and in-store drop-off." in after
    assert "Fee for prepaid label (by post): €4.90." in after and "No fee for in-store drop-off." in after
    assert "Items marked personalised cannot be returned." in after
    assert "Get €5.00 extra when you choose store credit." in after
    assert "Your legal right of withdrawal" in after
    assert "Right of withdrawal: 14 days from receipt" in after


def test_the_page_in_french(container: Container, client: FlaskClient) -> None:
    use_policy(container, EU_POLICY)
    words = policy_words(client, FRENCH)
    assert "Retours acceptés dans les 45 jours suivant la livraison" in words
    assert "Frais pour étiquette prépayée (envoi postal) : 4,90\u00a0€." in words
    assert "Votre droit légal de rétractation" in words
    assert "Droit de rétractation : 14 jours à compter de la réception" in words


def test_every_portal_page_links_to_it(client: FlaskClient) -> None:
    start = client.get(f"/portal/{SHOP}/", headers=ENGLISH).get_data(as_text=True)
    assert f'href="{POLICY}"' in start


def test_an_unknown_shop_has_no_policy_page(client: FlaskClient) -> None:
    answer = client.get("/portal/no-such-shop/policy")
    assert answer.status_code == 404
    assert "<html" in answer.get_data(as_text=True)
