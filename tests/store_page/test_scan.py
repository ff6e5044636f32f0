"""Scan or type at the counter: a scanned store URL (the QR codes'), its code opened directly, a return number in
any case, an order number (one return opened, several listed), and what is refused (another shop's code, an
edited one, a number that names nothing)."""

from __future__ import annotations

from urllib.parse import quote

from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.pages.keys import portal_keys
from connector.pages.store.links import store_return_url
from tests.store_page.conftest import L1, L2, open_in_store, sign_in


def _find(client: FlaskClient, typed: str, shop_id: str = "shop-a") -> tuple[int, str, str]:
    answer = client.get(f"/store/{shop_id}/find", query_string={"q": typed})
    return answer.status_code, answer.headers.get("Location", ""), answer.get_data(as_text=True)


def _url(container: Container, shop_id: str, return_id: str) -> str:
    return store_return_url(container.config, shop_id, return_id, keys=portal_keys(container.config))


def test_a_scanned_store_url_opens_its_return(signed_in: FlaskClient, container: Container) -> None:
    return_id = open_in_store(signed_in)
    status, location, _ = _find(signed_in, _url(container, "shop-a", return_id))
    assert status == 303 and location.endswith(f"/store/shop-a/returns/{return_id}")
    page = signed_in.get(location).get_data(as_text=True)
    assert return_id in page and "#1001" in page


def test_another_shops_or_an_edited_code_is_refused(signed_in: FlaskClient, container: Container) -> None:
    a_return = open_in_store(signed_in)
    b_return = open_in_store(signed_in, "shop-b", [{**L1, "quantity": 1}])
    forged = _url(container, "shop-a", a_return).replace(a_return, b_return)
    for typed in (_url(container, "shop-b", b_return), forged, "https://evil.example/x", forged.rsplit("/", 1)[1]):
        status, _, page = _find(signed_in, typed)
        assert status == 404, typed
        assert 'aria-invalid="true"' in page and b_return not in page.replace(typed, "")


def test_a_code_opened_directly_asks_for_the_sign_in_then_shows_the_return(
    client: FlaskClient, container: Container, staff_key: str
) -> None:
    return_id = open_in_store(client)
    path = _url(container, "shop-a", return_id).removeprefix(container.config.app.base_url)
    answer = client.get(path)
    assert answer.status_code == 303 and "sign-in?next=" in answer.headers["Location"]
    back = sign_in(client, staff_key, next_path=path)
    assert back.headers["Location"].endswith(path)
    opened = client.get(path)
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/returns/{return_id}")
    assert client.get(f"/store/shop-a/c/{quote(return_id)}.forged").status_code == 404


def test_a_typed_return_number_in_any_case(signed_in: FlaskClient) -> None:
    return_id = open_in_store(signed_in)
    for typed in (return_id, return_id.lower(), f"  {return_id} "):
        status, location, _ = _find(signed_in, typed)
        assert status == 303 and location.endswith(f"/returns/{return_id}"), typed


def test_an_order_number_opens_its_only_return_or_lists_them(signed_in: FlaskClient) -> None:
    first = open_in_store(signed_in, lines=[{**L1, "quantity": 1}])
    for typed in ("#1001", "1001", " # 1001"):
        status, location, _ = _find(signed_in, typed)
        assert status == 303 and location.endswith(f"/returns/{first}"), typed
    second = open_in_store(signed_in, lines=[L2])
    status, _, page = _find(signed_in, "#1001")
    assert status == 200
    assert first in page and second in page and "Returns of this order" in page


def test_nothing_found_or_nothing_typed_marks_the_field(signed_in: FlaskClient) -> None:
    b_return = open_in_store(signed_in, "shop-b", [{**L1, "quantity": 1}])
    for typed, expected in (("#9999", 404), (b_return, 404), ("", 422), ("\x00", 404)):
        status, _, page = _find(signed_in, typed)
        assert status == expected, typed
        assert 'id="q"' in page and 'aria-invalid="true"' in page and 'id="q-error"' in page


def test_errors_speak_french_to_a_french_browser(signed_in: FlaskClient) -> None:
    answer = signed_in.get("/store/shop-a/find?q=%239999", headers={"Accept-Language": "fr"})
    page = answer.get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert "No return has this return number" not in page


def test_control_characters_anywhere_are_a_page_not_found(signed_in: FlaskClient) -> None:
    """PostgreSQL refuses a NUL in any text: none reaches it, from the path or the field."""
    for path in ("/store/shop-a/returns/R%00", "/store/shop%00/", "/store/shop-a/c/R%00.x",
                 "/store/shop-a/find?q=R%00"):
        answer = signed_in.get(path)
        assert answer.status_code in (303, 404), path
