"""The read-only open-data API under /api/: the NinjaAPI of public/api/base.py with the routers
of towns, networks and meetings (each imports its shared pieces from base)."""

from public.api import meetings, networks, towns
from public.api.base import api, unknown_address

api.add_router("", towns.router)
api.add_router("", networks.router)
api.add_router("", meetings.router)

__all__ = ["api", "unknown_address"]
