"""Who may change the settings, and the form as sent.

The settings are the merchant's: the shop's administrator or manager (``AdminContext.may_change_settings``); a
support agent handles returns only and is answered 403, on every settings page and form alike. The form as the
services read it leaves out the way in's own hidden fields (its CSRF lock): they are the authenticator's, already
checked, and no setting.
"""

from __future__ import annotations

from flask import abort, request

from connector.pages.admin.auth import current_admin
from connector.pages.admin.context import AdminContext
from connector.services.settings_form import FormData


def settings_admin(shop_id: str) -> AdminContext:
    """The merchant using ``shop_id``'s settings (``current_admin``'s answer for anyone else); 403 for an agent."""
    admin = current_admin(shop_id)
    if not admin.may_change_settings:
        abort(403)
    return admin


def form_sent(admin: AdminContext) -> FormData:
    """Every value of each field sent, without the context's own fields."""
    return {name: values for name, values in request.form.lists() if name not in admin.form_fields}
