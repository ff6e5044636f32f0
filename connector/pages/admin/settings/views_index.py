"""What the merchant can set (``GET /admin/<shop_id>/settings/``): the policy in force, the carrier and the look,
each with a link to its page."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from connector.pages.admin.current import container
from connector.pages.admin.settings import bp
from connector.pages.admin.settings.access import settings_admin
from connector.services.carriers import shop_carrier
from connector.services.policy_settings import policy_in_force


@bp.get("/")
def index(shop_id: str) -> str:
    settings_admin(shop_id)
    policy, version = policy_in_force(container(), shop_id)
    return render_template("admin/settings/index.html", policy=policy, version=version,
                           carrier=shop_carrier(container(), shop_id), page_title=_("Settings"))  # fmt: skip
