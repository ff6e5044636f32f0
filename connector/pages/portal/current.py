"""What a portal view takes from the app it runs in: the use cases' collaborators and the portal's signer.

The entry point (``create_core_app``) puts the process's container in ``app.extensions["connector"]`` and
``install_i18n`` the signer; views ask here rather than reaching into ``current_app`` themselves.
"""

from __future__ import annotations

from typing import cast

from flask import current_app

from connector.bootstrap import Container
from connector.pages.i18n import SIGNER_EXTENSION
from connector.pages.signed import PortalSigner


def container() -> Container:
    """The process's container: it is the ``Deps`` of every use case, and the rate limiter's store."""
    return cast(Container, current_app.extensions["connector"])


def signer() -> PortalSigner:
    return cast(PortalSigner, current_app.extensions[SIGNER_EXTENSION])
