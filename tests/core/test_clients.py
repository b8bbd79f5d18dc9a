"""The client's address behind trusted proxies (core/clients.py)."""

import pytest
from django.test import RequestFactory

from core.clients import client_address


def address(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        # No trusted proxies: the header is ignored.
        ([], "10.0.0.5", "198.51.100.7", "10.0.0.5"),
        # A trusted proxy: the address it appended.
        (["10.0.0.5"], "10.0.0.5", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.5", " 198.51.100.7 ", "198.51.100.7"),
        # What the client wrote itself (left of the proxy's entry) is not believed.
        (["10.0.0.0/8"], "10.0.0.5", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Two proxies of ours in a row: the first untrusted address from the right.
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.7, 10.0.0.9", "198.51.100.7"),
        # A request that did not come through a trusted proxy: its header is ignored.
        (["10.0.0.0/8"], "203.0.113.1", "198.51.100.7", "203.0.113.1"),
        # No header, only proxies, or garbage: the proxy (or the leftmost proxy) counts.
        (["10.0.0.0/8"], "10.0.0.5", None, "10.0.0.5"),
        (["10.0.0.0/8"], "10.0.0.5", "10.0.0.7, 10.0.0.9", "10.0.0.7"),
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.7, kein-ip", "10.0.0.5"),
        # IPv6, written in any form, comes out in one form.
        (["2001:db8::/32"], "2001:db8::1", "2001:0DB9:0:0:0:0:0:FF", "2001:db9::ff"),
    ],
)
def test_the_client_is_the_first_untrusted_address_from_the_right(settings, trusted, remote, forwarded, client):
    settings.TRUSTED_PROXIES = trusted
    assert address(remote, forwarded) == client
