"""Signing in at the store counter with an API key: the session cookie (scoped, HttpOnly, SameSite=Lax, Secure over
HTTPS, expiring on the server), refusals (bad key, another shop's, revoked), sign-out and the rate limit."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from connector.bootstrap import Container
from tests.api.conftest import Clock, issue_key
from tests.store_page.conftest import SHOP, csrf_of, open_in_store, page_token, set_shop_locale, sign_in


def _cookie_header(answer: object) -> str:
    headers = answer.headers.getlist("Set-Cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith("store_session=")]
    assert found, headers
    return found[0]


def test_a_good_key_opens_a_session_scoped_to_the_shop(client: FlaskClient, staff_key: str) -> None:
    answer = sign_in(client, staff_key)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/store/shop-a/")
    cookie = _cookie_header(answer)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/store/shop-a" in cookie
    assert "Secure" not in cookie  # plain HTTP in development
    assert staff_key not in cookie  # ids only
    page = client.get("/store/shop-a/")
    assert page.status_code == 200
    assert 'id="q"' in page.get_data(as_text=True) and "autofocus" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


def test_over_https_the_cookie_is_secure(client: FlaskClient, staff_key: str) -> None:
    form = client.get("/store/shop-a/sign-in", base_url="https://localhost").get_data(as_text=True)
    answer = client.post("/store/shop-a/sign-in", data={"csrf": csrf_of(form), "api_key": staff_key},
                         base_url="https://localhost")
    assert answer.status_code == 303
    assert "Secure" in _cookie_header(answer)


def test_a_bad_key_gets_the_form_again_with_the_field_marked(client: FlaskClient, container: Container) -> None:
    other_shops_key = issue_key(container, "shop-b")
    for key in ("rck_000000000000_" + "x" * 43, "not a key", other_shops_key):
        answer = sign_in(client, key)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 403
        assert 'id="api_key"' in page and 'aria-invalid="true"' in page
        assert "This is not an API key of this shop" in page
        assert not [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("store_session=")]
    assert client.get("/store/shop-a/").status_code == 303


def test_an_empty_key_or_a_bad_name_is_marked(client: FlaskClient, staff_key: str) -> None:
    answer = sign_in(client, "")
    assert answer.status_code == 422 and "Enter one of the API keys of this shop." in answer.get_data(as_text=True)
    answer = sign_in(client, staff_key, staff_name="<script>")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="staff_name"' in page and "at most 40 letters" in page
    assert "<script>" not in page


def test_without_a_session_every_page_leads_to_the_sign_in_and_back(client: FlaskClient, staff_key: str) -> None:
    return_id = open_in_store(client)
    asked = f"/store/shop-a/returns/{return_id}"
    answer = client.get(asked)
    assert answer.status_code == 303
    assert "/store/shop-a/sign-in?next=" in answer.headers["Location"]
    form = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f'name="next" value="{asked}"' in form
    back = sign_in(client, staff_key, next_path=asked)
    assert back.status_code == 303 and back.headers["Location"].endswith(asked)


def test_next_never_leads_off_the_shops_store_pages(client: FlaskClient, staff_key: str) -> None:
    for wanted in ("https://evil.example/", "//evil.example/store/shop-a/", "/store/shop-b/", "/api/v1/",
                   "/store/shop-a//evil.example", "/store/shop-a\\x"):
        answer = sign_in(client, staff_key, next_path=wanted)
        assert answer.headers["Location"].endswith("/store/shop-a/"), wanted


def test_another_shops_pages_refuse_the_session(signed_in: FlaskClient, container: Container) -> None:
    b_return = open_in_store(signed_in, "shop-b", [{"order_line_id": "L1", "quantity": 1, "reason": "other",
                                                   "resolution": {"kind": "refund"}}])
    for path in (f"/store/shop-b/returns/{b_return}", "/store/shop-b/", "/store/shop-b/find?q=%231001"):
        answer = signed_in.get(path)
        assert answer.status_code == 303 and "/store/shop-b/sign-in" in answer.headers["Location"], path
    # Even sent to shop-b's path, shop-a's cookie is refused by its signed shop.
    value = signed_in.get_cookie("store_session", path="/store/shop-a")
    assert value is not None
    signed_in.set_cookie("store_session", value.value, path="/store/shop-b")
    answer = signed_in.get(f"/store/shop-b/returns/{b_return}")
    assert answer.status_code == 303 and "/store/shop-b/sign-in" in answer.headers["Location"]
    assert "ana@example.com" not in answer.get_data(as_text=True)
    # And shop-b's return is not shop-a's either.
    assert signed_in.get(f"/store/shop-a/returns/{b_return}").status_code == 404


def test_an_unknown_shop_is_a_page_not_found(client: FlaskClient) -> None:
    answer = client.get("/store/shop-z/sign-in")
    assert answer.status_code == 404 and "<html" in answer.get_data(as_text=True)


def test_the_session_expires_after_an_idle_hour_and_after_a_shift(signed_in: FlaskClient, clock: Clock) -> None:
    start = clock.now
    for _ in range(11):  # a page every 50 minutes keeps it, up to 8 hours
        clock.now += timedelta(minutes=50)
        answer = signed_in.get("/store/shop-a/")
        if clock.now - start > timedelta(hours=8):
            assert answer.status_code == 303
            break
        assert answer.status_code == 200, clock.now - start
    else:
        raise AssertionError("the session outlived its shift")


def test_an_idle_hour_ends_the_session(signed_in: FlaskClient, clock: Clock) -> None:
    clock.now += timedelta(minutes=61)
    assert signed_in.get("/store/shop-a/").status_code == 303


def test_revoking_the_key_ends_its_sessions(signed_in: FlaskClient, container: Container) -> None:
    with container.uow() as uow:
        key = uow.api_keys.list(SHOP)[0]
        assert uow.api_keys.revoke(SHOP, key.id, container.clock())
        uow.commit()
    assert signed_in.get("/store/shop-a/").status_code == 303


def test_sign_out_needs_the_sessions_token_then_ends_it(signed_in: FlaskClient) -> None:
    forged = signed_in.post("/store/shop-a/sign-out", data={"csrf": "forged"})
    assert forged.status_code == 303 and signed_in.get("/store/shop-a/").status_code == 200
    token = page_token(signed_in, "/store/shop-a/")
    answer = signed_in.post("/store/shop-a/sign-out", data={"csrf": token})
    assert answer.status_code == 303 and "/store/shop-a/sign-in" in answer.headers["Location"]
    assert signed_in.get("/store/shop-a/").status_code == 303
    assert "You are signed out." in signed_in.get(answer.headers["Location"]).get_data(as_text=True)


def test_the_sign_in_refuses_a_form_without_its_token(client: FlaskClient, staff_key: str) -> None:
    answer = client.post("/store/shop-a/sign-in", data={"api_key": staff_key})
    assert answer.status_code == 400 and "open for too long" in answer.get_data(as_text=True)
    assert client.get("/store/shop-a/").status_code == 303


def test_failed_sign_ins_are_limited(client: FlaskClient, staff_key: str) -> None:
    statuses = [sign_in(client, "rck_000000000000_" + "y" * 43).status_code for _ in range(11)]
    assert statuses[:10] == [403] * 10 and statuses[10] == 429
    limited = sign_in(client, staff_key)
    assert limited.status_code == 429 and limited.headers["Retry-After"]


def test_the_page_speaks_the_browsers_language_else_the_shops(client: FlaskClient, container: Container) -> None:
    assert "Sign in to take returns" in client.get("/store/shop-a/sign-in").get_data(as_text=True)
    french = client.get("/store/shop-a/sign-in", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr"' in french.get_data(as_text=True)
    set_shop_locale(container, SHOP, "fr")
    page = client.get("/store/shop-a/sign-in").get_data(as_text=True)
    assert '<html lang="fr"' in page
    english = client.get("/store/shop-a/sign-in", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="en"' in english
