"""The cap on request bodies (core/limits.py): 413 before anything reads the body.

The test client's payload refuses to be read beyond what it holds, so a request that announces
100 MB but carries a few bytes proves that nothing tried to read the announced body.
"""

from wsgiref.util import is_hop_by_hop

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.pages import page

HUNDRED_MB = str(100 * 1024 * 1024)
FIVE_MB = str(5 * 1024 * 1024)
PHOTOS = "/redaktion/treffen/gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025/fotos/"


def announce(client, path, length):
    return client.post(path, {"username": "x", "password": "y"}, CONTENT_LENGTH=length)


@pytest.mark.parametrize("path", ["/anmelden/", "/staedte/", "/admin/login/", "/passwort-vergessen/", PHOTOS])
def test_an_anonymous_hundred_megabyte_body_gets_413_with_a_german_page(client, demo, path):
    response = announce(client, path, HUNDRED_MB)
    assert response.status_code == 413
    # Hop-by-hop headers are the server's business (PEP 3333; the development server refuses them).
    assert not any(is_hop_by_hop(name) for name in response.headers)
    assert response["Cache-Control"] == "no-store"
    text = page(response).text
    assert "Diese Sendung ist zu groß" in text
    assert "höchstens 3,0 MB" in text


def test_photo_sized_bodies_are_for_signed_in_accounts_on_the_photo_addresses_only(client, demo_users):
    # Anonymous: the forms' cap applies on the photo address too.
    assert announce(client, PHOTOS, FIVE_MB).status_code == 413
    client.force_login(demo_users["sprecherin-sachsen-anhalt"])
    # Signed in: the cap lets a photo-sized body through, to the form that judges the file …
    upload = SimpleUploadedFile("foto.jpg", b"\xff" * (4 * 1024 * 1024), content_type="image/jpeg")
    response = client.post(PHOTOS, {"upload": upload, "caption": "Vier Megabyte"})
    assert response.status_code == 400
    assert "kein Bild" in page(response).text
    # … but not on any other address, and not beyond the photo's limit.
    assert announce(client, "/redaktion/neues-treffen/", FIVE_MB).status_code == 413
    response = announce(client, PHOTOS, HUNDRED_MB)
    assert response.status_code == 413
    assert "höchstens 11,0 MB" in page(response).text


@override_settings(REQUEST_BODY_MAX_BYTES=1024)
def test_the_cap_follows_the_setting_and_lets_smaller_bodies_through(client, demo):
    assert client.post("/anmelden/", {"username": "x" * 2000, "password": "y"}).status_code == 413
    assert client.post("/anmelden/", {"username": "x", "password": "y"}).status_code == 200


@pytest.mark.parametrize("length", ["", "abc", "-5"])
def test_a_missing_or_malformed_length_is_no_large_body(client, demo, length):
    assert client.post("/anmelden/", {"username": "x", "password": "y"}, CONTENT_LENGTH=length).status_code != 413
