"""Forged /redaktion/ forms from signed-in accounts never give a server error.

Every role that writes in /redaktion/ sends each of its forms (new meeting, meeting, report with
each of its actions, photo upload) as rendered, with hostile values: all fields at once with one
bad value, then every field alone with forged keys and numbers (a 20-digit id once gave an
OverflowError on SQLite). Every answer must be a form error, a refusal or a redirect.
"""

import pytest
from django.urls import reverse

from tests.core.test_forged_posts import FORGED_KEYS, SKIPPED, all_at_once, server_errors
from tests.editorial.test_editorial import OWN
from tests.pages import form_data, page

pytestmark = pytest.mark.django_db

WRITERS = {
    "sprecherin-sachsen-anhalt": OWN,
    "redaktion-anhalt": None,
    "programmbuero": OWN,
}


def post_forms(client, url) -> list[tuple[str, dict]]:
    """(action, data as a browser would send it) of every POST form on the page."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    forms = []
    for form in page(response).find_all("form"):
        if (form.get("method") or "").lower() != "post":
            continue
        action = form.get("action") or url
        if action.startswith("/redaktion/") or action == url:
            forms.append((action, form_data(form)))
    return forms


@pytest.mark.parametrize("username", WRITERS)
def test_forged_editorial_forms_never_give_a_server_error(client, demo_users, username):
    client.force_login(demo_users[username])
    client.raise_request_exception = False  # a server error is an answer to count, not an exception
    slug = WRITERS[username]
    urls = [reverse("editorial:meeting_new")]
    if slug is None:
        # The editor's network has no meeting in the demo data: the one a new meeting form makes.
        response = client.post(urls[0], {**post_forms(client, urls[0])[0][1], "title": "Treffen im Test"})
        assert response.status_code == 302, page(response).text[:500]
        slug = response["Location"].split("/")[3]
    urls += [reverse("editorial:meeting_edit", args=[slug]), reverse("editorial:report", args=[slug])]
    failures, sent = [], 0
    for url in urls:
        for action, data in post_forms(client, url):
            attempts = all_at_once(data) + [
                {name: [key]} for name in data if name not in SKIPPED for key in FORGED_KEYS
            ]
            failures += server_errors(client, action, data, attempts)
            sent += len(attempts)
    assert not failures, f"{len(failures)} of {sent} forged posts answered ≥ 500: {failures[:10]}"
    assert sent > 50
