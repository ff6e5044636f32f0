"""Pages: the server-rendered Jinja pages people click, the customer portal (issue 18) and the agents' admin
(issue 20), distinct from the JSON API in ``connector.api``.

Why apart: the API answers programs in JSON with its own errors and OpenAPI description; the pages answer
browsers in HTML, with forms, CSRF, languages and accessibility to care for. Both are thin views over the
same use cases (``connector.services``): a page parses a form, calls one use case and renders its result,
so a return opened from a page and one opened through the API are decided by the same code.

What it holds: ``templates/`` (Jinja, extending ``base.html``) and ``static/`` (CSS, scripts, images served
by the app itself, no CDN); the languages (``i18n``: Flask-Babel and the choice of language, ``catalogs``:
the ``.po`` files of ``translations/`` compiled at start-up, ``formatting``: money, dates and plurals as
filters); and the signed values that replace a session under Shopify's app proxy, where cookies are stripped
(``signed``, keyed by ``keys``). The customer portal's blueprint is ``portal`` (one module per screen); the
app factory calls ``i18n.install_i18n`` then ``portal.install_portal``.
What it may import: the use cases, ``connector.domain`` and ``connector.policy`` for presenting, the config
and the store's key handling; never a platform, carrier or notifier (the wiring layer passes what the pages
need: the app proxy's verification lives in ``platforms.shopify.app_proxy``), nor the JSON API's views: only
its lookup allowance (``connector.api.lookup_limit``), which both doors must count in together.
"""
