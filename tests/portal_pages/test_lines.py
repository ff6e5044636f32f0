"""Screen 2: what each line can be returned for, the form's checks, photos, and the draft handed to screen 3."""

from __future__ import annotations

import io
import random
import re
from datetime import timedelta
from decimal import Decimal

from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import TestResponse

from connector.bootstrap import Container
from connector.domain.resolutions import ResolutionKind
from connector.pages.portal.draft import DraftLine
from connector.policy import Decision, Policy
from connector.policy.model import Amounts, Bonus, BonusKind, KeepItem, Outcomes
from tests.api.conftest import Clock
from tests.portal_pages.conftest import csrf_of, draft_in, lines_url, photo, use_policy

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def choose(
    web: FlaskClient, url: str, fields: dict[str, object], headers: dict[str, str] | None = None
) -> TestResponse:
    """POST the lines form as a browser would, with the page's own token."""
    token = csrf_of(web.get(url, headers=headers or {}).get_data(as_text=True))
    return web.post(url, data={"csrf": token, **fields}, headers=headers or {}, content_type="multipart/form-data")


def field_tag(html: str, field_id: str) -> str:
    found = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', html, re.S)
    assert found is not None, field_id
    return found.group(0)


def test_each_line_says_what_can_be_returned_until_when_and_why_not(client: FlaskClient) -> None:
    html = client.get(lines_url(client)).get_data(as_text=True)
    assert 'id="l0-return"' in html and 'id="l1-return"' in html
    assert 'id="l2-return"' not in html  # the final-sale line has no checkbox
    assert "This item cannot be returned." in html
    assert "Sale scarf: final sale, cannot be returned." in html
    assert "2 items can be returned, until" in html
    assert re.search(r"\(\d+ days left\)", html)
    assert len(html.encode()) < 100_000


def test_an_order_with_nothing_returnable_says_so_and_offers_no_form(client: FlaskClient, clock: Clock) -> None:
    clock.now += timedelta(days=60)  # every return window has closed
    html = client.get(lines_url(client)).get_data(as_text=True)
    assert "Nothing in this order can be returned now" in html
    assert 'type="checkbox"' not in html and "Continue" not in html


def test_the_page_is_french_for_a_french_browser_with_dates_and_money_in_french(client: FlaskClient) -> None:
    url = lines_url(client)
    html = client.get(url, headers=FRENCH).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "jusqu\u2019au" in html
    months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    assert re.search(rf"\d{{1,2}} ({months}) 2026", html)
    assert "32,00\u00a0€" in html
    assert "vente finale" in html  # the policy's own explanation, in French too


def test_the_order_language_wins_over_the_browser(client: FlaskClient) -> None:
    html = client.get(lines_url(client, shop="shop-b")).get_data(as_text=True)  # English browser, French customer
    assert '<html lang="fr"' in html


def test_exchange_offers_the_shops_variants_with_price_difference_and_stock(client: FlaskClient) -> None:
    html = client.get(lines_url(client)).get_data(as_text=True)
    select = re.search(r'<select id="l0-variant".*?</select>', html, re.S)
    assert select is not None
    options = select.group(0)
    assert re.search(r'<option value="V-M">M · €9.00 to pay', options)
    assert re.search(r'<option value="V-XL" disabled>XL · out of stock', options)
    assert "V-L1" not in options  # the variant being returned is not offered back


def test_store_credit_shows_its_bonus_as_money(client: FlaskClient, container: Container) -> None:
    use_policy(container, Policy(name="bonus", default_action=Decision.APPROVE,
                                 bonus=Bonus(BonusKind.PERCENT, percent=Decimal(10))))
    html = client.get(lines_url(client)).get_data(as_text=True)
    assert "+ €3.20 bonus per item" in html


def test_keep_the_item_is_offered_only_when_the_policy_grants_it(client: FlaskClient, container: Container) -> None:
    url = lines_url(client)
    assert 'value="keep"' not in client.get(url).get_data(as_text=True)
    keep = KeepItem(below=Amounts({"EUR": Decimal(50)}))
    use_policy(container, Policy(name="keep", default_action=Decision.APPROVE, keep_item=keep))
    assert 'value="keep"' in client.get(url).get_data(as_text=True)
    too_much = choose(client, url, {"l0-return": "1", "l0-qty": "2", "l0-reason": "unwanted", "l0-outcome": "keep"})
    assert too_much.status_code == 422
    assert "Items can be kept only when the return is worth less than €50.00." in too_much.get_data(as_text=True)


def test_nothing_selected_comes_back_with_the_error_summary(client: FlaskClient) -> None:
    answer = choose(client, lines_url(client), {})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'role="alert"' in html
    assert '<a href="#l0-return">Choose at least one item to return.</a>' in html


def test_each_wrong_field_is_marked_and_tied_to_its_message(client: FlaskClient) -> None:
    answer = choose(client, lines_url(client), {
        "l0-return": "1", "l0-qty": "3", "l0-reason": "", "l0-outcome": "exchange", "l0-variant": "V-XL",
        "l1-return": "1", "l1-qty": "1", "l1-reason": "size_too_small", "l1-outcome": "teleport",
    })
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for field_id in ("l0-qty", "l0-reason", "l0-variant"):
        tag = field_tag(html, field_id)
        assert 'aria-invalid="true"' in tag and f"{field_id}-error" in tag
        assert f'id="{field_id}-error"' in html
    assert "Choose a quantity from 1 to 2." in html
    assert "This one is out of stock. Choose another one." in html
    assert 'id="l1-outcome-error"' in html
    assert 'value="3" selected' not in html and field_tag(html, "l0-return").count("checked") == 1


def test_errors_come_back_in_french(client: FlaskClient) -> None:
    answer = choose(client, lines_url(client), {"l0-return": "1", "l0-qty": "1"}, headers=FRENCH)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert '<html lang="fr"' in html
    assert "Indiquez pourquoi vous retournez cet article." in html


def test_valid_choices_go_to_the_method_screen_with_a_draft(client: FlaskClient) -> None:
    url = lines_url(client)
    answer = choose(client, url, {
        "l0-return": "1", "l0-qty": "2", "l0-reason": "size_too_small", "l0-outcome": "exchange", "l0-variant": "V-M",
        "l0-note": "  Too tight  ",
        "l1-qty": "1", "l1-reason": "unwanted",  # not ticked: left out
    })
    assert answer.status_code == 303, answer.get_data(as_text=True)
    location = answer.headers["Location"]
    assert location.startswith(url + "/method?")
    draft = draft_in(location, client)
    assert draft.lines == (DraftLine("L1", 2, "size_too_small", "Too tight", "exchange", "V-M",
                                     exchange_product_id="P-1", exchange_title=("Shirt", "M")),)
    assert draft.method is None and len(draft.draft_id) == 32


def test_coming_back_with_the_draft_shows_the_choices_and_keeps_its_id(client: FlaskClient) -> None:
    url = lines_url(client)
    first = choose(client, url,
                   {"l1-return": "1", "l1-qty": "1", "l1-reason": "unwanted", "l1-outcome": "store_credit"})
    draft = draft_in(first.headers["Location"], client)
    token = first.headers["Location"].split("d=", 1)[1]
    html = client.get(f"{url}?d={token}").get_data(as_text=True)
    assert "checked" in field_tag(html, "l1-return")
    assert re.search(r'id="l1-outcome-store_credit" name="l1-outcome" value="store_credit"\s*checked', html)
    again = client.post(url, data={"csrf": csrf_of(html), "d": token, "l1-return": "1", "l1-qty": "1",
                                   "l1-reason": "colour", "l1-outcome": "refund"})
    assert again.status_code == 303
    changed = draft_in(again.headers["Location"], client)
    assert changed.draft_id == draft.draft_id
    assert changed.lines[0].reason == "colour"


def test_photos_are_stored_at_once_for_a_damaged_item(client: FlaskClient, container: Container) -> None:
    url = lines_url(client)
    answer = choose(client, url, {
        "l1-return": "1", "l1-qty": "1", "l1-reason": "damaged_in_transit", "l1-outcome": "refund",
        "l1-photos": [(_file(photo("PNG")), "a.png"), (_file(photo("JPEG")), "b.jpg")],
    })
    assert answer.status_code == 303, answer.get_data(as_text=True)
    refs = draft_in(answer.headers["Location"], client).lines[0].photo_refs
    assert len(refs) == 2
    assert all(container.photos.open(ref.split("|", 2)[2]) for ref in refs)


def test_full_size_photos_fit_in_one_post(client: FlaskClient) -> None:
    """Three phone photos are megabytes; the app's default body limit (the webhooks', 1 MB) must not refuse them."""
    noisy = _noise_png()
    assert len(noisy) > 1_100_000
    answer = choose(client, lines_url(client), {
        "l1-return": "1", "l1-qty": "1", "l1-reason": "defective", "l1-outcome": "refund",
        "l1-photos": [(_file(noisy), "big.png")],
    })
    assert answer.status_code == 303, answer.status_code


def test_a_refused_photo_comes_back_with_the_reason(client: FlaskClient) -> None:
    url = lines_url(client)
    not_a_photo = choose(client, url, {
        "l1-return": "1", "l1-qty": "1", "l1-reason": "defective", "l1-outcome": "refund",
        "l1-photos": [(_file(b"just some text"), "note.jpg")],
    })
    assert not_a_photo.status_code == 422
    html = not_a_photo.get_data(as_text=True)
    assert "One of the files is not a photo." in html
    assert 'aria-invalid="true"' in field_tag(html, "l1-photos")
    wrong_reason = choose(client, url, {
        "l1-return": "1", "l1-qty": "1", "l1-reason": "size_too_small", "l1-outcome": "refund",
        "l1-photos": [(_file(photo()), "a.png")],
    })
    assert wrong_reason.status_code == 422
    assert "Photos are only for an item that is damaged" in wrong_reason.get_data(as_text=True)
    too_many = choose(client, url, {
        "l1-return": "1", "l1-qty": "1", "l1-reason": "defective", "l1-outcome": "refund",
        "l1-photos": [(_file(photo()), f"{n}.png") for n in range(4)],
    })
    assert too_many.status_code == 422
    assert "A return takes at most 3 photos." in too_many.get_data(as_text=True)


def test_an_outcome_the_policy_does_not_give_is_refused(client: FlaskClient, container: Container) -> None:
    use_policy(container, Policy(name="refunds only", default_action=Decision.APPROVE,
                                 outcomes=Outcomes(allowed=frozenset({ResolutionKind.REFUND}))))
    url = lines_url(client)
    html = client.get(url).get_data(as_text=True)
    assert 'value="store_credit"' not in html
    answer = choose(client, url,
                    {"l0-return": "1", "l0-qty": "1", "l0-reason": "unwanted", "l0-outcome": "store_credit"})
    assert answer.status_code == 422


def _file(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)


def _noise_png() -> bytes:
    """A PNG that does not compress: random pixels."""
    image = Image.frombytes("RGB", (700, 700), random.Random(7).randbytes(700 * 700 * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
