"""Scan or type: one field, focused when the page opens, that takes what staff have in hand.

- the URL of a return's QR code (the label's, or the one the portal shows the customer): its signed code names
  the return (``links``); a code of another shop, or edited, is refused;
- a return's number (the label's barcode, or read from the customer's e-mail), in any case;
- an order's number (``#1001`` or ``1001``): the order's returns, one of them opened directly, several listed.

A USB scanner types and presses Enter, so the form is a plain GET that works without JavaScript; where the
browser has a camera and the ``BarcodeDetector`` API, ``store-scan.js`` offers to scan with it (the button is
hidden otherwise). A scanned URL opened directly (a phone's camera app) lands on ``/c/<code>``: after the sign-in
if need be, it leads to the return's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.domain.returns import ReturnRequest
from connector.pages.store import bp
from connector.pages.store.current import code_keys, container
from connector.pages.store.links import read_return_code, store_path
from connector.pages.store.session import staff_required
from connector.services.store_counter import MAX_TYPED, find_returns

FIELD: Final = "q"
_CODE_MARK: Final = "/c/"


@dataclass
class ScanForm:
    typed: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    found: tuple[ReturnRequest, ...] = ()


def code_in(shop_id: str, typed: str) -> str | None:
    """The signed code in a scanned store URL of this shop (any host: the app may have moved); None otherwise."""
    prefix = store_path(shop_id) + _CODE_MARK
    path = urlsplit(typed).path if "://" in typed else typed
    return path[len(prefix):] if path.startswith(prefix) else None


@bp.get("/")
@staff_required
def scan(shop_id: str) -> str:
    return _page(ScanForm())


@bp.get("/find")
@staff_required
def find(shop_id: str) -> BaseResponse | tuple[str, int] | str:
    form = ScanForm(typed=request.args.get(FIELD, "").strip()[:MAX_TYPED])
    if not form.typed:
        form.errors[FIELD] = _("Scan the code of the return, or type its return number or order number.")
        return _page(form), 422
    code = code_in(shop_id, form.typed)
    if code is not None or "://" in form.typed:
        return_id = read_return_code(code_keys(), shop_id, code or "")
        if return_id is None:
            form.errors[FIELD] = _("This code is not a return of this shop. Type the return number instead.")
            return _page(form), 404
        return redirect(url_for("store.return_page", shop_id=shop_id, return_id=return_id), 303)
    bare_code = read_return_code(code_keys(), shop_id, form.typed) if "." in form.typed else None
    if bare_code is not None:  # the code alone, as some scanner apps give the URL's last part
        return redirect(url_for("store.return_page", shop_id=shop_id, return_id=bare_code), 303)
    form.found = find_returns(container(), shop_id, form.typed)
    if len(form.found) == 1:
        return redirect(url_for("store.return_page", shop_id=shop_id, return_id=form.found[0].id), 303)
    if not form.found:
        form.errors[FIELD] = _("No return has this return number or order number. Check it and try again.")
        return _page(form), 404
    return _page(form)


@bp.get("/c/<token>")
@staff_required
def scanned(shop_id: str, token: str) -> BaseResponse | tuple[str, int]:
    """A return's QR code opened directly: its return's page, when the code is this shop's."""
    return_id = read_return_code(code_keys(), shop_id, token)
    if return_id is None:
        form = ScanForm(errors={FIELD: _("This code is not a return of this shop. Type the return number instead.")})
        return _page(form), 404
    return redirect(url_for("store.return_page", shop_id=shop_id, return_id=return_id), 303)


def _page(form: ScanForm) -> str:
    return render_template("store/scan.html", form=form, field=FIELD, page_title=_("Scan a return"))
