"""Nothing a customer sends produces a 5xx: every field of screens 1 and 2 gets garbage, the answer is a page of
ours with a 2xx, 3xx or 4xx status. And every page stays under 100 KB."""

from __future__ import annotations

import io
import random

from flask.testing import FlaskClient

from tests.portal_pages.conftest import SHOP, csrf_of, lines_url

GARBAGE = [
    "", " ", "0", "-1", "1e9", "99999999999999999999", "3.5", "NaN", "true", "null", "[]", "{}", "\x00",
    "é" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd", "#" * 70, "@", "a@", "@b.c",
    "refund", "keep",
    "exchange", "store_credit", "V-M", "V-XL", "damaged_in_transit", "1", "2", "\r\n", "\uff21\uff22\uff23",
]
LOOKUP_FIELDS = ["order_number", "email", "csrf", "lang"]
LINE_FIELDS = ["return", "qty", "reason", "note", "outcome", "variant"]


def _noise(rng: random.Random) -> str:
    return rng.choice(GARBAGE) if rng.random() < 0.8 else "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(20))


def test_garbage_in_the_lookup_form_never_fails(client: FlaskClient) -> None:
    rng = random.Random(18)
    token = csrf_of(client.get(f"/portal/{SHOP}/").get_data(as_text=True))
    for _ in range(60):
        data = {name: _noise(rng) for name in LOOKUP_FIELDS if rng.random() < 0.9}
        if rng.random() < 0.6:
            data["csrf"] = token
        answer = client.post(f"/portal/{SHOP}/lookup", data=data)
        assert answer.status_code < 500, (data, answer.status_code)
        assert answer.mimetype == "text/html"


def test_garbage_in_the_lines_form_never_fails(client: FlaskClient) -> None:
    rng = random.Random(2026)
    url = lines_url(client)
    token = csrf_of(client.get(url).get_data(as_text=True))
    for _ in range(60):
        data: dict[str, object] = {"csrf": token} if rng.random() < 0.85 else {}
        for index in range(rng.randrange(0, 4)):
            for name in LINE_FIELDS:
                if rng.random() < 0.8:
                    data[f"l{index}-{name}"] = "1" if name == "return" and rng.random() < 0.7 else _noise(rng)
        if rng.random() < 0.2:
            data["l1-photos"] = [(io.BytesIO(_noise(rng).encode("utf-8", "replace")), "x.jpg")]
        if rng.random() < 0.1:
            data["d"] = _noise(rng)
        if rng.random() < 0.1:
            data["lang"] = _noise(rng)
        answer = client.post(url, data=data, content_type="multipart/form-data")
        assert answer.status_code < 500, (data, answer.status_code)


def test_garbage_in_paths_and_queries_never_fails(client: FlaskClient) -> None:
    url = lines_url(client)
    for path in (f"{url}?d=", f"{url}?lang=xx", f"{url}?lang=", f"/portal/{SHOP}/o/", f"/portal/{SHOP}/o/%00",
                 f"/portal/{SHOP}/static/../../secret.key", f"/portal/{SHOP}/static/nothing.css", "/portal/%ff/",
                 f"/portal/{SHOP}/lookup?lang=\x00"):
        assert client.get(path).status_code < 500, path
    assert client.put(f"/portal/{SHOP}/lookup").status_code == 405


def test_bytes_that_are_not_utf8_never_fail(client: FlaskClient) -> None:
    token = csrf_of(client.get(f"/portal/{SHOP}/").get_data(as_text=True))
    body = f"csrf={token}&order_number=%ff%fe%00&email=%c3%28@example.com".encode()
    answer = client.post(f"/portal/{SHOP}/lookup", data=body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 422  # a control character is no part of an order number
    assert 'id="order_number-error"' in answer.get_data(as_text=True)


def test_pages_are_under_100_kb(client: FlaskClient) -> None:
    url = lines_url(client)
    errors = client.post(url, data={"csrf": csrf_of(client.get(url).get_data(as_text=True)), "l0-return": "1",
                                    "l1-return": "1"})
    for page in (client.get(f"/portal/{SHOP}/"), client.get(url), errors):
        assert len(page.get_data()) < 100_000
