"""Files that hold secrets (the SQLite database, the development key) and the directories they live in
are created readable by their owner only: 0600 files in 0700 directories, whatever the umask.

Only what we create is tightened. An existing directory (``/var/lib``, a shared checkout's ``var/``) or
an existing database file keeps the mode its owner gave it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600


def private_dir(path: Path) -> None:
    """Create ``path`` and any missing parents, each 0700."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=DIR_MODE)
        except FileExistsError:  # created meanwhile by another process: not ours to tighten
            continue
        os.chmod(directory, DIR_MODE)  # mkdir's mode is filtered through the umask


def private_file(path: Path) -> None:
    """Create ``path`` empty, 0600, in a private directory, unless it exists already."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)
