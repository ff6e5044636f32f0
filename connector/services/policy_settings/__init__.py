"""The merchant's return policy as a form on the settings page: read and checked field by field, tried on past
returns before it is saved, then saved as the shop's next version.

- ``form_of(policy, version)`` / ``read_form(data)``: the form's fields from a policy, and a policy from what a
  browser sent, with a ``Problem`` (a code the page words in the admin's language) under each wrong field;
  ``with_eu_preset(data)`` turns the EU withdrawal preset on in a form as sent;
- ``simulate_draft(deps, shop_id, draft)``: the shop's recent returns judged again under the draft, and what
  would change against what was decided;
- ``save_policy(deps, shop_id, draft, base_version, actor)``: the draft as the next version, unless the policy
  changed since the form was opened.

Everything here is plain use cases over ``Deps``; the pages (``connector.pages.admin.settings``) only show them.
"""

from connector.services.policy_settings.form import BASE_VERSION, PolicyForm
from connector.services.policy_settings.reading import read_form
from connector.services.policy_settings.saving import (
    PolicyChanged,
    SavedPolicy,
    policy_in_force,
    policy_version,
    save_policy,
)
from connector.services.policy_settings.simulation import DraftSimulation, ReturnChange, simulate_draft
from connector.services.policy_settings.writing import form_of, with_eu_preset
from connector.services.settings_form import FORM_PROBLEM, FormData, Problem

__all__ = [
    "BASE_VERSION",
    "FORM_PROBLEM",
    "DraftSimulation",
    "FormData",
    "PolicyChanged",
    "PolicyForm",
    "Problem",
    "ReturnChange",
    "SavedPolicy",
    "form_of",
    "policy_in_force",
    "policy_version",
    "read_form",
    "save_policy",
    "simulate_draft",
    "with_eu_preset",
]
