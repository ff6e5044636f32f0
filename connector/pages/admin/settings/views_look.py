"""The portal's look and the shop's language (``/admin/<shop_id>/settings/look``): name, logo, accent colour and
links as the portal shows them (``connector.services.look_form``: checked by ``connector.branding``, a colour
too light comes with a readable shade of its hue), each empty field falling back to the value shown beside it,
and the shop's own language. Saved together (303 back); a mistake comes back marked (422)."""

from __future__ import annotations

from flask import redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.pages.admin.current import container
from connector.pages.admin.links import admin_url
from connector.pages.admin.settings import bp
from connector.pages.admin.settings.access import form_sent, settings_admin
from connector.pages.admin.settings.problems import error_sentences
from connector.services.look_form import LookForm, look_form, read_look_form, save_look


@bp.get("/look")
def look(shop_id: str) -> str:
    settings_admin(shop_id)
    return _page(shop_id, look_form(container(), shop_id), saved=request.args.get("done") == "saved")


@bp.post("/look")
def look_sent(shop_id: str) -> BaseResponse | tuple[str, int]:
    admin = settings_admin(shop_id)
    form = read_look_form(form_sent(admin))
    if form.choices is None or form.locale is None:
        return _page(shop_id, form), 422
    save_look(container(), shop_id, form.choices, form.locale)
    return redirect(admin_url("admin.settings.look", shop_id=shop_id, done="saved"), 303)


def _page(shop_id: str, form: LookForm, saved: bool = False) -> str:
    in_force = look_form(container(), shop_id).in_force
    return render_template("admin/settings/look.html", form=form, errors=error_sentences(form), saved=saved,
                           in_force=in_force, page_title=_("Look and language"))  # fmt: skip
