"""The pages' own CSS and scripts (``connector/pages/static``), served by the app itself: no CDN at run time.

One place for the portal, the store page and the admin, which each route ``/static/<file>`` under their own
prefix (a framed or proxied page can only reach the app under its own path) but serve the same directory the
same way: an hour of public caching, since the file names carry no content hash yet and a release must reach
every page the same day.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from flask import Response, send_from_directory

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
STATIC_MAX_AGE: Final = 3600


def send_static(filename: str) -> Response:
    """One of the pages' static files (``Cache-Control: public, max-age=3600``); a 404 for anything else."""
    return send_from_directory(STATIC_DIR, filename, max_age=STATIC_MAX_AGE)
