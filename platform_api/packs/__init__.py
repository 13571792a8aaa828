"""Force packs: everything about a place as data (see docs/packs.md).

pack = load_pack("london")            # or a site's folder: load_pack(Path(...))
pack.district_at(51.5, -0.12).name    # "Westminster"
"""

from platform_api.packs.load import (
    DEFAULT_PACK,
    PackError,
    load_pack,
    pack_folder,
    shipped_packs,
)
from platform_api.packs.model import Base, District, Force, ForcePack, Place, RosterLine

__all__ = [
    "DEFAULT_PACK",
    "Base",
    "District",
    "Force",
    "ForcePack",
    "PackError",
    "Place",
    "RosterLine",
    "load_pack",
    "pack_folder",
    "shipped_packs",
]
