"""The return policy settings page (issue 20) through Flask's client, on SQLite and PostgreSQL: the policy in force
as a form, mistakes marked on their fields in the admin's language, "simulate on past returns", saving a new
version that judges the next return, a save that lost a race, the EU preset, and who may use it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.policy import Decision, Policy
from connector.policy.model import Windows
from connector.services.policies import current_policy, set_policy
from connector.services.policy_settings import policy_version
from tests.admin_settings.conftest import SHOP, Merchant, open_return, page_text

PAGE = f"/admin/{SHOP}/settings/policy"


def test_the_policy_in_force_is_shown_as_a_form_with_every_section(merchant: Merchant) -> None:
    answer = merchant.get(PAGE)
    assert answer.status_code == 200
    page = page_text(answer)
    assert 'value="approve everything"' in page
    assert re.search(r'<input id="windows-days" name="windows-days" type="text" value="30"', page)
    for section in ("Return window", "What cannot be returned", "What the customer gets", "Ways back and fees",
                    "Rules", "EU right of withdrawal"):
        assert f'heading="{section}"' in page
    assert 'name="base_version" value="1"' in page
    assert "In your customers\u2019 words" in page


def test_a_mistake_comes_back_marked_on_its_field_with_what_was_typed(merchant: Merchant, container: Container) -> None:
    answer = merchant.send(PAGE, {"windows-days": "thirty", "fees-return_shipping": "EUR 4.999"}, "save")
    assert answer.status_code == 422
    page = page_text(answer)
    assert 'href="#windows-days">Enter a whole number, such as 30.' in page
    field = re.search(r'<input id="windows-days"[^>]*>', page)
    assert field is not None
    assert 'value="thirty"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="windows-days-error"' in field.group(0)
    assert "EUR has 2 decimals at most." in page
    assert policy_version(container, SHOP) == 1, "nothing is saved"


def test_the_mistakes_are_said_in_the_admins_language(client: FlaskClient) -> None:
    french = Merchant(client, locale="fr")
    page = page_text(french.send(PAGE, {"windows-days": "-3"}, "simulate"))
    assert "Saisissez 0 ou plus." in page
    assert '<html lang="fr"' in page


def test_simulating_shows_what_would_change_on_past_returns_and_saves_nothing(
    merchant: Merchant, container: Container
) -> None:
    return_id = open_return(merchant.web)
    answer = merchant.send(PAGE, {"windows-days": "3"}, "simulate")
    assert answer.status_code == 200
    page = page_text(answer)
    assert "1 of the 1 most recent return would change." in page
    assert f">Return {return_id}</a>" in page
    assert "Approve → <strong>Decline</strong>" in page
    assert "3-day window ended" in page, "what the draft says of it"
    assert policy_version(container, SHOP) == 1
    assert 'value="3"' in page, "the draft stays in the form"


def test_a_saved_policy_judges_the_next_return(merchant: Merchant, container: Container) -> None:
    first = open_return(merchant.web, lines=[{"order_line_id": "L2", "quantity": 1, "reason": "size_too_small",
                                              "resolution": {"kind": "refund"}}])
    answer = merchant.send(PAGE, {"windows-days": "3", "name": "three days"}, "save")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/settings/policy?saved=2&changed=1")
    shown = page_text(merchant.get(answer.headers["Location"]))
    assert "Saved as version 2: new returns are judged by it." in shown
    with container.uow() as uow:
        assert current_policy(uow, SHOP).windows.days == 3
        assert uow.returns(SHOP).get(first).status.value == "approved"  # type: ignore[union-attr]
    token_answer = merchant.web.post(f"/api/v1/portal/{SHOP}/returns", json={
        "lines": [{"order_line_id": "L1", "quantity": 1, "reason": "size_too_small", "resolution": {"kind": "refund"}}],
        "method": "prepaid_label"}, headers=_customer(merchant))
    assert token_answer.status_code == 201, token_answer.get_json()
    body = token_answer.get_json()["return"]
    assert body["status"] == "declined"


def _customer(merchant: Merchant) -> dict[str, str]:
    from tests.admin_settings.conftest import bearer, customer_token

    return bearer(customer_token(merchant.web, SHOP))


def test_saving_the_same_policy_adds_no_version(merchant: Merchant, container: Container) -> None:
    answer = merchant.send(PAGE, {}, "save")
    assert answer.headers["Location"].endswith("saved=1&changed=0")
    assert "Nothing changed: version 1 stays in force." in page_text(merchant.get(answer.headers["Location"]))


def test_a_save_that_lost_a_race_keeps_the_draft_and_says_so(merchant: Merchant, container: Container) -> None:
    page = merchant.get(PAGE)  # opened on version 1
    assert 'name="base_version" value="1"' in page_text(page)
    with container.uow() as uow:  # meanwhile, someone saves version 2
        set_policy(uow, SHOP, Policy(name="someone else", default_action=Decision.REVIEW, windows=Windows(days=60)))
        uow.commit()
    data = _form_of_version_1(merchant)
    answer = merchant.web.post(PAGE, data={**data, "windows-days": "7", "action": "save"}, headers=merchant.headers)
    assert answer.status_code == 409
    shown = page_text(answer)
    assert "Someone saved the policy (version 2) since you opened it." in shown
    assert 'name="base_version" value="2"' in shown and 'value="7"' in shown
    again = merchant.web.post(PAGE, data={**data, "base_version": "2", "windows-days": "7", "action": "save"},
                              headers=merchant.headers)
    assert again.status_code == 303
    with container.uow() as uow:
        assert current_policy(uow, SHOP).windows.days == 7


def _form_of_version_1(merchant: Merchant) -> dict[str, list[str]]:
    from tests.admin_settings.conftest import form_values

    with_v1 = form_values(page_text(merchant.get(PAGE)), PAGE)
    with_v1["base_version"] = ["1"]
    with_v1["default_action"] = ["approve"]
    return with_v1


def test_the_eu_preset_turns_the_withdrawal_right_on_in_the_draft(merchant: Merchant, container: Container) -> None:
    answer = merchant.send(PAGE, {"eu_withdrawal-days": ""}, "eu_preset")
    assert answer.status_code == 200
    page = page_text(answer)
    assert 'id="eu_withdrawal-enabled" name="eu_withdrawal-enabled" value="1" checked' in page
    assert re.search(r'name="eu_withdrawal-days" type="text" value="14"', page)
    assert policy_version(container, SHOP) == 1
    saved = merchant.web.post(PAGE, data={**_sent(page), "action": "save"}, headers=merchant.headers)
    assert saved.status_code == 303
    with container.uow() as uow:
        eu = current_policy(uow, SHOP).eu_withdrawal
    assert eu is not None and eu.days == 14 and "FR" in eu.countries


def _sent(page: str) -> dict[str, list[str]]:
    from tests.admin_settings.conftest import form_values

    return form_values(page, PAGE)


def test_an_agent_may_not_open_or_change_the_settings(client: FlaskClient, container: Container) -> None:
    agent = Merchant(client, user="bob", role="agent")
    for path in ("/", "/policy", "/carrier", "/look"):
        assert agent.get(f"/admin/{SHOP}/settings{path}").status_code == 403
    manager = Merchant(client)
    data = form_values_with_token(manager)
    answer = client.post(PAGE, data={**data, "windows-days": "1", "action": "save"}, headers=agent.headers)
    assert answer.status_code == 403
    assert policy_version(container, SHOP) == 1


def form_values_with_token(merchant: Merchant) -> dict[str, list[str]]:
    return _sent(page_text(merchant.get(PAGE)))


def test_another_shops_merchant_sees_and_changes_nothing_here(client: FlaskClient, container: Container) -> None:
    other = Merchant(client, shop_id="shop-b")
    answer = client.get(PAGE, headers=other.headers)
    assert answer.status_code == 401
    assert "approve everything" not in page_text(answer)
    from tests.admin_settings.conftest import form_values

    data = form_values(page_text(other.get("/admin/shop-b/settings/policy")), "/admin/shop-b/settings/policy")
    posted = client.post(PAGE, data={**data, "windows-days": "1", "action": "save"}, headers=other.headers)
    assert posted.status_code == 401
    assert policy_version(container, SHOP) == 1


def test_a_form_without_the_way_ins_field_is_refused(merchant: Merchant, container: Container) -> None:
    data = form_values_with_token(merchant)
    data.pop("test_form")
    answer = merchant.web.post(PAGE, data={**data, "windows-days": "1", "action": "save"}, headers=merchant.headers)
    assert answer.status_code == 403
    assert policy_version(container, SHOP) == 1
