"""The client's address, also behind proxies: who counts for the login throttling and reset-mail cap.

Behind a proxy every request comes from the proxy's address (REMOTE_ADDR), so a limit per
address would be one limit for all visitors. The proxies named in TRUSTED_PROXIES (addresses or
networks, e.g. "10.0.0.0/8,127.0.0.1") append the address they received the request from to
`X-Forwarded-For`; reading that header from the right, the first address that is not a trusted
proxy is the client. Entries left of it were written by the client itself and are never
believed; without trusted proxies the header is ignored altogether.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request` (django-axes' AXES_CLIENT_IP_CALLABLE too)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks()
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    for address in reversed(forwarded):
        if not _trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                # A proxy of ours would not write this: the header is broken, count the proxy.
                return remote
    # Only proxies of ours (or no header): the leftmost of them is as close to the client as we get.
    return forwarded[0] if forwarded else remote
