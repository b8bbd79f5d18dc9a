"""Slow clients and big bodies cannot take the site offline.

The web server reads requests in its own runtime, so a client that sends half a request and then
nothing holds no worker; a body larger than its address accepts gets 413 before a byte of it is
read (core/limits.py).
"""

import socket
import time

import pytest

from tests.production.harness import OFFICE_PASSWORD, OFFICE_USER, REQUEST_TIMEOUT, Browser, fetch

pytestmark = pytest.mark.production

HALF_REQUESTS = 50
# /healthz answers in milliseconds; sync workers held by half requests answered after 32 s.
HEALTHZ_LIMIT = 1.0
HUNDRED_MB = 100 * 1024 * 1024


def half_request(port: int) -> socket.socket:
    """A connection that sends the start of a request's head and then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return sock


def test_fifty_half_requests_do_not_delay_the_health_check(live_site, figures):
    sockets = [half_request(live_site.port) for _ in range(HALF_REQUESTS)]
    try:
        time.sleep(0.5)  # every half request has reached the server
        answers = [fetch(live_site.port, "/healthz") for _ in range(5)]
        page = fetch(live_site.port, "/staedte/")
    finally:
        for sock in sockets:
            sock.close()
    assert [answer.status for answer in answers] == [200] * 5
    slowest = max(answer.seconds for answer in answers)
    assert slowest < HEALTHZ_LIMIT, f"/healthz took {slowest:.1f} s with {HALF_REQUESTS} half requests open"
    assert page.status == 200
    figures(
        f"{HALF_REQUESTS} half-sent requests open: /healthz in {slowest * 1000:.0f} ms at most (5 tries), "
        f"/staedte/ in {page.seconds * 1000:.0f} ms"
    )


def announce(port: int, path: str, length: int, cookies: dict[str, str] | None = None) -> tuple[bytes, float]:
    """Sends a POST's head announcing `length` bytes and a first 64 KB of them; returns the
    status line of the answer (which must come without the rest) and the seconds it took."""
    head = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: multipart/form-data; boundary=grenze",
        f"Content-Length: {length}",
    ]
    if cookies:
        head.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items()))
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sock.sendall(b"--grenze\r\n" + b"x" * 65_536)
        answer = sock.recv(4096)
    return answer.split(b"\r\n", 1)[0], time.monotonic() - started


def test_a_hundred_megabyte_body_gets_413_at_once(live_site, site_db, figures):
    slug = site_db.execute("SELECT slug FROM events_meeting ORDER BY id LIMIT 1").fetchone()[0]
    photos = f"/redaktion/treffen/{slug}/fotos/"
    office = Browser(live_site.port)
    office.login(OFFICE_USER, OFFICE_PASSWORD)

    cases = {
        "login, anonymous, 100 MB": announce(live_site.port, "/anmelden/", HUNDRED_MB),
        "photo upload, anonymous, 100 MB": announce(live_site.port, photos, HUNDRED_MB),
        # Above the forms' cap: photo-sized bodies are for signed-in accounts only.
        "photo upload, anonymous, 5 MB": announce(live_site.port, photos, 5 * 1024 * 1024),
        "photo upload, signed in, 100 MB": announce(live_site.port, photos, HUNDRED_MB, office.cookies),
    }
    for case, (status_line, _) in cases.items():
        assert status_line == b"HTTP/1.1 413 Payload Too Large", f"{case}: {status_line!r}"
    assert fetch(live_site.port, "/healthz").status == 200
    figures(
        "bodies over the cap answered 413 without being read: "
        + ", ".join(f"{case} in {seconds * 1000:.0f} ms" for case, (_, seconds) in cases.items())
    )
