"""Customers' photos of a damaged, defective or not-as-described item: checked, cleaned and stored.

``checking`` decides from the bytes alone whether a file is a photo we accept and re-encodes it without its
metadata; ``ports`` is the storage interface the services use; ``local`` keeps photos as private files under
the data directory (the default).
"""

from connector.photos.checking import CleanPhoto, PhotoRefused, clean_photo
from connector.photos.ports import PhotoRef, PhotoStore

__all__ = ["CleanPhoto", "PhotoRef", "PhotoRefused", "PhotoStore", "clean_photo"]
