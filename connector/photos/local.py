"""Photos as private files under the data directory: the default store, for a single server or a shared volume.

Layout: ``<root>/<shop digest>/<return digest>/<random>.<ext>``. Directory names are digests of the ids and
file names are random, so nothing a customer or a platform sends ever becomes part of a path, and a key read
back from the database is accepted only if it has exactly that shape: no ``..``, no absolute path, no other
file of the data directory. Files are 0600 in 0700 directories (``connector.private_files``) and appear whole
or not at all (written aside, then renamed).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Final

from connector.photos.checking import EXTENSIONS
from connector.photos.ports import PhotoRef
from connector.private_files import FILE_MODE, private_dir

_KEY: Final = re.compile(r"^[0-9a-f]{32}/[0-9a-f]{32}/[0-9a-f]{32}\.(?:jpg|png|webp)$")


class LocalPhotoStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, shop_id: str, return_id: str, content: bytes, media_type: str) -> PhotoRef:
        extension = EXTENSIONS.get(media_type)
        if extension is None:
            raise ValueError(f"not a media type photos are kept in: {media_type!r}")
        directory = self.root / _digest("shop", shop_id) / _digest("return", return_id)
        private_dir(directory)
        name = f"{secrets.token_hex(16)}.{extension}"
        _write_whole(directory / name, content)
        return PhotoRef(f"{directory.parent.name}/{directory.name}/{name}", media_type, len(content))

    def open(self, ref: PhotoRef | str) -> bytes:
        try:
            return self._path(ref).read_bytes()
        except FileNotFoundError:
            raise KeyError(_key(ref)) from None

    def delete(self, ref: PhotoRef | str) -> None:
        self._path(ref).unlink(missing_ok=True)

    def delete_for_shop(self, shop_id: str) -> int:
        directory = self.root / _digest("shop", shop_id)
        if not directory.is_dir():
            return 0
        count = sum(1 for path in directory.rglob("*") if path.is_file())
        shutil.rmtree(directory)
        return count

    def _path(self, ref: PhotoRef | str) -> Path:
        key = _key(ref)
        if not _KEY.fullmatch(key):
            raise KeyError(key)  # not a key this store made: never turned into a path
        return self.root / key


def _key(ref: PhotoRef | str) -> str:
    return ref.key if isinstance(ref, PhotoRef) else ref


def _digest(kind: str, value: str) -> str:
    """A fixed-length hex name for an id: a shop id with ``/`` or ``..`` in it is just another name."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]


def _write_whole(path: Path, content: bytes) -> None:
    """Written to a hidden temporary name, flushed, then renamed: a crash leaves no half photo."""
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
